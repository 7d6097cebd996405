//! `wait TARGET|flinkstatesnapshot/NAME`: follow a savepoint to its end.

use flink_savepoint::plan::WaitSubject;
use flink_savepoint::plan::wait::latest_subject;

use crate::cli::{JOBS_AND_SNAPSHOTS, Kind, WaitArgs, parse_target};
use crate::cluster::{
    Context, FollowSpec, discover_flink, fetch_target, follow, get_snapshot, snapshots_in,
    watch_timeout,
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
    let (followed, subject, describe) = match target.kind {
        Kind::Snapshot => {
            if !snapshot_crd {
                return Err(failed(missing_crd_message(
                    "FlinkStateSnapshot",
                    "flinkstatesnapshots",
                )));
            }
            get_snapshot(&client, &ns, &target.name).await?;
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
            let subject = latest_subject(fetched.target(), &snapshots).ok_or_else(|| {
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
    };
    let status = follow(&client, &spec).await?;
    report(Some(&ctx.out), status, &spec.describe)
}
