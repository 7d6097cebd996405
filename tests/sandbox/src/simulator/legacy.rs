//! Legacy savepoint mode (snapshot resources off): `status.jobStatus.savepointInfo` trigger fields,
//! `lastSavepoint` and `savepointHistory`, and the history trimming of PERIODIC/UPGRADE entries.

use flink_savepoint::config::{FlatConfig, options};
use serde_json::{Value, json};

use super::Ctx;
use super::job::mark_nonce_handled;
use super::support::{
    conf_str, emit_event, fail_requested, max_age_ms, max_count, s, savepoint_location,
};
use crate::util::random_hex;

/// Start a legacy savepoint (REST trigger): record trigger id/timestamp/type/format.
pub(super) fn trigger(status: &mut Value, now: i64, trigger_type: &str, conf: &FlatConfig) {
    let info = &mut status["jobStatus"]["savepointInfo"];
    info["triggerId"] = json!(random_hex(32));
    info["triggerTimestamp"] = json!(now);
    info["triggerType"] = json!(trigger_type);
    info["formatType"] = json!(
        conf_str(conf, &options::SAVEPOINT_FORMAT_TYPE)
            .unwrap_or_else(|| "CANONICAL".into())
            .to_uppercase()
    );
}

fn reset_trigger(status: &mut Value) {
    let info = &mut status["jobStatus"]["savepointInfo"];
    for f in ["triggerId", "triggerTimestamp", "triggerType", "formatType"] {
        info[f] = Value::Null;
    }
}

/// The job stopped while a legacy savepoint was pending: cancel it, mark a manual nonce handled, and
/// record a `SavepointError` event (`SnapshotObserver`: "job not running ⇒ pending savepoint cancelled").
pub(super) fn cancel_pending(
    ctx: &Ctx,
    obj: &Value,
    spec: &Value,
    status: &mut Value,
    generation: i64,
) {
    if s(status, "/jobStatus/savepointInfo/triggerId").is_none_or(str::is_empty) {
        return;
    }
    let manual = s(status, "/jobStatus/savepointInfo/triggerType") == Some("MANUAL");
    reset_trigger(status);
    let nonce = spec
        .pointer("/job/savepointTriggerNonce")
        .filter(|n| !n.is_null())
        .cloned();
    if manual {
        mark_nonce_handled(status, nonce.as_ref(), generation);
    }
    let msg = "Savepoint cancelled: the job is not running";
    emit_event(ctx.store, obj, "Warning", "SavepointError", msg);
}

/// Record a completed savepoint as `lastSavepoint` and append it to `savepointHistory`.
pub(super) fn record_savepoint(
    status: &mut Value,
    location: &str,
    ts: i64,
    trigger_type: &str,
    nonce: Option<&Value>,
) {
    let mut sp = json!({"timeStamp": ts, "location": location, "triggerType": trigger_type, "formatType": "CANONICAL"});
    if let Some(n) = nonce {
        sp["triggerNonce"] = n.clone();
    }
    let info = &mut status["jobStatus"]["savepointInfo"];
    info["lastSavepoint"] = sp.clone();
    match info
        .get_mut("savepointHistory")
        .and_then(Value::as_array_mut)
    {
        Some(h) => h.push(sp),
        None => info["savepointHistory"] = json!([sp]),
    }
}

/// Observe a pending legacy trigger: complete or fail it once the simulated savepoint duration has passed.
pub(super) fn observe(
    ctx: &Ctx,
    obj: &Value,
    spec: &Value,
    conf: &FlatConfig,
    status: &mut Value,
    generation: i64,
) {
    if s(status, "/jobStatus/savepointInfo/triggerId").is_none_or(str::is_empty) {
        return;
    }
    let info = status["jobStatus"]["savepointInfo"].clone();
    let started = info
        .get("triggerTimestamp")
        .and_then(Value::as_i64)
        .unwrap_or(ctx.now_ms);
    if ctx.now_ms < started + i64::try_from(ctx.cfg.savepoint_duration.as_millis()).unwrap_or(0) {
        return;
    }
    let trigger_type = info
        .get("triggerType")
        .and_then(Value::as_str)
        .unwrap_or("UNKNOWN")
        .to_string();
    let nonce = spec
        .pointer("/job/savepointTriggerNonce")
        .filter(|n| !n.is_null())
        .cloned();
    reset_trigger(status);
    if fail_requested(ctx.cfg.fail_savepoints, &[Some(obj)]) {
        let msg = match (&trigger_type[..], &nonce) {
            ("MANUAL", Some(n)) => format!("Savepoint failed for savepointTriggerNonce: {n}"),
            _ => "Periodic savepoint failed".to_string(),
        };
        emit_event(ctx.store, obj, "Warning", "SavepointError", &msg);
    } else {
        let dir = conf_str(conf, &options::SAVEPOINT_DIR).unwrap_or_default();
        let job_id = s(status, "/jobStatus/jobId")
            .unwrap_or("00000000")
            .to_string();
        let location = savepoint_location(&dir, &job_id);
        let manual_nonce = if trigger_type == "MANUAL" {
            nonce.as_ref()
        } else {
            None
        };
        record_savepoint(status, &location, started, &trigger_type, manual_nonce);
        if trigger_type == "PERIODIC" {
            status["jobStatus"]["savepointInfo"]["lastPeriodicSavepointTimestamp"] = json!(started);
        }
    }
    if trigger_type == "MANUAL" {
        mark_nonce_handled(status, nonce.as_ref(), generation);
    }
}

/// Trim `savepointHistory` by max age / max count, PERIODIC and UPGRADE entries only (never MANUAL);
/// the newest entry is always kept.
pub(super) fn cleanup_history(status: &mut Value, conf: &FlatConfig, now: i64) {
    let Some(history) = status
        .pointer_mut("/jobStatus/savepointInfo/savepointHistory")
        .and_then(Value::as_array_mut)
    else {
        return;
    };
    if history.len() <= 1 {
        return;
    }
    let cleanable = |sp: &Value| {
        matches!(
            sp.get("triggerType").and_then(Value::as_str),
            Some("PERIODIC" | "UPGRADE")
        )
    };
    let ts = |sp: &Value| sp.get("timeStamp").and_then(Value::as_i64).unwrap_or(0);
    let newest = history.iter().map(ts).max().unwrap_or(0);
    let cutoff = now - max_age_ms(conf);
    history.retain(|sp| !(cleanable(sp) && ts(sp) < cutoff && ts(sp) != newest));
    let limit = max_count(conf);
    while history.len() > limit {
        let oldest = history
            .iter()
            .enumerate()
            .filter(|(_, sp)| cleanable(sp) && ts(sp) != newest)
            .min_by_key(|(_, sp)| ts(sp))
            .map(|(i, _)| i);
        match oldest {
            Some(i) => {
                history.remove(i);
            }
            None => break,
        }
    }
}
