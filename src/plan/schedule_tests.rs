use serde_json::json;

use super::*;

fn map(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(m) => m,
        _ => panic!("not an object"),
    }
}

fn req(interval: Option<&str>, age: Option<&str>, count: Option<&str>) -> ScheduleRequest {
    ScheduleRequest {
        interval: interval.map(str::to_owned),
        max_age: age.map(str::to_owned),
        max_count: count.map(str::to_owned),
        ..ScheduleRequest::default()
    }
}

fn app_conf() -> Map<String, Value> {
    map(json!({
        "taskmanager.numberOfTaskSlots": "2",
        "state.savepoints.dir": "s3://b/sp",
    }))
}

#[test]
fn bad_interval_is_refused_quoting_the_value_and_accepted_forms() {
    let err = plan_schedule(
        Kind::Application,
        Some(&app_conf()),
        None,
        "",
        &req(Some("every 5 minutes"), None, None),
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("\"every 5 minutes\""), "{text}");
    assert!(text.contains("6h") && text.contains("cron"), "{text}");
}

#[test]
fn zero_interval_max_count_and_max_age_are_refused() {
    let conf = app_conf();
    let plan = |r| plan_schedule(Kind::Application, Some(&conf), None, "", &r);
    assert!(matches!(
        plan(req(Some("0"), None, None)),
        Err(ScheduleError::IntervalDisables(_))
    ));
    assert!(matches!(
        plan(req(None, None, Some("0"))),
        Err(ScheduleError::MaxCountTooSmall(_))
    ));
    assert!(matches!(
        plan(req(None, None, Some("2.5"))),
        Err(ScheduleError::MaxCount(_))
    ));
    assert!(matches!(
        plan(req(None, Some("0 s"), None)),
        Err(ScheduleError::MaxAgeZero(_))
    ));
    assert!(matches!(
        plan(req(None, Some("1h30m"), None)),
        Err(ScheduleError::MaxAge(_))
    ));
}

#[test]
fn flat_configuration_gets_flat_keys_and_nothing_else_changes() {
    let conf = app_conf();
    let plan = plan_schedule(
        Kind::Application,
        Some(&conf),
        None,
        "",
        &req(Some("6h"), Some("72 h"), Some("5")),
    )
    .unwrap();
    assert_eq!(plan.changes.len(), 3);
    assert_eq!(
        Value::Object(plan.conf.clone()),
        json!({
            "taskmanager.numberOfTaskSlots": "2",
            "state.savepoints.dir": "s3://b/sp",
            "kubernetes.operator.periodic.savepoint.interval": "6h",
            "kubernetes.operator.savepoint.history.max.age": "72 h",
            "kubernetes.operator.savepoint.history.max.count": "5",
        })
    );
    let patch = plan.merge_patch("7");
    assert_eq!(patch["metadata"]["resourceVersion"], "7");
    assert_eq!(
        patch["spec"]["flinkConfiguration"],
        json!({
            "kubernetes.operator.periodic.savepoint.interval": "6h",
            "kubernetes.operator.savepoint.history.max.age": "72 h",
            "kubernetes.operator.savepoint.history.max.count": "5",
        })
    );
}

#[test]
fn nested_spelling_is_kept_when_rewriting_an_existing_value() {
    let conf = map(json!({
        "state": {"savepoints.dir": "s3://b/sp"},
        "kubernetes": {"operator": {"periodic": {"savepoint": {"interval": "1h"}}}},
    }));
    let plan = plan_schedule(
        Kind::Application,
        Some(&conf),
        None,
        "",
        &req(Some("0 0 */6 * * ?"), None, None),
    )
    .unwrap();
    assert_eq!(
        plan.changes[0].path,
        [
            "kubernetes",
            "operator",
            "periodic",
            "savepoint",
            "interval"
        ]
    );
    assert_eq!(plan.changes[0].previous, Some(json!("1h")));
    let patch = plan.merge_patch("1");
    assert_eq!(
        patch["spec"]["flinkConfiguration"],
        json!({"kubernetes": {"operator": {"periodic": {"savepoint": {"interval": "0 0 */6 * * ?"}}}}})
    );
}

#[test]
fn unchanged_values_produce_an_empty_plan() {
    let mut conf = app_conf();
    conf.insert(
        "kubernetes.operator.savepoint.history.max.count".into(),
        json!("5"),
    );
    let plan = plan_schedule(
        Kind::Application,
        Some(&conf),
        None,
        "",
        &req(None, None, Some("5")),
    )
    .unwrap();
    assert!(plan.is_noop());
}

#[test]
fn session_job_never_gets_a_savepoint_directory() {
    let cluster: FlatConfig = [("state.savepoints.dir", "s3://b/sp")]
        .into_iter()
        .collect();
    let request = ScheduleRequest {
        savepoint_dir: Some("s3://other".into()),
        ..req(Some("6h"), None, None)
    };
    let err =
        plan_schedule(Kind::SessionJob, None, Some(&cluster), "shared", &request).unwrap_err();
    assert!(matches!(err, ScheduleError::SessionJobSavepointDir { .. }));
    assert!(err.to_string().contains("session/shared"), "{err}");
    // Without --savepoint-dir the interval is written to the job, the directory is inherited.
    let plan = plan_schedule(
        Kind::SessionJob,
        None,
        Some(&cluster),
        "shared",
        &req(Some("6h"), None, None),
    )
    .unwrap();
    assert_eq!(plan.changes.len(), 1);
    assert!(plan.changes.iter().all(|c| c.option != SAVEPOINT_DIR.key));
}

#[test]
fn enabling_without_any_savepoint_dir_is_refused_and_names_the_keys() {
    let cluster = FlatConfig::new();
    let err = plan_schedule(
        Kind::SessionJob,
        None,
        Some(&cluster),
        "shared",
        &req(Some("6h"), None, None),
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("state.savepoints.dir"), "{text}");
    assert!(
        text.contains("execution.checkpointing.savepoint-dir"),
        "{text}"
    );
    assert!(text.contains("session cluster \"shared\""), "{text}");
    // An application may add its own directory in the same call.
    let request = ScheduleRequest {
        savepoint_dir: Some("s3://b/sp".into()),
        ..req(Some("6h"), None, None)
    };
    let plan = plan_schedule(Kind::Application, None, None, "", &request).unwrap();
    assert_eq!(
        plan.conf["execution.checkpointing.savepoint-dir"],
        json!("s3://b/sp")
    );
}

#[test]
fn disable_sets_zero_removes_or_does_nothing() {
    let disable = ScheduleRequest {
        disable: true,
        ..ScheduleRequest::default()
    };
    // Enabled on the resource with a directory: explicit 0 in the same spelling.
    let mut conf = app_conf();
    conf.insert(
        "kubernetes.operator.periodic.savepoint.interval".into(),
        json!("6h"),
    );
    let plan = plan_schedule(Kind::Application, Some(&conf), None, "", &disable).unwrap();
    assert_eq!(plan.changes[0].value.as_deref(), Some("0"));
    // Inherited from the session cluster: explicit 0 on the job.
    let cluster: FlatConfig = [
        ("state.savepoints.dir", "s3://b/sp"),
        ("kubernetes.operator.periodic.savepoint.interval", "1h"),
    ]
    .into_iter()
    .collect();
    let plan = plan_schedule(Kind::SessionJob, None, Some(&cluster), "s", &disable).unwrap();
    assert_eq!(
        plan.conf["kubernetes.operator.periodic.savepoint.interval"],
        json!("0")
    );
    // Set without any directory: removed (the key's presence alone requires a directory).
    let conf = map(json!({"kubernetes.operator.periodic.savepoint.interval": "6h", "a": "b"}));
    let plan = plan_schedule(Kind::Application, Some(&conf), None, "", &disable).unwrap();
    assert_eq!(Value::Object(plan.conf.clone()), json!({"a": "b"}));
    assert_eq!(
        plan.merge_patch("1")["spec"]["flinkConfiguration"],
        json!({"kubernetes.operator.periodic.savepoint.interval": null})
    );
    // Already off: nothing to do.
    let plan = plan_schedule(Kind::Application, Some(&app_conf()), None, "", &disable).unwrap();
    assert!(plan.is_noop());
}
