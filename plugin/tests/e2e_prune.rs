//! `kubectl savepoint prune` and `delete` through the real kubectl against the sandbox API server.

mod lifecycle_support;

use flink_sandbox::Sandbox;
use lifecycle_support::*;
use serde_json::json;

const FSS: &str = "flinkstatesnapshots";

fn names(sb: &Sandbox) -> Vec<String> {
    let (items, _) = sb.store().list(FSS, Some(NS));
    let mut names: Vec<String> = items
        .iter()
        .filter_map(|i| i["metadata"]["name"].as_str().map(str::to_owned))
        .collect();
    names.sort();
    names
}

async fn setup() -> Sandbox {
    let sb = sandbox().await;
    put(
        &sb,
        app("orders", json!({"state.savepoints.dir": "s3://b/sp"})),
    );
    put(
        &sb,
        app("other", json!({"state.savepoints.dir": "s3://b/sp"})),
    );
    put(
        &sb,
        snapshot(
            "orders-sp-1",
            "FlinkDeployment",
            "orders",
            "COMPLETED",
            "2025-01-01T00:00:00Z",
            true,
        ),
    );
    put(
        &sb,
        snapshot(
            "orders-sp-2",
            "FlinkDeployment",
            "orders",
            "COMPLETED",
            "2025-01-02T00:00:00Z",
            false,
        ),
    );
    put(
        &sb,
        snapshot(
            "orders-sp-3",
            "FlinkDeployment",
            "orders",
            "FAILED",
            "2025-01-03T00:00:00Z",
            true,
        ),
    );
    put(
        &sb,
        snapshot(
            "orders-sp-4",
            "FlinkDeployment",
            "orders",
            "COMPLETED",
            "2025-01-04T00:00:00Z",
            true,
        ),
    );
    put(
        &sb,
        snapshot(
            "orders-sp-5",
            "FlinkDeployment",
            "orders",
            "IN_PROGRESS",
            "2025-01-05T00:00:00Z",
            true,
        ),
    );
    put(
        &sb,
        snapshot(
            "other-sp-1",
            "FlinkDeployment",
            "other",
            "COMPLETED",
            "2025-01-01T00:00:00Z",
            true,
        ),
    );
    sb
}

#[tokio::test(flavor = "multi_thread")]
async fn prune_keep_removes_older_and_failed_snapshots_of_that_job_only() {
    let sb = setup().await;
    let out = savepoint(&sb, &["prune", "app/orders", "--keep", "1"]).await;
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
    assert_eq!(names(&sb), ["orders-sp-4", "orders-sp-5", "other-sp-1"]);
    let deletes: Vec<_> = sb
        .requests()
        .into_iter()
        .filter(|r| r.verb.as_deref() == Some("delete"))
        .collect();
    assert_eq!(deletes.len(), 3, "{deletes:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn prune_that_would_delete_the_last_completed_is_refused() {
    let sb = setup().await;
    let before = names(&sb);
    let out = savepoint(&sb, &["prune", "app/orders", "--keep", "0"]).await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("orders-sp-4") && out.stderr.contains("--include-latest"),
        "{}",
        out.stderr
    );
    let out = savepoint(&sb, &["prune", "app/orders", "--older-than", "1h"]).await;
    assert_eq!(out.code, 2, "{out:?}");
    let out = savepoint(&sb, &["prune", "app/orders"]).await;
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(names(&sb), before);
    assert_eq!(writes(&sb), 0);
    // Explicitly asked: everything but the in-progress one goes.
    let out = savepoint(
        &sb,
        &["prune", "app/orders", "--keep", "0", "--include-latest"],
    )
    .await;
    out.ok();
    assert_eq!(names(&sb), ["orders-sp-5", "other-sp-1"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn prune_dry_run_lists_decisions_and_changes_nothing() {
    let sb = setup().await;
    let before = names(&sb);
    let out = savepoint(
        &sb,
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
        &sb,
        &["prune", "app/orders", "--keep", "1", "--dry-run=server"],
    )
    .await;
    assert!(
        out.ok().contains("delete (server dry run)"),
        "{}",
        out.stdout
    );
    assert_eq!(names(&sb), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_removes_named_snapshots_with_preconditions_and_protects_the_latest() {
    let sb = setup().await;
    let out = savepoint(
        &sb,
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
    let deletes: Vec<_> = sb
        .requests()
        .into_iter()
        .filter(|r| r.verb.as_deref() == Some("delete"))
        .collect();
    assert_eq!(deletes.len(), 2);

    let before = names(&sb);
    let out = savepoint(&sb, &["delete", "orders-sp-4"]).await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("newest completed savepoint"),
        "{}",
        out.stderr
    );
    let out = savepoint(&sb, &["delete", "orders-sp-3", "--dry-run"]).await;
    assert!(out.ok().contains("(dry run)"), "{}", out.stdout);
    assert_eq!(names(&sb), before);
    let out = savepoint(&sb, &["delete", "missing-one"]).await;
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("not found"), "{}", out.stderr);
    let out = savepoint(&sb, &["delete", "orders-sp-4", "--include-latest"]).await;
    out.ok();
    assert!(!names(&sb).contains(&"orders-sp-4".to_owned()));
}

#[tokio::test(flavor = "multi_thread")]
async fn prune_and_delete_refuse_without_the_snapshot_crd() {
    let sb = Sandbox::builder()
        .without_crd("flinkstatesnapshots")
        .start()
        .await
        .unwrap();
    sb.store().ensure_namespace(NS);
    put(
        &sb,
        app("orders", json!({"state.savepoints.dir": "s3://b/sp"})),
    );
    let out = savepoint(&sb, &["prune", "app/orders", "--keep", "1"]).await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("FlinkStateSnapshot CRD"),
        "{}",
        out.stderr
    );
    let out = savepoint(&sb, &["delete", "x"]).await;
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(writes(&sb), 0);
}
