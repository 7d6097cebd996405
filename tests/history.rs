//! The unified savepoint history: each source alone, mixed, duplicates, ordering, filtering.

use std::path::PathBuf;

use flink_savepoint::crd::{
    FlinkDeployment, FlinkSessionJob, FlinkStateSnapshot, JobKind, LAST_STATE_SENTINEL,
    SavepointFormatType, SnapshotState, SnapshotTriggerType, TargetRef,
};
use flink_savepoint::history::{
    EntrySource, EntryState, SavepointEntry, find_nonce_snapshot, latest_completed,
    savepoint_history,
};
use flink_savepoint::testing::{
    application, legacy_savepoint, reconciled, savepoint_snapshot, session_job, with_status,
};
use flink_savepoint::time::{from_epoch_ms, parse_timestamp_str};
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::{Value, json};

const NS: &str = "flink";

fn fixture_docs(name: &str) -> Vec<Value> {
    let path = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/models"
    ))
    .join(name);
    let text = std::fs::read_to_string(&path).expect("fixture");
    serde_yaml_ng::Deserializer::from_str(&text)
        .map(|d| Value::deserialize(d).expect("yaml"))
        .collect()
}

fn fixture_snapshots() -> Vec<FlinkStateSnapshot> {
    fixture_docs("snapshots.yaml")
        .into_iter()
        .map(|v| serde_json::from_value(v).expect("snapshot"))
        .collect()
}

fn ts(iso: &str) -> Timestamp {
    parse_timestamp_str(iso).expect("valid timestamp")
}

fn ms(epoch_ms: i64) -> Timestamp {
    from_epoch_ms(epoch_ms).expect("in range")
}

fn ids(entries: &[SavepointEntry]) -> Vec<&str> {
    entries.iter().map(|e| e.id.as_str()).collect()
}

fn orders_ref() -> TargetRef {
    TargetRef::new(JobKind::FlinkDeployment, Some(NS.into()), "orders-app")
}

fn set_reconciled(d: &mut FlinkDeployment, nonce: Option<i64>) {
    d.status.as_mut().expect("status").reconciliation_status = Some(reconciled(nonce));
}

fn savepoint_info(d: &mut FlinkDeployment) -> &mut flink_savepoint::crd::SavepointInfo {
    d.status
        .as_mut()
        .and_then(|s| s.job_status.as_mut())
        .and_then(|j| j.savepoint_info.as_mut())
        .expect("savepointInfo")
}

fn completed(
    name: &str,
    triggered: &str,
    result: &str,
    path: &str,
    trigger: SnapshotTriggerType,
) -> FlinkStateSnapshot {
    with_status(
        savepoint_snapshot(name, &orders_ref()),
        SnapshotState::Completed,
        trigger,
        Some(triggered),
        Some(result),
        Some(path),
    )
}

// === requested nonce ===

#[test]
fn spec_nonce_differing_from_the_reconciled_one_is_a_requested_entry() {
    let mut d = application(NS, "orders-app", Some(5));
    set_reconciled(&mut d, Some(4));
    let entries = savepoint_history(&d, &[]);
    assert_eq!(entries.len(), 1);
    let e = &entries[0];
    assert_eq!(
        (e.source, e.state),
        (EntrySource::Requested, EntryState::Requested)
    );
    assert_eq!(e.id, "nonce-5");
    assert_eq!(e.nonce, Some(5));
    assert_eq!(e.trigger_type, SnapshotTriggerType::Manual);
    assert_eq!(e.target, orders_ref());
    assert_eq!(e.triggered, None);
}

#[test]
fn spec_nonce_equal_to_the_reconciled_one_is_not_requested() {
    let d = application(NS, "orders-app", Some(5));
    assert!(savepoint_history(&d, &[]).is_empty());
}

#[test]
fn nonce_set_while_reconciled_spec_has_none_is_requested() {
    let mut d = application(NS, "orders-app", Some(1));
    set_reconciled(&mut d, None);
    assert_eq!(ids(&savepoint_history(&d, &[])), ["nonce-1"]);
}

#[test]
fn null_spec_nonce_is_never_requested() {
    let mut d = application(NS, "orders-app", None);
    set_reconciled(&mut d, Some(3));
    assert!(savepoint_history(&d, &[]).is_empty());
}

#[test]
fn nonce_present_before_first_reconciliation_is_not_requested() {
    let mut d = application(NS, "orders-app", Some(9));
    d.status.as_mut().expect("status").reconciliation_status = None;
    assert!(
        savepoint_history(&d, &[]).is_empty(),
        "the operator absorbs a nonce present at first deploy"
    );
}

// === legacy pending trigger ===

#[test]
fn legacy_pending_trigger_is_an_in_progress_entry() {
    let mut d = application(NS, "orders-app", Some(1));
    let info = savepoint_info(&mut d);
    info.trigger_id = Some("abc123".into());
    info.trigger_timestamp = Some(1_763_922_000_500);
    info.trigger_type = Some(SnapshotTriggerType::Periodic);
    info.format_type = Some(SavepointFormatType::Native);
    let entries = savepoint_history(&d, &[]);
    assert_eq!(entries.len(), 1);
    let e = &entries[0];
    assert_eq!(
        (e.source, e.state),
        (EntrySource::LegacyPending, EntryState::InProgress)
    );
    assert_eq!(e.id, "pending-abc123");
    assert_eq!(e.trigger_type, SnapshotTriggerType::Periodic);
    assert_eq!(e.triggered, Some(ms(1_763_922_000_500)));
    assert_eq!(e.format, Some(SavepointFormatType::Native));
    assert_eq!(e.nonce, None);
}

#[test]
fn empty_legacy_trigger_id_is_not_pending() {
    let mut d = application(NS, "orders-app", Some(1));
    savepoint_info(&mut d).trigger_id = Some(String::new());
    assert!(savepoint_history(&d, &[]).is_empty());
}

#[test]
fn manual_legacy_trigger_in_flight_absorbs_the_requested_nonce() {
    let v = fixture_docs("clicks-job.yaml").remove(0);
    let job: FlinkSessionJob = serde_json::from_value(v).expect("session job");
    let entries = savepoint_history(&job, &[]);
    assert_eq!(
        ids(&entries),
        ["pending-9a8b7c6d5e4f"],
        "one entry, not a Requested duplicate"
    );
    let e = &entries[0];
    assert_eq!(e.nonce, Some(7));
    assert_eq!(e.trigger_type, SnapshotTriggerType::Manual);
    assert_eq!(e.target.to_string(), "flinksessionjob/clicks-job");
}

#[test]
fn periodic_legacy_trigger_keeps_a_separate_requested_nonce() {
    let mut d = application(NS, "orders-app", Some(8));
    set_reconciled(&mut d, Some(7));
    let info = savepoint_info(&mut d);
    info.trigger_id = Some("t1".into());
    info.trigger_type = Some(SnapshotTriggerType::Periodic);
    info.trigger_timestamp = Some(1_000);
    assert_eq!(ids(&savepoint_history(&d, &[])), ["nonce-8", "pending-t1"]);
}

// === legacy history ===

#[test]
fn legacy_history_and_last_savepoint_are_merged_without_duplicates() {
    let v = fixture_docs("orders-app-legacy.yaml").remove(0);
    let d: FlinkDeployment = serde_json::from_value(v).expect("deployment");
    let entries = savepoint_history(&d, &[]);
    assert_eq!(
        ids(&entries),
        [
            "legacy-1735787045678",
            "legacy-1735780000000",
            "legacy-1735770000000"
        ]
    );
    assert!(
        entries
            .iter()
            .all(|e| e.source == EntrySource::Legacy && e.state == EntryState::Completed)
    );
    assert_eq!(entries[0].nonce, Some(2));
    assert_eq!(entries[0].trigger_type, SnapshotTriggerType::Manual);
    assert_eq!(entries[1].format, Some(SavepointFormatType::Native));
    assert_eq!(
        entries[2].location.as_deref(),
        Some("file:/flink-data/savepoints/orders-app/savepoint-3f2a1b-0a1b2c3d4e5f"),
        "the upgrade savepoint path is already in history, so no separate UpgradePath entry"
    );
    assert_eq!(entries[2].trigger_type, SnapshotTriggerType::Upgrade);
}

#[test]
fn last_savepoint_alone_is_listed_when_history_was_trimmed() {
    let mut d = application(NS, "orders-app", Some(1));
    savepoint_info(&mut d).last_savepoint = Some(legacy_savepoint(
        1_735_787_045_678,
        "file:/sp/savepoint-1",
        SnapshotTriggerType::Periodic,
    ));
    let entries = savepoint_history(&d, &[]);
    assert_eq!(ids(&entries), ["legacy-1735787045678"]);
    assert_eq!(entries[0].triggered, Some(ms(1_735_787_045_678)));
}

#[test]
fn legacy_records_with_the_same_time_but_different_locations_get_distinct_ids() {
    let mut d = application(NS, "orders-app", Some(1));
    savepoint_info(&mut d).savepoint_history = Some(vec![
        legacy_savepoint(1_000, "file:/sp/a", SnapshotTriggerType::Manual),
        legacy_savepoint(1_000, "file:/sp/b", SnapshotTriggerType::Manual),
    ]);
    let entries = savepoint_history(&d, &[]);
    assert_eq!(ids(&entries), ["legacy-1000", "legacy-1000-2"]);
}

// === snapshot objects ===

#[test]
fn snapshot_objects_map_states_trigger_types_and_times() {
    let v = fixture_docs("orders-app-snapshot-mode.yaml").remove(0);
    let d: FlinkDeployment = serde_json::from_value(v).expect("deployment");
    let entries = savepoint_history(&d, &fixture_snapshots());
    assert_eq!(
        ids(&entries),
        [
            "orders-app-savepoint-upgrade-1735791000000",
            "orders-app-savepoint-manual-1735790000000",
            "orders-app-savepoint-periodic-1735787045678",
        ],
        "checkpoints and other jobs' snapshots are excluded; newest first"
    );
    let upgrade = &entries[0];
    assert_eq!(
        (upgrade.source, upgrade.state),
        (EntrySource::Snapshot, EntryState::Completed)
    );
    assert_eq!(upgrade.trigger_type, SnapshotTriggerType::Upgrade);
    assert_eq!(
        upgrade.snapshot_name.as_deref(),
        Some("orders-app-savepoint-upgrade-1735791000000")
    );
    let failed = &entries[1];
    assert_eq!(failed.state, EntryState::Failed);
    assert_eq!(
        failed.error.as_deref(),
        Some("java.util.concurrent.TimeoutException")
    );
    assert_eq!(failed.location, None);
    assert_eq!(failed.completed, Some(ts("2025-01-02T04:00:10Z")));
    assert_eq!(failed.format, Some(SavepointFormatType::Native));
    let periodic = &entries[2];
    assert_eq!(periodic.triggered, Some(ts("2025-01-02T03:04:05.678Z")));
    assert_eq!(periodic.completed, Some(ts("2025-01-02T03:04:19.012Z")));
    assert_eq!(
        periodic.location.as_deref(),
        Some("file:/flink-data/savepoints/orders-app/savepoint-3f2a1b-6c5d4e3f2a1b"),
        "the final location from status.path, not the target directory from the spec"
    );
}

#[test]
fn every_snapshot_state_is_normalized() {
    let target = orders_ref();
    let cases = [
        (SnapshotState::TriggerPending, EntryState::Pending),
        (SnapshotState::InProgress, EntryState::InProgress),
        (SnapshotState::Completed, EntryState::Completed),
        (SnapshotState::Failed, EntryState::Failed),
        (SnapshotState::Abandoned, EntryState::Abandoned),
        (SnapshotState::Unknown("PAUSED".into()), EntryState::Unknown),
    ];
    for (state, expected) in cases {
        let s = with_status(
            savepoint_snapshot("s1", &target),
            state.clone(),
            SnapshotTriggerType::Manual,
            None,
            None,
            None,
        );
        let d = application(NS, "orders-app", None);
        let entries = savepoint_history(&d, &[s]);
        assert_eq!(entries[0].state, expected, "{state}");
    }
    let no_status = savepoint_snapshot("fresh", &target);
    let entries = savepoint_history(&application(NS, "orders-app", None), &[no_status]);
    assert_eq!(
        entries[0].state,
        EntryState::Pending,
        "a snapshot without status is TRIGGER_PENDING"
    );
}

#[test]
fn snapshot_without_labels_is_matched_by_its_job_reference() {
    let s = savepoint_snapshot("orders-app-savepoint-periodic-1735787045678", &orders_ref());
    assert!(s.metadata.labels.is_none());
    let entries = savepoint_history(&application(NS, "orders-app", None), &[s]);
    assert_eq!(entries.len(), 1);
    assert_eq!(
        entries[0].trigger_type,
        SnapshotTriggerType::Periodic,
        "trigger type from the name"
    );
    assert_eq!(entries[0].triggered, None);
}

#[test]
fn unrelated_snapshots_are_filtered_out() {
    let target = orders_ref();
    let other_ns = savepoint_snapshot(
        "other-ns",
        &TargetRef::new(
            JobKind::FlinkDeployment,
            Some("elsewhere".into()),
            "orders-app",
        ),
    );
    let other_kind = savepoint_snapshot(
        "other-kind",
        &TargetRef::new(JobKind::FlinkSessionJob, Some(NS.into()), "orders-app"),
    );
    let other_name = savepoint_snapshot(
        "other-name",
        &TargetRef::new(JobKind::FlinkDeployment, Some(NS.into()), "orders"),
    );
    let mut checkpoint = savepoint_snapshot("checkpoint", &target);
    checkpoint.spec.savepoint = None;
    checkpoint.spec.checkpoint = Some(Default::default());
    let mut no_reference = savepoint_snapshot("no-reference", &target);
    no_reference.spec.job_reference = None;
    let mut label_only = savepoint_snapshot(
        "label-only",
        &other_name.job_reference().expect("reference"),
    );
    label_only.metadata.labels = Some(
        [
            ("job-reference.name".to_owned(), "orders-app".to_owned()),
            (
                "job-reference.kind".to_owned(),
                "FlinkDeployment".to_owned(),
            ),
        ]
        .into(),
    );
    let mine = savepoint_snapshot("mine", &target);
    let snapshots = [
        other_ns,
        other_kind,
        other_name,
        checkpoint,
        no_reference,
        label_only,
        mine,
    ];
    let entries = savepoint_history(&application(NS, "orders-app", None), &snapshots);
    assert_eq!(
        ids(&entries),
        ["mine"],
        "spec.jobReference + namespace decide, labels do not"
    );
}

#[test]
fn session_job_history_uses_snapshots_referencing_the_session_job() {
    let job = session_job(NS, "clicks-job", "shared-session", Some(7));
    let snaps = fixture_snapshots();
    let entries = savepoint_history(&job, &snaps);
    assert_eq!(ids(&entries), ["clicks-job-sp-1735787045678"]);
    assert_eq!(entries[0].state, EntryState::Pending);
    assert_eq!(entries[0].target.kind, JobKind::FlinkSessionJob);
}

// === duplicates between legacy and snapshot sources ===

#[test]
fn legacy_record_and_snapshot_with_the_same_location_are_one_snapshot_entry() {
    let mut d = application(NS, "orders-app", Some(2));
    let mut manual = legacy_savepoint(
        1_735_787_045_678,
        "file:///sp/savepoint-1/",
        SnapshotTriggerType::Manual,
    );
    manual.trigger_nonce = Some(2);
    let info = savepoint_info(&mut d);
    info.last_savepoint = Some(manual.clone());
    info.savepoint_history = Some(vec![manual]);
    let s = completed(
        "orders-app-savepoint-manual-1735787045000",
        "2025-01-02T03:04:05.678Z",
        "2025-01-02T03:04:19Z",
        "file:/sp/savepoint-1",
        SnapshotTriggerType::Manual,
    );
    let entries = savepoint_history(&d, &[s]);
    assert_eq!(ids(&entries), ["orders-app-savepoint-manual-1735787045000"]);
    assert_eq!(entries[0].source, EntrySource::Snapshot);
    assert_eq!(
        entries[0].nonce,
        Some(2),
        "the legacy record's nonce enriches the snapshot entry"
    );
}

#[test]
fn legacy_and_snapshot_with_different_locations_are_both_listed() {
    let mut d = application(NS, "orders-app", None);
    savepoint_info(&mut d).savepoint_history = Some(vec![legacy_savepoint(
        1_735_700_000_000,
        "file:/sp/old",
        SnapshotTriggerType::Periodic,
    )]);
    let s = completed(
        "snap",
        "2025-01-02T03:04:05Z",
        "2025-01-02T03:04:06Z",
        "file:/sp/new",
        SnapshotTriggerType::Manual,
    );
    let entries = savepoint_history(&d, &[s]);
    assert_eq!(ids(&entries), ["snap", "legacy-1735700000000"]);
}

// === upgrade savepoint path ===

fn set_upgrade_path(d: &mut FlinkDeployment, path: &str) {
    d.status
        .as_mut()
        .and_then(|s| s.job_status.as_mut())
        .expect("jobStatus")
        .upgrade_savepoint_path = Some(path.into());
}

#[test]
fn upgrade_savepoint_path_alone_is_an_upgrade_entry() {
    let mut d = application(NS, "orders-app", None);
    set_upgrade_path(&mut d, "file:/sp/savepoint-upgrade");
    let entries = savepoint_history(&d, &[]);
    assert_eq!(ids(&entries), ["upgrade"]);
    let e = &entries[0];
    assert_eq!(
        (e.source, e.state),
        (EntrySource::UpgradePath, EntryState::Completed)
    );
    assert_eq!(e.trigger_type, SnapshotTriggerType::Upgrade);
    assert_eq!(e.location.as_deref(), Some("file:/sp/savepoint-upgrade"));
}

#[test]
fn last_state_sentinel_and_empty_upgrade_paths_are_skipped() {
    for path in [LAST_STATE_SENTINEL, "", "  "] {
        let mut d = application(NS, "orders-app", None);
        set_upgrade_path(&mut d, path);
        assert!(savepoint_history(&d, &[]).is_empty(), "{path:?}");
    }
}

#[test]
fn upgrade_path_already_recorded_by_a_snapshot_is_not_repeated() {
    let mut d = application(NS, "orders-app", None);
    set_upgrade_path(&mut d, "file:///sp/savepoint-upgrade");
    let s = completed(
        "orders-app-savepoint-upgrade-1735791000000",
        "2025-01-02T04:16:40Z",
        "2025-01-02T04:16:40Z",
        "file:/sp/savepoint-upgrade",
        SnapshotTriggerType::Upgrade,
    );
    assert_eq!(
        ids(&savepoint_history(&d, &[s])),
        ["orders-app-savepoint-upgrade-1735791000000"]
    );
}

// === mixed sources and ordering ===

#[test]
fn all_sources_mixed_are_ordered_newest_first_with_requested_on_top() {
    let mut d = application(NS, "orders-app", Some(11));
    set_reconciled(&mut d, Some(10));
    set_upgrade_path(&mut d, "file:/sp/restored-from");
    let info = savepoint_info(&mut d);
    info.trigger_id = Some("t-periodic".into());
    info.trigger_type = Some(SnapshotTriggerType::Periodic);
    info.trigger_timestamp = Some(ts("2025-01-02T05:00:00Z").as_millisecond());
    info.savepoint_history = Some(vec![
        legacy_savepoint(
            ts("2025-01-01T00:00:00Z").as_millisecond(),
            "file:/sp/l1",
            SnapshotTriggerType::Periodic,
        ),
        legacy_savepoint(
            ts("2025-01-02T01:00:00Z").as_millisecond(),
            "file:/sp/l2",
            SnapshotTriggerType::Manual,
        ),
    ]);
    info.last_savepoint = info
        .savepoint_history
        .as_ref()
        .and_then(|h| h.last().cloned());
    let snapshots = [
        completed(
            "snap-a",
            "2025-01-02T03:00:00Z",
            "2025-01-02T03:00:10Z",
            "file:/sp/a",
            SnapshotTriggerType::Periodic,
        ),
        with_status(
            savepoint_snapshot("snap-b", &orders_ref()),
            SnapshotState::InProgress,
            SnapshotTriggerType::Manual,
            Some("2025-01-02T04:00:00Z"),
            None,
            None,
        ),
    ];
    let entries = savepoint_history(&d, &snapshots);
    assert_eq!(
        ids(&entries),
        [
            "nonce-11",
            "pending-t-periodic",
            "snap-b",
            "snap-a",
            "legacy-1735779600000",
            "legacy-1735689600000",
            "upgrade"
        ]
    );
    let sources: Vec<EntrySource> = entries.iter().map(|e| e.source).collect();
    assert_eq!(
        sources,
        [
            EntrySource::Requested,
            EntrySource::LegacyPending,
            EntrySource::Snapshot,
            EntrySource::Snapshot,
            EntrySource::Legacy,
            EntrySource::Legacy,
            EntrySource::UpgradePath
        ]
    );
}

#[test]
fn equal_times_are_ordered_by_id_regardless_of_input_order() {
    let t = "2025-01-02T03:00:00Z";
    let make = |name: &str| {
        completed(
            name,
            t,
            t,
            &format!("file:/sp/{name}"),
            SnapshotTriggerType::Periodic,
        )
    };
    let forward = [make("b"), make("a"), make("c")];
    let backward = [make("c"), make("a"), make("b")];
    let d = application(NS, "orders-app", None);
    assert_eq!(ids(&savepoint_history(&d, &forward)), ["a", "b", "c"]);
    assert_eq!(
        savepoint_history(&d, &forward),
        savepoint_history(&d, &backward)
    );
}

#[test]
fn pending_snapshot_without_trigger_time_sorts_by_its_creation_time() {
    let older = completed(
        "done",
        "2025-01-02T03:00:00Z",
        "2025-01-02T03:00:10Z",
        "file:/sp/x",
        SnapshotTriggerType::Manual,
    );
    let fresh = savepoint_snapshot(
        &format!(
            "orders-app-savepoint-manual-{}",
            ts("2025-01-02T06:00:00Z").as_millisecond()
        ),
        &orders_ref(),
    );
    let ancient = savepoint_snapshot(
        &format!(
            "orders-app-savepoint-manual-{}",
            ts("2024-01-01T00:00:00Z").as_millisecond()
        ),
        &orders_ref(),
    );
    let entries = savepoint_history(
        &application(NS, "orders-app", None),
        &[older, ancient, fresh],
    );
    assert_eq!(
        ids(&entries),
        [
            "orders-app-savepoint-manual-1735797600000",
            "done",
            "orders-app-savepoint-manual-1704067200000"
        ]
    );
}

#[test]
fn completion_time_orders_entries_without_trigger_time() {
    let mut a = completed(
        "a",
        "2025-01-02T03:00:00Z",
        "2025-01-02T03:00:10Z",
        "file:/sp/a",
        SnapshotTriggerType::Manual,
    );
    a.status.as_mut().expect("status").trigger_timestamp = None;
    a.status.as_mut().expect("status").result_timestamp = Some("2025-01-03T00:00:00Z".into());
    let b = completed(
        "b",
        "2025-01-02T12:00:00Z",
        "2025-01-02T12:00:10Z",
        "file:/sp/b",
        SnapshotTriggerType::Manual,
    );
    let entries = savepoint_history(&application(NS, "orders-app", None), &[b, a]);
    assert_eq!(ids(&entries), ["a", "b"]);
}

// === helpers ===

#[test]
fn terminal_states_are_completed_failed_and_abandoned() {
    let terminal: Vec<EntryState> = [
        EntryState::Requested,
        EntryState::Pending,
        EntryState::InProgress,
        EntryState::Completed,
        EntryState::Failed,
        EntryState::Abandoned,
        EntryState::Unknown,
    ]
    .into_iter()
    .filter(EntryState::is_terminal)
    .collect();
    assert_eq!(
        terminal,
        [
            EntryState::Completed,
            EntryState::Failed,
            EntryState::Abandoned
        ]
    );
}

#[test]
fn latest_completed_skips_failed_and_pending_entries() {
    let d = application(NS, "orders-app", None);
    let snapshots = [
        completed(
            "old",
            "2025-01-01T00:00:00Z",
            "2025-01-01T00:00:10Z",
            "file:/sp/old",
            SnapshotTriggerType::Periodic,
        ),
        completed(
            "new",
            "2025-01-02T00:00:00Z",
            "2025-01-02T00:00:10Z",
            "file:/sp/new",
            SnapshotTriggerType::Manual,
        ),
        with_status(
            savepoint_snapshot("failed", &orders_ref()),
            SnapshotState::Failed,
            SnapshotTriggerType::Manual,
            Some("2025-01-03T00:00:00Z"),
            Some("2025-01-03T00:00:05Z"),
            None,
        ),
        savepoint_snapshot(
            &format!(
                "orders-app-savepoint-manual-{}",
                ts("2025-01-04T00:00:00Z").as_millisecond()
            ),
            &orders_ref(),
        ),
    ];
    let entries = savepoint_history(&d, &snapshots);
    assert_eq!(
        latest_completed(&entries).map(|e| e.id.as_str()),
        Some("new")
    );
    let mut reversed = entries.clone();
    reversed.reverse();
    assert_eq!(
        latest_completed(&reversed).map(|e| e.id.as_str()),
        Some("new"),
        "independent of slice order"
    );
    let states: Vec<EntryState> = entries[..2].iter().map(|e| e.state).collect();
    assert_eq!(states, [EntryState::Pending, EntryState::Failed]);
    assert!(
        latest_completed(&entries[..2]).is_none(),
        "only pending and failed entries"
    );
    assert!(latest_completed(&[]).is_none());
}

#[test]
fn find_nonce_snapshot_returns_the_newest_manual_snapshot_created_after_the_patch() {
    let target = orders_ref();
    let patched = ts("2025-01-02T03:04:05.500Z");
    let name =
        |kind: &str, at: &str| format!("orders-app-savepoint-{kind}-{}", ts(at).as_millisecond());
    let before = savepoint_snapshot(&name("manual", "2025-01-02T03:04:05.499Z"), &target);
    let periodic_after = savepoint_snapshot(&name("periodic", "2025-01-02T03:04:06Z"), &target);
    let first = savepoint_snapshot(&name("manual", "2025-01-02T03:04:05.500Z"), &target);
    let second = savepoint_snapshot(&name("manual", "2025-01-02T03:04:07Z"), &target);
    let other_job = savepoint_snapshot(
        &name("manual", "2025-01-02T03:04:09Z"),
        &TargetRef::new(JobKind::FlinkDeployment, Some(NS.into()), "other"),
    );
    let snapshots = [
        before.clone(),
        periodic_after.clone(),
        first.clone(),
        second.clone(),
        other_job,
    ];
    let found =
        find_nonce_snapshot(&target, &snapshots, patched).and_then(|s| s.metadata.name.clone());
    assert_eq!(found, second.metadata.name);
    let only_first = [before.clone(), first.clone()];
    assert_eq!(
        find_nonce_snapshot(&target, &only_first, patched).and_then(|s| s.metadata.name.clone()),
        first.metadata.name
    );
    assert!(find_nonce_snapshot(&target, &[before, periodic_after], patched).is_none());
}

#[test]
fn find_nonce_snapshot_uses_creation_timestamp_for_other_names() {
    let target = orders_ref();
    let mut s = savepoint_snapshot("my-manual-savepoint", &target);
    let created: Value = json!({"creationTimestamp": "2025-01-02T03:04:05Z"});
    s.metadata.creation_timestamp =
        serde_json::from_value(created["creationTimestamp"].clone()).ok();
    let same_second = ts("2025-01-02T03:04:05.900Z");
    let later = ts("2025-01-02T03:04:06Z");
    let snapshots = [s];
    assert!(
        find_nonce_snapshot(&target, &snapshots, same_second).is_some(),
        "second precision"
    );
    assert!(find_nonce_snapshot(&target, &snapshots, later).is_none());
}

#[test]
fn entries_serialize_as_camel_case_json_with_iso_times_and_omit_unknown_fields() {
    let s = completed(
        "snap",
        "2025-01-02T03:04:05.678Z",
        "2025-01-02T03:04:19.012Z",
        "file:/sp/x",
        SnapshotTriggerType::Periodic,
    );
    let entries = savepoint_history(&application(NS, "orders-app", None), &[s]);
    let v = serde_json::to_value(&entries[0]).expect("serialize");
    assert_eq!(
        v,
        json!({
            "target": {"kind": "FlinkDeployment", "namespace": "flink", "name": "orders-app"},
            "id": "snap", "source": "SNAPSHOT", "triggerType": "PERIODIC", "state": "COMPLETED",
            "triggered": "2025-01-02T03:04:05.678Z", "completed": "2025-01-02T03:04:19.012Z",
            "format": "CANONICAL", "location": "file:/sp/x", "snapshotName": "snap",
            "labels": {
                "job-reference.kind": "FlinkDeployment", "job-reference.name": "orders-app",
                "snapshot.state": "COMPLETED", "snapshot.trigger-type": "PERIODIC",
                "snapshot.type": "SAVEPOINT"
            }
        })
    );
}

// === properties ===

mod properties {
    use super::*;
    use flink_savepoint::location::normalize_location;
    use proptest::prelude::*;

    const LOCATIONS: [&str; 4] = [
        "file:/sp/a",
        "file:///sp/a",
        "file:/sp/b",
        "s3://bucket/sp/c",
    ];
    const STATES: [SnapshotState; 5] = [
        SnapshotState::TriggerPending,
        SnapshotState::InProgress,
        SnapshotState::Completed,
        SnapshotState::Failed,
        SnapshotState::Abandoned,
    ];

    fn iso(offset_s: u32) -> String {
        ms(1_735_000_000_000 + i64::from(offset_s) * 1000).to_string()
    }

    prop_compose! {
        fn snapshot(index: usize)(
            mine in proptest::bool::weighted(0.8),
            state in 0..STATES.len(),
            triggered in proptest::option::of(0u32..50),
            location in proptest::option::of(0..LOCATIONS.len()),
        ) -> FlinkStateSnapshot {
            let target = if mine { orders_ref() } else { TargetRef::new(JobKind::FlinkSessionJob, Some(NS.into()), "orders-app") };
            with_status(
                savepoint_snapshot(&format!("snap-{index}"), &target),
                STATES[state].clone(),
                SnapshotTriggerType::Manual,
                triggered.map(iso).as_deref(),
                None,
                location.map(|l| LOCATIONS[l]),
            )
        }
    }

    fn inputs() -> impl Strategy<Value = (Vec<FlinkStateSnapshot>, Vec<(u32, usize)>, Option<i64>)>
    {
        let snaps = (0usize..8).prop_flat_map(|n| (0..n).map(snapshot).collect::<Vec<_>>());
        let legacy = proptest::collection::vec((0u32..50, 0..LOCATIONS.len()), 0..5);
        (snaps, legacy, proptest::option::of(1i64..3))
    }

    fn deployment(legacy: &[(u32, usize)], nonce: Option<i64>) -> FlinkDeployment {
        let mut d = application(NS, "orders-app", nonce);
        set_reconciled(&mut d, Some(1));
        let records = legacy
            .iter()
            .map(|(t, l)| {
                legacy_savepoint(
                    1_735_000_000_000 + i64::from(*t) * 1000,
                    LOCATIONS[*l],
                    SnapshotTriggerType::Periodic,
                )
            })
            .collect();
        savepoint_info(&mut d).savepoint_history = Some(records);
        d
    }

    proptest! {
        #[test]
        fn history_is_sorted_unique_complete_and_order_independent((snaps, legacy, nonce) in inputs()) {
            let d = deployment(&legacy, nonce);
            let entries = savepoint_history(&d, &snaps);

            let requested = entries.iter().take_while(|e| e.state == EntryState::Requested).count();
            prop_assert!(entries[requested..].iter().all(|e| e.state != EntryState::Requested));
            prop_assert_eq!(requested, usize::from(nonce == Some(2)));

            let times: Vec<Timestamp> = entries.iter().filter_map(SavepointEntry::time).collect();
            prop_assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first: {:?}", times);

            let mut unique: Vec<&str> = ids(&entries);
            unique.sort();
            unique.dedup();
            prop_assert_eq!(unique.len(), entries.len(), "ids are unique");

            let mine = snaps.iter().filter(|s| s.job_reference().is_some_and(|r| r.kind == JobKind::FlinkDeployment)).count();
            let from_snapshots = entries.iter().filter(|e| e.source == EntrySource::Snapshot).count();
            prop_assert_eq!(from_snapshots, mine);

            let snapshot_locations: Vec<String> = entries.iter()
                .filter(|e| e.source == EntrySource::Snapshot)
                .filter_map(|e| e.location.as_deref().map(normalize_location))
                .collect();
            for e in entries.iter().filter(|e| e.source != EntrySource::Snapshot) {
                if let Some(l) = e.location.as_deref() {
                    prop_assert!(!snapshot_locations.contains(&normalize_location(l)), "duplicate location {}", l);
                }
            }

            let mut reversed = snaps.clone();
            reversed.reverse();
            prop_assert_eq!(savepoint_history(&d, &reversed), entries);
        }
    }
}
