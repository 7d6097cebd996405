//! `kubectl savepoint schedule` through the real kubectl against the sandbox API server.

mod lifecycle_support;

use flink_sandbox::Fault;
use lifecycle_support::*;
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn schedule_sets_interval_and_retention_in_nested_spelling_and_touches_nothing_else() {
    let sb = sandbox().await;
    put(
        &sb,
        app(
            "orders",
            json!({"state": {"savepoints.dir": "s3://b/sp"},
                   "kubernetes": {"operator": {"periodic": {"savepoint": {"interval": "1h"}}}},
                   "taskmanager.numberOfTaskSlots": "2"}),
        ),
    );
    let before = get(&sb, "flinkdeployments", "orders");
    let out = savepoint(
        &sb,
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
    let after = get(&sb, "flinkdeployments", "orders");
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
    let patches: Vec<_> = sb
        .requests()
        .into_iter()
        .filter(|r| r.verb.as_deref() == Some("patch"))
        .collect();
    assert_eq!(patches.len(), 1);
    assert!(
        patches[0]
            .content_type
            .as_deref()
            .unwrap_or_default()
            .starts_with("application/merge-patch+json"),
        "{patches:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_interval_is_refused_with_exit_2_before_anything_is_sent() {
    let sb = sandbox().await;
    put(
        &sb,
        app("orders", json!({"state.savepoints.dir": "s3://b/sp"})),
    );
    sb.clear_requests();
    let out = savepoint(
        &sb,
        &["schedule", "app/orders", "--interval", "every 5 minutes"],
    )
    .await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("\"every 5 minutes\""), "{}", out.stderr);
    assert!(out.stderr.contains("cron"), "{}", out.stderr);
    assert!(
        sb.requests().is_empty(),
        "nothing may be sent: {:?}",
        sb.requests()
    );
    let out = savepoint(&sb, &["schedule", "app/orders", "--max-count", "0"]).await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("at least 1"), "{}", out.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn session_job_gets_no_savepoint_dir_and_show_reports_sources() {
    let sb = sandbox().await;
    put(
        &sb,
        session(
            "shared",
            json!({"state.savepoints.dir": "s3://b/sp", "kubernetes.operator.periodic.savepoint.interval": "2h"}),
        ),
    );
    put(
        &sb,
        session_job(
            "clicks",
            "shared",
            Some(json!({"kubernetes.operator.savepoint.history.max.count": "3"})),
        ),
    );
    let rv_before = rv(&sb, "flinksessionjobs", "clicks");
    let out = savepoint(
        &sb,
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
    assert_eq!(rv(&sb, "flinksessionjobs", "clicks"), rv_before);

    let out = savepoint(&sb, &["schedule", "job/clicks"]).await;
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

    let out = savepoint(&sb, &["schedule", "job/clicks", "-o", "json"]).await;
    let doc: serde_json::Value = serde_json::from_str(out.ok()).unwrap();
    assert_eq!(doc["settings"]["savepointDir"]["source"], "session-cluster");
    assert_eq!(doc["settings"]["interval"]["source"], "session-cluster");

    let out = savepoint(&sb, &["schedule", "job/clicks", "--disable"]).await;
    out.ok();
    let job = get(&sb, "flinksessionjobs", "clicks");
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

#[tokio::test(flavor = "multi_thread")]
async fn dry_run_changes_nothing_and_conflicts_are_retried() {
    let sb = sandbox().await;
    put(
        &sb,
        app("orders", json!({"state.savepoints.dir": "s3://b/sp"})),
    );
    let before = rv(&sb, "flinkdeployments", "orders");
    for mode in ["--dry-run", "--dry-run=server"] {
        let out = savepoint(&sb, &["schedule", "app/orders", "--interval", "6h", mode]).await;
        assert!(out.ok().contains("dry run"), "{}", out.stdout);
    }
    let out = savepoint(
        &sb,
        &["schedule", "app/orders", "--interval", "6h", "--dry-run"],
    )
    .await;
    assert!(
        out.ok()
            .contains("\"kubernetes.operator.periodic.savepoint.interval\": \"6h\""),
        "{}",
        out.stdout
    );
    assert_eq!(rv(&sb, "flinkdeployments", "orders"), before);

    sb.inject(Fault::ConflictOnNextWrite {
        resource: "flinkdeployments".into(),
        name: "orders".into(),
        times: 2,
    });
    let out = savepoint(
        &sb,
        &["schedule", "app/orders", "--interval", "0 0 */6 * * ?"],
    )
    .await;
    out.ok();
    let conf = &get(&sb, "flinkdeployments", "orders")["spec"]["flinkConfiguration"];
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

#[tokio::test(flavor = "multi_thread")]
async fn enabling_without_savepoint_dir_is_refused_unless_given() {
    let sb = sandbox().await;
    put(&sb, app("bare", json!({})));
    let out = savepoint(&sb, &["schedule", "app/bare", "--interval", "6h"]).await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("state.savepoints.dir"),
        "{}",
        out.stderr
    );
    let out = savepoint(
        &sb,
        &[
            "schedule",
            "app/bare",
            "--interval",
            "6h",
            "--savepoint-dir",
            "s3://b/sp",
        ],
    )
    .await;
    assert!(out.ok().contains("spec change"), "{}", out.stdout);
    let conf = &get(&sb, "flinkdeployments", "bare")["spec"]["flinkConfiguration"];
    assert_eq!(conf["execution.checkpointing.savepoint-dir"], "s3://b/sp");
}
