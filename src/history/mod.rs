//! Unified savepoint history of one Flink job (pure, no I/O).
//!
//! Sources, merged into one list ordered newest first:
//! 1. a requested nonce not yet picked up by the operator ([`EntrySource::Requested`]);
//! 2. the legacy in-flight trigger `savepointInfo.triggerId` ([`EntrySource::LegacyPending`]);
//! 3. legacy `savepointInfo.lastSavepoint` + `savepointHistory` ([`EntrySource::Legacy`]);
//! 4. FlinkStateSnapshot savepoints referencing the job ([`EntrySource::Snapshot`]);
//! 5. `jobStatus.upgradeSavepointPath` when no other entry has that location
//!    ([`EntrySource::UpgradePath`]; the last-state sentinel is skipped).
//!
//! A legacy record and a snapshot with the same location are one savepoint: the snapshot
//! entry is kept (it has states, times and a name) and enriched with the legacy nonce.

mod entry;
mod legacy;
pub mod listing;
mod snapshots;

use std::cmp::Ordering;

use jiff::Timestamp;

use entry::history_order;
pub use entry::{EntrySource, EntryState, SavepointEntry, latest_completed, newest_first};
pub use snapshots::{find_nonce_snapshot, is_savepoint_of};

use crate::crd::{FlinkStateSnapshot, Target};
use crate::location::normalize_location;

/// Builds the savepoint history of `target` from its own status and `snapshots` (which may
/// contain unrelated objects; only savepoints referencing the target are used).
///
/// Order: requested (not yet triggered) entries first, then by trigger time (falling back to
/// completion time, then snapshot creation time) newest first, entries without any time last,
/// ties broken by id — fully deterministic.
pub fn savepoint_history<'a>(
    target: impl Into<Target<'a>>,
    snapshots: &[FlinkStateSnapshot],
) -> Vec<SavepointEntry> {
    let target = target.into();
    let tref = target.target_ref();
    let mut keyed: Vec<(Option<Timestamp>, SavepointEntry)> = Vec::new();

    for e in legacy::requested_and_pending(&target, &tref) {
        keyed.push((e.time(), e));
    }

    let mut snapshot_entries: Vec<(Option<Timestamp>, SavepointEntry)> = snapshots
        .iter()
        .filter(|s| is_savepoint_of(s, &tref))
        .map(|s| {
            let e = snapshots::entry(s, &tref);
            (e.time().or_else(|| snapshots::created_time(s)), e)
        })
        .collect();

    let info = target.job_status().and_then(|s| s.savepoint_info.as_ref());
    for legacy_entry in legacy::completed(info, &tref) {
        let twin = legacy_entry.location.as_deref().and_then(|loc| {
            let loc = normalize_location(loc);
            snapshot_entries.iter_mut().find(|(_, s)| {
                s.location.as_deref().map(normalize_location).as_deref() == Some(loc.as_str())
            })
        });
        match twin {
            Some((_, snapshot_entry)) => {
                snapshot_entry.nonce = snapshot_entry.nonce.or(legacy_entry.nonce);
            }
            None => keyed.push((legacy_entry.time(), legacy_entry)),
        }
    }
    keyed.append(&mut snapshot_entries);

    let all: Vec<SavepointEntry> = keyed.iter().map(|(_, e)| e.clone()).collect();
    if let Some(e) = legacy::upgrade_path(&target, &tref, &all) {
        keyed.push((None, e));
    }

    keyed.sort_by(compare);
    keyed.into_iter().map(|(_, e)| e).collect()
}

fn compare(
    a: &(Option<Timestamp>, SavepointEntry),
    b: &(Option<Timestamp>, SavepointEntry),
) -> Ordering {
    history_order((&a.1, a.0), (&b.1, b.0))
        .then_with(|| a.1.id.cmp(&b.1.id))
        .then_with(|| a.1.source.as_str().cmp(b.1.source.as_str()))
}
