//! Snapshot-resource mode: operator-created FlinkStateSnapshots (`<name>-savepoint-<trigger>-<ms>`) and
//! retention of PERIODIC/UPGRADE snapshots by max age / max count (MANUAL ones are never cleaned).

use flink_savepoint::config::{FlatConfig, options};
use serde_json::{Value, json};

use super::Ctx;
use super::support::{conf_bool, conf_str, max_age_ms, max_count, parse_iso_ms, s};

/// Create the snapshot the operator would (`FlinkStateSnapshotUtils#createSavepointResource`).
/// `trigger` is `manual`, `periodic` or `upgrade`; upgrade snapshots register `location` (alreadyExists).
pub(super) fn create_snapshot(
    ctx: &Ctx,
    job: &Value,
    conf: &FlatConfig,
    trigger: &str,
    location: Option<&str>,
) {
    let ns = s(job, "/metadata/namespace").unwrap_or_default();
    let name = s(job, "/metadata/name").unwrap_or_default();
    let kind = job
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or("FlinkDeployment");
    let path = location
        .map(str::to_string)
        .or_else(|| conf_str(conf, &options::SAVEPOINT_DIR));
    let format = conf_str(conf, &options::SAVEPOINT_FORMAT_TYPE)
        .unwrap_or_else(|| "CANONICAL".into())
        .to_uppercase();
    let snap = json!({
        "apiVersion": "flink.apache.org/v1beta1",
        "kind": "FlinkStateSnapshot",
        "metadata": {
            "name": format!("{name}-savepoint-{trigger}-{}", ctx.now_ms),
            "labels": {"snapshot.trigger-type": trigger.to_uppercase()},
        },
        "spec": {
            "backoffLimit": -1,
            "jobReference": {"kind": kind, "name": name},
            "savepoint": {
                "alreadyExists": trigger == "upgrade",
                "disposeOnDelete": conf_bool(conf, &options::DISPOSE_ON_DELETE),
                "formatType": format,
                "path": path,
            },
        },
    });
    if let Err(e) = ctx.store.create("flinkstatesnapshots", ns, snap) {
        tracing::warn!(error = %e, job = name, "simulator could not create snapshot");
    }
}

fn snapshot_time(snap: &Value) -> i64 {
    s(snap, "/status/resultTimestamp")
        .or_else(|| s(snap, "/status/triggerTimestamp"))
        .and_then(parse_iso_ms)
        .unwrap_or(0)
}

/// Delete COMPLETED PERIODIC/UPGRADE snapshots of `job` beyond max count or older than max age (simulated
/// time of completion); the newest one is always kept. No-op when `savepoint.cleanup.enabled` is false.
pub(super) fn cleanup_snapshots(ctx: &Ctx, job: &Value, conf: &FlatConfig) {
    if !conf_bool(conf, &options::SAVEPOINT_CLEANUP_ENABLED) {
        return;
    }
    let ns = s(job, "/metadata/namespace").unwrap_or_default();
    let name = s(job, "/metadata/name").unwrap_or_default();
    let all = ctx.store.list("flinkstatesnapshots", Some(ns));
    let mut mine: Vec<Value> = all
        .into_iter()
        .filter(|sn| s(sn, "/spec/jobReference/name") == Some(name))
        .filter(|sn| {
            matches!(
                s(sn, "/metadata/labels/snapshot.trigger-type"),
                Some("PERIODIC" | "UPGRADE")
            )
        })
        .filter(|sn| s(sn, "/status/state") == Some("COMPLETED"))
        .collect();
    if mine.len() <= 1 {
        return;
    }
    mine.sort_by_key(snapshot_time);
    // The newest completed one is always kept.
    mine.pop();
    let cutoff = ctx.now_ms - max_age_ms(conf);
    let keep_older = max_count(conf).saturating_sub(1);
    let excess = mine.len().saturating_sub(keep_older);
    for (i, sn) in mine.iter().enumerate() {
        if i < excess || snapshot_time(sn) < cutoff {
            let n = s(sn, "/metadata/name").unwrap_or_default();
            if let Err(e) = ctx.store.delete("flinkstatesnapshots", ns, n) {
                tracing::debug!(error = %e, snapshot = n, "cleanup delete failed");
            }
        }
    }
}
