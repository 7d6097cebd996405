//! `prune` and `delete`: which FlinkStateSnapshot savepoints to remove, never the newest
//! completed savepoint of a job unless asked explicitly.

use std::time::Duration;

use jiff::Timestamp;
use serde::Serialize;
use thiserror::Error;

use crate::crd::{FlinkStateSnapshot, SnapshotState};
use crate::history::newest_first;
use crate::time::serialize_opt_iso;

/// A savepoint FlinkStateSnapshot as prune sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotItem {
    /// Object name.
    pub name: String,
    /// `metadata.uid` (delete precondition).
    pub uid: Option<String>,
    /// `metadata.resourceVersion` (delete precondition).
    pub resource_version: Option<String>,
    /// Snapshot state.
    pub state: String,
    /// Whether the state is COMPLETED.
    pub completed: bool,
    /// Whether the operator is still working on it (pending or in progress).
    pub active: bool,
    /// Trigger time, else result time, else creation time.
    #[serde(serialize_with = "serialize_opt_iso")]
    pub time: Option<Timestamp>,
    /// Final location, if known.
    pub location: Option<String>,
    /// `spec.savepoint.disposeOnDelete` (absent means `true`, the operator's default).
    pub dispose_on_delete: bool,
    /// Whether deleting the object makes the operator dispose savepoint data
    /// ([`disposes_data_on_delete`]): the deletion destroys data and needs a confirmation.
    pub disposes_data: bool,
}

/// Whether deleting `snapshot` makes the operator dispose savepoint data, following the
/// operator's cleanup (`StateSnapshotReconciler#cleanup`):
///
/// * only savepoints (`spec.savepoint` set; a checkpoint is never disposed) with
///   `disposeOnDelete` true or absent (the field defaults to `true`) and a `jobReference`;
/// * `COMPLETED` with a recorded `status.path`: disposed through the referenced job's cluster;
/// * `IN_PROGRESS`: the operator waits for the savepoint to finish and then disposes it;
/// * `TRIGGER_PENDING`, `FAILED`, `ABANDONED` (and unknown states): deleted without disposal.
pub fn disposes_data_on_delete(snapshot: &FlinkStateSnapshot) -> bool {
    let Some(savepoint) = snapshot.spec.savepoint.as_ref() else {
        return false;
    };
    if savepoint.dispose_on_delete == Some(false) || snapshot.job_reference().is_none() {
        return false;
    }
    match snapshot.state() {
        SnapshotState::Completed => snapshot.path().is_some(),
        SnapshotState::InProgress => true,
        _ => false,
    }
}

impl SnapshotItem {
    /// Builds the item of a savepoint snapshot. `disposeOnDelete` absent means `true` (the
    /// operator's default for the field).
    pub fn from_snapshot(snapshot: &FlinkStateSnapshot) -> Self {
        let state = snapshot.state();
        let savepoint = snapshot.spec.savepoint.as_ref();
        Self {
            name: snapshot.metadata.name.clone().unwrap_or_default(),
            uid: snapshot.metadata.uid.clone(),
            resource_version: snapshot.metadata.resource_version.clone(),
            state: state.as_str().to_owned(),
            completed: state == SnapshotState::Completed,
            active: matches!(
                state,
                SnapshotState::TriggerPending | SnapshotState::InProgress
            ),
            time: snapshot
                .trigger_time()
                .or_else(|| snapshot.result_time())
                .or_else(|| snapshot.creation_time()),
            location: snapshot.path().map(str::to_owned).or_else(|| {
                savepoint
                    .filter(|s| s.already_exists == Some(true))
                    .and_then(|s| s.path.clone())
            }),
            dispose_on_delete: savepoint.and_then(|s| s.dispose_on_delete).unwrap_or(true),
            disposes_data: disposes_data_on_delete(snapshot),
        }
    }
}

/// `--keep`, `--older-than`, `--include-latest`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PruneCriteria {
    /// Keep the N newest completed savepoints.
    pub keep: Option<u32>,
    /// Only remove savepoints older than this.
    pub older_than: Option<Duration>,
    /// Allow removing the newest completed savepoint.
    pub include_latest: bool,
}

/// The verdict on one snapshot.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PruneDecision {
    /// The snapshot.
    #[serde(flatten)]
    pub item: SnapshotItem,
    /// Whether it will be removed.
    pub delete: bool,
    /// Why.
    pub reason: String,
}

/// All verdicts, newest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PrunePlan {
    /// One decision per savepoint snapshot of the job.
    pub decisions: Vec<PruneDecision>,
}

impl PrunePlan {
    /// The snapshots to remove.
    pub fn to_delete(&self) -> impl Iterator<Item = &PruneDecision> {
        self.decisions.iter().filter(|d| d.delete)
    }

    /// The snapshots to remove whose data the operator disposes (see [`disposes_data_on_delete`]).
    pub fn disposing(&self) -> impl Iterator<Item = &SnapshotItem> {
        self.to_delete()
            .map(|d| &d.item)
            .filter(|i| i.disposes_data)
    }
}

/// The confirmation question for deleting `items`, when any of them has data the operator will
/// dispose (`None`: nothing is disposed, no confirmation is needed). `what` names the selection
/// (`3 savepoint(s) of app/orders`).
pub fn disposal_question(items: &[&SnapshotItem], what: &str) -> Option<String> {
    let disposing: Vec<&str> = items
        .iter()
        .filter(|i| i.disposes_data)
        .map(|i| i.name.as_str())
        .collect();
    if disposing.is_empty() {
        return None;
    }
    Some(format!(
        "Delete {what}? The operator DISPOSES the savepoint data of {} of them ({}); it cannot be recovered",
        disposing.len(),
        disposing.join(", ")
    ))
}

/// Why a prune is refused (nothing is removed).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PruneError {
    /// Neither criterion given.
    #[error(
        "say what to prune: --keep N (keep the N newest completed savepoints) and/or --older-than DURATION"
    )]
    NoCriteria,
    /// The criteria select the newest completed savepoint.
    #[error(
        "refusing to remove {name}, the newest completed savepoint of {target}: it is what the job \
         would restore from; keep it (e.g. --keep 1) or pass --include-latest to remove it too"
    )]
    WouldDeleteLatest {
        /// The protected snapshot.
        name: String,
        /// The job.
        target: String,
    },
}

/// Newest first: by time (untimed last), then by name, descending.
fn newest_first_order(a: &SnapshotItem, b: &SnapshotItem) -> std::cmp::Ordering {
    newest_first(a.time, b.time).then_with(|| b.name.cmp(&a.name))
}

/// The newest completed savepoint among `items` (by time, then name).
pub fn newest_completed(items: &[SnapshotItem]) -> Option<&SnapshotItem> {
    let mut sorted: Vec<&SnapshotItem> = items.iter().filter(|i| i.completed).collect();
    sorted.sort_by(|a, b| newest_first_order(a, b));
    sorted.first().copied()
}

/// Decides, for the savepoint snapshots of one job (`items`), which to remove.
///
/// * Pending and in-progress snapshots are never removed.
/// * `--keep N` keeps the N newest completed savepoints; failed and abandoned snapshots hold no
///   savepoint and do not count towards N.
/// * `--older-than D` only removes snapshots whose time is more than D before `now` (unknown
///   time ⇒ kept). With both flags a snapshot must satisfy both to be removed.
/// * If the newest completed savepoint would be removed and `include_latest` is false, the whole
///   prune is refused ([`PruneError::WouldDeleteLatest`]).
pub fn plan_prune(
    mut items: Vec<SnapshotItem>,
    criteria: &PruneCriteria,
    now: Timestamp,
    target: &str,
) -> Result<PrunePlan, PruneError> {
    if criteria.keep.is_none() && criteria.older_than.is_none() {
        return Err(PruneError::NoCriteria);
    }
    items.sort_by(newest_first_order);
    let latest = newest_completed(&items).map(|i| i.name.clone());
    let mut completed_rank = 0u32;
    let mut decisions = Vec::with_capacity(items.len());
    for item in items {
        let (delete, reason) = judge(&item, criteria, now, &mut completed_rank);
        if delete && !criteria.include_latest && latest.as_deref() == Some(item.name.as_str()) {
            return Err(PruneError::WouldDeleteLatest {
                name: item.name,
                target: target.to_owned(),
            });
        }
        decisions.push(PruneDecision {
            item,
            delete,
            reason,
        });
    }
    Ok(PrunePlan { decisions })
}

fn judge(
    item: &SnapshotItem,
    criteria: &PruneCriteria,
    now: Timestamp,
    rank: &mut u32,
) -> (bool, String) {
    if item.active {
        return (false, format!("{} (still in progress)", item.state));
    }
    if let (true, Some(keep)) = (item.completed, criteria.keep) {
        *rank += 1;
        if *rank <= keep {
            return (false, format!("among the {keep} newest completed"));
        }
    }
    if let Some(limit) = criteria.older_than {
        let Some(time) = item.time else {
            return (false, "age unknown".to_owned());
        };
        let age = now.duration_since(time);
        let limit = jiff::SignedDuration::try_from(limit).unwrap_or(jiff::SignedDuration::MAX);
        if age <= limit {
            return (false, "not older than --older-than".to_owned());
        }
    }
    let mut why = Vec::new();
    if !item.completed {
        why.push(format!("{}: holds no savepoint", item.state));
    } else if let Some(keep) = criteria.keep {
        why.push(format!("beyond the {keep} newest completed"));
    }
    if criteria.older_than.is_some() {
        why.push("older than --older-than".to_owned());
    }
    (true, why.join(", "))
}

#[cfg(test)]
#[path = "prune_tests.rs"]
mod tests;
