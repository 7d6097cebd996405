//! `list [TARGET...]`: savepoints from every source the operator records, newest first.

use std::collections::HashMap;

use flink_savepoint::crd::SnapshotTriggerType;
use flink_savepoint::history::SavepointEntry;
use flink_savepoint::history::listing::{ListFilter, STATE_VALUES, collect_entries, parse_state};
use jiff::Timestamp;

use crate::cli::{JOBS_AND_SESSIONS, ListArgs, TypeFilter, parse_targets};
use crate::cluster::{Context, Selection, discover_flink, watch, watch_timeout};
use crate::error::{Result, failed, missing_crd_message, usage};
use crate::render::list::{RenderOptions, render, render_change, row_key, sort_entries, table};

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
    let crds = discover_flink(&client).await?;
    if !crds.has("flinkdeployments") {
        return Err(failed(missing_crd_message(
            "FlinkDeployment",
            "flinkdeployments",
        )));
    }
    let selection = Selection {
        targets: targets.clone(),
        selector: args.selector.clone(),
        session_jobs: crds.has("flinksessionjobs"),
        snapshots: crds.has("flinkstatesnapshots"),
    };
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
