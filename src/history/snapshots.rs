//! Entries from FlinkStateSnapshot objects, and locating the snapshot a nonce produced.

use jiff::Timestamp;

use super::entry::{EntrySource, EntryState, SavepointEntry};
use crate::crd::{
    FlinkStateSnapshot, SnapshotTriggerType, TargetRef, parse_operator_snapshot_name,
};

/// Whether `snapshot` is a savepoint of `target` (by `spec.jobReference` + namespace; labels
/// are not required).
pub fn is_savepoint_of(snapshot: &FlinkStateSnapshot, target: &TargetRef) -> bool {
    snapshot.is_savepoint()
        && snapshot
            .job_reference()
            .is_some_and(|r| r.same_resource(target))
}

/// Converts a savepoint snapshot into an entry (the caller checked it belongs to `target`).
pub(super) fn entry(snapshot: &FlinkStateSnapshot, target: &TargetRef) -> SavepointEntry {
    let name = snapshot.metadata.name.clone().unwrap_or_default();
    let snapshot_state = snapshot.state();
    let state = EntryState::from(&snapshot_state);
    let mut e = SavepointEntry::new(
        target.clone(),
        name.clone(),
        EntrySource::Snapshot,
        snapshot.trigger_type(),
        state,
    );
    e.triggered = snapshot.trigger_time();
    if state.is_terminal() {
        e.completed = snapshot.result_time();
    }
    e.format = snapshot.format_type().cloned();
    e.location = snapshot.path().map(str::to_owned).or_else(|| {
        // Registered savepoints (`alreadyExists`) carry their final location in the spec.
        let sp = snapshot.spec.savepoint.as_ref()?;
        (state == EntryState::Completed && sp.already_exists == Some(true))
            .then(|| sp.path.clone())
            .flatten()
            .filter(|p| !p.is_empty())
    });
    e.error = snapshot
        .status
        .as_ref()
        .and_then(|s| s.error.clone())
        .filter(|m| !m.is_empty());
    e.snapshot_name = Some(name);
    e.labels = snapshot.metadata.labels.clone().unwrap_or_default();
    e
}

/// Best known creation time of a snapshot: the epoch ms in an operator-generated name, else
/// `metadata.creationTimestamp`.
pub(super) fn created_time(snapshot: &FlinkStateSnapshot) -> Option<Timestamp> {
    snapshot
        .metadata
        .name
        .as_deref()
        .and_then(parse_operator_snapshot_name)
        .and_then(|n| crate::time::from_epoch_ms(n.epoch_ms))
        .or_else(|| snapshot.creation_time())
}

/// The snapshot the operator created for a savepoint nonce: the newest MANUAL savepoint of
/// `target` created at or after `since`.
///
/// In snapshot mode the operator handles a nonce by creating `<name>-savepoint-manual-<ms>`;
/// nothing else links the nonce to it. Creation time is the epoch ms in the name when it follows
/// the operator pattern (millisecond precision), else `metadata.creationTimestamp` (second
/// precision, so it is compared with `since` rounded down to the second).
pub fn find_nonce_snapshot<'a>(
    target: &TargetRef,
    snapshots: &'a [FlinkStateSnapshot],
    since: Timestamp,
) -> Option<&'a FlinkStateSnapshot> {
    let since_second = Timestamp::from_second(since.as_second()).unwrap_or(since);
    snapshots
        .iter()
        .filter(|s| is_savepoint_of(s, target) && s.trigger_type() == SnapshotTriggerType::Manual)
        .filter_map(|s| {
            let from_name = s
                .metadata
                .name
                .as_deref()
                .and_then(parse_operator_snapshot_name)
                .and_then(|n| crate::time::from_epoch_ms(n.epoch_ms));
            let created = match from_name {
                Some(t) => (t >= since).then_some(t),
                None => s.creation_time().filter(|t| *t >= since_second),
            }?;
            Some((created, s))
        })
        .max_by(|(ta, a), (tb, b)| {
            ta.cmp(tb)
                .then_with(|| a.metadata.name.cmp(&b.metadata.name))
        })
        .map(|(_, s)| s)
}
