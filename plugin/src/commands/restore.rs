//! `restore TARGET --from SAVEPOINT|PATH|latest`: redeploy in place or create a copy.

use flink_savepoint::crd::{FlinkDeployment, FlinkSessionJob, FlinkStateSnapshot};
use flink_savepoint::plan::restore::parse_source;
use flink_savepoint::plan::{
    JobSavepoints, RestoreSource, check_origin, namespace_jobs, plan_copy, plan_in_place,
    resolve_source, savepoint_dir_of, snapshot_location,
};
use serde_json::json;

use crate::cli::{DryRun, Kind, RestoreArgs, parse_target};
use crate::cluster::retry::retry_on_conflict;
use crate::cluster::write::{create, merge_patch};
use crate::cluster::{Context, Loaded, get, list_all, load, snapshot_crd_served, snapshots_in};
use crate::error::{Result, usage};
use crate::render::object;
use crate::render::progress::{require_confirmation, warn};

/// Runs the command.
pub async fn run(args: RestoreArgs, ctx: &Context) -> Result<()> {
    let target = parse_target(&args.target, &[Kind::Application, Kind::SessionJob])?;
    let source = parse_source(&args.from).map_err(|e| usage(e.to_string()))?;
    let client = ctx.client().await?;
    let ns = ctx.namespace().await?;
    let step = async |_| {
        let loaded = load(&client, &ns, &target).await?;
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
    retry_on_conflict(&target, &ns, step).await
}

/// The savepoint path `--from` designates, from the target's history or a named snapshot.
/// A savepoint of another job is refused without `--force`; one outside the target's savepoint
/// directory is a warning.
async fn savepoint_path(
    args: &RestoreArgs,
    ctx: &Context,
    loaded: &Loaded,
    source: &RestoreSource,
) -> Result<String> {
    let shown = loaded.view().display();
    let Some(history_target) = loaded.job_view() else {
        return Err(usage(format!(
            "{shown} is a session cluster (no spec.job): restore an application or a session job instead"
        )));
    };
    let client = ctx.client().await?;
    let namespace = ctx.namespace().await?;
    let served = snapshot_crd_served(&client).await?;
    let snaps = snapshots_in(&client, &namespace, served).await?;
    let history = loaded.history(&snaps);
    let own = history_target.target_ref();
    let resolved = resolve_source(source, &history, &shown).map_err(|e| usage(e.to_string()))?;
    // A path, or a name that is not in the target's history, may be another job's: then every job
    // of the namespace is consulted (one LIST per kind).
    let jobs = if matches!(source, RestoreSource::Path(_)) || resolved.is_none() {
        let ns = Some(namespace.as_str());
        let (deployments, session_jobs) = futures::try_join!(
            list_all::<FlinkDeployment>(&client, ns, None),
            list_all::<FlinkSessionJob>(&client, ns, None)
        )?;
        namespace_jobs(&deployments, &session_jobs, &snaps)
    } else {
        vec![JobSavepoints {
            job: own.clone(),
            dir: savepoint_dir_of(
                history_target.flink_configuration(),
                history_target
                    .cluster()
                    .and_then(FlinkDeployment::flink_configuration),
            ),
            history,
        }]
    };
    let (path, named) = match resolved {
        Some(path) => (path, None),
        None => {
            let name = match source {
                RestoreSource::Named(n) => n.clone(),
                _ => args.from.clone(),
            };
            // Another job's snapshot or history entry (`legacy-<ms>`), by its id.
            let other = jobs.iter().find_map(|j| {
                let source = RestoreSource::Named(name.clone());
                match resolve_source(&source, &j.history, &j.job.to_string()) {
                    Ok(Some(path)) => Some(Ok((path, j.job.clone()))),
                    Ok(None) => None,
                    Err(e) => Some(Err(usage(e.to_string()))),
                }
            });
            match other.transpose()? {
                Some((path, owner)) => (path, Some((name, owner))),
                None => {
                    let snap: FlinkStateSnapshot = get(&client, &namespace, &name).await?;
                    let path = snapshot_location(&snap).map_err(|e| usage(e.to_string()))?;
                    (path, snap.job_reference().map(|owner| (name, owner)))
                }
            }
        }
    };
    let named = named.as_ref().map(|(name, owner)| (name.as_str(), owner));
    let check = check_origin(&own, &path, named, &jobs);
    if let Some(foreign) = &check.foreign {
        if !args.force {
            return Err(usage(format!(
                "refusing to restore {shown} from {path}: it is a savepoint of {} ({}), not of {shown}; \
                 another job's state may not match this job. Pass --force to restore from it anyway \
                 (nothing was changed)",
                foreign.owner, foreign.evidence
            )));
        }
        warn(&format!(
            "restoring {shown} from a savepoint of {} ({}) because of --force",
            foreign.owner, foreign.evidence
        ));
    }
    if let Some(dir) = &check.outside_dir {
        warn(&format!(
            "{path} is not under the savepoint directory of {shown} ({dir})"
        ));
    }
    Ok(path)
}

fn suffix(args: &RestoreArgs) -> &'static str {
    match args.dry_run.dry_run {
        DryRun::None => "",
        DryRun::Client => " (dry run: nothing sent)",
        DryRun::Server => " (server dry run: nothing persisted)",
    }
}

async fn in_place(args: &RestoreArgs, ctx: &Context, loaded: &Loaded, path: &str) -> Result<()> {
    let shown = loaded.view().display();
    let raw = loaded.raw()?;
    let reconciled = loaded
        .job_view()
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
        require_confirmation(&question, "", args.yes, "restore")?;
    }
    if mode != DryRun::Client {
        let client = ctx.client().await?;
        let ns = ctx.namespace().await?;
        let server_dry_run = mode == DryRun::Server;
        merge_patch(&client, &ns, &loaded.target(), &plan.patch, server_dry_run).await?;
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
    let view = loaded.view();
    let shown = view.display();
    let raw = loaded.raw()?;
    let plan = plan_copy(&raw, &shown, new_name, path, args.allow_non_restored_state)
        .map_err(|e| usage(e.to_string()))?;
    let mode = args.dry_run.dry_run;
    let prefix = view.kind().prefix();
    if mode != DryRun::Client {
        let client = ctx.client().await?;
        let ns = ctx.namespace().await?;
        let ns = ns.as_str();
        let server_dry_run = mode == DryRun::Server;
        let name = Some(new_name);
        if view.kind() == Kind::SessionJob {
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
