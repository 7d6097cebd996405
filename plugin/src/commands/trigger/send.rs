//! What one target and several share: the `--format` check and the request itself
//! ([`Request`], one read-plan-write step that `retry_on_conflict` runs again on 409 Conflict).

use ::kube::Client;
use flink_savepoint::crd::{FlinkStateSnapshot, SavepointFormatType};
use flink_savepoint::plan::trigger::Method as PlanMethod;
use flink_savepoint::plan::{
    SnapshotOptions, TriggerAction, TriggerInput, nonce_merge_patch, plan_trigger,
};
use jiff::Timestamp;

use crate::cli::{DryRun, Format, Method, Target, TriggerArgs};
use crate::cluster::load;
use crate::cluster::retry::Attempt;
use crate::cluster::write::{create, merge_patch};
use crate::error::{Result, usage};
use crate::render::progress::warn;
use crate::render::trigger::{SavepointDirectory, TriggerInfo, dry_run_name};

/// The `--format` check shared by one target and several.
pub(super) fn check_format(args: &TriggerArgs) -> Result<()> {
    if args.method == Method::Nonce && args.format.is_some() {
        return Err(usage(
            "--format applies to --method snapshot; a nonce-triggered savepoint uses the \
             operator's kubernetes.operator.savepoint.format.type",
        ));
    }
    Ok(())
}

/// Whether to follow the savepoint after the request: `--wait`, unless with `--dry-run` (then a
/// warning says it is ignored).
pub(super) fn waits(args: &TriggerArgs) -> bool {
    let waiting = args.wait && args.dry_run.dry_run == DryRun::None;
    if args.wait && !waiting {
        warn("--wait is ignored with --dry-run");
    }
    waiting
}

/// The request for one target: reads it, plans, and sends. Run it with
/// `retry_on_conflict(target, ns, Request::new(…))`, which re-reads and re-plans on 409 Conflict.
pub(super) struct Request<'a> {
    args: &'a TriggerArgs,
    client: &'a Client,
    ns: &'a str,
    target: &'a Target,
    snapshot_crd: bool,
    dry_run: DryRun,
    options: SnapshotOptions,
}

impl<'a> Request<'a> {
    pub(super) fn new(
        args: &'a TriggerArgs,
        client: &'a Client,
        ns: &'a str,
        target: &'a Target,
        snapshot_crd: bool,
        dry_run: DryRun,
    ) -> Self {
        let options = SnapshotOptions {
            format: match args.format {
                Some(Format::Native) => SavepointFormatType::Native,
                _ => SavepointFormatType::Canonical,
            },
            dispose_on_delete: args.dispose_on_delete,
            backoff_limit: i64::from(args.backoff_limit),
        };
        Self {
            args,
            client,
            ns,
            target,
            snapshot_crd,
            dry_run,
            options,
        }
    }
}

impl Attempt for Request<'_> {
    type Output = TriggerInfo;

    async fn attempt(&mut self, attempt: u32) -> Result<TriggerInfo> {
        let Self {
            args,
            client,
            ns,
            target,
            snapshot_crd,
            dry_run,
            ref options,
        } = *self;
        let server_dry_run = dry_run == DryRun::Server;
        let loaded = load(client, ns, target).await?;
        let now = Timestamp::now();
        let input = TriggerInput {
            subject: loaded.view(),
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
    }
}
