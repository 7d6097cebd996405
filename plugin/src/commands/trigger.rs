//! `trigger TARGET`: request a savepoint of an application or a session job.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use ::kube::Client;
use flink_savepoint::crd::{FlinkStateSnapshot, SavepointFormatType};
use flink_savepoint::plan::trigger::Method as PlanMethod;
use flink_savepoint::plan::{
    Refusal, SnapshotOptions, TriggerAction, TriggerInput, WaitStatus, WaitSubject,
    nonce_merge_patch, plan_trigger,
};
use futures::{StreamExt, stream};
use jiff::Timestamp;

use crate::cli::{
    DryRun, Format, JOBS_AND_SESSIONS, Kind, Method, Target, TargetSet, TriggerArgs, target_set,
};
use crate::cluster::write::{create, merge_patch, retry_on_conflict};
use crate::cluster::{
    CONCURRENCY, Context, FlinkRest, FollowSpec, batch_targets, discover_flink, fetch_target,
    follow, snapshots_in, watch_timeout,
};
use crate::error::{Result, usage};
use crate::render::batch::{BatchRow, follow_hint, outcome, print_summary};
use crate::render::progress::warn;
use crate::render::trigger::{SavepointDirectory, TriggerInfo, TriggerResult, dry_run_name};
use crate::render::wait::report;

/// Runs the command: one target as always, several (names, `-l`, `--all`) as a batch.
pub async fn run(args: TriggerArgs, ctx: &Context) -> Result<()> {
    let set = target_set(
        &args.target,
        JOBS_AND_SESSIONS,
        args.selector.as_deref(),
        args.all,
        args.all_namespaces,
    )?;
    match set {
        TargetSet::One(target) => run_one(args, ctx, target).await,
        set => run_batch(args, ctx, set).await,
    }
}

/// The `--format` check shared by one target and several.
fn check_format(args: &TriggerArgs) -> Result<()> {
    if args.method == Method::Nonce && args.format.is_some() {
        return Err(usage(
            "--format applies to --method snapshot; a nonce-triggered savepoint uses the \
             operator's kubernetes.operator.savepoint.format.type",
        ));
    }
    Ok(())
}

async fn run_one(args: TriggerArgs, ctx: &Context, target: Target) -> Result<()> {
    if target.kind == Kind::SessionCluster {
        return Err(usage(
            Refusal::SessionCluster {
                target: target.to_string(),
                name: target.name.clone(),
            }
            .to_string(),
        ));
    }
    check_format(&args)?;
    let client = ctx.client().await?;
    let ns = ctx.namespace().await?;
    let crds = discover_flink(&client).await?;
    let snapshot_crd = crds.has("flinkstatesnapshots");
    let dry_run = args.dry_run.dry_run;
    let waiting = args.wait && dry_run == DryRun::None;
    if args.wait && !waiting {
        warn("--wait is ignored with --dry-run");
    }
    // Snapshots that exist before the request can never be the answer (clock-independent).
    let known: BTreeSet<String> = if waiting && args.method == Method::Nonce {
        snapshots_in(&client, &ns, snapshot_crd)
            .await?
            .into_iter()
            .filter_map(|s| s.metadata.name)
            .collect()
    } else {
        BTreeSet::new()
    };
    let mut info = send(&args, &client, &ns, &target, snapshot_crd, dry_run).await?;
    if !waiting {
        return info.print(&ctx.out, args.output.as_ref());
    }
    if args.output.is_none() {
        info.print(&ctx.out, None)?;
    }
    let subject = match &info.snapshot {
        Some(name) => WaitSubject::Snapshot { name: name.clone() },
        None => WaitSubject::Nonce {
            nonce: info.nonce.unwrap_or_default(),
            known_snapshots: known,
        },
    };
    let spec = FollowSpec {
        namespace: ns.clone(),
        target: Some(target.clone()),
        subject,
        timeout: args.timeout,
        snapshot_crd,
        describe: format!("savepoint of {target}"),
        watch_timeout: watch_timeout(&ctx.global),
        progress: true,
        rest: Some(Arc::new(FlinkRest::new(
            ctx.rest_client().await?,
            &ctx.global,
        ))),
        endpoint: None,
    };
    let outcome = follow(&client, &spec).await;
    if let Some(format) = &args.output {
        info.result = Some(match &outcome {
            Ok(followed) => {
                TriggerResult::from_status(&followed.status).with_completed(followed.completed)
            }
            Err(err) => TriggerResult::from_status(&WaitStatus::Waiting(err.to_string())),
        });
        info.print(&ctx.out, Some(format))?;
        let followed = outcome?;
        return report(None, followed.status, followed.completed, &spec.describe);
    }
    let followed = outcome?;
    report(
        Some(&ctx.out),
        followed.status,
        followed.completed,
        &spec.describe,
    )
}

/// Several targets: the savepoints are requested concurrently ([`CONCURRENCY`] at a time), then
/// (with `--wait`) followed concurrently until each finishes or `--timeout` (for the whole batch)
/// passes; one summary at the end; the exit code is the worst outcome.
async fn run_batch(args: TriggerArgs, ctx: &Context, set: TargetSet) -> Result<()> {
    check_format(&args)?;
    let client = ctx.client().await?;
    let Some(targets) = batch_targets(ctx, &client, set).await? else {
        return Ok(());
    };
    let crds = discover_flink(&client).await?;
    let snapshot_crd = crds.has("flinkstatesnapshots");
    let dry_run = args.dry_run.dry_run;
    let waiting = args.wait && dry_run == DryRun::None;
    if args.wait && !waiting {
        warn("--wait is ignored with --dry-run");
    }
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
                let info = send(args, client, &ns, &target, snapshot_crd, dry_run).await;
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

/// Reads the target, plans, and sends; re-reads and re-plans on 409 Conflict.
async fn send(
    args: &TriggerArgs,
    client: &Client,
    ns: &str,
    target: &Target,
    snapshot_crd: bool,
    dry_run: DryRun,
) -> Result<TriggerInfo> {
    let options = SnapshotOptions {
        format: match args.format {
            Some(Format::Native) => SavepointFormatType::Native,
            _ => SavepointFormatType::Canonical,
        },
        dispose_on_delete: args.dispose_on_delete,
        backoff_limit: i64::from(args.backoff_limit),
    };
    let server_dry_run = dry_run == DryRun::Server;
    retry_on_conflict(target, ns, async |attempt| {
        let fetched = fetch_target(client, ns, target).await?;
        let now = Timestamp::now();
        let input = TriggerInput {
            subject: fetched.target(),
            method: match args.method {
                Method::Nonce => PlanMethod::Nonce,
                Method::Snapshot => PlanMethod::Snapshot,
            },
            snapshot_crd_installed: snapshot_crd,
            force: args.force,
            now_ms: now.as_millisecond(),
            snapshot: options.clone(),
        };
        let plan = plan_trigger(&input).map_err(|refusal| usage(refusal.to_string()))?;
        if attempt == 1 {
            plan.warnings.iter().for_each(|w| warn(w));
        }
        let mut info = TriggerInfo {
            target: target.to_string(),
            namespace: ns.to_owned(),
            method: match args.method {
                Method::Nonce => "nonce",
                Method::Snapshot => "snapshot",
            },
            nonce: None,
            previous_nonce: None,
            snapshot: None,
            triggered_at: now.to_string(),
            savepoint_directory: plan.savepoint_dir.as_ref().map(|(key, value, place)| {
                SavepointDirectory {
                    value: value.clone(),
                    key: key.clone(),
                    source: place.clone(),
                }
            }),
            attempts: attempt,
            dry_run: dry_run_name(dry_run),
            request: None,
            result: None,
        };
        match plan.action {
            TriggerAction::Nonce {
                nonce,
                previous,
                resource_version,
            } => {
                info.nonce = Some(nonce);
                info.previous_nonce = previous;
                let body = nonce_merge_patch(&resource_version, nonce);
                if dry_run == DryRun::Client {
                    info.request = Some(body);
                } else {
                    merge_patch(client, ns, target, &body, server_dry_run).await?;
                }
            }
            TriggerAction::Snapshot(snapshot) => {
                info.snapshot = snapshot.metadata.name.clone();
                if dry_run == DryRun::Client {
                    info.request = Some(serde_json::to_value(&*snapshot)?);
                } else {
                    let name = info.snapshot.as_deref();
                    create::<FlinkStateSnapshot>(client, ns, name, &snapshot, server_dry_run)
                        .await?;
                }
            }
        }
        Ok(info)
    })
    .await
}
