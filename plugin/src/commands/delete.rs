//! `delete SAVEPOINT…`: remove FlinkStateSnapshot objects, saying whether the data is disposed.

use flink_savepoint::crd::FlinkStateSnapshot;
use flink_savepoint::history::is_savepoint_of;
use flink_savepoint::plan::SnapshotItem;
use flink_savepoint::plan::prune::newest_completed;

use crate::cli::{DeleteArgs, Kind, parse_target};
use crate::cluster::{Context, delete_snapshot, list_all, require_snapshot_crd};
use crate::error::{Result, failed, usage};
use crate::render::snapshots::{disposal_note, dry_run_suffix};

/// Parses `NAME` or `flinkstatesnapshot/NAME` (any snapshot alias).
pub fn snapshot_name(word: &str) -> Result<String> {
    let qualified = if word.contains('/') {
        word.to_owned()
    } else {
        format!("flinkstatesnapshot/{word}")
    };
    Ok(parse_target(&[qualified], &[Kind::Snapshot])?.name)
}

/// Runs the command.
pub async fn run(args: DeleteArgs, ctx: &Context) -> Result<()> {
    let names = args
        .names
        .iter()
        .map(|w| snapshot_name(w))
        .collect::<Result<Vec<_>>>()?;
    let client = ctx.client().await?;
    let namespace = ctx.namespace().await?;
    require_snapshot_crd(&client).await?;
    let all: Vec<FlinkStateSnapshot> = list_all(&client, Some(&namespace), None).await?;
    let mut chosen = Vec::new();
    let mut missing = Vec::new();
    for name in &names {
        let Some(snapshot) = all
            .iter()
            .find(|s| s.metadata.name.as_deref() == Some(name.as_str()))
        else {
            missing.push(name.clone());
            continue;
        };
        let item = SnapshotItem::from_snapshot(snapshot);
        if let Some(job) = snapshot.job_reference().filter(|_| snapshot.is_savepoint()) {
            let siblings: Vec<SnapshotItem> = all
                .iter()
                .filter(|s| is_savepoint_of(s, &job))
                .map(SnapshotItem::from_snapshot)
                .collect();
            if !args.include_latest
                && newest_completed(&siblings).is_some_and(|l| l.name == item.name)
            {
                return Err(usage(format!(
                    "refusing to delete {name}, the newest completed savepoint of {job}: it is what the job \
                     would restore from; pass --include-latest to delete it anyway (nothing was deleted)"
                )));
            }
        }
        chosen.push(item);
    }
    let mode = args.dry_run.dry_run;
    for item in &chosen {
        delete_snapshot(&client, &namespace, item, mode).await?;
        ctx.out.line(&format!(
            "flinkstatesnapshot/{} deleted{}: {}",
            item.name,
            dry_run_suffix(mode),
            disposal_note(item)
        ))?;
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(failed(format!(
            "FlinkStateSnapshot {} not found in namespace {namespace:?}; check with: kubectl get flinkstatesnapshots -n {namespace}",
            missing.join(", ")
        )))
    }
}
