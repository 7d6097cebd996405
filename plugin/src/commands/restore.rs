//! `restore TARGET --from SAVEPOINT|PATH|latest`: redeploy in place or create a copy.

use flink_savepoint::crd::{FlinkDeployment, FlinkSessionJob, FlinkStateSnapshot};
use flink_savepoint::plan::restore::parse_source;
use flink_savepoint::plan::{
    RestoreSource, plan_copy, plan_in_place, resolve_source, snapshot_location,
};
use serde_json::json;

use crate::cli::{DryRun, Kind, RestoreArgs, parse_target};
use crate::cluster::write::{create, merge_patch, retry_on_conflict};
use crate::cluster::{Context, Loaded, get, load, snapshot_crd_served, snapshots_in};
use crate::error::{Result, usage};
use crate::render::object;
use crate::render::progress::confirm;

/// Runs the command.
pub async fn run(args: RestoreArgs, ctx: &Context) -> Result<()> {
    let target = parse_target(&args.target, &[Kind::Application, Kind::SessionJob])?;
    let source = parse_source(&args.from).map_err(|e| usage(e.to_string()))?;
    let step = async |_| {
        let loaded = load(ctx, &target).await?;
        let path = savepoint_path(&args, ctx, &loaded, &source).await?;
        match &args.new_name {
            Some(new_name) => copy(&args, ctx, &loaded, new_name, &path).await,
            None => in_place(&args, ctx, &loaded, &path).await,
        }
    };
    // A create that conflicts (409 AlreadyExists) is final; an in-place patch is re-planned.
    if args.new_name.is_some() {
        return step(1).await;
    }
    let ns = ctx.namespace().await?;
    retry_on_conflict(&target, &ns, step).await
}

/// The savepoint path `--from` designates, from the target's history or a named snapshot.
async fn savepoint_path(
    args: &RestoreArgs,
    ctx: &Context,
    loaded: &Loaded,
    source: &RestoreSource,
) -> Result<String> {
    let shown = loaded.target.to_string();
    if loaded.history_target().is_none() {
        return Err(usage(format!(
            "{shown} is a session cluster (no spec.job): restore an application or a session job instead"
        )));
    }
    let client = ctx.client().await?;
    let served = snapshot_crd_served(&client).await?;
    let snaps = snapshots_in(&client, &loaded.namespace, served).await?;
    let history = loaded.history(&snaps);
    match resolve_source(source, &history, &shown).map_err(|e| usage(e.to_string()))? {
        Some(path) => Ok(path),
        None => {
            let name = match source {
                RestoreSource::Named(n) => n.clone(),
                _ => args.from.clone(),
            };
            let snap: FlinkStateSnapshot = get(&client, &loaded.namespace, &name).await?;
            snapshot_location(&snap).map_err(|e| usage(e.to_string()))
        }
    }
}

fn suffix(args: &RestoreArgs) -> &'static str {
    match args.dry_run.dry_run {
        DryRun::None => "",
        DryRun::Client => " (dry run: nothing sent)",
        DryRun::Server => " (server dry run: nothing persisted)",
    }
}

async fn in_place(args: &RestoreArgs, ctx: &Context, loaded: &Loaded, path: &str) -> Result<()> {
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
        args.allow_non_restored_state,
        reconciled,
        now_ms,
    )
    .map_err(|e| usage(e.to_string()))?;
    let mode = args.dry_run.dry_run;
    if mode == DryRun::None {
        let question = format!(
            "Redeploy {shown} from {path}? The running job is cancelled WITHOUT a savepoint and restarted from it"
        );
        if !confirm(&question, args.yes)? {
            return Err(usage("restore cancelled: nothing was changed"));
        }
    }
    if mode != DryRun::Client {
        let client = ctx.client().await?;
        let server_dry_run = mode == DryRun::Server;
        merge_patch(
            &client,
            &loaded.namespace,
            &loaded.target,
            &plan.patch,
            server_dry_run,
        )
        .await?;
    }
    if let Some(format) = &args.output {
        let doc = json!({"target": shown, "mode": "in-place", "dryRun": mode != DryRun::None,
                         "patchType": "merge", "patch": plan.patch, "savepoint": path, "savepointRedeployNonce": plan.nonce});
        return ctx.out.write(&object(&doc, format)?);
    }
    let mut text = format!(
        "{shown}: {} from {path} (savepointRedeployNonce {}){}\n",
        if mode == DryRun::None {
            "redeploying"
        } else {
            "would redeploy"
        },
        plan.nonce,
        suffix(args)
    );
    if mode == DryRun::Client {
        text.push_str(&format!(
            "merge patch:\n{}\n",
            serde_json::to_string_pretty(&plan.patch)?
        ));
    }
    ctx.out.write(&text)
}

async fn copy(
    args: &RestoreArgs,
    ctx: &Context,
    loaded: &Loaded,
    new_name: &str,
    path: &str,
) -> Result<()> {
    let shown = loaded.target.to_string();
    let raw = loaded.raw()?;
    let plan = plan_copy(&raw, &shown, new_name, path, args.allow_non_restored_state)
        .map_err(|e| usage(e.to_string()))?;
    let mode = args.dry_run.dry_run;
    let prefix = loaded.target.kind.prefix();
    if mode != DryRun::Client {
        let client = ctx.client().await?;
        let ns = loaded.namespace.as_str();
        let server_dry_run = mode == DryRun::Server;
        let name = Some(new_name);
        if loaded.session_job.is_some() {
            let obj: FlinkSessionJob = serde_json::from_value(plan.object.clone())?;
            create(&client, ns, name, &obj, server_dry_run).await?;
        } else {
            let obj: FlinkDeployment = serde_json::from_value(plan.object.clone())?;
            create(&client, ns, name, &obj, server_dry_run).await?;
        }
    }
    if let Some(format) = &args.output {
        return ctx.out.write(&object(&plan.object, format)?);
    }
    let mut text = format!(
        "{prefix}/{new_name} {} from {shown}, starting from {path}{}\n",
        if mode == DryRun::None {
            "created"
        } else {
            "would be created"
        },
        suffix(args)
    );
    if mode == DryRun::Client {
        text.push_str(&format!(
            "object:\n{}\n",
            serde_json::to_string_pretty(&plan.object)?
        ));
    }
    ctx.out.write(&text)
}
