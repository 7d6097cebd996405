//! The plugin against a live Flink JobManager (a MiniCluster from `tests/flink-capture`, Java + Maven,
//! [`LiveFlink`]), through the real kubectl, on both backends: the JobManager sits behind the
//! application's `orders-rest` Service (a Pod, the Service and its EndpointSlice, as on a Flink cluster),
//! which the API server's service proxy resolves and forwards to, and the operator emulator triggers
//! the savepoints on it through its REST API, as the operator does. So the progress, sizes, durations
//! and checkpoints asserted here are Flink's own, read back from the JobManager directly to compare.
//!
//! The JobManager runs in a network namespace of its own (the real kube-apiserver refuses to proxy to
//! loopback); see `flink_testenv::LiveFlink`. One JobManager per test binary: the tests take turns on
//! it ([`TURN`]), so that the savepoint a test follows is the only one in flight. Time limits are hang
//! guards only.

mod common;

use std::time::Duration;

use common::env::*;
use flink_sandbox::{Simulator, SimulatorConfig};
use flink_savepoint::flink_rest::{
    CheckpointStatistics, CheckpointingStatistics, Completed, format_bytes, format_millis,
    parse_checkpointing_statistics,
};
use flink_testenv::LiveFlink;
use serde_json::{Value, json};

on_both_backends!(
    trigger_wait_shows_the_live_progress_then_flinks_size_and_duration,
    list_shows_flinks_size_and_duration_of_the_savepoint,
    status_reports_the_last_checkpoint_flink_completed,
);

/// One test at a time on the shared JobManager.
static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A test's hold on the live JobManager: application `orders` in `env`'s namespace, served by it, and
/// the emulator running it.
struct Live {
    flink: &'static LiveFlink,
    _sim: Simulator,
    _turn: tokio::sync::MutexGuard<'static, ()>,
}

/// Puts the live JobManager behind `orders-rest`, starts the emulator on `env`'s namespace and creates
/// application `orders` (savepoint directory: one the JobManager writes); returns once the emulator
/// reports the live job RUNNING.
async fn live(env: &Env) -> Live {
    let flink = tokio::task::spawn_blocking(LiveFlink::shared)
        .await
        .expect("live Flink start-up thread");
    let turn = TURN.lock().await;
    let ns = env.ns();
    env.serve_live_flink("orders", flink).await;
    let sim = Simulator::connect(
        env.client().await,
        SimulatorConfig {
            tick: Duration::from_millis(200),
            ..SimulatorConfig::default()
        },
        Some(ns.to_string()),
    );
    let app = json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
        "metadata": { "name": "orders", "namespace": ns },
        "spec": {
            "image": "flink:1.20", "flinkVersion": "v1_20", "serviceAccount": "flink",
            "flinkConfiguration": { "state.savepoints.dir": flink.savepoint_dir() },
            "jobManager": { "resource": { "memory": "2048m", "cpu": 1 } },
            "taskManager": { "resource": { "memory": "2048m", "cpu": 1 } },
            "job": { "jarURI": "local:///opt/flink/job.jar", "parallelism": 2, "upgradeMode": "savepoint" }
        }
    });
    env.create("flinkdeployments", ns, app).await;
    eventually_async("the emulator to report the live job RUNNING", || async {
        let d = env.get("flinkdeployments", ns, "orders").await?;
        let js = &d["status"]["jobStatus"];
        (js["jobId"] == flink.job_id() && js["state"] == "RUNNING").then_some(())
    })
    .await;
    Live {
        flink,
        _sim: sim,
        _turn: turn,
    }
}

impl Live {
    /// `GET /jobs/:jobid/checkpoints` straight from the JobManager.
    async fn checkpoints(&self) -> CheckpointingStatistics {
        let path = format!("/jobs/{}/checkpoints", self.flink.job_id());
        let body = self
            .flink
            .get_async(&path)
            .await
            .unwrap_or_else(|e| panic!("{e:#}\n{}", self.flink.log_tail()));
        parse_checkpointing_statistics(body.to_string().as_bytes()).expect("Flink's statistics")
    }

    /// The JobManager's entry of the completed savepoint at `location` (Flink caches the statistics
    /// for `web.refresh-interval`, 3 s: asked until it shows it).
    async fn savepoint(&self, location: &str) -> CheckpointStatistics {
        eventually_async(
            &format!("the JobManager to list a completed savepoint at {location}"),
            || async {
                let stats = self.checkpoints().await;
                let entry = stats.find_by_external_path(location)?;
                entry.completed().map(|_| entry.clone())
            },
        )
        .await
    }

    /// What the JobManager reports for the completed savepoint at `location`.
    async fn reported(&self, location: &str) -> Completed {
        let entry = self.savepoint(location).await;
        entry.completed().expect("completed")
    }
}

/// `(acknowledged, total)` of every progress line on stderr.
fn progress_counts(stderr: &str) -> Vec<(u64, u64)> {
    stderr
        .lines()
        .filter_map(|l| {
            let (head, _) = l.split_once(" subtasks acknowledged")?;
            let counts = head.rsplit(' ').next()?;
            let (a, t) = counts.split_once('/')?;
            Some((a.parse().ok()?, t.parse().ok()?))
        })
        .collect()
}

/// `trigger app/orders --wait` as the operator user; returns the run and the savepoint's location.
async fn trigger_and_wait(env: &Env) -> (Out, String) {
    let out = kubectl(
        env.operator_kubeconfig(),
        &[
            "trigger",
            "app/orders",
            "-n",
            env.ns(),
            "--wait",
            "--timeout",
            "2m",
        ],
    )
    .await;
    out.expect(0);
    let location = out.stdout.lines().last().unwrap_or_default().to_string();
    (out, location)
}

/// While Flink writes the savepoint (each snapshot takes the job
/// [`flink_testenv::SNAPSHOT_SLEEP_MS`]), `--wait` shows its progress as the JobManager counts it; the
/// final line carries the size and duration Flink reported for it; the location is Flink's.
async fn trigger_wait_shows_the_live_progress_then_flinks_size_and_duration(env: Env) {
    let live = live(&env).await;
    let (out, location) = trigger_and_wait(&env).await;
    assert!(
        location.starts_with(&format!("{}/savepoint-", live.flink.savepoint_dir())),
        "the location Flink wrote: {}",
        out.stdout
    );
    let counts = progress_counts(&out.stderr);
    assert!(
        !counts.is_empty(),
        "progress lines while the JobManager writes the savepoint: {}",
        out.stderr
    );
    let entry = live.savepoint(&location).await;
    assert!(entry.is_savepoint);
    let total = entry.num_subtasks.expect("num_subtasks");
    assert!(
        counts.iter().all(|(a, t)| *t == total && a <= t),
        "acknowledged/total as the JobManager counts them ({total} subtasks): {counts:?}"
    );
    assert!(
        counts.windows(2).all(|w| w[0].0 <= w[1].0),
        "progress never goes back: {counts:?}"
    );
    let completed = entry.completed().expect("completed");
    assert!(
        out.stderr.contains(&completed.text()),
        "the final line carries the size and duration Flink reported ({}): {}",
        completed.text(),
        out.stderr
    );
    assert!(!out.stderr.contains("Warning"), "{}", out.stderr);
    let snapshot = env
        .list("flinkstatesnapshots", env.ns())
        .await
        .into_iter()
        .find(|s| s["status"]["path"] == location.as_str());
    assert!(
        snapshot.is_some_and(|s| s["status"]["state"] == "COMPLETED"),
        "the emulator recorded Flink's location on the snapshot"
    );
}

/// `list -o wide` and `-o json` show the SIZE and DURATION the JobManager reports for the savepoint,
/// matched by its external path.
async fn list_shows_flinks_size_and_duration_of_the_savepoint(env: Env) {
    let live = live(&env).await;
    let (_, location) = trigger_and_wait(&env).await;
    let saved = live.reported(&location).await;
    let ns = env.ns();
    let entry = listed_at(&env, "app/orders", &location).await;
    assert_eq!(entry["sizeBytes"], saved.state_size, "{entry}");
    assert_eq!(entry["durationMs"], saved.duration_ms, "{entry}");

    let wide = kubectl(
        env.viewer_kubeconfig(),
        &["list", "app/orders", "-n", ns, "-o", "wide"],
    )
    .await;
    wide.expect(0);
    let header = wide.stdout.lines().next().unwrap_or_default();
    assert!(
        header.contains("SIZE") && header.contains("DURATION"),
        "{header}"
    );
    let row = wide
        .stdout
        .lines()
        .find(|l| l.contains(&location))
        .unwrap_or_else(|| panic!("{}", wide.stdout));
    assert!(
        row.contains(&format_bytes(saved.state_size))
            && row.contains(&format_millis(saved.duration_ms)),
        "SIZE and DURATION as Flink reported ({}, {}): {row}",
        format_bytes(saved.state_size),
        format_millis(saved.duration_ms)
    );
}

/// `status` reports the newest savepoint and the last checkpoint the JobManager completed (its id and
/// size are Flink's), and the job is OK.
async fn status_reports_the_last_checkpoint_flink_completed(env: Env) {
    let live = live(&env).await;
    let (_, location) = trigger_and_wait(&env).await;
    let ns = env.ns();
    let out = kubectl(
        env.viewer_kubeconfig(),
        &["status", "app/orders", "-n", ns, "-o", "json"],
    )
    .await;
    out.expect(0);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let item = &doc["items"][0];
    assert_eq!(item["verdict"], "OK", "{item}");
    assert_eq!(item["newestSavepoint"]["location"], location.as_str());
    let id = item["lastCheckpoint"]["id"]
        .as_u64()
        .unwrap_or_else(|| panic!("a last checkpoint: {item}"));
    // read after the plugin: Flink may have completed a newer one since, never an older one
    let stats = live.checkpoints().await;
    let latest = stats.latest.completed.as_ref().expect("latest completed");
    assert!(id <= latest.id, "{id} vs Flink's latest {}", latest.id);
    let flink = stats
        .history
        .iter()
        .chain(stats.latest.completed.iter())
        .find(|e| e.id == id)
        .unwrap_or_else(|| panic!("the JobManager lists checkpoint {id}"));
    assert!(!flink.is_savepoint, "a checkpoint, not the savepoint");
    assert_eq!(
        item["lastCheckpoint"]["sizeBytes"],
        flink.state_size.unwrap()
    );
}
