//! Helpers for the lifecycle end-to-end tests: Flink object builders, and `kubectl savepoint …` run
//! through the real kubectl with the built plugin first on PATH. Fixtures go through the API: see [`api`].
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Stdio;

pub mod api;

use serde_json::{Value, json};

/// Output of one command.
#[derive(Debug)]
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    /// Asserts exit 0 and returns stdout.
    pub fn ok(&self) -> &str {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        &self.stdout
    }
}

/// The directory holding the built plugin.
pub fn plugin_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_kubectl-savepoint"))
        .parent()
        .expect("binary has a parent directory")
        .to_path_buf()
}

/// `PATH` with `dir` first.
pub fn path_with(dir: &Path) -> String {
    let old = std::env::var("PATH").unwrap_or_default();
    format!("{}:{old}", dir.display())
}

/// Runs the real kubectl with `dir` first on PATH.
pub async fn run_kubectl(kubeconfig: &Path, args: &[&str], dir: &Path) -> Out {
    let out = tokio::process::Command::new("kubectl")
        .args(args)
        .env("PATH", path_with(dir))
        .env("KUBECONFIG", kubeconfig)
        .env_remove("KUBECTL_SAVEPOINT_LOG")
        .env("KUBECTL_SAVEPOINT_COMPLETION_TIMEOUT", "120")
        .stdin(Stdio::null())
        .output()
        .await
        .expect("kubectl must be installed");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

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
