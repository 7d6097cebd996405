//! FlinkDeployment / FlinkSessionJob reconciliation: deploy, upgrade/suspend/resume/redeploy, and the
//! savepoint triggers (nonce, periodic) in snapshot-resource or legacy mode.

use flink_savepoint::config::{FlatConfig, options};
use flink_savepoint::grammar::PeriodicInterval;
use serde_json::{Value, json};

use super::Ctx;
use super::support::{conf_bool, conf_str, effective_config, emit_event, s};
use super::{history, legacy};
use crate::util::random_hex;

/// `{"spec": …, "resource_metadata": …}` as the operator serialises `lastReconciledSpec`.
pub(super) fn serialize_spec(spec: &Value, first: bool) -> String {
    let doc = json!({"spec": spec, "resource_metadata": {"apiVersion": "flink.apache.org/v1beta1", "firstDeployment": first}});
    doc.to_string()
}

pub(super) fn reconciled_spec(status: &Value) -> Option<Value> {
    let text = s(status, "/reconciliationStatus/lastReconciledSpec")?;
    let doc: Value = serde_json::from_str(text).ok()?;
    Some(doc.get("spec").cloned().unwrap_or(doc))
}

/// Record `nonce` as handled in `lastReconciledSpec` (and bump observedGeneration), like the operator does.
pub(super) fn mark_nonce_handled(status: &mut Value, nonce: Option<&Value>, generation: i64) {
    let mut spec = reconciled_spec(status).unwrap_or_else(|| json!({}));
    if spec.get("job").is_some_and(Value::is_object) {
        spec["job"]["savepointTriggerNonce"] = nonce.cloned().unwrap_or(Value::Null);
    }
    status["reconciliationStatus"]["lastReconciledSpec"] = json!(serialize_spec(&spec, false));
    status["observedGeneration"] = json!(generation);
}

/// The spec minus what `@SpecDiff(IGNORE)` excludes (nonces, `kubernetes.operator.*`/`job.autoscaler.*` keys).
fn upgrade_relevant(spec: &Value) -> Value {
    let mut out = spec.clone();
    if let Some(job) = out.get_mut("job").and_then(Value::as_object_mut) {
        job.remove("savepointTriggerNonce");
        job.remove("checkpointTriggerNonce");
    }
    if let Some(conf) = spec.get("flinkConfiguration").and_then(Value::as_object) {
        let flat = flink_savepoint::config::flatten(conf);
        let kept: serde_json::Map<String, Value> = flat
            .iter()
            .filter(|(k, _)| {
                !k.starts_with("kubernetes.operator.") && !k.starts_with("job.autoscaler.")
            })
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
        out["flinkConfiguration"] = Value::Object(kept);
    }
    out
}

fn start_job(status: &mut Value, name: &str, now: i64, suspended: bool) {
    let js = &mut status["jobStatus"];
    js["jobId"] = json!(random_hex(32));
    js["jobName"] = json!(name);
    js["state"] = json!(if suspended { "SUSPENDED" } else { "RUNNING" });
    js["startTime"] = json!(now.to_string());
    js["updateTime"] = json!(now.to_string());
    status["lifecycleState"] = json!(if suspended { "SUSPENDED" } else { "STABLE" });
}

/// Take an UPGRADE savepoint before stopping a running savepoint-mode job; returns its location.
fn upgrade_savepoint(
    ctx: &Ctx,
    obj: &Value,
    status: &mut Value,
    conf: &FlatConfig,
) -> Option<String> {
    let dir = conf_str(conf, &options::SAVEPOINT_DIR)?;
    let job_id = s(status, "/jobStatus/jobId")
        .unwrap_or("00000000")
        .to_string();
    let location = super::support::savepoint_location(&dir, &job_id);
    if ctx.snapshot_mode(conf) {
        history::create_snapshot(ctx, obj, conf, "upgrade", Some(&location));
    } else {
        legacy::record_savepoint(status, &location, ctx.now_ms, "UPGRADE", None);
    }
    status["jobStatus"]["upgradeSavepointPath"] = json!(location);
    Some(location)
}

/// Reconcile one FlinkDeployment or FlinkSessionJob; returns whether it was written.
pub(super) fn reconcile(ctx: &Ctx, obj: &Value) -> bool {
    if obj.pointer("/metadata/deletionTimestamp").is_some() {
        let plural =
            super::support::plural_of(obj.get("kind").and_then(Value::as_str).unwrap_or(""));
        return super::finalizer::release(ctx, obj, plural);
    }
    let kind = obj
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or("FlinkDeployment")
        .to_string();
    let plural = super::support::plural_of(&kind);
    let ns = s(obj, "/metadata/namespace")
        .unwrap_or_default()
        .to_string();
    let name = s(obj, "/metadata/name").unwrap_or_default().to_string();
    let generation = obj
        .pointer("/metadata/generation")
        .and_then(Value::as_i64)
        .unwrap_or(1);
    let spec = obj.get("spec").cloned().unwrap_or_else(|| json!({}));
    let has_job = spec.get("job").is_some_and(Value::is_object);
    let want_suspended = s(&spec, "/job/state") == Some("suspended");
    let now = ctx.now_ms;
    let conf = effective_config(ctx.store, obj);
    let mut status = obj
        .get("status")
        .cloned()
        .filter(Value::is_object)
        .unwrap_or_else(|| json!({}));

    match reconciled_spec(&status) {
        None => {
            // First deployment (AbstractFlinkResourceReconciler#reconcile, MSG_SUBMIT).
            emit_event(ctx.store, obj, "Normal", "Submit", "Starting deployment");
            if has_job {
                status["jobStatus"]["savepointInfo"] =
                    json!({"savepointHistory": [], "lastPeriodicSavepointTimestamp": 0});
                start_job(&mut status, &name, now, want_suspended);
                if let Some(p) = s(&spec, "/job/initialSavepointPath") {
                    status["jobStatus"]["upgradeSavepointPath"] = json!(p);
                }
            } else {
                status["lifecycleState"] = json!("STABLE");
            }
            if kind == "FlinkDeployment" {
                status["jobManagerDeploymentStatus"] = json!("READY");
            }
            status["reconciliationStatus"] = json!({
                "reconciliationTimestamp": now,
                "state": "DEPLOYED",
                "lastReconciledSpec": serialize_spec(&spec, true),
                "lastStableSpec": serialize_spec(&spec, true),
            });
            status["observedGeneration"] = json!(generation);
        }
        Some(rspec) if upgrade_relevant(&rspec) != upgrade_relevant(&spec) && has_job => {
            let running = s(&status, "/jobStatus/state") == Some("RUNNING");
            let savepoint_mode = s(&spec, "/job/upgradeMode") == Some("savepoint");
            // A changed savepointRedeployNonce is not an upgrade: the operator cancels the job statelessly
            // and redeploys from initialSavepointPath, taking no savepoint first
            // (AbstractJobReconciler#reconcileSpecChange → redeployWithSavepoint, cancelJob(STATELESS)).
            let redeploy = spec.pointer("/job/savepointRedeployNonce")
                != rspec.pointer("/job/savepointRedeployNonce")
                && spec
                    .pointer("/job/savepointRedeployNonce")
                    .is_some_and(|n| !n.is_null());
            if running
                && savepoint_mode
                && !redeploy
                && upgrade_savepoint(ctx, obj, &mut status, &conf).is_none()
            {
                status["error"] =
                    json!("Cannot take upgrade savepoint: no savepoint directory configured");
                return write(ctx, obj, plural, &ns, status);
            }
            // AbstractFlinkResourceReconciler#reconcile: MSG_SPEC_CHANGED, then Suspended or Submit.
            emit_event(
                ctx.store,
                obj,
                "Normal",
                "SpecChanged",
                "UPGRADE change(s) detected, starting reconciliation.",
            );
            if want_suspended {
                emit_event(
                    ctx.store,
                    obj,
                    "Normal",
                    "Suspended",
                    "Suspending existing deployment.",
                );
            } else {
                emit_event(ctx.store, obj, "Normal", "Submit", "Starting deployment");
            }
            if redeploy {
                let from = s(&spec, "/job/initialSavepointPath").map(str::to_string);
                status["jobStatus"]["upgradeSavepointPath"] = json!(from);
            }
            if want_suspended {
                status["jobStatus"]["state"] = json!("SUSPENDED");
                status["lifecycleState"] = json!("SUSPENDED");
            } else {
                start_job(&mut status, &name, now, false);
            }
            // Keep the previously reconciled nonces (updateStatusForSpecReconciliation).
            let mut recorded = spec.clone();
            if let Some(job) = recorded.get_mut("job").and_then(Value::as_object_mut) {
                for n in ["savepointTriggerNonce", "checkpointTriggerNonce"] {
                    match rspec.pointer(&format!("/job/{n}")) {
                        Some(v) => job.insert(n.into(), v.clone()),
                        None => job.remove(n),
                    };
                }
            }
            status["reconciliationStatus"]["lastReconciledSpec"] =
                json!(serialize_spec(&recorded, false));
            status["reconciliationStatus"]["reconciliationTimestamp"] = json!(now);
            status["observedGeneration"] = json!(generation);
            if let Some(m) = status.as_object_mut() {
                m.remove("error");
            }
        }
        Some(_) => {}
    }

    if has_job && s(&status, "/jobStatus/state") == Some("RUNNING") {
        triggers(ctx, obj, &spec, &conf, &mut status, generation);
    } else if has_job {
        legacy::cancel_pending(ctx, obj, &spec, &mut status, generation);
    }
    observe_rest(ctx, &kind, &ns, &name, &spec, &conf, &mut status);
    write(ctx, obj, plural, &ns, status)
}

/// Keeps the simulated JobManager in step with the status: the cluster's `-rest` Service exists, the job
/// of `jobStatus.jobId` has its state, and with `execution.checkpointing.interval` it checkpoints; a
/// FlinkDeployment's `status.clusterInfo["state-size"]` is the latest checkpoint's size (operator 1.11+).
fn observe_rest(
    ctx: &Ctx,
    kind: &str,
    ns: &str,
    name: &str,
    spec: &Value,
    conf: &FlatConfig,
    status: &mut Value,
) {
    if kind == "FlinkDeployment"
        && let Some(jm) = ctx.live_job_manager(ns, name)
    {
        observe_live(ctx, ns, name, jm, status);
        return;
    }
    let cluster = if kind == "FlinkSessionJob" {
        match s(spec, "/deploymentName") {
            Some(d) => d.to_string(),
            None => return,
        }
    } else {
        ctx.rest.cluster_up(ns, name);
        name.to_string()
    };
    let Some(job_id) = s(status, "/jobStatus/jobId").map(str::to_string) else {
        return;
    };
    let state = s(status, "/jobStatus/state")
        .unwrap_or("CREATED")
        .to_string();
    let job_name = s(status, "/jobStatus/jobName").unwrap_or(name).to_string();
    let start = s(status, "/jobStatus/startTime")
        .and_then(|t| t.parse::<i64>().ok())
        .unwrap_or(ctx.now_ms);
    let interval = conf
        .get("execution.checkpointing.interval")
        .and_then(|v| flink_savepoint::grammar::parse_duration(v).ok())
        .and_then(|d| i64::try_from(d.as_millis()).ok());
    let size = ctx
        .rest
        .observe_job(ns, &cluster, (&job_id, &job_name, &state, start), interval);
    if kind == "FlinkDeployment"
        && let Some(size) = size
    {
        status["clusterInfo"]["state-size"] = json!(size.to_string());
    }
}

/// A live JobManager serves the deployment ([`super::live`]): `jobStatus` reports its job (id, name,
/// state, start time), as the operator's job status observer does from `/jobs/overview`; a suspended
/// job stays SUSPENDED (the live job is not stopped).
fn observe_live(ctx: &Ctx, ns: &str, name: &str, jm: super::live::JobManager, status: &mut Value) {
    if !status.get("jobStatus").is_some_and(Value::is_object) {
        return;
    }
    match ctx.live_job(jm, ns, name) {
        Ok(job) => {
            let js = &mut status["jobStatus"];
            js["jobId"] = json!(job.id);
            js["jobName"] = json!(job.name);
            js["startTime"] = json!(job.start_ms.to_string());
            if s(js, "/state") != Some("SUSPENDED") {
                js["state"] = json!(job.state);
            }
        }
        Err(e) => {
            tracing::debug!(namespace = ns, name, error = %e, "live JobManager not answering");
        }
    }
}

/// The cluster whose JobManager runs `target`'s job (a session job's `spec.deploymentName`) and the job id.
pub(super) fn rest_job(target: &Value) -> Option<(String, String)> {
    let cluster = if target.get("kind").and_then(Value::as_str) == Some("FlinkSessionJob") {
        s(target, "/spec/deploymentName")?
    } else {
        s(target, "/metadata/name")?
    };
    Some((
        cluster.to_string(),
        s(target, "/status/jobStatus/jobId")?.to_string(),
    ))
}

fn triggers(
    ctx: &Ctx,
    obj: &Value,
    spec: &Value,
    conf: &FlatConfig,
    status: &mut Value,
    generation: i64,
) {
    let now = ctx.now_ms;
    legacy::observe(ctx, obj, spec, conf, status, generation);
    let legacy_busy =
        s(status, "/jobStatus/savepointInfo/triggerId").is_some_and(|t| !t.is_empty());
    let nonce = spec
        .pointer("/job/savepointTriggerNonce")
        .filter(|n| !n.is_null());
    let reconciled = reconciled_spec(status)
        .and_then(|r| r.pointer("/job/savepointTriggerNonce").cloned())
        .filter(|n| !n.is_null());
    let dir = conf_str(conf, &options::SAVEPOINT_DIR);
    if let Some(n) = nonce
        && Some(n) != reconciled.as_ref()
        && !legacy_busy
    {
        match (&dir, ctx.snapshot_mode(conf)) {
            (None, _) => {
                let msg = "Savepoint directory (execution.checkpointing.savepoint-dir / state.savepoints.dir) is not configured; cannot trigger savepoint".to_string();
                if s(status, "/error") != Some(msg.as_str()) {
                    status["error"] = json!(msg.clone());
                    emit_event(ctx.store, obj, "Warning", "SavepointError", &msg);
                }
            }
            (Some(_), true) => {
                history::create_snapshot(ctx, obj, conf, "manual", None);
                mark_nonce_handled(status, Some(n), generation);
            }
            (Some(_), false) => legacy::trigger(status, now, "MANUAL", conf),
        }
    }
    let interval = conf_str(conf, &options::PERIODIC_SAVEPOINT_INTERVAL)
        .and_then(|t| PeriodicInterval::parse(&t).ok())
        .unwrap_or(PeriodicInterval::Disabled);
    let uid = s(obj, "/metadata/uid").unwrap_or_default().to_string();
    let last = ctx.last_periodic(&uid).unwrap_or_else(|| {
        let created = s(obj, "/metadata/creationTimestamp")
            .and_then(super::support::parse_iso_ms)
            .unwrap_or(ctx.start_ms);
        let legacy_last = status
            .pointer("/jobStatus/savepointInfo/lastPeriodicSavepointTimestamp")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        created.max(legacy_last).max(ctx.start_ms)
    });
    let due = match (
        jiff::Timestamp::from_millisecond(last),
        jiff::Timestamp::from_millisecond(now),
    ) {
        (Ok(l), Ok(n)) => interval.is_due(l, n),
        _ => false,
    };
    let legacy_busy =
        s(status, "/jobStatus/savepointInfo/triggerId").is_some_and(|t| !t.is_empty());
    if due && dir.is_some() {
        if ctx.snapshot_mode(conf) {
            history::create_snapshot(ctx, obj, conf, "periodic", None);
            ctx.set_last_periodic(&uid, now);
        } else if !legacy_busy {
            legacy::trigger(status, now, "PERIODIC", conf);
            ctx.set_last_periodic(&uid, now);
        }
    }
    if ctx.snapshot_mode(conf) {
        history::cleanup_snapshots(ctx, obj, conf);
    }
    legacy::cleanup_history(status, conf, now);
}

fn write(ctx: &Ctx, obj: &Value, plural: &str, ns: &str, status: Value) -> bool {
    let mut updated = obj.clone();
    updated["status"] = status;
    if ctx.cfg.finalizers {
        super::finalizer::ensure(&mut updated, plural);
    }
    if updated == *obj {
        return false;
    }
    let rv = s(obj, "/metadata/resourceVersion").map(str::to_string);
    match ctx.store.update(plural, ns, updated, rv.as_deref()) {
        Ok(_) => true,
        Err(e) => {
            tracing::debug!(error = %e, "status write lost a race; retrying next pass");
            false
        }
    }
}

/// Whether snapshot resources are on for this job (`FlinkStateSnapshotUtils#isSnapshotResourceEnabled`).
pub(super) fn snapshot_mode(operator_on: bool, crd_served: bool, conf: &FlatConfig) -> bool {
    operator_on && crd_served && conf_bool(conf, &options::SNAPSHOT_RESOURCE_ENABLED)
}
