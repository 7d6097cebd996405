//! `kubectl savepoint status` through the real kubectl: a verdict per job with its reasons (job not
//! RUNNING, no completed savepoint, newest savepoint older than two intervals, periodic savepoints without
//! a directory, recent failures, JobManager REST unreachable), `--exit-code`, one LIST per kind; on both
//! backends with the test playing the operator. On the sandbox, with the emulator's JobManagers behind
//! the service proxy: the last checkpoint, `describe`'s checkpoint and `clusterInfo["state-size"]`, and
//! `list -o wide/json` SIZE and DURATION as the JobManager reported them.

mod common;

use std::time::Duration;

use common::env::*;
use flink_sandbox::{Simulator, SimulatorConfig};
use flink_savepoint::flink_rest::{
    CheckpointingStatistics, format_bytes, format_millis, parse_checkpointing_statistics,
};
use jiff::Timestamp;
use serde_json::{Value, json};

on_both_backends!(
    status_gives_each_job_its_verdict_and_reasons,
    exit_code_is_1_when_any_job_is_not_ok_and_targets_narrow_it,
);

const HOUR_MS: i64 = 3_600_000;

fn iso(ms: i64) -> String {
    Timestamp::from_millisecond(ms).unwrap().to_string()
}

fn now_ms() -> i64 {
    Timestamp::now().as_millisecond()
}

/// An application `name` with `conf`, job `state`, and (when given) a job id the plugin would ask the
/// JobManager about.
async fn app(env: &Env, name: &str, conf: Value, state: &str, job_id: Option<&str>) {
    let ns = env.ns();
    let obj = json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
        "metadata": { "name": name, "namespace": ns },
        "spec": {
            "image": "flink:1.20", "flinkVersion": "v1_20", "serviceAccount": "flink",
            "flinkConfiguration": conf,
            "jobManager": { "resource": { "memory": "2048m", "cpu": 1 } },
            "taskManager": { "resource": { "memory": "2048m", "cpu": 1 } },
            "job": { "jarURI": "local:///opt/flink/job.jar", "parallelism": 1, "upgradeMode": "savepoint" }
        }
    });
    let mut job_status = json!({ "state": state, "savepointInfo": {} });
    if let Some(id) = job_id {
        job_status["jobId"] = json!(id);
    }
    env.put(
        "flinkdeployments",
        ns,
        obj,
        json!({ "jobStatus": job_status, "lifecycleState": "STABLE" }),
    )
    .await;
}

/// A savepoint snapshot of app `job` triggered `ago_ms` ago, in `state`.
async fn savepoint(env: &Env, name: &str, job: &str, trigger: &str, state: &str, ago_ms: i64) {
    let at = now_ms() - ago_ms;
    let mut status = json!({
        "state": state, "triggerTimestamp": iso(at), "resultTimestamp": iso(at + 1_000), "failures": 0
    });
    if state == "COMPLETED" {
        status["path"] = json!(format!("s3://bucket/savepoints/{name}"));
    } else {
        status["error"] = json!("boom");
    }
    put_snapshot(env, env.ns(), name, "FlinkDeployment", job, trigger, status).await;
}

fn dir_and(interval: &str) -> Value {
    json!({
        "state.savepoints.dir": "s3://bucket/savepoints",
        "kubernetes.operator.periodic.savepoint.interval": interval
    })
}

async fn fixtures(env: &Env) {
    app(env, "healthy", dir_and("6h"), "RUNNING", None).await;
    savepoint(
        env,
        "healthy-p",
        "healthy",
        "PERIODIC",
        "COMPLETED",
        HOUR_MS,
    )
    .await;

    app(env, "stopped", dir_and("6h"), "SUSPENDED", None).await;
    savepoint(
        env,
        "stopped-p",
        "stopped",
        "PERIODIC",
        "COMPLETED",
        HOUR_MS,
    )
    .await;

    app(env, "empty", dir_and("6h"), "RUNNING", None).await;

    app(env, "stale", dir_and("1h"), "RUNNING", None).await;
    savepoint(
        env,
        "stale-p",
        "stale",
        "PERIODIC",
        "COMPLETED",
        5 * HOUR_MS,
    )
    .await;

    app(
        env,
        "nodir",
        json!({ "kubernetes.operator.periodic.savepoint.interval": "1h" }),
        "RUNNING",
        None,
    )
    .await;
    savepoint(env, "nodir-m", "nodir", "MANUAL", "COMPLETED", HOUR_MS / 4).await;

    app(env, "failing", dir_and("6h"), "RUNNING", None).await;
    savepoint(
        env,
        "failing-p",
        "failing",
        "PERIODIC",
        "COMPLETED",
        HOUR_MS,
    )
    .await;
    savepoint(env, "failing-m", "failing", "MANUAL", "FAILED", HOUR_MS / 2).await;

    app(
        env,
        "remote",
        dir_and("6h"),
        "RUNNING",
        Some("f11c0000000000000000000000000001"),
    )
    .await;
    savepoint(env, "remote-p", "remote", "PERIODIC", "COMPLETED", HOUR_MS).await;
}

fn by_target<'a>(items: &'a [Value], target: &str) -> &'a Value {
    items
        .iter()
        .find(|i| i["target"] == target)
        .unwrap_or_else(|| panic!("{target} in {items:?}"))
}

fn reasons(item: &Value) -> Vec<String> {
    item["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reason"].as_str().unwrap().to_string())
        .collect()
}

async fn status_gives_each_job_its_verdict_and_reasons(env: Env) {
    fixtures(&env).await;
    let ns = env.ns();
    if let Some(sb) = env.sandbox_ref() {
        sb.clear_requests();
    }
    let out = kubectl(env.viewer_kubeconfig(), &["status", "-n", ns, "-o", "json"]).await;
    out.expect(0);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["kind"], "List");
    let items = doc["items"].as_array().unwrap();
    assert_eq!(items.len(), 7, "{items:?}");
    let expect = [
        ("app/healthy", "OK", vec![]),
        ("app/stopped", "CRITICAL", vec!["jobNotRunning"]),
        ("app/empty", "CRITICAL", vec!["noCompletedSavepoint"]),
        ("app/stale", "WARNING", vec!["savepointTooOld"]),
        ("app/nodir", "WARNING", vec!["periodicWithoutDirectory"]),
        ("app/failing", "WARNING", vec!["recentFailures"]),
        ("app/remote", "WARNING", vec!["restUnreachable"]),
    ];
    for (target, verdict, why) in expect {
        let item = by_target(items, target);
        assert_eq!(item["verdict"], verdict, "{target}: {item}");
        assert_eq!(reasons(item), why, "{target}: {item}");
    }
    let healthy = by_target(items, "app/healthy");
    let age = healthy["newestSavepoint"]["ageSeconds"].as_i64().unwrap();
    assert!((3_500..3_700).contains(&age), "about an hour old: {age}");
    assert_eq!(healthy["periodic"]["interval"]["value"], "6h");
    assert_eq!(healthy["retention"]["maxCount"]["value"], "10");
    assert_eq!(by_target(items, "app/nodir")["manualSnapshotsKept"], 1);
    let failing = by_target(items, "app/failing");
    assert_eq!(failing["recentFailures"][0]["id"], "failing-m");
    let remote = by_target(items, "app/remote");
    assert!(
        remote["reasons"][0]["cause"]
            .as_str()
            .unwrap()
            .contains("no endpoints available for service \"remote-rest\""),
        "as the API server answers the proxy call: {remote}"
    );
    // one notice for the unreachable JobManager, naming the Service
    let notices: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.contains("Flink REST data"))
        .collect();
    assert_eq!(notices.len(), 1, "{}", out.stderr);
    assert!(notices[0].contains("remote-rest"), "{}", notices[0]);

    if let Some(sb) = env.sandbox_ref() {
        let lists: Vec<String> = sb
            .requests()
            .into_iter()
            .filter(|r| r.verb.as_deref() == Some("list"))
            .map(|r| r.path)
            .collect();
        for plural in [
            "flinkdeployments",
            "flinksessionjobs",
            "flinkstatesnapshots",
        ] {
            assert_eq!(
                lists.iter().filter(|p| p.ends_with(plural)).count(),
                1,
                "one LIST of {plural}: {lists:?}"
            );
        }
    }

    // the table: a row per job, verdict and reasons in words
    let table = kubectl(env.viewer_kubeconfig(), &["status", "-n", ns]).await;
    table.expect(0);
    let header = table.stdout.lines().next().unwrap();
    let columns: Vec<&str> = header.split_whitespace().collect();
    assert_eq!(
        columns,
        [
            "TARGET",
            "JOB",
            "SAVEPOINT",
            "CHECKPOINT",
            "NEXT-PERIODIC",
            "RETENTION",
            "MANUAL",
            "FAILED-24H",
            "VERDICT",
            "REASONS"
        ]
    );
    let stale = table
        .stdout
        .lines()
        .find(|l| l.starts_with("app/stale "))
        .unwrap();
    assert!(
        stale.contains("WARNING") && stale.contains("more than two periodic intervals"),
        "{stale}"
    );
    let stopped = table
        .stdout
        .lines()
        .find(|l| l.starts_with("app/stopped "))
        .unwrap();
    assert!(stopped.contains("job not RUNNING (SUSPENDED)"), "{stopped}");
}

async fn exit_code_is_1_when_any_job_is_not_ok_and_targets_narrow_it(env: Env) {
    fixtures(&env).await;
    let ns = env.ns();
    let all = kubectl(
        env.viewer_kubeconfig(),
        &["status", "-n", ns, "--exit-code"],
    )
    .await;
    all.expect(1);
    assert!(
        all.stderr.contains("6 of 7 job(s) not OK"),
        "{}",
        all.stderr
    );
    assert!(
        all.stdout.contains("app/healthy"),
        "the table is printed: {}",
        all.stdout
    );
    let ok = kubectl(
        env.viewer_kubeconfig(),
        &[
            "status",
            "app/healthy",
            "-n",
            ns,
            "--exit-code",
            "-o",
            "yaml",
        ],
    )
    .await;
    ok.expect(0);
    let doc: Value = serde_yaml_ng::from_str(&ok.stdout).unwrap();
    assert_eq!(doc["items"].as_array().unwrap().len(), 1);
    assert_eq!(doc["items"][0]["verdict"], "OK");
    let two = kubectl(
        env.viewer_kubeconfig(),
        &["status", "app/healthy", "app/stale", "-n", ns, "-o", "json"],
    )
    .await;
    two.expect(0);
    let doc: Value = serde_json::from_str(&two.stdout).unwrap();
    assert_eq!(doc["items"].as_array().unwrap().len(), 2);
    let missing = kubectl(env.viewer_kubeconfig(), &["status", "app/nope", "-n", ns]).await;
    missing.expect(1);
    assert!(missing.stderr.contains("app/nope"), "{}", missing.stderr);
    let bad = kubectl(env.viewer_kubeconfig(), &["status", "app/healthy", "-A"]).await;
    bad.expect(2);
}

/// What the JobManager behind `app` reports, read through the service proxy as the admin.
async fn reported(env: &Env, app: &str) -> CheckpointingStatistics {
    let ns = env.ns();
    let d = env.get("flinkdeployments", ns, app).await.unwrap();
    let job_id = d["status"]["jobStatus"]["jobId"].as_str().unwrap();
    let path =
        format!("/api/v1/namespaces/{ns}/services/{app}-rest:rest/proxy/jobs/{job_id}/checkpoints");
    let request = http::Request::get(path).body(Vec::new()).unwrap();
    let text = env.client().await.request_text(request).await.unwrap();
    parse_checkpointing_statistics(text.as_bytes()).unwrap()
}

/// Sandbox only: the real kube-apiserver cannot proxy to a JobManager in the test process (loopback).
#[tokio::test(flavor = "multi_thread")]
async fn sandbox_only_jobmanager_data_in_status_describe_and_list() {
    let env = Env::sandbox().await;
    let config = SimulatorConfig {
        time_scale: 1.0,
        tick: Duration::from_millis(50),
        savepoint_duration: Duration::from_millis(300),
        ..SimulatorConfig::default()
    };
    let sim = Simulator::connect(env.client().await, config, Some(env.ns().to_string()));
    env.sandbox_ref()
        .unwrap()
        .serve_job_managers(sim.job_managers());
    let ns = env.ns();
    let obj = json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
        "metadata": { "name": "orders", "namespace": ns },
        "spec": {
            "image": "flink:1.20", "flinkVersion": "v1_20", "serviceAccount": "flink",
            "flinkConfiguration": {
                "state.savepoints.dir": "s3://bucket/savepoints",
                "execution.checkpointing.interval": "1s"
            },
            "jobManager": { "resource": { "memory": "2048m", "cpu": 1 } },
            "taskManager": { "resource": { "memory": "2048m", "cpu": 1 } },
            "job": { "jarURI": "local:///opt/flink/job.jar", "parallelism": 1, "upgradeMode": "savepoint" }
        }
    });
    env.create("flinkdeployments", ns, obj).await;
    // the emulator records the first checkpoint's size in clusterInfo
    eventually_async("a checkpoint and its state size", || async {
        let d = env.get("flinkdeployments", ns, "orders").await?;
        d["status"]["clusterInfo"]["state-size"]
            .as_str()
            .map(|_| ())
    })
    .await;
    let out = kubectl(
        env.operator_kubeconfig(),
        &[
            "trigger",
            "app/orders",
            "-n",
            ns,
            "--wait",
            "--timeout",
            "1m",
        ],
    )
    .await;
    out.expect(0);
    let location = out.stdout.lines().last().unwrap().to_string();

    let status = kubectl(env.viewer_kubeconfig(), &["status", "-n", ns, "-o", "json"]).await;
    status.expect(0);
    let doc: Value = serde_json::from_str(&status.stdout).unwrap();
    let item = &doc["items"][0];
    assert_eq!(item["verdict"], "OK", "{item}");
    assert_eq!(item["newestSavepoint"]["location"], location.as_str());
    let checkpoint_id = item["lastCheckpoint"]["id"].as_u64().unwrap();
    let stats = reported(&env, "orders").await;
    let flink = stats
        .history
        .iter()
        .chain(stats.latest.completed.iter())
        .find(|e| e.id == checkpoint_id)
        .expect("the JobManager lists that checkpoint");
    assert!(!flink.is_savepoint);
    assert_eq!(
        item["lastCheckpoint"]["sizeBytes"],
        flink.state_size.unwrap()
    );

    let describe = kubectl(
        env.viewer_kubeconfig(),
        &["describe", "app/orders", "-n", ns],
    )
    .await;
    describe.expect(0);
    assert!(
        describe.stdout.contains("Checkpoints (Flink):"),
        "{}",
        describe.stdout
    );
    assert!(
        describe
            .stdout
            .contains("status.clusterInfo[\"state-size\"]"),
        "{}",
        describe.stdout
    );
    let line = describe
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("Latest completed:") && l.contains("id "))
        .unwrap_or_else(|| panic!("{}", describe.stdout));
    assert!(line.contains(" ago, "), "{line}");

    let wide = kubectl(
        env.viewer_kubeconfig(),
        &["list", "app/orders", "-n", ns, "-o", "wide"],
    )
    .await;
    wide.expect(0);
    let saved = stats
        .find_by_external_path(&location)
        .and_then(|e| e.completed())
        .expect("the JobManager holds the savepoint");
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
    let entry = listed_at(&env, "app/orders", &location).await;
    assert_eq!(entry["sizeBytes"], saved.state_size);
    assert_eq!(entry["durationMs"], saved.duration_ms);
}

/// Sandbox only (entries the JobManager does not hold need an emulator to compare with): a savepoint the
/// JobManager never saw has no size, never a guess.
#[tokio::test(flavor = "multi_thread")]
async fn sandbox_only_a_savepoint_flink_does_not_hold_has_no_size() {
    let env = Env::sandbox().await;
    let sim = Simulator::connect(
        env.client().await,
        SimulatorConfig {
            time_scale: 1.0,
            tick: Duration::from_millis(50),
            ..SimulatorConfig::default()
        },
        Some(env.ns().to_string()),
    );
    env.sandbox_ref()
        .unwrap()
        .serve_job_managers(sim.job_managers());
    let ns = env.ns();
    create_running_orders(&env).await;
    // registered by hand: the JobManager has no record of it
    let snap = json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkStateSnapshot",
        "metadata": { "name": "imported", "namespace": ns },
        "spec": { "jobReference": { "kind": "FlinkDeployment", "name": "orders" },
                  "savepoint": { "path": "s3://elsewhere/savepoint-x", "alreadyExists": true } }
    });
    env.create("flinkstatesnapshots", ns, snap).await;
    eventually_async("the snapshot to be registered", || async {
        let s = env.get("flinkstatesnapshots", ns, "imported").await?;
        (s["status"]["state"] == "COMPLETED").then_some(())
    })
    .await;
    let json = kubectl(
        env.viewer_kubeconfig(),
        &["list", "app/orders", "-n", ns, "-o", "json"],
    )
    .await;
    json.expect(0);
    let doc: Value = serde_json::from_str(&json.stdout).unwrap();
    let entry = &doc["items"][0];
    assert_eq!(entry["location"], "s3://elsewhere/savepoint-x");
    assert!(entry.get("sizeBytes").is_none(), "{entry}");
    assert!(entry.get("durationMs").is_none(), "{entry}");
    assert!(
        !json.stderr.contains("Warning"),
        "the JobManager answered: {}",
        json.stderr
    );
}
