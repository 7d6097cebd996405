//! `trigger --wait`, `restore` and `describe` against the operator emulator running as a real controller
//! (kube-runtime watchers, writes over HTTP with `/status`, Events), on the sandbox and on the real
//! kube-apiserver (`sandbox::…` / `real::…`). The emulator is scoped to the test's namespace, as an operator
//! with `watchNamespaces` would be. Snapshot mode, legacy mode (CRD served but snapshot resources disabled),
//! failing savepoints, and a restore that redeploys without an upgrade savepoint. Time limits are hang
//! guards only.

mod common;

use std::time::Duration;

use common::env::*;
use flink_sandbox::{Simulator, SimulatorConfig};
use serde_json::Value;

on_both_backends!(
    snapshot_mode_nonce_trigger_waits_for_the_operator_snapshot,
    legacy_mode_nonce_trigger_waits_for_the_status_record,
    failing_savepoints_exit_1_with_the_operator_error,
    restore_redeploys_from_the_savepoint_without_an_upgrade_savepoint,
);

/// Starts the emulator on `env`'s namespace and an application `orders` it brings to RUNNING.
async fn simulated(env: &Env, snapshot_resources: bool, fail_savepoints: bool) -> Simulator {
    let config = SimulatorConfig {
        time_scale: 20.0,
        tick: Duration::from_millis(50),
        snapshot_resources,
        fail_savepoints,
        ..SimulatorConfig::default()
    };
    let sim = Simulator::connect(env.client().await, config, Some(env.ns().to_string()));
    create_running_orders(env).await;
    sim
}

async fn snapshots(env: &Env) -> Vec<Value> {
    env.list("flinkstatesnapshots", env.ns()).await
}

async fn snapshot_mode_nonce_trigger_waits_for_the_operator_snapshot(env: Env) {
    let _sim = simulated(&env, true, false).await;
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
    let list: Value = serde_json::from_str(&listed.stdout).unwrap();
    assert_eq!(list["items"][0]["location"], location);
}

async fn legacy_mode_nonce_trigger_waits_for_the_status_record(env: Env) {
    let _sim = simulated(&env, false, false).await;
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
    let info: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(info["result"]["state"], "COMPLETED");
    let location = info["result"]["location"].as_str().unwrap();
    let stored = env.get("flinkdeployments", ns, "orders").await.unwrap();
    let last = &stored["status"]["jobStatus"]["savepointInfo"]["lastSavepoint"];
    assert_eq!(last["location"], location);
    assert_eq!(last["triggerNonce"], info["nonce"]);
    assert!(
        snapshots(&env).await.is_empty(),
        "legacy mode creates no snapshot objects"
    );
}

async fn failing_savepoints_exit_1_with_the_operator_error(env: Env) {
    let _sim = simulated(&env, true, true).await;
    let out = kubectl(
        env.kubeconfig(),
        &[
            "trigger",
            "app/orders",
            "-n",
            env.ns(),
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

/// `restore` sets `initialSavepointPath` and a new `savepointRedeployNonce`: the operator cancels the job
/// statelessly and redeploys from that path (AbstractJobReconciler), so no UPGRADE savepoint appears, the
/// job gets a new id, and the Events (SpecChanged, Submit) show in `describe`.
async fn restore_redeploys_from_the_savepoint_without_an_upgrade_savepoint(env: Env) {
    let _sim = simulated(&env, true, false).await;
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
    let location = out.stdout.lines().last().unwrap().to_string();
    let before = env.get("flinkdeployments", ns, "orders").await.unwrap();
    let job_id = before["status"]["jobStatus"]["jobId"].clone();

    let out = kubectl(
        env.kubeconfig(),
        &[
            "restore",
            "app/orders",
            "-n",
            ns,
            "--from",
            "latest",
            "--yes",
        ],
    )
    .await;
    out.expect(0);
    let after = eventually_async("the redeploy", || async {
        let d = env.get("flinkdeployments", ns, "orders").await?;
        (d["status"]["jobStatus"]["jobId"] != job_id
            && d["status"]["jobStatus"]["state"] == "RUNNING")
            .then_some(d)
    })
    .await;
    assert_eq!(
        after["status"]["jobStatus"]["upgradeSavepointPath"], location,
        "redeployed from the restored savepoint"
    );
    let upgrade: Vec<String> = snapshots(&env)
        .await
        .iter()
        .filter(|s| s["metadata"]["labels"]["snapshot.trigger-type"] == "UPGRADE")
        .map(|s| {
            s["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    assert!(
        upgrade.is_empty(),
        "a savepoint redeploy takes no upgrade savepoint: {upgrade:?}"
    );
    let described = kubectl(env.kubeconfig(), &["describe", "app/orders", "-n", ns]).await;
    described.expect(0);
    assert!(
        described.stdout.contains("SpecChanged") && described.stdout.contains("Submit"),
        "{}",
        described.stdout
    );
}
