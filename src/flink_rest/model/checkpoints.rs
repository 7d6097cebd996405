//! `GET /jobs/:jobid/checkpoints`, its details and its config.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::values::{CheckpointStatus, CheckpointType, SavepointFormat, non_negative};

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
