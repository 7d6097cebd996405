//! Pure decision logic for the savepoint lifecycle commands of `kubectl-savepoint`:
//! `schedule` ([`schedule`]), `restore` ([`restore`]), `prune`/`delete` ([`prune`]) and
//! `describe` ([`describe`]). The plugin fetches objects, calls these functions and sends what
//! they return; nothing here does I/O.

pub mod describe;
pub mod describe_text;
pub mod patch;
pub mod prune;
pub mod restore;
pub mod schedule;
pub mod settings;

pub use describe::{
    EventView, HistorySummary, OperatorMode, SnapshotDescription, TargetDescription,
    describe_snapshot, describe_target,
};
pub use prune::{PruneCriteria, PruneDecision, PruneError, PrunePlan, SnapshotItem, plan_prune};
pub use restore::{
    CopyPlan, InPlacePlan, RestoreError, RestoreSource, fresh_nonce, plan_copy, plan_in_place,
    resolve_source, snapshot_location,
};
pub use schedule::{ConfigChange, ScheduleError, SchedulePlan, ScheduleRequest, plan_schedule};
pub use settings::{ScheduleView, Setting, SettingSource, schedule_view};
