use super::*;
use crate::config::FlatConfig;
use crate::crd::{JobKind, TargetRef};

const HOUR: i64 = 3_600_000;
const NOW: i64 = 100 * HOUR;

fn now() -> Timestamp {
    crate::time::from_epoch_ms(NOW).unwrap()
}

fn entry(
    id: &str,
    source: EntrySource,
    trigger: SnapshotTriggerType,
    state: EntryState,
    ms: i64,
) -> SavepointEntry {
    let target = TargetRef::new(JobKind::FlinkDeployment, Some("flink".into()), "orders");
    let mut e = SavepointEntry::new(target, id, source, trigger, state);
    e.triggered = crate::time::from_epoch_ms(ms);
    if state == EntryState::Completed {
        e.location = Some(format!("s3://b/sp/{id}"));
    }
    e
}

fn periodic_ok(ms: i64) -> SavepointEntry {
    entry(
        "p",
        EntrySource::Snapshot,
        SnapshotTriggerType::Periodic,
        EntryState::Completed,
        ms,
    )
}

fn conf(pairs: &[(&str, &str)]) -> FlatConfig {
    pairs.iter().copied().collect()
}

fn healthy_conf() -> FlatConfig {
    conf(&[
        ("execution.checkpointing.savepoint-dir", "s3://b/sp"),
        ("kubernetes.operator.periodic.savepoint.interval", "6h"),
    ])
}

fn status(conf: &FlatConfig, history: &[SavepointEntry], rest: RestFacts) -> JobRecoverability {
    status_with(conf, history, rest, Some(FlinkJobState::Running))
}

fn status_with(
    conf: &FlatConfig,
    history: &[SavepointEntry],
    rest: RestFacts,
    state: Option<FlinkJobState>,
) -> JobRecoverability {
    job_status(StatusFacts {
        target: "app/orders".into(),
        namespace: "flink".into(),
        job_state: state,
        layers: Layered::standalone(conf),
        history,
        last_periodic_ms: None,
        job_started: None,
        rest,
        now: now(),
    })
}

fn checkpoint() -> RestFacts {
    RestFacts::Answered(Some(CheckpointBrief {
        id: 9,
        completed: crate::time::from_epoch_ms(NOW - 60_000),
        age_seconds: Some(60),
        size_bytes: Some(2048),
        duration_ms: Some(30),
        external_path: None,
    }))
}

#[test]
fn a_running_job_with_a_fresh_savepoint_and_reachable_rest_is_ok() {
    let c = healthy_conf();
    let history = [periodic_ok(NOW - 2 * HOUR)];
    let s = status(&c, &history, checkpoint());
    assert_eq!(s.verdict, Verdict::Ok, "{:?}", s.reasons);
    assert!(s.reasons.is_empty());
    assert_eq!(
        s.newest_savepoint.as_ref().unwrap().age_seconds,
        Some(7_200)
    );
    assert_eq!(s.last_checkpoint.as_ref().unwrap().id, 9);
    // next periodic: 6 h after the last periodic trigger
    assert_eq!(s.periodic.due_in_seconds, Some(4 * 3_600));
    assert_eq!(s.retention.max_count.value.as_deref(), Some("10"));
}

#[test]
fn a_job_that_is_not_running_is_critical() {
    let c = healthy_conf();
    let history = [periodic_ok(NOW - HOUR)];
    let s = status_with(&c, &history, checkpoint(), Some(FlinkJobState::Failed));
    assert_eq!(s.verdict, Verdict::Critical);
    assert_eq!(
        s.reasons,
        [Reason::JobNotRunning {
            state: "FAILED".into()
        }]
    );
    let unknown = status_with(&c, &history, checkpoint(), None);
    assert_eq!(
        unknown.reasons,
        [Reason::JobNotRunning {
            state: "unknown".into()
        }]
    );
}

#[test]
fn no_completed_savepoint_is_critical() {
    let c = healthy_conf();
    let s = status(&c, &[], checkpoint());
    assert_eq!(s.verdict, Verdict::Critical);
    assert_eq!(s.reasons, [Reason::NoCompletedSavepoint]);
    assert!(s.newest_savepoint.is_none());
}

#[test]
fn a_savepoint_older_than_two_intervals_is_a_warning_and_one_interval_is_not() {
    let c = healthy_conf();
    let fresh = status(&c, &[periodic_ok(NOW - 11 * HOUR)], checkpoint());
    assert_eq!(fresh.verdict, Verdict::Ok, "{:?}", fresh.reasons);
    let old = status(&c, &[periodic_ok(NOW - 13 * HOUR)], checkpoint());
    assert_eq!(old.verdict, Verdict::Warning);
    assert_eq!(
        old.reasons,
        [Reason::SavepointTooOld {
            age_seconds: 13 * 3_600,
            limit_seconds: 12 * 3_600
        }]
    );
    assert!(old.periodic.due_in_seconds.unwrap() < 0, "overdue");
    // without a periodic schedule, age alone is no reason
    let manual_only = conf(&[("execution.checkpointing.savepoint-dir", "s3://b/sp")]);
    let s = status(&manual_only, &[periodic_ok(NOW - 90 * HOUR)], checkpoint());
    assert_eq!(s.verdict, Verdict::Ok, "{:?}", s.reasons);
}

#[test]
fn a_cron_schedule_uses_its_own_trigger_times() {
    // every hour on the hour: a savepoint at 97:00 is past 99:00 at 100:00
    let c = conf(&[
        ("execution.checkpointing.savepoint-dir", "s3://b/sp"),
        (
            "kubernetes.operator.periodic.savepoint.interval",
            "0 0 * * * ?",
        ),
    ]);
    let s = status(&c, &[periodic_ok(NOW - 3 * HOUR)], checkpoint());
    assert!(
        matches!(s.reasons.as_slice(), [Reason::SavepointTooOld { .. }]),
        "{:?}",
        s.reasons
    );
    let s = status(&c, &[periodic_ok(NOW - HOUR / 2)], checkpoint());
    assert!(s.reasons.is_empty(), "{:?}", s.reasons);
}

#[test]
fn periodic_savepoints_without_a_directory_are_a_warning() {
    let c = conf(&[("kubernetes.operator.periodic.savepoint.interval", "1h")]);
    let history = [periodic_ok(NOW - HOUR / 2)];
    let s = status(&c, &history, checkpoint());
    assert_eq!(s.verdict, Verdict::Warning);
    assert_eq!(s.reasons, [Reason::PeriodicWithoutDirectory]);
}

#[test]
fn an_invalid_interval_is_a_warning() {
    let c = conf(&[
        ("execution.checkpointing.savepoint-dir", "s3://b/sp"),
        (
            "kubernetes.operator.periodic.savepoint.interval",
            "every tuesday",
        ),
    ]);
    let s = status(&c, &[periodic_ok(NOW - HOUR)], checkpoint());
    assert_eq!(
        s.reasons,
        [Reason::InvalidInterval {
            value: "every tuesday".into()
        }]
    );
}

#[test]
fn recent_failures_are_a_warning_and_old_ones_are_not() {
    let c = healthy_conf();
    let failed = |id: &str, ms: i64| {
        entry(
            id,
            EntrySource::Snapshot,
            SnapshotTriggerType::Manual,
            EntryState::Failed,
            ms,
        )
    };
    let abandoned = entry(
        "a",
        EntrySource::Snapshot,
        SnapshotTriggerType::Periodic,
        EntryState::Abandoned,
        NOW - 3 * HOUR,
    );
    let history = [
        failed("f1", NOW - HOUR),
        periodic_ok(NOW - 2 * HOUR),
        abandoned,
        failed("old", NOW - 30 * HOUR),
    ];
    let s = status(&c, &history, checkpoint());
    assert_eq!(s.verdict, Verdict::Warning);
    assert_eq!(s.reasons, [Reason::RecentFailures { count: 2 }]);
    assert_eq!(s.recent_failures.len(), 2);
    // MANUAL snapshots are counted as kept forever, whatever their state
    assert_eq!(s.manual_snapshots_kept, 2);
}

#[test]
fn an_unreachable_jobmanager_is_a_warning_and_not_asking_is_not() {
    let c = healthy_conf();
    let history = [periodic_ok(NOW - HOUR)];
    let s = status(
        &c,
        &history,
        RestFacts::Unreachable("forbidden (needs get on services/proxy)".into()),
    );
    assert_eq!(s.verdict, Verdict::Warning);
    assert_eq!(
        s.reasons,
        [Reason::RestUnreachable {
            cause: "forbidden (needs get on services/proxy)".into()
        }]
    );
    assert!(s.reasons[0].text().contains("services/proxy"));
    let s = status(&c, &history, RestFacts::NotAsked);
    assert_eq!(s.verdict, Verdict::Ok);
}

#[test]
fn the_worst_reason_decides_and_all_are_listed() {
    let c = conf(&[("kubernetes.operator.periodic.savepoint.interval", "1h")]);
    let s = status_with(
        &c,
        &[],
        RestFacts::Unreachable("x".into()),
        Some(FlinkJobState::Suspended),
    );
    assert_eq!(s.verdict, Verdict::Critical);
    assert_eq!(s.reasons.len(), 4, "{:?}", s.reasons);
}

#[test]
fn the_last_periodic_trigger_comes_from_the_status_when_it_is_later() {
    let c = healthy_conf();
    let history = [periodic_ok(NOW - 5 * HOUR)];
    let s = job_status(StatusFacts {
        target: "app/orders".into(),
        namespace: "flink".into(),
        job_state: Some(FlinkJobState::Running),
        layers: Layered::standalone(&c),
        history: &history,
        last_periodic_ms: Some(NOW - HOUR),
        job_started: None,
        rest: RestFacts::NotAsked,
        now: now(),
    });
    assert_eq!(s.periodic.due_in_seconds, Some(5 * 3_600));
}

#[test]
fn before_the_first_periodic_savepoint_the_schedule_counts_from_the_job_start() {
    let c = healthy_conf();
    let manual = entry(
        "m",
        EntrySource::Snapshot,
        SnapshotTriggerType::Manual,
        EntryState::Completed,
        NOW - HOUR,
    );
    let s = job_status(StatusFacts {
        target: "app/orders".into(),
        namespace: "flink".into(),
        job_state: Some(FlinkJobState::Running),
        layers: Layered::standalone(&c),
        history: std::slice::from_ref(&manual),
        last_periodic_ms: Some(0),
        job_started: crate::time::from_epoch_ms(NOW - 2 * HOUR),
        rest: RestFacts::NotAsked,
        now: now(),
    });
    assert_eq!(s.periodic.last_triggered, None);
    assert_eq!(s.periodic.due_in_seconds, Some(4 * 3_600));
}

#[test]
fn json_names_the_verdict_and_tags_reasons() {
    let c = healthy_conf();
    let s = status(&c, &[], RestFacts::NotAsked);
    let v = serde_json::to_value(&s).unwrap();
    assert_eq!(v["verdict"], "CRITICAL");
    assert_eq!(v["reasons"][0]["reason"], "noCompletedSavepoint");
    assert_eq!(
        v["retention"]["maxAge"]["option"],
        "kubernetes.operator.savepoint.history.max.age"
    );
}
