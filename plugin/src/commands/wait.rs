//! `wait TARGET|flinkstatesnapshot/NAME`: follow a savepoint to its end.

use std::time::Duration;

use anyhow::{Result, anyhow};
use clap::Args;
use flink_savepoint::savepoint::WaitSubject;
use flink_savepoint::savepoint::wait::latest_subject;

use crate::api::{discover_flink, missing_crd_message};
use crate::cli::parse_duration;
use crate::fetch::{fetch_target, get_snapshot, snapshots_in};
use crate::follow::{FollowSpec, follow, report};
use crate::kube::Context;
use crate::target::{TargetKind, parse_target};

/// Wait for the latest savepoint of a job, or for a named FlinkStateSnapshot, to finish.
///
/// Exits 0 when it completes (prints the location), 1 when it FAILED or was ABANDONED (prints the
/// operator's error), 3 when --timeout passes first.
#[derive(Debug, Args)]
pub struct WaitArgs {
    /// app/NAME, job/NAME or flinkstatesnapshot/NAME (also KIND NAME).
    #[arg(value_name = "TARGET", num_args = 1..=2, required = true)]
    pub target: Vec<String>,
    /// How long to wait (e.g. 30s, 5m, 1h).
    #[arg(long, value_parser = parse_duration, default_value = "10m", value_name = "DURATION")]
    pub timeout: Duration,
}

impl WaitArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context) -> Result<()> {
        let target = parse_target(&self.target, TargetKind::JOBS_AND_SNAPSHOTS)?;
        let client = ctx.client().await?;
        let ns = ctx.namespace().await?;
        let crds = discover_flink(&client).await?;
        let snapshot_crd = crds.has("flinkstatesnapshots");
        let (followed, subject, describe) = match target.kind {
            TargetKind::FlinkStateSnapshot => {
                if !snapshot_crd {
                    return Err(anyhow!(missing_crd_message(
                        "FlinkStateSnapshot",
                        "flinkstatesnapshots"
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
                let subject = latest_subject(fetched.history_target(), &snapshots).ok_or_else(|| {
                    anyhow!(
                        "{target} in namespace {ns} has no savepoint to wait for; trigger one with: \
                         kubectl savepoint trigger {target} -n {ns}"
                    )
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
            timeout: self.timeout,
            snapshot_crd,
            describe,
            watch_timeout: crate::kube::watch_timeout(&ctx.global),
        };
        let status = follow(&client, &spec).await?;
        report(Some(&ctx.out), status, &spec.describe)
    }
}
