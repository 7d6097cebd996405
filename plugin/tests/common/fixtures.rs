//! Flink objects and discovery documents for tests.

use serde_json::{Value, json};

/// `GET /apis/flink.apache.org/v1beta1` listing the given plurals.
pub fn discovery(plurals: &[&str]) -> Value {
    let resources: Vec<Value> = plurals
        .iter()
        .map(|p| json!({ "name": p, "singularName": "", "namespaced": true, "kind": kind_of(p), "verbs": ["get", "list", "watch", "patch", "create"] }))
        .collect();
    json!({ "kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "flink.apache.org/v1beta1", "resources": resources })
}

fn kind_of(plural: &str) -> &'static str {
    match plural {
        "flinkdeployments" => "FlinkDeployment",
        "flinksessionjobs" => "FlinkSessionJob",
        _ => "FlinkStateSnapshot",
    }
}

/// Every Flink resource.
pub const ALL_CRDS: &[&str] = &[
    "flinkdeployments",
    "flinksessionjobs",
    "flinkstatesnapshots",
];
/// An operator < 1.10 (no FlinkStateSnapshot).
pub const LEGACY_CRDS: &[&str] = &["flinkdeployments", "flinksessionjobs"];

/// A running application with a savepoint dir, spec nonce `nonce`, reconciled nonce `reconciled`.
pub fn app(ns: &str, name: &str, rv: &str, nonce: i64, reconciled: i64) -> Value {
    json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
        "metadata": { "name": name, "namespace": ns, "resourceVersion": rv },
        "spec": {
            "job": { "jarURI": "local:///opt/flink/job.jar", "upgradeMode": "savepoint", "savepointTriggerNonce": nonce },
            "flinkConfiguration": { "state.savepoints.dir": "s3://bucket/savepoints" }
        },
        "status": {
            "jobStatus": { "state": "RUNNING", "savepointInfo": {} },
            "reconciliationStatus": {
                "lastReconciledSpec": format!("{{\"spec\":{{\"job\":{{\"savepointTriggerNonce\":{reconciled}}}}},\"resource_metadata\":{{\"firstDeployment\":false}}}}")
            }
        }
    })
}

/// A session cluster (no job).
pub fn session_cluster(ns: &str, name: &str) -> Value {
    json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
        "metadata": { "name": name, "namespace": ns, "resourceVersion": "3" },
        "spec": { "flinkConfiguration": { "state.savepoints.dir": "s3://bucket/savepoints" } }
    })
}

/// A running session job on `cluster` (no savepoint dir of its own).
pub fn session_job(ns: &str, name: &str, cluster: &str) -> Value {
    json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkSessionJob",
        "metadata": { "name": name, "namespace": ns, "resourceVersion": "4" },
        "spec": { "deploymentName": cluster, "job": { "jarURI": "https://repo/job.jar" } },
        "status": { "jobStatus": { "state": "RUNNING" } }
    })
}

/// A savepoint FlinkStateSnapshot of `job` (a FlinkDeployment unless `kind` says otherwise).
pub fn snapshot(
    ns: &str,
    name: &str,
    kind: &str,
    job: &str,
    state: &str,
    path: Option<&str>,
) -> Value {
    let mut status = json!({ "state": state, "triggerTimestamp": "2026-01-01T00:00:00Z" });
    if let Some(path) = path {
        status["path"] = json!(path);
    }
    json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkStateSnapshot",
        "metadata": { "name": name, "namespace": ns, "labels": { "snapshot.trigger-type": "MANUAL", "snapshot.type": "SAVEPOINT" } },
        "spec": { "jobReference": { "kind": kind, "name": job }, "savepoint": { "disposeOnDelete": true }, "backoffLimit": 3 },
        "status": status
    })
}

/// A list response with optional continue token.
pub fn list(kind: &str, items: Vec<Value>, continue_token: Option<&str>) -> Value {
    json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": format!("{kind}List"),
        "metadata": { "resourceVersion": "100", "continue": continue_token.unwrap_or("") },
        "items": items
    })
}
