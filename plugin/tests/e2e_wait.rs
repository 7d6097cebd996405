//! `trigger --wait` and `wait` through the real kubectl; the test plays the operator by writing
//! status and snapshot objects into the sandbox, in both operator modes.

mod common;

use common::e2e::*;
use serde_json::json;

/// Waits for the plugin to change the nonce of app `orders`; returns the new nonce.
async fn new_nonce(sb: &flink_sandbox::Sandbox) -> i64 {
    eventually("the nonce patch", || {
        spec_nonce(sb, "flinkdeployments", "orders").filter(|n| *n != 5)
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn legacy_mode_completes_when_the_operator_records_the_nonce() {
    let sb = sandbox(true).await;
    put_app(&sb, "orders");
    let child = command(
        sb.kubeconfig_path(),
        &[
            "trigger",
            "app/orders",
            "-n",
            NS,
            "--wait",
            "--timeout",
            "2m",
        ],
    )
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    let nonce = new_nonce(&sb).await;
    // Operator: legacy trigger in flight, then completion recorded with the nonce.
    let pending = json!({ "triggerId": "t-1", "triggerType": "MANUAL", "triggerTimestamp": 1_767_225_600_000_i64, "formatType": "CANONICAL" });
    sb.store()
        .set_status("flinkdeployments", NS, "orders", running_status(5, pending))
        .unwrap();
    let done = json!({
        "lastSavepoint": { "timeStamp": 1_767_225_600_000_i64, "location": "s3://bucket/savepoints/savepoint-1", "triggerType": "MANUAL", "formatType": "CANONICAL", "triggerNonce": nonce },
        "savepointHistory": []
    });
    sb.store()
        .set_status(
            "flinkdeployments",
            NS,
            "orders",
            running_status(nonce, done),
        )
        .unwrap();
    let out = finish(child).await;
    out.expect(0);
    assert!(
        out.stdout.ends_with("s3://bucket/savepoints/savepoint-1\n"),
        "{}",
        out.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn legacy_mode_fails_when_the_nonce_is_handled_without_a_savepoint() {
    let sb = sandbox(true).await;
    put_app(&sb, "orders");
    let child = command(
        sb.kubeconfig_path(),
        &["trigger", "app/orders", "-n", NS, "--wait"],
    )
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    let nonce = new_nonce(&sb).await;
    sb.store()
        .set_status(
            "flinkdeployments",
            NS,
            "orders",
            running_status(nonce, json!({})),
        )
        .unwrap();
    let out = finish(child).await;
    out.expect(1);
    assert!(
        out.stderr
            .contains(&format!("marked savepointTriggerNonce {nonce} as handled")),
        "{}",
        out.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn snapshot_mode_follows_the_operator_created_snapshot_to_completion() {
    let sb = sandbox(false).await;
    put_app(&sb, "orders");
    // An older manual snapshot must not be mistaken for the new one.
    put_snapshot(
        &sb,
        NS,
        "orders-savepoint-manual-1000",
        "FlinkDeployment",
        "orders",
        "MANUAL",
        json!({ "state": "COMPLETED", "path": "s3://old" }),
    );
    let child = command(
        sb.kubeconfig_path(),
        &["trigger", "app/orders", "-n", NS, "--wait", "-o", "json"],
    )
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    let nonce = new_nonce(&sb).await;
    // Operator (snapshot mode): create the CR, mark the nonce handled, then complete the CR.
    let name = "orders-savepoint-manual-2000";
    put_snapshot(
        &sb,
        NS,
        name,
        "FlinkDeployment",
        "orders",
        "MANUAL",
        json!({ "state": "TRIGGER_PENDING" }),
    );
    sb.store()
        .set_status(
            "flinkdeployments",
            NS,
            "orders",
            running_status(nonce, json!({})),
        )
        .unwrap();
    sb.store()
        .set_status(
            "flinkstatesnapshots",
            NS,
            name,
            json!({ "state": "IN_PROGRESS", "triggerId": "x" }),
        )
        .unwrap();
    sb.store()
        .set_status(
            "flinkstatesnapshots",
            NS,
            name,
            json!({ "state": "COMPLETED", "path": "s3://bucket/savepoints/sp-2", "failures": 0 }),
        )
        .unwrap();
    let out = finish(child).await;
    out.expect(0);
    let info: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(info["result"]["state"], "COMPLETED");
    assert_eq!(info["result"]["location"], "s3://bucket/savepoints/sp-2");
    assert_eq!(info["result"]["snapshot"], name);
}

#[tokio::test(flavor = "multi_thread")]
async fn failed_snapshot_prints_the_operator_error_and_exits_1() {
    let sb = sandbox(false).await;
    put_app(&sb, "orders");
    let child = command(
        sb.kubeconfig_path(),
        &[
            "trigger",
            "app/orders",
            "-n",
            NS,
            "--method",
            "snapshot",
            "--wait",
        ],
    )
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    let name = eventually("the snapshot", || {
        let (items, _) = sb.store().list("flinkstatesnapshots", Some(NS));
        items
            .first()
            .and_then(|s| s["metadata"]["name"].as_str().map(str::to_string))
    })
    .await;
    sb.store()
        .set_status("flinkstatesnapshots", NS, &name, json!({ "state": "FAILED", "failures": 4, "error": "Checkpoint coordinator is shut down" }))
        .unwrap();
    let out = finish(child).await;
    out.expect(1);
    assert!(
        out.stderr
            .contains("FAILED: Checkpoint coordinator is shut down"),
        "{}",
        out.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn abandoned_snapshot_exits_1_and_completed_named_snapshot_exits_0() {
    let sb = sandbox(false).await;
    put_app(&sb, "orders");
    put_snapshot(
        &sb,
        NS,
        "orders-sp-1",
        "FlinkDeployment",
        "orders",
        "MANUAL",
        json!({ "state": "ABANDONED", "error": "Job is not running" }),
    );
    let out = kubectl(
        sb.kubeconfig_path(),
        &["wait", "flinkstatesnapshot/orders-sp-1", "-n", NS],
    )
    .await;
    out.expect(1);
    assert!(
        out.stderr.contains("ABANDONED: Job is not running"),
        "{}",
        out.stderr
    );
    put_snapshot(
        &sb,
        NS,
        "orders-sp-2",
        "FlinkDeployment",
        "orders",
        "MANUAL",
        json!({ "state": "COMPLETED", "path": "s3://done" }),
    );
    let out = kubectl(
        sb.kubeconfig_path(),
        &["wait", "flinksnp", "orders-sp-2", "-n", NS],
    )
    .await;
    out.expect(0);
    assert_eq!(out.stdout, "s3://done\n");
}

#[tokio::test(flavor = "multi_thread")]
async fn wait_on_a_target_follows_its_latest_savepoint() {
    let sb = sandbox(false).await;
    put_app(&sb, "orders");
    put_snapshot(
        &sb,
        NS,
        "orders-sp-1",
        "FlinkDeployment",
        "orders",
        "MANUAL",
        json!({ "state": "IN_PROGRESS", "triggerTimestamp": "2026-01-01T00:00:00Z" }),
    );
    let child = command(sb.kubeconfig_path(), &["wait", "app/orders", "-n", NS])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    eventually("the watch", || {
        sb.requests()
            .iter()
            .any(|r| r.verb.as_deref() == Some("watch"))
            .then_some(())
    })
    .await;
    sb.store()
        .set_status("flinkstatesnapshots", NS, "orders-sp-1", json!({ "state": "COMPLETED", "path": "s3://latest", "triggerTimestamp": "2026-01-01T00:00:00Z" }))
        .unwrap();
    let out = finish(child).await;
    out.expect(0);
    assert_eq!(out.stdout, "s3://latest\n");
    assert!(
        !sb.requests()
            .iter()
            .any(|r| r.verb.as_deref() == Some("get") && r.path.contains("flinkstatesnapshots/")),
        "progress comes from watches, not polling"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn timeout_exits_3() {
    let sb = sandbox(false).await;
    put_app(&sb, "orders");
    put_snapshot(
        &sb,
        NS,
        "orders-sp-1",
        "FlinkDeployment",
        "orders",
        "MANUAL",
        json!({ "state": "TRIGGER_PENDING" }),
    );
    let out = kubectl(
        sb.kubeconfig_path(),
        &[
            "wait",
            "flinkstatesnapshot/orders-sp-1",
            "-n",
            NS,
            "--timeout",
            "1s",
        ],
    )
    .await;
    out.expect(3);
    assert!(out.stderr.contains("timed out after 1s"), "{}", out.stderr);
    assert!(
        out.stderr.contains("orders-sp-1: TRIGGER_PENDING"),
        "{}",
        out.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn wait_without_any_savepoint_explains() {
    let sb = sandbox(false).await;
    put_app(&sb, "orders");
    let out = kubectl(sb.kubeconfig_path(), &["wait", "app/orders", "-n", NS]).await;
    out.expect(1);
    assert!(
        out.stderr.contains("has no savepoint to wait for"),
        "{}",
        out.stderr
    );
}
