//! `spec.job` (JobSpec) and `status.jobStatus` (JobStatus, SavepointInfo, Savepoint),
//! shared by FlinkDeployment and FlinkSessionJob.

use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::enums::{
    FlinkJobState, JobState, SavepointFormatType, SnapshotTriggerType, UpgradeMode,
};
use crate::time;

/// `spec.job` of a FlinkDeployment (application mode) or FlinkSessionJob.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct JobSpec {
    /// Job jar location.
    #[serde(rename = "jarURI", default, skip_serializing_if = "Option::is_none")]
    pub jar_uri: Option<String>,
    /// Job parallelism.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parallelism: Option<i64>,
    /// Main class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_class: Option<String>,
    /// Program arguments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub args: Option<Vec<String>>,
    /// Desired job state (operator default: running).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<JobState>,
    /// Upgrade mode (operator default: stateless).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upgrade_mode: Option<UpgradeMode>,
    /// Deprecated manual savepoint trigger: fires when set to a non-null value that differs
    /// from the reconciled one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub savepoint_trigger_nonce: Option<i64>,
    /// Deprecated manual checkpoint trigger.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint_trigger_nonce: Option<i64>,
    /// Restore path for the first deployment and for `savepointRedeployNonce` redeploys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_savepoint_path: Option<String>,
    /// Changing it redeploys (stateless) from `initialSavepointPath`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub savepoint_redeploy_nonce: Option<i64>,
    /// Maps to `execution.savepoint.ignore-unclaimed-state`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_non_restored_state: Option<bool>,
    /// Autoscaler reset trigger (1.11+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autoscaler_reset_nonce: Option<i64>,
    /// Fields this crate does not model, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `status.jobStatus`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct JobStatus {
    /// Flink job name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_name: Option<String>,
    /// Flink job id (hex).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_id: Option<String>,
    /// Flink job status (`RUNNING`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<FlinkJobState>,
    /// Job start time as the operator writes it (epoch ms inside a string).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// Last status update time (epoch ms inside a string).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_time: Option<String>,
    /// Savepoint/checkpoint the next stateful restore uses; may be [`super::LAST_STATE_SENTINEL`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upgrade_savepoint_path: Option<String>,
    /// Legacy savepoint bookkeeping (deprecated by the operator, still written).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub savepoint_info: Option<SavepointInfo>,
    /// Legacy checkpoint bookkeeping (kept loosely typed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint_info: Option<Value>,
    /// Fields this crate does not model, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl JobStatus {
    /// Whether Flink reports the job as `RUNNING`.
    pub fn is_running(&self) -> bool {
        self.state.as_ref().is_some_and(FlinkJobState::is_running)
    }

    /// `startTime` decoded (epoch ms or ISO-8601).
    pub fn start_time(&self) -> Option<Timestamp> {
        self.start_time
            .as_deref()
            .and_then(time::parse_timestamp_str)
    }

    /// `updateTime` decoded (epoch ms or ISO-8601).
    pub fn update_time(&self) -> Option<Timestamp> {
        self.update_time
            .as_deref()
            .and_then(time::parse_timestamp_str)
    }
}

/// `status.jobStatus.savepointInfo` (legacy savepoint bookkeeping).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SavepointInfo {
    /// Last completed savepoint (legacy mode only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_savepoint: Option<Savepoint>,
    /// Flink REST trigger id of the pending savepoint; non-empty ⇔ in progress.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger_id: Option<String>,
    /// Epoch ms of the pending trigger.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger_timestamp: Option<i64>,
    /// Trigger type of the pending savepoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger_type: Option<SnapshotTriggerType>,
    /// Format of the pending savepoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format_type: Option<SavepointFormatType>,
    /// Completed savepoints (legacy mode), oldest first as the operator appends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub savepoint_history: Option<Vec<Savepoint>>,
    /// Epoch ms of the last periodic savepoint (0 = never).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_periodic_savepoint_timestamp: Option<i64>,
    /// Fields this crate does not model, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl SavepointInfo {
    /// The pending legacy trigger id, if one is in progress (empty strings count as none).
    pub fn pending_trigger_id(&self) -> Option<&str> {
        self.trigger_id
            .as_deref()
            .filter(|id| !id.trim().is_empty())
    }

    /// `triggerTimestamp` as a timestamp.
    pub fn trigger_time(&self) -> Option<Timestamp> {
        self.trigger_timestamp.and_then(time::from_epoch_ms)
    }

    /// `lastPeriodicSavepointTimestamp` as a timestamp (`0` = never ⇒ `None`).
    pub fn last_periodic_savepoint_time(&self) -> Option<Timestamp> {
        self.last_periodic_savepoint_timestamp
            .filter(|ms| *ms > 0)
            .and_then(time::from_epoch_ms)
    }

    /// The history entries (empty when absent).
    pub fn history(&self) -> &[Savepoint] {
        self.savepoint_history.as_deref().unwrap_or(&[])
    }
}

/// One legacy savepoint record (`lastSavepoint`, `savepointHistory[]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Savepoint {
    /// Epoch ms (note the capital S): trigger time, or cancel time for upgrades.
    #[serde(rename = "timeStamp", default, skip_serializing_if = "Option::is_none")]
    pub time_stamp: Option<i64>,
    /// Final savepoint location.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Trigger type (operator default `UNKNOWN`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger_type: Option<SnapshotTriggerType>,
    /// Format (operator default `UNKNOWN`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format_type: Option<SavepointFormatType>,
    /// The nonce that requested it (MANUAL only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger_nonce: Option<i64>,
    /// Fields this crate does not model, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Savepoint {
    /// `timeStamp` as a timestamp.
    pub fn time(&self) -> Option<Timestamp> {
        self.time_stamp.and_then(time::from_epoch_ms)
    }
}
