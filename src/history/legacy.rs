//! Entries from the target resource itself: requested nonce, legacy pending trigger, legacy
//! history / last savepoint, and the upgrade savepoint path.

use std::collections::HashMap;

use super::entry::{EntrySource, EntryState, SavepointEntry};
use crate::crd::Target;
use crate::crd::{LAST_STATE_SENTINEL, Savepoint, SavepointInfo, SnapshotTriggerType, TargetRef};
use crate::location::normalize_location;

/// The requested-nonce entry and the legacy pending trigger.
///
/// A MANUAL legacy trigger in flight *is* the requested nonce (the operator copies the nonce
/// into `lastReconciledSpec` only on completion), so the two are merged into one pending entry.
pub(super) fn requested_and_pending(target: &Target<'_>, tref: &TargetRef) -> Vec<SavepointEntry> {
    let requested = target.requested_nonce();
    let info = target.job_status().and_then(|s| s.savepoint_info.as_ref());
    let pending = info.and_then(|i| i.pending_trigger_id().map(|id| (i, id)));
    let mut out = Vec::new();
    let mut nonce_consumed = false;
    if let Some((info, trigger_id)) = pending {
        let trigger_type = info
            .trigger_type
            .clone()
            .unwrap_or(SnapshotTriggerType::Unspecified);
        let mut e = SavepointEntry::new(
            tref.clone(),
            format!("pending-{trigger_id}"),
            EntrySource::LegacyPending,
            trigger_type.clone(),
            EntryState::InProgress,
        );
        e.triggered = info.trigger_time();
        e.format = info.format_type.clone();
        if trigger_type == SnapshotTriggerType::Manual {
            e.nonce = requested;
            nonce_consumed = requested.is_some();
        }
        out.push(e);
    }
    if let (Some(nonce), false) = (requested, nonce_consumed) {
        let mut e = SavepointEntry::new(
            tref.clone(),
            format!("nonce-{nonce}"),
            EntrySource::Requested,
            SnapshotTriggerType::Manual,
            EntryState::Requested,
        );
        e.nonce = Some(nonce);
        out.push(e);
    }
    out
}

/// Completed legacy savepoints (`lastSavepoint` + `savepointHistory`), deduplicated by location
/// (or by `timeStamp` when there is no location).
pub(super) fn completed(info: Option<&SavepointInfo>, tref: &TargetRef) -> Vec<SavepointEntry> {
    let Some(info) = info else { return Vec::new() };
    let mut out: Vec<SavepointEntry> = Vec::new();
    for sp in info.last_savepoint.iter().chain(info.history()) {
        let entry = from_savepoint(sp, tref);
        let duplicate = out.iter_mut().find(|e| same_legacy(e, &entry));
        match duplicate {
            Some(existing) => fill_missing(existing, entry),
            None => out.push(entry),
        }
    }
    disambiguate_ids(&mut out);
    out
}

fn from_savepoint(sp: &Savepoint, tref: &TargetRef) -> SavepointEntry {
    let id = match sp.time_stamp {
        Some(ms) => format!("legacy-{ms}"),
        None => "legacy".to_owned(),
    };
    let trigger_type = sp
        .trigger_type
        .clone()
        .unwrap_or(SnapshotTriggerType::Unspecified);
    let mut e = SavepointEntry::new(
        tref.clone(),
        id,
        EntrySource::Legacy,
        trigger_type,
        EntryState::Completed,
    );
    e.triggered = sp.time();
    e.format = sp.format_type.clone();
    e.location = sp.location.clone().filter(|l| !l.is_empty());
    e.nonce = sp.trigger_nonce;
    e
}

fn same_legacy(a: &SavepointEntry, b: &SavepointEntry) -> bool {
    match (&a.location, &b.location) {
        (Some(x), Some(y)) => normalize_location(x) == normalize_location(y),
        (None, None) => a.triggered == b.triggered,
        _ => false,
    }
}

/// Copies fields `existing` lacks from a duplicate record of the same savepoint.
pub(super) fn fill_missing(existing: &mut SavepointEntry, other: SavepointEntry) {
    existing.triggered = existing.triggered.or(other.triggered);
    existing.completed = existing.completed.or(other.completed);
    existing.nonce = existing.nonce.or(other.nonce);
    if existing.format.is_none() {
        existing.format = other.format;
    }
    if existing.trigger_type == SnapshotTriggerType::Unspecified {
        existing.trigger_type = other.trigger_type;
    }
}

/// Two legacy records with the same `timeStamp` but different locations get `-2`, `-3`, ...
fn disambiguate_ids(entries: &mut [SavepointEntry]) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for entry in entries.iter_mut() {
        let count = seen.entry(entry.id.clone()).or_insert(0);
        *count += 1;
        if *count > 1 {
            entry.id = format!("{}-{}", entry.id, count);
        }
    }
}

/// `jobStatus.upgradeSavepointPath` as an entry, unless it is empty, the last-state sentinel,
/// or already the location of another entry.
pub(super) fn upgrade_path(
    target: &Target<'_>,
    tref: &TargetRef,
    others: &[SavepointEntry],
) -> Option<SavepointEntry> {
    let path = target
        .job_status()?
        .upgrade_savepoint_path
        .as_deref()?
        .trim();
    if path.is_empty() || path == LAST_STATE_SENTINEL {
        return None;
    }
    let normalized = normalize_location(path);
    if others
        .iter()
        .filter_map(|e| e.location.as_deref())
        .any(|l| normalize_location(l) == normalized)
    {
        return None;
    }
    let mut e = SavepointEntry::new(
        tref.clone(),
        "upgrade",
        EntrySource::UpgradePath,
        SnapshotTriggerType::Upgrade,
        EntryState::Completed,
    );
    e.location = Some(path.to_owned());
    Some(e)
}
