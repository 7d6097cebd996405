//! Sending a trigger: read, plan, write; re-read and re-plan on 409 Conflict.

use std::time::Duration;

use ::kube::api::{Patch, PatchParams, PostParams};
use ::kube::{Api, Client};
use anyhow::{Result, anyhow};
use flink_savepoint::crd::{
    FlinkDeployment, FlinkSessionJob, FlinkStateSnapshot, SavepointFormatType,
};
use flink_savepoint::savepoint::plan::Method as PlanMethod;
use flink_savepoint::savepoint::{
    SnapshotOptions, TriggerAction, TriggerInput, nonce_merge_patch, plan_trigger,
};
use jiff::Timestamp;

use super::trigger::{FIELD_MANAGER, Format, MAX_ATTEMPTS, Method, TriggerArgs};
use super::trigger_info::{TriggerInfo, dry_run_name};
use crate::api::{ApiOp, status_code};
use crate::cli::DryRun;
use crate::exit::usage;
use crate::fetch::fetch_target;
use crate::progress::warn;
use crate::target::{Target, TargetKind};

/// The result of sending the request.
pub struct Sent {
    /// What was sent, for printing.
    pub info: TriggerInfo,
}

/// Reads the target, plans, and sends; re-reads and re-plans on 409 Conflict.
pub async fn send(
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
