//! Simulator helpers: effective configuration (via the shared library), events, time formatting, paths.

use flink_savepoint::config::{
    ConfigOption, FlatConfig, effective_session_job_config, flatten, options,
};
use flink_savepoint::grammar::{parse_bool, parse_duration, parse_int};
use serde_json::{Value, json};

use super::api::ClusterApi;
use crate::util::random_hex;

/// Annotation (on a FlinkDeployment/FlinkSessionJob or FlinkStateSnapshot) that makes its savepoints fail.
pub const FAIL_ANNOTATION: &str = "sandbox.flink-savepoint.io/fail-savepoints";

/// Plural of a job kind.
pub fn plural_of(kind: &str) -> &'static str {
    if kind == "FlinkSessionJob" {
        "flinksessionjobs"
    } else {
        "flinkdeployments"
    }
}

pub fn s<'a>(v: &'a Value, ptr: &str) -> Option<&'a str> {
    v.pointer(ptr).and_then(Value::as_str)
}

fn flat_of(obj: &Value) -> FlatConfig {
    obj.pointer("/spec/flinkConfiguration")
        .and_then(Value::as_object)
        .map(flatten)
        .unwrap_or_default()
}

/// The operator's effective configuration for a FlinkDeployment or FlinkSessionJob (session jobs: the session
/// cluster's configuration overlaid by the job's, like `FlinkConfigManager#getSessionJobConfig`).
pub fn effective_config(store: &dyn ClusterApi, job: &Value) -> FlatConfig {
    if job.get("kind").and_then(Value::as_str) == Some("FlinkSessionJob") {
        let ns = s(job, "/metadata/namespace").unwrap_or_default();
        let cluster = s(job, "/spec/deploymentName")
            .and_then(|d| store.get("flinkdeployments", ns, d))
            .map(|c| flat_of(&c))
            .unwrap_or_default();
        effective_session_job_config(&cluster, &flat_of(job))
    } else {
        flat_of(job)
    }
}

fn raw<'a>(conf: &'a FlatConfig, opt: &ConfigOption) -> Option<&'a str> {
    conf.lookup(opt).map(|f| f.value).or(opt.default)
}

pub fn conf_bool(conf: &FlatConfig, opt: &ConfigOption) -> bool {
    raw(conf, opt)
        .and_then(|v| parse_bool(v).ok())
        .unwrap_or(false)
}

pub fn conf_str(conf: &FlatConfig, opt: &ConfigOption) -> Option<String> {
    raw(conf, opt)
        .filter(|v| !v.trim().is_empty())
        .map(str::to_string)
}

/// `kubernetes.operator.savepoint.history.max.age` in ms (default 24 h).
pub fn max_age_ms(conf: &FlatConfig) -> i64 {
    raw(conf, &options::HISTORY_MAX_AGE)
        .and_then(|v| parse_duration(v).ok())
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(86_400_000)
}

/// `kubernetes.operator.savepoint.history.max.count`, effective `max(1, v)` (default 10).
pub fn max_count(conf: &FlatConfig) -> usize {
    raw(conf, &options::HISTORY_MAX_COUNT)
        .and_then(|v| parse_int(v).ok())
        .map(|n| n.max(1) as usize)
        .unwrap_or(10)
}

/// ISO-8601 instant with milliseconds (`2025-01-02T03:04:05.678Z`), as FlinkStateSnapshot status uses.
pub fn iso(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
        .unwrap_or_default()
}

pub fn parse_iso_ms(text: &str) -> Option<i64> {
    text.parse::<jiff::Timestamp>()
        .ok()
        .map(|t| t.as_millisecond())
}

/// A completed savepoint location under `dir`, like Flink's `savepoint-<job id prefix>-<random>`.
pub fn savepoint_location(dir: &str, job_id: &str) -> String {
    let prefix: String = job_id.chars().take(6).collect();
    format!(
        "{}/savepoint-{prefix}-{}",
        dir.trim_end_matches('/'),
        random_hex(12)
    )
}

/// Is failure requested for this object (annotation) or globally?
pub fn fail_requested(global: bool, objs: &[Option<&Value>]) -> bool {
    global
        || objs.iter().flatten().any(|o| {
            s(
                o,
                &format!(
                    "/metadata/annotations/{}",
                    FAIL_ANNOTATION.replace('/', "~1")
                ),
            ) == Some("true")
        })
}

/// Emit a core/v1 Event about `involved`, as the operator's EventRecorder does (wall-clock timestamps).
pub fn emit_event(
    store: &dyn ClusterApi,
    involved: &Value,
    kind: &str,
    reason: &str,
    message: &str,
) {
    let ns = s(involved, "/metadata/namespace").unwrap_or("default");
    let name = s(involved, "/metadata/name").unwrap_or_default();
    // Event timestamps are wall-clock (what `kubectl get events` ages against), not simulated time.
    let ts = crate::util::now_rfc3339();
    let event = json!({
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": format!("{name}.{}", random_hex(16)), "namespace": ns},
        "involvedObject": {
            "apiVersion": involved.get("apiVersion").cloned().unwrap_or(Value::Null),
            "kind": involved.get("kind").cloned().unwrap_or(Value::Null),
            "name": name,
            "namespace": ns,
            "uid": involved.pointer("/metadata/uid").cloned().unwrap_or(Value::Null),
            "resourceVersion": involved.pointer("/metadata/resourceVersion").cloned().unwrap_or(Value::Null),
        },
        "reason": reason,
        "message": message,
        "type": kind,
        "source": {"component": "flink-kubernetes-operator"},
        "reportingComponent": "flink-kubernetes-operator",
        "reportingInstance": "flink-kubernetes-operator",
        "firstTimestamp": ts,
        "lastTimestamp": ts,
        "count": 1,
    });
    if let Err(e) = store.create("events", ns, event) {
        tracing::warn!(error = %e, reason, "simulator could not record event");
    }
}
