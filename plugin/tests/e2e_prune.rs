//! `kubectl savepoint prune` and `delete` through the real kubectl, on the sandbox and on the real
//! kube-apiserver (`sandbox::…` / `real::…`). Request-log assertions hold on the sandbox only; a missing
//! FlinkStateSnapshot CRD is a sandbox-only test.

mod common;
mod lifecycle_support;

use flink_sandbox::Sandbox;
use flink_testenv::on_both_backends;
use lifecycle_support::api::*;
use lifecycle_support::{app, snapshot};
use serde_json::json;

on_both_backends!(
    prune_keep_removes_older_and_failed_snapshots_of_that_job_only,
    prune_that_would_delete_the_last_completed_is_refused,
    prune_dry_run_lists_decisions_and_changes_nothing,
    delete_removes_named_snapshots_with_preconditions_and_protects_the_latest,
    stale_delete_preconditions_are_a_conflict_on_the_server,
    the_operator_role_may_prune_and_the_viewer_may_not,
);

/// `prune` needs delete on flinkstatesnapshots: granted by the `flink-savepoint-operator` role
/// (manifests/plugin-rbac), not by the viewer role.
async fn the_operator_role_may_prune_and_the_viewer_may_not(env: Env) {
    setup(&env).await;
    let ns = env.ns();
    let before = snapshot_names(&env).await;
    let out = savepoint_as(
        env.viewer_kubeconfig(),
        ns,
        &["prune", "app/orders", "--keep", "1"],
    )
    .await;
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr
            .contains("Error from server (Forbidden): flinkstatesnapshots.flink.apache.org \""),
        "{}",
        out.stderr
    );
    assert_eq!(snapshot_names(&env).await, before);
    let out = savepoint_as(
        env.operator_kubeconfig(),
        ns,
        &["prune", "app/orders", "--keep", "1"],
    )
    .await;
    out.ok();
    assert_eq!(
        snapshot_names(&env).await,
        ["orders-sp-4", "orders-sp-5", "other-sp-1"]
    );
}

/// The snapshot names in `env.ns()`, sorted, listed through the API.
async fn snapshot_names(env: &Env) -> Vec<String> {
    common::env::names(env, "flinkstatesnapshots", env.ns()).await
}

/// Deletes seen by the sandbox (`None` on the real server, which has no request log).
fn deletes(env: &Env) -> Option<usize> {
    env.sandbox_ref().map(|sb| {
        sb.requests()
            .into_iter()
            .filter(|r| r.verb.as_deref() == Some("delete"))
            .count()
    })
}

/// What `delete`/`prune` rely on, shown against a real concurrent writer: a DELETE whose uid or
/// resourceVersion precondition no longer matches is refused with 409 Conflict, worded as kube-apiserver
/// v1.37 words it, and the snapshot stays.
async fn stale_delete_preconditions_are_a_conflict_on_the_server(env: Env) {
    setup(&env).await;
    let ns = env.ns();
    let read = get(&env, "flinkstatesnapshots", "orders-sp-1").await;
    let stale = read["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_owned();
    let uid = read["metadata"]["uid"].as_str().unwrap().to_owned();
    env.merge_patch(
        "flinkstatesnapshots",
        ns,
        "orders-sp-1",
        json!({ "metadata": { "labels": { "someone": "else" } } }),
    )
    .await;
    let current = rv(&env, "flinkstatesnapshots", "orders-sp-1").await;
    let client = env.client().await;
    let path =
        format!("/apis/flink.apache.org/v1beta1/namespaces/{ns}/flinkstatesnapshots/orders-sp-1");
    let cases = [
        (
            json!({ "uid": uid, "resourceVersion": stale }),
            format!(
                "Operation cannot be fulfilled on FlinkStateSnapshot.flink.apache.org \"orders-sp-1\": the ResourceVersion in the precondition ({stale}) does not match the ResourceVersion in record ({current}). The object might have been modified"
            ),
        ),
        (
            json!({ "uid": "00000000-0000-0000-0000-000000000000" }),
            format!(
                "Operation cannot be fulfilled on FlinkStateSnapshot.flink.apache.org \"orders-sp-1\": the UID in the precondition (00000000-0000-0000-0000-000000000000) does not match the UID in record ({uid}). The object might have been deleted and then recreated"
            ),
        ),
    ];
    for (preconditions, message) in cases {
        let body =
            json!({ "kind": "DeleteOptions", "apiVersion": "v1", "preconditions": preconditions });
        let request = http::Request::delete(&path)
            .header("content-type", "application/json")
            .body(kube::client::Body::from(serde_json::to_vec(&body).unwrap()))
            .unwrap();
        let response = client.send(request).await.expect("a response");
        assert_eq!(response.status(), 409);
        let bytes = response.into_body().collect_bytes().await.unwrap();
        let status: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(status["reason"], "Conflict", "{status}");
        assert_eq!(status["message"], message.as_str(), "{status}");
        assert_eq!(
            status["details"],
            json!({ "name": "orders-sp-1", "group": "flink.apache.org", "kind": "FlinkStateSnapshot" })
        );
    }
    assert!(
        snapshot_names(&env)
            .await
            .contains(&"orders-sp-1".to_owned())
    );
}

async fn setup(env: &Env) {
    put(
        env,
        app("orders", json!({"state.savepoints.dir": "s3://b/sp"})),
    )
    .await;
    put(
        env,
        app("other", json!({"state.savepoints.dir": "s3://b/sp"})),
    )
    .await;
    put(
        env,
        snapshot(
            "orders-sp-1",
            "FlinkDeployment",
            "orders",
            "COMPLETED",
            "2025-01-01T00:00:00Z",
            true,
        ),
    )
    .await;
    put(
        env,
        snapshot(
            "orders-sp-2",
            "FlinkDeployment",
            "orders",
            "COMPLETED",
            "2025-01-02T00:00:00Z",
            false,
        ),
    )
    .await;
    put(
        env,
        snapshot(
            "orders-sp-3",
            "FlinkDeployment",
            "orders",
            "FAILED",
            "2025-01-03T00:00:00Z",
            true,
        ),
    )
    .await;
    put(
        env,
        snapshot(
            "orders-sp-4",
            "FlinkDeployment",
            "orders",
            "COMPLETED",
            "2025-01-04T00:00:00Z",
            true,
        ),
    )
    .await;
    put(
        env,
        snapshot(
            "orders-sp-5",
            "FlinkDeployment",
            "orders",
            "IN_PROGRESS",
            "2025-01-05T00:00:00Z",
            true,
        ),
    )
    .await;
    put(
        env,
        snapshot(
            "other-sp-1",
            "FlinkDeployment",
            "other",
            "COMPLETED",
            "2025-01-01T00:00:00Z",
            true,
        ),
    )
    .await;
    clear_log(env);
}

async fn prune_keep_removes_older_and_failed_snapshots_of_that_job_only(env: Env) {
    setup(&env).await;
    let out = savepoint(&env, &["prune", "app/orders", "--keep", "1"]).await;
    let text = out.ok();
    assert!(
        text.contains("3 savepoint(s) of app/orders deleted"),
        "{text}"
    );
    assert!(text.contains("orders-sp-2: the savepoint data at s3://b/sp/orders-sp-2 is kept (disposeOnDelete=false)"), "{text}");
    assert!(
        text.contains("orders-sp-1: the operator disposes the savepoint data"),
        "{text}"
    );
    assert_eq!(
        snapshot_names(&env).await,
        ["orders-sp-4", "orders-sp-5", "other-sp-1"]
    );
    if let Some(n) = deletes(&env) {
        assert_eq!(n, 3);
    }
}

async fn prune_that_would_delete_the_last_completed_is_refused(env: Env) {
    setup(&env).await;
    let before = snapshot_names(&env).await;
    let out = savepoint(&env, &["prune", "app/orders", "--keep", "0"]).await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("orders-sp-4") && out.stderr.contains("--include-latest"),
        "{}",
        out.stderr
    );
    let out = savepoint(&env, &["prune", "app/orders", "--older-than", "1h"]).await;
    assert_eq!(out.code, 2, "{out:?}");
    let out = savepoint(&env, &["prune", "app/orders"]).await;
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(snapshot_names(&env).await, before);
    if let Some(sb) = env.sandbox_ref() {
        assert_eq!(sandbox_writes(sb), 0, "{:?}", sb.requests());
    }
    // Explicitly asked: everything but the in-progress one goes.
    let out = savepoint(
        &env,
        &["prune", "app/orders", "--keep", "0", "--include-latest"],
    )
    .await;
    out.ok();
    assert_eq!(snapshot_names(&env).await, ["orders-sp-5", "other-sp-1"]);
}

async fn prune_dry_run_lists_decisions_and_changes_nothing(env: Env) {
    setup(&env).await;
    let before = snapshot_names(&env).await;
    let out = savepoint(
        &env,
        &[
            "prune",
            "app/orders",
            "--keep",
            "1",
            "--dry-run",
            "-o",
            "json",
        ],
    )
    .await;
    let doc: serde_json::Value = serde_json::from_str(out.ok()).unwrap();
    let delete: Vec<&str> = doc["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["delete"] == true)
        .filter_map(|d| d["name"].as_str())
        .collect();
    assert_eq!(delete, ["orders-sp-3", "orders-sp-2", "orders-sp-1"]);
    let out = savepoint(
        &env,
        &["prune", "app/orders", "--keep", "1", "--dry-run=server"],
    )
    .await;
    assert!(
        out.ok().contains("delete (server dry run)"),
        "{}",
        out.stdout
    );
    assert_eq!(snapshot_names(&env).await, before);
}

async fn delete_removes_named_snapshots_with_preconditions_and_protects_the_latest(env: Env) {
    setup(&env).await;
    let out = savepoint(
        &env,
        &["delete", "orders-sp-1", "flinkstatesnapshot/orders-sp-2"],
    )
    .await;
    let text = out.ok();
    assert!(
        text.contains("flinkstatesnapshot/orders-sp-1 deleted: the operator disposes"),
        "{text}"
    );
    assert!(
        text.contains("orders-sp-2 deleted: the savepoint data at s3://b/sp/orders-sp-2 is kept"),
        "{text}"
    );
    if let Some(n) = deletes(&env) {
        assert_eq!(n, 2);
    }

    let before = snapshot_names(&env).await;
    let out = savepoint(&env, &["delete", "orders-sp-4"]).await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("newest completed savepoint"),
        "{}",
        out.stderr
    );
    let out = savepoint(&env, &["delete", "orders-sp-3", "--dry-run"]).await;
    assert!(out.ok().contains("(dry run)"), "{}", out.stdout);
    assert_eq!(snapshot_names(&env).await, before);
    let out = savepoint(&env, &["delete", "missing-one"]).await;
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("not found"), "{}", out.stderr);
    let out = savepoint(&env, &["delete", "orders-sp-4", "--include-latest"]).await;
    out.ok();
    assert!(
        !snapshot_names(&env)
            .await
            .contains(&"orders-sp-4".to_owned())
    );
}

/// Sandbox only: the real tier cannot remove a CRD for one test (an operator < 1.10 is mimicked by a
/// sandbox that does not serve FlinkStateSnapshot).
#[tokio::test(flavor = "multi_thread")]
async fn sandbox_only_prune_and_delete_refuse_without_the_snapshot_crd() {
    let env = Env::sandbox_with(Sandbox::builder().without_crd("flinkstatesnapshots")).await;
    put(
        &env,
        app("orders", json!({"state.savepoints.dir": "s3://b/sp"})),
    )
    .await;
    clear_log(&env);
    let out = savepoint(&env, &["prune", "app/orders", "--keep", "1"]).await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("FlinkStateSnapshot CRD"),
        "{}",
        out.stderr
    );
    let out = savepoint(&env, &["delete", "x"]).await;
    assert_eq!(out.code, 2, "{out:?}");
    let sb = env.sandbox_ref().unwrap();
    assert_eq!(sandbox_writes(sb), 0, "{:?}", sb.requests());
}
