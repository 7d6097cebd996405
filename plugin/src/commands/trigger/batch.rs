//! `trigger` for several targets (names, `-l`, `--all`): requested and followed concurrently.

use std::collections::{BTreeMap, BTreeSet};

use flink_savepoint::plan::WaitSubject;
use futures::{StreamExt, stream};

use super::send::{Request, check_format, waits};
use crate::cli::{DryRun, Method, Target, TargetSet, TriggerArgs};
use crate::cluster::retry::retry_on_conflict;
use crate::cluster::{
    CONCURRENCY, Context, FollowSpec, batch_targets, discover_flink, follow, snapshots_in,
    watch_timeout,
};
use crate::error::Result;
use crate::render::batch::{BatchRow, follow_hint, outcome, print_summary};
use crate::render::trigger::TriggerInfo;

/// Several targets: the savepoints are requested concurrently ([`CONCURRENCY`] at a time), then
/// (with `--wait`) followed concurrently until each finishes or `--timeout` (for the whole batch)
/// passes; one summary at the end; the exit code is the worst outcome.
pub(super) async fn run_batch(args: TriggerArgs, ctx: &Context, set: TargetSet) -> Result<()> {
    check_format(&args)?;
    let client = ctx.client().await?;
    let Some(targets) = batch_targets(ctx, &client, set).await? else {
        return Ok(());
    };
    let crds = discover_flink(&client).await?;
    let snapshot_crd = crds.has("flinkstatesnapshots");
    let dry_run = args.dry_run.dry_run;
    let waiting = waits(&args);
    // Snapshots that exist before the requests can never be the answer (one LIST per namespace).
    let mut known: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    if waiting && args.method == Method::Nonce {
        let namespaces: BTreeSet<&String> = targets.iter().map(|(ns, _)| ns).collect();
        for ns in namespaces {
            let names = snapshots_in(&client, ns, snapshot_crd)
                .await?
                .into_iter()
                .filter_map(|s| s.metadata.name)
                .collect();
            known.insert(ns.clone(), names);
        }
    }
    let total = targets.len();
    let sent: Vec<(String, Target, Result<TriggerInfo>)> = stream::iter(targets)
        .map(|(ns, target)| {
            let (args, client) = (&args, &client);
            async move {
                let request = Request::new(args, client, &ns, &target, snapshot_crd, dry_run);
                let info = retry_on_conflict(&target, &ns, request).await;
                (ns, target, info)
            }
        })
        .buffered(CONCURRENCY)
        .collect()
        .await;
    let deadline = tokio::time::Instant::now() + args.timeout;
    let done = std::sync::atomic::AtomicUsize::new(0);
    let rows: Vec<BatchRow> = stream::iter(sent)
        .map(|(ns, target, info)| {
            let (client, known, done) = (&client, &known, &done);
            async move {
                let mut row = BatchRow::new(&ns, target.to_string());
                let info = match info {
                    Ok(info) => info,
                    Err(err) => return row.error(&err),
                };
                row.request = Some(match (&info.snapshot, info.nonce) {
                    (Some(name), _) => format!("flinkstatesnapshot/{name}"),
                    (None, Some(nonce)) => format!(
                        "nonce {} -> {nonce}",
                        info.previous_nonce
                            .map_or("unset".to_owned(), |p| p.to_string())
                    ),
                    (None, None) => info.method.to_owned(),
                });
                row.snapshot = info.snapshot.clone();
                if !waiting {
                    row.result = match info.dry_run {
                        Some("client") => "REQUESTED (dry run)",
                        Some(_) => "REQUESTED (server dry run)",
                        None => "REQUESTED",
                    }
                    .to_owned();
                    return row;
                }
                let subject = match &info.snapshot {
                    Some(name) => WaitSubject::Snapshot { name: name.clone() },
                    None => WaitSubject::Nonce {
                        nonce: info.nonce.unwrap_or_default(),
                        known_snapshots: known.get(&ns).cloned().unwrap_or_default(),
                    },
                };
                let spec = FollowSpec {
                    namespace: ns.clone(),
                    target: Some(target.clone()),
                    subject,
                    timeout: deadline.saturating_duration_since(tokio::time::Instant::now()),
                    snapshot_crd,
                    describe: format!("savepoint of {target}"),
                    watch_timeout: watch_timeout(&ctx.global),
                    // The batch reports its own way: no spinner, no per-savepoint progress.
                    progress: false,
                    rest: None,
                    endpoint: None,
                };
                let row = row.waited(&follow(client, &spec).await.map(|f| f.status));
                let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                eprintln!("[{n}/{total}] {ns}/{target}: {}", row.result);
                row
            }
        })
        .buffered(if waiting { 2 * CONCURRENCY } else { 1 })
        .collect()
        .await;
    print_summary(&ctx.out, &rows, args.output)?;
    if let Some(hint) = follow_hint(&rows).filter(|_| !waiting && dry_run == DryRun::None) {
        eprintln!("{hint}");
    }
    outcome(&rows, "savepoints")
}
