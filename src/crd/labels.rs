//! Labels the operator sets on FlinkStateSnapshots, and its last-state placeholder path.

/// Label: `SAVEPOINT` | `CHECKPOINT` (set by the operator on every reconcile).
pub const LABEL_SNAPSHOT_TYPE: &str = "snapshot.type";
/// Label: `MANUAL` | `PERIODIC` | `UPGRADE`.
pub const LABEL_TRIGGER_TYPE: &str = "snapshot.trigger-type";
/// Label: the snapshot's `status.state`.
pub const LABEL_SNAPSHOT_STATE: &str = "snapshot.state";
/// Label: `FlinkDeployment` | `FlinkSessionJob` (only once the target was found).
pub const LABEL_JOB_REF_KIND: &str = "job-reference.kind";
/// Label: name of the referenced resource (only once the target was found).
pub const LABEL_JOB_REF_NAME: &str = "job-reference.name";
/// Placeholder the operator writes into `upgradeSavepointPath` after last-state upgrades; not a path.
pub const LAST_STATE_SENTINEL: &str = "KUBERNETES_OPERATOR_LAST_STATE";
