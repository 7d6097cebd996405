//! `delete SAVEPOINT…`: remove FlinkStateSnapshot objects, saying whether the data is disposed.

use ::kube::api::{Api, DeleteParams, Preconditions};
use anyhow::Result;
use clap::Args;
use flink_savepoint::crd::FlinkStateSnapshot;
use flink_savepoint::history::is_savepoint_of;
use flink_savepoint::lifecycle::SnapshotItem;
use flink_savepoint::lifecycle::prune::newest_completed;

use crate::api::{ApiOp, ApiResultExt, list_all};
use crate::cli::{DryRun, DryRunArg};
use crate::exit::usage;
use crate::kube::Context;
use crate::target::{TargetKind, parse_target};

/// Delete FlinkStateSnapshot savepoints by name.
///
/// Each SAVEPOINT is a FlinkStateSnapshot name or flinkstatesnapshot/NAME. Deleting an object with
/// spec.savepoint.disposeOnDelete=true (the default for snapshots created by users) makes the
/// operator dispose the savepoint data; otherwise the data stays where it is. The newest completed
/// savepoint of a job is never deleted unless --include-latest is given. Each delete is guarded by
/// the object's uid and resourceVersion.
#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// FlinkStateSnapshot names (NAME or flinkstatesnapshot/NAME).
    #[arg(value_name = "SAVEPOINT", required = true, num_args = 1..)]
    pub names: Vec<String>,
    /// Allow deleting the newest completed savepoint of a job.
    #[arg(long)]
    pub include_latest: bool,
    #[command(flatten)]
    pub dry_run: DryRunArg,
}

/// Parses `NAME` or `flinkstatesnapshot/NAME` (any snapshot alias).
pub fn snapshot_name(word: &str) -> Result<String> {
    let qualified = if word.contains('/') {
        word.to_owned()
    } else {
        format!("flinkstatesnapshot/{word}")
    };
    Ok(parse_target(&[qualified], &[TargetKind::FlinkStateSnapshot])?.name)
}

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

/// Deletes one snapshot with uid/resourceVersion preconditions.
pub async fn delete_snapshot(
    ctx: &Context,
    namespace: &str,
    item: &SnapshotItem,
    mode: DryRun,
) -> Result<()> {
    if mode == DryRun::Client {
        return Ok(());
    }
    let api: Api<FlinkStateSnapshot> = Api::namespaced(ctx.client().await?, namespace);
    let params = DeleteParams {
        dry_run: mode == DryRun::Server,
        preconditions: Some(Preconditions {
            uid: item.uid.clone(),
            resource_version: item.resource_version.clone(),
        }),
        ..DeleteParams::default()
    };
    api.delete(&item.name, &params)
        .await
        .op(ApiOp::of::<FlinkStateSnapshot>(
            "delete",
            Some(namespace),
            Some(&item.name),
        ))?;
    Ok(())
}

/// Refuses (exit 2) when the FlinkStateSnapshot CRD is not served: there is nothing to delete.
pub async fn require_snapshot_crd(client: &::kube::Client) -> Result<()> {
    if super::lifecycle::snapshot_crd_served(client).await? {
        return Ok(());
    }
    Err(usage(
        "this cluster does not serve the FlinkStateSnapshot CRD (Flink operator < 1.10): savepoints live only \
         in the resources' status, whose history the operator trims itself \
         (kubernetes.operator.savepoint.history.max.age/max.count; see: kubectl savepoint schedule TARGET)",
    ))
}

/// ` (dry run)` suffixes.
pub fn dry_run_suffix(mode: DryRun) -> &'static str {
    match mode {
        DryRun::None => "",
        DryRun::Client => " (dry run)",
        DryRun::Server => " (server dry run)",
    }
}

impl DeleteArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context) -> Result<()> {
        let names = self
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
                if !self.include_latest
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
        let mode = self.dry_run.dry_run;
        for item in &chosen {
            delete_snapshot(ctx, &namespace, item, mode).await?;
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
            Err(anyhow::anyhow!(
                "FlinkStateSnapshot {} not found in namespace {namespace:?}; check with: kubectl get flinkstatesnapshots -n {namespace}",
                missing.join(", ")
            ))
        }
    }
}
