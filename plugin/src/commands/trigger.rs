//! `trigger TARGET`: request a savepoint of an application or a session job.

use std::collections::BTreeSet;
use std::time::Duration;

use ::kube::api::{Patch, PatchParams, PostParams};
use ::kube::{Api, Client};
use anyhow::{Result, anyhow};
use clap::{ArgAction, Args, ValueEnum};
use flink_savepoint::crd::{
    FlinkDeployment, FlinkSessionJob, FlinkStateSnapshot, SavepointFormatType,
};
use flink_savepoint::savepoint::plan::Method as PlanMethod;
use flink_savepoint::savepoint::{
    Refusal, SnapshotOptions, TriggerAction, TriggerInput, WaitStatus, WaitSubject,
    nonce_merge_patch, plan_trigger,
};
use jiff::Timestamp;

use super::trigger_info::{TriggerInfo, TriggerResult, dry_run_name};
use crate::api::{ApiOp, discover_flink, status_code};
use crate::cli::{DryRun, DryRunArg, parse_duration};
use crate::exit::usage;
use crate::fetch::{fetch_target, snapshots_in};
use crate::follow::{FollowSpec, follow, report};
use crate::kube::Context;
use crate::progress::warn;
use crate::target::{Target, TargetKind, parse_target};

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

/// The result of sending the request.
struct Sent {
    info: TriggerInfo,
}

/// Reads the target, plans, and sends; re-reads and re-plans on 409 Conflict.
async fn send(
    args: &TriggerArgs,
    client: &Client,
    ns: &str,
    target: &Target,
    snapshot_crd: bool,
    dry_run: DryRun,
) -> Result<Sent> {
    let options = SnapshotOptions {
        format: match args.format {
            Some(Format::Native) => SavepointFormatType::Native,
            _ => SavepointFormatType::Canonical,
        },
        dispose_on_delete: args.dispose_on_delete,
        backoff_limit: i64::from(args.backoff_limit),
    };
    for attempt in 1..=MAX_ATTEMPTS {
        let fetched = fetch_target(client, ns, target).await?;
        let now = Timestamp::now();
        let input = TriggerInput {
            subject: fetched.subject(),
            method: match args.method {
                Method::Nonce => PlanMethod::Nonce,
                Method::Snapshot => PlanMethod::Snapshot,
            },
            snapshot_crd_installed: snapshot_crd,
            force: args.force,
            now_ms: now.as_millisecond(),
            snapshot: options.clone(),
        };
        let plan = plan_trigger(&input).map_err(|refusal| usage(refusal.to_string()))?;
        if attempt == 1 {
            plan.warnings.iter().for_each(|w| warn(w));
        }
        let mut info = TriggerInfo {
            target: target.to_string(),
            namespace: ns.to_owned(),
            method: match args.method {
                Method::Nonce => "nonce",
                Method::Snapshot => "snapshot",
            },
            nonce: None,
            previous_nonce: None,
            snapshot: None,
            triggered_at: now.to_string(),
            savepoint_directory: plan
                .savepoint_dir
                .as_ref()
                .map(|(key, value, place)| format!("{value} ({key}, {place})")),
            attempts: attempt,
            dry_run: dry_run_name(dry_run),
            request: None,
            result: None,
        };
        let sent = match plan.action {
            TriggerAction::Nonce {
                nonce,
                previous,
                resource_version,
            } => {
                info.nonce = Some(nonce);
                info.previous_nonce = previous;
                let body = nonce_merge_patch(&resource_version, nonce);
                if dry_run == DryRun::Client {
                    info.request = Some(body);
                    return Ok(Sent { info });
                }
                patch_nonce(client, ns, target, &body, dry_run == DryRun::Server).await
            }
            TriggerAction::Snapshot(snapshot) => {
                info.snapshot = snapshot.metadata.name.clone();
                if dry_run == DryRun::Client {
                    info.request = Some(serde_json::to_value(&*snapshot)?);
                    return Ok(Sent { info });
                }
                let params = PostParams {
                    dry_run: dry_run == DryRun::Server,
                    field_manager: Some(FIELD_MANAGER.to_owned()),
                };
                Api::<FlinkStateSnapshot>::namespaced(client.clone(), ns)
                    .create(&params, &snapshot)
                    .await
                    .map(drop)
                    .map_err(|e| {
                        (
                            e,
                            ApiOp::of::<FlinkStateSnapshot>(
                                "create",
                                Some(ns),
                                info.snapshot.as_deref(),
                            ),
                        )
                    })
            }
        };
        match sent {
            Ok(()) => return Ok(Sent { info }),
            Err((err, _)) if status_code(&err) == Some(409) => {
                tracing::info!(attempt, target = %target, "conflict, re-reading and retrying");
                tokio::time::sleep(Duration::from_millis(20 * u64::from(attempt))).await;
            }
            Err((err, op)) => return Err(op.error(err).into()),
        }
    }
    Err(anyhow!(
        "gave up after {MAX_ATTEMPTS} attempts: {target} in namespace {ns} changed every time between \
         reading it and updating it (409 Conflict); nothing was changed, try again"
    ))
}

/// Merge-patches the nonce on the target's kind.
async fn patch_nonce(
    client: &Client,
    ns: &str,
    target: &Target,
    body: &serde_json::Value,
    server_dry_run: bool,
) -> std::result::Result<(), (::kube::Error, ApiOp)> {
    let mut params = PatchParams {
        field_manager: Some(FIELD_MANAGER.to_owned()),
        ..PatchParams::default()
    };
    if server_dry_run {
        params = params.dry_run();
    }
    let patch = Patch::Merge(body);
    let name = target.name.as_str();
    match target.kind {
        TargetKind::FlinkSessionJob => Api::<FlinkSessionJob>::namespaced(client.clone(), ns)
            .patch(name, &params, &patch)
            .await
            .map(drop)
            .map_err(|e| {
                (
                    e,
                    ApiOp::of::<FlinkSessionJob>("patch", Some(ns), Some(name)),
                )
            }),
        _ => Api::<FlinkDeployment>::namespaced(client.clone(), ns)
            .patch(name, &params, &patch)
            .await
            .map(drop)
            .map_err(|e| {
                (
                    e,
                    ApiOp::of::<FlinkDeployment>("patch", Some(ns), Some(name)),
                )
            }),
    }
}
