use super::*;

fn stats(entries: serde_json::Value) -> CheckpointingStatistics {
    serde_json::from_value(serde_json::json!({"counts": {}, "history": entries})).unwrap()
}

fn running(id: u64, at: u64) -> serde_json::Value {
    serde_json::json!({"id": id, "status": "IN_PROGRESS", "is_savepoint": true, "trigger_timestamp": at, "num_subtasks": 4, "num_acknowledged_subtasks": 1})
}

#[test]
fn the_in_progress_savepoint_is_the_one_nearest_the_operators_trigger_time() {
    let s = stats(serde_json::json!([
        running(9, 1_000_500),
        running(8, 900_000)
    ]));
    assert_eq!(s.in_progress_savepoint(Some(1_000_000)).unwrap().id, 9);
    assert_eq!(s.in_progress_savepoint(Some(905_000)).unwrap().id, 8);
    assert!(
        s.in_progress_savepoint(Some(5_000_000)).is_none(),
        "too far: no guess"
    );
    assert!(
        s.in_progress_savepoint(None).is_none(),
        "two running: no guess"
    );
    let one = stats(serde_json::json!([running(3, 10)]));
    assert_eq!(one.in_progress_savepoint(None).unwrap().id, 3);
}

#[test]
fn sizes_and_durations_read_like_people_write_them() {
    assert_eq!(format_bytes(512), "512 B");
    assert_eq!(format_bytes(14_179), "13.8 KiB");
    assert_eq!(format_bytes(3 * 1024 * 1024 * 1024), "3.0 GiB");
    assert_eq!(format_millis(850), "850ms");
    assert_eq!(format_millis(4_250), "4.2s");
    assert_eq!(format_millis(192_000), "3m12s");
    assert_eq!(format_millis(3_900_000), "1h05m");
    let p = Progress {
        acknowledged_subtasks: 3,
        total_subtasks: 4,
        persisted_bytes: Some(14_179),
        elapsed_ms: Some(81),
    };
    assert_eq!(
        p.text(),
        "3/4 subtasks acknowledged (75%), 13.8 KiB persisted, 81ms elapsed"
    );
    let c = Completed {
        state_size: 20_000,
        checkpointed_size: 2_048,
        duration_ms: 1_200,
    };
    assert_eq!(c.text(), "19.5 KiB (2.0 KiB written) in 1.2s");
}
