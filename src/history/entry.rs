//! The output of the history model: [`SavepointEntry`] and its enums.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

use jiff::Timestamp;
use serde::Serialize;

use crate::crd::{SavepointFormatType, SnapshotState, SnapshotTriggerType, TargetRef};
use crate::time::serialize_opt_iso;

/// Where an entry came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EntrySource {
    /// `spec.job.savepointTriggerNonce` set but not yet picked up by the operator.
    Requested,
    /// Legacy in-flight trigger (`savepointInfo.triggerId`).
    LegacyPending,
    /// Legacy `savepointInfo.lastSavepoint` / `savepointHistory`.
    Legacy,
    /// A FlinkStateSnapshot object.
    Snapshot,
    /// `jobStatus.upgradeSavepointPath` not recorded anywhere else.
    UpgradePath,
}

/// Normalized state of an entry across all sources.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EntryState {
    /// Requested through the nonce, not picked up yet.
    Requested,
    /// Waiting to be triggered (`TRIGGER_PENDING`).
    Pending,
    /// Triggered, being written.
    InProgress,
    /// Done.
    Completed,
    /// Failed.
    Failed,
    /// Abandoned (job gone or not running).
    Abandoned,
    /// A snapshot state this crate does not know.
    Unknown,
}

impl EntryState {
    /// Whether this state will not change any more (`Completed`, `Failed`, `Abandoned`).
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Completed | Self::Failed | Self::Abandoned)
    }

    /// Upper-case display text (`IN_PROGRESS`), the same as the JSON form.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Requested => "REQUESTED",
            Self::Pending => "PENDING",
            Self::InProgress => "IN_PROGRESS",
            Self::Completed => "COMPLETED",
            Self::Failed => "FAILED",
            Self::Abandoned => "ABANDONED",
            Self::Unknown => "UNKNOWN",
        }
    }
}

impl From<&SnapshotState> for EntryState {
    fn from(state: &SnapshotState) -> Self {
        match state {
            SnapshotState::TriggerPending => Self::Pending,
            SnapshotState::InProgress => Self::InProgress,
            SnapshotState::Completed => Self::Completed,
            SnapshotState::Failed => Self::Failed,
            SnapshotState::Abandoned => Self::Abandoned,
            SnapshotState::Unknown(_) => Self::Unknown,
        }
    }
}

impl fmt::Display for EntryState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl EntrySource {
    /// Upper-case display text (`LEGACY_PENDING`), the same as the JSON form.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Requested => "REQUESTED",
            Self::LegacyPending => "LEGACY_PENDING",
            Self::Legacy => "LEGACY",
            Self::Snapshot => "SNAPSHOT",
            Self::UpgradePath => "UPGRADE_PATH",
        }
    }
}

impl fmt::Display for EntrySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One savepoint of a job, whatever recorded it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SavepointEntry {
    /// The job it belongs to.
    pub target: TargetRef,
    /// Snapshot object name, or a synthetic id (`nonce-<n>`, `pending-<triggerId>`,
    /// `legacy-<timeStamp>`, `upgrade`).
    pub id: String,
    /// Where it came from.
    pub source: EntrySource,
    /// Why it was taken.
    pub trigger_type: SnapshotTriggerType,
    /// Normalized state.
    pub state: EntryState,
    /// Trigger time (legacy: `timeStamp`, the cancel time for upgrade savepoints).
    #[serde(
        serialize_with = "serialize_opt_iso",
        skip_serializing_if = "Option::is_none"
    )]
    pub triggered: Option<Timestamp>,
    /// Time the snapshot reached its result (completed, failed or abandoned).
    #[serde(
        serialize_with = "serialize_opt_iso",
        skip_serializing_if = "Option::is_none"
    )]
    pub completed: Option<Timestamp>,
    /// Savepoint format, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<SavepointFormatType>,
    /// Final location, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The nonce that requested it, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nonce: Option<i64>,
    /// Error reported by the operator.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Name of the FlinkStateSnapshot object, for snapshot entries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot_name: Option<String>,
    /// The FlinkStateSnapshot's labels (none for records that are not objects).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Full state size in bytes, as the JobManager reports it (only while Flink still holds the
    /// savepoint in its checkpoint history; set by the caller that asked it, see
    /// [`crate::flink_rest::annotate`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size_bytes: Option<u64>,
    /// End-to-end duration in milliseconds, as the JobManager reports it (same condition).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
}

impl SavepointEntry {
    /// A new entry with only the identifying fields set.
    pub fn new(
        target: TargetRef,
        id: impl Into<String>,
        source: EntrySource,
        trigger_type: SnapshotTriggerType,
        state: EntryState,
    ) -> Self {
        Self {
            target,
            id: id.into(),
            source,
            trigger_type,
            state,
            triggered: None,
            completed: None,
            format: None,
            location: None,
            nonce: None,
            error: None,
            snapshot_name: None,
            labels: BTreeMap::new(),
            size_bytes: None,
            duration_ms: None,
        }
    }

    /// The time used for ordering: trigger time, else completion time.
    pub fn time(&self) -> Option<Timestamp> {
        self.triggered.or(self.completed)
    }
}

/// The newest completed entry that has a location (by [`SavepointEntry::time`]; entries without
/// any time rank below timed ones; ties keep the earlier entry in the slice).
pub fn latest_completed(entries: &[SavepointEntry]) -> Option<&SavepointEntry> {
    entries
        .iter()
        .filter(|e| e.state == EntryState::Completed && e.location.is_some())
        .fold(None, |best: Option<&SavepointEntry>, e| match best {
            Some(b) if b.time() >= e.time() => Some(b),
            _ => Some(e),
        })
}

/// Newest first: a later time before an earlier one, untimed last (every savepoint ordering
/// of the tools: history, listing, prune).
pub fn newest_first(a: Option<Timestamp>, b: Option<Timestamp>) -> Ordering {
    // `None < Some` and times ascend, so the reverse order is exactly this.
    b.cmp(&a)
}

/// The history order of two entries at their sort times: requested (not yet triggered) entries
/// first, then [`newest_first`]. Callers add their tie-breaks.
pub(crate) fn history_order(
    (a, a_time): (&SavepointEntry, Option<Timestamp>),
    (b, b_time): (&SavepointEntry, Option<Timestamp>),
) -> Ordering {
    let requested = |e: &SavepointEntry| e.state == EntryState::Requested;
    requested(b)
        .cmp(&requested(a))
        .then_with(|| newest_first(a_time, b_time))
}
