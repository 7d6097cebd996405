//! `describe flinkstatesnapshot/NAME`: the model of one savepoint snapshot.

use serde::Serialize;

use super::describe::EventView;
use crate::crd::FlinkStateSnapshot;

/// Everything about one FlinkStateSnapshot.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotDescription {
    /// Name.
    pub name: String,
    /// Namespace.
    pub namespace: Option<String>,
    /// `app/orders` / `job/clicks` (from `spec.jobReference`).
    pub job: Option<String>,
    /// `SAVEPOINT` or `CHECKPOINT`.
    pub snapshot_type: &'static str,
    /// `MANUAL`, `PERIODIC`, `UPGRADE`.
    pub trigger_type: String,
    /// `status.state`.
    pub state: String,
    /// `status.path`.
    pub path: Option<String>,
    /// `spec.savepoint.path` (target directory or registered location).
    pub target_directory: Option<String>,
    /// `spec.savepoint.formatType`.
    pub format: Option<String>,
    /// Whether deleting the object disposes the data (absent ⇒ operator default `true`).
    pub dispose_on_delete: bool,
    /// `spec.savepoint.alreadyExists`.
    pub already_exists: bool,
    /// `spec.backoffLimit`.
    pub backoff_limit: Option<i64>,
    /// `status.failures`.
    pub failures: Option<i64>,
    /// `status.error`.
    pub error: Option<String>,
    /// `status.triggerId`.
    pub trigger_id: Option<String>,
    /// `status.triggerTimestamp`.
    pub triggered: Option<String>,
    /// `status.resultTimestamp`.
    pub result: Option<String>,
    /// `metadata.creationTimestamp`.
    pub created: Option<String>,
    /// Whether it is the newest completed savepoint of its job (`None` if unknown).
    pub latest_completed_of_job: Option<bool>,
    /// Related events.
    pub events: Vec<EventView>,
}

/// Builds the description of a snapshot.
pub fn describe_snapshot(
    snapshot: &FlinkStateSnapshot,
    latest_completed_of_job: Option<bool>,
    events: Vec<EventView>,
) -> SnapshotDescription {
    let savepoint = snapshot.spec.savepoint.as_ref();
    let status = snapshot.status.as_ref();
    SnapshotDescription {
        name: snapshot.metadata.name.clone().unwrap_or_default(),
        namespace: snapshot.metadata.namespace.clone(),
        job: snapshot.job_reference().map(|r| {
            let prefix = match r.kind {
                crate::crd::JobKind::Unknown(ref other) => other.to_ascii_lowercase(),
                ref known => crate::crd::Kind::of_job(known).prefix().to_owned(),
            };
            format!("{prefix}/{}", r.name)
        }),
        snapshot_type: if snapshot.is_savepoint() {
            "SAVEPOINT"
        } else {
            "CHECKPOINT"
        },
        trigger_type: snapshot.trigger_type().as_str().to_owned(),
        state: snapshot.state().as_str().to_owned(),
        path: snapshot.path().map(str::to_owned),
        target_directory: savepoint.and_then(|s| s.path.clone()),
        format: savepoint
            .and_then(|s| s.format_type.as_ref())
            .map(|f| f.as_str().to_owned()),
        dispose_on_delete: savepoint.and_then(|s| s.dispose_on_delete).unwrap_or(true),
        already_exists: savepoint.and_then(|s| s.already_exists).unwrap_or(false),
        backoff_limit: snapshot.spec.backoff_limit,
        failures: status.and_then(|s| s.failures),
        error: status
            .and_then(|s| s.error.clone())
            .filter(|e| !e.is_empty()),
        trigger_id: status.and_then(|s| s.trigger_id.clone()),
        triggered: status.and_then(|s| s.trigger_timestamp.clone()),
        result: status.and_then(|s| s.result_timestamp.clone()),
        created: snapshot.creation_time().map(crate::time::to_iso),
        latest_completed_of_job,
        events,
    }
}
