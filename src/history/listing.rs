//! Savepoint rows for `list`: every job's history from already-fetched objects, filtered and
//! ordered newest first across jobs (pure; the caller does one LIST per kind).

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use super::entry::history_order;
use crate::crd::Target;
use crate::crd::{
    FlinkDeployment, FlinkSessionJob, FlinkStateSnapshot, JobKind, SnapshotTriggerType,
};
use crate::history::{EntryState, SavepointEntry, savepoint_history};

/// Which entries to keep.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    /// Keep only these trigger types (empty = all).
    pub types: Vec<SnapshotTriggerType>,
    /// Keep only these states (empty = all).
    pub states: Vec<EntryState>,
    /// Also list savepoints of snapshots whose job no longer exists (or was not listed).
    pub include_orphans: bool,
}

impl ListFilter {
    /// Whether `entry` passes the filter.
    pub fn keeps(&self, entry: &SavepointEntry) -> bool {
        (self.types.is_empty() || self.types.contains(&entry.trigger_type))
            && (self.states.is_empty() || self.states.contains(&entry.state))
    }
}

/// Parses a `--state` value (case-insensitive; `-` or `_`; `pending` also matches
/// `TRIGGER_PENDING`).
pub fn parse_state(text: &str) -> Option<EntryState> {
    let normalized = text.trim().to_ascii_uppercase().replace('-', "_");
    Some(match normalized.as_str() {
        "REQUESTED" => EntryState::Requested,
        "PENDING" | "TRIGGER_PENDING" => EntryState::Pending,
        "IN_PROGRESS" | "INPROGRESS" | "RUNNING" => EntryState::InProgress,
        "COMPLETED" | "COMPLETE" => EntryState::Completed,
        "FAILED" => EntryState::Failed,
        "ABANDONED" => EntryState::Abandoned,
        "UNKNOWN" => EntryState::Unknown,
        _ => return None,
    })
}

/// The accepted `--state` values, for error messages.
pub const STATE_VALUES: &str =
    "requested, pending, in-progress, completed, failed, abandoned, unknown";

type JobKey = (Option<String>, String, String);

fn key(kind: &JobKind, namespace: Option<&str>, name: &str) -> JobKey {
    (
        namespace.map(str::to_owned),
        kind.as_str().to_owned(),
        name.to_owned(),
    )
}

/// Entries of every application (session clusters have no job and are skipped) and session
/// job, newest first: requested entries first, then by time (entries without a time last), then
/// by namespace, target and id.
pub fn collect_entries(
    deployments: &[FlinkDeployment],
    session_jobs: &[FlinkSessionJob],
    snapshots: &[FlinkStateSnapshot],
    filter: &ListFilter,
) -> Vec<SavepointEntry> {
    let mut by_job: BTreeMap<JobKey, Vec<FlinkStateSnapshot>> = BTreeMap::new();
    for s in snapshots.iter().filter(|s| s.is_savepoint()) {
        if let Some(r) = s.job_reference() {
            by_job
                .entry(key(&r.kind, r.namespace.as_deref(), &r.name))
                .or_default()
                .push(s.clone());
        }
    }
    let mut seen: BTreeSet<JobKey> = BTreeSet::new();
    let mut entries = Vec::new();
    let mut add = |target: Target<'_>| {
        let r = target.target_ref();
        let k = key(&r.kind, r.namespace.as_deref(), &r.name);
        let own = by_job.get(&k).map(Vec::as_slice).unwrap_or(&[]);
        entries.extend(
            savepoint_history(target, own)
                .into_iter()
                .filter(|e| filter.keeps(e)),
        );
        seen.insert(k);
    };
    deployments
        .iter()
        .filter(|d| !d.is_session_cluster())
        .for_each(|d| add(d.into()));
    session_jobs.iter().for_each(|j| add(j.into()));
    if filter.include_orphans {
        for ((namespace, kind, name), own) in by_job.iter().filter(|(k, _)| !seen.contains(*k)) {
            let (d, j);
            let target: Target<'_> = if kind == JobKind::FlinkSessionJob.as_str() {
                j = stub_session_job(namespace, name);
                (&j).into()
            } else {
                d = stub_deployment(namespace, name);
                (&d).into()
            };
            entries.extend(
                savepoint_history(target, own)
                    .into_iter()
                    .filter(|e| filter.keeps(e)),
            );
        }
    }
    entries.sort_by(compare);
    entries
}

fn stub_deployment(namespace: &Option<String>, name: &str) -> FlinkDeployment {
    let mut d = FlinkDeployment::new(name, Default::default());
    d.metadata.namespace = namespace.clone();
    d
}

fn stub_session_job(namespace: &Option<String>, name: &str) -> FlinkSessionJob {
    let mut j = FlinkSessionJob::new(name, Default::default());
    j.metadata.namespace = namespace.clone();
    j
}

/// The cross-job order of [`collect_entries`].
pub fn compare(a: &SavepointEntry, b: &SavepointEntry) -> Ordering {
    history_order((a, a.time()), (b, b.time()))
        .then_with(|| a.target.namespace.cmp(&b.target.namespace))
        .then_with(|| a.target.name.cmp(&b.target.name))
        .then_with(|| a.id.cmp(&b.id))
}

#[cfg(test)]
#[path = "listing_tests.rs"]
mod tests;
