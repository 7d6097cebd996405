//! The webhook end-to-end flows through the real kubectl and the local overlay (URL + caBundle), written
//! once over a kubeconfig: `sandbox_e2e.rs` runs them against the sandbox, `real_e2e*.rs` against the real
//! kube-apiserver (one API server per flow: both use the `analytics` namespace and the same webhook
//! configuration names).

use std::path::Path;

use super::*;
use serde_json::Value;

const MANIFESTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../manifests");
const SHARED_MANIFESTS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/fixtures/manifests"
);

pub struct Out {
    pub ok: bool,
    pub stdout: String,
    pub stderr: String,
}

pub async fn kubectl(kubeconfig: &Path, args: &[&str], stdin: Option<&str>) -> Out {
    use tokio::io::AsyncWriteExt;
    let mut child = tokio::process::Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .args(args)
        .env_remove("KUBECONFIG")
        .current_dir(SHARED_MANIFESTS)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("kubectl must be installed");
    let mut input = child.stdin.take().expect("stdin");
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).await.expect("stdin");
    }
    drop(input);
    let out = child.wait_with_output().await.expect("kubectl");
    Out {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The local overlay, pointed at this webhook's port and CA.
async fn local_overlay(hook: &Webhook, ca: &Ca) -> String {
    let out = tokio::process::Command::new("kubectl")
        .arg("kustomize")
        .arg(Path::new(MANIFESTS).join("overlays/local"))
        .output()
        .await
        .expect("kubectl kustomize");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ca_b64 = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(ca.pem().as_bytes())
    };
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .replace("127.0.0.1:8443", &hook.https.to_string())
        .replace("UkVQTEFDRS1NRS1XSVRILVRIRS1DQS1QRU0=", &ca_b64)
}

/// kubectl through the API server at `kc` is denied, patched and allowed by the webhook.
pub async fn denied_patched_and_allowed(kc: &Path) {
    let kc = kc.to_path_buf();
    let ca = Ca::new("local-ca");
    let dir = tempfile::tempdir().expect("tempdir");
    write_leaf(dir.path(), &ca.leaf());
    let hook = Webhook::start(dir, &kc, &["--cache-sync-timeout", "1h"]);
    hook.wait_readyz(200).await; // ready only once the cache synced against the sandbox
    wait_metric(&hook, "savepoint_webhook_cache_synced 1").await;

    assert!(
        kubectl(&kc, &["create", "namespace", "analytics"], None)
            .await
            .ok
    );
    let overlay = local_overlay(&hook, &ca).await;
    let applied = kubectl(&kc, &["apply", "-f", "-"], Some(&overlay)).await;
    assert!(applied.ok, "{}", applied.stderr);

    // The session cluster gets the retention defaults through /mutate.
    let session = kubectl(&kc, &["apply", "-f", "flinkdeployment-session.yaml"], None).await;
    assert!(session.ok, "{}", session.stderr);
    let got = kubectl(
        &kc,
        &[
            "get",
            "flinkdeployment",
            "shared-session",
            "-n",
            "analytics",
            "-o",
            "json",
        ],
        None,
    )
    .await;
    let deployment: Value = serde_json::from_str(&got.stdout).expect("json");
    let conf = &deployment["spec"]["flinkConfiguration"];
    assert_eq!(
        conf["kubernetes.operator.savepoint.history.max.age"],
        "72 h"
    );
    assert_eq!(conf["kubernetes.operator.savepoint.history.max.count"], "5");
    assert_eq!(
        conf["state.savepoints.dir"],
        "s3://my-bucket/flink-savepoints"
    );
    wait_metric(&hook, "savepoint_webhook_cache_flinkdeployments 1").await;

    // Per-job savepoint directory: denied with the key and the session cluster named.
    let rogue = kubectl(
        &kc,
        &["apply", "-f", "flinksessionjob-savepoint-dir-override.yaml"],
        None,
    )
    .await;
    assert!(!rogue.ok);
    assert!(
        rogue.stderr.contains("denied the request")
            && rogue.stderr.contains("state.savepoints.dir")
            && rogue.stderr.contains("shared-session"),
        "{}",
        rogue.stderr
    );

    // A clean job is admitted; the cluster already sets nothing retention-related for it, so the
    // job itself inherits the cluster's (now defaulted) values and gets no patch of its own.
    let ok = kubectl(&kc, &["apply", "-f", "flinksessionjob-ok.yaml"], None).await;
    assert!(ok.ok, "{}", ok.stderr);
    wait_metric(&hook, "savepoint_webhook_cache_flinksessionjobs 1").await;

    // A snapshot of that job redirecting its savepoint elsewhere: denied via job → cluster lookup.
    let job: Value = serde_json::from_str(
        &kubectl(
            &kc,
            &["get", "flinksessionjob", "-n", "analytics", "-o", "json"],
            None,
        )
        .await
        .stdout,
    )
    .expect("json");
    let job_name = job["items"][0]["metadata"]["name"]
        .as_str()
        .expect("job name")
        .to_owned();
    let snapshot = format!(
        "apiVersion: flink.apache.org/v1beta1\nkind: FlinkStateSnapshot\nmetadata: {{name: escape, namespace: analytics}}\n\
         spec:\n  jobReference: {{kind: FlinkSessionJob, name: {job_name}}}\n  savepoint: {{path: \"s3://elsewhere/sp\"}}\n"
    );
    let escape = kubectl(&kc, &["create", "-f", "-"], Some(&snapshot)).await;
    assert!(!escape.ok);
    assert!(
        escape.stderr.contains("spec.savepoint.path")
            && escape.stderr.contains("s3://my-bucket/flink-savepoints"),
        "{}",
        escape.stderr
    );
    let inside = snapshot
        .replace("s3://elsewhere/sp", "s3://my-bucket/flink-savepoints")
        .replace("name: escape", "name: inside");
    let allowed = kubectl(&kc, &["create", "-f", "-"], Some(&inside)).await;
    assert!(allowed.ok, "{}", allowed.stderr);

    // Server-side dry-run is reviewed identically.
    let dry = kubectl(
        &kc,
        &[
            "apply",
            "--dry-run=server",
            "-f",
            "flinksessionjob-savepoint-dir-override.yaml",
        ],
        None,
    )
    .await;
    assert!(
        !dry.ok && dry.stderr.contains("state.savepoints.dir"),
        "{}",
        dry.stderr
    );
}

/// The rogue job of the shared fixtures, renamed and carrying `labels`.
fn rogue_job(name: &str, labels: &str) -> String {
    format!(
        "apiVersion: flink.apache.org/v1beta1\nkind: FlinkSessionJob\n\
         metadata: {{name: {name}, namespace: analytics, labels: {{{labels}}}}}\n\
         spec:\n  deploymentName: shared-session\n  flinkConfiguration: {{state.savepoints.dir: \"s3://other-bucket/mine\"}}\n\
         \x20 job: {{jarURI: \"https://repo.example.com/rogue.jar\", parallelism: 1, upgradeMode: savepoint}}\n"
    )
}

/// An object label cannot opt out of the policy; an admin exemption in the policy file can.
pub async fn label_cannot_opt_out_but_admin_exemption_can(kc: &Path) {
    let kc = kc.to_path_buf();
    let ca = Ca::new("local-ca");
    let dir = tempfile::tempdir().expect("tempdir");
    write_leaf(dir.path(), &ca.leaf());
    let policy = dir.path().join("policy.yaml");
    std::fs::write(
        &policy,
        "exemptions:\n  objects:\n    - {kind: FlinkSessionJob, namespace: analytics, name: approved-job}\n",
    )
    .expect("policy");
    let policy = policy.to_str().expect("utf-8").to_owned();
    let hook = Webhook::start(
        dir,
        &kc,
        &["--cache-sync-timeout", "1h", "--config", &policy],
    );
    hook.wait_readyz(200).await;
    assert!(
        kubectl(&kc, &["create", "namespace", "analytics"], None)
            .await
            .ok
    );
    let overlay = local_overlay(&hook, &ca).await;
    let applied = kubectl(&kc, &["apply", "-f", "-"], Some(&overlay)).await;
    assert!(applied.ok, "{}", applied.stderr);
    let session = kubectl(&kc, &["apply", "-f", "flinkdeployment-session.yaml"], None).await;
    assert!(session.ok, "{}", session.stderr);

    // Self-service opt-out by label: the webhook is still called and denies.
    let labelled = rogue_job("labelled-job", "flink-savepoint.io/policy: disabled");
    let out = kubectl(&kc, &["create", "-f", "-"], Some(&labelled)).await;
    assert!(
        !out.ok && out.stderr.contains("state.savepoints.dir"),
        "a self-applied opt-out label must not bypass the policy: {}{}",
        out.stdout,
        out.stderr
    );
    // The object named in the admin-owned exemptions is admitted.
    let approved = rogue_job("approved-job", "team: data");
    let out = kubectl(&kc, &["create", "-f", "-"], Some(&approved)).await;
    assert!(out.ok, "{}", out.stderr);
}
