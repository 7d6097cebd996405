//! `schedule TARGET`: set, disable or show periodic savepoints and history retention.

use ::kube::api::{Api, Patch, PatchParams};
use anyhow::Result;
use clap::Args;
use flink_savepoint::crd::{FlinkDeployment, FlinkSessionJob};
use flink_savepoint::lifecycle::describe_text::render_schedule;
use flink_savepoint::lifecycle::{SchedulePlan, ScheduleRequest, plan_schedule, schedule_view};
use serde_json::{Value, json};

use super::lifecycle::{
    CONFLICT_RETRIES, Loaded, ObjectOutput, is_conflict, load, render, with_layers,
};
use crate::api::{ApiOp, ApiResultExt};
use crate::cli::{DryRun, DryRunArg};
use crate::exit::usage;
use crate::kube::Context;
use crate::target::{TargetKind, parse_target};

/// Set, disable or show periodic savepoints and savepoint-history retention.
///
/// TARGET is app/NAME, job/NAME or session/NAME (a session cluster's settings are inherited by
/// its session jobs). Without flags, shows the effective interval, retention and savepoint
/// directory and where each value comes from (resource, session cluster, operator default).
///
/// --interval takes a Flink duration (6h, 90 min, 1d) or a Quartz cron expression
/// ("0 0 */6 * * ?"); --max-age a Flink duration; --max-count a whole number >= 1. Values are
/// validated before anything is sent, written in the spelling (flat or nested) the resource
/// already uses, and nothing else in flinkConfiguration is touched. A savepoint directory is
/// never set on a session job.
#[derive(Debug, Args)]
pub struct ScheduleArgs {
    /// app/NAME, job/NAME or session/NAME (also KIND NAME).
    #[arg(value_name = "TARGET", num_args = 1..=2, required = true)]
    pub target: Vec<String>,
    /// Periodic savepoint interval: a duration (6h, 90 min) or a Quartz cron expression.
    #[arg(long, value_name = "DUR|CRON", conflicts_with = "disable")]
    pub interval: Option<String>,
    /// Keep savepoints in the history at most this long (Flink duration, e.g. 72h, 7d).
    #[arg(long, value_name = "DURATION")]
    pub max_age: Option<String>,
    /// Keep at most this many savepoints in the history (>= 1).
    #[arg(long, value_name = "N")]
    pub max_count: Option<String>,
    /// Turn periodic savepoints off.
    #[arg(long)]
    pub disable: bool,
    /// Also set the savepoint directory (applications and session clusters only).
    #[arg(long, value_name = "DIR")]
    pub savepoint_dir: Option<String>,
    #[command(flatten)]
    pub dry_run: DryRunArg,
    /// Print the result (or the settings) as an object.
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT")]
    pub output: Option<ObjectOutput>,
}

impl ScheduleArgs {
    fn request(&self) -> ScheduleRequest {
        ScheduleRequest {
            interval: self.interval.clone(),
            max_age: self.max_age.clone(),
            max_count: self.max_count.clone(),
            disable: self.disable,
            savepoint_dir: self.savepoint_dir.clone(),
        }
    }

    /// Runs the command.
    pub async fn run(self, ctx: &Context) -> Result<()> {
        let target = parse_target(&self.target, TargetKind::JOBS_AND_SESSIONS)?;
        let request = self.request();
        flink_savepoint::lifecycle::schedule::validate(&request)
            .map_err(|e| usage(e.to_string()))?;
        if !request.is_change() {
            return self.show(ctx, &target).await;
        }
        let mut attempt = 0;
        loop {
            attempt += 1;
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
            match self.apply(ctx, &loaded, &plan).await {
                Err(err) if is_conflict(&err) && attempt < CONFLICT_RETRIES => {
                    tracing::debug!(attempt, "conflict while patching, re-reading");
                    continue;
                }
                other => return other,
            }
        }
    }

    async fn show(&self, ctx: &Context, target: &crate::target::Target) -> Result<()> {
        let loaded = load(ctx, target).await?;
        let (own, cluster) = loaded.flat();
        let view = with_layers(&own, cluster.as_ref(), |layers| schedule_view(&layers));
        let text = match self.output {
            Some(format) => render(
                &json!({"target": loaded.target.to_string(), "settings": view}),
                format,
            )?,
            None => render_schedule(&loaded.target.to_string(), &view),
        };
        ctx.out.write(&text)
    }

    async fn apply(&self, ctx: &Context, loaded: &Loaded, plan: &SchedulePlan) -> Result<()> {
        let target = loaded.target.to_string();
        if plan.is_noop() {
            return ctx.out.line(&format!(
                "{target}: no change (the settings already have these values)"
            ));
        }
        let patch = plan.merge_patch(&loaded.resource_version());
        let mode = self.dry_run.dry_run;
        if mode != DryRun::Client {
            self.send(ctx, loaded, &patch, mode == DryRun::Server)
                .await?;
        }
        let suffix = match mode {
            DryRun::None => "",
            DryRun::Client => " (dry run: nothing sent)",
            DryRun::Server => " (server dry run: nothing persisted)",
        };
        if let Some(format) = self.output {
            let changes = serde_json::to_value(&plan.changes)?;
            let doc = json!({"target": target, "dryRun": mode != DryRun::None, "patchType": "merge", "patch": patch, "changes": changes});
            return ctx.out.write(&render(&doc, format)?);
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

    async fn send(
        &self,
        ctx: &Context,
        loaded: &Loaded,
        patch: &Value,
        server_dry_run: bool,
    ) -> Result<()> {
        let client = ctx.client().await?;
        let ns = loaded.namespace.as_str();
        let name = loaded.target.name.as_str();
        let mut params = PatchParams::default();
        if server_dry_run {
            params = params.dry_run();
        }
        if loaded.session_job.is_some() {
            let api: Api<FlinkSessionJob> = Api::namespaced(client, ns);
            api.patch(name, &params, &Patch::Merge(patch))
                .await
                .op(ApiOp::of::<FlinkSessionJob>("patch", Some(ns), Some(name)))?;
        } else {
            let api: Api<FlinkDeployment> = Api::namespaced(client, ns);
            api.patch(name, &params, &Patch::Merge(patch))
                .await
                .op(ApiOp::of::<FlinkDeployment>("patch", Some(ns), Some(name)))?;
        }
        Ok(())
    }
}
