//! `kubectl savepoint prune` and `delete` through the real kubectl, on the sandbox and on the real
//! kube-apiserver (`sandbox::…` / `real::…`). Request-log assertions hold on the sandbox only; a missing
//! FlinkStateSnapshot CRD is a sandbox-only test.

mod common;
mod lifecycle_support;

use flink_sandbox::Sandbox;
use lifecycle_support::api::*;
use lifecycle_support::{app, snapshot};
use serde_json::json;

on_both_backends!(
    prune_keep_removes_older_and_failed_snapshots_of_that_job_only,
    prune_that_would_delete_the_last_completed_is_refused,
    prune_dry_run_lists_decisions_and_changes_nothing,
    delete_removes_named_snapshots_with_preconditions_and_protects_the_latest,
);

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
