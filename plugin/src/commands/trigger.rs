//! `trigger TARGET`: request a savepoint of an application or a session job.

use std::collections::BTreeSet;

use ::kube::Client;
use flink_savepoint::crd::{FlinkStateSnapshot, SavepointFormatType};
use flink_savepoint::plan::trigger::Method as PlanMethod;
use flink_savepoint::plan::{
    Refusal, SnapshotOptions, TriggerAction, TriggerInput, WaitStatus, WaitSubject,
    nonce_merge_patch, plan_trigger,
};
use jiff::Timestamp;

use crate::cli::{
    DryRun, Format, JOBS_AND_SESSIONS, Kind, Method, Target, TriggerArgs, parse_target,
};
use crate::cluster::write::{create, merge_patch, retry_on_conflict};
use crate::cluster::{
    Context, FollowSpec, discover_flink, fetch_target, follow, snapshots_in, watch_timeout,
};
use crate::error::{Result, usage};
use crate::render::progress::warn;
use crate::render::trigger::{SavepointDirectory, TriggerInfo, TriggerResult, dry_run_name};
use crate::render::wait::report;

/// Runs the command.
pub async fn run(args: TriggerArgs, ctx: &Context) -> Result<()> {
    let target = parse_target(&args.target, JOBS_AND_SESSIONS)?;
    if target.kind == Kind::SessionCluster {
        return Err(usage(
            Refusal::SessionCluster {
                target: target.to_string(),
                name: target.name.clone(),
            }
            .to_string(),
        ));
    }
    if args.method == Method::Nonce && args.format.is_some() {
        return Err(usage(
            "--format applies to --method snapshot; a nonce-triggered savepoint uses the \
             operator's kubernetes.operator.savepoint.format.type",
        ));
    }
    let client = ctx.client().await?;
    let ns = ctx.namespace().await?;
    let crds = discover_flink(&client).await?;
    let snapshot_crd = crds.has("flinkstatesnapshots");
    let dry_run = args.dry_run.dry_run;
    let waiting = args.wait && dry_run == DryRun::None;
    if args.wait && !waiting {
        warn("--wait is ignored with --dry-run");
    }
    // Snapshots that exist before the request can never be the answer (clock-independent).
    let known: BTreeSet<String> = if waiting && args.method == Method::Nonce {
        snapshots_in(&client, &ns, snapshot_crd)
            .await?
            .into_iter()
            .filter_map(|s| s.metadata.name)
            .collect()
    } else {
        BTreeSet::new()
    };
    let mut info = send(&args, &client, &ns, &target, snapshot_crd, dry_run).await?;
    if !waiting {
        return info.print(&ctx.out, args.output.as_ref());
    }
    if args.output.is_none() {
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
        timeout: args.timeout,
        snapshot_crd,
        describe: format!("savepoint of {target}"),
        watch_timeout: watch_timeout(&ctx.global),
    };
    let outcome = follow(&client, &spec).await;
    if let Some(format) = &args.output {
        info.result = Some(match &outcome {
            Ok(status) => TriggerResult::from_status(status),
            Err(err) => TriggerResult::from_status(&WaitStatus::Waiting(err.to_string())),
        });
        info.print(&ctx.out, Some(format))?;
        return report(None, outcome?, &spec.describe);
    }
    report(Some(&ctx.out), outcome?, &spec.describe)
}

/// Reads the target, plans, and sends; re-reads and re-plans on 409 Conflict.
async fn send(
    args: &TriggerArgs,
    client: &Client,
    ns: &str,
    target: &Target,
    snapshot_crd: bool,
    dry_run: DryRun,
) -> Result<TriggerInfo> {
    let options = SnapshotOptions {
        format: match args.format {
            Some(Format::Native) => SavepointFormatType::Native,
            _ => SavepointFormatType::Canonical,
        },
        dispose_on_delete: args.dispose_on_delete,
        backoff_limit: i64::from(args.backoff_limit),
    };
    let server_dry_run = dry_run == DryRun::Server;
    retry_on_conflict(target, ns, async |attempt| {
        let fetched = fetch_target(client, ns, target).await?;
        let now = Timestamp::now();
        let input = TriggerInput {
            subject: fetched.target(),
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
            savepoint_directory: plan.savepoint_dir.as_ref().map(|(key, value, place)| {
                SavepointDirectory {
                    value: value.clone(),
                    key: key.clone(),
                    source: place.clone(),
                }
            }),
            attempts: attempt,
            dry_run: dry_run_name(dry_run),
            request: None,
            result: None,
        };
        match plan.action {
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
                } else {
                    merge_patch(client, ns, target, &body, server_dry_run).await?;
                }
            }
            TriggerAction::Snapshot(snapshot) => {
                info.snapshot = snapshot.metadata.name.clone();
                if dry_run == DryRun::Client {
                    info.request = Some(serde_json::to_value(&*snapshot)?);
                } else {
                    let name = info.snapshot.as_deref();
                    create::<FlinkStateSnapshot>(client, ns, name, &snapshot, server_dry_run)
                        .await?;
                }
            }
        }
        Ok(info)
    })
    .await
}
