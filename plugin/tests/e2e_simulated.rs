//! `trigger --wait` and `list` against the sandbox's operator simulator (autonomous), in
//! snapshot mode, in legacy mode with the CRD served but snapshot resources disabled, and with
//! failing savepoints. Time limits are hang guards only.

mod common;

use std::time::Duration;

use common::e2e::*;
use flink_sandbox::{Sandbox, SimulatorConfig};
use serde_json::json;

async fn simulated(snapshot_resources: bool, fail_savepoints: bool) -> Sandbox {
    let config = SimulatorConfig {
        time_scale: 20.0,
        tick: Duration::from_millis(50),
        snapshot_resources,
        fail_savepoints,
        ..SimulatorConfig::default()
    };
    let sb = Sandbox::builder()
        .simulator(config)
        .start()
        .await
        .expect("sandbox starts");
    sb.store().ensure_namespace(NS);
    let app = json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
        "metadata": { "name": "orders", "namespace": NS },
        "spec": {
            "image": "flink:1.20", "flinkVersion": "v1_20", "serviceAccount": "flink",
            "flinkConfiguration": { "state.savepoints.dir": "s3://bucket/savepoints" },
            "jobManager": { "resource": { "memory": "2048m", "cpu": 1 } },
            "taskManager": { "resource": { "memory": "2048m", "cpu": 1 } },
            "job": { "jarURI": "local:///opt/flink/job.jar", "parallelism": 1, "upgradeMode": "savepoint" }
        }
    });
    sb.store().create("flinkdeployments", NS, app).unwrap();
    eventually("the simulated job to run", || {
        let d = sb.store().get("flinkdeployments", NS, "orders")?;
        (d["status"]["jobStatus"]["state"] == "RUNNING").then_some(())
    })
    .await;
    sb
}

#[tokio::test(flavor = "multi_thread")]
async fn snapshot_mode_nonce_trigger_waits_for_the_operator_snapshot() {
    let sb = simulated(true, false).await;
    let out = kubectl(
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
        sb.kubeconfig_path(),
        &[
            "list",
            "app/orders",
            "-n",
            NS,
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
async fn legacy_mode_nonce_trigger_waits_for_the_status_record() {
    let sb = simulated(false, false).await;
    let out = kubectl(
        sb.kubeconfig_path(),
        &[
            "trigger",
            "app/orders",
            "-n",
            NS,
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
    let stored = sb.store().get("flinkdeployments", NS, "orders").unwrap();
    let last = &stored["status"]["jobStatus"]["savepointInfo"]["lastSavepoint"];
    assert_eq!(last["location"], location);
    assert_eq!(last["triggerNonce"], info["nonce"]);
    let (snapshots, _) = sb.store().list("flinkstatesnapshots", Some(NS));
    assert!(
        snapshots.is_empty(),
        "legacy mode creates no snapshot objects"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn failing_savepoints_exit_1_with_the_operator_error() {
    let sb = simulated(true, true).await;
    let out = kubectl(
        sb.kubeconfig_path(),
        &[
            "trigger",
            "app/orders",
            "-n",
            NS,
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
