//! "Savepoint every job before the operator upgrade": `trigger` and `wait` over several targets, `-l`,
//! `--all` and `-A`, through the real kubectl on both backends (`sandbox::…` / `real::…`). Selections
//! that span namespaces use a label unique to the test's namespace, so other tests' jobs are never
//! touched. Time limits are hang guards only.

mod common;

use std::time::Duration;

use common::env::*;
use flink_sandbox::{Simulator, SimulatorConfig};
use serde_json::{Value, json};

on_both_backends!(
    trigger_with_a_selector_requests_one_savepoint_per_selected_job_and_one_summary,
    trigger_of_named_targets_and_all_with_snapshots_creates_one_request_each,
    batch_usage_mistakes_are_refused_before_anything_changes,
    trigger_wait_of_a_selection_waits_for_all_and_exits_with_the_worst_outcome,
);

const FD: &str = "flinkdeployments";
const FSJ: &str = "flinksessionjobs";

async fn label(env: &Env, plural: &str, name: &str, labels: Value) {
    env.merge_patch(
        plural,
        env.ns(),
        name,
        json!({ "metadata": { "labels": labels } }),
    )
    .await;
}

/// a, b (team=data), web (team=web), a session cluster and a session job (team=data): every
/// object also carries `run=<namespace>`.
async fn fleet(env: &Env) {
    let run = env.ns().to_owned();
    for name in ["a", "b", "web"] {
        put_app(env, name).await;
        label(env, FD, name, json!({ "run": run })).await;
    }
    label(env, FD, "web", json!({ "team": "web" })).await;
    put_session(env, "shared").await;
    label(env, FD, "shared", json!({ "team": "data", "run": run })).await;
    put_session_job(env, "clicks", "shared").await;
    label(env, FSJ, "clicks", json!({ "team": "data", "run": run })).await;
}

fn rows(stdout: &str) -> Vec<Vec<String>> {
    stdout
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().map(str::to_owned).collect())
        .collect()
}

async fn trigger_with_a_selector_requests_one_savepoint_per_selected_job_and_one_summary(env: Env) {
    fleet(&env).await;
    let ns = env.ns();
    let out = kubectl(env.kubeconfig(), &["trigger", "-l", "team=data", "-n", ns]).await;
    out.expect(0);
    let header: Vec<&str> = out
        .stdout
        .lines()
        .next()
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(
        header,
        [
            "NAMESPACE",
            "TARGET",
            "REQUEST",
            "RESULT",
            "LOCATION/MESSAGE"
        ]
    );
    let table = rows(&out.stdout);
    let targets: Vec<&str> = table.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(targets, ["app/a", "app/b", "job/clicks"], "{}", out.stdout);
    for row in &table {
        assert_eq!(row[0], ns);
        assert_eq!(&row[2..5], ["nonce", "5", "->"], "{row:?}");
        assert_eq!(row[6], "REQUESTED", "{row:?}");
    }
    // One request per selected job: a new nonce on each, nothing on the others.
    for (plural, name) in [(FD, "a"), (FD, "b"), (FSJ, "clicks")] {
        let nonce = spec_nonce(&env, plural, name).await.unwrap();
        assert_ne!(nonce, 5, "{name}");
        assert!(
            out.stdout.contains(&format!("5 -> {nonce}")),
            "{name}: {}",
            out.stdout
        );
    }
    assert!(
        out.stderr.contains(&format!(
            "follow them with: kubectl savepoint wait app/a app/b job/clicks -n {ns}"
        )),
        "{}",
        out.stderr
    );
    assert_eq!(spec_nonce(&env, FD, "web").await, Some(5));
    let shared = env.get(FD, ns, "shared").await.unwrap();
    assert!(
        shared["spec"].get("job").is_none(),
        "the session cluster is no job: {shared}"
    );

    // -A with a label unique to this namespace: the same jobs, as a kubectl List.
    let selector = format!("run={ns},team=data");
    let out = kubectl(
        env.kubeconfig(),
        &["trigger", "-A", "-l", &selector, "--dry-run", "-o", "json"],
    )
    .await;
    out.expect(0);
    let list: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(list["kind"], "List");
    let items = list["items"].as_array().unwrap();
    let named: Vec<(&str, &str)> = items
        .iter()
        .map(|i| {
            (
                i["namespace"].as_str().unwrap(),
                i["target"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(named, [(ns, "app/a"), (ns, "app/b"), (ns, "job/clicks")]);
    assert!(
        items.iter().all(|i| i["result"] == "REQUESTED (dry run)"),
        "{list}"
    );
    // Only applications, by kind.
    let out = kubectl(
        env.kubeconfig(),
        &["trigger", "app", "-l", "team=data", "-n", ns, "--dry-run"],
    )
    .await;
    out.expect(0);
    let targets: Vec<String> = rows(&out.stdout)
        .into_iter()
        .map(|r| r[1].clone())
        .collect();
    assert_eq!(targets, ["app/a", "app/b"], "{}", out.stdout);
}

async fn trigger_of_named_targets_and_all_with_snapshots_creates_one_request_each(env: Env) {
    fleet(&env).await;
    let ns = env.ns();
    let out = kubectl(
        env.kubeconfig(),
        &[
            "trigger",
            "app/a",
            "job/clicks",
            "--method",
            "snapshot",
            "-n",
            ns,
        ],
    )
    .await;
    out.expect(0);
    let mut refs: Vec<String> = env
        .list("flinkstatesnapshots", ns)
        .await
        .iter()
        .map(|s| {
            format!(
                "{}/{}",
                s["spec"]["jobReference"]["kind"].as_str().unwrap(),
                s["spec"]["jobReference"]["name"].as_str().unwrap()
            )
        })
        .collect();
    refs.sort();
    assert_eq!(refs, ["FlinkDeployment/a", "FlinkSessionJob/clicks"]);
    for row in rows(&out.stdout) {
        assert!(row[2].starts_with("flinkstatesnapshot/"), "{row:?}");
        assert_eq!(row[3], "REQUESTED", "{row:?}");
    }
    // KIND NAME… names several of one kind; a target named twice is triggered once.
    let out = kubectl(
        env.kubeconfig(),
        &["trigger", "app", "a", "b", "a", "-n", ns, "--dry-run"],
    )
    .await;
    out.expect(0);
    assert_eq!(rows(&out.stdout).len(), 2, "{}", out.stdout);
    // --all: every job of the namespace (not the session cluster), four more snapshots.
    let out = kubectl(
        env.kubeconfig(),
        &["trigger", "--all", "--method", "snapshot", "-n", ns],
    )
    .await;
    out.expect(0);
    let targets: Vec<String> = rows(&out.stdout)
        .into_iter()
        .map(|r| r[1].clone())
        .collect();
    assert_eq!(
        targets,
        ["app/a", "app/b", "app/web", "job/clicks"],
        "{}",
        out.stdout
    );
    assert_eq!(env.list("flinkstatesnapshots", ns).await.len(), 6);
}

async fn batch_usage_mistakes_are_refused_before_anything_changes(env: Env) {
    fleet(&env).await;
    let ns = env.ns();
    let before = env.list(FD, ns).await;
    for (args, words) in [
        (
            &["trigger", "app/a", "-l", "team=data"][..],
            "names cannot be provided",
        ),
        (
            &["trigger", "--all", "-l", "team=data"][..],
            "cannot set --all and --selector",
        ),
        (
            &["trigger", "-A"][..],
            "combine it with -l SELECTOR or --all",
        ),
        (&["trigger", "app/a", "b"][..], "resource/name form"),
        (&["trigger"][..], "a target is required"),
        (
            &["wait", "app/a", "-l", "team=data"][..],
            "names cannot be provided",
        ),
    ] {
        let mut full = args.to_vec();
        // (-A and -n together are their own mistake, refused first.)
        if !args.contains(&"-A") {
            full.extend(["-n", ns]);
        }
        let out = kubectl(env.kubeconfig(), &full).await;
        out.expect(2);
        assert!(out.stderr.contains(words), "{args:?}: {}", out.stderr);
    }
    assert_eq!(env.list(FD, ns).await, before, "nothing changed");
    // An empty selection is not an error, as in kubectl.
    let out = kubectl(env.kubeconfig(), &["trigger", "-l", "team=none", "-n", ns]).await;
    out.expect(0);
    assert_eq!(
        out.stderr.trim(),
        format!("No resources found in {ns} namespace.")
    );
    assert_eq!(env.list(FD, ns).await, before, "nothing changed");
}

/// The emulator on the test's namespace, with applications `names` (team=data) it brings to RUNNING,
/// and `paused` (team=data) whose spec suspends the job.
async fn simulated_fleet(env: &Env, names: &[&str], paused: &str) -> Simulator {
    let config = SimulatorConfig {
        time_scale: 20.0,
        tick: Duration::from_millis(50),
        ..SimulatorConfig::default()
    };
    let sim = Simulator::connect(env.client().await, config, Some(env.ns().to_string()));
    let ns = env.ns();
    let app = |name: &str, state: &str| {
        json!({
            "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
            "metadata": { "name": name, "namespace": ns, "labels": { "team": "data" } },
            "spec": {
                "image": "flink:1.20", "flinkVersion": "v1_20", "serviceAccount": "flink",
                "flinkConfiguration": { "state.savepoints.dir": "s3://bucket/savepoints" },
                "jobManager": { "resource": { "memory": "2048m", "cpu": 1 } },
                "taskManager": { "resource": { "memory": "2048m", "cpu": 1 } },
                "job": { "jarURI": "local:///opt/flink/job.jar", "parallelism": 1,
                         "upgradeMode": "savepoint", "state": state }
            }
        })
    };
    for name in names {
        env.create(FD, ns, app(name, "running")).await;
    }
    env.create(FD, ns, app(paused, "suspended")).await;
    for name in names {
        eventually_async("the emulated job to run", || async {
            let d = env.get(FD, ns, name).await?;
            (d["status"]["jobStatus"]["state"] == "RUNNING").then_some(())
        })
        .await;
    }
    sim
}

async fn trigger_wait_of_a_selection_waits_for_all_and_exits_with_the_worst_outcome(env: Env) {
    let _sim = simulated_fleet(&env, &["a", "b"], "paused").await;
    let ns = env.ns();
    let out = kubectl(
        env.kubeconfig(),
        &[
            "trigger",
            "-l",
            "team=data",
            "-n",
            ns,
            "--wait",
            "--timeout",
            "2m",
        ],
    )
    .await;
    // Two completed, one refused (suspended): the worst outcome is the refusal.
    out.expect(2);
    let table = rows(&out.stdout);
    assert_eq!(table.len(), 3, "{}", out.stdout);
    let by_target = |t: &str| table.iter().find(|r| r[1] == t).unwrap().clone();
    for t in ["app/a", "app/b"] {
        let row = by_target(t);
        assert_eq!(row[6], "COMPLETED", "{}", out.stdout);
        assert!(
            row[7].starts_with("s3://bucket/savepoints/"),
            "{}",
            out.stdout
        );
    }
    // No request was sent for it: an empty REQUEST cell, then the result and the refusal.
    let paused = by_target("app/paused");
    assert_eq!(paused[2..4], ["<none>", "REFUSED"], "{}", out.stdout);
    assert!(paused.join(" ").contains("suspended"), "{}", out.stdout);
    assert!(
        out.stderr
            .contains("1 of 3 savepoints did not succeed: app/paused REFUSED"),
        "{}",
        out.stderr
    );
    for name in ["a", "b"] {
        assert!(
            out.stderr.contains(&format!("{ns}/app/{name}: COMPLETED")),
            "{}",
            out.stderr
        );
    }

    // wait over the same selection: the two latest savepoints are complete; the paused job has none
    // (a failure, exit 1, worse than anything else).
    let out = kubectl(
        env.kubeconfig(),
        &["wait", "-l", "team=data", "-n", ns, "--timeout", "1m"],
    )
    .await;
    out.expect(1);
    let table = rows(&out.stdout);
    let by_target = |t: &str| table.iter().find(|r| r[1] == t).unwrap().clone();
    assert_eq!(by_target("app/a")[2], "COMPLETED", "{}", out.stdout);
    assert_eq!(by_target("app/b")[2], "COMPLETED", "{}", out.stdout);
    assert_eq!(by_target("app/paused")[2], "ERROR", "{}", out.stdout);
    assert!(
        out.stdout.contains("has no savepoint to wait for"),
        "{}",
        out.stdout
    );
    // Named targets, all complete: exit 0.
    let out = kubectl(env.kubeconfig(), &["wait", "app/a", "app/b", "-n", ns]).await;
    out.expect(0);
    assert_eq!(rows(&out.stdout).len(), 2, "{}", out.stdout);
}
