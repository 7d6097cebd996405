//! `wait TARGET|flinkstatesnapshot/NAME`: follow a savepoint to its end.

use ::kube::Client;
use flink_savepoint::crd::{FlinkStateSnapshot, JobKind};
use flink_savepoint::flink_rest::{JobEndpoint, job_endpoint};
use flink_savepoint::savepoint::WaitSubject;
use flink_savepoint::savepoint::wait::latest_subject;

use crate::cli::{JOBS_AND_SNAPSHOTS, Kind, Target, WaitArgs, parse_target};
use std::sync::Arc;

use crate::cluster::{
    Context, FlinkRest, FollowSpec, discover_flink, fetch_target, follow, get_snapshot,
    snapshots_in, watch_timeout,
};
use crate::error::{Result, failed, missing_crd_message};
use crate::render::wait::report;

/// Runs the command.
pub async fn run(args: WaitArgs, ctx: &Context) -> Result<()> {
    let target = parse_target(&args.target, JOBS_AND_SNAPSHOTS)?;
    let client = ctx.client().await?;
    let ns = ctx.namespace().await?;
    let crds = discover_flink(&client).await?;
    let snapshot_crd = crds.has("flinkstatesnapshots");
    let mut endpoint = None;
    let (followed, subject, describe) = match target.kind {
        Kind::Snapshot => {
            if !snapshot_crd {
                return Err(failed(missing_crd_message(
                    "FlinkStateSnapshot",
                    "flinkstatesnapshots",
                )));
            }
            let snapshot = get_snapshot(&client, &ns, &target.name).await?;
            endpoint = snapshot_endpoint(&client, &ns, &snapshot).await;
            (
                None,
                WaitSubject::Snapshot {
                    name: target.name.clone(),
                },
                format!("savepoint {}", target.name),
            )
        }
        _ => {
            let fetched = fetch_target(&client, &ns, &target).await?;
            let snapshots = snapshots_in(&client, &ns, snapshot_crd).await?;
            let subject = latest_subject(fetched.history_target(), &snapshots).ok_or_else(|| {
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
    let spec = FollowSpec {
        namespace: ns,
        target: followed,
        subject,
        timeout: args.timeout,
        snapshot_crd,
        describe,
        watch_timeout: watch_timeout(&ctx.global),
        rest: Some(Arc::new(FlinkRest::new(
            ctx.rest_client().await?,
            &ctx.global,
        ))),
        endpoint,
    };
    let followed = follow(&client, &spec).await?;
    report(
        Some(&ctx.out),
        followed.status,
        followed.completed,
        &spec.describe,
    )
}

/// The JobManager endpoint of the job a snapshot belongs to (one GET of that job); `None` when
/// it cannot be read: the wait then goes on without progress.
async fn snapshot_endpoint(
    client: &Client,
    ns: &str,
    snapshot: &FlinkStateSnapshot,
) -> Option<JobEndpoint> {
    let job = snapshot.job_reference()?;
    let kind = match job.kind {
        JobKind::FlinkSessionJob => Kind::SessionJob,
        _ => Kind::Application,
    };
    let target = Target {
        kind,
        name: job.name,
    };
    match fetch_target(client, ns, &target).await {
        Ok(fetched) => job_endpoint(fetched.history_target()),
        Err(err) => {
            tracing::debug!(error = %err, "cannot read the snapshot's job: no progress");
            None
        }
    }
}
