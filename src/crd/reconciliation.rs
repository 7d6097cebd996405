//! `status.reconciliationStatus`, including decoding of the `lastReconciledSpec` JSON string.

use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::enums::ReconciliationState;
use super::job::JobSpec;
use crate::time;

/// `status.reconciliationStatus`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReconciliationStatus {
    /// Epoch ms of the last reconciliation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reconciliation_timestamp: Option<i64>,
    /// The last reconciled spec, as the JSON **string** the operator writes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_reconciled_spec: Option<String>,
    /// The last stable spec, as a JSON string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_stable_spec: Option<String>,
    /// Reconciliation state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<ReconciliationState>,
    /// Fields this crate does not model, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ReconciliationStatus {
    /// `reconciliationTimestamp` as a timestamp.
    pub fn reconciliation_time(&self) -> Option<Timestamp> {
        self.reconciliation_timestamp.and_then(time::from_epoch_ms)
    }

    /// The spec object inside `lastReconciledSpec` (see [`decode_spec_string`]).
    pub fn last_reconciled_spec_value(&self) -> Option<Map<String, Value>> {
        self.last_reconciled_spec
            .as_deref()
            .and_then(decode_spec_string)
    }

    /// The spec object inside `lastStableSpec` (see [`decode_spec_string`]).
    pub fn last_stable_spec_value(&self) -> Option<Map<String, Value>> {
        self.last_stable_spec
            .as_deref()
            .and_then(decode_spec_string)
    }

    /// `spec.job` of the last reconciled spec; `None` if absent, undecodable or not a job spec.
    pub fn last_reconciled_job_spec(&self) -> Option<JobSpec> {
        let job = self.last_reconciled_spec_value()?.remove("job")?;
        serde_json::from_value(job).ok()
    }

    /// The reconciled `savepointTriggerNonce`, i.e. the last nonce the operator has handled.
    ///
    /// Read directly from the decoded JSON so that an otherwise odd job spec does not hide it.
    pub fn reconciled_savepoint_nonce(&self) -> Option<i64> {
        savepoint_nonce_of(&self.last_reconciled_spec_value()?)
    }

    /// Whether `lastReconciledSpec` is present and decodable (the resource was deployed at least once).
    pub fn has_reconciled_spec(&self) -> bool {
        self.last_reconciled_spec_value().is_some()
    }
}

/// `job.savepointTriggerNonce` of a decoded spec object (see [`decode_spec_string`]).
pub fn savepoint_nonce_of(spec: &Map<String, Value>) -> Option<i64> {
    spec.get("job")?.get("savepointTriggerNonce")?.as_i64()
}

/// Decodes a `lastReconciledSpec` / `lastStableSpec` string into the spec object.
///
/// Accepts the current format `{"spec": {...}, "resource_metadata": {...}}` and the very old
/// format with the spec fields at the top level (next to `apiVersion`). Returns `None` for
/// empty strings, invalid JSON and non-objects; never panics.
pub fn decode_spec_string(raw: &str) -> Option<Map<String, Value>> {
    if raw.trim().is_empty() {
        return None;
    }
    let Value::Object(mut top) = serde_json::from_str::<Value>(raw).ok()? else {
        return None;
    };
    let is_current_format =
        top.contains_key("resource_metadata") || matches!(top.get("spec"), Some(Value::Object(_)));
    if is_current_format {
        return match top.remove("spec") {
            Some(Value::Object(spec)) => Some(spec),
            _ => None,
        };
    }
    // Old format: spec fields at top level, plus bookkeeping keys that are not spec fields.
    top.remove("apiVersion");
    Some(top)
}
