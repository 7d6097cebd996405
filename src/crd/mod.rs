//! Typed, tolerant models of the Flink operator custom resources (`flink.apache.org/v1beta1`).
//!
//! Every struct keeps unknown fields in `extra` (flattened), every `Option` is skipped when
//! `None`, and every enum keeps unknown values in an `Unknown(String)` variant, so that
//! deserialize → serialize returns the same JSON and a patch never drops operator fields.
//! These types derive `kube::CustomResource` for a typed `kube::Api<T>`; the generated CRD is
//! never installed (the Flink operator owns it).

mod accessors;
mod deployment;
mod enums;
mod job;
mod kind;
mod names;
mod reconciliation;
mod session_job;
mod snapshot;
mod target;

pub use deployment::{FlinkDeployment, FlinkDeploymentSpec, FlinkDeploymentStatus};
pub use enums::{
    FlinkJobState, JobKind, JobManagerDeploymentStatus, JobState, LifecycleState,
    ReconciliationState, SavepointFormatType, SnapshotState, SnapshotTriggerType, SnapshotType,
    UpgradeMode,
};
pub use job::{JobSpec, JobStatus, Savepoint, SavepointInfo};
pub use kind::{API_VERSION, GROUP, Kind, VERSION};
pub use names::{
    MAX_NAME_LEN, OperatorSnapshotName, is_object_name, operator_snapshot_name,
    parse_operator_snapshot_name,
};
pub use reconciliation::{ReconciliationStatus, decode_spec_string, savepoint_nonce_of};
pub use session_job::{FlinkSessionJob, FlinkSessionJobSpec, FlinkSessionJobStatus};
pub use snapshot::{
    CheckpointSpec, FlinkStateSnapshot, FlinkStateSnapshotSpec, FlinkStateSnapshotStatus,
    JobReference, SavepointSpec,
};
pub use target::TargetRef;

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
