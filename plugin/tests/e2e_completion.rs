//! kubectl plugin completion: `kubectl_complete-savepoint` (a symlink to the plugin binary) driven
//! the way kubectl drives it, directly and through the real `kubectl __complete savepoint …`, on the
//! sandbox and on the real kube-apiserver (`sandbox::…` / `real::…`).

mod common;
mod lifecycle_support;

use flink_testenv::on_both_backends;
use std::path::{Path, PathBuf};

use lifecycle_support::api::*;
use lifecycle_support::{app, run_kubectl, session, session_job, snapshot};
use serde_json::json;

on_both_backends!(
    completes_subcommands_kinds_and_names_from_the_cluster,
    kubeconfig_flag_among_the_words_is_used_and_errors_stay_quiet,
    real_kubectl_uses_the_completion_entry_point,
    completion_subcommand_prints_shell_scripts,
);

/// A directory with `kubectl-savepoint` and `kubectl_complete-savepoint` symlinked to the binary.
fn bin_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_kubectl-savepoint"));
    std::os::unix::fs::symlink(&binary, dir.path().join("kubectl-savepoint")).unwrap();
    std::os::unix::fs::symlink(&binary, dir.path().join("kubectl_complete-savepoint")).unwrap();
    dir
}

/// Runs `kubectl_complete-savepoint WORDS…` with KUBECONFIG = `kubeconfig`; returns
/// (candidates, directive line).
async fn complete(dir: &Path, kubeconfig: &Path, words: &[&str]) -> (Vec<String>, String) {
    let out = tokio::process::Command::new(dir.join("kubectl_complete-savepoint"))
        .args(words)
        .env("KUBECONFIG", kubeconfig)
        // Hang guard only: a loaded test machine must not turn slow lookups into empty answers.
        .env("KUBECTL_SAVEPOINT_COMPLETION_TIMEOUT", "120")
        .output()
        .await
        .unwrap();
    assert!(out.status.success(), "completion must never fail: {out:?}");
    parse(&String::from_utf8_lossy(&out.stdout))
}

fn parse(stdout: &str) -> (Vec<String>, String) {
    let mut lines: Vec<String> = stdout.lines().map(str::to_owned).collect();
    let directive = lines.pop().unwrap_or_default();
    (lines, directive)
}

fn values(lines: &[String]) -> Vec<&str> {
    lines
        .iter()
        .map(|l| l.split('\t').next().unwrap_or_default())
        .collect()
}

/// Apps `orders`, `orders-eu`, `billing`, session `shared` with job `clicks`, snapshot `orders-sp-1`, and
/// an empty namespace `other` (`env.other_ns("other")`).
async fn setup(env: &Env) {
    put(
        env,
        app("orders", json!({"state.savepoints.dir": "s3://b/sp"})),
    )
    .await;
    put(
        env,
        app("orders-eu", json!({"state.savepoints.dir": "s3://b/sp"})),
    )
    .await;
    put(
        env,
        app("billing", json!({"state.savepoints.dir": "s3://b/sp"})),
    )
    .await;
    put(
        env,
        session("shared", json!({"state.savepoints.dir": "s3://b/sp"})),
    )
    .await;
    put(env, session_job("clicks", "shared", None)).await;
    put(
        env,
        snapshot(
            "orders-sp-1",
            "FlinkDeployment",
            "orders",
            "COMPLETED",
            "2025-01-01T00:00:00Z",
            true,
        ),
    )
    .await;
    env.ensure_namespace(&env.other_ns("other")).await;
}

async fn completes_subcommands_kinds_and_names_from_the_cluster(env: Env) {
    setup(&env).await;
    let ns = env.ns();
    let dir = bin_dir();
    let kc = env.kubeconfig();

    let (lines, directive) = complete(dir.path(), kc, &[""]).await;
    assert_eq!(directive, ":4");
    for sub in [
        "trigger",
        "list",
        "wait",
        "schedule",
        "restore",
        "delete",
        "prune",
        "describe",
        "version",
        "completion",
    ] {
        assert!(values(&lines).contains(&sub), "{sub}: {lines:?}");
    }
    assert!(
        lines.iter().any(|l| l.starts_with("schedule\t")),
        "descriptions: {lines:?}"
    );

    let (lines, directive) = complete(dir.path(), kc, &["trigger", ""]).await;
    assert_eq!(values(&lines), ["app/", "job/"]);
    assert_eq!(directive, ":6", "NoSpace|NoFileComp after a kind prefix");

    let (lines, directive) = complete(dir.path(), kc, &["trigger", "-n", ns, "app/ord"]).await;
    assert_eq!(values(&lines), ["app/orders", "app/orders-eu"]);
    assert_eq!(directive, ":4");

    let (lines, _) = complete(dir.path(), kc, &["schedule", "--namespace", ns, "session/"]).await;
    assert_eq!(values(&lines), ["session/shared"]);
    let (lines, _) = complete(dir.path(), kc, &["describe", "-n", ns, "job", ""]).await;
    assert_eq!(values(&lines), ["clicks"]);
    let (lines, _) = complete(dir.path(), kc, &["delete", "-n", ns, ""]).await;
    assert_eq!(values(&lines), ["orders-sp-1"]);
    let (lines, _) = complete(
        dir.path(),
        kc,
        &["restore", "-n", ns, "app/orders", "--from", ""],
    )
    .await;
    assert_eq!(values(&lines), ["latest", "orders-sp-1"]);
    let (lines, _) = complete(
        dir.path(),
        kc,
        &["restore", "-n", ns, "app/billing", "--from", ""],
    )
    .await;
    assert_eq!(
        values(&lines),
        ["latest"],
        "only savepoints of the target's job"
    );
    let other = env.other_ns("other");
    let (lines, _) = complete(dir.path(), kc, &["list", "-n", ""]).await;
    assert!(
        values(&lines).contains(&ns) && values(&lines).contains(&other.as_str()),
        "{lines:?}"
    );
    // The namespace flag is honoured: nothing lives in "other".
    let (lines, directive) = complete(dir.path(), kc, &["trigger", "-n", &other, "app/"]).await;
    assert!(lines.is_empty(), "{lines:?}");
    assert_eq!(directive, ":4");
}

async fn kubeconfig_flag_among_the_words_is_used_and_errors_stay_quiet(env: Env) {
    setup(&env).await;
    let ns = env.ns();
    let dir = bin_dir();
    let nowhere = dir.path().join("missing-kubeconfig");
    let kc = env.kubeconfig().to_string_lossy().into_owned();
    let (lines, _) = complete(
        dir.path(),
        &nowhere,
        &["--kubeconfig", &kc, "prune", "-n", ns, "app/b"],
    )
    .await;
    assert_eq!(values(&lines), ["app/billing"]);
    // Unreachable cluster / unreadable kubeconfig: empty list, directive, exit 0 (asserted in complete()).
    let (lines, directive) = complete(dir.path(), &nowhere, &["trigger", "app/"]).await;
    assert!(lines.is_empty());
    assert_eq!(directive, ":4");
}

async fn real_kubectl_uses_the_completion_entry_point(env: Env) {
    setup(&env).await;
    let ns = env.ns();
    let dir = bin_dir();
    let out = run_kubectl(
        env.kubeconfig(),
        &[
            "__complete",
            "savepoint",
            "trigger",
            "-n",
            ns,
            "app/orders-",
        ],
        dir.path(),
    )
    .await;
    let (lines, directive) = parse(out.ok());
    assert_eq!(values(&lines), ["app/orders-eu"], "{}", out.stdout);
    assert_eq!(directive, ":4");
    let out = run_kubectl(
        env.kubeconfig(),
        &["__complete", "savepoint", "pru"],
        dir.path(),
    )
    .await;
    let (lines, _) = parse(out.ok());
    assert_eq!(values(&lines), ["prune"], "{}", out.stdout);
}

async fn completion_subcommand_prints_shell_scripts(env: Env) {
    for shell in ["bash", "zsh", "fish"] {
        let out = savepoint(&env, &["completion", shell]).await;
        let text = out.ok();
        assert!(
            text.contains("kubectl-savepoint") && text.contains("prune"),
            "{shell}: {text}"
        );
    }
    let out = savepoint(&env, &["completion", "tcsh"]).await;
    assert_eq!(out.code, 2, "{out:?}");
}
