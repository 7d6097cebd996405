//! `kubectl savepoint trigger` through the real kubectl against the sandbox API server.

mod common;

use common::e2e::*;
use flink_sandbox::Fault;
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn nonce_trigger_sets_a_fresh_nonce_with_a_guarded_merge_patch() {
    let sb = sandbox(false).await;
    put_app(&sb, "orders");
    let out = kubectl(sb.kubeconfig_path(), &["trigger", "app/orders", "-n", NS]).await;
    out.expect(0);
    let nonce = spec_nonce(&sb, "flinkdeployments", "orders").unwrap();
    assert_ne!(nonce, 5);
    assert!(
        out.stdout.contains(&format!("5 -> {nonce}")),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("kubectl savepoint wait app/orders -n flink"),
        "{}",
        out.stdout
    );
    let patch = sb
        .requests()
        .into_iter()
        .find(|r| r.method == "PATCH")
        .unwrap();
    assert_eq!(
        patch.content_type.as_deref(),
        Some("application/merge-patch+json")
    );
    assert_eq!(patch.status, 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn conflict_during_trigger_is_retried_with_a_fresh_read() {
    let sb = sandbox(false).await;
    put_app(&sb, "orders");
    sb.inject(Fault::ConflictOnNextWrite {
        resource: "flinkdeployments".into(),
        name: "orders".into(),
        times: 2,
    });
    let out = kubectl(
        sb.kubeconfig_path(),
        &["trigger", "app/orders", "-n", NS, "-o", "json"],
    )
    .await;
    out.expect(0);
    let info: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(info["attempts"], 3);
    let patches: Vec<u16> = writes(&sb).into_iter().map(|(_, code)| code).collect();
    assert_eq!(patches, [409, 409, 200]);
    assert_eq!(
        spec_nonce(&sb, "flinkdeployments", "orders"),
        info["nonce"].as_i64()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn persistent_conflicts_give_up_with_exit_1_and_an_explanation() {
    let sb = sandbox(false).await;
    put_app(&sb, "orders");
    sb.inject(Fault::ConflictOnNextWrite {
        resource: "flinkdeployments".into(),
        name: "orders".into(),
        times: 10,
    });
    let out = kubectl(sb.kubeconfig_path(), &["trigger", "app/orders", "-n", NS]).await;
    out.expect(1);
    assert!(
        out.stderr.contains("gave up after 5 attempts"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("409 Conflict"), "{}", out.stderr);
    assert_eq!(spec_nonce(&sb, "flinkdeployments", "orders"), Some(5));
}

#[tokio::test(flavor = "multi_thread")]
async fn rbac_denial_names_user_verb_and_resource() {
    let sb = sandbox(false).await;
    put_app(&sb, "orders");
    let viewer = sb.kubeconfig_for_user("viewer").unwrap();
    let out = kubectl(&viewer, &["trigger", "app/orders", "-n", NS]).await;
    out.expect(1);
    assert!(
        out.stderr.contains(
            "forbidden: user \"viewer\" cannot patch flinkdeployments.flink.apache.org in namespace \"flink\" (verb patch)"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(spec_nonce(&sb, "flinkdeployments", "orders"), Some(5));
}

#[tokio::test(flavor = "multi_thread")]
async fn snapshot_method_creates_a_time_sortable_flinkstatesnapshot() {
    let sb = sandbox(false).await;
    put_session(&sb, "shared");
    put_session_job(&sb, "etl", "shared");
    let out = kubectl(
        sb.kubeconfig_path(),
        &[
            "trigger", "job/etl", "-n", NS, "--method", "snapshot", "-o", "json",
        ],
    )
    .await;
    out.expect(0);
    let info: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let name = info["snapshot"].as_str().unwrap();
    assert!(name.starts_with("etl-sp-"), "{name}");
    let stored = sb.store().get("flinkstatesnapshots", NS, name).unwrap();
    assert_eq!(
        stored["spec"]["jobReference"],
        json!({ "kind": "FlinkSessionJob", "name": "etl" })
    );
    assert_eq!(stored["spec"]["backoffLimit"], 3);
    assert_eq!(stored["spec"]["savepoint"]["disposeOnDelete"], true);
    assert_eq!(
        stored["metadata"]["labels"]["snapshot.trigger-type"],
        "MANUAL"
    );
    assert_eq!(stored["metadata"]["labels"]["job-reference.name"], "etl");
    assert!(
        info["savepointDirectory"]
            .as_str()
            .unwrap()
            .contains("its session cluster")
    );
    assert_eq!(
        spec_nonce(&sb, "flinksessionjobs", "etl"),
        Some(5),
        "the nonce is untouched"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_refusal_exits_2_and_writes_nothing() {
    let sb = sandbox(false).await;
    put_session(&sb, "shared");
    put_app(&sb, "orders");
    let mut no_dir = sb.store().get("flinkdeployments", NS, "orders").unwrap();
    no_dir["metadata"] = json!({ "name": "nodir", "namespace": NS });
    no_dir["spec"]["flinkConfiguration"] = json!({ "taskmanager.numberOfTaskSlots": "2" });
    put(
        &sb,
        "flinkdeployments",
        NS,
        no_dir.clone(),
        running_status(5, json!({})),
    );
    let mut failing = no_dir;
    failing["metadata"]["name"] = json!("failing");
    failing["spec"]["flinkConfiguration"] =
        json!({ "execution": { "checkpointing": { "savepoint-dir": "s3://b" } } });
    let mut status = running_status(5, json!({}));
    status["jobStatus"]["state"] = json!("RESTARTING");
    put(&sb, "flinkdeployments", NS, failing, status);

    let cases: [(&[&str], &str); 4] = [
        (&["trigger", "session/shared"], "is a session cluster"),
        (&["trigger", "app/shared"], "is a session cluster"),
        (
            &["trigger", "app/nodir"],
            "looked for execution.checkpointing.savepoint-dir, state.savepoints.dir, savepoints.state.backend.fs.dir in spec.flinkConfiguration of FlinkDeployment \"nodir\"",
        ),
        (&["trigger", "app/failing"], "is RESTARTING, not RUNNING"),
    ];
    for (args, message) in cases {
        let mut full = args.to_vec();
        full.extend(["-n", NS]);
        let out = kubectl(sb.kubeconfig_path(), &full).await;
        out.expect(2);
        assert!(out.stderr.contains(message), "{args:?}: {}", out.stderr);
    }
    assert!(writes(&sb).is_empty(), "{:?}", writes(&sb));

    let forced = kubectl(
        sb.kubeconfig_path(),
        &["trigger", "app/failing", "-n", NS, "--force"],
    )
    .await;
    forced.expect(0);
    assert!(
        forced
            .stderr
            .contains("Warning: the job of app/failing is RESTARTING"),
        "{}",
        forced.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn snapshot_method_is_refused_when_the_crd_is_missing() {
    let sb = sandbox(true).await;
    put_app(&sb, "orders");
    let out = kubectl(
        sb.kubeconfig_path(),
        &["trigger", "app/orders", "-n", NS, "--method", "snapshot"],
    )
    .await;
    out.expect(2);
    assert!(
        out.stderr.contains("flinkstatesnapshots.flink.apache.org"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("1.10.0"), "{}", out.stderr);
    assert!(writes(&sb).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_kind_and_missing_object_are_explained() {
    let sb = sandbox(false).await;
    let out = kubectl(
        sb.kubeconfig_path(),
        &["trigger", "deployment/orders", "-n", NS],
    )
    .await;
    out.expect(2);
    assert!(
        out.stderr.contains(
            "accepted kinds: app (application, flinkdeployment, flinkdeployments, flinkdep); job ("
        ),
        "{}",
        out.stderr
    );
    let out = kubectl(
        sb.kubeconfig_path(),
        &["trigger", "app", "missing", "-n", NS],
    )
    .await;
    out.expect(1);
    assert!(
        out.stderr
            .contains("FlinkDeployment \"missing\" not found in namespace \"flink\""),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("kubectl get flinkdeployments -n flink"),
        "{}",
        out.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn server_dry_run_validates_without_persisting() {
    let sb = sandbox(false).await;
    put_app(&sb, "orders");
    let out = kubectl(
        sb.kubeconfig_path(),
        &["trigger", "app/orders", "-n", NS, "--dry-run=server"],
    )
    .await;
    out.expect(0);
    let patch = sb
        .requests()
        .into_iter()
        .find(|r| r.method == "PATCH")
        .unwrap();
    assert!(patch.query.contains("dryRun=All"), "{}", patch.query);
    assert_eq!(spec_nonce(&sb, "flinkdeployments", "orders"), Some(5));
}

#[tokio::test(flavor = "multi_thread")]
async fn help_reads_as_a_kubectl_subcommand_and_documents_exit_codes() {
    let sb = sandbox(false).await;
    let out = kubectl(sb.kubeconfig_path(), &["trigger", "--help"]).await;
    out.expect(0);
    assert!(
        out.stdout.contains("Usage: kubectl savepoint trigger"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("3  timed out while waiting"),
        "{}",
        out.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn kubeconfig_env_list_and_context_namespace_are_honoured() {
    let sb = sandbox(false).await;
    put_app(&sb, "orders");
    let dir = tempfile::tempdir().unwrap();
    let extra = dir.path().join("extra");
    std::fs::write(
        &extra,
        "apiVersion: v1\nkind: Config\nclusters: []\nusers: []\ncontexts: []\n",
    )
    .unwrap();
    let list = format!("{}:{}", extra.display(), sb.kubeconfig_path().display());
    let out = tokio::process::Command::new("kubectl")
        .args([
            "savepoint",
            "trigger",
            "app/orders",
            "--namespace=flink",
            "--request-timeout",
            "30s",
        ])
        .env(
            "PATH",
            format!(
                "{}:{}",
                plugin_dir().display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .env("KUBECONFIG", list)
        .output()
        .await
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_ne!(spec_nonce(&sb, "flinkdeployments", "orders"), Some(5));
}
