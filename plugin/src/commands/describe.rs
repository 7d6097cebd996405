//! `describe TARGET|SAVEPOINT`: everything about one target's savepoint setup or one savepoint.

use flink_savepoint::crd::FlinkStateSnapshot;
use flink_savepoint::history::is_savepoint_of;
use flink_savepoint::plan::describe::TargetFacts;
use flink_savepoint::plan::describe_text::{render_snapshot, render_target};
use flink_savepoint::plan::prune::newest_completed;
use flink_savepoint::plan::{SnapshotItem, describe_snapshot, describe_target};

use crate::cli::{DescribeArgs, Kind, Target, parse_target};
use crate::cluster::{Context, events, get, load, snapshot_crd_served, snapshots_in, with_layers};
use crate::error::Result;
use crate::render::object;

/// Runs the command.
pub async fn run(args: DescribeArgs, ctx: &Context) -> Result<()> {
    let target = parse_target(&args.target, &Kind::ALL)?;
    if target.kind == Kind::Snapshot {
        return snapshot(&args, ctx, &target).await;
    }
    let loaded = load(ctx, &target).await?;
    let client = ctx.client().await?;
    let crd = snapshot_crd_served(&client).await?;
    let snaps = snapshots_in(&client, &loaded.namespace, crd).await?;
    let history = loaded.history(&snaps);
    let kind = if loaded.session_job.is_some() {
        "FlinkSessionJob"
    } else {
        "FlinkDeployment"
    };
    let events = events(&client, &loaded.namespace, kind, &loaded.target.name).await;
    let job_status = loaded.history_target().and_then(|t| t.job_status());
    let (lifecycle, upgrade_mode) = match (&loaded.deployment, &loaded.session_job) {
        (Some(d), _) => (
            d.status
                .as_ref()
                .and_then(|s| s.lifecycle_state.as_ref())
                .map(|s| s.as_str().to_owned()),
            d.job()
                .and_then(|j| j.upgrade_mode.as_ref())
                .map(|m| m.as_str().to_owned()),
        ),
        (_, Some(j)) => (
            j.status
                .as_ref()
                .and_then(|s| s.lifecycle_state.as_ref())
                .map(|s| s.as_str().to_owned()),
            j.job()
                .and_then(|j| j.upgrade_mode.as_ref())
                .map(|m| m.as_str().to_owned()),
        ),
        _ => (None, None),
    };
    let (own, cluster) = loaded.flat();
    let has_history = loaded.history_target().is_some();
    let description = with_layers(&own, cluster.as_ref(), |layers| {
        describe_target(TargetFacts {
            target: loaded.target.to_string(),
            namespace: loaded.namespace.clone(),
            session_cluster: loaded.session_job.as_ref().map(|_| loaded.cluster_name()),
            job_state: job_status
                .and_then(|s| s.state.as_ref())
                .map(|s| s.as_str().to_owned()),
            lifecycle_state: lifecycle,
            upgrade_mode,
            layers,
            crd_served: crd,
            history: has_history.then_some(history.as_slice()),
            events,
        })
    });
    let text = match &args.output {
        Some(format) => object(&description, format)?,
        None => render_target(&description),
    };
    ctx.out.write(&text)
}

async fn snapshot(args: &DescribeArgs, ctx: &Context, target: &Target) -> Result<()> {
    let client = ctx.client().await?;
    let namespace = ctx.namespace().await?;
    let snapshot: FlinkStateSnapshot = get(&client, &namespace, &target.name).await?;
    let latest = match snapshot.job_reference().filter(|_| snapshot.is_savepoint()) {
        Some(job) => {
            let all = snapshots_in(&client, &namespace, true).await?;
            let siblings: Vec<SnapshotItem> = all
                .iter()
                .filter(|s| is_savepoint_of(s, &job))
                .map(SnapshotItem::from_snapshot)
                .collect();
            Some(
                newest_completed(&siblings)
                    .is_some_and(|l| Some(&l.name) == snapshot.metadata.name.as_ref()),
            )
        }
        None => None,
    };
    let events = events(&client, &namespace, "FlinkStateSnapshot", &target.name).await;
    let description = describe_snapshot(&snapshot, latest, events);
    let text = match &args.output {
        Some(format) => object(&description, format)?,
        None => render_snapshot(&description),
    };
    ctx.out.write(&text)
}
