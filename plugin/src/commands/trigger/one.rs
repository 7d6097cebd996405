//! `trigger TARGET` for one target: request, then (with `--wait`) follow with progress.

use std::collections::BTreeSet;
use std::sync::Arc;

use flink_savepoint::plan::{Refusal, WaitStatus, WaitSubject};

use super::send::{Request, check_format, waits};
use crate::cli::{Kind, Method, Target, TriggerArgs};
use crate::cluster::retry::retry_on_conflict;
use crate::cluster::{
    Context, FlinkRest, FollowSpec, discover_flink, follow, snapshots_in, watch_timeout,
};
use crate::error::{Result, usage};
use crate::render::trigger::TriggerResult;
use crate::render::wait::report;

pub(super) async fn run_one(args: TriggerArgs, ctx: &Context, target: Target) -> Result<()> {
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
    let waiting = waits(&args);
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
    let request = Request::new(&args, &client, &ns, &target, snapshot_crd, dry_run);
    let mut info = retry_on_conflict(&target, &ns, request).await?;
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
