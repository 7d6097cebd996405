//! Data that can be lost is never lost without the user saying yes, through the real kubectl on both
//! backends (`sandbox::…` / `real::…`): `prune`/`delete` when the operator disposes savepoint data,
//! `restore --from` another job's savepoint, `schedule --savepoint-dir` (a restart) and the key it
//! writes per Flink version, and refusals that point where the policy allows. The tests run without a
//! terminal (stdin is /dev/null), so "asks" shows as the refusal that needs `--yes`.

mod common;
mod lifecycle_support;

use flink_testenv::on_both_backends;
use lifecycle_support::api::*;
use lifecycle_support::{Out, app, path_with, plugin_dir, session, session_job, snapshot};
use serde_json::{Value, json};

on_both_backends!(
    prune_that_disposes_data_refuses_without_a_terminal_or_yes_and_lists_what_it_would_remove,
    delete_that_disposes_data_refuses_without_yes_including_an_in_progress_savepoint,
    deletes_that_keep_the_data_and_dry_runs_never_ask,
    restore_from_another_jobs_snapshot_or_history_entry_needs_force,
    restore_from_a_path_of_another_job_needs_force_and_outside_the_directory_only_warns,
    schedule_savepoint_dir_asks_and_writes_the_key_the_flink_version_reads,
    schedule_savepoint_dir_updates_an_existing_spelling_and_refuses_bad_uris,
    refusals_for_session_jobs_point_at_the_session_cluster,
    on_a_terminal_the_list_and_question_are_shown_and_only_yes_proceeds,
);

const FD: &str = "flinkdeployments";
const SNAPS: &str = "flinkstatesnapshots";

async fn snapshot_names(env: &Env) -> Vec<String> {
    common::env::names(env, SNAPS, env.ns()).await
}

/// Every stored snapshot in full, to assert "unchanged" (resourceVersions included).
async fn snapshots(env: &Env) -> Vec<Value> {
    env.list(SNAPS, env.ns()).await
}

fn assert_no_writes(env: &Env) {
    if let Some(sb) = env.sandbox_ref() {
        assert_eq!(sandbox_writes(sb), 0, "{:?}", sb.requests());
    }
}

/// orders: sp-1 (completed, disposed on delete), sp-2 (completed, kept), sp-3 (newest completed),
/// sp-4 (in progress, disposed once it completes).
async fn orders_with_snapshots(env: &Env) {
    put(
        env,
        app("orders", json!({"state.savepoints.dir": "s3://b/sp"})),
    )
    .await;
    let snaps = [
        ("orders-sp-1", "COMPLETED", "2025-01-01T00:00:00Z", true),
        ("orders-sp-2", "COMPLETED", "2025-01-02T00:00:00Z", false),
        ("orders-sp-3", "COMPLETED", "2025-01-03T00:00:00Z", false),
        ("orders-sp-4", "IN_PROGRESS", "2025-01-04T00:00:00Z", true),
    ];
    for (name, state, time, dispose) in snaps {
        put(
            env,
            snapshot(name, "FlinkDeployment", "orders", state, time, dispose),
        )
        .await;
    }
    clear_log(env);
}

async fn prune_that_disposes_data_refuses_without_a_terminal_or_yes_and_lists_what_it_would_remove(
    env: Env,
) {
    orders_with_snapshots(&env).await;
    let before = snapshots(&env).await;
    let out = savepoint(&env, &["prune", "app/orders", "--keep", "1"]).await;
    assert_eq!(out.code, 2, "{out:?}");
    // What would be removed is listed first, with whether its data is disposed.
    assert!(
        out.stderr
            .contains("2 savepoint(s) of app/orders will be deleted:"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(
            "flinkstatesnapshot/orders-sp-1: the operator disposes the savepoint data at s3://b/sp/orders-sp-1"
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(
            "flinkstatesnapshot/orders-sp-2: the savepoint data at s3://b/sp/orders-sp-2 is kept"
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(
            "DISPOSES the savepoint data of 1 of them (orders-sp-1); it cannot be recovered: confirmation \
             needed but stdin is not a terminal; pass --yes to proceed"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(snapshots(&env).await, before, "nothing changed");
    assert_no_writes(&env);

    let out = savepoint(&env, &["prune", "app/orders", "--keep", "1", "--yes"]).await;
    assert!(
        out.ok().contains("2 savepoint(s) of app/orders deleted"),
        "{}",
        out.stdout
    );
    assert_eq!(snapshot_names(&env).await, ["orders-sp-3", "orders-sp-4"]);
}

async fn delete_that_disposes_data_refuses_without_yes_including_an_in_progress_savepoint(
    env: Env,
) {
    orders_with_snapshots(&env).await;
    let before = snapshots(&env).await;
    for name in ["orders-sp-1", "orders-sp-4"] {
        let out = savepoint(&env, &["delete", name]).await;
        assert_eq!(out.code, 2, "{name}: {out:?}");
        assert!(
            out.stderr.contains("pass --yes to proceed"),
            "{}",
            out.stderr
        );
        assert!(
            out.stderr.contains(&format!("(orders-sp-{})", &name[10..])),
            "{}",
            out.stderr
        );
    }
    let out = savepoint(&env, &["delete", "orders-sp-4"]).await;
    assert!(
        out.stderr
            .contains("the operator disposes the savepoint data once it completes"),
        "{}",
        out.stderr
    );
    // One disposing snapshot among several: the whole command asks, nothing is deleted.
    let out = savepoint(&env, &["delete", "orders-sp-2", "orders-sp-1"]).await;
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(snapshots(&env).await, before, "nothing changed");
    assert_no_writes(&env);

    let out = savepoint(&env, &["delete", "orders-sp-1", "-y"]).await;
    assert!(
        out.ok()
            .contains("flinkstatesnapshot/orders-sp-1 deleted: the operator disposes"),
        "{}",
        out.stdout
    );
    assert_eq!(
        snapshot_names(&env).await,
        ["orders-sp-2", "orders-sp-3", "orders-sp-4"]
    );
}

async fn deletes_that_keep_the_data_and_dry_runs_never_ask(env: Env) {
    orders_with_snapshots(&env).await;
    for dry in ["--dry-run", "--dry-run=server"] {
        let out = savepoint(&env, &["prune", "app/orders", "--keep", "1", dry]).await;
        assert!(out.ok().contains("dry run"), "{}", out.stdout);
        let out = savepoint(&env, &["delete", "orders-sp-1", dry]).await;
        assert!(out.ok().contains("dry run"), "{}", out.stdout);
    }
    assert_eq!(snapshot_names(&env).await.len(), 4);
    // disposeOnDelete=false: the data stays, no question.
    let out = savepoint(&env, &["delete", "orders-sp-2"]).await;
    assert!(
        out.ok().contains("is kept (disposeOnDelete=false)"),
        "{}",
        out.stdout
    );
    assert_eq!(
        snapshot_names(&env).await,
        ["orders-sp-1", "orders-sp-3", "orders-sp-4"]
    );
}

/// orders (dir s3://b/sp) and billing (dir s3://b/billing) with one completed snapshot each, and a
/// legacy history entry of billing.
async fn two_jobs(env: &Env) {
    put(
        env,
        app("orders", json!({"state.savepoints.dir": "s3://b/sp"})),
    )
    .await;
    running(env, FD, "orders").await;
    put(
        env,
        app(
            "billing",
            json!({"execution.checkpointing.savepoint-dir": "s3://b/billing"}),
        ),
    )
    .await;
    let status = json!({"jobStatus": {"state": "RUNNING", "savepointInfo": {
        "savepointHistory": [{"timeStamp": 1735700000000i64, "location": "s3://b/billing/legacy-1",
                              "triggerType": "MANUAL", "formatType": "CANONICAL"}]}}});
    env.set_status(FD, env.ns(), "billing", status).await;
    put(
        env,
        snapshot(
            "orders-sp-1",
            "FlinkDeployment",
            "orders",
            "COMPLETED",
            "2025-01-01T00:00:00Z",
            false,
        ),
    )
    .await;
    put(
        env,
        snapshot(
            "billing-sp-1",
            "FlinkDeployment",
            "billing",
            "COMPLETED",
            "2025-01-02T00:00:00Z",
            false,
        ),
    )
    .await;
    clear_log(env);
}

async fn restore_from_another_jobs_snapshot_or_history_entry_needs_force(env: Env) {
    two_jobs(&env).await;
    let before = get(&env, FD, "orders").await;
    for from in [
        "billing-sp-1",
        "flinkstatesnapshot/billing-sp-1",
        "legacy-1735700000000",
    ] {
        let out = savepoint(&env, &["restore", "app/orders", "--from", from, "--yes"]).await;
        assert_eq!(out.code, 2, "{from}: {out:?}");
        assert!(
            out.stderr
                .contains("it is a savepoint of flinkdeployment/billing")
                && out.stderr.contains("Pass --force"),
            "{from}: {}",
            out.stderr
        );
    }
    assert_eq!(get(&env, FD, "orders").await, before, "nothing changed");
    assert_no_writes(&env);

    let out = savepoint(
        &env,
        &[
            "restore",
            "app/orders",
            "--from",
            "billing-sp-1",
            "--force",
            "--yes",
        ],
    )
    .await;
    out.ok();
    assert!(
        out.stderr.contains(
            "Warning: restoring app/orders from a savepoint of flinkdeployment/billing (FlinkStateSnapshot billing-sp-1 references flinkdeployment/billing) because of --force"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(
        get(&env, FD, "orders").await["spec"]["job"]["initialSavepointPath"],
        "s3://b/sp/billing-sp-1"
    );
    // Its own savepoint needs nothing.
    let out = savepoint(
        &env,
        &["restore", "app/orders", "--from", "orders-sp-1", "--yes"],
    )
    .await;
    out.ok();
    assert!(!out.stderr.contains("Warning"), "{}", out.stderr);
}

async fn restore_from_a_path_of_another_job_needs_force_and_outside_the_directory_only_warns(
    env: Env,
) {
    two_jobs(&env).await;
    let before = get(&env, FD, "orders").await;
    let cases = [
        // recorded in billing's snapshot and legacy history
        (
            "s3://b/sp/billing-sp-1",
            "recorded in the savepoint history of flinkdeployment/billing as billing-sp-1",
        ),
        (
            "s3://b/billing/legacy-1/",
            "recorded in the savepoint history of flinkdeployment/billing as legacy-1735700000000",
        ),
        // recorded nowhere, but under billing's own directory
        (
            "s3://b/billing/savepoint-77",
            "it lies under s3://b/billing, the savepoint directory of flinkdeployment/billing",
        ),
    ];
    for (path, evidence) in cases {
        let out = savepoint(&env, &["restore", "app/orders", "--from", path, "--yes"]).await;
        assert_eq!(out.code, 2, "{path}: {out:?}");
        assert!(out.stderr.contains(evidence), "{path}: {}", out.stderr);
        assert!(out.stderr.contains("--force"), "{}", out.stderr);
    }
    assert_eq!(get(&env, FD, "orders").await, before, "nothing changed");
    assert_no_writes(&env);

    // A path no job knows, outside the target's directory: a warning, not a refusal.
    let out = savepoint(
        &env,
        &[
            "restore",
            "app/orders",
            "--from",
            "s3://elsewhere/sp-7",
            "--yes",
        ],
    )
    .await;
    out.ok();
    assert!(
        out.stderr.contains(
            "Warning: s3://elsewhere/sp-7 is not under the savepoint directory of app/orders (s3://b/sp)"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(
        get(&env, FD, "orders").await["spec"]["job"]["initialSavepointPath"],
        "s3://elsewhere/sp-7"
    );
    // Under its own directory: silent.
    let out = savepoint(
        &env,
        &[
            "restore",
            "app/orders",
            "--from",
            "s3://b/sp/savepoint-9",
            "--yes",
        ],
    )
    .await;
    out.ok();
    assert!(!out.stderr.contains("Warning"), "{}", out.stderr);
}

fn versioned(name: &str, version: &str, conf: Value) -> Value {
    let mut d = app(name, conf);
    d["spec"]["flinkVersion"] = json!(version);
    d
}

async fn schedule_savepoint_dir_asks_and_writes_the_key_the_flink_version_reads(env: Env) {
    put(&env, versioned("old", "v1_19", json!({}))).await;
    put(&env, versioned("new", "v1_20", json!({}))).await;
    put(&env, versioned("next", "v2_0", json!({}))).await;
    clear_log(&env);
    let before = get(&env, FD, "old").await;
    let out = savepoint(
        &env,
        &["schedule", "app/old", "--savepoint-dir", "s3://b/sp"],
    )
    .await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("Set the savepoint directory of app/old to s3://b/sp (state.savepoints.dir)? This is a spec change: the operator upgrades (restarts) the job: confirmation needed but stdin is not a terminal; pass --yes to proceed"),
        "{}",
        out.stderr
    );
    assert_eq!(get(&env, FD, "old").await, before, "nothing changed");
    assert_no_writes(&env);
    // A dry run never asks.
    let out = savepoint(
        &env,
        &[
            "schedule",
            "app/old",
            "--savepoint-dir",
            "s3://b/sp",
            "--dry-run",
        ],
    )
    .await;
    assert!(
        out.ok().contains("\"state.savepoints.dir\": \"s3://b/sp\""),
        "{}",
        out.stdout
    );
    assert_eq!(get(&env, FD, "old").await, before);

    for (name, key) in [
        ("old", "state.savepoints.dir"),
        ("new", "execution.checkpointing.savepoint-dir"),
        ("next", "execution.checkpointing.savepoint-dir"),
    ] {
        let target = format!("app/{name}");
        let out = savepoint(
            &env,
            &["schedule", &target, "--savepoint-dir", "s3://b/sp", "--yes"],
        )
        .await;
        assert!(out.ok().contains("spec change"), "{}", out.stdout);
        let conf = get(&env, FD, name).await["spec"]["flinkConfiguration"].clone();
        assert_eq!(conf, json!({ key: "s3://b/sp" }), "{name}");
    }
}

async fn schedule_savepoint_dir_updates_an_existing_spelling_and_refuses_bad_uris(env: Env) {
    // Flink 1.19 resource already using the 1.20 key, nested: that entry is updated.
    put(
        &env,
        versioned(
            "nested",
            "v1_19",
            json!({"execution": {"checkpointing": {"savepoint-dir": "s3://old"}}, "a": "b"}),
        ),
    )
    .await;
    put(
        &env,
        session("shared", json!({"state.savepoints.dir": "s3://old"})),
    )
    .await;
    clear_log(&env);
    let out = savepoint(
        &env,
        &[
            "schedule",
            "app/nested",
            "--savepoint-dir",
            "s3://new/sp",
            "-y",
        ],
    )
    .await;
    out.ok();
    let conf = get(&env, FD, "nested").await["spec"]["flinkConfiguration"].clone();
    assert_eq!(
        conf,
        json!({"execution": {"checkpointing": {"savepoint-dir": "s3://new/sp"}}, "a": "b"})
    );

    let before = get(&env, FD, "nested").await;
    clear_log(&env);
    for (dir, problem) in [
        ("/flink-data/savepoints", "has no file-system scheme"),
        ("s3:///sp", "names no bucket"),
        (
            "file://flink-data/sp",
            "a local directory is written file:///flink-data/...",
        ),
        ("", "is empty"),
    ] {
        let out = savepoint(
            &env,
            &["schedule", "app/nested", "--savepoint-dir", dir, "--yes"],
        )
        .await;
        assert_eq!(out.code, 2, "{dir:?}: {out:?}");
        assert!(
            out.stderr.contains(problem) && out.stderr.contains("s3://bucket/savepoints"),
            "{dir:?}: {}",
            out.stderr
        );
    }
    assert_eq!(get(&env, FD, "nested").await, before, "nothing changed");
    assert_no_writes(&env);

    // A session cluster: its restart takes the session jobs with it, and it says so.
    let out = savepoint(
        &env,
        &["schedule", "session/shared", "--savepoint-dir", "s3://new"],
    )
    .await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr
            .contains("restarts the session cluster and every session job on it"),
        "{}",
        out.stderr
    );
    let out = savepoint(
        &env,
        &[
            "schedule",
            "session/shared",
            "--savepoint-dir",
            "s3://new",
            "--yes",
        ],
    )
    .await;
    out.ok();
    assert_eq!(
        get(&env, FD, "shared").await["spec"]["flinkConfiguration"],
        json!({"state.savepoints.dir": "s3://new"})
    );
}

async fn refusals_for_session_jobs_point_at_the_session_cluster(env: Env) {
    put(&env, session("bare", json!({}))).await;
    put(&env, session_job("clicks", "bare", None)).await;
    running(&env, "flinksessionjobs", "clicks").await;
    clear_log(&env);
    let before = get(&env, "flinksessionjobs", "clicks").await;
    let out = savepoint(&env, &["trigger", "job/clicks"]).await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains(
            "set it there with: kubectl savepoint schedule session/bare --savepoint-dir DIR"
        ),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("Set one in spec.flinkConfiguration"),
        "{}",
        out.stderr
    );
    let out = savepoint(&env, &["schedule", "job/clicks", "--interval", "6h"]).await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr
            .contains("kubectl savepoint schedule session/bare --savepoint-dir DIR"),
        "{}",
        out.stderr
    );
    let out = savepoint(
        &env,
        &[
            "schedule",
            "job/clicks",
            "--savepoint-dir",
            "s3://x/sp",
            "--yes",
        ],
    )
    .await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("session/bare --savepoint-dir"),
        "{}",
        out.stderr
    );
    assert_eq!(get(&env, "flinksessionjobs", "clicks").await, before);
    assert_no_writes(&env);
}

/// Runs `kubectl savepoint ARGS -n NS` on a pseudo-terminal (util-linux `script`), typing `answer`.
async fn on_terminal(env: &Env, args: &[&str], answer: &str) -> Out {
    use tokio::io::AsyncWriteExt;
    let line = format!(
        "kubectl savepoint {} -n {} --kubeconfig {}",
        args.join(" "),
        env.ns(),
        env.kubeconfig().display()
    );
    let mut child = tokio::process::Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .env("PATH", path_with(&plugin_dir()))
        .env_remove("KUBECONFIG")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("script (util-linux) is installed");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(answer.as_bytes()).await.unwrap();
    stdin.flush().await.unwrap();
    let out = tokio::time::timeout(
        std::time::Duration::from_secs(120),
        child.wait_with_output(),
    )
    .await
    .expect("finished (hang guard)")
    .unwrap();
    drop(stdin);
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

async fn on_a_terminal_the_list_and_question_are_shown_and_only_yes_proceeds(env: Env) {
    orders_with_snapshots(&env).await;
    let before = snapshots(&env).await;
    // "n" (or anything but y/yes): cancelled, nothing deleted.
    let out = on_terminal(&env, &["prune", "app/orders", "--keep", "1"], "n\n").await;
    assert_eq!(out.code, 2, "{out:?}");
    let shown = &out.stdout; // the terminal carries both streams
    assert!(
        shown.contains("flinkstatesnapshot/orders-sp-1: the operator disposes the savepoint data"),
        "{shown}"
    );
    assert!(
        shown.contains("it cannot be recovered [y/N]")
            && shown.contains("prune cancelled: nothing was changed"),
        "{shown}"
    );
    assert_eq!(snapshots(&env).await, before, "nothing changed");
    // "y": deleted.
    let out = on_terminal(&env, &["prune", "app/orders", "--keep", "1"], "y\n").await;
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains("2 savepoint(s) of app/orders deleted"),
        "{}",
        out.stdout
    );
    assert_eq!(snapshot_names(&env).await, ["orders-sp-3", "orders-sp-4"]);
}
