//! `trigger --wait` and `list` against the sandbox's operator simulator (autonomous), in
//! snapshot mode, in legacy mode with the CRD served but snapshot resources disabled, and with
//! failing savepoints. Time limits are hang guards only.
//!
//! Sandbox only: every test needs the operator simulator, which the real tier does not have. Fixtures go
//! through the API all the same.

mod common;

use std::time::Duration;

use common::env::*;
use flink_sandbox::{Sandbox, SimulatorConfig};
use serde_json::json;

/// A sandbox whose simulator runs app `orders`, once the simulated job is RUNNING.
async fn simulated(snapshot_resources: bool, fail_savepoints: bool) -> Env {
    let config = SimulatorConfig {
        time_scale: 20.0,
        tick: Duration::from_millis(50),
        snapshot_resources,
        fail_savepoints,
        ..SimulatorConfig::default()
    };
    let env = Env::sandbox_with(Sandbox::builder().simulator(config)).await;
    let ns = env.ns();
    let app = json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
        "metadata": { "name": "orders", "namespace": ns },
        "spec": {
            "image": "flink:1.20", "flinkVersion": "v1_20", "serviceAccount": "flink",
            "flinkConfiguration": { "state.savepoints.dir": "s3://bucket/savepoints" },
            "jobManager": { "resource": { "memory": "2048m", "cpu": 1 } },
            "taskManager": { "resource": { "memory": "2048m", "cpu": 1 } },
            "job": { "jarURI": "local:///opt/flink/job.jar", "parallelism": 1, "upgradeMode": "savepoint" }
        }
    });
    env.create("flinkdeployments", ns, app).await;
    eventually_async("the simulated job to run", || async {
        let d = env.get("flinkdeployments", ns, "orders").await?;
        (d["status"]["jobStatus"]["state"] == "RUNNING").then_some(())
    })
    .await;
    env
}

#[tokio::test(flavor = "multi_thread")]
async fn sandbox_only_snapshot_mode_nonce_trigger_waits_for_the_operator_snapshot() {
    let env = simulated(true, false).await;
    let ns = env.ns();
    let out = kubectl(
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
    .await;
    out.expect(0);
    let location = out.stdout.lines().last().unwrap();
    assert!(
        location.starts_with("s3://bucket/savepoints/"),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.contains("-savepoint-manual-"),
        "followed the operator's snapshot: {}",
        out.stderr
    );
    let listed = kubectl(
        env.kubeconfig(),
        &[
            "list",
            "app/orders",
            "-n",
            ns,
            "--state",
            "completed",
            "-o",
            "json",
        ],
    )
    .await;
    listed.expect(0);
    let list: serde_json::Value = serde_json::from_str(&listed.stdout).unwrap();
    assert_eq!(list["items"][0]["location"], location);
}

#[tokio::test(flavor = "multi_thread")]
async fn sandbox_only_legacy_mode_nonce_trigger_waits_for_the_status_record() {
    let env = simulated(false, false).await;
    let ns = env.ns();
    let out = kubectl(
        env.kubeconfig(),
        &[
            "trigger",
            "app/orders",
            "-n",
            ns,
            "--wait",
            "--timeout",
            "2m",
            "-o",
            "json",
        ],
    )
    .await;
    out.expect(0);
    let info: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(info["result"]["state"], "COMPLETED");
    let location = info["result"]["location"].as_str().unwrap();
    let stored = env.get("flinkdeployments", ns, "orders").await.unwrap();
    let last = &stored["status"]["jobStatus"]["savepointInfo"]["lastSavepoint"];
    assert_eq!(last["location"], location);
    assert_eq!(last["triggerNonce"], info["nonce"]);
    let snapshots = names(&env, "flinkstatesnapshots", ns).await;
    assert!(
        snapshots.is_empty(),
        "legacy mode creates no snapshot objects"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sandbox_only_failing_savepoints_exit_1_with_the_operator_error() {
    let env = simulated(true, true).await;
    let ns = env.ns();
    let out = kubectl(
        env.kubeconfig(),
        &[
            "trigger",
            "app/orders",
            "-n",
            ns,
            "--method",
            "snapshot",
            "--backoff-limit",
            "0",
            "--wait",
            "--timeout",
            "2m",
        ],
    )
    .await;
    out.expect(1);
    assert!(out.stderr.contains("FAILED"), "{}", out.stderr);
}
