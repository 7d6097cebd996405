//! `kubectl savepoint describe` and `version` through the real kubectl against the sandbox.

mod lifecycle_support;

use flink_sandbox::{Permissions, Sandbox};
use lifecycle_support::*;
use serde_json::{Value, json};

fn event(name: &str, kind: &str, object: &str, reason: &str, message: &str) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Event",
        "metadata": {"name": name, "namespace": NS},
        "involvedObject": {"apiVersion": "flink.apache.org/v1beta1", "kind": kind, "name": object, "namespace": NS},
        "reason": reason, "message": message, "type": "Warning", "count": 2,
        "lastTimestamp": "2025-01-03T00:00:00Z", "firstTimestamp": "2025-01-02T00:00:00Z",
        "source": {"component": "flink-kubernetes-operator"}
    })
}

async fn setup(sb: &Sandbox) {
    put(
        sb,
        session("shared", json!({"state": {"savepoints.dir": "s3://b/sp"}})),
    );
    put(
        sb,
        session_job(
            "clicks",
            "shared",
            Some(
                json!({"kubernetes.operator.periodic.savepoint.interval": "6h",
                        "kubernetes.operator.savepoint.history.max.count": "3"}),
            ),
        ),
    );
    running(sb, "flinksessionjobs", "clicks");
    put(
        sb,
        snapshot(
            "clicks-sp-1",
            "FlinkSessionJob",
            "clicks",
            "COMPLETED",
            "2025-01-01T00:00:00Z",
            false,
        ),
    );
    put(
        sb,
        snapshot(
            "clicks-sp-2",
            "FlinkSessionJob",
            "clicks",
            "FAILED",
            "2025-01-02T00:00:00Z",
            true,
        ),
    );
    sb.store()
        .create(
            "events",
            NS,
            event(
                "e1",
                "FlinkSessionJob",
                "clicks",
                "SavepointError",
                "Savepoint failed: disk full",
            ),
        )
        .unwrap();
    sb.store()
        .create(
            "events",
            NS,
            event(
                "e2",
                "FlinkSessionJob",
                "unrelated",
                "Other",
                "not about clicks",
            ),
        )
        .unwrap();
    sb.store()
        .create(
            "events",
            NS,
            event(
                "e3",
                "FlinkStateSnapshot",
                "clicks-sp-2",
                "SavepointError",
                "sp-2 broke",
            ),
        )
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn describe_session_job_shows_dir_source_schedule_mode_history_and_events() {
    let sb = sandbox().await;
    setup(&sb).await;
    let out = savepoint(&sb, &["describe", "job/clicks"]).await;
    let text = out.ok();
    assert!(text.contains("Session cluster:        shared"), "{text}");
    assert!(
        text.contains(
            "s3://b/sp   (savepoint target directory; from session cluster as state.savepoints.dir)"
        ),
        "{text}"
    );
    assert!(
        text.contains("every 6 h") && text.contains("keep at most 3"),
        "{text}"
    );
    assert!(text.contains("snapshot-resources"), "{text}");
    assert!(
        text.contains("COMPLETED=1") && text.contains("FAILED=1"),
        "{text}"
    );
    assert!(
        text.contains(
            "Latest completed:     clicks-sp-1 at 2025-01-01T00:00:00Z -> s3://b/sp/clicks-sp-1"
        ),
        "{text}"
    );
    assert!(text.contains("Savepoint failed: disk full"), "{text}");
    assert!(!text.contains("not about clicks"), "{text}");

    let out = savepoint(&sb, &["describe", "job", "clicks", "-o", "json"]).await;
    let doc: Value = serde_json::from_str(out.ok()).unwrap();
    assert_eq!(doc["settings"]["savepointDir"]["source"], "session-cluster");
    assert_eq!(doc["operatorMode"]["crdServed"], true);
    assert_eq!(doc["history"]["total"], 2);
    assert_eq!(doc["events"].as_array().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn describe_snapshot_shows_status_fields_disposal_and_events() {
    let sb = sandbox().await;
    setup(&sb).await;
    let out = savepoint(&sb, &["describe", "flinkstatesnapshot/clicks-sp-2"]).await;
    let text = out.ok();
    assert!(
        text.contains("Job:                    job/clicks"),
        "{text}"
    );
    assert!(text.contains("State:                  FAILED"), "{text}");
    assert!(
        text.contains("deleting this object disposes the savepoint data"),
        "{text}"
    );
    assert!(text.contains("Newest completed of job: no"), "{text}");
    assert!(text.contains("sp-2 broke"), "{text}");
    let out = savepoint(&sb, &["describe", "savepoint/clicks-sp-1", "-o", "yaml"]).await;
    let doc: Value = serde_yaml_ng::from_str(out.ok()).unwrap();
    assert_eq!(doc["latestCompletedOfJob"], true);
    assert_eq!(doc["disposeOnDelete"], false);
    assert_eq!(doc["path"], "s3://b/sp/clicks-sp-1");
}

#[tokio::test(flavor = "multi_thread")]
async fn describe_in_legacy_cluster_reports_legacy_mode_and_missing_object_exits_1() {
    let sb = Sandbox::builder()
        .without_crd("flinkstatesnapshots")
        .start()
        .await
        .unwrap();
    sb.store().ensure_namespace(NS);
    put(
        &sb,
        app(
            "orders",
            json!({"execution.checkpointing.savepoint-dir": "s3://b/sp"}),
        ),
    );
    let out = savepoint(&sb, &["describe", "app/orders"]).await;
    let text = out.ok();
    assert!(
        text.contains("legacy-status") && text.contains("not served"),
        "{text}"
    );
    assert!(text.contains("from resource"), "{text}");
    let out = savepoint(&sb, &["describe", "app/nope"]).await;
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("not found"), "{}", out.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn version_reports_plugin_server_and_crd_and_client_needs_no_network() {
    let sb = sandbox().await;
    let out = savepoint(&sb, &["version"]).await;
    let text = out.ok();
    assert!(
        text.contains(&format!("Plugin version: v{}", env!("CARGO_PKG_VERSION"))),
        "{text}"
    );
    assert!(text.contains("Server version: v1."), "{text}");
    assert!(text.contains("FlinkStateSnapshot CRD: served"), "{text}");
    let out = savepoint(&sb, &["version", "-o", "json"]).await;
    let doc: Value = serde_json::from_str(out.ok()).unwrap();
    assert_eq!(doc["flinkResources"]["flinkstatesnapshots"], true);

    let legacy = Sandbox::builder()
        .without_crd("flinkstatesnapshots")
        .start()
        .await
        .unwrap();
    let out = savepoint(&legacy, &["version"]).await;
    assert!(
        out.ok().contains("FlinkStateSnapshot CRD: not served"),
        "{}",
        out.stdout
    );

    let dir = tempfile::tempdir().unwrap();
    let nowhere = dir.path().join("no-kubeconfig");
    let out = run_kubectl(
        &nowhere,
        &[
            "savepoint",
            "version",
            "--client",
            "--server",
            "https://127.0.0.1:1",
        ],
        &plugin_dir(),
    )
    .await;
    assert_eq!(
        out.ok().trim(),
        format!("Plugin version: v{}", env!("CARGO_PKG_VERSION"))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn viewer_role_can_describe_but_schedule_write_is_forbidden_with_verb_named() {
    let sb = Sandbox::builder()
        .user("viewer", "viewer-token", Permissions::read_only())
        .start()
        .await
        .unwrap();
    sb.store().ensure_namespace(NS);
    put(
        &sb,
        app("orders", json!({"state.savepoints.dir": "s3://b/sp"})),
    );
    let kc = sb.kubeconfig_for_user("viewer").unwrap();
    let out = run_kubectl(
        &kc,
        &["savepoint", "describe", "app/orders", "-n", NS],
        &plugin_dir(),
    )
    .await;
    out.ok();
    let out = run_kubectl(
        &kc,
        &[
            "savepoint",
            "schedule",
            "app/orders",
            "--interval",
            "6h",
            "-n",
            NS,
        ],
        &plugin_dir(),
    )
    .await;
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("forbidden") && out.stderr.contains("patch"),
        "{}",
        out.stderr
    );
}
