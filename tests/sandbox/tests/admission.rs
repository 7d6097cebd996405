//! Admission chain against a tiny in-test HTTPS webhook: review shape, JSON patches, denial shape, warnings,
//! failure policy, timeouts, selectors, dry run, DELETE reviews.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::routing::post;
use base64::Engine;
use common::*;
use flink_sandbox::{Sandbox, TlsServer};
use serde_json::{Value, json};

type Seen = Arc<Mutex<Vec<(String, Value)>>>;

fn answer(review: &Value, extra: Value) -> Json<Value> {
    let mut response = json!({"uid": review["request"]["uid"], "allowed": true});
    if let (Some(r), Some(e)) = (response.as_object_mut(), extra.as_object()) {
        r.extend(e.clone());
    }
    Json(
        json!({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "response": response}),
    )
}

async fn webhook() -> (TlsServer, Seen) {
    let seen: Seen = Arc::default();
    let record = |path: &'static str| {
        move |State(seen): State<Seen>, Json(review): Json<Value>| async move {
            seen.lock()
                .unwrap()
                .push((path.to_string(), review.clone()));
            let patch =
                json!([{"op": "add", "path": "/metadata/labels", "value": {"mutated": "yes"}}]);
            let extra = match path {
                "mutate" => {
                    json!({"patchType": "JSONPatch", "patch": base64::engine::general_purpose::STANDARD.encode(patch.to_string()), "warnings": ["retention defaults applied"]})
                }
                "deny" => {
                    json!({"allowed": false, "status": {"code": 403, "reason": "Forbidden", "message": "savepoint directory overrides are not allowed"}})
                }
                "slow" => {
                    tokio::time::sleep(Duration::from_secs(3)).await;
                    json!({})
                }
                _ => json!({}),
            };
            answer(&review, extra)
        }
    };
    let router = axum::Router::new()
        .route("/mutate", post(record("mutate")))
        .route("/validate", post(record("validate")))
        .route("/deny", post(record("deny")))
        .route("/slow", post(record("slow")))
        .with_state(seen.clone());
    (TlsServer::start(router).await.unwrap(), seen)
}

fn hook(name: &str, url: String, ca: &str, extra: Value) -> Value {
    let mut h = json!({
        "name": name,
        "clientConfig": {"url": url, "caBundle": ca},
        "rules": [{"apiGroups": ["flink.apache.org"], "apiVersions": ["v1beta1"], "operations": ["CREATE", "UPDATE", "DELETE"], "resources": ["flinkdeployments", "flinksessionjobs"], "scope": "Namespaced"}],
        "admissionReviewVersions": ["v1"],
        "sideEffects": "None",
        "failurePolicy": "Fail",
        "timeoutSeconds": 1
    });
    if let (Some(m), Some(e)) = (h.as_object_mut(), extra.as_object()) {
        m.extend(e.clone());
    }
    h
}

async fn configure(http: &Http, kind: &str, hooks: Vec<Value>) {
    let plural = format!("{}s", kind.to_lowercase());
    let body = json!({"apiVersion": "admissionregistration.k8s.io/v1", "kind": kind, "metadata": {"name": "savepoint-webhook"}, "webhooks": hooks});
    let r = http
        .post(
            &format!("/apis/admissionregistration.k8s.io/v1/{plural}"),
            &body,
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
}

fn orders_app() -> Value {
    manifest("flinkdeployment-application.yaml")
}

#[tokio::test]
async fn mutating_then_validating_webhooks_see_reviews_shaped_like_the_apiserver() {
    let (wh, seen) = webhook().await;
    let sb = Sandbox::builder().start().await.unwrap();
    sb.store().ensure_namespace("analytics");
    let http = Http::admin(&sb);
    let ca = wh.ca_bundle();
    configure(
        &http,
        "MutatingWebhookConfiguration",
        vec![hook(
            "msavepoint.flink.apache.org",
            format!("{}/mutate", wh.url),
            &ca,
            json!({}),
        )],
    )
    .await;
    configure(
        &http,
        "ValidatingWebhookConfiguration",
        vec![hook(
            "vsavepoint.flink.apache.org",
            format!("{}/validate", wh.url),
            &ca,
            json!({}),
        )],
    )
    .await;

    let r = http
        .post(
            &format!("{FD}?fieldManager=kubectl-client-side-apply&fieldValidation=Strict"),
            &orders_app(),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(
        r.body["metadata"]["labels"]["mutated"], "yes",
        "mutating JSON patch applied"
    );
    let warnings: Vec<&str> = r
        .headers
        .get_all("warning")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert_eq!(warnings, [r#"299 - "retention defaults applied""#]);

    let seen = seen.lock().unwrap().clone();
    let order: Vec<&str> = seen.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(order, ["mutate", "validate"]);
    let fixtures = shared().join("fixtures/admission-reviews");
    let captured: Value = serde_json::from_str(
        &std::fs::read_to_string(
            fixtures.join("000-mutate-FlinkDeployment-CREATE-orders-app.json"),
        )
        .unwrap(),
    )
    .unwrap();
    assert_same_shape(&seen[0].1, &captured, "", &["managedFields", "annotations"]);
    assert_eq!(
        seen[0].1["request"]["userInfo"],
        captured["request"]["userInfo"]
    );
    assert_eq!(
        seen[0].1["request"]["options"],
        captured["request"]["options"]
    );
    assert_eq!(
        seen[1].1["request"]["object"]["metadata"]["labels"]["mutated"], "yes",
        "validators see the mutated object"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn denial_uses_the_apiserver_error_shape_and_delete_reviews_carry_old_object() {
    let (wh, seen) = webhook().await;
    let sb = Sandbox::builder().start().await.unwrap();
    sb.store().ensure_namespace("analytics");
    sb.store()
        .create("flinkdeployments", "analytics", orders_app())
        .unwrap();
    let http = Http::admin(&sb);
    let deny = hook(
        "vsavepoint.flink.apache.org",
        format!("{}/deny", wh.url),
        &wh.ca_bundle(),
        json!({}),
    );
    configure(&http, "ValidatingWebhookConfiguration", vec![deny]).await;
    let r = http
        .patch(
            &format!("{FD}/orders-app"),
            "application/merge-patch+json",
            r#"{"spec":{"job":{"parallelism":4}}}"#,
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(
        r.body,
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": "admission webhook \"vsavepoint.flink.apache.org\" denied the request: savepoint directory overrides are not allowed",
            "reason": "Forbidden", "code": 403})
    );
    assert_eq!(
        sb.store()
            .get("flinkdeployments", "analytics", "orders-app")
            .unwrap()["spec"]["job"]["parallelism"],
        2
    );
    let r = http.delete(&format!("{FD}/orders-app")).await;
    assert_eq!(r.status, 403);
    let reviews = seen.lock().unwrap().clone();
    let update = &reviews[0].1["request"];
    assert_eq!(
        (
            update["operation"].as_str(),
            update["options"]["kind"].as_str()
        ),
        (Some("UPDATE"), Some("UpdateOptions"))
    );
    assert_eq!(update["oldObject"]["spec"]["job"]["parallelism"], 2);
    let del = &reviews[1].1["request"];
    assert_eq!(del["operation"], "DELETE");
    assert!(del["object"].is_null());
    assert_eq!(del["oldObject"]["metadata"]["name"], "orders-app");
    assert_eq!(
        del["options"],
        json!({"kind": "DeleteOptions", "apiVersion": "meta.k8s.io/v1", "propagationPolicy": "Background"})
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn failure_policy_timeouts_selectors_and_dry_run_are_honoured() {
    let (wh, seen) = webhook().await;
    let sb = Sandbox::builder().start().await.unwrap();
    sb.store().ensure_namespace("analytics");
    sb.store().ensure_namespace("ignored");
    let http = Http::admin(&sb);
    let ca = wh.ca_bundle();
    let ns_sel = json!({"namespaceSelector": {"matchExpressions": [{"key": "kubernetes.io/metadata.name", "operator": "NotIn", "values": ["ignored"]}]}});
    configure(
        &http,
        "ValidatingWebhookConfiguration",
        vec![hook(
            "slow.example.com",
            format!("{}/slow", wh.url),
            &ca,
            ns_sel,
        )],
    )
    .await;

    let r = http.post(FD, &orders_app()).await;
    assert_eq!(r.status, 500, "timeout with failurePolicy Fail");
    assert!(
        r.body["message"]
            .as_str()
            .unwrap()
            .starts_with("Internal error occurred: failed calling webhook \"slow.example.com\""),
        "{}",
        r.body
    );
    let mut elsewhere = orders_app();
    elsewhere["metadata"]["namespace"] = json!("ignored");
    let r = http
        .post(
            "/apis/flink.apache.org/v1beta1/namespaces/ignored/flinkdeployments",
            &elsewhere,
        )
        .await;
    assert_eq!(
        r.status, 201,
        "namespaceSelector excludes namespace `ignored`: {}",
        r.text
    );
    assert_eq!(seen.lock().unwrap().len(), 1);

    let mut cfg = sb
        .store()
        .get("validatingwebhookconfigurations", "", "savepoint-webhook")
        .unwrap();
    cfg["webhooks"][0]["failurePolicy"] = json!("Ignore");
    cfg["webhooks"][0]["clientConfig"]["url"] = json!("https://127.0.0.1:1/unreachable");
    assert_eq!(http.put("/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/savepoint-webhook", &cfg).await.status, 200);
    let r = http.post(FD, &orders_app()).await;
    assert_eq!(
        r.status, 201,
        "unreachable webhook with failurePolicy Ignore: {}",
        r.text
    );

    cfg = sb
        .store()
        .get("validatingwebhookconfigurations", "", "savepoint-webhook")
        .unwrap();
    cfg["webhooks"][0]["sideEffects"] = json!("Unknown");
    assert_eq!(http.put("/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/savepoint-webhook", &cfg).await.status, 200);
    let mut other = orders_app();
    other["metadata"]["name"] = json!("dry");
    let r = http.post(&format!("{FD}?dryRun=All"), &other).await;
    assert_eq!(
        (r.status, r.body["message"].clone()),
        (
            400,
            json!("admission webhook \"slow.example.com\" does not support dry run")
        )
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn webhook_without_ca_bundle_needs_the_sandbox_wide_webhook_ca() {
    let (wh, _seen) = webhook().await;
    let trusting = Sandbox::builder()
        .webhook_ca(wh.cert.ca_pem.clone())
        .start()
        .await
        .unwrap();
    let plain = Sandbox::builder().start().await.unwrap();
    for sb in [&trusting, &plain] {
        sb.store().ensure_namespace("analytics");
        let http = Http::admin(sb);
        let mut h = hook(
            "validate.example.com",
            format!("{}/validate", wh.url),
            "",
            json!({}),
        );
        h["clientConfig"]
            .as_object_mut()
            .unwrap()
            .remove("caBundle");
        configure(&http, "ValidatingWebhookConfiguration", vec![h]).await;
    }
    assert_eq!(
        Http::admin(&trusting).post(FD, &orders_app()).await.status,
        201
    );
    let r = Http::admin(&plain).post(FD, &orders_app()).await;
    assert_eq!(
        r.status, 500,
        "untrusted webhook certificate with failurePolicy Fail: {}",
        r.text
    );
    trusting.shutdown().await;
    plain.shutdown().await;
}
