//! Pure planners, one group of files per `kubectl-savepoint` command: the plugin fetches the
//! objects, calls these functions and sends what they decide (no I/O here).
//!
//! * `trigger*`: [`trigger`] decides whether a savepoint may be requested ([`Refusal`]s,
//!   warnings) and what to send (on a [`crate::crd::Target`]);
//!   [`trigger_snapshot`] builds the FlinkStateSnapshot the plugin creates
//!   (`<job>-sp-<epoch ms>`); [`nonce`] chooses a fresh `savepointTriggerNonce` (also used by
//!   `restore`).
//! * `wait*`: [`wait`] says where a requested savepoint is in its life cycle, in both operator
//!   modes ([`wait_status`]).
//! * `schedule*`: [`schedule`] plans periodic-savepoint and retention changes
//!   ([`schedule_error`]); [`settings`] reads the settings in force and where they come from.
//! * `restore*`: [`restore`] resolves the source and plans an in-place restore;
//!   [`restore_copy`] a restore into a new job; [`restore_origin`] whether a savepoint belongs
//!   to another job.
//! * `prune*`: [`prune`] selects what `prune` and `delete` remove.
//! * `status`: [`status`] judges how recoverable each job is (the verdict and its reasons).
//! * `describe*`: [`describe`] (a target), [`describe_snapshot`] (one snapshot) and
//!   [`describe_text`] (their text form).
//!
//! Savepoint history and `list` rows are in [`crate::history`].

pub mod describe;
pub mod describe_snapshot;
pub mod describe_text;
pub mod nonce;
pub mod prune;
pub mod restore;
pub mod restore_copy;
pub mod restore_origin;
pub mod schedule;
mod schedule_dir;
pub mod schedule_error;
pub mod settings;
pub mod status;
mod status_verdict;
pub mod trigger;
pub mod trigger_snapshot;
pub mod wait;
pub mod wait_status;

pub use describe::{
    EventView, FlinkFacts, HistorySummary, OperatorMode, TargetDescription, describe_target,
};
pub use describe_snapshot::{SnapshotDescription, describe_snapshot};
pub use nonce::{choose_nonce, nonce_merge_patch};
pub use prune::{
    PruneCriteria, PruneDecision, PruneError, PrunePlan, SnapshotItem, disposal_question,
    disposes_data_on_delete, plan_prune,
};
pub use restore::{
    InPlacePlan, RestoreError, RestoreSource, plan_in_place, resolve_source, snapshot_location,
};
pub use restore_copy::{CopyPlan, plan_copy};
pub use restore_origin::{
    ForeignSavepoint, JobSavepoints, OriginCheck, check_origin, namespace_jobs, savepoint_dir_of,
};
pub use schedule::{ConfigChange, ScheduleError, SchedulePlan, ScheduleRequest, plan_schedule};
pub use settings::{ScheduleView, Setting, SettingSource, schedule_view};
pub use status::{JobRecoverability, Reason, RestFacts, StatusFacts, Verdict, job_status};
pub use trigger::{Method, Refusal, TriggerAction, TriggerInput, TriggerPlan, plan_trigger};
pub use trigger_snapshot::{
    SnapshotOptions, build_snapshot, name_epoch_ms, parse_plugin_snapshot_name,
    plugin_snapshot_name,
};
pub use wait::{
    InFlight, WaitStatus, WaitSubject, evaluate, evaluate_nonce, evaluate_snapshot, in_flight,
    latest_subject,
};
