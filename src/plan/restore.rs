//! `restore`: resolve `--from`, then plan an in-place redeploy (`initialSavepointPath` + a new
//! `savepointRedeployNonce`) or a copy of the target starting from the savepoint.

use serde_json::{Map, Value};
use thiserror::Error;

use super::nonce::choose_nonce;
use crate::crd::{FlinkStateSnapshot, Kind, SnapshotState};
use crate::history::{EntryState, SavepointEntry, latest_completed};
use crate::patch::MergePatch;

/// What `--from` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RestoreSource {
    /// `latest`: the newest completed savepoint of the target.
    Latest,
    /// A savepoint location (`s3://…`, `file:/…`, `/…`).
    Path(String),
    /// A FlinkStateSnapshot name or a history id (`legacy-<ms>`, `upgrade`).
    Named(String),
}

/// Why a restore is refused (nothing is sent).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RestoreError {
    /// `--from` is empty.
    #[error("--from is empty: give a FlinkStateSnapshot name, a savepoint path or \"latest\"")]
    EmptySource,
    /// `latest` with no completed savepoint.
    #[error(
        "{target} has no completed savepoint to restore from; trigger one first \
         (kubectl savepoint trigger {target} --wait) or pass --from PATH"
    )]
    NoCompleted {
        /// The target (`app/orders`).
        target: String,
    },
    /// The named savepoint is not completed.
    #[error(
        "savepoint {name} is {state}, not COMPLETED: only a completed savepoint can be restored"
    )]
    NotCompleted {
        /// Its name.
        name: String,
        /// Its state.
        state: String,
    },
    /// The named savepoint has no location.
    #[error("savepoint {name} is COMPLETED but records no location; pass --from PATH instead")]
    NoLocation {
        /// Its name.
        name: String,
    },
    /// The target has no job.
    #[error(
        "{target} is a session cluster (no spec.job): restore an application or a session job instead"
    )]
    NoJob {
        /// The target.
        target: String,
    },
    /// Invalid `--as` name.
    #[error("invalid new name \"{name}\": {reason}")]
    BadName {
        /// The name.
        name: String,
        /// Why.
        reason: &'static str,
    },
}

/// Parses `--from`.
pub fn parse_source(text: &str) -> Result<RestoreSource, RestoreError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(RestoreError::EmptySource);
    }
    if text == "latest" {
        return Ok(RestoreSource::Latest);
    }
    if text.contains("://") || text.contains(":/") || text.starts_with('/') {
        return Ok(RestoreSource::Path(text.to_owned()));
    }
    match text.split_once('/') {
        Some((kind, name)) if is_snapshot_kind(kind) => Ok(RestoreSource::Named(name.to_owned())),
        Some(_) => Ok(RestoreSource::Path(text.to_owned())),
        None => Ok(RestoreSource::Named(text.to_owned())),
    }
}

fn is_snapshot_kind(kind: &str) -> bool {
    Kind::from_alias(kind) == Some(Kind::Snapshot)
}

/// Resolves `source` against the target's history. `Ok(None)` means a name that is not in the
/// history: the caller fetches that FlinkStateSnapshot and uses [`snapshot_location`].
pub fn resolve_source(
    source: &RestoreSource,
    history: &[SavepointEntry],
    target: &str,
) -> Result<Option<String>, RestoreError> {
    match source {
        RestoreSource::Path(path) => Ok(Some(path.clone())),
        RestoreSource::Latest => latest_completed(history)
            .and_then(|e| e.location.clone())
            .map(Some)
            .ok_or_else(|| RestoreError::NoCompleted {
                target: target.to_owned(),
            }),
        RestoreSource::Named(name) => {
            let Some(entry) = history
                .iter()
                .find(|e| e.id == *name || e.snapshot_name.as_deref() == Some(name.as_str()))
            else {
                return Ok(None);
            };
            if entry.state != EntryState::Completed {
                return Err(RestoreError::NotCompleted {
                    name: name.clone(),
                    state: entry.state.as_str().to_owned(),
                });
            }
            entry
                .location
                .clone()
                .map(Some)
                .ok_or_else(|| RestoreError::NoLocation { name: name.clone() })
        }
    }
}

/// The location of a completed savepoint snapshot (`status.path`, or the registered path of an
/// `alreadyExists` savepoint).
pub fn snapshot_location(snapshot: &FlinkStateSnapshot) -> Result<String, RestoreError> {
    let name = snapshot.metadata.name.clone().unwrap_or_default();
    let state = snapshot.state();
    if state != SnapshotState::Completed || !snapshot.is_savepoint() {
        return Err(RestoreError::NotCompleted {
            name,
            state: if snapshot.is_savepoint() {
                state.as_str().to_owned()
            } else {
                "a checkpoint".to_owned()
            },
        });
    }
    snapshot
        .path()
        .map(str::to_owned)
        .or_else(|| {
            let sp = snapshot.spec.savepoint.as_ref()?;
            (sp.already_exists == Some(true))
                .then(|| sp.path.clone())
                .flatten()
                .filter(|p| !p.is_empty())
        })
        .ok_or(RestoreError::NoLocation { name })
}

/// The in-place restore of a target.
#[derive(Debug, Clone, PartialEq)]
pub struct InPlacePlan {
    /// The merge patch to send (with the resourceVersion precondition).
    pub patch: Value,
    /// The new `savepointRedeployNonce`.
    pub nonce: i64,
    /// The savepoint restored from.
    pub path: String,
}

pub(super) fn job_of<'a>(
    object: &'a Value,
    target: &str,
) -> Result<&'a Map<String, Value>, RestoreError> {
    object
        .pointer("/spec/job")
        .and_then(Value::as_object)
        .ok_or_else(|| RestoreError::NoJob {
            target: target.to_owned(),
        })
}

/// Plans an in-place restore of `object` (the raw target) from `path`.
pub fn plan_in_place(
    object: &Value,
    target: &str,
    path: &str,
    allow_non_restored_state: bool,
    reconciled_nonce: Option<i64>,
    now_ms: i64,
) -> Result<InPlacePlan, RestoreError> {
    let job = job_of(object, target)?;
    let current = job.get("savepointRedeployNonce").and_then(Value::as_i64);
    let nonce = choose_nonce(current, reconciled_nonce, now_ms);
    let resource_version = object
        .pointer("/metadata/resourceVersion")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let mut patch = MergePatch::new();
    patch.set(
        &["spec", "job", "initialSavepointPath"],
        Value::String(path.to_owned()),
    );
    patch.set(
        &["spec", "job", "savepointRedeployNonce"],
        Value::from(nonce),
    );
    if allow_non_restored_state {
        patch.set(&["spec", "job", "allowNonRestoredState"], Value::Bool(true));
    }
    Ok(InPlacePlan {
        patch: patch.with_resource_version(resource_version).into_value(),
        nonce,
        path: path.to_owned(),
    })
}

#[cfg(test)]
#[path = "restore_tests.rs"]
mod tests;
