//! Value types the responses share: the tolerant enumerations and the `-1` "unknown" reader.

use serde::{Deserialize, Deserializer};

use crate::crd::string_enum;

/// Reads an integer where Flink uses `-1` (or any negative value) for "unknown": `None`.
pub(super) fn non_negative<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(Option::<i128>::deserialize(d)?.and_then(|v| u64::try_from(v).ok()))
}

// The enumerations keep values they do not know in `Unknown(String)` (newer Flink releases add
// some): the one tolerant string enum of the crate, [`string_enum!`].

/// `org.apache.flink.api.common.JobStatus`: the same tolerant enum the CRD models use for
/// `status.jobStatus.state` (the operator copies it from this REST field).
pub use crate::crd::FlinkJobState as JobState;

string_enum! {
    /// `CheckpointStatsStatus`.
    pub enum CheckpointStatus {
        InProgress = "IN_PROGRESS",
        Completed = "COMPLETED",
        Failed = "FAILED",
    }
}

string_enum! {
    /// `SavepointFormatType`; `null` on periodic checkpoints.
    pub enum SavepointFormat {
        Canonical = "CANONICAL",
        Native = "NATIVE",
    }
}

string_enum! {
    /// `checkpoint_type` (`CheckpointStatistics.RestAPICheckpointType`).
    pub enum CheckpointType {
        Checkpoint = "CHECKPOINT",
        UnalignedCheckpoint = "UNALIGNED_CHECKPOINT",
        Savepoint = "SAVEPOINT",
        SyncSavepoint = "SYNC_SAVEPOINT",
    }
}

string_enum! {
    /// `QueueStatus.Id` of an asynchronous operation (savepoint trigger).
    pub enum QueueStatus {
        InProgress = "IN_PROGRESS",
        Completed = "COMPLETED",
    }
}
