//! Briefs of checkpoints (`describe`, `status`) and the size and duration of history entries
//! matched by location (`list -o wide`).

use super::model::{CheckpointStatistics, CheckpointStatus, CheckpointingStatistics};

/// A completed checkpoint, briefly (`describe`, `status`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckpointBrief {
    /// Checkpoint id.
    pub id: u64,
    /// When it completed (its latest acknowledgement).
    #[serde(serialize_with = "crate::time::serialize_opt_iso")]
    pub completed: Option<jiff::Timestamp>,
    /// Seconds from completion to the reference time.
    pub age_seconds: Option<i64>,
    /// Full state size in bytes.
    pub size_bytes: Option<u64>,
    /// End-to-end duration in milliseconds.
    pub duration_ms: Option<u64>,
    /// Where it is, when retained externally.
    pub external_path: Option<String>,
}

impl CheckpointBrief {
    /// From a statistics entry, with its age at `now`.
    pub fn of(entry: &CheckpointStatistics, now: jiff::Timestamp) -> Self {
        let completed = entry
            .latest_ack_timestamp
            .or_else(|| Some(entry.trigger_timestamp? + entry.duration_ms()?))
            .and_then(|ms| i64::try_from(ms).ok())
            .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok());
        CheckpointBrief {
            id: entry.id,
            completed,
            age_seconds: completed.map(|c| now.as_second() - c.as_second()),
            size_bytes: entry.state_size.or(entry.checkpointed_size),
            duration_ms: entry.duration_ms(),
            external_path: entry.external_path.clone(),
        }
    }
}

impl CheckpointingStatistics {
    /// The newest completed checkpoint (not savepoint): `latest.completed`, else the newest
    /// completed checkpoint in the history.
    pub fn latest_completed_checkpoint(&self) -> Option<&CheckpointStatistics> {
        let completed_checkpoint = |e: &&CheckpointStatistics| {
            !e.is_savepoint && e.status == Some(CheckpointStatus::Completed)
        };
        self.latest
            .completed
            .as_ref()
            .filter(completed_checkpoint)
            .into_iter()
            .chain(self.history.iter().filter(completed_checkpoint))
            .max_by_key(|e| e.id)
    }
}

/// Sets `entry`'s size and duration from `stats` when the JobManager holds a completed
/// checkpoint or savepoint at the entry's location; leaves them unset otherwise (never a
/// guess). Returns whether it matched.
pub fn annotate(
    entry: &mut crate::history::SavepointEntry,
    stats: &CheckpointingStatistics,
) -> bool {
    let completed = entry
        .location
        .as_deref()
        .and_then(|l| stats.find_by_external_path(l))
        .and_then(CheckpointStatistics::completed);
    match completed {
        Some(c) => {
            entry.size_bytes = Some(c.state_size);
            entry.duration_ms = Some(c.duration_ms);
            true
        }
        None => false,
    }
}

#[cfg(test)]
mod brief_tests {
    use super::*;

    #[test]
    fn the_latest_checkpoint_skips_savepoints_and_ages_from_its_last_ack() {
        let stats: CheckpointingStatistics = serde_json::from_value(serde_json::json!({
            "counts": {},
            "latest": {"completed": {"id": 4, "status": "COMPLETED", "latest_ack_timestamp": 1_000_000, "state_size": 100}},
            "history": [
                {"id": 6, "status": "COMPLETED", "is_savepoint": true, "latest_ack_timestamp": 3_000_000},
                {"id": 5, "status": "COMPLETED", "latest_ack_timestamp": 2_000_000, "state_size": 200, "end_to_end_duration": 30}
            ]
        }))
        .unwrap();
        let latest = stats.latest_completed_checkpoint().unwrap();
        assert_eq!(latest.id, 5);
        let brief = CheckpointBrief::of(latest, jiff::Timestamp::from_second(2_060).unwrap());
        assert_eq!(brief.age_seconds, Some(60));
        assert_eq!(brief.size_bytes, Some(200));
        assert_eq!(brief.duration_ms, Some(30));
    }
}

#[cfg(test)]
mod annotate_tests {
    use super::*;
    use crate::crd::{JobKind, SnapshotTriggerType, TargetRef};
    use crate::history::{EntrySource, EntryState, SavepointEntry};

    #[test]
    fn only_a_completed_entry_at_the_same_location_gives_size_and_duration() {
        let stats: CheckpointingStatistics = serde_json::from_value(serde_json::json!({
            "counts": {},
            "history": [
                {"id": 7, "status": "COMPLETED", "is_savepoint": true, "state_size": 2048, "end_to_end_duration": 90, "external_path": "file:/sp/savepoint-1"},
                {"id": 6, "status": "FAILED", "is_savepoint": true, "external_path": "file:/sp/savepoint-0"}
            ]
        }))
        .unwrap();
        let mut e = SavepointEntry::new(
            TargetRef::new(JobKind::FlinkDeployment, Some("ns".into()), "a"),
            "x",
            EntrySource::Snapshot,
            SnapshotTriggerType::Manual,
            EntryState::Completed,
        );
        e.location = Some("file:///sp/savepoint-1/".into());
        assert!(annotate(&mut e, &stats));
        assert_eq!((e.size_bytes, e.duration_ms), (Some(2048), Some(90)));
        for other in ["file:/sp/savepoint-0", "file:/sp/elsewhere"] {
            let mut f = e.clone();
            f.size_bytes = None;
            f.duration_ms = None;
            f.location = Some(other.into());
            assert!(!annotate(&mut f, &stats), "{other}");
            assert_eq!((f.size_bytes, f.duration_ms), (None, None));
        }
    }
}
