//! `kubectl savepoint restore` through the real kubectl, on the sandbox and on the real kube-apiserver
//! (`sandbox::…` / `real::…`). Request-log assertions hold on the sandbox only; the legacy mode (no
//! FlinkStateSnapshot CRD) is a sandbox-only test.

mod common;
mod lifecycle_support;

use flink_sandbox::Sandbox;
use flink_testenv::on_both_backends;
use lifecycle_support::api::*;
use lifecycle_support::{app, session, session_job, snapshot};
use serde_json::json;

on_both_backends!(
    in_place_restore_from_latest_sets_initial_path_and_a_new_redeploy_nonce,
    restore_without_completed_savepoint_is_refused_and_changes_nothing,
    in_place_restore_without_terminal_or_yes_refuses_instead_of_hanging,
    dry_run_prints_the_patch_and_changes_nothing,
    new_name_creates_a_clean_copy_starting_from_the_savepoint,
    session_job_restores_in_place_and_as_a_copy_on_the_same_cluster,
);

const FD: &str = "flinkdeployments";

async fn with_history(env: &Env) {
    put(
        env,
        app("orders", json!({"state.savepoints.dir": "s3://b/sp"})),
    )
    .await;
    running(env, FD, "orders").await;
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
            true,
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
}

async fn in_place_restore_from_latest_sets_initial_path_and_a_new_redeploy_nonce(env: Env) {
    with_history(&env).await;
    let out = savepoint(
        &env,
        &["restore", "app/orders", "--from", "latest", "--yes"],
    )
    .await;
    assert!(
        out.ok().contains("redeploying from s3://b/sp/orders-sp-2"),
        "{}",
        out.stdout
    );
    let job = &get(&env, FD, "orders").await["spec"]["job"];
    assert_eq!(job["initialSavepointPath"], "s3://b/sp/orders-sp-2");
    assert!(job["savepointRedeployNonce"].as_i64().is_some(), "{job}");
    assert!(job.get("allowNonRestoredState").is_none());
    assert_eq!(job["jarURI"], "local:///opt/flink/j.jar");
    // A second restore picks a different nonce and honours --allow-non-restored-state.
    let first = job["savepointRedeployNonce"].clone();
    let out = savepoint(
        &env,
        &[
            "restore",
            "app/orders",
            "--from",
            "orders-sp-1",
            "--allow-non-restored-state",
            "-y",
        ],
    )
    .await;
    out.ok();
    let job = &get(&env, FD, "orders").await["spec"]["job"];
    assert_eq!(job["initialSavepointPath"], "s3://b/sp/orders-sp-1");
    assert_ne!(job["savepointRedeployNonce"], first);
    assert_eq!(job["allowNonRestoredState"], true);
}

async fn restore_without_completed_savepoint_is_refused_and_changes_nothing(env: Env) {
    put(
        &env,
        app("orders", json!({"state.savepoints.dir": "s3://b/sp"})),
    )
    .await;
    put(
        &env,
        snapshot(
            "orders-sp-9",
            "FlinkDeployment",
            "orders",
            "FAILED",
            "2025-01-03T00:00:00Z",
            true,
        ),
    )
    .await;
    let before = rv(&env, FD, "orders").await;
    clear_log(&env);
    let out = savepoint(
        &env,
        &["restore", "app/orders", "--from", "latest", "--yes"],
    )
    .await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("no completed savepoint"),
        "{}",
        out.stderr
    );
    let out = savepoint(
        &env,
        &["restore", "app/orders", "--from", "orders-sp-9", "--yes"],
    )
    .await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("FAILED"), "{}", out.stderr);
    assert_eq!(rv(&env, FD, "orders").await, before);
    if let Some(sb) = env.sandbox_ref() {
        assert_eq!(sandbox_writes(sb), 0, "{:?}", sb.requests());
    }
}

async fn in_place_restore_without_terminal_or_yes_refuses_instead_of_hanging(env: Env) {
    with_history(&env).await;
    let before = rv(&env, FD, "orders").await;
    let out = savepoint(&env, &["restore", "app/orders", "--from", "latest"]).await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("--yes"), "{}", out.stderr);
    assert_eq!(rv(&env, FD, "orders").await, before);
}

async fn dry_run_prints_the_patch_and_changes_nothing(env: Env) {
    with_history(&env).await;
    let before = rv(&env, FD, "orders").await;
    clear_log(&env);
    let out = savepoint(
        &env,
        &[
            "restore",
            "app/orders",
            "--from",
            "s3://elsewhere/sp-7",
            "--dry-run",
            "-o",
            "json",
        ],
    )
    .await;
    let doc: serde_json::Value = serde_json::from_str(out.ok()).unwrap();
    assert_eq!(
        doc["patch"]["spec"]["job"]["initialSavepointPath"],
        "s3://elsewhere/sp-7"
    );
    assert_eq!(doc["patch"]["metadata"]["resourceVersion"], before.as_str());
    if let Some(sb) = env.sandbox_ref() {
        assert_eq!(sandbox_writes(sb), 0, "{:?}", sb.requests());
    }
    assert_eq!(rv(&env, FD, "orders").await, before);
    let out = savepoint(
        &env,
        &[
            "restore",
            "app/orders",
            "--from",
            "latest",
            "--dry-run=server",
        ],
    )
    .await;
    assert!(out.ok().contains("server dry run"), "{}", out.stdout);
    assert_eq!(rv(&env, FD, "orders").await, before);
}

async fn new_name_creates_a_clean_copy_starting_from_the_savepoint(env: Env) {
    with_history(&env).await;
    let original = get(&env, FD, "orders").await;
    let out = savepoint(
        &env,
        &[
            "restore",
            "app/orders",
            "--from",
            "latest",
            "--new-name",
            "orders-restored",
        ],
    )
    .await;
    assert!(
        out.ok().contains("app/orders-restored created"),
        "{}",
        out.stdout
    );
    let copy = get(&env, FD, "orders-restored").await;
    assert_eq!(
        copy["spec"]["job"]["initialSavepointPath"],
        "s3://b/sp/orders-sp-2"
    );
    assert_eq!(copy["metadata"]["labels"]["team"], "data");
    assert_ne!(copy["metadata"]["uid"], original["metadata"]["uid"]);
    assert!(
        copy.get("status").is_none() || copy["status"].get("jobStatus").is_none(),
        "{copy}"
    );
    assert_eq!(
        copy["spec"]["flinkConfiguration"],
        original["spec"]["flinkConfiguration"]
    );
    assert_eq!(
        get(&env, FD, "orders").await,
        original,
        "the target is untouched"
    );

    let out = savepoint(
        &env,
        &[
            "restore",
            "app/orders",
            "--from",
            "latest",
            "--new-name",
            "Bad_Name",
        ],
    )
    .await;
    assert_eq!(out.code, 2, "{out:?}");
}

/// Sandbox only: the real tier cannot remove a CRD for one test (an operator < 1.10 is mimicked by a
/// sandbox that does not serve FlinkStateSnapshot).
#[tokio::test(flavor = "multi_thread")]
async fn sandbox_only_legacy_mode_latest_comes_from_the_status_history() {
    let env = Env::sandbox_with(Sandbox::builder().without_crd("flinkstatesnapshots")).await;
    put(
        &env,
        app("legacy", json!({"state.savepoints.dir": "s3://b/sp"})),
    )
    .await;
    let status = json!({"jobStatus": {"state": "RUNNING", "savepointInfo": {
    "lastSavepoint": {"timeStamp": 1735787045678i64, "location": "s3://b/sp/legacy-2", "triggerType": "MANUAL", "formatType": "CANONICAL"},
    "savepointHistory": [
        {"timeStamp": 1735700000000i64, "location": "s3://b/sp/legacy-1", "triggerType": "PERIODIC", "formatType": "CANONICAL"},
        {"timeStamp": 1735787045678i64, "location": "s3://b/sp/legacy-2", "triggerType": "MANUAL", "formatType": "CANONICAL"}
    ]}}});
    env.set_status(FD, env.ns(), "legacy", status).await;
    let out = savepoint(
        &env,
        &["restore", "app/legacy", "--from", "latest", "--yes"],
    )
    .await;
    out.ok();
    assert_eq!(
        get(&env, FD, "legacy").await["spec"]["job"]["initialSavepointPath"],
        "s3://b/sp/legacy-2"
    );
}

async fn session_job_restores_in_place_and_as_a_copy_on_the_same_cluster(env: Env) {
    put(
        &env,
        session("shared", json!({"state.savepoints.dir": "s3://b/sp"})),
    )
    .await;
    put(&env, session_job("clicks", "shared", None)).await;
    put(
        &env,
        snapshot(
            "clicks-sp-1",
            "FlinkSessionJob",
            "clicks",
            "COMPLETED",
            "2025-01-01T00:00:00Z",
            true,
        ),
    )
    .await;
    let out = savepoint(
        &env,
        &[
            "restore",
            "job",
            "clicks",
            "--from",
            "flinkstatesnapshot/clicks-sp-1",
            "--yes",
        ],
    )
    .await;
    out.ok();
    let job = &get(&env, "flinksessionjobs", "clicks").await["spec"]["job"];
    assert_eq!(job["initialSavepointPath"], "s3://b/sp/clicks-sp-1");
    assert!(job["savepointRedeployNonce"].is_i64(), "{job}");

    let out = savepoint(
        &env,
        &[
            "restore",
            "job/clicks",
            "--from",
            "latest",
            "--new-name",
            "clicks-v2",
            "-o",
            "json",
        ],
    )
    .await;
    let printed: serde_json::Value = serde_json::from_str(out.ok()).unwrap();
    assert_eq!(printed["metadata"]["name"], "clicks-v2");
    let copy = get(&env, "flinksessionjobs", "clicks-v2").await;
    assert_eq!(copy["spec"]["deploymentName"], "shared");
    assert_eq!(
        copy["spec"]["job"]["initialSavepointPath"],
        "s3://b/sp/clicks-sp-1"
    );
    assert!(
        copy["spec"]["job"].get("savepointRedeployNonce").is_none(),
        "{copy}"
    );

    let out = savepoint(
        &env,
        &["restore", "session/shared", "--from", "latest", "--yes"],
    )
    .await;
    assert_eq!(
        out.code, 2,
        "a session cluster is not a restore target: {out:?}"
    );
}
