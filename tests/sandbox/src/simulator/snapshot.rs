//! FlinkStateSnapshot state machine (`StateSnapshotReconciler`/`StateSnapshotObserver`):
//! TRIGGER_PENDING → IN_PROGRESS → COMPLETED, or FAILED (with `backoffLimit` retries) / ABANDONED.

use flink_savepoint::config::options;
use serde_json::{Value, json};

use super::Ctx;
use super::support::{
    conf_str, effective_config, emit_event, fail_requested, iso, parse_iso_ms, plural_of, s,
    savepoint_location,
};
use crate::util::random_hex;
use flink_savepoint::flink_rest::SavepointOutcome;

fn job_running(target: &Value) -> bool {
    s(target, "/status/jobStatus/state") == Some("RUNNING")
}

/// Reconcile one snapshot; returns whether it was written.
pub(super) fn reconcile(ctx: &Ctx, snap: &Value) -> bool {
    if snap.pointer("/metadata/deletionTimestamp").is_some() {
        return super::finalizer::cleanup_snapshot(ctx, snap);
    }
    let ns = s(snap, "/metadata/namespace")
        .unwrap_or_default()
        .to_string();
    let now = ctx.now_ms;
    let mut status = snap
        .get("status")
        .cloned()
        .filter(Value::is_object)
        .unwrap_or_else(|| json!({}));
    let mut labels = snap
        .pointer("/metadata/labels")
        .cloned()
        .filter(Value::is_object)
        .unwrap_or_else(|| json!({}));
    let kind = s(snap, "/spec/jobReference/kind")
        .unwrap_or("FlinkDeployment")
        .to_string();
    let target_name = s(snap, "/spec/jobReference/name")
        .unwrap_or_default()
        .to_string();
    let target = ctx.store.get(plural_of(&kind), &ns, &target_name);
    let snap_name = s(snap, "/metadata/name").unwrap_or_default().to_string();
    let state = s(&status, "/state").unwrap_or("").to_string();
    let mut event: Option<(&str, &str, String)> = None;

    match state.as_str() {
        "" => {
            status = json!({"state": "TRIGGER_PENDING", "failures": 0});
        }
        "TRIGGER_PENDING" => {
            let already = snap
                .pointer("/spec/savepoint/alreadyExists")
                .and_then(Value::as_bool)
                == Some(true);
            let backoff_over = {
                let failures = status.get("failures").and_then(Value::as_i64).unwrap_or(0);
                let last = s(&status, "/resultTimestamp")
                    .and_then(parse_iso_ms)
                    .unwrap_or(0);
                failures == 0 || now >= last + 10_000 * (1i64 << (failures - 1).clamp(0, 20))
            };
            if already {
                let path = s(snap, "/spec/savepoint/path").unwrap_or_default();
                status["state"] = json!("COMPLETED");
                status["path"] = json!(path);
                status["triggerTimestamp"] = json!(iso(now));
                status["resultTimestamp"] = json!(iso(now));
            } else if !target.as_ref().is_some_and(job_running) {
                status["state"] = json!("ABANDONED");
                status["resultTimestamp"] = json!(iso(now));
                let msg = match &target {
                    None => format!("Target {kind} {target_name} not found"),
                    Some(_) => format!("Job of {kind} {target_name} is not running"),
                };
                status["error"] = json!(msg.clone());
                event = Some(("Warning", "SnapshotAbandoned", msg));
            } else if backoff_over && let Some(t) = &target {
                let dir = s(snap, "/spec/savepoint/path")
                    .map(str::to_string)
                    .or_else(|| conf_str(&effective_config(ctx.store, t), &options::SAVEPOINT_DIR));
                match dir {
                    None => {
                        let msg = "Savepoint path must be set in spec.savepoint.path or the job's execution.checkpointing.savepoint-dir (state.savepoints.dir)".to_string();
                        fail(&mut status, now, &msg);
                        event = Some(("Warning", "SavepointError", msg));
                    }
                    Some(dir) if let Some((jm, job_id)) = live_target(ctx, &ns, t) => {
                        let format = s(snap, "/spec/savepoint/formatType").unwrap_or("CANONICAL");
                        match jm.trigger_savepoint(&job_id, &dir, format) {
                            Ok(trigger_id) => {
                                status["state"] = json!("IN_PROGRESS");
                                status["triggerId"] = json!(trigger_id);
                                status["triggerTimestamp"] = json!(iso(wall_ms()));
                                if let Some(m) = status.as_object_mut() {
                                    m.remove("error");
                                }
                            }
                            Err(e) => {
                                let msg = format!("Savepoint trigger failed: {e}");
                                fail(&mut status, wall_ms(), &msg);
                                event = Some(("Warning", "SavepointError", msg));
                            }
                        }
                    }
                    Some(_) => {
                        status["state"] = json!("IN_PROGRESS");
                        status["triggerId"] = json!(random_hex(32));
                        status["triggerTimestamp"] = json!(iso(now));
                        if let Some((cluster, job_id)) = super::job::rest_job(t) {
                            let format = s(snap, "/spec/savepoint/formatType")
                                .unwrap_or("CANONICAL")
                                .to_string();
                            ctx.rest.savepoint_started(
                                &ns,
                                &cluster,
                                &job_id,
                                &snap_name,
                                &format,
                                i64::try_from(ctx.cfg.savepoint_duration.as_millis())
                                    .unwrap_or(i64::MAX),
                            );
                        }
                        if let Some(m) = status.as_object_mut() {
                            m.remove("error");
                        }
                    }
                }
            }
        }
        "IN_PROGRESS" => {
            let started = s(&status, "/triggerTimestamp")
                .and_then(parse_iso_ms)
                .unwrap_or(now);
            let due =
                now >= started + i64::try_from(ctx.cfg.savepoint_duration.as_millis()).unwrap_or(0);
            let live = target
                .as_ref()
                .filter(|t| job_running(t))
                .and_then(|t| live_target(ctx, &ns, t));
            match &target {
                Some(_) if let Some((jm, job_id)) = live => {
                    let trigger_id = s(&status, "/triggerId").unwrap_or_default().to_string();
                    match jm.savepoint_status(&job_id, &trigger_id) {
                        Ok(SavepointOutcome::InProgress) => {}
                        Ok(SavepointOutcome::Completed { location }) => {
                            status["state"] = json!("COMPLETED");
                            status["path"] = json!(location);
                            status["resultTimestamp"] = json!(iso(wall_ms()));
                        }
                        Ok(SavepointOutcome::Failed { message, .. }) => {
                            let msg = format!("Savepoint failed: {message}");
                            fail(&mut status, wall_ms(), &msg);
                            event = Some(("Warning", "SavepointError", msg));
                        }
                        Err(e) => {
                            tracing::debug!(snapshot = snap_name, error = %e, "live savepoint status not available yet");
                        }
                    }
                }
                Some(t) if job_running(t) => {
                    if due && fail_requested(ctx.cfg.fail_savepoints, &[Some(t), Some(snap)]) {
                        let msg = format!(
                            "Savepoint failed for {kind} {target_name} (simulated failure)"
                        );
                        if let Some((cluster, job_id)) = super::job::rest_job(t) {
                            ctx.rest
                                .savepoint_failed(&ns, &cluster, &job_id, &snap_name, &msg);
                        }
                        fail(&mut status, now, &msg);
                        event = Some(("Warning", "SavepointError", msg));
                    } else if due {
                        let dir = s(snap, "/spec/savepoint/path")
                            .map(str::to_string)
                            .or_else(|| {
                                conf_str(&effective_config(ctx.store, t), &options::SAVEPOINT_DIR)
                            })
                            .unwrap_or_default();
                        let job_id = s(t, "/status/jobStatus/jobId").unwrap_or("00000000");
                        let path = savepoint_location(&dir, job_id);
                        if let Some((cluster, job_id)) = super::job::rest_job(t) {
                            ctx.rest
                                .savepoint_completed(&ns, &cluster, &job_id, &snap_name, &path);
                        }
                        status["state"] = json!("COMPLETED");
                        status["path"] = json!(path);
                        status["resultTimestamp"] = json!(iso(now));
                    }
                }
                _ => {
                    let msg = format!("Job of {kind} {target_name} is not running or was removed");
                    status["state"] = json!("ABANDONED");
                    status["resultTimestamp"] = json!(iso(now));
                    status["error"] = json!(msg.clone());
                    event = Some(("Warning", "SnapshotAbandoned", msg));
                }
            }
        }
        "FAILED" => {
            let failures = status.get("failures").and_then(Value::as_i64).unwrap_or(0);
            let limit = snap
                .pointer("/spec/backoffLimit")
                .and_then(Value::as_i64)
                .unwrap_or(-1);
            if limit < 0 || failures <= limit {
                let last = s(&status, "/resultTimestamp")
                    .and_then(parse_iso_ms)
                    .unwrap_or(0);
                if now >= last + 10_000 * (1i64 << (failures - 1).clamp(0, 20)) {
                    status["state"] = json!("TRIGGER_PENDING");
                }
            }
        }
        _ => {}
    }

    let new_state = s(&status, "/state")
        .unwrap_or("TRIGGER_PENDING")
        .to_string();
    labels["snapshot.type"] = json!(if snap.pointer("/spec/checkpoint").is_some() {
        "CHECKPOINT"
    } else {
        "SAVEPOINT"
    });
    if labels.get("snapshot.trigger-type").is_none() {
        labels["snapshot.trigger-type"] = json!("MANUAL");
    }
    labels["snapshot.state"] = json!(new_state);
    if target.is_some() {
        labels["job-reference.kind"] = json!(kind);
        labels["job-reference.name"] = json!(target_name);
    }
    let mut obj = snap.clone();
    obj["status"] = status;
    obj["metadata"]["labels"] = labels;
    if ctx.cfg.finalizers {
        super::finalizer::ensure(&mut obj, "flinkstatesnapshots");
    }
    if obj == *snap {
        return false;
    }
    let rv = s(snap, "/metadata/resourceVersion").map(str::to_string);
    match ctx
        .store
        .update("flinkstatesnapshots", &ns, obj, rv.as_deref())
    {
        Ok(written) => {
            if let Some((kind, reason, msg)) = event {
                emit_event(ctx.store, &written, kind, reason, &msg);
            }
            true
        }
        Err(e) => {
            tracing::debug!(error = %e, "snapshot status write lost a race; retrying next pass");
            false
        }
    }
}

/// The live JobManager running `target`'s job and the job id, when a live one serves its cluster.
fn live_target(ctx: &Ctx, ns: &str, target: &Value) -> Option<(super::live::JobManager, String)> {
    let (cluster, job_id) = super::job::rest_job(target)?;
    Some((ctx.live_job_manager(ns, &cluster)?, job_id))
}

/// Wall-clock time: a live JobManager's timestamps are real ones, not simulated.
fn wall_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

fn fail(status: &mut Value, now: i64, msg: &str) {
    let failures = status.get("failures").and_then(Value::as_i64).unwrap_or(0) + 1;
    status["state"] = json!("FAILED");
    status["failures"] = json!(failures);
    status["error"] = json!(msg);
    status["resultTimestamp"] = json!(iso(now));
}
