//! The end-to-end suite on two backends: every fixture goes through the API ([`flink_testenv::Env`]), so
//! the same test runs against the sandbox and the real kube-apiserver. [`on_both_backends!`] turns
//! `async fn NAME(env: Env)` into `sandbox::NAME` and `real::NAME` tests; `make e2e-real` runs `real::`.

#[allow(unused_imports)]
pub use flink_testenv::{Backend, Env};
use serde_json::{Value, json};

#[allow(unused_imports)]
pub use super::e2e::{Out, command, eventually, finish, kubectl, reconciled};

#[allow(unused_imports)]
pub use flink_testenv::on_both_backends;

/// `status` of a RUNNING job with `nonce` reconciled and the given `savepointInfo`.
pub fn running_status(nonce: i64, savepoint_info: Value) -> Value {
    json!({
        "jobStatus": { "state": "RUNNING", "jobId": "abc", "savepointInfo": savepoint_info },
        "lifecycleState": "STABLE",
        "reconciliationStatus": { "state": "DEPLOYED", "lastReconciledSpec": reconciled(nonce) }
    })
}

/// A RUNNING application (spec nonce 5, reconciled 5, savepoint dir set, label `team=data`) in `env.ns()`.
pub async fn put_app(env: &Env, name: &str) {
    let ns = env.ns();
    let app = json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
        "metadata": { "name": name, "namespace": ns, "labels": { "team": "data" } },
        "spec": {
            "image": "flink:1.20", "flinkVersion": "v1_20", "serviceAccount": "flink",
            "flinkConfiguration": { "state.savepoints.dir": "s3://bucket/savepoints" },
            "jobManager": { "resource": { "memory": "2048m", "cpu": 1 } },
            "taskManager": { "resource": { "memory": "2048m", "cpu": 1 } },
            "job": { "jarURI": "local:///opt/flink/job.jar", "parallelism": 2, "upgradeMode": "savepoint",
                     "state": "running", "savepointTriggerNonce": 5 }
        }
    });
    env.put("flinkdeployments", ns, app, running_status(5, json!({})))
        .await;
}

/// A session cluster (FlinkDeployment without job) with a savepoint dir.
pub async fn put_session(env: &Env, name: &str) {
    let ns = env.ns();
    let obj = json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
        "metadata": { "name": name, "namespace": ns },
        "spec": {
            "image": "flink:1.20", "flinkVersion": "v1_20", "serviceAccount": "flink",
            "flinkConfiguration": { "state.savepoints.dir": "s3://bucket/savepoints" },
            "jobManager": { "resource": { "memory": "2048m", "cpu": 1 } },
            "taskManager": { "resource": { "memory": "2048m", "cpu": 1 } }
        }
    });
    env.put(
        "flinkdeployments",
        ns,
        obj,
        json!({ "lifecycleState": "STABLE" }),
    )
    .await;
}

/// A RUNNING session job on `cluster` (spec nonce 5, reconciled 5).
pub async fn put_session_job(env: &Env, name: &str, cluster: &str) {
    let ns = env.ns();
    let obj = json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkSessionJob",
        "metadata": { "name": name, "namespace": ns },
        "spec": { "deploymentName": cluster,
                  "job": { "jarURI": "https://repo.example.com/j.jar", "parallelism": 1,
                           "upgradeMode": "savepoint", "savepointTriggerNonce": 5 } }
    });
    env.put("flinksessionjobs", ns, obj, running_status(5, json!({})))
        .await;
}

/// A savepoint FlinkStateSnapshot of `job` (`kind`) in `ns` with `status`.
pub async fn put_snapshot(
    env: &Env,
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
    env.put("flinkstatesnapshots", ns, obj, status).await;
}

/// The spec nonce of a stored object in `env.ns()`.
pub async fn spec_nonce(env: &Env, plural: &str, name: &str) -> Option<i64> {
    env.get(plural, env.ns(), name).await?["spec"]["job"]["savepointTriggerNonce"].as_i64()
}

/// Polls the async `check` every 20 ms until it returns `Some` (hang guard: 60 s).
/// Creates application `orders` (Flink 1.20, savepoint directory `s3://bucket/savepoints`,
/// upgrade mode savepoint) and waits until a connected operator emulator reports it RUNNING.
pub async fn create_running_orders(env: &Env) {
    let ns = env.ns();
    let app = serde_json::json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
        "metadata": { "name": "orders", "namespace": ns },
        "spec": {
            "image": "flink:1.20", "flinkVersion": "v1_20", "serviceAccount": "flink",
            "flinkConfiguration": { "state.savepoints.dir": "s3://bucket/savepoints" },
            "jobManager": { "resource": { "memory": "2048m", "cpu": 1 } },
            "taskManager": { "resource": { "memory": "2048m", "cpu": 1 } },
            "job": { "jarURI": "local:///opt/flink/job.jar", "parallelism": 1, "upgradeMode": "savepoint" }
        }
    });
    env.create("flinkdeployments", ns, app).await;
    eventually_async("the emulated job to run", || async {
        let d = env.get("flinkdeployments", ns, "orders").await?;
        (d["status"]["jobStatus"]["state"] == "RUNNING").then_some(())
    })
    .await;
}

pub async fn eventually_async<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "gave up waiting for {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// The names of the `plural` objects in `ns`, sorted, listed through the API as the admin.
pub async fn names(env: &Env, plural: &str, ns: &str) -> Vec<String> {
    let mut names: Vec<String> = env
        .list(plural, ns)
        .await
        .iter()
        .filter_map(|o| o["metadata"]["name"].as_str().map(str::to_string))
        .collect();
    names.sort();
    names
}

/// The entry of `kubectl savepoint list TARGET -n NS -o json` (as the viewer) stored at `location`;
/// panics with the listing when there is none.
pub async fn listed_at(env: &Env, target: &str, location: &str) -> Value {
    let json = kubectl(
        env.viewer_kubeconfig(),
        &["list", target, "-n", env.ns(), "-o", "json"],
    )
    .await;
    json.expect(0);
    let doc: Value = serde_json::from_str(&json.stdout).unwrap();
    doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["location"] == location)
        .cloned()
        .unwrap_or_else(|| panic!("{location} listed: {}", json.stdout))
}
