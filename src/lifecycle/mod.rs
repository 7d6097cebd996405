//! Pure decision logic for the savepoint lifecycle commands of `kubectl-savepoint`:
//! `schedule` ([`schedule`]), `restore` ([`restore`]), `prune`/`delete` ([`prune`]) and
//! `describe` ([`describe`]). The plugin fetches objects, calls these functions and sends what
//! they return; nothing here does I/O.

pub mod describe;
pub mod describe_snapshot;
pub mod describe_text;
pub mod prune;
pub mod restore;
pub mod restore_copy;
pub mod schedule;
pub mod schedule_error;
pub mod settings;
pub mod status;

pub use describe::{
    EventView, FlinkFacts, HistorySummary, OperatorMode, TargetDescription, describe_target,
};
pub use describe_snapshot::{SnapshotDescription, describe_snapshot};
pub use prune::{PruneCriteria, PruneDecision, PruneError, PrunePlan, SnapshotItem, plan_prune};
pub use restore::{
    InPlacePlan, RestoreError, RestoreSource, plan_in_place, resolve_source, snapshot_location,
};
pub use restore_copy::{CopyPlan, plan_copy};
pub use schedule::{ConfigChange, ScheduleError, SchedulePlan, ScheduleRequest, plan_schedule};
pub use settings::{ScheduleView, Setting, SettingSource, schedule_view};
pub use status::{JobRecoverability, Reason, RestFacts, StatusFacts, Verdict, job_status};
