//! Helpers for the lifecycle end-to-end tests: a sandbox API server with Flink objects, and
//! `kubectl savepoint …` run through the real kubectl with the built plugin first on PATH.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Stdio;

pub mod api;

use flink_sandbox::Sandbox;
use serde_json::{Value, json};

pub const NS: &str = "flink";

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

/// Runs `kubectl savepoint ARGS` against `sb` (KUBECONFIG points at the sandbox, namespace `-n flink`
/// added unless `-n` is present), stdin closed.
pub async fn savepoint(sb: &Sandbox, args: &[&str]) -> Out {
    let mut full: Vec<&str> = vec!["savepoint"];
    full.extend_from_slice(args);
    if !args
        .iter()
        .any(|a| *a == "-n" || a.starts_with("--namespace"))
    {
        full.extend_from_slice(&["-n", NS]);
    }
    run_kubectl(sb.kubeconfig_path(), &full, &plugin_dir()).await
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

/// A started sandbox with namespace `flink`.
pub async fn sandbox() -> Sandbox {
    let sb = Sandbox::builder().start().await.expect("sandbox starts");
    sb.store().ensure_namespace(NS);
    sb
}

/// An application FlinkDeployment with `conf` as flinkConfiguration, RUNNING.
pub fn app(name: &str, conf: Value) -> Value {
    json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
        "metadata": {"name": name, "namespace": NS, "labels": {"team": "data"}},
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
        "metadata": {"name": name, "namespace": NS},
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
        "metadata": {"name": name, "namespace": NS,
                     "labels": {"snapshot.type": "SAVEPOINT", "snapshot.trigger-type": "MANUAL"}},
        "spec": {"backoffLimit": 0, "jobReference": {"kind": kind, "name": job},
                 "savepoint": {"formatType": "CANONICAL", "disposeOnDelete": dispose, "alreadyExists": false}},
        "status": status
    })
}

/// Creates `obj` (plural from its kind) and sets its status if it has one; returns the stored object.
pub fn put(sb: &Sandbox, obj: Value) -> Value {
    let plural = match obj["kind"].as_str() {
        Some("FlinkDeployment") => "flinkdeployments",
        Some("FlinkSessionJob") => "flinksessionjobs",
        Some("FlinkStateSnapshot") => "flinkstatesnapshots",
        other => panic!("unknown kind {other:?}"),
    };
    let name = obj["metadata"]["name"].as_str().expect("name").to_owned();
    let status = obj.get("status").cloned();
    let created = sb.store().create(plural, NS, obj).expect("create");
    match status {
        Some(status) => sb
            .store()
            .set_status(plural, NS, &name, status)
            .expect("status"),
        None => created,
    }
}

/// Sets a RUNNING job status on an application or session job.
pub fn running(sb: &Sandbox, plural: &str, name: &str) {
    let status =
        json!({"jobStatus": {"state": "RUNNING", "jobId": "abc"}, "lifecycleState": "STABLE"});
    sb.store()
        .set_status(plural, NS, name, status)
        .expect("status");
}

/// The stored object.
pub fn get(sb: &Sandbox, plural: &str, name: &str) -> Value {
    sb.store().get(plural, NS, name).unwrap_or(Value::Null)
}

/// `metadata.resourceVersion` of the stored object.
pub fn rv(sb: &Sandbox, plural: &str, name: &str) -> String {
    get(sb, plural, name)["metadata"]["resourceVersion"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Number of mutating requests (create/update/patch/delete) the sandbox received.
pub fn writes(sb: &Sandbox) -> usize {
    sb.requests()
        .iter()
        .filter(|r| {
            matches!(
                r.verb.as_deref(),
                Some("create" | "update" | "patch" | "delete")
            )
        })
        .count()
}
