//! The real `kubectl` (v1.32) against the sandbox: get, apply (client- and server-side), patch, delete.

mod common;

use common::*;
use flink_sandbox::{Permissions, Sandbox};
use serde_json::Value;

struct Out {
    ok: bool,
    stdout: String,
    stderr: String,
}

async fn kubectl(kubeconfig: &std::path::Path, args: &[&str]) -> Out {
    let out = tokio::process::Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .args(args)
        .env_remove("KUBECONFIG")
        .current_dir(shared().join("fixtures/manifests"))
        .output()
        .await
        .expect("kubectl must be installed");
    Out {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn ok(o: &Out) -> &str {
    assert!(o.ok, "kubectl failed: {}", o.stderr);
    &o.stdout
}

#[tokio::test(flavor = "multi_thread")]
async fn kubectl_creates_applies_patches_and_deletes_flink_resources() {
    let sb = Sandbox::builder().start().await.unwrap();
    let kc = sb.kubeconfig_path().to_path_buf();
    assert!(
        ok(&kubectl(&kc, &["create", "namespace", "analytics"]).await)
            .contains("namespace/analytics created")
    );
    let o = kubectl(&kc, &["apply", "-f", "flinkdeployment-application.yaml"]).await;
    assert!(ok(&o).contains("flinkdeployment.flink.apache.org/orders-app created"));
    let o = kubectl(&kc, &["apply", "-f", "flinkdeployment-application.yaml"]).await;
    assert!(ok(&o).contains("orders-app unchanged"));

    sb.clear_requests();
    let table = kubectl(&kc, &["get", "flinkdep", "-n", "analytics"]).await;
    let table = ok(&table);
    assert!(
        table.contains("JOB STATUS")
            && table.contains("LIFECYCLE STATE")
            && table.contains("orders-app"),
        "{table}"
    );
    let lists = sb
        .requests()
        .iter()
        .filter(|r| r.verb.as_deref() == Some("list") && r.path.ends_with("/flinkdeployments"))
        .count();
    assert_eq!(lists, 1, "kubectl get must cost exactly one LIST");

    let o = kubectl(
        &kc,
        &[
            "patch",
            "flinkdeployment",
            "orders-app",
            "-n",
            "analytics",
            "--type",
            "merge",
            "-p",
            r#"{"spec":{"job":{"savepointTriggerNonce":5}}}"#,
        ],
    )
    .await;
    assert!(ok(&o).contains("patched"));
    let o = kubectl(
        &kc,
        &[
            "patch",
            "flinkdeployment",
            "orders-app",
            "-n",
            "analytics",
            "--type",
            "json",
            "-p",
            r#"[{"op":"replace","path":"/spec/job/savepointTriggerNonce","value":6}]"#,
        ],
    )
    .await;
    ok(&o);
    let got: Value = serde_json::from_str(ok(&kubectl(
        &kc,
        &[
            "get",
            "flinkdep",
            "orders-app",
            "-n",
            "analytics",
            "-o",
            "json",
        ],
    )
    .await))
    .unwrap();
    assert_eq!(got["spec"]["job"]["savepointTriggerNonce"], 6);
    assert_eq!(got["metadata"]["generation"], 3);
    let yaml = kubectl(
        &kc,
        &[
            "get",
            "flinkdep",
            "orders-app",
            "-n",
            "analytics",
            "-o",
            "yaml",
        ],
    )
    .await;
    assert!(ok(&yaml).contains("savepointTriggerNonce: 6"));

    let o = kubectl(
        &kc,
        &[
            "patch",
            "flinkdeployment",
            "orders-app",
            "-n",
            "analytics",
            "-p",
            r#"{"spec":{"job":{"parallelism":3}}}"#,
        ],
    )
    .await;
    assert!(!o.ok);
    assert!(
        o.stderr.contains("the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"),
        "{}",
        o.stderr
    );

    let o = kubectl(
        &kc,
        &[
            "apply",
            "--server-side",
            "-f",
            "flinkdeployment-session.yaml",
        ],
    )
    .await;
    assert!(ok(&o).contains("serverside-applied"), "{}", o.stdout);
    assert!(
        sb.store()
            .get("flinkdeployments", "analytics", "shared-session")
            .is_some()
    );

    let o = kubectl(
        &kc,
        &["delete", "flinkdep", "orders-app", "-n", "analytics"],
    )
    .await;
    assert!(ok(&o).contains("deleted"));
    assert!(
        sb.store()
            .get("flinkdeployments", "analytics", "orders-app")
            .is_none()
    );
    let o = kubectl(&kc, &["get", "flinkdep", "orders-app", "-n", "analytics"]).await;
    assert!(o.stderr.contains("Error from server (NotFound): flinkdeployments.flink.apache.org \"orders-app\" not found"), "{}", o.stderr);
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn kubectl_as_a_read_only_user_is_forbidden_to_patch() {
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
    let kc = sb.kubeconfig_for_user("viewer").unwrap();
    ok(&kubectl(&kc, &["get", "flinkdeployments", "-n", "analytics"]).await);
    let o = kubectl(
        &kc,
        &[
            "patch",
            "flinkdep",
            "orders-app",
            "-n",
            "analytics",
            "--type",
            "merge",
            "-p",
            "{}",
        ],
    )
    .await;
    assert!(!o.ok);
    assert!(
        o.stderr.contains("User \"viewer\" cannot patch resource \"flinkdeployments\" in API group \"flink.apache.org\" in the namespace \"analytics\""),
        "{}",
        o.stderr
    );
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn kubectl_apply_rejects_schema_violations_and_unknown_fields_server_side() {
    let sb = Sandbox::builder().start().await.unwrap();
    sb.store().ensure_namespace("analytics");
    let dir = std::env::temp_dir().join(format!("sbx-kubectl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.yaml");
    std::fs::write(&bad, "apiVersion: flink.apache.org/v1beta1\nkind: FlinkStateSnapshot\nmetadata:\n  name: bad-snap\n  namespace: analytics\nspec:\n  backoffLimit: nope\n").unwrap();
    let o = kubectl(
        sb.kubeconfig_path(),
        &["apply", "-f", bad.to_str().unwrap()],
    )
    .await;
    assert!(!o.ok);
    assert!(
        o.stderr
            .contains("spec.backoffLimit in body must be of type integer"),
        "{}",
        o.stderr
    );
    std::fs::write(&bad, "apiVersion: flink.apache.org/v1beta1\nkind: FlinkStateSnapshot\nmetadata:\n  name: odd-snap\n  namespace: analytics\nspec:\n  bogus: 1\n").unwrap();
    let o = kubectl(
        sb.kubeconfig_path(),
        &["apply", "-f", bad.to_str().unwrap()],
    )
    .await;
    assert!(!o.ok);
    assert!(
        o.stderr.contains("unknown field \"spec.bogus\""),
        "{}",
        o.stderr
    );
    let _ = std::fs::remove_dir_all(&dir);
    sb.shutdown().await;
}

const WEBHOOK_CONFIG: &str = "apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: savepoint-webhook
webhooks:
  - name: validate.savepoint.flink-savepoint.io
    admissionReviewVersions: [\"v1\"]
    sideEffects: None
    timeoutSeconds: 5
    failurePolicy: Ignore
    clientConfig:
      url: https://127.0.0.1:1/validate
    rules:
      - apiGroups: [\"flink.apache.org\"]
        apiVersions: [\"*\"]
        resources: [\"flinkdeployments\"]
        operations: [\"CREATE\", \"UPDATE\"]
";

#[tokio::test(flavor = "multi_thread")]
async fn kubectl_apply_twice_updates_webhook_configurations_via_strategic_merge() {
    let sb = Sandbox::builder().start().await.unwrap();
    let dir = std::env::temp_dir().join(format!("sbx-kubectl-wh-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("webhook.yaml");
    std::fs::write(&file, WEBHOOK_CONFIG).unwrap();
    let o = kubectl(
        sb.kubeconfig_path(),
        &["apply", "-f", file.to_str().unwrap()],
    )
    .await;
    assert!(ok(&o).contains("created"));
    std::fs::write(
        &file,
        WEBHOOK_CONFIG.replace("timeoutSeconds: 5", "timeoutSeconds: 9"),
    )
    .unwrap();
    let o = kubectl(
        sb.kubeconfig_path(),
        &["apply", "-f", file.to_str().unwrap()],
    )
    .await;
    assert!(ok(&o).contains("configured"));
    assert!(!o.stderr.contains("warning"), "{}", o.stderr);
    let cfg = sb
        .store()
        .get("validatingwebhookconfigurations", "", "savepoint-webhook")
        .unwrap();
    assert_eq!(cfg["webhooks"].as_array().unwrap().len(), 1);
    assert_eq!(cfg["webhooks"][0]["timeoutSeconds"], 9);
    assert!(cfg.as_object().unwrap().keys().all(|k| !k.starts_with('$')));
    let _ = std::fs::remove_dir_all(&dir);
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn kubectl_shows_simulator_events_in_get_events_and_describe() {
    let cfg = flink_sandbox::SimulatorConfig {
        autonomous: false,
        ..Default::default()
    };
    let sb = Sandbox::builder().simulator(cfg).start().await.unwrap();
    sb.store().ensure_namespace("analytics");
    sb.store()
        .create(
            "flinkdeployments",
            "analytics",
            manifest("flinkdeployment-no-config.yaml"),
        )
        .unwrap();
    let sim = sb.simulator().unwrap();
    sim.step();
    let mut o = sb
        .store()
        .get("flinkdeployments", "analytics", "bare-app")
        .unwrap();
    o["spec"]["job"]["savepointTriggerNonce"] = serde_json::json!(3);
    sb.store()
        .update("flinkdeployments", "analytics", o, None)
        .unwrap();
    sim.step();
    let kc = sb.kubeconfig_path().to_path_buf();
    let ev = kubectl(&kc, &["get", "events", "-n", "analytics"]).await;
    let ev = ok(&ev);
    assert!(
        ev.contains("REASON")
            && ev.contains("SavepointError")
            && ev.contains("flinkdeployment/bare-app"),
        "{ev}"
    );
    let d = kubectl(
        &kc,
        &["describe", "flinkdeployment", "bare-app", "-n", "analytics"],
    )
    .await;
    assert!(ok(&d).contains("SavepointError"), "{}", d.stdout);
    sb.shutdown().await;
}
