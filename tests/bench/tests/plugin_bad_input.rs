//! Bad-input table for the `kubectl-savepoint` binary against the sandbox, complementing the
//! plugin's own refusal tests (session target, no savepoint directory, RESTARTING job, unknown
//! kind, missing object, `--method snapshot` without the CRD): hostile target names, bad flags and
//! durations, non-UTF-8 arguments, broken kubeconfigs, hostile stored objects, `wait` without the
//! FlinkStateSnapshot CRD. Each exits 2 (usage/input) or 1 (API/cluster), says why on stderr,
//! never panics, and nothing in the store changes (no write request, same resourceVersion).

use std::{
    ffi::OsString,
    os::unix::ffi::OsStringExt,
    path::Path,
    process::{Command, Stdio},
};

use flink_savepoint_bench::{
    dataset::{self, Size, ns_name},
    server::debug_binary,
};
use serde_json::json;

struct Outcome {
    code: Option<i32>,
    stderr: String,
}

fn run(binary: &Path, kubeconfig: &Path, args: &[OsString]) -> Outcome {
    let out = Command::new(binary)
        .args(args)
        .env("KUBECONFIG", kubeconfig)
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .output()
        .expect("running kubectl-savepoint");
    Outcome {
        code: out.status.code(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn os(args: &[&str]) -> Vec<OsString> {
    args.iter().map(OsString::from).collect()
}

/// Runs every row against `sandbox` and returns the mismatches.
fn check_rows(
    binary: &Path,
    kubeconfig: &Path,
    sandbox: &flink_sandbox::Sandbox,
    rows: Vec<(String, Vec<OsString>, i32, &str)>,
) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, args, code, needle) in rows {
        let rv = sandbox.store().resource_version();
        sandbox.clear_requests();
        let out = run(binary, kubeconfig, &args);
        let writes: Vec<String> = sandbox
            .requests()
            .into_iter()
            .filter(|r| r.method != "GET")
            .map(|r| format!("{} {}{}", r.method, r.path, r.query))
            .collect();
        let message = out.stderr.trim();
        let mut wrong = Vec::new();
        if out.code != Some(code) {
            wrong.push(format!("exit {:?} (expected {code})", out.code));
        }
        if message.is_empty() || !message.contains(needle) {
            wrong.push(format!("message lacks {needle:?}"));
        }
        if message.contains("panicked") {
            wrong.push("panicked".to_owned());
        }
        if !writes.is_empty() || sandbox.store().resource_version() != rv {
            wrong.push(format!("store changed: {writes:?}"));
        }
        if !wrong.is_empty() {
            problems.push(format!("{name}: {} — stderr: {message}", wrong.join(", ")));
        }
    }
    problems
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_targets_bad_flags_and_broken_inputs_exit_1_or_2_with_a_message_and_change_nothing()
{
    let binary = debug_binary("kubectl-savepoint", "kubectl-savepoint").expect("plugin binary");
    let sandbox = flink_sandbox::Sandbox::builder()
        .start()
        .await
        .expect("sandbox");
    let size = Size {
        namespaces: 1,
        applications: 3,
        session_jobs: 2,
        snapshots: 10,
    };
    dataset::load(sandbox.store(), size).expect("data set");
    let ns = ns_name(0);
    // app-0002's job is FAILED (not RUNNING); a hostile stored object with wrong types.
    let mut status = sandbox
        .store()
        .get("flinkdeployments", &ns, "app-0002")
        .expect("app-0002")["status"]
        .clone();
    status["jobStatus"]["state"] = json!("FAILED");
    sandbox
        .store()
        .set_status("flinkdeployments", &ns, "app-0002", status)
        .expect("status");
    let kubeconfig = sandbox.kubeconfig_path().to_path_buf();
    let n = ["-n", ns.as_str()];
    let long = format!("app/{}", "x".repeat(300));
    let mut rows: Vec<(String, Vec<OsString>, i32, &str)> = Vec::new();
    let mut row = |name: &str, args: Vec<&str>, code: i32, needle: &'static str| {
        let mut args = os(&args);
        args.extend(os(&n));
        rows.push((name.to_owned(), args, code, needle));
    };
    // Hostile target names: never a request to another path, never a write.
    for target in [
        "app/a/b",
        "app/..",
        "app/.",
        "app/~0~1",
        "app/ünïcødé",
        "app/a?b=c",
        "app/a#b",
        "app/a%2Fb",
        "app/ a",
        long.as_str(),
    ] {
        row(
            &format!("trigger {target}"),
            vec!["trigger", target],
            2,
            "name",
        );
        row(&format!("list {target}"), vec!["list", target], 2, "name");
    }
    row("empty name", vec!["trigger", "app/"], 2, "");
    row(
        "non-RUNNING job",
        vec!["trigger", "app/app-0002"],
        2,
        "FAILED",
    );
    row(
        "duration with a bad unit",
        vec!["wait", "app/app-0000", "--timeout", "5 parsecs"],
        2,
        "parsecs",
    );
    row(
        "negative duration",
        vec!["wait", "app/app-0000", "--timeout", "-1s"],
        // clap takes `-1s` for a flag and says how to pass it as a value.
        2,
        "'-1'",
    );
    row(
        "overflowing duration",
        vec!["wait", "app/app-0000", "--timeout", "99999999999999999999d"],
        2,
        "99999999999999999999d",
    );
    row(
        "empty duration",
        vec!["trigger", "app/app-0000", "--wait", "--timeout", ""],
        2,
        "timeout",
    );
    row("unknown output format", vec!["list", "-o", "xml"], 2, "xml");
    row(
        "unknown state filter",
        vec!["list", "--state", "bogus"],
        2,
        "bogus",
    );
    row(
        "unknown type filter",
        vec!["list", "--type", "bogus"],
        2,
        "bogus",
    );
    row(
        "broken label selector",
        vec!["list", "-l", "a in ("],
        // Checked with the API server's selector grammar before any request: usage, exit 2.
        2,
        "unable to parse requirement",
    );
    row(
        "unknown method",
        vec!["trigger", "app/app-0000", "--method", "bogus"],
        2,
        "bogus",
    );
    row(
        "unknown dry-run mode",
        vec!["trigger", "app/app-0000", "--dry-run=bogus"],
        2,
        "bogus",
    );
    row(
        "unknown flag",
        vec!["list", "--bogus-flag"],
        2,
        "--bogus-flag",
    );
    row("missing target", vec!["trigger"], 2, "a target is required");
    let mut problems = check_rows(&binary, &kubeconfig, &sandbox, rows);

    // Arguments that are not UTF-8.
    let mut bad = os(&["trigger"]);
    bad.push(OsString::from_vec(b"app/\xff\xfe".to_vec()));
    bad.extend(os(&n));
    problems.extend(check_rows(
        &binary,
        &kubeconfig,
        &sandbox,
        vec![("non-UTF-8 target".into(), bad, 2, "UTF-8")],
    ));

    // Broken kubeconfigs: a clear message, exit 1 (cluster access), nothing sent.
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, contents) in [
        ("garbage kubeconfig", b"\x00\xff not yaml: [".to_vec()),
        (
            "kubeconfig without contexts",
            b"apiVersion: v1\nkind: Config\n".to_vec(),
        ),
        (
            "truncated kubeconfig",
            std::fs::read(&kubeconfig).expect("kubeconfig")[..40].to_vec(),
        ),
    ] {
        let path = dir.path().join(name.replace(' ', "-"));
        std::fs::write(&path, contents).expect("write kubeconfig");
        problems.extend(check_rows(
            &binary,
            &path,
            &sandbox,
            vec![(name.into(), os(&["list", "-A"]), 1, "kubeconfig")],
        ));
    }

    // Hostile but schema-valid objects, created through the API server (so the sandbox's schema
    // validation applies, as a real cluster's would): listing still works and nothing changes.
    let hostile = dir.path().join("hostile.json");
    let objects = json!({"apiVersion": "v1", "kind": "List", "items": [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "hostile"}},
        {"apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
         "metadata": {"name": "weird", "namespace": "hostile"},
         "spec": {"flinkConfiguration": {"a/b": "1", "~0~1": "2", "ключ.😀": "3", "state.savepoints.dir": "", "kubernetes.operator.savepoint.history.max.count": "-5"},
                  "job": {"jarURI": "local:///x.jar", "savepointTriggerNonce": i64::MIN, "upgradeMode": "savepoint"}}},
        {"apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkStateSnapshot",
         "metadata": {"name": "weird-savepoint-manual-99999999999999999999", "namespace": "hostile",
                      "labels": {"job-reference.kind": "FlinkDeployment", "job-reference.name": "weird", "snapshot.trigger-type": "NOT_A_TYPE"}},
         "spec": {"jobReference": {"kind": "FlinkDeployment", "name": "weird"}, "savepoint": {"path": ""}}},
        {"apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkStateSnapshot",
         "metadata": {"name": "orphan-savepoint-periodic-1", "namespace": "hostile"},
         "spec": {"jobReference": {"kind": "FlinkSessionJob", "name": "does-not-exist"}, "savepoint": {}}}
    ]});
    std::fs::write(&hostile, objects.to_string()).expect("hostile objects");
    let created = Command::new("kubectl")
        .args(["create", "--validate=false", "-f"])
        .arg(&hostile)
        .env("KUBECONFIG", &kubeconfig)
        .output()
        .expect("kubectl");
    assert!(
        created.status.success(),
        "the sandbox rejected the hostile objects: {}",
        String::from_utf8_lossy(&created.stderr)
    );
    for args in [["list", "-A", "-o", "json"], ["list", "-A", "-o", "wide"]] {
        let rv = sandbox.store().resource_version();
        let out = run(&binary, &kubeconfig, &os(&args));
        if out.code != Some(0)
            || out.stderr.contains("panicked")
            || sandbox.store().resource_version() != rv
        {
            problems.push(format!(
                "{} over hostile objects: exit {:?}: {}",
                args.join(" "),
                out.code,
                out.stderr
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "plugin bad-input table:\n{}",
        problems.join("\n")
    );
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waiting_on_a_snapshot_without_the_snapshot_crd_exits_1_and_names_the_crd() {
    let binary = debug_binary("kubectl-savepoint", "kubectl-savepoint").expect("plugin binary");
    let sandbox = flink_sandbox::Sandbox::builder()
        .without_crd("flinkstatesnapshots")
        .start()
        .await
        .expect("sandbox");
    sandbox.store().ensure_namespace("flink");
    let kubeconfig = sandbox.kubeconfig_path().to_path_buf();
    let rows = vec![(
        "wait flinkstatesnapshot/x".to_owned(),
        os(&[
            "wait",
            "flinkstatesnapshot/x",
            "-n",
            "flink",
            "--timeout",
            "5s",
        ]),
        // The cluster lacks the kind: an API-side failure (exit 1), unlike `trigger --method
        // snapshot`, which refuses up front with exit 2 (covered by the plugin's tests).
        1,
        "flinkstatesnapshots.flink.apache.org",
    )];
    let problems = check_rows(&binary, &kubeconfig, &sandbox, rows);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    sandbox.shutdown().await;
}
