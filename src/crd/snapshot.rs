//! FlinkStateSnapshot (`flinkstatesnapshots.flink.apache.org`, shortname `flinksnp`).

use jiff::Timestamp;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::enums::{
    JobKind, SavepointFormatType, SnapshotState, SnapshotTriggerType, SnapshotType,
};
use super::labels::{LABEL_SNAPSHOT_TYPE, LABEL_TRIGGER_TYPE};
use super::names::parse_operator_snapshot_name;
use super::target::TargetRef;
use crate::time;

/// `spec` of a FlinkStateSnapshot.
#[derive(CustomResource, Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "flink.apache.org",
    version = "v1beta1",
    kind = "FlinkStateSnapshot",
    plural = "flinkstatesnapshots",
    shortname = "flinksnp",
    namespaced,
    status = "FlinkStateSnapshotStatus",
    derive = "PartialEq",
    derive = "Default"
)]
#[serde(rename_all = "camelCase")]
pub struct FlinkStateSnapshotSpec {
    /// The job this snapshot belongs to (same namespace).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_reference: Option<JobReference>,
    /// Present for savepoints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub savepoint: Option<SavepointSpec>,
    /// Present (usually `{}`) for checkpoints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<CheckpointSpec>,
    /// Retries after failure: `-1` unlimited (correct only after operator 1.15), `0` none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backoff_limit: Option<i64>,
    /// Fields this crate does not model, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `spec.jobReference`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct JobReference {
    /// `FlinkDeployment` or `FlinkSessionJob`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<JobKind>,
    /// Name of the referenced resource in the snapshot's namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Fields this crate does not model, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `spec.savepoint`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SavepointSpec {
    /// Target **directory** (or the existing location when `alreadyExists`); `None` ⇒ the job's
    /// configured savepoint directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Savepoint format (operator default `CANONICAL`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format_type: Option<SavepointFormatType>,
    /// Dispose the savepoint data when the CR is deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispose_on_delete: Option<bool>,
    /// Register an existing savepoint at `path` instead of triggering one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub already_exists: Option<bool>,
    /// Fields this crate does not model, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `spec.checkpoint` (an empty object means "trigger a checkpoint").
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CheckpointSpec {
    /// Fields this crate does not model, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `status` of a FlinkStateSnapshot. Timestamps are ISO-8601 strings as the operator writes them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FlinkStateSnapshotStatus {
    /// Snapshot state (operator default `TRIGGER_PENDING`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<SnapshotState>,
    /// Flink REST trigger id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger_id: Option<String>,
    /// Trigger time (ISO-8601 instant).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger_timestamp: Option<String>,
    /// Completion / failure / abandon time (ISO-8601 instant).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_timestamp: Option<String>,
    /// Final location of the snapshot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Last error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Number of failures so far.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failures: Option<i64>,
    /// Fields this crate does not model, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl FlinkStateSnapshotStatus {
    /// `triggerTimestamp` decoded (ISO-8601 or epoch ms).
    pub fn trigger_time(&self) -> Option<Timestamp> {
        self.trigger_timestamp
            .as_deref()
            .and_then(time::parse_timestamp_str)
    }

    /// `resultTimestamp` decoded (ISO-8601 or epoch ms).
    pub fn result_time(&self) -> Option<Timestamp> {
        self.result_timestamp
            .as_deref()
            .and_then(time::parse_timestamp_str)
    }
}

impl FlinkStateSnapshot {
    /// A label value, if set.
    pub fn label(&self, key: &str) -> Option<&str> {
        self.metadata.labels.as_ref()?.get(key).map(String::as_str)
    }

    /// Whether this is a savepoint: `spec.savepoint` is set, or (without either spec block) the
    /// `snapshot.type` label says `SAVEPOINT`.
    pub fn is_savepoint(&self) -> bool {
        if self.spec.savepoint.is_some() {
            return true;
        }
        self.spec.checkpoint.is_none()
            && self.label(LABEL_SNAPSHOT_TYPE).map(SnapshotType::from)
                == Some(SnapshotType::Savepoint)
    }

    /// Whether this is a checkpoint (`spec.checkpoint` set and no `spec.savepoint`).
    pub fn is_checkpoint(&self) -> bool {
        self.spec.savepoint.is_none() && self.spec.checkpoint.is_some()
    }

    /// The referenced job as a [`TargetRef`] in this snapshot's namespace; `None` if the spec has
    /// no complete `jobReference` (kind and non-empty name).
    pub fn job_reference(&self) -> Option<TargetRef> {
        let reference = self.spec.job_reference.as_ref()?;
        let name = reference.name.as_deref().filter(|n| !n.is_empty())?;
        let kind = reference.kind.clone()?;
        Some(TargetRef::new(
            kind,
            self.metadata.namespace.clone(),
            name.to_owned(),
        ))
    }

    /// The `snapshot.trigger-type` label, if present.
    pub fn trigger_type_label(&self) -> Option<SnapshotTriggerType> {
        self.label(LABEL_TRIGGER_TYPE)
            .map(SnapshotTriggerType::from)
    }

    /// Trigger type: the `snapshot.trigger-type` label, else the operator's name pattern
    /// `<job>-savepoint-<manual|periodic|upgrade>-<ms>`, else `MANUAL` (the operator's default
    /// for user-created snapshots).
    pub fn trigger_type(&self) -> SnapshotTriggerType {
        if let Some(label) = self.trigger_type_label() {
            return label;
        }
        self.metadata
            .name
            .as_deref()
            .and_then(parse_operator_snapshot_name)
            .map(|parsed| parsed.trigger_type)
            .unwrap_or(SnapshotTriggerType::Manual)
    }

    /// `status.state`, or `TRIGGER_PENDING` (the operator's initial state) without a status.
    pub fn state(&self) -> SnapshotState {
        self.status
            .as_ref()
            .and_then(|s| s.state.clone())
            .unwrap_or(SnapshotState::TriggerPending)
    }

    /// Final location (`status.path`), if non-empty.
    pub fn path(&self) -> Option<&str> {
        self.status
            .as_ref()?
            .path
            .as_deref()
            .filter(|p| !p.is_empty())
    }

    /// `status.triggerTimestamp` decoded.
    pub fn trigger_time(&self) -> Option<Timestamp> {
        self.status.as_ref()?.trigger_time()
    }

    /// `status.resultTimestamp` decoded.
    pub fn result_time(&self) -> Option<Timestamp> {
        self.status.as_ref()?.result_time()
    }

    /// `metadata.creationTimestamp` as a timestamp.
    pub fn creation_time(&self) -> Option<Timestamp> {
        self.metadata.creation_timestamp.as_ref().map(|t| t.0)
    }

    /// The savepoint format from `spec.savepoint.formatType`.
    pub fn format_type(&self) -> Option<&SavepointFormatType> {
        self.spec.savepoint.as_ref()?.format_type.as_ref()
    }
}
