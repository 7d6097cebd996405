//! `prune TARGET`: remove old savepoint FlinkStateSnapshots of one job.

use flink_savepoint::history::is_savepoint_of;
use flink_savepoint::plan::{PruneCriteria, SnapshotItem, disposal_question, plan_prune};

use crate::cli::{DryRun, Kind, PruneArgs, parse_target};
use crate::cluster::{Context, delete_snapshot, list_all, load, require_snapshot_crd};
use crate::error::{Result, usage};
use crate::render::progress::require_confirmation;
use crate::render::snapshots::{disposal_note, dry_run_suffix, removal_list};
use crate::render::{Table, human_age, object};

/// Runs the command.
pub async fn run(args: PruneArgs, ctx: &Context) -> Result<()> {
    let target = parse_target(&args.target, &[Kind::Application, Kind::SessionJob])?;
    let criteria = PruneCriteria {
        keep: args.keep,
        older_than: args.older_than,
        include_latest: args.include_latest,
    };
    if criteria.keep.is_none() && criteria.older_than.is_none() {
        return Err(usage(
            flink_savepoint::plan::PruneError::NoCriteria.to_string(),
        ));
    }
    let client = ctx.client().await?;
    let ns = ctx.namespace().await?;
    let loaded = load(&client, &ns, &target).await?;
    let Some(job) = loaded.job_view().map(|t| t.target_ref()) else {
        return Err(usage(format!(
            "{} is a session cluster: prune its session jobs (job/NAME)",
            loaded.target()
        )));
    };
    require_snapshot_crd(&client).await?;
    let all = list_all(&client, Some(&ns), None).await?;
    let items: Vec<SnapshotItem> = all
        .iter()
        .filter(|s| is_savepoint_of(s, &job))
        .map(SnapshotItem::from_snapshot)
        .collect();
    let now = jiff::Timestamp::now();
    let shown = loaded.target().to_string();
    let plan = plan_prune(items, &criteria, now, &shown).map_err(|e| usage(e.to_string()))?;
    let mode = args.dry_run.dry_run;
    let removing: Vec<&SnapshotItem> = plan.to_delete().map(|d| &d.item).collect();
    let what = format!("{} savepoint(s) of {shown}", removing.len());
    if mode == DryRun::None
        && let Some(question) = disposal_question(&removing, &what)
    {
        let details = format!("{what} will be deleted:\n{}", removal_list(&removing));
        require_confirmation(&question, &details, args.yes, "prune")?;
    }
    for decision in plan.to_delete() {
        delete_snapshot(&client, &ns, &decision.item, mode).await?;
    }
    if let Some(format) = &args.output {
        return ctx.out.write(&object(&plan, format)?);
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
