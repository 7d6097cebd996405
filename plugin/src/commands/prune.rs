//! `prune TARGET`: remove old savepoint FlinkStateSnapshots of one job.

use std::time::Duration;

use anyhow::Result;
use clap::Args;
use flink_savepoint::history::is_savepoint_of;
use flink_savepoint::lifecycle::{PruneCriteria, SnapshotItem, plan_prune};

use super::delete::{delete_snapshot, disposal_note, dry_run_suffix, require_snapshot_crd};
use super::lifecycle::{ObjectOutput, load, render};
use crate::api::list_all;
use crate::cli::{DryRunArg, parse_duration};
use crate::exit::usage;
use crate::kube::Context;
use crate::output::{Table, human_age};
use crate::target::{TargetKind, parse_target};

/// Remove old savepoint FlinkStateSnapshots of an application or session job.
///
/// --keep N keeps the N newest completed savepoints; failed and abandoned snapshots hold no
/// savepoint and do not count towards N. --older-than only removes snapshots older than the
/// duration; with both, a snapshot must meet both. Pending and in-progress snapshots are never
/// removed. If the selection would remove the newest completed savepoint of the job, the prune is
/// refused (exit 2) unless --include-latest is given. The operator never cleans up manual
/// savepoints; this is how to. Each snapshot says whether its data is disposed (disposeOnDelete).
#[derive(Debug, Args)]
pub struct PruneArgs {
    /// app/NAME or job/NAME (also KIND NAME).
    #[arg(value_name = "TARGET", num_args = 1..=2, required = true)]
    pub target: Vec<String>,
    /// Keep the N newest completed savepoints.
    #[arg(long, value_name = "N")]
    pub keep: Option<u32>,
    /// Only remove savepoints older than this (e.g. 7d, 72h, 30m).
    #[arg(long, value_name = "DURATION", value_parser = parse_age)]
    pub older_than: Option<Duration>,
    /// Allow removing the newest completed savepoint too.
    #[arg(long)]
    pub include_latest: bool,
    #[command(flatten)]
    pub dry_run: DryRunArg,
    /// Print the decisions as JSON or YAML.
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT")]
    pub output: Option<ObjectOutput>,
}

/// A Flink duration (`7d`, `72 h`) or a kubectl one (`1h30m`).
pub fn parse_age(text: &str) -> Result<Duration, String> {
    flink_savepoint::grammar::parse_duration(text)
        .ok()
        .filter(|d| !d.is_zero() || text.trim() == "0")
        .map_or_else(|| parse_duration(text), Ok)
        .map_err(|_| format!("invalid duration {text:?}: use e.g. 7d, 72h, 30m or 1h30m"))
}

impl PruneArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context) -> Result<()> {
        let target = parse_target(
            &self.target,
            &[TargetKind::FlinkDeployment, TargetKind::FlinkSessionJob],
        )?;
        let criteria = PruneCriteria {
            keep: self.keep,
            older_than: self.older_than,
            include_latest: self.include_latest,
        };
        if criteria.keep.is_none() && criteria.older_than.is_none() {
            return Err(usage(
                flink_savepoint::lifecycle::PruneError::NoCriteria.to_string(),
            ));
        }
        let loaded = load(ctx, &target).await?;
        let Some(job) = loaded.history_target().map(|t| t.target_ref()) else {
            return Err(usage(format!(
                "{} is a session cluster: prune its session jobs (job/NAME)",
                loaded.target
            )));
        };
        let client = ctx.client().await?;
        require_snapshot_crd(&client).await?;
        let all = list_all(&client, Some(&loaded.namespace), None).await?;
        let items: Vec<SnapshotItem> = all
            .iter()
            .filter(|s| is_savepoint_of(s, &job))
            .map(SnapshotItem::from_snapshot)
            .collect();
        let now = jiff::Timestamp::now();
        let shown = loaded.target.to_string();
        let plan = plan_prune(items, &criteria, now, &shown).map_err(|e| usage(e.to_string()))?;
        let mode = self.dry_run.dry_run;
        for decision in plan.to_delete() {
            delete_snapshot(ctx, &loaded.namespace, &decision.item, mode).await?;
        }
        if let Some(format) = self.output {
            return ctx.out.write(&render(&plan, format)?);
        }
        let mut table = Table::new(["savepoint", "state", "age", "action", "reason"]);
        for d in &plan.decisions {
            let age = d
                .item
                .time
                .map(|t| human_age(now.duration_since(t).as_secs()))
                .unwrap_or_default();
            let action = if d.delete {
                format!("delete{}", dry_run_suffix(mode))
            } else {
                "keep".to_owned()
            };
            table.push([
                d.item.name.clone(),
                d.item.state.clone(),
                age,
                action,
                d.reason.clone(),
            ]);
        }
        let mut text = if plan.decisions.is_empty() {
            format!("{shown} has no savepoint FlinkStateSnapshots\n")
        } else {
            table.render(false)
        };
        let count = plan.to_delete().count();
        for d in plan.to_delete() {
            text.push_str(&format!(
                "flinkstatesnapshot/{}: {}\n",
                d.item.name,
                disposal_note(&d.item)
            ));
        }
        text.push_str(&format!(
            "{count} savepoint(s) of {shown} deleted{}\n",
            dry_run_suffix(mode)
        ));
        ctx.out.write(&text)
    }
}
