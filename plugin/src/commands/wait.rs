//! `wait TARGET|flinkstatesnapshot/NAME…`: follow savepoints to their end (one target, or several
//! as a batch), with live progress from the JobManager where it can be reached.

use std::sync::Arc;
use std::time::Duration;

use ::kube::Client;
use flink_savepoint::crd::FlinkStateSnapshot;
use flink_savepoint::flink_rest::{JobEndpoint, job_endpoint};
use flink_savepoint::plan::WaitSubject;
use flink_savepoint::plan::wait::latest_subject;
use futures::{StreamExt, stream};

use crate::cli::{JOBS_AND_SNAPSHOTS, Kind, Target, TargetSet, WaitArgs, target_set};
use crate::cluster::{
    CONCURRENCY, Context, FlinkRest, FollowSpec, batch_targets, discover_flink, follow, get, load,
    snapshots_in, watch_timeout,
};
use crate::error::{Result, failed, missing_crd_message};
use crate::render::batch::{BatchRow, outcome, print_summary};
use crate::render::wait::report;

/// Runs the command: one target as always, several (names, `-l`) as a batch.
pub async fn run(args: WaitArgs, ctx: &Context) -> Result<()> {
    let set = target_set(
        &args.target,
        JOBS_AND_SNAPSHOTS,
        args.selector.as_deref(),
        false,
        args.all_namespaces,
    )?;
    let client = ctx.client().await?;
    let crds = discover_flink(&client).await?;
    let snapshot_crd = crds.has("flinkstatesnapshots");
    let rest = Arc::new(FlinkRest::new(ctx.rest_client().await?, &ctx.global));
    if let TargetSet::One(target) = set {
        let ns = ctx.namespace().await?;
        let spec = follow_spec(
            ctx,
            &client,
            &ns,
            &target,
            snapshot_crd,
            args.timeout,
            &rest,
        )
        .await?;
        let followed = follow(&client, &spec).await?;
        return report(
            Some(&ctx.out),
            followed.status,
            followed.completed,
            &spec.describe,
        );
    }
    let Some(targets) = batch_targets(ctx, &client, set).await? else {
        return Ok(());
    };
    let total = targets.len();
    let deadline = tokio::time::Instant::now() + args.timeout;
    let done = std::sync::atomic::AtomicUsize::new(0);
    let rows: Vec<BatchRow> = stream::iter(targets)
        .map(|(ns, target)| {
            let (client, done, rest) = (&client, &done, &rest);
            async move {
                let row = BatchRow::new(&ns, target.to_string());
                let left = deadline.saturating_duration_since(tokio::time::Instant::now());
                let spec =
                    match follow_spec(ctx, client, &ns, &target, snapshot_crd, left, rest).await {
                        Ok(spec) => FollowSpec {
                            progress: false,
                            ..spec
                        },
                        Err(err) => return row.error(&err),
                    };
                let row = row.waited(&follow(client, &spec).await.map(|f| f.status));
                let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                eprintln!("[{n}/{total}] {ns}/{target}: {}", row.result);
                row
            }
        })
        .buffered(2 * CONCURRENCY)
        .collect()
        .await;
    print_summary(&ctx.out, &rows, None)?;
    outcome(&rows, "savepoints")
}

/// What to follow for one target: a snapshot by name, or the latest savepoint of a job.
async fn follow_spec(
    ctx: &Context,
    client: &Client,
    ns: &str,
    target: &Target,
    snapshot_crd: bool,
    timeout: Duration,
    rest: &Arc<FlinkRest>,
) -> Result<FollowSpec> {
    let mut endpoint = None;
    let (followed, subject, describe) = match target.kind {
        Kind::Snapshot => {
            if !snapshot_crd {
                return Err(failed(missing_crd_message(
                    "FlinkStateSnapshot",
                    "flinkstatesnapshots",
                )));
            }
            let snapshot: FlinkStateSnapshot = get(client, ns, &target.name).await?;
            endpoint = snapshot_endpoint(client, ns, &snapshot).await;
            (
                None,
                WaitSubject::Snapshot {
                    name: target.name.clone(),
                },
                format!("savepoint {}", target.name),
            )
        }
        _ => {
            let loaded = load(client, ns, target).await?;
            let snapshots = snapshots_in(client, ns, snapshot_crd).await?;
            let subject = latest_subject(loaded.view(), &snapshots).ok_or_else(|| {
                failed(format!(
                    "{target} in namespace {ns} has no savepoint to wait for; trigger one with: \
                     kubectl savepoint trigger {target} -n {ns}"
                ))
            })?;
            (
                Some(target.clone()),
                subject,
                format!("latest savepoint of {target}"),
            )
        }
    };
    Ok(FollowSpec {
        namespace: ns.to_owned(),
        target: followed,
        subject,
        timeout,
        snapshot_crd,
        describe,
        watch_timeout: watch_timeout(&ctx.global),
        progress: true,
        rest: Some(rest.clone()),
        endpoint,
    })
}

/// The JobManager endpoint of the job a snapshot belongs to (one GET of that job); `None` when
/// it cannot be read: the wait then goes on without progress.
async fn snapshot_endpoint(
    client: &Client,
    ns: &str,
    snapshot: &FlinkStateSnapshot,
) -> Option<JobEndpoint> {
    let job = snapshot.job_reference()?;
    let target = Target {
        kind: Kind::of_job(&job.kind),
        name: job.name,
    };
    match load(client, ns, &target).await {
        Ok(loaded) => job_endpoint(loaded.view()),
        Err(err) => {
            tracing::debug!(error = %err, "cannot read the snapshot's job: no progress");
            None
        }
    }
}
