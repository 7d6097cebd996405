//! The lifecycle helpers over [`Env`]: fixtures through the API in `env.ns()`, on either backend.

use std::path::Path;

pub use flink_testenv::Env;
use serde_json::{Value, json};

use super::{Out, plugin_dir, run_kubectl};

/// The plural of a Flink object's kind.
pub fn plural_of(obj: &Value) -> &'static str {
    match obj["kind"].as_str() {
        Some("FlinkDeployment") => "flinkdeployments",
        Some("FlinkSessionJob") => "flinksessionjobs",
        Some("FlinkStateSnapshot") => "flinkstatesnapshots",
        other => panic!("unknown kind {other:?}"),
    }
}

/// Runs `kubectl savepoint ARGS` as the admin of `env` (`-n <env.ns()>` added unless `-n` is present).
pub async fn savepoint(env: &Env, args: &[&str]) -> Out {
    savepoint_as(env.kubeconfig(), env.ns(), args).await
}

/// Runs `kubectl savepoint ARGS` with `kubeconfig` (`-n <ns>` added unless `-n` is present).
pub async fn savepoint_as(kubeconfig: &Path, ns: &str, args: &[&str]) -> Out {
    let mut full: Vec<&str> = vec!["savepoint"];
    full.extend_from_slice(args);
    if !args
        .iter()
        .any(|a| *a == "-n" || a.starts_with("--namespace"))
    {
        full.extend_from_slice(&["-n", ns]);
    }
    run_kubectl(kubeconfig, &full, &plugin_dir()).await
}

/// Creates `obj` (built by `app`, `session`, `session_job` or `snapshot`) in `env.ns()` through the API
/// and sets its `status` if it has one; returns the stored object.
pub async fn put(env: &Env, mut obj: Value) -> Value {
    let ns = env.ns();
    let plural = plural_of(&obj);
    obj["metadata"]["namespace"] = json!(ns);
    let name = obj["metadata"]["name"].as_str().expect("name").to_owned();
    let status = obj.as_object_mut().expect("object").remove("status");
    env.create(plural, ns, obj).await;
    if let Some(status) = status {
        env.set_status(plural, ns, &name, status).await;
    }
    get(env, plural, &name).await
}

/// Sets a RUNNING job status on an application or session job.
pub async fn running(env: &Env, plural: &str, name: &str) {
    let status =
        json!({"jobStatus": {"state": "RUNNING", "jobId": "abc"}, "lifecycleState": "STABLE"});
    env.set_status(plural, env.ns(), name, status).await;
}

/// The stored object in `env.ns()` (`null` when missing).
pub async fn get(env: &Env, plural: &str, name: &str) -> Value {
    env.get(plural, env.ns(), name).await.unwrap_or(Value::Null)
}

/// `metadata.resourceVersion` of the stored object.
pub async fn rv(env: &Env, plural: &str, name: &str) -> String {
    get(env, plural, name).await["metadata"]["resourceVersion"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Forgets the sandbox's request log (the fixture writes), so a test sees only the plugin's requests.
pub fn clear_log(env: &Env) {
    if let Some(sb) = env.sandbox_ref() {
        sb.clear_requests();
    }
}

/// Number of mutating requests (create/update/patch/delete) the sandbox received.
pub fn sandbox_writes(sb: &flink_sandbox::Sandbox) -> usize {
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
