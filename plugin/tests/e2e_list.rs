//! `kubectl savepoint list` through the real kubectl against the sandbox API server.

mod common;

use common::e2e::*;
use serde_json::json;

/// `orders` (legacy history + a requested nonce), `billing` in another namespace, session
/// cluster `shared` with session job `etl`, and snapshots of each.
fn populate(sb: &flink_sandbox::Sandbox) {
    put_app(sb, "orders");
    let legacy = json!({
        "lastSavepoint": { "timeStamp": 1_767_225_600_000_i64, "location": "s3://b/periodic-1", "triggerType": "PERIODIC", "formatType": "CANONICAL" },
        "savepointHistory": [{ "timeStamp": 1_767_225_600_000_i64, "location": "s3://b/periodic-1", "triggerType": "PERIODIC", "formatType": "CANONICAL" }]
    });
    let mut status = running_status(4, legacy);
    status["jobStatus"]["upgradeSavepointPath"] = json!("s3://b/upgrade-0");
    sb.store()
        .set_status("flinkdeployments", NS, "orders", status)
        .unwrap();
    put_snapshot(
        sb,
        NS,
        "orders-savepoint-upgrade-1767312000000",
        "FlinkDeployment",
        "orders",
        "UPGRADE",
        json!({ "state": "COMPLETED", "path": "s3://b/upgrade-1", "triggerTimestamp": "2026-01-02T00:00:00Z" }),
    );
    put_snapshot(
        sb,
        NS,
        "orders-sp-1767398400000",
        "FlinkDeployment",
        "orders",
        "MANUAL",
        json!({ "state": "FAILED", "error": "boom", "failures": 4, "triggerTimestamp": "2026-01-03T00:00:00Z" }),
    );
    put_session(sb, "shared");
    put_session_job(sb, "etl", "shared");
    put_snapshot(
        sb,
        NS,
        "etl-sp-1767484800000",
        "FlinkSessionJob",
        "etl",
        "MANUAL",
        json!({ "state": "IN_PROGRESS", "triggerTimestamp": "2026-01-04T00:00:00Z" }),
    );
    let mut billing = sb.store().get("flinkdeployments", NS, "orders").unwrap();
    billing["metadata"] = json!({ "name": "billing", "namespace": "finance" });
    put(
        sb,
        "flinkdeployments",
        "finance",
        billing,
        running_status(5, json!({})),
    );
    put_snapshot(
        sb,
        "finance",
        "billing-sp-1767571200000",
        "FlinkDeployment",
        "billing",
        "MANUAL",
        json!({ "state": "COMPLETED", "path": "s3://b/billing-1", "triggerTimestamp": "2026-01-05T00:00:00Z" }),
    );
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

#[tokio::test(flavor = "multi_thread")]
async fn lists_every_source_newest_first_in_the_namespace() {
    let sb = sandbox(false).await;
    populate(&sb);
    let out = kubectl(sb.kubeconfig_path(), &["list", "-n", NS]).await;
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
        [
            "TARGET",
            "SAVEPOINT",
            "TYPE",
            "STATE",
            "TRIGGERED",
            "LOCATION"
        ]
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

#[tokio::test(flavor = "multi_thread")]
async fn all_namespaces_adds_the_namespace_column_and_costs_one_list_per_kind() {
    let sb = sandbox(false).await;
    populate(&sb);
    sb.clear_requests();
    let out = kubectl(sb.kubeconfig_path(), &["list", "-A"]).await;
    out.expect(0);
    assert!(out.stdout.starts_with("NAMESPACE"), "{}", out.stdout);
    let namespaces = column(&out.stdout, 0);
    assert_eq!(
        namespaces[0], "flink",
        "the requested nonce comes first: {}",
        out.stdout
    );
    assert_eq!(
        namespaces[1], "finance",
        "then the newest savepoint: {}",
        out.stdout
    );
    assert_eq!(namespaces.len(), 7, "{}", out.stdout);
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

#[tokio::test(flavor = "multi_thread")]
async fn large_namespaces_are_read_in_pages() {
    let sb = sandbox(false).await;
    put_app(&sb, "orders");
    sb.store()
        .set_status(
            "flinkdeployments",
            NS,
            "orders",
            running_status(4, json!({})),
        )
        .unwrap();
    let template = sb.store().get("flinkdeployments", NS, "orders").unwrap();
    for i in 0..510 {
        let mut d = template.clone();
        d["metadata"] = json!({ "name": format!("app-{i:03}"), "namespace": NS });
        put(&sb, "flinkdeployments", NS, d, running_status(4, json!({})));
    }
    sb.clear_requests();
    let out = kubectl(sb.kubeconfig_path(), &["list", "-n", NS, "-o", "json"]).await;
    out.expect(0);
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
    let list: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(list["kind"], "List");
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        511,
        "each app's requested nonce"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn session_target_lists_its_session_jobs_and_filters_apply() {
    let sb = sandbox(false).await;
    populate(&sb);
    let out = kubectl(
        sb.kubeconfig_path(),
        &["list", "session/shared", "-n", NS, "--no-headers"],
    )
    .await;
    out.expect(0);
    assert_eq!(out.stdout.lines().count(), 1, "{}", out.stdout);
    assert!(out.stdout.starts_with("job/etl"), "{}", out.stdout);

    let out = kubectl(
        sb.kubeconfig_path(),
        &[
            "list",
            "app/orders",
            "-n",
            NS,
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
        "flinkstatesnapshot/orders-sp-1767398400000\nflinkstatesnapshot/orders-savepoint-upgrade-1767312000000\napp/orders#upgrade\n"
    );

    let out = kubectl(
        sb.kubeconfig_path(),
        &["list", "-n", NS, "-l", "team=data", "-o", "yaml"],
    )
    .await;
    out.expect(0);
    assert!(
        out.stdout.contains("name: orders") && !out.stdout.contains("name: etl"),
        "{}",
        out.stdout
    );

    let out = kubectl(
        sb.kubeconfig_path(),
        &["list", "-n", NS, "--state", "bogus"],
    )
    .await;
    out.expect(2);
    assert!(
        out.stderr.contains("accepted: requested, pending"),
        "{}",
        out.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn legacy_clusters_without_the_snapshot_crd_still_list() {
    let sb = sandbox(true).await;
    put_app(&sb, "orders");
    let legacy = json!({
        "lastSavepoint": { "timeStamp": 1_767_225_600_000_i64, "location": "s3://b/manual-1", "triggerType": "MANUAL", "formatType": "NATIVE", "triggerNonce": 5 },
        "savepointHistory": []
    });
    sb.store()
        .set_status("flinkdeployments", NS, "orders", running_status(5, legacy))
        .unwrap();
    let out = kubectl(
        sb.kubeconfig_path(),
        &["list", "app/orders", "-n", NS, "-o", "wide"],
    )
    .await;
    out.expect(0);
    let row: Vec<&str> = out
        .stdout
        .lines()
        .nth(1)
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(
        row,
        [
            "app/orders",
            "legacy-1767225600000",
            "MANUAL",
            "COMPLETED",
            "2026-01-01T00:00:00Z",
            "s3://b/manual-1",
            "LEGACY",
            "NATIVE",
            "5",
            "<none>",
            "<none>"
        ],
        "{}",
        out.stdout
    );
    assert!(
        !sb.requests()
            .iter()
            .any(|r| r.path.contains("flinkstatesnapshots"))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn watch_prints_new_rows_as_they_appear() {
    use tokio::io::AsyncBufReadExt;
    let sb = sandbox(false).await;
    put_app(&sb, "orders");
    let mut child = command(
        sb.kubeconfig_path(),
        &["list", "app/orders", "-n", NS, "-w", "--no-headers"],
    )
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    eventually("the watches", || {
        (sb.requests()
            .iter()
            .filter(|r| r.verb.as_deref() == Some("watch"))
            .count()
            >= 3)
            .then_some(())
    })
    .await;
    put_snapshot(
        &sb,
        NS,
        "orders-sp-9",
        "FlinkDeployment",
        "orders",
        "MANUAL",
        json!({ "state": "IN_PROGRESS", "triggerTimestamp": "2026-01-09T00:00:00Z" }),
    );
    let line = tokio::time::timeout(std::time::Duration::from_secs(60), async {
        loop {
            let line = lines.next_line().await.unwrap().unwrap();
            if line.contains("orders-sp-9") && line.contains("IN_PROGRESS") {
                return line;
            }
        }
    })
    .await
    .expect("the new row is printed (hang guard)");
    assert!(line.starts_with("app/orders"), "{line}");
    child.kill().await.unwrap();
}
