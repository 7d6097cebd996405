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
mod labels;
mod names;
mod reconciliation;
mod session_job;
mod snapshot;
mod subject;
mod target;

pub use deployment::{FlinkDeployment, FlinkDeploymentSpec, FlinkDeploymentStatus};
pub(crate) use enums::string_enum;
pub use enums::{
    FlinkJobState, JobKind, JobManagerDeploymentStatus, JobState, LifecycleState,
    ReconciliationState, SavepointFormatType, SnapshotState, SnapshotTriggerType, SnapshotType,
    UpgradeMode,
};
pub use job::{JobSpec, JobStatus, Savepoint, SavepointInfo};
pub use kind::{API_VERSION, GROUP, Kind, VERSION};
pub use labels::{
    LABEL_JOB_REF_KIND, LABEL_JOB_REF_NAME, LABEL_SNAPSHOT_STATE, LABEL_SNAPSHOT_TYPE,
    LABEL_TRIGGER_TYPE, LAST_STATE_SENTINEL,
};
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
pub use subject::Target;
pub use target::TargetRef;
