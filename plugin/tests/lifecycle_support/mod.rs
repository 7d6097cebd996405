//! Helpers for the lifecycle end-to-end tests: Flink object builders; `kubectl savepoint …` runs
//! through the runner of [`crate::common::e2e`]. Fixtures go through the API: see [`api`].
#![allow(dead_code)]

pub mod api;

use serde_json::{Value, json};

/// The one kubectl runner and its output, shared with the other end-to-end tests.
#[allow(unused_imports)]
pub use crate::common::e2e::{Out, path_with, plugin_dir, run_kubectl};

/// An application FlinkDeployment with `conf` as flinkConfiguration, RUNNING.
pub fn app(name: &str, conf: Value) -> Value {
    json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
        "metadata": {"name": name, "labels": {"team": "data"}},
        "spec": {
            "image": "flink:1.20", "flinkVersion": "v1_20", "serviceAccount": "flink",
            "flinkConfiguration": conf,
            "jobManager": {"resource": {"memory": "2048m", "cpu": 1}},
            "taskManager": {"resource": {"memory": "2048m", "cpu": 1}},
            "job": {"jarURI": "local:///opt/flink/j.jar", "parallelism": 2, "upgradeMode": "savepoint", "state": "running"}
        }
    })
}

/// A session cluster.
pub fn session(name: &str, conf: Value) -> Value {
    let mut d = app(name, conf);
    d["spec"].as_object_mut().expect("spec").remove("job");
    d
}

/// A session job on `cluster`.
pub fn session_job(name: &str, cluster: &str, conf: Option<Value>) -> Value {
    let mut j = json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkSessionJob",
        "metadata": {"name": name},
        "spec": {"deploymentName": cluster,
                 "job": {"jarURI": "https://repo.example.com/j.jar", "parallelism": 1, "upgradeMode": "savepoint"}}
    });
    if let Some(conf) = conf {
        j["spec"]["flinkConfiguration"] = conf;
    }
    j
}

/// A savepoint snapshot of `job` (`FlinkDeployment`/`FlinkSessionJob`) in `state`, triggered at `iso`.
pub fn snapshot(name: &str, kind: &str, job: &str, state: &str, iso: &str, dispose: bool) -> Value {
    let mut status = json!({"state": state, "triggerTimestamp": iso, "failures": 0});
    if state == "COMPLETED" {
        status["path"] = json!(format!("s3://b/sp/{name}"));
        status["resultTimestamp"] = json!(iso);
    }
    json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkStateSnapshot",
        "metadata": {"name": name,
                     "labels": {"snapshot.type": "SAVEPOINT", "snapshot.trigger-type": "MANUAL"}},
        "spec": {"backoffLimit": 0, "jobReference": {"kind": kind, "name": job},
                 "savepoint": {"formatType": "CANONICAL", "disposeOnDelete": dispose, "alreadyExists": false}},
        "status": status
    })
}
