//! `schedule TARGET`: set, disable or show periodic savepoints and history retention.

use flink_savepoint::plan::describe_text::render_schedule;
use flink_savepoint::plan::{SchedulePlan, ScheduleRequest, plan_schedule, schedule_view};
use serde_json::{Value, json};

use crate::cli::{DryRun, JOBS_AND_SESSIONS, ScheduleArgs, Target, parse_target};
use crate::cluster::write::{merge_patch, retry_on_conflict};
use crate::cluster::{Context, Loaded, load, with_layers};
use crate::error::{Result, usage};
use crate::render::object;

fn request(args: &ScheduleArgs) -> ScheduleRequest {
    ScheduleRequest {
        interval: args.interval.clone(),
        max_age: args.max_age.clone(),
        max_count: args.max_count.clone(),
        disable: args.disable,
        savepoint_dir: args.savepoint_dir.clone(),
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
    let ns = ctx.namespace().await?;
    retry_on_conflict(&target, &ns, async |_| {
        let loaded = load(ctx, &target).await?;
        let (_, cluster) = loaded.flat();
        let plan = plan_schedule(
            loaded.kind,
            loaded.conf(),
            cluster.as_ref(),
            &loaded.cluster_name(),
            &request,
        )
        .map_err(|e| usage(e.to_string()))?;
        apply(&args, ctx, &loaded, &plan).await
    })
    .await
}

async fn show(args: &ScheduleArgs, ctx: &Context, target: &Target) -> Result<()> {
    let loaded = load(ctx, target).await?;
    let (own, cluster) = loaded.flat();
    let view = with_layers(&own, cluster.as_ref(), |layers| schedule_view(&layers));
    let text = match &args.output {
        Some(format) => object(
            &json!({"target": loaded.target.to_string(), "settings": view}),
            format,
        )?,
        None => render_schedule(&loaded.target.to_string(), &view),
    };
    ctx.out.write(&text)
}

async fn apply(
    args: &ScheduleArgs,
    ctx: &Context,
    loaded: &Loaded,
    plan: &SchedulePlan,
) -> Result<()> {
    let target = loaded.target.to_string();
    if plan.is_noop() {
        return ctx.out.line(&format!(
            "{target}: no change (the settings already have these values)"
        ));
    }
    let patch = plan.merge_patch(&loaded.resource_version());
    let mode = args.dry_run.dry_run;
    if mode != DryRun::Client {
        let client = ctx.client().await?;
        let server_dry_run = mode == DryRun::Server;
        merge_patch(
            &client,
            &loaded.namespace,
            &loaded.target,
            &patch,
            server_dry_run,
        )
        .await?;
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
