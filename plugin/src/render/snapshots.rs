//! Text about FlinkStateSnapshots being deleted (`delete`, `prune`).

use flink_savepoint::plan::SnapshotItem;

use crate::cli::DryRun;

/// The disposal sentence for a snapshot about to be deleted.
pub fn disposal_note(item: &SnapshotItem) -> String {
    let location = item.location.as_deref().unwrap_or("<no location>");
    if item.dispose_on_delete && item.location.is_some() {
        format!("the operator disposes the savepoint data at {location} (disposeOnDelete=true)")
    } else if item.dispose_on_delete {
        "no savepoint data to dispose".to_owned()
    } else {
        format!("the savepoint data at {location} is kept (disposeOnDelete=false)")
    }
}

/// ` (dry run)` suffixes.
pub fn dry_run_suffix(mode: DryRun) -> &'static str {
    match mode {
        DryRun::None => "",
        DryRun::Client => " (dry run)",
        DryRun::Server => " (server dry run)",
    }
}
