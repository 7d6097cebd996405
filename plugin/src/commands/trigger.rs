//! `trigger TARGET`: request a savepoint of an application or a session job.

use std::collections::BTreeSet;
use std::time::Duration;

use anyhow::Result;
use clap::{ArgAction, Args, ValueEnum};
use flink_savepoint::savepoint::{Refusal, WaitStatus, WaitSubject};

use super::trigger_info::TriggerResult;
use super::trigger_send::send;
use crate::api::discover_flink;
use crate::cli::{DryRun, DryRunArg, parse_duration};
use crate::exit::usage;
use crate::fetch::snapshots_in;
use crate::follow::{FollowSpec, follow, report};
use crate::kube::Context;
use crate::progress::warn;
use crate::target::{TargetKind, parse_target};

/// Attempts before giving up when the target keeps changing (409 Conflict).
pub const MAX_ATTEMPTS: u32 = 5;
/// Field manager recorded on the plugin's writes.
pub const FIELD_MANAGER: &str = "kubectl-savepoint";

/// Trigger a savepoint of an application (FlinkDeployment) or a session job (FlinkSessionJob).
///
/// TARGET is KIND/NAME or KIND NAME: app/NAME (application, flinkdeployment, flinkdep) or
/// job/NAME (sessionjob, flinksessionjob). By default the job's savepointTriggerNonce is changed
/// (guarded by the object's resourceVersion); --method snapshot creates a FlinkStateSnapshot.
#[derive(Debug, Args)]
pub struct TriggerArgs {
    /// KIND/NAME or KIND NAME.
    #[arg(value_name = "TARGET", num_args = 1..=2, required = true)]
    pub target: Vec<String>,
    /// How to request the savepoint.
    #[arg(long, value_enum, default_value_t = Method::Nonce)]
    pub method: Method,
    /// Savepoint format (--method snapshot only; the nonce uses the operator's configured format).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Dispose the savepoint data when the FlinkStateSnapshot is deleted (--method snapshot).
    #[arg(long, action = ArgAction::Set, default_value_t = true, value_name = "BOOL")]
    pub dispose_on_delete: bool,
    /// Retries the operator makes when the savepoint fails (--method snapshot; -1 = unlimited).
    #[arg(
        long,
        default_value_t = 3,
        allow_negative_numbers = true,
        value_name = "N"
    )]
    pub backoff_limit: i32,
    /// Trigger even when the job is not RUNNING (the operator only acts once it runs).
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub dry_run: DryRunArg,
    /// Follow the savepoint until it completes, fails or --timeout passes.
    #[arg(long)]
    pub wait: bool,
    /// How long --wait waits (e.g. 30s, 5m, 1h).
    #[arg(long, value_parser = parse_duration, default_value = "10m", value_name = "DURATION")]
    pub timeout: Duration,
    /// Print the trigger information as an object.
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT")]
    pub output: Option<ObjectFormat>,
}

/// How a savepoint is requested.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Method {
    /// Change spec.job.savepointTriggerNonce (works with every operator version).
    Nonce,
    /// Create a FlinkStateSnapshot (operator 1.10+).
    Snapshot,
}

/// Savepoint format type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Flink's portable format.
    Canonical,
    /// The state backend's native format (faster, less portable).
    Native,
}

/// `-o` for commands that print one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ObjectFormat {
    /// JSON.
    Json,
    /// YAML.
    Yaml,
}

impl TriggerArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context) -> Result<()> {
        let target = parse_target(&self.target, TargetKind::JOBS_AND_SESSIONS)?;
        if target.kind == TargetKind::Session {
            return Err(usage(
                Refusal::SessionCluster {
                    target: target.to_string(),
                    name: target.name.clone(),
                }
                .to_string(),
            ));
        }
        if self.method == Method::Nonce && self.format.is_some() {
            return Err(usage(
                "--format applies to --method snapshot; a nonce-triggered savepoint uses the \
                 operator's kubernetes.operator.savepoint.format.type",
            ));
        }
        let client = ctx.client().await?;
        let ns = ctx.namespace().await?;
        let crds = discover_flink(&client).await?;
        let snapshot_crd = crds.has("flinkstatesnapshots");
        let dry_run = self.dry_run.dry_run;
        let waiting = self.wait && dry_run == DryRun::None;
        if self.wait && !waiting {
            warn("--wait is ignored with --dry-run");
        }
        // Snapshots that exist before the request can never be the answer (clock-independent).
        let known: BTreeSet<String> = if waiting && self.method == Method::Nonce {
            snapshots_in(&client, &ns, snapshot_crd)
                .await?
                .into_iter()
                .filter_map(|s| s.metadata.name)
                .collect()
        } else {
            BTreeSet::new()
        };
        let sent = send(&self, &client, &ns, &target, snapshot_crd, dry_run).await?;
        let mut info = sent.info;
        if !waiting {
            return info.print(&ctx.out, self.output);
        }
        if self.output.is_none() {
            info.print(&ctx.out, None)?;
        }
        let subject = match &info.snapshot {
            Some(name) => WaitSubject::Snapshot { name: name.clone() },
            None => WaitSubject::Nonce {
                nonce: info.nonce.unwrap_or_default(),
                known_snapshots: known,
            },
        };
        let spec = FollowSpec {
            namespace: ns.clone(),
            target: Some(target.clone()),
            subject,
            timeout: self.timeout,
            snapshot_crd,
            describe: format!("savepoint of {target}"),
            watch_timeout: crate::kube::watch_timeout(&ctx.global),
        };
        let outcome = follow(&client, &spec).await;
        if let Some(format) = self.output {
            info.result = Some(match &outcome {
                Ok(status) => TriggerResult::from_status(status),
                Err(err) => TriggerResult::from_status(&WaitStatus::Waiting(err.to_string())),
            });
            info.print(&ctx.out, Some(format))?;
            return report(None, outcome?, &spec.describe);
        }
        report(Some(&ctx.out), outcome?, &spec.describe)
    }
}
