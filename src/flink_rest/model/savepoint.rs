//! The asynchronous savepoint trigger: `POST /jobs/:jobid/savepoints` and its status.

use serde::{Deserialize, Serialize};

use super::values::QueueStatus;

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
