//! `trigger --wait` and `wait` through the real kubectl; the test plays the operator by writing status and
//! snapshot objects through the API, on the sandbox and on the real kube-apiserver (`sandbox::…` /
//! `real::…`). The legacy operator mode (no FlinkStateSnapshot CRD) is sandbox-only.

mod common;

use common::env::*;
use serde_json::json;

on_both_backends!(
    snapshot_mode_follows_the_operator_created_snapshot_to_completion,
    failed_snapshot_prints_the_operator_error_and_exits_1,
    abandoned_snapshot_exits_1_and_completed_named_snapshot_exits_0,
    wait_on_a_target_follows_its_latest_savepoint,
    timeout_exits_3,
    wait_without_any_savepoint_explains,
);

/// Waits for the plugin to change the nonce of app `orders`; returns the new nonce.
async fn new_nonce(env: &Env) -> i64 {
    eventually_async("the nonce patch", || async {
        spec_nonce(env, "flinkdeployments", "orders")
            .await
            .filter(|n| *n != 5)
    })
    .await
}

/// A sandbox without the FlinkStateSnapshot CRD (an operator older than 1.10).
async fn legacy_env() -> Env {
    Env::sandbox_with(flink_sandbox::Sandbox::builder().without_crd("flinkstatesnapshots")).await
}

/// Sandbox only: the real tier cannot remove a CRD for one test (the legacy mode needs an operator < 1.10,
/// mimicked by a sandbox that does not serve FlinkStateSnapshot).
#[tokio::test(flavor = "multi_thread")]
async fn sandbox_only_legacy_mode_completes_when_the_operator_records_the_nonce() {
    let env = legacy_env().await;
    let ns = env.ns();
    put_app(&env, "orders").await;
    let child = command(
        env.kubeconfig(),
        &[
            "trigger",
            "app/orders",
            "-n",
            ns,
            "--wait",
            "--timeout",
            "2m",
        ],
    )
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    let nonce = new_nonce(&env).await;
    // Operator: legacy trigger in flight, then completion recorded with the nonce.
    let pending = json!({ "triggerId": "t-1", "triggerType": "MANUAL", "triggerTimestamp": 1_767_225_600_000_i64, "formatType": "CANONICAL" });
    env.set_status("flinkdeployments", ns, "orders", running_status(5, pending))
        .await;
    let done = json!({
        "lastSavepoint": { "timeStamp": 1_767_225_600_000_i64, "location": "s3://bucket/savepoints/savepoint-1", "triggerType": "MANUAL", "formatType": "CANONICAL", "triggerNonce": nonce },
        "savepointHistory": []
    });
    env.set_status(
        "flinkdeployments",
        ns,
        "orders",
        running_status(nonce, done),
    )
    .await;
    let out = finish(child).await;
    out.expect(0);
    assert!(
        out.stdout.ends_with("s3://bucket/savepoints/savepoint-1\n"),
        "{}",
        out.stdout
    );
}

/// Sandbox only: the legacy mode needs a cluster without the FlinkStateSnapshot CRD (see above).
#[tokio::test(flavor = "multi_thread")]
async fn sandbox_only_legacy_mode_fails_when_the_nonce_is_handled_without_a_savepoint() {
    let env = legacy_env().await;
    let ns = env.ns();
    put_app(&env, "orders").await;
    let child = command(
        env.kubeconfig(),
        &["trigger", "app/orders", "-n", ns, "--wait"],
    )
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    let nonce = new_nonce(&env).await;
    env.set_status(
        "flinkdeployments",
        ns,
        "orders",
        running_status(nonce, json!({})),
    )
    .await;
    let out = finish(child).await;
    out.expect(1);
    assert!(
        out.stderr
            .contains(&format!("marked savepointTriggerNonce {nonce} as handled")),
        "{}",
        out.stderr
    );
}

async fn snapshot_mode_follows_the_operator_created_snapshot_to_completion(env: Env) {
    let ns = env.ns();
    put_app(&env, "orders").await;
    // An older manual snapshot must not be mistaken for the new one.
    put_snapshot(
        &env,
        ns,
        "orders-savepoint-manual-1000",
        "FlinkDeployment",
        "orders",
        "MANUAL",
        json!({ "state": "COMPLETED", "path": "s3://old" }),
    )
    .await;
    let child = command(
        env.kubeconfig(),
        &["trigger", "app/orders", "-n", ns, "--wait", "-o", "json"],
    )
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    let nonce = new_nonce(&env).await;
    // Operator (snapshot mode): create the CR, mark the nonce handled, then complete the CR.
    let name = "orders-savepoint-manual-2000";
    put_snapshot(
        &env,
        ns,
        name,
        "FlinkDeployment",
        "orders",
        "MANUAL",
        json!({ "state": "TRIGGER_PENDING" }),
    )
    .await;
    env.set_status(
        "flinkdeployments",
        ns,
        "orders",
        running_status(nonce, json!({})),
    )
    .await;
    env.set_status(
        "flinkstatesnapshots",
        ns,
        name,
        json!({ "state": "IN_PROGRESS", "triggerId": "x" }),
    )
    .await;
    env.set_status(
        "flinkstatesnapshots",
        ns,
        name,
        json!({ "state": "COMPLETED", "path": "s3://bucket/savepoints/sp-2", "failures": 0 }),
    )
    .await;
    let out = finish(child).await;
    out.expect(0);
    let info: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(info["result"]["state"], "COMPLETED");
    assert_eq!(info["result"]["location"], "s3://bucket/savepoints/sp-2");
    assert_eq!(info["result"]["snapshot"], name);
}

async fn failed_snapshot_prints_the_operator_error_and_exits_1(env: Env) {
    let ns = env.ns();
    put_app(&env, "orders").await;
    let child = command(
        env.kubeconfig(),
        &[
            "trigger",
            "app/orders",
            "-n",
            ns,
            "--method",
            "snapshot",
            "--wait",
        ],
    )
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    let name = eventually_async("the snapshot", || async {
        names(&env, "flinkstatesnapshots", env.ns())
            .await
            .into_iter()
            .next()
    })
    .await;
    env.set_status(
        "flinkstatesnapshots",
        ns,
        &name,
        json!({ "state": "FAILED", "failures": 4, "error": "Checkpoint coordinator is shut down" }),
    )
    .await;
    let out = finish(child).await;
    out.expect(1);
    assert!(
        out.stderr
            .contains("FAILED: Checkpoint coordinator is shut down"),
        "{}",
        out.stderr
    );
}

async fn abandoned_snapshot_exits_1_and_completed_named_snapshot_exits_0(env: Env) {
    let ns = env.ns();
    put_app(&env, "orders").await;
    put_snapshot(
        &env,
        ns,
        "orders-sp-1",
        "FlinkDeployment",
        "orders",
        "MANUAL",
        json!({ "state": "ABANDONED", "error": "Job is not running" }),
    )
    .await;
    let out = kubectl(
        env.kubeconfig(),
        &["wait", "flinkstatesnapshot/orders-sp-1", "-n", ns],
    )
    .await;
    out.expect(1);
    assert!(
        out.stderr.contains("ABANDONED: Job is not running"),
        "{}",
        out.stderr
    );
    put_snapshot(
        &env,
        ns,
        "orders-sp-2",
        "FlinkDeployment",
        "orders",
        "MANUAL",
        json!({ "state": "COMPLETED", "path": "s3://done" }),
    )
    .await;
    let out = kubectl(
        env.kubeconfig(),
        &["wait", "flinksnp", "orders-sp-2", "-n", ns],
    )
    .await;
    out.expect(0);
    assert_eq!(out.stdout, "s3://done\n");
}

/// `wait` runs as the read-only viewer: reading is all it needs, and on the sandbox its requests are told
/// apart from the fixture writes (the admin's, which read `/status` before patching it).
async fn wait_on_a_target_follows_its_latest_savepoint(env: Env) {
    let ns = env.ns();
    put_app(&env, "orders").await;
    put_snapshot(
        &env,
        ns,
        "orders-sp-1",
        "FlinkDeployment",
        "orders",
        "MANUAL",
        json!({ "state": "IN_PROGRESS", "triggerTimestamp": "2026-01-01T00:00:00Z" }),
    )
    .await;
    if let Some(sb) = env.sandbox_ref() {
        sb.clear_requests();
    }
    let child = command(env.viewer_kubeconfig(), &["wait", "app/orders", "-n", ns])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    match env.sandbox_ref() {
        Some(sb) => {
            eventually("the watch", || {
                sb.requests()
                    .iter()
                    .any(|r| {
                        r.user.as_deref() == Some("viewer") && r.verb.as_deref() == Some("watch")
                    })
                    .then_some(())
            })
            .await
        }
        // No request log: give the plugin time to reach its watch (the outcome is the same either way).
        None => tokio::time::sleep(std::time::Duration::from_secs(2)).await,
    }
    env.set_status("flinkstatesnapshots", ns, "orders-sp-1", json!({ "state": "COMPLETED", "path": "s3://latest", "triggerTimestamp": "2026-01-01T00:00:00Z" }))
        .await;
    let out = finish(child).await;
    out.expect(0);
    assert_eq!(out.stdout, "s3://latest\n");
    if let Some(sb) = env.sandbox_ref() {
        assert!(
            !sb.requests()
                .iter()
                .any(|r| r.user.as_deref() == Some("viewer")
                    && r.verb.as_deref() == Some("get")
                    && r.path.contains("flinkstatesnapshots/")),
            "progress comes from watches, not polling"
        );
    }
}

async fn timeout_exits_3(env: Env) {
    let ns = env.ns();
    put_app(&env, "orders").await;
    put_snapshot(
        &env,
        ns,
        "orders-sp-1",
        "FlinkDeployment",
        "orders",
        "MANUAL",
        json!({ "state": "TRIGGER_PENDING" }),
    )
    .await;
    let out = kubectl(
        env.kubeconfig(),
        &[
            "wait",
            "flinkstatesnapshot/orders-sp-1",
            "-n",
            ns,
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

async fn wait_without_any_savepoint_explains(env: Env) {
    let ns = env.ns();
    put_app(&env, "orders").await;
    let out = kubectl(env.kubeconfig(), &["wait", "app/orders", "-n", ns]).await;
    out.expect(1);
    assert!(
        out.stderr.contains("has no savepoint to wait for"),
        "{}",
        out.stderr
    );
}
