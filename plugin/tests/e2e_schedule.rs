//! `kubectl savepoint schedule` through the real kubectl, on the sandbox and on the real kube-apiserver
//! (`sandbox::…` / `real::…`). Request-log assertions hold on the sandbox only; fault injection is a
//! sandbox-only test.

mod common;
mod lifecycle_support;

use flink_sandbox::Fault;
use flink_testenv::on_both_backends;
use lifecycle_support::api::*;
use lifecycle_support::{app, session, session_job};
use serde_json::json;

on_both_backends!(
    schedule_sets_interval_and_retention_in_nested_spelling_and_touches_nothing_else,
    bad_interval_is_refused_with_exit_2_before_anything_is_sent,
    session_job_gets_no_savepoint_dir_and_show_reports_sources,
    dry_run_changes_nothing,
    enabling_without_savepoint_dir_is_refused_unless_given,
    a_schedule_already_in_place_changes_nothing,
);

async fn a_schedule_already_in_place_changes_nothing(env: Env) {
    put(
        &env,
        app("orders", json!({"state.savepoints.dir": "s3://b/sp"})),
    )
    .await;
    let args = ["schedule", "app/orders", "--interval", "6h"];
    savepoint(&env, &args).await.ok();
    let before = get(&env, "flinkdeployments", "orders").await;
    savepoint(&env, &args).await.ok();
    assert_eq!(get(&env, "flinkdeployments", "orders").await, before);
}

async fn schedule_sets_interval_and_retention_in_nested_spelling_and_touches_nothing_else(
    env: Env,
) {
    put(
        &env,
        app(
            "orders",
            json!({"state": {"savepoints.dir": "s3://b/sp"},
                   "kubernetes": {"operator": {"periodic": {"savepoint": {"interval": "1h"}}}},
                   "taskmanager.numberOfTaskSlots": "2"}),
        ),
    )
    .await;
    let before = get(&env, "flinkdeployments", "orders").await;
    clear_log(&env);
    let out = savepoint(
        &env,
        &[
            "schedule",
            "app/orders",
            "--interval",
            "6h",
            "--max-age",
            "72 h",
            "--max-count",
            "5",
        ],
    )
    .await;
    assert!(out.ok().contains("schedule updated"), "{}", out.stdout);
    let after = get(&env, "flinkdeployments", "orders").await;
    let conf = &after["spec"]["flinkConfiguration"];
    assert_eq!(
        conf["kubernetes"]["operator"]["periodic"]["savepoint"]["interval"],
        "6h"
    );
    assert!(
        conf.get("kubernetes.operator.periodic.savepoint.interval")
            .is_none()
    );
    assert_eq!(
        conf["kubernetes.operator.savepoint.history.max.age"],
        "72 h"
    );
    assert_eq!(conf["kubernetes.operator.savepoint.history.max.count"], "5");
    assert_eq!(conf["state"], before["spec"]["flinkConfiguration"]["state"]);
    assert_eq!(conf["taskmanager.numberOfTaskSlots"], "2");
    assert_eq!(after["spec"]["job"], before["spec"]["job"]);
    // Request log: sandbox only.
    if let Some(sb) = env.sandbox_ref() {
        let patches: Vec<_> = sb
            .requests()
            .into_iter()
            .filter(|r| r.verb.as_deref() == Some("patch"))
            .collect();
        assert_eq!(patches.len(), 1, "{patches:?}");
        assert!(
            patches[0]
                .content_type
                .as_deref()
                .unwrap_or_default()
                .starts_with("application/merge-patch+json"),
            "{patches:?}"
        );
    }
}

async fn bad_interval_is_refused_with_exit_2_before_anything_is_sent(env: Env) {
    put(
        &env,
        app("orders", json!({"state.savepoints.dir": "s3://b/sp"})),
    )
    .await;
    let before = rv(&env, "flinkdeployments", "orders").await;
    clear_log(&env);
    let out = savepoint(
        &env,
        &["schedule", "app/orders", "--interval", "every 5 minutes"],
    )
    .await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("\"every 5 minutes\""), "{}", out.stderr);
    assert!(out.stderr.contains("cron"), "{}", out.stderr);
    if let Some(sb) = env.sandbox_ref() {
        assert!(
            sb.requests().is_empty(),
            "nothing may be sent: {:?}",
            sb.requests()
        );
    }
    let out = savepoint(&env, &["schedule", "app/orders", "--max-count", "0"]).await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("at least 1"), "{}", out.stderr);
    assert_eq!(rv(&env, "flinkdeployments", "orders").await, before);
}

async fn session_job_gets_no_savepoint_dir_and_show_reports_sources(env: Env) {
    put(
        &env,
        session(
            "shared",
            json!({"state.savepoints.dir": "s3://b/sp", "kubernetes.operator.periodic.savepoint.interval": "2h"}),
        ),
    )
    .await;
    put(
        &env,
        session_job(
            "clicks",
            "shared",
            Some(json!({"kubernetes.operator.savepoint.history.max.count": "3"})),
        ),
    )
    .await;
    let rv_before = rv(&env, "flinksessionjobs", "clicks").await;
    let out = savepoint(
        &env,
        &[
            "schedule",
            "job/clicks",
            "--interval",
            "6h",
            "--savepoint-dir",
            "s3://x",
        ],
    )
    .await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("session/shared"), "{}", out.stderr);
    assert_eq!(rv(&env, "flinksessionjobs", "clicks").await, rv_before);

    let out = savepoint(&env, &["schedule", "job/clicks"]).await;
    let text = out.ok();
    assert!(
        text.contains("every 2 h") && text.contains("from session cluster"),
        "{text}"
    );
    assert!(
        text.contains("keep at most 3") && text.contains("from resource"),
        "{text}"
    );
    assert!(
        text.contains("24 h") && text.contains("from operator default"),
        "{text}"
    );

    let out = savepoint(&env, &["schedule", "job/clicks", "-o", "json"]).await;
    let doc: serde_json::Value = serde_json::from_str(out.ok()).unwrap();
    assert_eq!(doc["settings"]["savepointDir"]["source"], "session-cluster");
    assert_eq!(doc["settings"]["interval"]["source"], "session-cluster");

    let out = savepoint(&env, &["schedule", "job/clicks", "--disable"]).await;
    out.ok();
    let job = get(&env, "flinksessionjobs", "clicks").await;
    assert_eq!(
        job["spec"]["flinkConfiguration"]["kubernetes.operator.periodic.savepoint.interval"],
        "0"
    );
    assert!(
        job["spec"]["flinkConfiguration"]
            .as_object()
            .unwrap()
            .keys()
            .all(|k| !k.contains("savepoints.dir"))
    );
}

async fn dry_run_changes_nothing(env: Env) {
    put(
        &env,
        app("orders", json!({"state.savepoints.dir": "s3://b/sp"})),
    )
    .await;
    let before = rv(&env, "flinkdeployments", "orders").await;
    for mode in ["--dry-run", "--dry-run=server"] {
        let out = savepoint(&env, &["schedule", "app/orders", "--interval", "6h", mode]).await;
        assert!(out.ok().contains("dry run"), "{}", out.stdout);
    }
    let out = savepoint(
        &env,
        &["schedule", "app/orders", "--interval", "6h", "--dry-run"],
    )
    .await;
    assert!(
        out.ok()
            .contains("\"kubernetes.operator.periodic.savepoint.interval\": \"6h\""),
        "{}",
        out.stdout
    );
    assert_eq!(rv(&env, "flinkdeployments", "orders").await, before);
}

/// Sandbox only: needs fault injection (409 on the next two writes).
#[tokio::test(flavor = "multi_thread")]
async fn sandbox_only_conflicts_are_retried() {
    let env = Env::sandbox().await;
    let sb = env.sandbox_ref().unwrap();
    put(
        &env,
        app("orders", json!({"state.savepoints.dir": "s3://b/sp"})),
    )
    .await;
    clear_log(&env);
    sb.inject(Fault::ConflictOnNextWrite {
        resource: "flinkdeployments".into(),
        name: "orders".into(),
        times: 2,
    });
    let out = savepoint(
        &env,
        &["schedule", "app/orders", "--interval", "0 0 */6 * * ?"],
    )
    .await;
    out.ok();
    let conf = &get(&env, "flinkdeployments", "orders").await["spec"]["flinkConfiguration"];
    assert_eq!(
        conf["kubernetes.operator.periodic.savepoint.interval"],
        "0 0 */6 * * ?"
    );
    let patches = sb
        .requests()
        .iter()
        .filter(|r| r.verb.as_deref() == Some("patch"))
        .count();
    assert!(patches >= 3, "two conflicts then success: {patches}");
}

async fn enabling_without_savepoint_dir_is_refused_unless_given(env: Env) {
    put(&env, app("bare", json!({}))).await;
    let out = savepoint(&env, &["schedule", "app/bare", "--interval", "6h"]).await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("state.savepoints.dir"),
        "{}",
        out.stderr
    );
    let out = savepoint(
        &env,
        &[
            "schedule",
            "app/bare",
            "--interval",
            "6h",
            "--savepoint-dir",
            "s3://b/sp",
            "--yes",
        ],
    )
    .await;
    assert!(out.ok().contains("spec change"), "{}", out.stdout);
    let conf = &get(&env, "flinkdeployments", "bare").await["spec"]["flinkConfiguration"];
    assert_eq!(conf["execution.checkpointing.savepoint-dir"], "s3://b/sp");
}
