//! `list [TARGET...]`: savepoints from every source the operator records, newest first.

use std::collections::HashMap;

use flink_savepoint::crd::{
    FlinkDeployment, FlinkSessionJob, SnapshotTriggerType, Target as JobTarget, TargetRef,
};
use flink_savepoint::flink_rest::{JobEndpoint, annotate, job_endpoint};
use flink_savepoint::history::listing::{ListFilter, STATE_VALUES, collect_entries, parse_state};
use flink_savepoint::history::{EntryState, SavepointEntry};
use jiff::Timestamp;

use crate::cli::{JOBS_AND_SESSIONS, ListArgs, OutputFormat, TypeFilter, parse_targets};
use crate::cluster::{Context, FlinkRest, Selection, watch, watch_timeout};
use crate::error::{Result, usage};
use crate::render::list::{RenderOptions, render, render_change, row_key, sort_entries, table};
use crate::render::progress::warn;

/// Runs the command.
pub async fn run(args: ListArgs, ctx: &Context) -> Result<()> {
    let targets = parse_targets(&args.target, JOBS_AND_SESSIONS)?;
    if !targets.is_empty() && args.all_namespaces {
        return Err(usage(
            "a TARGET cannot be combined with -A/--all-namespaces",
        ));
    }
    let filter = filter(&args)?;
    let client = ctx.client().await?;
    let ns = ctx.namespace().await?;
    let scope_ns = (!args.all_namespaces).then_some(ns.as_str());
    let selection = Selection::discover(&client, targets.clone(), args.selector.clone()).await?;
    let (deployments, jobs, snapshots) = selection.fetch(&client, scope_ns).await?;
    let opts = RenderOptions {
        format: args.output.clone().unwrap_or_default(),
        no_headers: args.no_headers,
        all_namespaces: args.all_namespaces,
        show_labels: args.show_labels,
        now: Timestamp::now(),
    };
    let (deployments, jobs) = selection.select(deployments, jobs);
    let mut entries = collect_entries(&deployments, &jobs, &snapshots, &filter);
    // Sizes and durations are in every format built on the -o json document, and in -o wide.
    if matches!(
        args.output,
        Some(
            OutputFormat::Wide
                | OutputFormat::Json
                | OutputFormat::Yaml
                | OutputFormat::JsonPath(_)
                | OutputFormat::CustomColumns(_)
        )
    ) {
        with_rest_sizes(ctx, &deployments, &jobs, &mut entries).await?;
    }
    if let Some(path) = &args.sort_by {
        entries = sort_entries(entries, path)?;
    }
    let shown: Vec<String> = targets.iter().map(ToString::to_string).collect();
    let scope = match (shown.is_empty(), scope_ns) {
        (false, Some(ns)) => format!("for {} in namespace {ns}", shown.join(", ")),
        (true, Some(ns)) => format!("in namespace {ns}"),
        _ => "in any namespace".to_owned(),
    };
    ctx.out.write(&render(&entries, &opts, &scope)?)?;
    if !args.watch {
        return Ok(());
    }
    // `--watch`: print rows that appear or change, with the first listing's column widths.
    let widths = table(&entries, &opts)?.widths(opts.no_headers || entries.is_empty());
    let mut printed: HashMap<String, String> = entries
        .iter()
        .map(|e| (row_key(e), fingerprint(e)))
        .collect();
    let timeout = watch_timeout(&ctx.global);
    watch(&client, scope_ns, &selection, timeout, |(d, j, s)| {
        let entries = collect_entries(&d, &j, &s, &filter);
        let now = RenderOptions {
            now: Timestamp::now(),
            ..opts.clone()
        };
        for entry in entries.iter().rev() {
            let key = row_key(entry);
            let print = fingerprint(entry);
            if printed.get(&key) != Some(&print) {
                ctx.out.write(&render_change(entry, &now, &widths)?)?;
                printed.insert(key, print);
            }
        }
        Ok(())
    })
    .await
}

/// SIZE and DURATION from the JobManagers' checkpoint histories (the jobs with a completed
/// savepoint listed, asked concurrently); a failure prints one notice and leaves them blank.
async fn with_rest_sizes(
    ctx: &Context,
    deployments: &[FlinkDeployment],
    jobs: &[FlinkSessionJob],
    entries: &mut [SavepointEntry],
) -> Result<()> {
    let wanted = |t: &TargetRef| {
        entries.iter().any(|e| {
            e.target.same_resource(t) && e.state == EntryState::Completed && e.location.is_some()
        })
    };
    let endpoints: Vec<(TargetRef, JobEndpoint)> = deployments
        .iter()
        .filter(|d| !d.is_session_cluster())
        .map(JobTarget::deployment)
        .chain(jobs.iter().map(|j| JobTarget::session_job(j, None)))
        .filter_map(|t| Some((t.target_ref(), job_endpoint(t)?)))
        .filter(|(t, _)| wanted(t))
        .collect();
    if endpoints.is_empty() {
        return Ok(());
    }
    let rest = FlinkRest::new(ctx.rest_client().await?, &ctx.global);
    for (target, result) in rest.checkpoints_all(endpoints).await {
        match result {
            Ok(stats) => entries
                .iter_mut()
                .filter(|e| e.target.same_resource(&target))
                .for_each(|e| {
                    annotate(e, &stats);
                }),
            Err(err) => {
                if let Some(notice) = rest.notice(&err) {
                    warn(&notice);
                }
            }
        }
    }
    Ok(())
}

fn fingerprint(entry: &SavepointEntry) -> String {
    serde_json::to_string(entry).unwrap_or_default()
}

fn filter(args: &ListArgs) -> Result<ListFilter> {
    let states = args
        .states
        .iter()
        .map(|s| {
            parse_state(s)
                .ok_or_else(|| usage(format!("unknown --state {s:?}; accepted: {STATE_VALUES}")))
        })
        .collect::<Result<Vec<_>>>()?;
    let types = args
        .types
        .iter()
        .map(|t| match t {
            TypeFilter::Manual => SnapshotTriggerType::Manual,
            TypeFilter::Periodic => SnapshotTriggerType::Periodic,
            TypeFilter::Upgrade => SnapshotTriggerType::Upgrade,
        })
        .collect();
    Ok(ListFilter {
        types,
        states,
        include_orphans: args.target.is_empty() && args.selector.is_none(),
    })
}
