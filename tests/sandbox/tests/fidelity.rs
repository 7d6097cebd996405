//! Responses compared with the captured kube-apiserver responses in `shared/fixtures/apiserver-responses/`.

mod common;

use base64::Engine;
use common::*;
use flink_sandbox::{Permissions, Sandbox};
use serde_json::{Value, json};

fn without_server_fields(mut v: Value) -> Value {
    if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        for f in [
            "uid",
            "resourceVersion",
            "creationTimestamp",
            "generation",
            "managedFields",
        ] {
            m.remove(f);
        }
    }
    if let Some(m) = v.as_object_mut() {
        m.remove("status");
    }
    v
}

#[tokio::test]
async fn group_discovery_matches_the_captured_resource_list_exactly() {
    let sb = Sandbox::builder().start().await.unwrap();
    let http = Http::admin(&sb);
    let r = http.get("/apis/flink.apache.org/v1beta1").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body, fixture("discovery-flink.apache.org-v1beta1.json"));
    let apis = http.get("/apis").await.body;
    let want = fixture("discovery-apis.json");
    let flink = |v: &Value| {
        v["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["name"] == "flink.apache.org")
            .cloned()
    };
    assert_eq!(flink(&apis), flink(&want));
    assert_same_shape(&apis, &want, "", &[]);
    sb.shutdown().await;
}

#[tokio::test]
async fn missing_crd_disappears_from_discovery_and_answers_404() {
    let sb = Sandbox::builder()
        .without_crd("flinkstatesnapshots")
        .start()
        .await
        .unwrap();
    let http = Http::admin(&sb);
    let names: Vec<String> = http.get("/apis/flink.apache.org/v1beta1").await.body["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_string())
        .collect();
    assert!(
        !names.iter().any(|n| n.starts_with("flinkstatesnapshots")),
        "{names:?}"
    );
    let r = http.get(SNAP).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.body["reason"], "NotFound");
    sb.shutdown().await;
}

#[tokio::test]
async fn not_found_conflict_and_unsupported_patch_errors_match_fixtures() {
    let sb = sandbox_with_orders_app().await;
    let http = Http::admin(&sb);
    let r = http.get(&format!("{FD}/nope")).await;
    assert_eq!(
        (r.status, r.body),
        (404, fixture("error-404-notfound.json"))
    );

    let mut stale = http.get(&format!("{FD}/orders-app")).await.body;
    stale["metadata"]["resourceVersion"] = json!("1");
    let r = http.put(&format!("{FD}/orders-app"), &stale).await;
    assert_eq!(
        (r.status, r.body.clone()),
        (
            409,
            fixture("error-409-conflict-stale-resourceversion.json")
        )
    );
    let r = http
        .patch(
            &format!("{FD}/orders-app"),
            "application/merge-patch+json",
            r#"{"metadata":{"resourceVersion":"1"},"spec":{"job":{"parallelism":3}}}"#,
        )
        .await;
    assert_eq!(
        (r.status, r.body),
        (
            409,
            fixture("error-409-conflict-stale-resourceversion.json")
        )
    );

    let r = http
        .patch(
            &format!("{FD}/orders-app"),
            "application/strategic-merge-patch+json",
            "{}",
        )
        .await;
    assert_eq!(
        (r.status, r.body),
        (415, fixture("error-415-strategic-merge-on-cr.json"))
    );

    let test = r#"[{"op":"test","path":"/spec/job/parallelism","value":7},{"op":"replace","path":"/spec/job/parallelism","value":8}]"#;
    let r = http
        .patch(
            &format!("{FD}/orders-app"),
            "application/json-patch+json",
            test,
        )
        .await;
    assert_eq!(
        (r.status, r.body),
        (422, fixture("error-422-json-patch-test-failed.json"))
    );
    assert_eq!(
        sb.store()
            .get("flinkdeployments", "analytics", "orders-app")
            .unwrap()["spec"]["job"]["parallelism"],
        2
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn schema_violation_on_create_is_the_captured_422() {
    let sb = sandbox_with_orders_app().await;
    let bad = json!({"apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkStateSnapshot",
        "metadata": {"name": "bad-snap"},
        "spec": {"backoffLimit": "string", "jobReference": {"kind": "FlinkDeployment", "name": "orders-app"}, "savepoint": {}}});
    let r = Http::admin(&sb).post(SNAP, &bad).await;
    assert_eq!(
        (r.status, r.body),
        (422, fixture("error-422-schema-invalid-create.json"))
    );
    assert!(
        sb.store()
            .get("flinkstatesnapshots", "analytics", "bad-snap")
            .is_none()
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn user_without_patch_permission_gets_the_captured_403() {
    let sb = Sandbox::builder()
        .user("viewer", "viewer-token", Permissions::read_only())
        .start()
        .await
        .unwrap();
    sb.store().ensure_namespace("analytics");
    sb.store()
        .create(
            "flinkdeployments",
            "analytics",
            manifest("flinkdeployment-application.yaml"),
        )
        .unwrap();
    let viewer = Http::new(&sb, "viewer-token");
    let r = viewer
        .patch(
            &format!("{FD}/orders-app"),
            "application/merge-patch+json",
            "{}",
        )
        .await;
    assert_eq!(
        (r.status, r.body),
        (403, fixture("error-403-forbidden-patch.json"))
    );
    assert_eq!(viewer.get(&format!("{FD}/orders-app")).await.status, 200);
    let r = Http::new(&sb, "wrong-token").get(FD).await;
    assert_eq!(
        (r.status, r.body["reason"].clone()),
        (401, json!("Unauthorized"))
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn list_in_missing_namespace_is_an_empty_list_like_the_capture() {
    let sb = Sandbox::builder().start().await.unwrap();
    let r = Http::admin(&sb)
        .get("/apis/flink.apache.org/v1beta1/namespaces/nowhere/flinkdeployments")
        .await;
    assert_eq!(r.status, 200);
    let mut want = fixture("list-in-missing-namespace.json");
    want["metadata"]["resourceVersion"] = r.body["metadata"]["resourceVersion"].clone();
    assert_eq!(r.body, want);
    sb.shutdown().await;
}

#[tokio::test]
async fn get_and_paginated_list_have_the_captured_shape_and_continue_token() {
    let sb = sandbox_with_orders_app().await;
    sb.store()
        .create(
            "flinkdeployments",
            "analytics",
            manifest("flinkdeployment-session.yaml"),
        )
        .unwrap();
    let mut captured = without_server_fields(fixture("get-flinkdeployment.json"));
    captured["metadata"]["name"] = json!("orders-app-2");
    sb.store()
        .create("flinkdeployments", "analytics", captured)
        .unwrap();
    let http = Http::admin(&sb);
    let got = http.get(&format!("{FD}/orders-app-2")).await.body;
    assert_same_shape(
        &got,
        &fixture("get-flinkdeployment.json"),
        "",
        &["managedFields"],
    );

    let page1 = http.get(&format!("{FD}?limit=1")).await.body;
    let want1 = fixture("list-flinkdeployments-limit1.json");
    assert_same_shape(
        &page1,
        &want1,
        "",
        &["managedFields", "annotations", "savepointTriggerNonce"],
    );
    assert_eq!(page1["items"][0]["metadata"]["name"], "orders-app");
    assert_eq!(page1["metadata"]["remainingItemCount"], 2);
    let token = page1["metadata"]["continue"].as_str().unwrap();
    let decoded: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(token)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(decoded["v"], "meta.k8s.io/v1");
    assert_eq!(decoded["start"], "orders-app\u{0}");
    assert_eq!(
        decoded["rv"].to_string(),
        page1["metadata"]["resourceVersion"].as_str().unwrap()
    );

    let page2 = http
        .get(&format!("{FD}?limit=2&continue={token}"))
        .await
        .body;
    let names: Vec<&str> = page2["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["orders-app-2", "shared-session"]);
    assert_same_shape(
        &page2["metadata"],
        &fixture("list-flinkdeployments-continue.json")["metadata"],
        "",
        &[],
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn all_namespace_list_with_label_selector_matches_the_capture() {
    let sb = sandbox_with_orders_app().await;
    let snap = without_server_fields(
        fixture("list-flinkstatesnapshots-all-namespaces-selector.json")["items"][0].clone(),
    );
    sb.store()
        .create("flinkstatesnapshots", "analytics", snap)
        .unwrap();
    sb.store().ensure_namespace("other");
    let mut other = manifest("flinkstatesnapshot-manual.yaml");
    other["metadata"]["labels"] = json!({"job-reference.name": "clicks"});
    sb.store()
        .create("flinkstatesnapshots", "other", other)
        .unwrap();
    let sel = "job-reference.kind%3DFlinkDeployment%2Cjob-reference.name%3Dorders-app";
    let r = Http::admin(&sb)
        .get(&format!(
            "/apis/flink.apache.org/v1beta1/flinkstatesnapshots?labelSelector={sel}"
        ))
        .await;
    let want = fixture("list-flinkstatesnapshots-all-namespaces-selector.json");
    assert_same_shape(&r.body, &want, "", &["managedFields"]);
    assert_eq!(r.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        without_server_fields(r.body["items"][0].clone()),
        without_server_fields(want["items"][0].clone())
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn status_patch_and_server_side_apply_respect_the_status_subresource() {
    let sb = sandbox_with_orders_app().await;
    let http = Http::admin(&sb);
    let before = http.get(&format!("{FD}/orders-app")).await.body;
    let status = r#"{"status":{"jobStatus":{"state":"RUNNING","savepointInfo":{"formatType":"CANONICAL","lastPeriodicSavepointTimestamp":0,"savepointHistory":[],"triggerId":"abc123","triggerTimestamp":1763922000500,"triggerType":"MANUAL"}}},"spec":{"job":{"parallelism":99}}}"#;
    let r = http
        .patch(
            &format!("{FD}/orders-app/status"),
            "application/merge-patch+json",
            status,
        )
        .await;
    assert_eq!(r.status, 200);
    assert_same_shape(
        &r.body,
        &fixture("patch-status-merge-response.json"),
        "",
        &["managedFields", "annotations", "savepointTriggerNonce"],
    );
    assert_eq!(
        r.body["spec"]["job"]["parallelism"], 2,
        "spec written through /status must be ignored"
    );
    assert_eq!(
        r.body["metadata"]["generation"],
        before["metadata"]["generation"]
    );

    let apply = "apiVersion: flink.apache.org/v1beta1\nkind: FlinkDeployment\nmetadata:\n  name: orders-app\nspec:\n  job:\n    savepointTriggerNonce: 1763922000999\nstatus:\n  error: ignored\n";
    let r = http
        .patch(
            &format!("{FD}/orders-app?fieldManager=kubectl-savepoint"),
            "application/apply-patch+yaml",
            apply,
        )
        .await;
    assert_eq!(r.status, 200);
    assert_same_shape(
        &r.body,
        &fixture("patch-server-side-apply-response.json"),
        "",
        &["managedFields", "annotations"],
    );
    assert_eq!(r.body["metadata"]["generation"], 2);
    assert_eq!(
        r.body["status"]["jobStatus"]["savepointInfo"]["triggerId"],
        "abc123"
    );
    assert!(
        r.body["status"].get("error").is_none(),
        "status written through the main resource must be ignored"
    );

    let r = http
        .patch(
            &format!("{FD}/orders-app"),
            "application/apply-patch+yaml",
            apply,
        )
        .await;
    assert_eq!(
        (r.status, r.body["reason"].clone()),
        (422, json!("Invalid")),
        "apply without fieldManager"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn watch_streams_json_lines_shaped_like_the_capture() {
    let sb = sandbox_with_orders_app().await;
    let http = Http::admin(&sb);
    let rv = http.get(SNAP).await.body["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string();
    let resp = http
        .client
        .get(format!("{}{SNAP}?watch=1&resourceVersion={rv}&timeoutSeconds=60&labelSelector=job-reference.name%3Dorders-app", http.base))
        .bearer_auth(&http.token)
        .send()
        .await
        .unwrap();
    let snap = without_server_fields(
        fixture("list-flinkstatesnapshots-all-namespaces-selector.json")["items"][0].clone(),
    );
    sb.store()
        .create("flinkstatesnapshots", "analytics", snap)
        .unwrap();
    let mut resp = resp;
    let mut buf = Vec::new();
    while !buf.contains(&b'\n') {
        let chunk = resp
            .chunk()
            .await
            .unwrap()
            .expect("watch ended before the first event");
        buf.extend_from_slice(&chunk);
    }
    let text = String::from_utf8(buf).unwrap();
    let first: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    let captured_path =
        shared().join("fixtures/apiserver-responses/watch-flinkstatesnapshots-stream.jsonl");
    let captured_text = std::fs::read_to_string(captured_path).unwrap();
    let captured: Value = serde_json::from_str(captured_text.lines().next().unwrap()).unwrap();
    assert_same_shape(&first, &captured, "", &["managedFields"]);
    assert_eq!(first["type"], "ADDED");
    sb.shutdown().await;
}

#[tokio::test]
async fn generate_name_dry_run_and_delete_behave_like_the_apiserver() {
    let sb = sandbox_with_orders_app().await;
    let http = Http::admin(&sb);
    let mut snap = manifest("flinkstatesnapshot-manual.yaml");
    snap["metadata"] = json!({"generateName": "orders-app-sp-"});
    let r = http.post(&format!("{SNAP}?dryRun=All"), &snap).await;
    assert_eq!(r.status, 201);
    assert!(
        sb.store()
            .list("flinkstatesnapshots", Some("analytics"))
            .0
            .is_empty(),
        "dry run must not persist"
    );
    let r = http.post(SNAP, &snap).await;
    assert_eq!(r.status, 201);
    let name = r.body["metadata"]["name"].as_str().unwrap().to_string();
    assert!(
        name.starts_with("orders-app-sp-") && name.len() == "orders-app-sp-".len() + 5,
        "{name}"
    );
    assert_eq!(r.body["metadata"]["generation"], 1);
    let r = http.post(SNAP, &json!({"apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkStateSnapshot", "metadata": {"name": name}})).await;
    assert_eq!(
        (r.status, r.body["reason"].clone()),
        (409, json!("AlreadyExists"))
    );

    sb.store()
        .update(
            "flinkdeployments",
            "analytics",
            {
                let mut o = sb
                    .store()
                    .get("flinkdeployments", "analytics", "orders-app")
                    .unwrap();
                o["metadata"]["finalizers"] =
                    json!(["flinkdeployments.flink.apache.org/finalizer"]);
                o
            },
            None,
        )
        .unwrap();
    let r = http.delete(&format!("{FD}/orders-app")).await;
    assert_eq!(r.status, 202);
    assert!(r.body["metadata"]["deletionTimestamp"].is_string());
    let r = http
        .patch(
            &format!("{FD}/orders-app"),
            "application/json-patch+json",
            r#"[{"op":"remove","path":"/metadata/finalizers"}]"#,
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(
        sb.store()
            .get("flinkdeployments", "analytics", "orders-app")
            .is_none(),
        "removed once finalizers are gone"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn delete_preconditions_fail_with_the_apiserver_conflict_message() {
    let sb = sandbox_with_orders_app().await;
    let http = Http::admin(&sb);
    let cur = http.get(&format!("{FD}/orders-app")).await.body;
    let uid = cur["metadata"]["uid"].as_str().unwrap();
    let body = json!({"kind": "DeleteOptions", "apiVersion": "v1", "preconditions": {"uid": "0000", "resourceVersion": cur["metadata"]["resourceVersion"]}});
    let r = http
        .send(
            "DELETE",
            &format!("{FD}/orders-app"),
            Some("application/json"),
            Some(body.to_string()),
        )
        .await;
    assert_eq!(r.status, 409);
    assert_eq!(
        r.body["message"],
        format!(
            "Operation cannot be fulfilled on FlinkDeployment.flink.apache.org \"orders-app\": the UID in the precondition (0000) does not match the UID in record ({uid}). The object might have been deleted and then recreated"
        )
    );
    // As kube-apiserver v1.37 answers (the group-qualified kind, in the message and in details.kind).
    assert_eq!(
        r.body["details"],
        json!({"name": "orders-app", "group": "flink.apache.org", "kind": "FlinkDeployment"})
    );
    let body = json!({"preconditions": {"uid": uid, "resourceVersion": cur["metadata"]["resourceVersion"]}});
    let r = http
        .send(
            "DELETE",
            &format!("{FD}/orders-app"),
            Some("application/json"),
            Some(body.to_string()),
        )
        .await;
    assert_eq!(r.status, 200);
    sb.shutdown().await;
}

#[tokio::test]
async fn plain_http_mode_serves_the_same_api_and_writes_an_http_kubeconfig() {
    let sb = Sandbox::builder().tls(false).start().await.unwrap();
    assert!(sb.url().starts_with("http://"));
    assert!(sb.ca_pem().is_none());
    let kc = std::fs::read_to_string(sb.kubeconfig_path()).unwrap();
    assert!(
        kc.contains(sb.url()) && !kc.contains("certificate-authority-data"),
        "{kc}"
    );
    let r = Http::admin(&sb).get("/version").await;
    assert_eq!((r.status, r.body["major"].clone()), (200, json!("1")));
    sb.shutdown().await;
}
