//! Savepoint triggering and waiting decisions for `kubectl-savepoint` (pure, no I/O).
//!
//! * [`nonce`]: choosing a fresh `savepointTriggerNonce` and the guarded patch that sets it.
//! * [`snapshot`]: FlinkStateSnapshot objects the plugin creates (`<job>-sp-<epoch ms>`).
//! * [`plan`]: whether a trigger may proceed ([`Refusal`]s, warnings) and what to send.
//! * [`listing`]: `list` rows across jobs (filters, newest-first order, orphaned snapshots).
//! * [`wait`]: where a requested savepoint is in its life cycle, in both operator modes.

pub mod listing;
pub mod nonce;
pub mod plan;
pub mod snapshot;
pub mod subject;
pub mod wait;
pub mod wait_status;

pub use nonce::{choose_nonce, nonce_merge_patch};
pub use plan::{
    Method, Refusal, TriggerAction, TriggerInput, TriggerPlan, TriggerSubject, plan_trigger,
};
pub use snapshot::{
    SnapshotOptions, build_snapshot, name_epoch_ms, parse_plugin_snapshot_name,
    plugin_snapshot_name,
};
pub use wait::{
    InFlight, WaitStatus, WaitSubject, evaluate, evaluate_nonce, evaluate_snapshot, in_flight,
    latest_subject,
};
