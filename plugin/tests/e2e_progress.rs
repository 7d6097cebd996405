//! Savepoint progress, size and duration from the JobManager's REST API, reached through the API server's
//! service proxy (`/api/v1/namespaces/{ns}/services/{cluster}-rest:rest/proxy/…`), through the real kubectl.
//!
//! The sandbox answers that route from the operator emulator's simulated JobManagers (shaped like the
//! responses captured from Flink 1.20.3 / 2.1.1); the real kube-apiserver has no Service to proxy to (it
//! refuses loopback endpoints), so there the tests assert the degradation: one notice naming the cause, and
//! the wait still succeeds. A user without `get` on `services/proxy` gets the notice naming that permission
//! on both backends. Time limits are hang guards only.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::env::*;
use flink_sandbox::{Permissions, Simulator, SimulatorConfig};
use flink_savepoint::flink_rest::{Completed, parse_checkpointing_statistics};
use k8s_openapi::api::rbac::v1::{Role, RoleBinding};
use kube::api::{Api, PostParams};
use serde_json::{Value, json};

on_both_backends!(
    without_a_rest_service_the_wait_completes_after_one_notice,
    without_services_proxy_permission_the_notice_names_it,
);

/// The emulator on `env`'s namespace and an application `orders` it runs; savepoints take
/// `savepoint_secs` (simulated = real time).
async fn simulated(env: &Env, savepoint_secs: u64) -> Simulator {
    let config = SimulatorConfig {
        time_scale: 1.0,
        tick: Duration::from_millis(50),
        savepoint_duration: Duration::from_secs(savepoint_secs),
        ..SimulatorConfig::default()
    };
    let sim = Simulator::connect(env.client().await, config, Some(env.ns().to_string()));
    create_running_orders(env).await;
    sim
}

/// What the JobManager reports for the savepoint at `location`, read through the service proxy as the admin.
async fn reported(env: &Env, location: &str) -> Completed {
    let ns = env.ns();
    let app = env.get("flinkdeployments", ns, "orders").await.unwrap();
    let job_id = app["status"]["jobStatus"]["jobId"].as_str().unwrap();
    let path = format!(
        "/api/v1/namespaces/{ns}/services/orders-rest:rest/proxy/jobs/{job_id}/checkpoints"
    );
    let request = http::Request::get(path).body(Vec::new()).unwrap();
    let text = env.client().await.request_text(request).await.unwrap();
    let stats = parse_checkpointing_statistics(text.as_bytes()).unwrap();
    stats
        .find_by_external_path(location)
        .and_then(|e| e.completed())
        .unwrap_or_else(|| panic!("the JobManager lists {location}: {text}"))
}

/// `(acknowledged, total)` of every progress line on stderr.
fn progress_counts(stderr: &str) -> Vec<(u64, u64)> {
    stderr
        .lines()
        .filter_map(|l| {
            let (head, _) = l.split_once(" subtasks acknowledged")?;
            let counts = head.rsplit(' ').next()?;
            let (a, t) = counts.split_once('/')?;
            Some((a.parse().ok()?, t.parse().ok()?))
        })
        .collect()
}

/// Sandbox only (as below): Flink answers `/jobs/:jobid/checkpoints` from a cache (3 s by default), so just
/// after the operator reports the savepoint complete the JobManager may still show it in progress; the
/// final line still carries its size and duration (the wait asks again while the view is stale).
#[tokio::test(flavor = "multi_thread")]
async fn sandbox_only_the_final_size_shows_through_flinks_statistics_cache() {
    let env = Env::sandbox().await;
    let config = SimulatorConfig {
        time_scale: 1.0,
        tick: Duration::from_millis(50),
        savepoint_duration: Duration::from_secs(4),
        rest_stats_cache: Duration::from_secs(3),
        ..SimulatorConfig::default()
    };
    let sim = Simulator::connect(env.client().await, config, Some(env.ns().to_string()));
    create_running_orders(&env).await;
    env.sandbox_ref()
        .unwrap()
        .serve_job_managers(sim.job_managers());
    let ns = env.ns();
    let out = kubectl(
        env.operator_kubeconfig(),
        &[
            "trigger",
            "app/orders",
            "-n",
            ns,
            "--wait",
            "--timeout",
            "2m",
            "-o",
            "json",
        ],
    )
    .await;
    out.expect(0);
    assert!(!progress_counts(&out.stderr).is_empty(), "{}", out.stderr);
    let info: Value = serde_json::from_str(&out.stdout).unwrap();
    assert!(
        info["result"]["sizeBytes"].is_u64() && info["result"]["durationMs"].is_u64(),
        "the size and duration though the JobManager's view was stale at completion: {info}"
    );
    let location = info["result"]["location"].as_str().unwrap();
    let completed = reported(&env, location).await;
    assert_eq!(info["result"]["sizeBytes"], completed.state_size, "{info}");
    assert_eq!(
        info["result"]["durationMs"], completed.duration_ms,
        "{info}"
    );
}

/// Sandbox only: the real kube-apiserver cannot proxy to a JobManager in the test process (loopback).
#[tokio::test(flavor = "multi_thread")]
async fn sandbox_only_trigger_wait_shows_progress_then_the_reported_size_and_duration() {
    let env = Env::sandbox().await;
    let sim = simulated(&env, 5).await;
    env.sandbox_ref()
        .unwrap()
        .serve_job_managers(sim.job_managers());
    let ns = env.ns();
    let out = kubectl(
        env.operator_kubeconfig(),
        &[
            "trigger",
            "app/orders",
            "-n",
            ns,
            "--wait",
            "--timeout",
            "2m",
        ],
    )
    .await;
    out.expect(0);
    let counts = progress_counts(&out.stderr);
    assert!(
        !counts.is_empty(),
        "progress lines while IN_PROGRESS: {}",
        out.stderr
    );
    assert!(
        counts.iter().all(|(a, t)| *t == 4 && a < t),
        "acknowledged/total as the JobManager counts them: {counts:?}"
    );
    assert!(
        counts.windows(2).all(|w| w[0].0 <= w[1].0),
        "progress never goes back: {counts:?}"
    );
    assert!(
        out.stderr.contains("persisted") && out.stderr.contains("elapsed"),
        "{}",
        out.stderr
    );
    let location = out.stdout.lines().last().unwrap();
    let completed = reported(&env, location).await;
    assert!(
        out.stderr.contains(&completed.text()),
        "the final line carries the size and duration Flink reported ({}): {}",
        completed.text(),
        out.stderr
    );
    assert!(!out.stderr.contains("Warning"), "{}", out.stderr);

    // -o json carries the same numbers
    let out = kubectl(
        env.operator_kubeconfig(),
        &[
            "trigger",
            "app/orders",
            "-n",
            ns,
            "--wait",
            "--timeout",
            "2m",
            "-o",
            "json",
        ],
    )
    .await;
    out.expect(0);
    let info: Value = serde_json::from_str(&out.stdout).unwrap();
    let location = info["result"]["location"].as_str().unwrap();
    let completed = reported(&env, location).await;
    assert_eq!(info["result"]["sizeBytes"], completed.state_size);
    assert_eq!(info["result"]["durationMs"], completed.duration_ms);
}

/// Sandbox: no JobManagers registered for the proxy route; real: there is no `orders-rest` Service at all.
/// Both answer 503 `no endpoints available for service`, which is not retried (it would only delay).
async fn without_a_rest_service_the_wait_completes_after_one_notice(env: Env) {
    let _sim = simulated(&env, 2).await;
    let ns = env.ns();
    let out = kubectl(
        env.operator_kubeconfig(),
        &[
            "trigger",
            "app/orders",
            "-n",
            ns,
            "--wait",
            "--timeout",
            "2m",
        ],
    )
    .await;
    out.expect(0);
    assert!(
        out.stdout
            .lines()
            .last()
            .unwrap()
            .starts_with("s3://bucket/savepoints/"),
        "{}",
        out.stdout
    );
    let notices: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.contains("Flink REST data"))
        .collect();
    assert_eq!(notices.len(), 1, "one notice: {}", out.stderr);
    assert!(
        notices[0].starts_with("Warning: ")
            && notices[0].contains("could not reach Service orders-rest")
            && notices[0].contains("no endpoints available"),
        "names the Service and the API server's answer: {}",
        notices[0]
    );
    assert!(progress_counts(&out.stderr).is_empty(), "{}", out.stderr);
}

/// A user with the operator's rights on the Flink kinds but not `get` on `services/proxy`: sandbox, a token
/// user; real, the admin impersonating a user bound to a namespace Role without it.
async fn without_services_proxy_permission_the_notice_names_it(env: Env) {
    let (kubeconfig, extra, _env) = no_proxy_user(env).await;
    let env = &_env;
    let sim = simulated(env, 2).await;
    if let Some(sb) = env.sandbox_ref() {
        sb.serve_job_managers(sim.job_managers());
    }
    let ns = env.ns();
    let mut args = vec![
        "trigger",
        "app/orders",
        "-n",
        ns,
        "--wait",
        "--timeout",
        "2m",
    ];
    args.extend(extra.iter().map(String::as_str));
    let out = kubectl(&kubeconfig, &args).await;
    out.expect(0);
    let notices: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.contains("Flink REST data"))
        .collect();
    assert_eq!(notices.len(), 1, "one notice: {}", out.stderr);
    assert!(
        notices[0].contains(&format!("may not get services/proxy in namespace {ns}")),
        "names the permission: {}",
        notices[0]
    );
    assert!(progress_counts(&out.stderr).is_empty(), "{}", out.stderr);
}

const NO_PROXY: &str = "no-proxy";

/// An environment with a user that may trigger and wait but not use the service proxy: its kubeconfig and
/// the extra plugin arguments (`--as` on the real tier).
async fn no_proxy_user(env: Env) -> (PathBuf, Vec<String>, Env) {
    match env.backend() {
        Backend::Sandbox => {
            drop(env);
            let kinds = [
                "flinkdeployments",
                "flinksessionjobs",
                "flinkstatesnapshots",
            ];
            let perms = Permissions::none()
                .allow(&["get", "list", "watch"], &kinds)
                .allow(&["patch", "create"], &["flinkdeployments"])
                .allow(&["list"], &["events", "namespaces"]);
            let env = Env::sandbox_with(flink_sandbox::Sandbox::builder().user(
                NO_PROXY,
                "no-proxy-token",
                perms,
            ))
            .await;
            let kubeconfig = env
                .sandbox_ref()
                .unwrap()
                .kubeconfig_for_user(NO_PROXY)
                .unwrap();
            (kubeconfig, Vec::new(), env)
        }
        Backend::Real => {
            let ns = env.ns().to_string();
            let client = env.client().await;
            let role: Role = serde_json::from_value(json!({
                "metadata": { "name": NO_PROXY, "namespace": ns },
                "rules": [
                    { "apiGroups": ["flink.apache.org"], "resources": ["flinkdeployments", "flinksessionjobs", "flinkstatesnapshots"], "verbs": ["get", "list", "watch", "patch", "create"] },
                    { "apiGroups": [""], "resources": ["events"], "verbs": ["list"] }
                ]
            }))
            .unwrap();
            Api::<Role>::namespaced(client.clone(), &ns)
                .create(&PostParams::default(), &role)
                .await
                .unwrap();
            let binding: RoleBinding = serde_json::from_value(json!({
                "metadata": { "name": NO_PROXY, "namespace": ns },
                "roleRef": { "apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": NO_PROXY },
                "subjects": [{ "apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": NO_PROXY }]
            }))
            .unwrap();
            Api::<RoleBinding>::namespaced(client, &ns)
                .create(&PostParams::default(), &binding)
                .await
                .unwrap();
            // RBAC is served from an informer: wait until the binding is effective.
            let admin = env.kubeconfig().to_path_buf();
            eventually_async("the no-proxy binding to take effect", || {
                let admin = admin.clone();
                let ns = ns.clone();
                async move {
                    let out = tokio::process::Command::new("kubectl")
                        .args([
                            "auth",
                            "can-i",
                            "patch",
                            "flinkdeployments.flink.apache.org",
                        ])
                        .args(["-n", &ns, "--as", NO_PROXY, "--kubeconfig"])
                        .arg(&admin)
                        .output()
                        .await
                        .ok()?;
                    out.status.success().then_some(())
                }
            })
            .await;
            (admin, vec!["--as".to_string(), NO_PROXY.to_string()], env)
        }
    }
}

/// Sandbox only (as above): `wait flinkstatesnapshot/NAME` finds the job through the snapshot's
/// `jobReference` and shows the same progress.
#[tokio::test(flavor = "multi_thread")]
async fn sandbox_only_waiting_for_a_named_snapshot_shows_progress_too() {
    let env = Env::sandbox().await;
    let sim = simulated(&env, 5).await;
    env.sandbox_ref()
        .unwrap()
        .serve_job_managers(sim.job_managers());
    let ns = env.ns();
    let created = kubectl(
        env.operator_kubeconfig(),
        &[
            "trigger",
            "app/orders",
            "-n",
            ns,
            "--method",
            "snapshot",
            "-o",
            "json",
        ],
    )
    .await;
    created.expect(0);
    let info: Value = serde_json::from_str(&created.stdout).unwrap();
    let name = info["snapshot"].as_str().unwrap();
    let out = kubectl(
        env.viewer_kubeconfig(),
        &[
            "wait",
            &format!("flinkstatesnapshot/{name}"),
            "-n",
            ns,
            "--timeout",
            "2m",
        ],
    )
    .await;
    out.expect(0);
    assert!(!progress_counts(&out.stderr).is_empty(), "{}", out.stderr);
    let location = out.stdout.lines().last().unwrap();
    let completed = reported(&env, location).await;
    assert!(out.stderr.contains(&completed.text()), "{}", out.stderr);
}
