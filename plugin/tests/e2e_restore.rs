//! `kubectl savepoint restore` through the real kubectl against the sandbox API server.

mod lifecycle_support;

use flink_sandbox::Sandbox;
use lifecycle_support::*;
use serde_json::json;

const FD: &str = "flinkdeployments";

async fn with_history() -> Sandbox {
    let sb = sandbox().await;
    put(
        &sb,
        app("orders", json!({"state.savepoints.dir": "s3://b/sp"})),
    );
    running(&sb, FD, "orders");
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
            true,
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
    sb
}

#[tokio::test(flavor = "multi_thread")]
async fn in_place_restore_from_latest_sets_initial_path_and_a_new_redeploy_nonce() {
    let sb = with_history().await;
    let out = savepoint(&sb, &["restore", "app/orders", "--from", "latest", "--yes"]).await;
    assert!(
        out.ok().contains("redeploying from s3://b/sp/orders-sp-2"),
        "{}",
        out.stdout
    );
    let job = &get(&sb, FD, "orders")["spec"]["job"];
    assert_eq!(job["initialSavepointPath"], "s3://b/sp/orders-sp-2");
    assert!(job["savepointRedeployNonce"].as_i64().is_some(), "{job}");
    assert!(job.get("allowNonRestoredState").is_none());
    assert_eq!(job["jarURI"], "local:///opt/flink/j.jar");
    // A second restore picks a different nonce and honours --allow-non-restored-state.
    let first = job["savepointRedeployNonce"].clone();
    let out = savepoint(
        &sb,
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
    let job = &get(&sb, FD, "orders")["spec"]["job"];
    assert_eq!(job["initialSavepointPath"], "s3://b/sp/orders-sp-1");
    assert_ne!(job["savepointRedeployNonce"], first);
    assert_eq!(job["allowNonRestoredState"], true);
}

#[tokio::test(flavor = "multi_thread")]
async fn restore_without_completed_savepoint_is_refused_and_changes_nothing() {
    let sb = sandbox().await;
    put(
        &sb,
        app("orders", json!({"state.savepoints.dir": "s3://b/sp"})),
    );
    put(
        &sb,
        snapshot(
            "orders-sp-9",
            "FlinkDeployment",
            "orders",
            "FAILED",
            "2025-01-03T00:00:00Z",
            true,
        ),
    );
    let before = rv(&sb, FD, "orders");
    let out = savepoint(&sb, &["restore", "app/orders", "--from", "latest", "--yes"]).await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("no completed savepoint"),
        "{}",
        out.stderr
    );
    let out = savepoint(
        &sb,
        &["restore", "app/orders", "--from", "orders-sp-9", "--yes"],
    )
    .await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("FAILED"), "{}", out.stderr);
    assert_eq!(rv(&sb, FD, "orders"), before);
    assert_eq!(writes(&sb), 0, "{:?}", sb.requests());
}

#[tokio::test(flavor = "multi_thread")]
async fn in_place_restore_without_terminal_or_yes_refuses_instead_of_hanging() {
    let sb = with_history().await;
    let before = rv(&sb, FD, "orders");
    let out = savepoint(&sb, &["restore", "app/orders", "--from", "latest"]).await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("--yes"), "{}", out.stderr);
    assert_eq!(rv(&sb, FD, "orders"), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn dry_run_prints_the_patch_and_changes_nothing() {
    let sb = with_history().await;
    let before = rv(&sb, FD, "orders");
    sb.clear_requests();
    let out = savepoint(
        &sb,
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
    assert_eq!(writes(&sb), 0);
    let out = savepoint(
        &sb,
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
    assert_eq!(rv(&sb, FD, "orders"), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn new_name_creates_a_clean_copy_starting_from_the_savepoint() {
    let sb = with_history().await;
    let original = get(&sb, FD, "orders");
    let out = savepoint(
        &sb,
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
    let copy = get(&sb, FD, "orders-restored");
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
    assert_eq!(get(&sb, FD, "orders"), original, "the target is untouched");

    let out = savepoint(
        &sb,
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

#[tokio::test(flavor = "multi_thread")]
async fn legacy_mode_latest_comes_from_the_status_history() {
    let sb = Sandbox::builder()
        .without_crd("flinkstatesnapshots")
        .start()
        .await
        .unwrap();
    sb.store().ensure_namespace(NS);
    put(
        &sb,
        app("legacy", json!({"state.savepoints.dir": "s3://b/sp"})),
    );
    let status = json!({"jobStatus": {"state": "RUNNING", "savepointInfo": {
    "lastSavepoint": {"timeStamp": 1735787045678i64, "location": "s3://b/sp/legacy-2", "triggerType": "MANUAL", "formatType": "CANONICAL"},
    "savepointHistory": [
        {"timeStamp": 1735700000000i64, "location": "s3://b/sp/legacy-1", "triggerType": "PERIODIC", "formatType": "CANONICAL"},
        {"timeStamp": 1735787045678i64, "location": "s3://b/sp/legacy-2", "triggerType": "MANUAL", "formatType": "CANONICAL"}
    ]}}});
    sb.store().set_status(FD, NS, "legacy", status).unwrap();
    let out = savepoint(&sb, &["restore", "app/legacy", "--from", "latest", "--yes"]).await;
    out.ok();
    assert_eq!(
        get(&sb, FD, "legacy")["spec"]["job"]["initialSavepointPath"],
        "s3://b/sp/legacy-2"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn session_job_restores_in_place_and_as_a_copy_on_the_same_cluster() {
    let sb = sandbox().await;
    put(
        &sb,
        session("shared", json!({"state.savepoints.dir": "s3://b/sp"})),
    );
    put(&sb, session_job("clicks", "shared", None));
    put(
        &sb,
        snapshot(
            "clicks-sp-1",
            "FlinkSessionJob",
            "clicks",
            "COMPLETED",
            "2025-01-01T00:00:00Z",
            true,
        ),
    );
    let out = savepoint(
        &sb,
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
    let job = &get(&sb, "flinksessionjobs", "clicks")["spec"]["job"];
    assert_eq!(job["initialSavepointPath"], "s3://b/sp/clicks-sp-1");
    assert!(job["savepointRedeployNonce"].is_i64(), "{job}");

    let out = savepoint(
        &sb,
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
    let copy = get(&sb, "flinksessionjobs", "clicks-v2");
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
        &sb,
        &["restore", "session/shared", "--from", "latest", "--yes"],
    )
    .await;
    assert_eq!(
        out.code, 2,
        "a session cluster is not a restore target: {out:?}"
    );
}
