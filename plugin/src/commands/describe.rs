//! `describe TARGET|SAVEPOINT`: everything about one target's savepoint setup or one savepoint.

use flink_savepoint::config::Layered;
use flink_savepoint::crd::{FlinkDeployment, FlinkStateSnapshot};
use flink_savepoint::flink_rest::{CheckpointBrief, job_endpoint};
use flink_savepoint::history::is_savepoint_of;
use flink_savepoint::plan::describe::TargetFacts;
use flink_savepoint::plan::describe_text::{render_snapshot, render_target};
use flink_savepoint::plan::prune::newest_completed;
use flink_savepoint::plan::{FlinkFacts, SnapshotItem, describe_snapshot, describe_target};
use jiff::Timestamp;

use crate::cli::{DescribeArgs, Kind, Target, parse_target};
use crate::cluster::{
    Context, FlinkRest, Loaded, events, get, load, snapshot_crd_served, snapshots_in,
};
use crate::error::Result;
use crate::render::object;
use crate::render::progress::warn;

/// Runs the command.
pub async fn run(args: DescribeArgs, ctx: &Context) -> Result<()> {
    let target = parse_target(&args.target, &Kind::ALL)?;
    if target.kind == Kind::Snapshot {
        return snapshot(&args, ctx, &target).await;
    }
    let client = ctx.client().await?;
    let namespace = ctx.namespace().await?;
    let loaded = load(&client, &namespace, &target).await?;
    let view = loaded.view();
    let crd = snapshot_crd_served(&client).await?;
    let snaps = snapshots_in(&client, &namespace, crd).await?;
    let history = loaded.history(&snaps);
    let events = events(&client, &namespace, view.kind().api_kind(), view.name()).await;
    let job_status = loaded.job_view().and_then(|t| t.job_status());
    let lifecycle = view.lifecycle_state().map(|s| s.as_str().to_owned());
    let upgrade_mode = view
        .job()
        .and_then(|j| j.upgrade_mode.as_ref())
        .map(|m| m.as_str().to_owned());
    let flink = flink_facts(ctx, &loaded).await?;
    let (own, cluster) = view.flat_configs();
    let has_history = loaded.job_view().is_some();
    let description = describe_target(TargetFacts {
        target: view.display(),
        namespace: namespace.clone(),
        session_cluster: (view.kind() == Kind::SessionJob)
            .then(|| view.cluster_name().unwrap_or_default().to_owned()),
        job_state: job_status
            .and_then(|s| s.state.as_ref())
            .map(|s| s.as_str().to_owned()),
        lifecycle_state: lifecycle,
        upgrade_mode,
        layers: Layered::of(&own, cluster.as_ref()),
        crd_served: crd,
        history: has_history.then_some(history.as_slice()),
        flink,
        events,
    });
    let text = match &args.output {
        Some(format) => object(&description, format)?,
        None => render_target(&description),
    };
    ctx.out.write(&text)
}

/// The operator's `clusterInfo["state-size"]` and the JobManager's latest completed checkpoint
/// (through the service proxy; when that fails, the cause, after one notice).
async fn flink_facts(ctx: &Context, loaded: &Loaded) -> Result<FlinkFacts> {
    let mut facts = FlinkFacts {
        cluster_state_size: loaded
            .flink_deployment()
            .and_then(FlinkDeployment::cluster_state_size),
        ..FlinkFacts::default()
    };
    let Some(endpoint) = loaded.job_view().and_then(job_endpoint) else {
        return Ok(facts);
    };
    let rest = FlinkRest::new(ctx.rest_client().await?, &ctx.global);
    match rest.checkpoints(&endpoint).await {
        Ok(stats) => {
            facts.jobmanager_answered = true;
            facts.latest_checkpoint = stats
                .latest_completed_checkpoint()
                .map(|c| CheckpointBrief::of(c, Timestamp::now()));
        }
        Err(err) => {
            if let Some(notice) = rest.notice(&err) {
                warn(&notice);
            }
            facts.rest_unavailable = Some(format!("unreachable: {}", err.short()));
        }
    }
    Ok(facts)
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
