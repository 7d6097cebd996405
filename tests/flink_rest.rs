//! The Flink REST model against real Flink responses (`tests/fixtures/flink-rest/<version>/`,
//! captured by `tests/flink-capture`, `make flink-fixtures`) and against garbage.

use std::path::{Path, PathBuf};

use flink_savepoint::flink_rest::{
    self, CheckpointStatus, CheckpointType, FlinkRestError, JobState, QueueStatus, SavepointFormat,
    SavepointOutcome,
};
use flink_savepoint::location::{normalize_location, same_location};
use proptest::prelude::*;

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/flink-rest")
}

/// Every captured Flink version (one directory each).
fn versions() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixtures_root())
        .expect("fixtures directory")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty(), "no Flink fixture versions");
    dirs
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    let path = dir.join(format!("{name}.json"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn has(dir: &Path, name: &str) -> bool {
    dir.join(format!("{name}.json")).is_file()
}

/// Which decoder a fixture file is for, by its name.
fn decode_fixture(name: &str, body: &[u8]) -> Result<(), FlinkRestError> {
    match name {
        "overview" => flink_rest::parse_cluster_overview(body).map(drop),
        "jobs-overview" => flink_rest::parse_jobs_overview(body).map(drop),
        "job" => flink_rest::parse_job_details(body).map(drop),
        "checkpoints-config" => flink_rest::parse_checkpoint_config(body).map(drop),
        "savepoint-trigger" => flink_rest::parse_savepoint_trigger(body).map(drop),
        n if n.starts_with("checkpoints") => {
            flink_rest::parse_checkpointing_statistics(body).map(drop)
        }
        n if n.starts_with("checkpoint-details") => {
            flink_rest::parse_checkpoint_details(body).map(drop)
        }
        n if n.starts_with("savepoint-status") => {
            let status = flink_rest::parse_savepoint_status(body)?;
            status.outcome().map(drop)
        }
        other => panic!("fixture {other}.json has no decoder; add it to decode_fixture"),
    }
}

#[test]
fn every_fixture_file_decodes() {
    let mut count = 0;
    for dir in versions() {
        for entry in std::fs::read_dir(&dir).expect("version dir") {
            let path = entry.expect("entry").path();
            if path.extension().and_then(|e| e.to_str()) != Some("json") {
                continue;
            }
            let name = path.file_stem().and_then(|s| s.to_str()).expect("name");
            let body = std::fs::read(&path).expect("read");
            decode_fixture(name, &body).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            count += 1;
        }
    }
    assert!(count >= 10, "only {count} fixtures decoded");
}

#[test]
fn overview_and_jobs_carry_version_and_running_job() {
    for dir in versions() {
        let version = dir
            .file_name()
            .and_then(|s| s.to_str())
            .expect("version")
            .to_owned();
        let overview = flink_rest::parse_cluster_overview(&read(&dir, "overview")).unwrap();
        assert_eq!(overview.flink_version.as_deref(), Some(version.as_str()));
        assert_eq!(overview.slots_total, Some(2));
        assert_eq!(overview.jobs_running, Some(1));

        let jobs = flink_rest::parse_jobs_overview(&read(&dir, "jobs-overview")).unwrap();
        assert_eq!(jobs.jobs.len(), 1);
        let job = &jobs.jobs[0];
        assert_eq!(job.jid, "f11c0000000000000000000000000001");
        assert_eq!(job.name.as_deref(), Some("flink-capture-keyed-counter"));
        assert_eq!(job.state, Some(JobState::Running));
        assert!(job.start_time.is_some());
        assert_eq!(job.end_time, None, "-1 reads as absent");

        let details = flink_rest::parse_job_details(&read(&dir, "job")).unwrap();
        assert_eq!(details.jid, job.jid);
        assert_eq!(details.state, Some(JobState::Running));
        assert_eq!(details.vertices.len(), 2);
        assert!(details.vertices.iter().all(|v| v.parallelism == Some(2)));
    }
}

#[test]
fn checkpoint_config_is_the_jobs() {
    for dir in versions() {
        let config =
            flink_rest::parse_checkpoint_config(&read(&dir, "checkpoints-config")).unwrap();
        assert_eq!(config.interval, Some(1000));
        assert!(config.max_concurrent.is_some());
        assert!(config.state_backend.is_some());
    }
}

#[test]
fn completed_savepoints_are_found_in_the_history_by_location() {
    for dir in versions() {
        let stats = flink_rest::parse_checkpointing_statistics(&read(&dir, "checkpoints")).unwrap();
        assert!(stats.counts.completed >= 2);
        assert!(stats.counts.failed >= 1);
        assert!(!stats.history.is_empty());

        for (file, format) in [
            ("savepoint-status-completed", SavepointFormat::Canonical),
            ("savepoint-status-completed-native", SavepointFormat::Native),
        ] {
            let status = flink_rest::parse_savepoint_status(&read(&dir, file)).unwrap();
            assert_eq!(status.status.id, QueueStatus::Completed);
            let SavepointOutcome::Completed { location } = status.outcome().unwrap() else {
                panic!("{file}: not completed");
            };
            assert!(location.starts_with("file:/tmp/flink-capture/savepoints/savepoint-"));

            let entry = stats
                .find_by_external_path(&location)
                .unwrap_or_else(|| panic!("{file}: {location} not in the history"));
            assert!(entry.is_savepoint);
            assert_eq!(entry.status, Some(CheckpointStatus::Completed));
            assert_eq!(entry.savepoint_format.as_ref(), Some(&format));
            assert_eq!(entry.checkpoint_type, Some(CheckpointType::Savepoint));
            assert!(entry.progress().is_none());
            let done = entry.completed().expect("size and duration");
            assert!(done.state_size > 0, "{file}: size {}", done.state_size);
            assert!(done.checkpointed_size > 0);
            assert!(done.duration_ms < 60_000);
            assert_eq!(entry.num_acknowledged_subtasks, entry.num_subtasks);

            // spelled differently, still the same savepoint
            let triple = location.replacen("file:/", "file:///", 1) + "/";
            assert_eq!(
                stats.find_by_external_path(&triple).map(|e| e.id),
                Some(entry.id)
            );
        }

        // the latest savepoint is the NATIVE one, taken second
        let latest = stats.latest.savepoint.as_ref().expect("latest savepoint");
        assert_eq!(latest.savepoint_format, Some(SavepointFormat::Native));
        let completed = stats.latest.completed.as_ref().expect("latest completed");
        assert!(!completed.is_savepoint);
        assert_eq!(
            completed.savepoint_format, None,
            "null format on checkpoints"
        );
        assert!(
            completed
                .external_path
                .as_deref()
                .is_some_and(|p| p.contains("/chk-"))
        );
        assert!(stats.find_by_external_path("file:/nowhere").is_none());
    }
}

#[test]
fn failed_savepoint_carries_a_cause_and_is_the_latest_failure() {
    for dir in versions() {
        let status =
            flink_rest::parse_savepoint_status(&read(&dir, "savepoint-status-failed")).unwrap();
        assert_eq!(
            status.status.id,
            QueueStatus::Completed,
            "Flink says COMPLETED for failures too"
        );
        let SavepointOutcome::Failed { class, message } = status.outcome().unwrap() else {
            panic!("not failed");
        };
        assert!(class.is_some());
        assert!(message.contains("CheckpointException"), "{message}");
        let trace = status
            .operation
            .as_ref()
            .and_then(|o| o.failure_cause.as_ref())
            .and_then(|c| c.stack_trace.as_deref())
            .expect("stack trace");
        assert!(
            trace.contains("Failed to create savepoint directory"),
            "{trace}"
        );

        let stats = flink_rest::parse_checkpointing_statistics(&read(&dir, "checkpoints")).unwrap();
        let failed = stats.latest.failed.as_ref().expect("latest failed");
        assert!(failed.is_savepoint);
        assert_eq!(failed.status, Some(CheckpointStatus::Failed));
        assert_eq!(failed.latest_ack_timestamp, None, "-1 reads as absent");
        assert!(
            failed
                .failure_message
                .as_deref()
                .is_some_and(|m| !m.is_empty())
        );
        assert!(failed.completed().is_none());
        assert!(stats.find_by_id(failed.id).is_some());
    }
}

#[test]
fn in_progress_savepoint_shows_partial_progress() {
    for dir in versions() {
        if !has(&dir, "savepoint-status-in-progress") {
            continue; // the capture did not catch it running on this version
        }
        let status =
            flink_rest::parse_savepoint_status(&read(&dir, "savepoint-status-in-progress"))
                .unwrap();
        assert_eq!(status.outcome().unwrap(), SavepointOutcome::InProgress);
        assert!(status.operation.is_none());

        let stats = flink_rest::parse_checkpointing_statistics(&read(
            &dir,
            "checkpoints-savepoint-in-progress",
        ))
        .unwrap();
        assert!(stats.counts.in_progress >= 1);
        let running: Vec<_> = stats.savepoints_in_progress().collect();
        assert_eq!(running.len(), 1);
        let entry = running[0];
        assert_eq!(entry.external_path, None);
        assert!(entry.completed().is_none());
        let progress = entry.progress().expect("progress");
        assert_eq!(progress.total_subtasks, 4);
        assert!(progress.acknowledged_subtasks > 0 && progress.acknowledged_subtasks < 4);
        let fraction = progress.fraction().unwrap();
        assert!(fraction > 0.0 && fraction < 1.0);
        assert!(progress.percent().unwrap() < 100);
        assert!(progress.persisted_bytes.unwrap() > 0);

        let details =
            flink_rest::parse_checkpoint_details(&read(&dir, "checkpoint-details-in-progress"))
                .unwrap();
        assert_eq!(details.id, entry.id);
        assert_eq!(details.tasks.len(), 2);
        let acked: u64 = details
            .tasks
            .values()
            .filter_map(|t| t.num_acknowledged_subtasks)
            .sum();
        assert_eq!(acked, progress.acknowledged_subtasks);
    }
}

#[test]
fn checkpoint_and_savepoint_details_have_per_vertex_sizes() {
    for dir in versions() {
        for name in [
            "checkpoint-details-checkpoint",
            "checkpoint-details-savepoint",
        ] {
            let details = flink_rest::parse_checkpoint_details(&read(&dir, name)).unwrap();
            assert_eq!(details.is_savepoint, name.ends_with("savepoint"));
            let done = details.completed().expect("completed");
            assert_eq!(details.tasks.len(), 2, "{name}");
            let per_vertex: u64 = details.tasks.values().filter_map(|t| t.state_size).sum();
            assert_eq!(per_vertex, done.state_size, "{name}");
        }
        let stats = flink_rest::parse_checkpointing_statistics(&read(&dir, "checkpoints")).unwrap();
        let canonical =
            flink_rest::parse_savepoint_status(&read(&dir, "savepoint-status-completed")).unwrap();
        let Ok(SavepointOutcome::Completed { location }) = canonical.outcome() else {
            panic!("canonical savepoint not completed");
        };
        let details =
            flink_rest::parse_checkpoint_details(&read(&dir, "checkpoint-details-savepoint"))
                .unwrap();
        assert_eq!(
            stats.find_by_external_path(&location).map(|e| e.id),
            Some(details.id)
        );
    }
}

#[test]
fn restored_job_names_the_savepoint_it_started_from() {
    for dir in versions() {
        let stats = flink_rest::parse_checkpointing_statistics(&read(&dir, "checkpoints-restored"))
            .unwrap();
        let restored = stats.latest.restored.as_ref().expect("latest.restored");
        assert!(restored.is_savepoint);
        assert_eq!(stats.counts.restored, 1);
        let canonical =
            flink_rest::parse_savepoint_status(&read(&dir, "savepoint-status-completed")).unwrap();
        let Ok(SavepointOutcome::Completed { location }) = canonical.outcome() else {
            panic!("canonical savepoint not completed");
        };
        assert!(same_location(
            restored.external_path.as_deref().unwrap(),
            &location
        ));
    }
}

#[test]
fn trigger_response_has_a_request_id() {
    for dir in versions() {
        let trigger =
            flink_rest::parse_savepoint_trigger(&read(&dir, "savepoint-trigger")).unwrap();
        assert_eq!(trigger.request_id.len(), 32);
    }
}

// ---- hand-written edge cases ----------------------------------------------------------------

#[test]
fn flink_error_bodies_are_server_errors() {
    let body = br#"{"errors":["Not found: /jobs/abc/checkpoints\n\tat somewhere"]}"#;
    match flink_rest::parse_checkpointing_statistics(body) {
        Err(FlinkRestError::Server { errors, .. }) => {
            assert_eq!(errors, vec!["Not found: /jobs/abc/checkpoints".to_owned()]);
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        flink_rest::parse_savepoint_status(br#"{"errors":[]}"#),
        Err(FlinkRestError::Server { .. })
    ));
}

#[test]
fn unknown_fields_and_values_are_tolerated() {
    let body = br#"{
        "counts": {"completed": 1, "brand_new": 7},
        "latest": {"completed": {"id": 3, "status": "COMPLETED", "state_size": 10,
                                 "end_to_end_duration": 5, "future": {"x": [1]},
                                 "savepointFormat": "SOMETHING_NEW", "checkpoint_type": "NEW"}},
        "history": [{"id": 4, "status": "TELEPORTING", "num_subtasks": -1}],
        "new_section": true
    }"#;
    let stats = flink_rest::parse_checkpointing_statistics(body).unwrap();
    let latest = stats.latest.completed.as_ref().unwrap();
    assert_eq!(
        latest.savepoint_format,
        Some(SavepointFormat::Unknown("SOMETHING_NEW".into()))
    );
    assert_eq!(latest.checkpointed_size, None);
    let done = latest.completed().unwrap();
    assert_eq!(
        (done.state_size, done.checkpointed_size, done.duration_ms),
        (10, 10, 5)
    );
    assert_eq!(
        stats.history[0].status,
        Some(CheckpointStatus::Unknown("TELEPORTING".into()))
    );
    assert_eq!(stats.history[0].num_subtasks, None);
    assert!(stats.summary.is_none());
}

#[test]
fn older_flink_without_checkpointed_size_or_duration() {
    // Flink before 1.15: no checkpointed_size; duration from the timestamps.
    let body = br#"{"id": 1, "status": "COMPLETED", "is_savepoint": true,
        "trigger_timestamp": 1000, "latest_ack_timestamp": 1250, "state_size": 99,
        "external_path": "s3://bucket/sp/savepoint-1"}"#;
    let entry = flink_rest::parse_checkpoint_details(body).unwrap();
    let done = entry.completed().unwrap();
    assert_eq!(
        (done.state_size, done.checkpointed_size, done.duration_ms),
        (99, 99, 250)
    );
}

#[test]
fn completed_trigger_without_location_or_cause_is_invalid() {
    for body in [
        &br#"{"status":{"id":"COMPLETED"},"operation":null}"#[..],
        br#"{"status":{"id":"COMPLETED"},"operation":{"location":"  "}}"#,
        br#"{"status":{"id":"WHATEVER"}}"#,
    ] {
        let status = flink_rest::parse_savepoint_status(body).unwrap();
        assert!(matches!(
            status.outcome(),
            Err(FlinkRestError::Invalid { .. })
        ));
    }
}

#[test]
fn truncated_and_wrong_shapes_are_decode_errors() {
    let full = read(&versions()[0], "checkpoints");
    for cut in [0, 1, full.len() / 3, full.len() / 2, full.len() - 2] {
        assert!(matches!(
            flink_rest::parse_checkpointing_statistics(&full[..cut]),
            Err(FlinkRestError::Decode { .. })
        ));
    }
    for body in [
        &b"null"[..],
        b"[]",
        b"42",
        b"\"x\"",
        b"{}",
        b"{\"counts\": 3}",
        b"\xff\xfe",
    ] {
        assert!(flink_rest::parse_checkpointing_statistics(body).is_err());
        assert!(flink_rest::parse_savepoint_status(body).is_err());
        assert!(flink_rest::parse_jobs_overview(body).is_err());
    }
    // deep nesting hits serde_json's recursion limit, not the stack
    let deep = "[".repeat(100_000);
    assert!(flink_rest::parse_checkpoint_details(deep.as_bytes()).is_err());
}

#[test]
fn location_normalisation() {
    assert_eq!(normalize_location("file:///tmp/sp/"), "file:/tmp/sp");
    assert_eq!(normalize_location("/tmp/sp"), "file:/tmp/sp");
    assert_eq!(normalize_location("file:/tmp/sp"), "file:/tmp/sp");
    assert_eq!(normalize_location("s3://bucket/sp/"), "s3://bucket/sp");
    assert_eq!(normalize_location("file://host/sp"), "file://host/sp");
    assert_eq!(normalize_location("/"), "file:/");
    assert_eq!(normalize_location(""), "");
    assert!(!same_location("s3://a/x", "s3://b/x"));
}

// ---- never panic -----------------------------------------------------------------------------

fn all_parsers(body: &[u8]) {
    let _ = flink_rest::parse_cluster_overview(body);
    let _ = flink_rest::parse_jobs_overview(body);
    let _ = flink_rest::parse_job_details(body);
    let _ = flink_rest::parse_checkpoint_config(body);
    let _ = flink_rest::parse_savepoint_trigger(body);
    if let Ok(status) = flink_rest::parse_savepoint_status(body) {
        let _ = status.outcome();
    }
    if let Ok(entry) = flink_rest::parse_checkpoint_details(body) {
        let _ = (
            entry.progress().map(|p| (p.fraction(), p.percent())),
            entry.completed(),
        );
    }
    if let Ok(stats) = flink_rest::parse_checkpointing_statistics(body) {
        for e in stats.entries() {
            let _ = (
                e.progress().map(|p| (p.fraction(), p.percent())),
                e.completed(),
            );
            if let Some(p) = &e.external_path {
                let _ = stats.find_by_external_path(p);
            }
        }
        let _ = stats.savepoints_in_progress().count();
    }
}

fn fixture_bodies() -> Vec<Vec<u8>> {
    let mut bodies = Vec::new();
    for dir in versions() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().and_then(|e| e.to_str()) == Some("json") {
                bodies.push(std::fs::read(path).unwrap());
            }
        }
    }
    bodies.sort();
    bodies
}

/// Arbitrary JSON values, so the decoders see plausible shapes with wrong types.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        "[a-zA-Z_:/-]{0,12}".prop_map(serde_json::Value::from),
    ];
    let keys = prop_oneof![
        Just("id".to_owned()),
        Just("status".to_owned()),
        Just("counts".to_owned()),
        Just("latest".to_owned()),
        Just("history".to_owned()),
        Just("operation".to_owned()),
        Just("location".to_owned()),
        Just("failure-cause".to_owned()),
        Just("state_size".to_owned()),
        Just("num_subtasks".to_owned()),
        Just("num_acknowledged_subtasks".to_owned()),
        Just("external_path".to_owned()),
        Just("jobs".to_owned()),
        Just("jid".to_owned()),
        "[a-z_-]{1,8}",
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::btree_map(keys.clone(), inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(body in prop::collection::vec(any::<u8>(), 0..256)) {
        all_parsers(&body);
    }

    #[test]
    fn arbitrary_json_never_panics(value in json_value()) {
        all_parsers(value.to_string().as_bytes());
    }

    #[test]
    fn mutated_fixtures_never_panic(
        index in any::<prop::sample::Index>(),
        cut in any::<prop::sample::Index>(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
    ) {
        let bodies = fixture_bodies();
        let mut body = bodies[index.index(bodies.len())].clone();
        for (at, byte) in flips {
            let i = at.index(body.len());
            body[i] = byte;
        }
        body.truncate(cut.index(body.len() + 1));
        all_parsers(&body);
    }

    #[test]
    fn progress_fraction_stays_in_range(acked in any::<u64>(), total in any::<u64>()) {
        let body = format!(
            r#"{{"id":1,"status":"IN_PROGRESS","num_subtasks":{total},"num_acknowledged_subtasks":{acked}}}"#
        );
        let entry = flink_rest::parse_checkpoint_details(body.as_bytes()).unwrap();
        let progress = entry.progress().unwrap();
        if let Some(f) = progress.fraction() {
            prop_assert!((0.0..=1.0).contains(&f));
        }
        if let Some(p) = progress.percent() {
            prop_assert!(p <= 100);
        }
        prop_assert_eq!(progress.fraction().is_none(), total == 0);
    }
}
