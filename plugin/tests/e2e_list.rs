//! `kubectl savepoint list` through the real kubectl, on the sandbox and on the real kube-apiserver
//! (`sandbox::…` / `real::…`). Request-log assertions hold on the sandbox only, which has one.

mod common;

use common::env::*;
use futures::StreamExt;
use serde_json::json;

on_both_backends!(
    lists_every_source_newest_first_in_the_namespace,
    all_namespaces_adds_the_namespace_column_and_costs_one_list_per_kind,
    large_namespaces_are_read_in_pages,
    session_target_lists_its_session_jobs_and_filters_apply,
    watch_prints_new_rows_as_they_appear,
    a_malformed_label_selector_is_refused_before_any_request,
);

/// `-l` is parsed locally with the API server's selector grammar: a malformed selector is a usage
/// error (exit 2) in the server's words, and no request is made.
async fn a_malformed_label_selector_is_refused_before_any_request(env: Env) {
    put_app(&env, "orders").await;
    if let Some(sb) = env.sandbox_ref() {
        sb.clear_requests();
    }
    for (selector, message) in [
        ("a=b=c", "found '=', expected: ',' or 'end of string'"),
        (
            "team in (",
            "unable to parse requirement: found '', expected: ',', ')' or identifier",
        ),
    ] {
        let out = kubectl(env.kubeconfig(), &["list", "-n", env.ns(), "-l", selector]).await;
        out.expect(2);
        assert!(out.stderr.contains(message), "{selector}: {}", out.stderr);
        assert!(
            out.stderr.contains(&format!(
                "invalid value '{selector}' for '--selector <SELECTOR>'"
            )),
            "{selector}: {}",
            out.stderr
        );
    }
    if let Some(sb) = env.sandbox_ref() {
        assert!(sb.requests().is_empty(), "no request: {:?}", sb.requests());
    }
}

/// `orders` (legacy history + a requested nonce), `billing` in another namespace, session
/// cluster `shared` with session job `etl`, and snapshots of each.
async fn populate(env: &Env) {
    let ns = env.ns();
    put_app(env, "orders").await;
    let legacy = json!({
        "lastSavepoint": { "timeStamp": 1_767_225_600_000_i64, "location": "s3://b/periodic-1", "triggerType": "PERIODIC", "formatType": "CANONICAL" },
        "savepointHistory": [{ "timeStamp": 1_767_225_600_000_i64, "location": "s3://b/periodic-1", "triggerType": "PERIODIC", "formatType": "CANONICAL" }]
    });
    let mut status = running_status(4, legacy);
    status["jobStatus"]["upgradeSavepointPath"] = json!("s3://b/upgrade-0");
    env.set_status("flinkdeployments", ns, "orders", status)
        .await;
    put_snapshot(
        env,
        ns,
        "orders-savepoint-upgrade-1767312000000",
        "FlinkDeployment",
        "orders",
        "UPGRADE",
        json!({ "state": "COMPLETED", "path": "s3://b/upgrade-1", "triggerTimestamp": "2026-01-02T00:00:00Z" }),
    )
    .await;
    put_snapshot(
        env,
        ns,
        "orders-sp-1767398400000",
        "FlinkDeployment",
        "orders",
        "MANUAL",
        json!({ "state": "FAILED", "error": "boom", "failures": 4, "triggerTimestamp": "2026-01-03T00:00:00Z" }),
    )
    .await;
    put_session(env, "shared").await;
    put_session_job(env, "etl", "shared").await;
    put_snapshot(
        env,
        ns,
        "etl-sp-1767484800000",
        "FlinkSessionJob",
        "etl",
        "MANUAL",
        json!({ "state": "IN_PROGRESS", "triggerTimestamp": "2026-01-04T00:00:00Z" }),
    )
    .await;
    let finance = env.other_ns("finance");
    let mut billing = env.get("flinkdeployments", ns, "orders").await.unwrap();
    billing["metadata"] = json!({ "name": "billing", "namespace": finance });
    billing.as_object_mut().unwrap().remove("status");
    env.put(
        "flinkdeployments",
        &finance,
        billing,
        running_status(5, json!({})),
    )
    .await;
    put_snapshot(
        env,
        &finance,
        "billing-sp-1767571200000",
        "FlinkDeployment",
        "billing",
        "MANUAL",
        json!({ "state": "COMPLETED", "path": "s3://b/billing-1", "triggerTimestamp": "2026-01-05T00:00:00Z" }),
    )
    .await;
}

fn column(stdout: &str, index: usize) -> Vec<String> {
    stdout
        .lines()
        .skip(1)
        .map(|l| {
            l.split_whitespace()
                .nth(index)
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

async fn lists_every_source_newest_first_in_the_namespace(env: Env) {
    populate(&env).await;
    let out = kubectl(env.kubeconfig(), &["list", "-n", env.ns()]).await;
    out.expect(0);
    let header: Vec<&str> = out
        .stdout
        .lines()
        .next()
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(
        header,
        ["TARGET", "SAVEPOINT", "TYPE", "STATE", "AGE", "LOCATION"]
    );
    assert_eq!(
        column(&out.stdout, 1),
        [
            "nonce-5",
            "etl-sp-1767484800000",
            "orders-sp-1767398400000",
            "orders-savepoint-upgrade-1767312000000",
            "legacy-1767225600000",
            "upgrade",
        ],
        "{}",
        out.stdout
    );
    assert_eq!(
        column(&out.stdout, 3),
        [
            "REQUESTED",
            "IN_PROGRESS",
            "FAILED",
            "COMPLETED",
            "COMPLETED",
            "COMPLETED"
        ]
    );
    assert!(
        !out.stdout.contains("billing"),
        "other namespaces stay out: {}",
        out.stdout
    );
}

async fn all_namespaces_adds_the_namespace_column_and_costs_one_list_per_kind(env: Env) {
    populate(&env).await;
    if let Some(sb) = env.sandbox_ref() {
        sb.clear_requests();
    }
    let out = kubectl(env.kubeconfig(), &["list", "-A"]).await;
    out.expect(0);
    assert!(out.stdout.starts_with("NAMESPACE"), "{}", out.stdout);
    // The real API server is shared by the tests of this binary: keep this test's namespaces.
    let finance = env.other_ns("finance");
    let namespaces: Vec<String> = column(&out.stdout, 0)
        .into_iter()
        .filter(|n| n == env.ns() || *n == finance)
        .collect();
    assert_eq!(
        namespaces[0],
        env.ns(),
        "the requested nonce comes first: {}",
        out.stdout
    );
    assert_eq!(
        namespaces[1], finance,
        "then the newest savepoint: {}",
        out.stdout
    );
    assert_eq!(namespaces.len(), 7, "{}", out.stdout);
    // Request log: sandbox only.
    if let Some(sb) = env.sandbox_ref() {
        let lists: Vec<String> = sb
            .requests()
            .into_iter()
            .filter(|r| r.verb.is_some())
            .map(|r| format!("{} {}", r.verb.unwrap(), r.path))
            .collect();
        let mut sorted = lists.clone();
        sorted.sort();
        assert_eq!(
            sorted,
            [
                "list /apis/flink.apache.org/v1beta1/flinkdeployments",
                "list /apis/flink.apache.org/v1beta1/flinksessionjobs",
                "list /apis/flink.apache.org/v1beta1/flinkstatesnapshots",
            ],
            "{lists:?}"
        );
    }
}

async fn large_namespaces_are_read_in_pages(env: Env) {
    let ns = env.ns();
    put_app(&env, "orders").await;
    env.set_status(
        "flinkdeployments",
        ns,
        "orders",
        running_status(4, json!({})),
    )
    .await;
    let mut template = env.get("flinkdeployments", ns, "orders").await.unwrap();
    template.as_object_mut().unwrap().remove("status");
    let creates = (0..510).map(|i| {
        let mut d = template.clone();
        d["metadata"] = json!({ "name": format!("app-{i:03}"), "namespace": ns });
        let env = &env;
        async move {
            env.put("flinkdeployments", ns, d, running_status(4, json!({})))
                .await
        }
    });
    futures::stream::iter(creates)
        .buffer_unordered(16)
        .collect::<Vec<()>>()
        .await;
    if let Some(sb) = env.sandbox_ref() {
        sb.clear_requests();
    }
    let out = kubectl(env.kubeconfig(), &["list", "-n", ns, "-o", "json"]).await;
    out.expect(0);
    // Request log: sandbox only (the real server pages the same way; the item count below proves it read
    // past the first page of 500).
    if let Some(sb) = env.sandbox_ref() {
        let pages: Vec<String> = sb
            .requests()
            .into_iter()
            .filter(|r| r.path.ends_with("/flinkdeployments"))
            .map(|r| r.query)
            .collect();
        assert_eq!(pages.len(), 2, "{pages:?}");
        assert!(
            pages[0].contains("limit=500") && !pages[0].contains("continue"),
            "{pages:?}"
        );
        assert!(pages[1].contains("continue="), "{pages:?}");
    }
    let list: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(list["kind"], "List");
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        511,
        "each app's requested nonce"
    );
}

async fn session_target_lists_its_session_jobs_and_filters_apply(env: Env) {
    populate(&env).await;
    let ns = env.ns();
    let out = kubectl(
        env.kubeconfig(),
        &["list", "session/shared", "-n", ns, "--no-headers"],
    )
    .await;
    out.expect(0);
    assert_eq!(out.stdout.lines().count(), 1, "{}", out.stdout);
    assert!(out.stdout.starts_with("job/etl"), "{}", out.stdout);

    let out = kubectl(
        env.kubeconfig(),
        &[
            "list",
            "app/orders",
            "-n",
            ns,
            "--type",
            "manual,upgrade",
            "--state",
            "completed,failed",
            "-o",
            "name",
        ],
    )
    .await;
    out.expect(0);
    assert_eq!(
        out.stdout,
        "flinkstatesnapshot.flink.apache.org/orders-sp-1767398400000\n\
         flinkstatesnapshot.flink.apache.org/orders-savepoint-upgrade-1767312000000\n",
        "the upgrade-path record has no object and no -o name line"
    );

    let out = kubectl(
        env.kubeconfig(),
        &["list", "-n", ns, "-l", "team=data", "-o", "yaml"],
    )
    .await;
    out.expect(0);
    assert!(
        out.stdout.contains("name: orders") && !out.stdout.contains("name: etl"),
        "{}",
        out.stdout
    );

    let out = kubectl(env.kubeconfig(), &["list", "-n", ns, "--state", "bogus"]).await;
    out.expect(2);
    assert!(
        out.stderr.contains("accepted: requested, pending"),
        "{}",
        out.stderr
    );
}

/// Sandbox only: the real tier cannot remove a CRD for one test (an operator < 1.10 is mimicked by a
/// sandbox that does not serve FlinkStateSnapshot).
#[tokio::test(flavor = "multi_thread")]
async fn sandbox_only_legacy_clusters_without_the_snapshot_crd_still_list() {
    let env =
        Env::sandbox_with(flink_sandbox::Sandbox::builder().without_crd("flinkstatesnapshots"))
            .await;
    let ns = env.ns();
    put_app(&env, "orders").await;
    let legacy = json!({
        "lastSavepoint": { "timeStamp": 1_767_225_600_000_i64, "location": "s3://b/manual-1", "triggerType": "MANUAL", "formatType": "NATIVE", "triggerNonce": 5 },
        "savepointHistory": []
    });
    env.set_status("flinkdeployments", ns, "orders", running_status(5, legacy))
        .await;
    let before = jiff::Timestamp::now().as_second() - 1_767_225_600;
    let out = kubectl(
        env.kubeconfig(),
        &["list", "app/orders", "-n", ns, "-o", "wide"],
    )
    .await;
    let after = jiff::Timestamp::now().as_second() - 1_767_225_600;
    out.expect(0);
    let mut row: Vec<&str> = out
        .stdout
        .lines()
        .nth(1)
        .unwrap()
        .split_whitespace()
        .collect();
    // AGE is kubectl's age of 2026-01-01 at the time of the listing; the exact time is in TRIGGERED.
    let age = row.remove(4);
    let ages = [before, after].map(kubectl_savepoint::render::human_age);
    assert!(ages.contains(&age.to_owned()), "{age} not in {ages:?}");
    assert_eq!(
        row,
        [
            "app/orders",
            "legacy-1767225600000",
            "MANUAL",
            "COMPLETED",
            "s3://b/manual-1",
            "LEGACY",
            "NATIVE",
            "5",
            "2026-01-01T00:00:00Z",
            "<none>",
            "<none>"
        ],
        "{}",
        out.stdout
    );
    assert!(
        !env.sandbox_ref()
            .unwrap()
            .requests()
            .iter()
            .any(|r| r.path.contains("flinkstatesnapshots"))
    );
}

/// A first snapshot is printed by the initial listing; one created after that can only arrive through the
/// watch, so its row proves the watch path on either backend.
async fn watch_prints_new_rows_as_they_appear(env: Env) {
    use tokio::io::AsyncBufReadExt;
    let ns = env.ns();
    put_app(&env, "orders").await;
    put_snapshot(
        &env,
        ns,
        "orders-sp-8",
        "FlinkDeployment",
        "orders",
        "MANUAL",
        json!({ "state": "COMPLETED", "path": "s3://b/8", "triggerTimestamp": "2026-01-08T00:00:00Z" }),
    )
    .await;
    let mut child = command(
        env.kubeconfig(),
        &["list", "app/orders", "-n", ns, "-w", "--no-headers"],
    )
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let mut next_matching = async |needle: &str, state: &str| {
        tokio::time::timeout(std::time::Duration::from_secs(60), async {
            loop {
                let line = lines.next_line().await.unwrap().unwrap();
                if line.contains(needle) && line.contains(state) {
                    return line;
                }
            }
        })
        .await
        .unwrap_or_else(|_| panic!("a row with {needle} is printed (hang guard)"))
    };
    next_matching("orders-sp-8", "COMPLETED").await;
    if let Some(sb) = env.sandbox_ref() {
        eventually("the watches", || {
            (sb.requests()
                .iter()
                .filter(|r| r.verb.as_deref() == Some("watch"))
                .count()
                >= 3)
                .then_some(())
        })
        .await;
    }
    put_snapshot(
        &env,
        ns,
        "orders-sp-9",
        "FlinkDeployment",
        "orders",
        "MANUAL",
        json!({ "state": "IN_PROGRESS", "triggerTimestamp": "2026-01-09T00:00:00Z" }),
    )
    .await;
    let line = next_matching("orders-sp-9", "IN_PROGRESS").await;
    assert!(line.starts_with("app/orders"), "{line}");
    child.kill().await.unwrap();
}
