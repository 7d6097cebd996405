//! `describe`: the model of one target's savepoint setup or of one savepoint snapshot.

use std::collections::BTreeMap;

use serde::Serialize;

use super::settings::{ScheduleView, Setting, schedule_view};
use crate::config::Layered;
use crate::history::{SavepointEntry, latest_completed};

/// A Kubernetes event about the described object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventView {
    /// `Normal` or `Warning`.
    #[serde(rename = "type")]
    pub type_: String,
    /// Short reason (`SavepointError`, `SnapshotAbandoned`).
    pub reason: String,
    /// Message.
    pub message: String,
    /// How many times it occurred.
    pub count: i32,
    /// Last occurrence (ISO-8601), if known.
    pub last_seen: Option<String>,
    /// Reporting component.
    pub source: Option<String>,
}

/// How the operator records savepoints for this resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OperatorMode {
    /// `snapshot-resources` or `legacy-status`.
    pub mode: &'static str,
    /// Whether the API server serves the FlinkStateSnapshot CRD.
    pub crd_served: bool,
    /// `kubernetes.operator.snapshot.resource.enabled` as resolved for the resource.
    pub setting: Setting,
    /// One sentence explaining the mode.
    pub reason: String,
}

impl OperatorMode {
    /// Decides the mode from CRD presence and the resolved setting.
    pub fn decide(crd_served: bool, setting: Setting) -> Self {
        let enabled = setting
            .value
            .as_deref()
            .is_none_or(|v| !v.trim().eq_ignore_ascii_case("false"));
        let (mode, reason) = match (crd_served, enabled) {
            (true, true) => (
                "snapshot-resources",
                "the FlinkStateSnapshot CRD is served and snapshot resources are enabled, so the operator \
                 records savepoints as FlinkStateSnapshot objects (unless disabled operator-wide)"
                    .to_owned(),
            ),
            (false, _) => (
                "legacy-status",
                "the FlinkStateSnapshot CRD is not served: savepoints are recorded in status.jobStatus.savepointInfo"
                    .to_owned(),
            ),
            (true, false) => (
                "legacy-status",
                format!(
                    "{} is false ({}): savepoints are recorded in status.jobStatus.savepointInfo",
                    setting.option,
                    setting.source.as_str()
                ),
            ),
        };
        Self {
            mode,
            crd_served,
            setting,
            reason,
        }
    }
}

/// A short view of one history entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EntryBrief {
    /// Snapshot name or synthetic id.
    pub id: String,
    /// `MANUAL`, `PERIODIC`, `UPGRADE`, ...
    pub trigger_type: String,
    /// State.
    pub state: String,
    /// Trigger (or completion) time, ISO-8601.
    pub time: Option<String>,
    /// Location.
    pub location: Option<String>,
}

impl From<&SavepointEntry> for EntryBrief {
    fn from(e: &SavepointEntry) -> Self {
        Self {
            id: e.id.clone(),
            trigger_type: e.trigger_type.as_str().to_owned(),
            state: e.state.as_str().to_owned(),
            time: e.time().map(crate::time::to_iso),
            location: e.location.clone(),
        }
    }
}

/// Counts and highlights of a job's savepoint history.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistorySummary {
    /// Number of entries.
    pub total: usize,
    /// Entries per state.
    pub by_state: BTreeMap<String, usize>,
    /// The newest completed savepoint (what `restore --from latest` uses).
    pub latest_completed: Option<EntryBrief>,
    /// The newest entries (at most five).
    pub recent: Vec<EntryBrief>,
}

/// Summarises a history (entries newest first).
pub fn summarize(history: &[SavepointEntry]) -> HistorySummary {
    let mut by_state = BTreeMap::new();
    for e in history {
        *by_state.entry(e.state.as_str().to_owned()).or_insert(0) += 1;
    }
    HistorySummary {
        total: history.len(),
        by_state,
        latest_completed: latest_completed(history).map(EntryBrief::from),
        recent: history.iter().take(5).map(EntryBrief::from).collect(),
    }
}

/// Everything about one target's savepoint setup.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetDescription {
    /// `app/orders`, `job/clicks`, `session/shared`.
    pub target: String,
    /// Namespace.
    pub namespace: String,
    /// The session cluster (session jobs only).
    pub session_cluster: Option<String>,
    /// Flink job state (`RUNNING`, ...).
    pub job_state: Option<String>,
    /// Lifecycle state (`STABLE`, ...).
    pub lifecycle_state: Option<String>,
    /// `spec.job.upgradeMode`.
    pub upgrade_mode: Option<String>,
    /// Savepoint directory, schedule and retention with their sources.
    pub settings: ScheduleView,
    /// Snapshot resources or legacy status.
    pub operator_mode: OperatorMode,
    /// History summary (absent for session clusters).
    pub history: Option<HistorySummary>,
    /// Related events, oldest first.
    pub events: Vec<EventView>,
}

/// Facts gathered by the plugin for [`describe_target`].
#[derive(Debug, Clone)]
pub struct TargetFacts<'a> {
    /// `app/orders`.
    pub target: String,
    /// Namespace.
    pub namespace: String,
    /// Session cluster name (session jobs).
    pub session_cluster: Option<String>,
    /// Job state.
    pub job_state: Option<String>,
    /// Lifecycle state.
    pub lifecycle_state: Option<String>,
    /// Upgrade mode.
    pub upgrade_mode: Option<String>,
    /// Configuration layers.
    pub layers: Layered<'a>,
    /// Whether the FlinkStateSnapshot CRD is served.
    pub crd_served: bool,
    /// History, newest first (`None` for a session cluster).
    pub history: Option<&'a [SavepointEntry]>,
    /// Events.
    pub events: Vec<EventView>,
}

/// Builds the description of a target.
pub fn describe_target(facts: TargetFacts<'_>) -> TargetDescription {
    let settings = schedule_view(&facts.layers);
    let operator_mode = OperatorMode::decide(facts.crd_served, settings.snapshot_resources.clone());
    TargetDescription {
        target: facts.target,
        namespace: facts.namespace,
        session_cluster: facts.session_cluster,
        job_state: facts.job_state,
        lifecycle_state: facts.lifecycle_state,
        upgrade_mode: facts.upgrade_mode,
        settings,
        operator_mode,
        history: facts.history.map(summarize),
        events: facts.events,
    }
}

#[cfg(test)]
#[path = "describe_tests.rs"]
mod tests;
