//! `restore TARGET --from SAVEPOINT|PATH|latest`: redeploy in place or create a copy.

use ::kube::api::{Api, Patch, PatchParams, PostParams};
use anyhow::Result;
use clap::Args;
use flink_savepoint::crd::{FlinkDeployment, FlinkSessionJob, FlinkStateSnapshot};
use flink_savepoint::lifecycle::restore::parse_source;
use flink_savepoint::lifecycle::{plan_copy, plan_in_place, resolve_source, snapshot_location};
use serde_json::json;

use super::lifecycle::{
    CONFLICT_RETRIES, Loaded, ObjectOutput, get, is_conflict, load, render, snapshot_crd_served,
    snapshots,
};
use crate::api::{ApiOp, ApiResultExt};
use crate::cli::{DryRun, DryRunArg};
use crate::exit::usage;
use crate::kube::Context;
use crate::progress::confirm;
use crate::target::{TargetKind, parse_target};

/// Restore an application or session job from a savepoint.
///
/// --from takes a FlinkStateSnapshot name (or flinkstatesnapshot/NAME, or a history id such as
/// legacy-<ms>), a savepoint path (s3://..., file:/...), or "latest" (the newest completed
/// savepoint of the target).
///
/// Without --new-name the target is redeployed in place: spec.job.initialSavepointPath is set
/// and spec.job.savepointRedeployNonce changed, so the operator cancels the running job WITHOUT a
/// savepoint and starts it from the given one. This asks for confirmation (--yes skips it; without
/// a terminal and without --yes the command refuses). With --new-name a new FlinkDeployment or
/// FlinkSessionJob is created from the target's spec, starting from the savepoint; the target is
/// left untouched. (The kubectl flag --as is the impersonation flag, hence --new-name.)
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// app/NAME or job/NAME (also KIND NAME).
    #[arg(value_name = "TARGET", num_args = 1..=2, required = true)]
    pub target: Vec<String>,
    /// Savepoint to restore: FlinkStateSnapshot name, savepoint path, or "latest".
    #[arg(long, value_name = "SAVEPOINT|PATH|latest")]
    pub from: String,
    /// Allow state that cannot be mapped to the new program to be skipped.
    #[arg(long)]
    pub allow_non_restored_state: bool,
    /// Create a new resource with this name instead of redeploying the target.
    #[arg(long, value_name = "NEW_NAME", visible_alias = "as-new")]
    pub new_name: Option<String>,
    /// Do not ask for confirmation.
    #[arg(short = 'y', long)]
    pub yes: bool,
    #[command(flatten)]
    pub dry_run: DryRunArg,
    /// Print what is applied (patch or new object) as JSON or YAML.
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT")]
    pub output: Option<ObjectOutput>,
}

impl RestoreArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context) -> Result<()> {
        let target = parse_target(
            &self.target,
            &[TargetKind::FlinkDeployment, TargetKind::FlinkSessionJob],
        )?;
        let source = parse_source(&self.from).map_err(|e| usage(e.to_string()))?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let loaded = load(ctx, &target).await?;
            let shown = loaded.target.to_string();
            if loaded.history_target().is_none() {
                return Err(usage(format!(
                    "{shown} is a session cluster (no spec.job): restore an application or a session job instead"
                )));
            }
            let client = ctx.client().await?;
            let snaps = if snapshot_crd_served(&client).await? {
                snapshots(&client, &loaded.namespace).await?
            } else {
                Vec::new()
            };
            let history = loaded.history(&snaps);
            let path = match resolve_source(&source, &history, &shown)
                .map_err(|e| usage(e.to_string()))?
            {
                Some(path) => path,
                None => {
                    let name = match &source {
                        flink_savepoint::lifecycle::RestoreSource::Named(n) => n.clone(),
                        _ => self.from.clone(),
                    };
                    let snap: FlinkStateSnapshot = get(&client, &loaded.namespace, &name).await?;
                    snapshot_location(&snap).map_err(|e| usage(e.to_string()))?
                }
            };
            let result = match &self.new_name {
                Some(new_name) => self.copy(ctx, &loaded, new_name, &path).await,
                None => self.in_place(ctx, &loaded, &path).await,
            };
            match result {
                Err(err)
                    if is_conflict(&err)
                        && self.new_name.is_none()
                        && attempt < CONFLICT_RETRIES =>
                {
                    continue;
                }
                other => return other,
            }
        }
    }

    fn suffix(&self) -> &'static str {
        match self.dry_run.dry_run {
            DryRun::None => "",
            DryRun::Client => " (dry run: nothing sent)",
            DryRun::Server => " (server dry run: nothing persisted)",
        }
    }

    async fn in_place(&self, ctx: &Context, loaded: &Loaded, path: &str) -> Result<()> {
        let shown = loaded.target.to_string();
        let raw = loaded.raw()?;
        let reconciled = loaded
            .history_target()
            .and_then(|t| t.reconciliation_status())
            .and_then(|r| r.last_reconciled_job_spec())
            .and_then(|j| j.savepoint_redeploy_nonce);
        let now_ms = jiff::Timestamp::now().as_millisecond();
        let plan = plan_in_place(
            &raw,
            &shown,
            path,
            self.allow_non_restored_state,
            reconciled,
            now_ms,
        )
        .map_err(|e| usage(e.to_string()))?;
        let mode = self.dry_run.dry_run;
        if mode == DryRun::None {
            let question = format!(
                "Redeploy {shown} from {path}? The running job is cancelled WITHOUT a savepoint and restarted from it"
            );
            if !confirm(&question, self.yes)? {
                return Err(usage("restore cancelled: nothing was changed"));
            }
        }
        if mode != DryRun::Client {
            let client = ctx.client().await?;
            let ns = loaded.namespace.as_str();
            let name = loaded.target.name.as_str();
            let params = if mode == DryRun::Server {
                PatchParams::default().dry_run()
            } else {
                PatchParams::default()
            };
            if loaded.session_job.is_some() {
                Api::<FlinkSessionJob>::namespaced(client, ns)
                    .patch(name, &params, &Patch::Merge(&plan.patch))
                    .await
                    .op(ApiOp::of::<FlinkSessionJob>("patch", Some(ns), Some(name)))?;
            } else {
                Api::<FlinkDeployment>::namespaced(client, ns)
                    .patch(name, &params, &Patch::Merge(&plan.patch))
                    .await
                    .op(ApiOp::of::<FlinkDeployment>("patch", Some(ns), Some(name)))?;
            }
        }
        if let Some(format) = self.output {
            let doc = json!({"target": shown, "mode": "in-place", "dryRun": mode != DryRun::None,
                             "patchType": "merge", "patch": plan.patch, "savepoint": path, "savepointRedeployNonce": plan.nonce});
            return ctx.out.write(&render(&doc, format)?);
        }
        let mut text = format!(
            "{shown}: {} from {path} (savepointRedeployNonce {}){}\n",
            if mode == DryRun::None {
                "redeploying"
            } else {
                "would redeploy"
            },
            plan.nonce,
            self.suffix()
        );
        if mode == DryRun::Client {
            text.push_str(&format!(
                "merge patch:\n{}\n",
                serde_json::to_string_pretty(&plan.patch)?
            ));
        }
        ctx.out.write(&text)
    }

    async fn copy(&self, ctx: &Context, loaded: &Loaded, new_name: &str, path: &str) -> Result<()> {
        let shown = loaded.target.to_string();
        let raw = loaded.raw()?;
        let plan = plan_copy(&raw, &shown, new_name, path, self.allow_non_restored_state)
            .map_err(|e| usage(e.to_string()))?;
        let mode = self.dry_run.dry_run;
        let prefix = loaded.target.kind.prefix();
        if mode != DryRun::Client {
            let client = ctx.client().await?;
            let ns = loaded.namespace.as_str();
            let params = PostParams {
                dry_run: mode == DryRun::Server,
                ..PostParams::default()
            };
            if loaded.session_job.is_some() {
                let obj: FlinkSessionJob = serde_json::from_value(plan.object.clone())?;
                Api::<FlinkSessionJob>::namespaced(client, ns)
                    .create(&params, &obj)
                    .await
                    .op(ApiOp::of::<FlinkSessionJob>(
                        "create",
                        Some(ns),
                        Some(new_name),
                    ))?;
            } else {
                let obj: FlinkDeployment = serde_json::from_value(plan.object.clone())?;
                Api::<FlinkDeployment>::namespaced(client, ns)
                    .create(&params, &obj)
                    .await
                    .op(ApiOp::of::<FlinkDeployment>(
                        "create",
                        Some(ns),
                        Some(new_name),
                    ))?;
            }
        }
        if let Some(format) = self.output {
            return ctx.out.write(&render(&plan.object, format)?);
        }
        let mut text = format!(
            "{prefix}/{new_name} {} from {shown}, starting from {path}{}\n",
            if mode == DryRun::None {
                "created"
            } else {
                "would be created"
            },
            self.suffix()
        );
        if mode == DryRun::Client {
            text.push_str(&format!(
                "object:\n{}\n",
                serde_json::to_string_pretty(&plan.object)?
            ));
        }
        ctx.out.write(&text)
    }
}
