//! Where a requested savepoint is, in both operator modes (pure evaluation of fetched objects).
//!
//! * Legacy mode (no FlinkStateSnapshot resources): the operator records the trigger in
//!   `savepointInfo.triggerId` and, on success, a `lastSavepoint`/history record carrying the
//!   nonce. On give-up it marks the nonce handled (copies it to `lastReconciledSpec`) with no record.
//! * Snapshot mode: the operator creates `<job>-savepoint-manual-<ms>` and marks the nonce handled
//!   at once; the snapshot's `status.state` then tells the story. Snapshots existing before the
//!   trigger are excluded by name, so client/cluster clock skew does not matter.

use std::collections::BTreeSet;

use jiff::Timestamp;

use crate::crd::{
    FlinkStateSnapshot, SnapshotState, SnapshotTriggerType, Target, parse_operator_snapshot_name,
};
use crate::history::{EntrySource, EntryState, SavepointEntry, is_savepoint_of, savepoint_history};

pub use super::wait_status::{WaitStatus, WaitSubject};

/// The subject for `wait TARGET`: the newest entry of the job's savepoint history.
/// `None` when the job has no savepoint at all.
pub fn latest_subject(target: Target<'_>, snapshots: &[FlinkStateSnapshot]) -> Option<WaitSubject> {
    let latest = savepoint_history(target, snapshots).into_iter().next()?;
    let known = || {
        snapshots
            .iter()
            .filter_map(|s| s.metadata.name.clone())
            .collect()
    };
    Some(
        match (latest.source, latest.nonce, latest.snapshot_name.clone()) {
            (EntrySource::Requested | EntrySource::LegacyPending, Some(nonce), _) => {
                WaitSubject::Nonce {
                    nonce,
                    known_snapshots: known(),
                }
            }
            (EntrySource::LegacyPending, None, _) => WaitSubject::LegacyTrigger {
                trigger_id: latest.id.trim_start_matches("pending-").to_owned(),
                since: latest.triggered,
            },
            (EntrySource::Snapshot, _, Some(name)) => WaitSubject::Snapshot { name },
            _ => WaitSubject::Recorded(Box::new(latest)),
        },
    )
}

/// Evaluates `subject` against the latest fetched objects (`target` is `None` if it was deleted).
pub fn evaluate(
    subject: &WaitSubject,
    target: Option<Target<'_>>,
    snapshots: &[FlinkStateSnapshot],
) -> WaitStatus {
    match subject {
        WaitSubject::Snapshot { name } => {
            match snapshots
                .iter()
                .find(|s| s.metadata.name.as_deref() == Some(name.as_str()))
            {
                Some(s) => evaluate_snapshot(s),
                None => WaitStatus::Failed(format!("FlinkStateSnapshot {name:?} was deleted")),
            }
        }
        WaitSubject::Recorded(entry) => from_entry(entry),
        WaitSubject::Nonce {
            nonce,
            known_snapshots,
        } => match target {
            Some(t) => evaluate_nonce(t, snapshots, *nonce, known_snapshots),
            None => WaitStatus::Failed("the target was deleted while waiting".into()),
        },
        WaitSubject::LegacyTrigger { trigger_id, since } => match target {
            Some(t) => evaluate_legacy_trigger(t, trigger_id, *since),
            None => WaitStatus::Failed("the target was deleted while waiting".into()),
        },
    }
}

/// The state of one FlinkStateSnapshot as a wait outcome.
pub fn evaluate_snapshot(snapshot: &FlinkStateSnapshot) -> WaitStatus {
    let name = snapshot.metadata.name.clone().unwrap_or_default();
    let status = snapshot.status.as_ref();
    let error = status
        .and_then(|s| s.error.clone())
        .filter(|e| !e.is_empty());
    let failures = status.and_then(|s| s.failures).unwrap_or(0);
    match snapshot.state() {
        SnapshotState::Completed => WaitStatus::Completed {
            location: snapshot.path().map(str::to_owned),
            snapshot: Some(name),
        },
        SnapshotState::Abandoned => WaitStatus::Abandoned(
            error.unwrap_or_else(|| "abandoned by the operator (job not running or gone)".into()),
        ),
        SnapshotState::Failed => {
            let limit = snapshot.spec.backoff_limit.unwrap_or(-1);
            let text = error.unwrap_or_else(|| "failed (no error message)".into());
            if limit >= 0 && failures <= limit {
                WaitStatus::Waiting(format!(
                    "{name}: FAILED (attempt {failures} of {}), the operator will retry: {text}",
                    limit + 1
                ))
            } else {
                WaitStatus::Failed(text)
            }
        }
        SnapshotState::TriggerPending if failures > 0 => WaitStatus::Waiting(format!(
            "{name}: TRIGGER_PENDING (retrying after {failures} failure(s){})",
            error.map(|e| format!(": {e}")).unwrap_or_default()
        )),
        state => WaitStatus::Waiting(format!("{name}: {state}")),
    }
}

/// Where the savepoint requested by `nonce` is.
pub fn evaluate_nonce(
    target: Target<'_>,
    snapshots: &[FlinkStateSnapshot],
    nonce: i64,
    known_snapshots: &BTreeSet<String>,
) -> WaitStatus {
    let info = target.job_status().and_then(|s| s.savepoint_info.as_ref());
    if let Some(record) = info.and_then(|i| {
        i.last_savepoint
            .iter()
            .chain(i.history())
            .find(|sp| sp.trigger_nonce == Some(nonce))
    }) {
        return WaitStatus::Completed {
            location: record.location.clone().filter(|l| !l.is_empty()),
            snapshot: None,
        };
    }
    if let Some(snapshot) = nonce_snapshot(target, snapshots, known_snapshots) {
        return evaluate_snapshot(snapshot);
    }
    let spec_nonce = target.job().and_then(|j| j.savepoint_trigger_nonce);
    let reconciled = target
        .reconciliation_status()
        .and_then(|r| r.reconciled_savepoint_nonce());
    if reconciled == Some(nonce) {
        return WaitStatus::HandledWithoutRecord(format!(
            "the operator marked savepointTriggerNonce {nonce} as handled but recorded no savepoint for it \
             (it failed after the grace period, or the job stopped); see: kubectl get events"
        ));
    }
    if spec_nonce != Some(nonce) {
        return WaitStatus::Failed(format!(
            "spec.job.savepointTriggerNonce was changed to {} before the operator picked up {nonce}",
            spec_nonce.map_or("null".to_owned(), |n| n.to_string())
        ));
    }
    if let Some(trigger_id) = info.and_then(|i| i.pending_trigger_id()) {
        let manual = info.and_then(|i| i.trigger_type.clone()) == Some(SnapshotTriggerType::Manual);
        return WaitStatus::Waiting(if manual {
            format!("savepoint in progress (trigger {trigger_id})")
        } else {
            format!(
                "another savepoint is in progress (trigger {trigger_id}); nonce {nonce} waits for it"
            )
        });
    }
    let running = target.job_status().is_some_and(|s| s.is_running());
    WaitStatus::Waiting(if running {
        format!("waiting for the operator to pick up savepointTriggerNonce {nonce}")
    } else {
        format!(
            "waiting for the operator to pick up savepointTriggerNonce {nonce} (the job is not RUNNING)"
        )
    })
}

/// The operator-created snapshot for a nonce: the newest `<job>-savepoint-manual-<ms>` savepoint
/// of `target` not in `known`.
fn nonce_snapshot<'a>(
    target: Target<'_>,
    snapshots: &'a [FlinkStateSnapshot],
    known: &BTreeSet<String>,
) -> Option<&'a FlinkStateSnapshot> {
    let tref = target.target_ref();
    snapshots
        .iter()
        .filter(|s| is_savepoint_of(s, &tref))
        .filter_map(|s| {
            let name = s.metadata.name.as_deref()?;
            let parsed = parse_operator_snapshot_name(name)?;
            (parsed.resource == tref.name
                && parsed.trigger_type == SnapshotTriggerType::Manual
                && !known.contains(name))
            .then_some((parsed.epoch_ms, s))
        })
        .max_by(|(a, sa), (b, sb)| {
            a.cmp(b)
                .then_with(|| sa.metadata.name.cmp(&sb.metadata.name))
        })
        .map(|(_, s)| s)
}

fn evaluate_legacy_trigger(
    target: Target<'_>,
    trigger_id: &str,
    since: Option<Timestamp>,
) -> WaitStatus {
    let info = target.job_status().and_then(|s| s.savepoint_info.as_ref());
    if info.and_then(|i| i.pending_trigger_id()) == Some(trigger_id) {
        return WaitStatus::Waiting(format!("savepoint in progress (trigger {trigger_id})"));
    }
    let newest =
        info.and_then(|i| i.last_savepoint.as_ref())
            .filter(|sp| match (since, sp.time()) {
                (Some(since), Some(t)) => t >= since,
                _ => true,
            });
    match newest {
        Some(sp) => WaitStatus::Completed {
            location: sp.location.clone().filter(|l| !l.is_empty()),
            snapshot: None,
        },
        None => WaitStatus::Failed(format!(
            "savepoint trigger {trigger_id} ended without a recorded savepoint; see: kubectl get events"
        )),
    }
}

fn from_entry(entry: &SavepointEntry) -> WaitStatus {
    let error = || {
        entry
            .error
            .clone()
            .unwrap_or_else(|| "no error message".into())
    };
    match entry.state {
        EntryState::Completed => WaitStatus::Completed {
            location: entry.location.clone(),
            snapshot: entry.snapshot_name.clone(),
        },
        EntryState::Failed => WaitStatus::Failed(error()),
        EntryState::Abandoned => WaitStatus::Abandoned(error()),
        state => WaitStatus::Waiting(format!("{}: {state}", entry.id)),
    }
}

#[cfg(test)]
#[path = "wait_tests.rs"]
mod tests;
