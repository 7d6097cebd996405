//! Serde structs for the responses; see the module docs for the tolerance rules.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

/// Reads an integer where Flink uses `-1` (or any negative value) for "unknown": `None`.
fn non_negative<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(Option::<i128>::deserialize(d)?.and_then(|v| u64::try_from(v).ok()))
}

/// A string enumeration that keeps values it does not know (newer Flink releases add some).
macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(from = "String", into = "String")]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this model does not know, verbatim.
            Other(String),
        }

        impl $name {
            /// The value as Flink spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)+
                    Self::Other(s) => s,
                }
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                match s.as_str() {
                    $($text => Self::$variant,)+
                    _ => Self::Other(s),
                }
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.as_str().to_owned()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// `org.apache.flink.api.common.JobStatus`: the same tolerant enum the CRD models use for
/// `status.jobStatus.state` (the operator copies it from this REST field).
pub use crate::crd::FlinkJobState as JobState;

open_enum! {
    /// `CheckpointStatsStatus`.
    CheckpointStatus {
        InProgress = "IN_PROGRESS",
        Completed = "COMPLETED",
        Failed = "FAILED",
    }
}

open_enum! {
    /// `SavepointFormatType`; `null` on periodic checkpoints.
    SavepointFormat {
        Canonical = "CANONICAL",
        Native = "NATIVE",
    }
}

open_enum! {
    /// `checkpoint_type` (`CheckpointStatistics.RestAPICheckpointType`).
    CheckpointType {
        Checkpoint = "CHECKPOINT",
        UnalignedCheckpoint = "UNALIGNED_CHECKPOINT",
        Savepoint = "SAVEPOINT",
        SyncSavepoint = "SYNC_SAVEPOINT",
    }
}

open_enum! {
    /// `QueueStatus.Id` of an asynchronous operation (savepoint trigger).
    QueueStatus {
        InProgress = "IN_PROGRESS",
        Completed = "COMPLETED",
    }
}

// ---- cluster and jobs ------------------------------------------------------------------------

/// `GET /overview`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ClusterOverview {
    #[serde(default)]
    pub flink_version: Option<String>,
    #[serde(default)]
    pub flink_commit: Option<String>,
    #[serde(default)]
    pub taskmanagers: Option<u64>,
    #[serde(default)]
    pub slots_total: Option<u64>,
    #[serde(default)]
    pub slots_available: Option<u64>,
    #[serde(default)]
    pub jobs_running: Option<u64>,
    #[serde(default)]
    pub jobs_finished: Option<u64>,
    #[serde(default)]
    pub jobs_cancelled: Option<u64>,
    #[serde(default)]
    pub jobs_failed: Option<u64>,
}

/// `GET /jobs/overview`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobsOverview {
    pub jobs: Vec<JobOverview>,
}

/// One entry of `GET /jobs/overview`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct JobOverview {
    pub jid: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub state: Option<JobState>,
    /// Epoch milliseconds.
    #[serde(default, deserialize_with = "non_negative")]
    pub start_time: Option<u64>,
    #[serde(default, deserialize_with = "non_negative")]
    pub end_time: Option<u64>,
    /// Milliseconds.
    #[serde(default, deserialize_with = "non_negative")]
    pub duration: Option<u64>,
}

/// `GET /jobs/:jobid` (the part the plugin uses; the plan and metrics are left out).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct JobDetails {
    pub jid: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub state: Option<JobState>,
    #[serde(default)]
    pub job_type: Option<String>,
    #[serde(default, deserialize_with = "non_negative")]
    pub start_time: Option<u64>,
    #[serde(default, deserialize_with = "non_negative")]
    pub end_time: Option<u64>,
    #[serde(default, deserialize_with = "non_negative")]
    pub duration: Option<u64>,
    #[serde(default)]
    pub vertices: Vec<JobVertex>,
}

/// A vertex of `GET /jobs/:jobid`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobVertex {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub parallelism: Option<u64>,
    #[serde(default)]
    pub status: Option<String>,
}

// ---- checkpoints -----------------------------------------------------------------------------

/// `GET /jobs/:jobid/checkpoints` (`CheckpointingStatistics`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckpointingStatistics {
    pub counts: CheckpointCounts,
    #[serde(default)]
    pub summary: Option<CheckpointSummary>,
    #[serde(default)]
    pub latest: LatestCheckpoints,
    /// Newest first, bounded by `web.checkpoints.history`.
    #[serde(default)]
    pub history: Vec<CheckpointStatistics>,
}

/// `counts`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CheckpointCounts {
    #[serde(default)]
    pub restored: u64,
    #[serde(default)]
    pub total: u64,
    #[serde(default)]
    pub in_progress: u64,
    #[serde(default)]
    pub completed: u64,
    #[serde(default)]
    pub failed: u64,
}

/// `summary`: statistics over the completed checkpoints still in memory.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CheckpointSummary {
    #[serde(default)]
    pub state_size: Option<MinMaxAvg>,
    #[serde(default)]
    pub checkpointed_size: Option<MinMaxAvg>,
    #[serde(default)]
    pub end_to_end_duration: Option<MinMaxAvg>,
}

/// `MinMaxAvgStatistics` (Flink sends integers for min/max/avg, floats for percentiles).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MinMaxAvg {
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
    #[serde(default)]
    pub avg: Option<f64>,
    #[serde(default)]
    pub p50: Option<f64>,
    #[serde(default)]
    pub p90: Option<f64>,
    #[serde(default)]
    pub p99: Option<f64>,
}

/// `latest`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LatestCheckpoints {
    #[serde(default)]
    pub completed: Option<CheckpointStatistics>,
    #[serde(default)]
    pub savepoint: Option<CheckpointStatistics>,
    #[serde(default)]
    pub failed: Option<CheckpointStatistics>,
    #[serde(default)]
    pub restored: Option<RestoredCheckpoint>,
}

/// `latest.restored`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RestoredCheckpoint {
    pub id: u64,
    #[serde(default, deserialize_with = "non_negative")]
    pub restore_timestamp: Option<u64>,
    #[serde(default)]
    pub is_savepoint: bool,
    #[serde(default)]
    pub external_path: Option<String>,
}

/// One checkpoint or savepoint: a `history` entry, `latest.completed|savepoint|failed`, or the
/// body of `GET /jobs/:jobid/checkpoints/details/:id` (which also fills `tasks`).
///
/// The three Flink subclasses (`className` `in_progress`, `completed`, `failed`) share this one
/// struct; fields of the other kinds are simply absent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckpointStatistics {
    pub id: u64,
    #[serde(default)]
    pub status: Option<CheckpointStatus>,
    #[serde(default, rename = "className")]
    pub class_name: Option<String>,
    #[serde(default)]
    pub is_savepoint: bool,
    #[serde(default, rename = "savepointFormat")]
    pub savepoint_format: Option<SavepointFormat>,
    #[serde(default)]
    pub checkpoint_type: Option<CheckpointType>,
    /// Epoch milliseconds.
    #[serde(default, deserialize_with = "non_negative")]
    pub trigger_timestamp: Option<u64>,
    /// Epoch milliseconds; absent (Flink: `-1`) until the first subtask acknowledged.
    #[serde(default, deserialize_with = "non_negative")]
    pub latest_ack_timestamp: Option<u64>,
    /// Full state size in bytes (Flink 1.15+: the whole state; before: what was written).
    #[serde(default, deserialize_with = "non_negative")]
    pub state_size: Option<u64>,
    /// Bytes this checkpoint persisted (Flink 1.15+; less than `state_size` when incremental).
    #[serde(default, deserialize_with = "non_negative")]
    pub checkpointed_size: Option<u64>,
    /// Milliseconds from trigger to the latest acknowledgement (so far, when in progress).
    #[serde(default, deserialize_with = "non_negative")]
    pub end_to_end_duration: Option<u64>,
    #[serde(default, deserialize_with = "non_negative")]
    pub processed_data: Option<u64>,
    #[serde(default, deserialize_with = "non_negative")]
    pub persisted_data: Option<u64>,
    #[serde(default, deserialize_with = "non_negative")]
    pub num_subtasks: Option<u64>,
    #[serde(default, deserialize_with = "non_negative")]
    pub num_acknowledged_subtasks: Option<u64>,
    /// Completed only: where it is, as the savepoint trigger reports it.
    #[serde(default)]
    pub external_path: Option<String>,
    /// Completed only.
    #[serde(default)]
    pub discarded: Option<bool>,
    /// Failed only.
    #[serde(default, deserialize_with = "non_negative")]
    pub failure_timestamp: Option<u64>,
    /// Failed only.
    #[serde(default)]
    pub failure_message: Option<String>,
    /// Per job vertex id; empty in the statistics list, filled in the details.
    #[serde(default)]
    pub tasks: BTreeMap<String, TaskCheckpointStatistics>,
}

/// Per-vertex entry of `tasks` (`TaskCheckpointStatistics`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskCheckpointStatistics {
    #[serde(default)]
    pub id: Option<u64>,
    #[serde(default)]
    pub status: Option<CheckpointStatus>,
    #[serde(default, deserialize_with = "non_negative")]
    pub latest_ack_timestamp: Option<u64>,
    #[serde(default, deserialize_with = "non_negative")]
    pub state_size: Option<u64>,
    #[serde(default, deserialize_with = "non_negative")]
    pub checkpointed_size: Option<u64>,
    #[serde(default, deserialize_with = "non_negative")]
    pub end_to_end_duration: Option<u64>,
    #[serde(default, deserialize_with = "non_negative")]
    pub num_subtasks: Option<u64>,
    #[serde(default, deserialize_with = "non_negative")]
    pub num_acknowledged_subtasks: Option<u64>,
}

/// `GET /jobs/:jobid/checkpoints/config` (the part worth showing).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckpointConfig {
    #[serde(default)]
    pub mode: Option<String>,
    /// Milliseconds.
    #[serde(default, deserialize_with = "non_negative")]
    pub interval: Option<u64>,
    #[serde(default, deserialize_with = "non_negative")]
    pub timeout: Option<u64>,
    #[serde(default, deserialize_with = "non_negative")]
    pub min_pause: Option<u64>,
    #[serde(default, deserialize_with = "non_negative")]
    pub max_concurrent: Option<u64>,
    #[serde(default)]
    pub externalization: Option<Externalization>,
    #[serde(default)]
    pub state_backend: Option<String>,
    #[serde(default)]
    pub checkpoint_storage: Option<String>,
    #[serde(default)]
    pub unaligned_checkpoints: Option<bool>,
    #[serde(default, deserialize_with = "non_negative")]
    pub tolerable_failed_checkpoints: Option<u64>,
}

/// `externalization` of the checkpoint config.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Externalization {
    #[serde(default)]
    pub enabled: bool,
    #[serde(default)]
    pub delete_on_cancellation: bool,
}

// ---- savepoint trigger -----------------------------------------------------------------------

/// `POST /jobs/:jobid/savepoints` answer (`TriggerResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TriggerResponse {
    #[serde(rename = "request-id")]
    pub request_id: String,
}

/// `GET /jobs/:jobid/savepoints/:triggerid` (`AsynchronousOperationResult<SavepointInfo>`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavepointStatus {
    pub status: QueueStatusBody,
    /// `null` while in progress.
    #[serde(default)]
    pub operation: Option<SavepointInfo>,
}

/// `status` of an asynchronous operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueStatusBody {
    pub id: QueueStatus,
}

/// `operation` of a finished savepoint trigger: a location or a failure cause.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavepointInfo {
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default, rename = "failure-cause")]
    pub failure_cause: Option<FailureCause>,
}

/// `SerializedThrowable` as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailureCause {
    #[serde(default)]
    pub class: Option<String>,
    #[serde(default, rename = "stack-trace")]
    pub stack_trace: Option<String>,
    /// Base64 of the Java-serialised exception; kept opaque.
    #[serde(default, rename = "serialized-throwable")]
    pub serialized_throwable: Option<String>,
}
