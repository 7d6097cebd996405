//! `schedule TARGET`: set, disable or show periodic savepoints and history retention.

use flink_savepoint::config::Layered;
use flink_savepoint::plan::describe_text::render_schedule;
use flink_savepoint::plan::{SchedulePlan, ScheduleRequest, plan_schedule, schedule_view};
use serde_json::{Value, json};

use crate::cli::{DryRun, JOBS_AND_SESSIONS, Kind, ScheduleArgs, Target, parse_target};
use crate::cluster::retry::retry_on_conflict;
use crate::cluster::write::merge_patch;
use crate::cluster::{Context, Loaded, load};
use crate::error::{Result, usage};
use crate::render::object;
use crate::render::progress::require_confirmation;

fn request(args: &ScheduleArgs) -> ScheduleRequest {
    ScheduleRequest {
        interval: args.interval.clone(),
        max_age: args.max_age.clone(),
        max_count: args.max_count.clone(),
        disable: args.disable,
        savepoint_dir: args.savepoint_dir.clone(),
        flink_version: None,
    }
}

/// Runs the command.
pub async fn run(args: ScheduleArgs, ctx: &Context) -> Result<()> {
    let target = parse_target(&args.target, JOBS_AND_SESSIONS)?;
    let request = request(&args);
    flink_savepoint::plan::schedule::validate(&request).map_err(|e| usage(e.to_string()))?;
    if !request.is_change() {
        return show(&args, ctx, &target).await;
    }
    let client = ctx.client().await?;
    let ns = ctx.namespace().await?;
    // Asked once: a 409 re-plans, it does not ask again.
    let confirmed = std::cell::Cell::new(args.yes);
    retry_on_conflict(&target, &ns, async |_| {
        let loaded = load(&client, &ns, &target).await?;
        let view = loaded.view();
        let (_, cluster) = view.flat_configs();
        let request = ScheduleRequest {
            flink_version: loaded
                .flink_deployment()
                .and_then(|d| d.spec.flink_version.clone()),
            ..request.clone()
        };
        let plan = plan_schedule(
            view.kind(),
            view.flink_configuration(),
            cluster.as_ref(),
            view.cluster_name().unwrap_or_default(),
            &request,
        )
        .map_err(|e| usage(e.to_string()))?;
        apply(&args, ctx, &loaded, &plan, &confirmed).await
    })
    .await
}

async fn show(args: &ScheduleArgs, ctx: &Context, target: &Target) -> Result<()> {
    let client = ctx.client().await?;
    let loaded = load(&client, &ctx.namespace().await?, target).await?;
    let shown = loaded.view().display();
    let (own, cluster) = loaded.view().flat_configs();
    let view = schedule_view(&Layered::of(&own, cluster.as_ref()));
    let text = match &args.output {
        Some(format) => object(&json!({"target": shown, "settings": view}), format)?,
        None => render_schedule(&shown, &view),
    };
    ctx.out.write(&text)
}

async fn apply(
    args: &ScheduleArgs,
    ctx: &Context,
    loaded: &Loaded,
    plan: &SchedulePlan,
    confirmed: &std::cell::Cell<bool>,
) -> Result<()> {
    let view = loaded.view();
    let target = view.display();
    if plan.is_noop() {
        return ctx.out.line(&format!(
            "{target}: no change (the settings already have these values)"
        ));
    }
    let patch = plan.merge_patch(view.resource_version().unwrap_or_default());
    let mode = args.dry_run.dry_run;
    let dir_change = plan
        .changes
        .iter()
        .find(|c| c.option == flink_savepoint::config::options::SAVEPOINT_DIR.key);
    if let (DryRun::None, Some(change)) = (mode, dir_change) {
        let restarts = match view.kind() {
            Kind::SessionCluster => "restarts the session cluster and every session job on it",
            _ => "upgrades (restarts) the job",
        };
        let question = format!(
            "Set the savepoint directory of {target} to {} ({})? This is a spec change: the operator {restarts}",
            change.value.as_deref().unwrap_or_default(),
            change.key
        );
        require_confirmation(&question, "", confirmed.get(), "schedule")?;
        confirmed.set(true);
    }
    if mode != DryRun::Client {
        let client = ctx.client().await?;
        let ns = ctx.namespace().await?;
        let server_dry_run = mode == DryRun::Server;
        merge_patch(&client, &ns, &loaded.target(), &patch, server_dry_run).await?;
    }
    let suffix = match mode {
        DryRun::None => "",
        DryRun::Client => " (dry run: nothing sent)",
        DryRun::Server => " (server dry run: nothing persisted)",
    };
    if let Some(format) = &args.output {
        let changes = serde_json::to_value(&plan.changes)?;
        let doc = json!({"target": target, "dryRun": mode != DryRun::None, "patchType": "merge", "patch": patch, "changes": changes});
        return ctx.out.write(&object(&doc, format)?);
    }
    let verb = if mode == DryRun::None {
        "updated"
    } else {
        "would be updated"
    };
    let mut text = format!("{target}: schedule {verb}{suffix}\n");
    for c in &plan.changes {
        let before = c
            .previous
            .as_ref()
            .map_or("<unset>".to_owned(), Value::to_string);
        let after = c
            .value
            .as_ref()
            .map_or("<removed>".to_owned(), |v| format!("{v:?}"));
        text.push_str(&format!("  {}: {before} -> {after}\n", c.key));
    }
    if mode == DryRun::Client {
        text.push_str(&format!(
            "merge patch:\n{}\n",
            serde_json::to_string_pretty(&patch)?
        ));
    }
    if plan
        .changes
        .iter()
        .any(|c| c.option == flink_savepoint::config::options::SAVEPOINT_DIR.key)
    {
        text.push_str("note: changing the savepoint directory is a spec change; the operator upgrades (restarts) the job\n");
    }
    ctx.out.write(&text)
}
