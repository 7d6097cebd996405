//! End-to-end helpers: the sandbox API server, and `kubectl savepoint …` through the real
//! kubectl with the built plugin first on PATH.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use flink_sandbox::{Permissions, Sandbox};
use serde_json::{Value, json};

/// Namespace used by the tests.
pub const NS: &str = "flink";

/// One finished command.
#[derive(Debug)]
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    /// Asserts the exit code, printing both streams on mismatch.
    pub fn expect(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

/// The directory holding the built plugin binary.
pub fn plugin_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_kubectl-savepoint"))
        .parent()
        .expect("binary directory")
        .to_path_buf()
}

fn path_env() -> String {
    format!(
        "{}:{}",
        plugin_dir().display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// A sandbox (HTTPS) with namespace `flink` and a read-only user `viewer`;
/// `without_snapshots` mimics an operator older than 1.10.
pub async fn sandbox(without_snapshots: bool) -> Sandbox {
    let mut builder = Sandbox::builder().user("viewer", "viewer-token", Permissions::read_only());
    if without_snapshots {
        builder = builder.without_crd("flinkstatesnapshots");
    }
    let sb = builder.start().await.expect("sandbox starts");
    sb.store().ensure_namespace(NS);
    sb
}

/// `kubectl savepoint ARGS --kubeconfig <sandbox>` (KUBECONFIG unset), stdin closed.
pub fn command(kubeconfig: &Path, args: &[&str]) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new("kubectl");
    cmd.arg("savepoint")
        .args(args)
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .env("PATH", path_env())
        .env_remove("KUBECONFIG")
        .env_remove("KUBECTL_SAVEPOINT_LOG")
        .stdin(Stdio::null())
        .kill_on_drop(true);
    cmd
}

/// Runs `kubectl savepoint ARGS` to completion (hang guard: 120 s).
pub async fn kubectl(kubeconfig: &Path, args: &[&str]) -> Out {
    let child = command(kubeconfig, args).output();
    let out = tokio::time::timeout(Duration::from_secs(120), child)
        .await
        .expect("kubectl savepoint finished (hang guard)")
        .expect("kubectl is installed");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Awaits a spawned `kubectl savepoint` child.
pub async fn finish(child: tokio::process::Child) -> Out {
    let out = tokio::time::timeout(Duration::from_secs(120), child.wait_with_output())
        .await
        .expect("kubectl savepoint finished (hang guard)")
        .expect("kubectl ran");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Polls `check` every 20 ms until it returns `Some` (hang guard: 60 s).
pub async fn eventually<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(v) = check() {
            return v;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "gave up waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The `lastReconciledSpec` string for a job with `nonce` reconciled.
pub fn reconciled(nonce: i64) -> String {
    format!(
        "{{\"spec\":{{\"job\":{{\"savepointTriggerNonce\":{nonce}}}}},\"resource_metadata\":{{\"apiVersion\":\"flink.apache.org/v1beta1\",\"firstDeployment\":false}}}}"
    )
}

/// A RUNNING application: spec nonce 5, reconciled 5, savepoint dir set.
pub fn put_app(sb: &Sandbox, name: &str) {
    let app = json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
        "metadata": { "name": name, "namespace": NS, "labels": { "team": "data" } },
        "spec": {
            "image": "flink:1.20", "flinkVersion": "v1_20", "serviceAccount": "flink",
            "flinkConfiguration": { "state.savepoints.dir": "s3://bucket/savepoints" },
            "jobManager": { "resource": { "memory": "2048m", "cpu": 1 } },
            "taskManager": { "resource": { "memory": "2048m", "cpu": 1 } },
            "job": { "jarURI": "local:///opt/flink/job.jar", "parallelism": 2, "upgradeMode": "savepoint",
                     "state": "running", "savepointTriggerNonce": 5 }
        }
    });
    put(
        sb,
        "flinkdeployments",
        NS,
        app,
        running_status(5, json!({})),
    );
}

/// Creates `obj` in `ns` and sets its status.
pub fn put(sb: &Sandbox, plural: &str, ns: &str, obj: Value, status: Value) {
    sb.store().ensure_namespace(ns);
    let name = obj["metadata"]["name"].as_str().expect("name").to_string();
    sb.store().create(plural, ns, obj).expect("create");
    sb.store()
        .set_status(plural, ns, &name, status)
        .expect("status");
}

/// `status` of a RUNNING job with `nonce` reconciled and the given `savepointInfo`.
pub fn running_status(nonce: i64, savepoint_info: Value) -> Value {
    json!({
        "jobStatus": { "state": "RUNNING", "jobId": "abc", "savepointInfo": savepoint_info },
        "lifecycleState": "STABLE",
        "reconciliationStatus": { "state": "DEPLOYED", "lastReconciledSpec": reconciled(nonce) }
    })
}

/// A session cluster (FlinkDeployment without job) with a savepoint dir.
pub fn put_session(sb: &Sandbox, name: &str) {
    let obj = json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
        "metadata": { "name": name, "namespace": NS },
        "spec": {
            "image": "flink:1.20", "flinkVersion": "v1_20", "serviceAccount": "flink",
            "flinkConfiguration": { "state.savepoints.dir": "s3://bucket/savepoints" },
            "jobManager": { "resource": { "memory": "2048m", "cpu": 1 } },
            "taskManager": { "resource": { "memory": "2048m", "cpu": 1 } }
        }
    });
    put(
        sb,
        "flinkdeployments",
        NS,
        obj,
        json!({ "lifecycleState": "STABLE" }),
    );
}

/// A RUNNING session job on `cluster` (spec nonce 5, reconciled 5).
pub fn put_session_job(sb: &Sandbox, name: &str, cluster: &str) {
    let obj = json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkSessionJob",
        "metadata": { "name": name, "namespace": NS },
        "spec": { "deploymentName": cluster,
                  "job": { "jarURI": "https://repo.example.com/j.jar", "parallelism": 1,
                           "upgradeMode": "savepoint", "savepointTriggerNonce": 5 } }
    });
    put(
        sb,
        "flinksessionjobs",
        NS,
        obj,
        running_status(5, json!({})),
    );
}

/// A savepoint FlinkStateSnapshot of `job` (`kind`) with `status`.
pub fn put_snapshot(
    sb: &Sandbox,
    ns: &str,
    name: &str,
    kind: &str,
    job: &str,
    trigger: &str,
    status: Value,
) {
    let obj = json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkStateSnapshot",
        "metadata": { "name": name, "namespace": ns,
                      "labels": { "snapshot.trigger-type": trigger, "snapshot.type": "SAVEPOINT" } },
        "spec": { "jobReference": { "kind": kind, "name": job }, "savepoint": { "disposeOnDelete": false },
                  "backoffLimit": -1 }
    });
    put(sb, "flinkstatesnapshots", ns, obj, status);
}

/// The spec nonce of a stored object.
pub fn spec_nonce(sb: &Sandbox, plural: &str, name: &str) -> Option<i64> {
    sb.store().get(plural, NS, name)?["spec"]["job"]["savepointTriggerNonce"].as_i64()
}

/// Writes (non-GET) requests recorded by the sandbox, as `METHOD path`.
pub fn writes(sb: &Sandbox) -> Vec<(String, u16)> {
    sb.requests()
        .into_iter()
        .filter(|r| r.method != "GET")
        .map(|r| (format!("{} {}", r.method, r.path), r.status))
        .collect()
}
