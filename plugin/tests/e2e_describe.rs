//! `kubectl savepoint describe` and `version` through the real kubectl, on the sandbox and on the real
//! kube-apiserver (`sandbox::…` / `real::…`). A cluster without the FlinkStateSnapshot CRD is
//! sandbox-only.

mod common;
mod lifecycle_support;

use flink_sandbox::Sandbox;
use flink_testenv::on_both_backends;
use kube::api::{Api, ApiResource, DynamicObject, PostParams};
use lifecycle_support::api::*;
use lifecycle_support::{app, plugin_dir, run_kubectl, session, session_job, snapshot};
use serde_json::{Value, json};

on_both_backends!(
    describe_session_job_shows_dir_source_schedule_mode_history_and_events,
    describe_snapshot_shows_status_fields_disposal_and_events,
    version_reports_plugin_server_and_crd_and_client_needs_no_network,
    viewer_role_can_describe_but_schedule_write_is_forbidden_with_verb_named,
    describe_of_a_missing_object_exits_1,
);

/// The not-found half of the legacy test below, on a cluster that serves the snapshot CRD.
async fn describe_of_a_missing_object_exits_1(env: Env) {
    let out = savepoint(&env, &["describe", "app/nope"]).await;
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("not found"), "{}", out.stderr);
}

fn event(ns: &str, name: &str, kind: &str, object: &str, reason: &str, message: &str) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Event",
        "metadata": {"name": name, "namespace": ns},
        "involvedObject": {"apiVersion": "flink.apache.org/v1beta1", "kind": kind, "name": object, "namespace": ns},
        "reason": reason, "message": message, "type": "Warning", "count": 2,
        "lastTimestamp": "2025-01-03T00:00:00Z", "firstTimestamp": "2025-01-02T00:00:00Z",
        "source": {"component": "flink-kubernetes-operator"}
    })
}

/// Creates a core/v1 Event through the API.
async fn put_event(env: &Env, event: Value) {
    let resource = ApiResource {
        group: String::new(),
        version: "v1".into(),
        api_version: "v1".into(),
        kind: "Event".into(),
        plural: "events".into(),
    };
    let api: Api<DynamicObject> = Api::namespaced_with(env.client().await, env.ns(), &resource);
    let event: DynamicObject = serde_json::from_value(event).expect("an Event");
    api.create(&PostParams::default(), &event)
        .await
        .expect("create event");
}

async fn setup(env: &Env) {
    let ns = env.ns();
    put(
        env,
        session("shared", json!({"state": {"savepoints.dir": "s3://b/sp"}})),
    )
    .await;
    put(
        env,
        session_job(
            "clicks",
            "shared",
            Some(
                json!({"kubernetes.operator.periodic.savepoint.interval": "6h",
                        "kubernetes.operator.savepoint.history.max.count": "3"}),
            ),
        ),
    )
    .await;
    running(env, "flinksessionjobs", "clicks").await;
    put(
        env,
        snapshot(
            "clicks-sp-1",
            "FlinkSessionJob",
            "clicks",
            "COMPLETED",
            "2025-01-01T00:00:00Z",
            false,
        ),
    )
    .await;
    put(
        env,
        snapshot(
            "clicks-sp-2",
            "FlinkSessionJob",
            "clicks",
            "FAILED",
            "2025-01-02T00:00:00Z",
            true,
        ),
    )
    .await;
    put_event(
        env,
        event(
            ns,
            "e1",
            "FlinkSessionJob",
            "clicks",
            "SavepointError",
            "Savepoint failed: disk full",
        ),
    )
    .await;
    put_event(
        env,
        event(
            ns,
            "e2",
            "FlinkSessionJob",
            "unrelated",
            "Other",
            "not about clicks",
        ),
    )
    .await;
    put_event(
        env,
        event(
            ns,
            "e3",
            "FlinkStateSnapshot",
            "clicks-sp-2",
            "SavepointError",
            "sp-2 broke",
        ),
    )
    .await;
}

async fn describe_session_job_shows_dir_source_schedule_mode_history_and_events(env: Env) {
    setup(&env).await;
    let out = savepoint(&env, &["describe", "job/clicks"]).await;
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

    let out = savepoint(&env, &["describe", "job", "clicks", "-o", "json"]).await;
    let doc: Value = serde_json::from_str(out.ok()).unwrap();
    assert_eq!(doc["settings"]["savepointDir"]["source"], "session-cluster");
    assert_eq!(doc["operatorMode"]["crdServed"], true);
    assert_eq!(doc["history"]["total"], 2);
    assert_eq!(doc["events"].as_array().unwrap().len(), 1);
}

async fn describe_snapshot_shows_status_fields_disposal_and_events(env: Env) {
    setup(&env).await;
    let out = savepoint(&env, &["describe", "flinkstatesnapshot/clicks-sp-2"]).await;
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
    let out = savepoint(&env, &["describe", "savepoint/clicks-sp-1", "-o", "yaml"]).await;
    let doc: Value = serde_yaml_ng::from_str(out.ok()).unwrap();
    assert_eq!(doc["latestCompletedOfJob"], true);
    assert_eq!(doc["disposeOnDelete"], false);
    assert_eq!(doc["path"], "s3://b/sp/clicks-sp-1");
}

/// Sandbox only: the real tier cannot remove a CRD for one test (an operator < 1.10 is mimicked by a
/// sandbox that does not serve FlinkStateSnapshot).
#[tokio::test(flavor = "multi_thread")]
async fn sandbox_only_describe_in_legacy_cluster_reports_legacy_mode_and_missing_object_exits_1() {
    let env = Env::sandbox_with(Sandbox::builder().without_crd("flinkstatesnapshots")).await;
    put(
        &env,
        app(
            "orders",
            json!({"execution.checkpointing.savepoint-dir": "s3://b/sp"}),
        ),
    )
    .await;
    let out = savepoint(&env, &["describe", "app/orders"]).await;
    let text = out.ok();
    assert!(
        text.contains("legacy-status") && text.contains("not served"),
        "{text}"
    );
    assert!(text.contains("from resource"), "{text}");
    let out = savepoint(&env, &["describe", "app/nope"]).await;
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("not found"), "{}", out.stderr);
}

async fn version_reports_plugin_server_and_crd_and_client_needs_no_network(env: Env) {
    let out = savepoint(&env, &["version"]).await;
    let text = out.ok();
    assert!(
        text.contains(&format!("Plugin version: v{}", env!("CARGO_PKG_VERSION"))),
        "{text}"
    );
    assert!(text.contains("Server version: v1."), "{text}");
    assert!(text.contains("FlinkStateSnapshot CRD: served"), "{text}");
    let out = savepoint(&env, &["version", "-o", "json"]).await;
    let doc: Value = serde_json::from_str(out.ok()).unwrap();
    assert_eq!(doc["flinkResources"]["flinkstatesnapshots"], true);

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

/// Sandbox only: the real tier cannot remove a CRD for one test.
#[tokio::test(flavor = "multi_thread")]
async fn sandbox_only_version_reports_the_snapshot_crd_not_served_on_a_legacy_cluster() {
    let env = Env::sandbox_with(Sandbox::builder().without_crd("flinkstatesnapshots")).await;
    let out = savepoint(&env, &["version"]).await;
    assert!(
        out.ok().contains("FlinkStateSnapshot CRD: not served"),
        "{}",
        out.stdout
    );
}

async fn viewer_role_can_describe_but_schedule_write_is_forbidden_with_verb_named(env: Env) {
    let ns = env.ns();
    put(
        &env,
        app("orders", json!({"state.savepoints.dir": "s3://b/sp"})),
    )
    .await;
    let before = rv(&env, "flinkdeployments", "orders").await;
    let kc = env.viewer_kubeconfig();
    let out = run_kubectl(
        kc,
        &["savepoint", "describe", "app/orders", "-n", ns],
        &plugin_dir(),
    )
    .await;
    out.ok();
    let out = run_kubectl(
        kc,
        &[
            "savepoint",
            "schedule",
            "app/orders",
            "--interval",
            "6h",
            "-n",
            ns,
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
    assert_eq!(rv(&env, "flinkdeployments", "orders").await, before);
}
