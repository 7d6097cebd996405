//! The operator's (JOSDK) finalizers: added on first reconcile, released when deletion is processed.

use serde_json::{Value, json};

use super::Ctx;
use super::support::{emit_event, s};

/// `<plural>.flink.apache.org/finalizer`, the JOSDK default name for the operator's controllers.
pub fn name(plural: &str) -> String {
    format!("{plural}.flink.apache.org/finalizer")
}

/// Add the finalizer to `obj` if missing.
pub(super) fn ensure(obj: &mut Value, plural: &str) {
    let f = json!(name(plural));
    match obj
        .pointer_mut("/metadata/finalizers")
        .and_then(Value::as_array_mut)
    {
        Some(list) if list.contains(&f) => {}
        Some(list) => list.push(f),
        None => obj["metadata"]["finalizers"] = json!([f]),
    }
}

/// Remove our finalizer from an object being deleted (the store removes it once no finalizer is left).
pub(super) fn release(ctx: &Ctx, obj: &Value, plural: &str) -> bool {
    let f = json!(name(plural));
    let Some(list) = obj
        .pointer("/metadata/finalizers")
        .and_then(Value::as_array)
    else {
        return false;
    };
    if !list.contains(&f) {
        return false;
    }
    let mut updated = obj.clone();
    updated["metadata"]["finalizers"] =
        Value::Array(list.iter().filter(|x| **x != f).cloned().collect());
    let ns = s(obj, "/metadata/namespace").unwrap_or_default();
    let rv = s(obj, "/metadata/resourceVersion").map(str::to_string);
    ctx.store.update(plural, ns, updated, rv.as_deref()).is_ok()
}

/// Deletion of a FlinkStateSnapshot (`StateSnapshotReconciler#cleanup`): IN_PROGRESS waits; a COMPLETED
/// savepoint with `disposeOnDelete` needs its job running to dispose, else a `CleanupFailed` event is
/// recorded and the finalizer kept; everything else is released at once.
pub(super) fn cleanup_snapshot(ctx: &Ctx, snap: &Value) -> bool {
    let state = s(snap, "/status/state").unwrap_or("");
    if state == "IN_PROGRESS" {
        return false;
    }
    let dispose = snap
        .pointer("/spec/savepoint/disposeOnDelete")
        .and_then(Value::as_bool)
        == Some(true);
    let has_path = s(snap, "/status/path").is_some_and(|p| !p.is_empty());
    if snap.pointer("/spec/checkpoint").is_none() && dispose && state == "COMPLETED" && has_path {
        let ns = s(snap, "/metadata/namespace").unwrap_or_default();
        let kind = s(snap, "/spec/jobReference/kind").unwrap_or("FlinkDeployment");
        let target = s(snap, "/spec/jobReference/name")
            .and_then(|n| ctx.store.get(super::support::plural_of(kind), ns, n));
        let running = target
            .as_ref()
            .and_then(|t| s(t, "/status/jobStatus/state"))
            == Some("RUNNING");
        if !running {
            let uid = s(snap, "/metadata/uid").unwrap_or_default();
            let already = ctx.store.list("events", Some(ns)).iter().any(|e| {
                s(e, "/involvedObject/uid") == Some(uid) && s(e, "/reason") == Some("CleanupFailed")
            });
            if !already {
                let msg = "Cannot dispose savepoint: the referenced job is not running";
                emit_event(ctx.store, snap, "Warning", "CleanupFailed", msg);
            }
            return false;
        }
    }
    release(ctx, snap, "flinkstatesnapshots")
}
