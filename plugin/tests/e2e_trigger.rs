//! `kubectl savepoint trigger` through the real kubectl, on the sandbox and on the real kube-apiserver
//! (`sandbox::…` / `real::…`). Request-log assertions hold on the sandbox only; fault injection and a
//! missing CRD are sandbox-only tests (`sandbox_only_…`).

mod common;

use common::e2e::{plugin_dir, writes};
use common::env::*;
use flink_sandbox::Fault;
use serde_json::json;

on_both_backends!(
    nonce_trigger_sets_a_fresh_nonce_with_a_guarded_merge_patch,
    stale_resource_version_is_a_conflict_on_the_server,
    a_write_that_changes_nothing_keeps_the_resource_version,
    rbac_denial_names_user_verb_and_resource,
    the_operator_role_is_enough_to_trigger_both_ways,
    snapshot_method_creates_a_time_sortable_flinkstatesnapshot,
    every_refusal_exits_2_and_writes_nothing,
    unknown_kind_and_missing_object_are_explained,
    server_dry_run_validates_without_persisting,
    help_reads_as_a_kubectl_subcommand_and_documents_exit_codes,
    kubeconfig_env_list_and_context_namespace_are_honoured,
);

async fn nonce_trigger_sets_a_fresh_nonce_with_a_guarded_merge_patch(env: Env) {
    let ns = env.ns();
    put_app(&env, "orders").await;
    let before = env.get("flinkdeployments", ns, "orders").await.unwrap();
    // The fixture writes (create + status patch) are not the plugin's.
    if let Some(sb) = env.sandbox_ref() {
        sb.clear_requests();
    }
    let out = kubectl(env.kubeconfig(), &["trigger", "app/orders", "-n", ns]).await;
    out.expect(0);
    let nonce = spec_nonce(&env, "flinkdeployments", "orders")
        .await
        .unwrap();
    assert_ne!(nonce, 5);
    assert!(
        out.stdout.contains(&format!("5 -> {nonce}")),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains(&format!("kubectl savepoint wait app/orders -n {ns}")),
        "{}",
        out.stdout
    );
    // On either backend the write went through: the resourceVersion moved on.
    let after = env.get("flinkdeployments", ns, "orders").await.unwrap();
    assert_ne!(
        before["metadata"]["resourceVersion"],
        after["metadata"]["resourceVersion"]
    );
    // Request log: sandbox only.
    if let Some(sb) = env.sandbox_ref() {
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
}

/// What the plugin's guard relies on, shown against a real concurrent writer: a merge patch carrying the
/// resourceVersion read before someone else wrote is refused with 409 Conflict, and nothing changes.
async fn stale_resource_version_is_a_conflict_on_the_server(env: Env) {
    let ns = env.ns();
    put_app(&env, "orders").await;
    let read = env.get("flinkdeployments", ns, "orders").await.unwrap();
    let stale = read["metadata"]["resourceVersion"].clone();
    env.merge_patch(
        "flinkdeployments",
        ns,
        "orders",
        json!({ "metadata": { "annotations": { "someone": "else" } } }),
    )
    .await;
    let api: kube::Api<kube::api::DynamicObject> = kube::Api::namespaced_with(
        env.client().await,
        ns,
        &kube::api::ApiResource {
            group: "flink.apache.org".into(),
            version: "v1beta1".into(),
            api_version: "flink.apache.org/v1beta1".into(),
            kind: "FlinkDeployment".into(),
            plural: "flinkdeployments".into(),
        },
    );
    let err = api
        .patch(
            "orders",
            &Default::default(),
            &kube::api::Patch::Merge(json!({
                "metadata": { "resourceVersion": stale },
                "spec": { "job": { "savepointTriggerNonce": 6 } }
            })),
        )
        .await
        .expect_err("a stale resourceVersion is refused");
    match err {
        kube::Error::Api(e) => {
            assert_eq!(e.code, 409, "{e:?}");
            assert_eq!(e.reason, "Conflict", "{e:?}");
            assert!(e.message.contains("the object has been modified"), "{e:?}");
        }
        other => panic!("expected 409 Conflict, got {other:?}"),
    }
    assert_eq!(
        spec_nonce(&env, "flinkdeployments", "orders").await,
        Some(5)
    );
}

/// What "nothing was written" checks rely on: a patch (of the object or of `/status`) that changes nothing
/// is a no-op on kube-apiserver, with the same resourceVersion and no watch event.
async fn a_write_that_changes_nothing_keeps_the_resource_version(env: Env) {
    let ns = env.ns();
    put_app(&env, "orders").await;
    let before = env.get("flinkdeployments", ns, "orders").await.unwrap();
    for patch in [
        json!({ "metadata": { "labels": { "team": "data" } } }),
        json!({ "spec": { "job": { "savepointTriggerNonce": 5 } } }),
    ] {
        let after = env
            .merge_patch("flinkdeployments", ns, "orders", patch.clone())
            .await;
        assert_eq!(
            after["metadata"]["resourceVersion"], before["metadata"]["resourceVersion"],
            "{patch}"
        );
    }
    env.set_status("flinkdeployments", ns, "orders", before["status"].clone())
        .await;
    let after = env.get("flinkdeployments", ns, "orders").await.unwrap();
    assert_eq!(after, before, "a status write that changes nothing");
}

/// Sandbox only: needs fault injection (a 409 on the next two writes).
#[tokio::test(flavor = "multi_thread")]
async fn sandbox_only_conflict_during_trigger_is_retried_with_a_fresh_read() {
    let env = Env::sandbox().await;
    let sb = env.sandbox_ref().unwrap();
    let ns = env.ns();
    put_app(&env, "orders").await;
    sb.clear_requests();
    sb.inject(Fault::ConflictOnNextWrite {
        resource: "flinkdeployments".into(),
        name: "orders".into(),
        times: 2,
    });
    let out = kubectl(
        env.kubeconfig(),
        &["trigger", "app/orders", "-n", ns, "-o", "json"],
    )
    .await;
    out.expect(0);
    let info: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(info["attempts"], 3);
    let patches: Vec<u16> = writes(sb).into_iter().map(|(_, code)| code).collect();
    assert_eq!(patches, [409, 409, 200]);
    assert_eq!(
        spec_nonce(&env, "flinkdeployments", "orders").await,
        info["nonce"].as_i64()
    );
}

/// Sandbox only: needs fault injection (a 409 on every write).
#[tokio::test(flavor = "multi_thread")]
async fn sandbox_only_persistent_conflicts_give_up_with_exit_1_and_an_explanation() {
    let env = Env::sandbox().await;
    let sb = env.sandbox_ref().unwrap();
    let ns = env.ns();
    put_app(&env, "orders").await;
    sb.inject(Fault::ConflictOnNextWrite {
        resource: "flinkdeployments".into(),
        name: "orders".into(),
        times: 10,
    });
    let out = kubectl(env.kubeconfig(), &["trigger", "app/orders", "-n", ns]).await;
    out.expect(1);
    assert!(
        out.stderr.contains("gave up after 5 attempts"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("409 Conflict"), "{}", out.stderr);
    assert_eq!(
        spec_nonce(&env, "flinkdeployments", "orders").await,
        Some(5)
    );
}

async fn rbac_denial_names_user_verb_and_resource(env: Env) {
    let ns = env.ns();
    put_app(&env, "orders").await;
    let out = kubectl(
        env.viewer_kubeconfig(),
        &["trigger", "app/orders", "-n", ns],
    )
    .await;
    out.expect(1);
    assert!(
        out.stderr.contains(&format!(
            "Error from server (Forbidden): flinkdeployments.flink.apache.org \"orders\" is forbidden: \
             User \"viewer\" cannot patch resource \"flinkdeployments\" in API group \"flink.apache.org\" \
             in the namespace \"{ns}\""
        )),
        "{}",
        out.stderr
    );
    assert_eq!(
        spec_nonce(&env, "flinkdeployments", "orders").await,
        Some(5)
    );
}

/// The `flink-savepoint-operator` role (manifests/plugin-rbac) grants what `trigger` needs: patch for the
/// nonce, create for a FlinkStateSnapshot.
async fn the_operator_role_is_enough_to_trigger_both_ways(env: Env) {
    let ns = env.ns();
    put_app(&env, "orders").await;
    let out = kubectl(
        env.operator_kubeconfig(),
        &["trigger", "app/orders", "-n", ns],
    )
    .await;
    out.expect(0);
    assert_ne!(
        spec_nonce(&env, "flinkdeployments", "orders").await,
        Some(5)
    );
    let out = kubectl(
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
    out.expect(0);
    let info: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let name = info["snapshot"].as_str().unwrap();
    assert!(env.get("flinkstatesnapshots", ns, name).await.is_some());
}

async fn snapshot_method_creates_a_time_sortable_flinkstatesnapshot(env: Env) {
    let ns = env.ns();
    put_session(&env, "shared").await;
    put_session_job(&env, "etl", "shared").await;
    let out = kubectl(
        env.kubeconfig(),
        &[
            "trigger", "job/etl", "-n", ns, "--method", "snapshot", "-o", "json",
        ],
    )
    .await;
    out.expect(0);
    let info: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let name = info["snapshot"].as_str().unwrap();
    assert!(name.starts_with("etl-sp-"), "{name}");
    let stored = env.get("flinkstatesnapshots", ns, name).await.unwrap();
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
        info["savepointDirectory"]["source"]
            .as_str()
            .unwrap()
            .contains("its session cluster")
    );
    assert_eq!(
        spec_nonce(&env, "flinksessionjobs", "etl").await,
        Some(5),
        "the nonce is untouched"
    );
}

async fn every_refusal_exits_2_and_writes_nothing(env: Env) {
    let ns = env.ns();
    put_session(&env, "shared").await;
    put_app(&env, "orders").await;
    let mut no_dir = env.get("flinkdeployments", ns, "orders").await.unwrap();
    no_dir["metadata"] = json!({ "name": "nodir", "namespace": ns });
    no_dir.as_object_mut().unwrap().remove("status");
    no_dir["spec"]["flinkConfiguration"] = json!({ "taskmanager.numberOfTaskSlots": "2" });
    env.put(
        "flinkdeployments",
        ns,
        no_dir.clone(),
        running_status(5, json!({})),
    )
    .await;
    let mut failing = no_dir;
    failing["metadata"]["name"] = json!("failing");
    failing["spec"]["flinkConfiguration"] =
        json!({ "execution": { "checkpointing": { "savepoint-dir": "s3://b" } } });
    let mut status = running_status(5, json!({}));
    status["jobStatus"]["state"] = json!("RESTARTING");
    env.put("flinkdeployments", ns, failing, status).await;
    if let Some(sb) = env.sandbox_ref() {
        sb.clear_requests();
    }
    let versions = async || {
        let mut v = Vec::new();
        for name in ["shared", "orders", "nodir", "failing"] {
            let obj = env.get("flinkdeployments", ns, name).await.unwrap();
            v.push(obj["metadata"]["resourceVersion"].clone());
        }
        v
    };
    let before = versions().await;

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
        full.extend(["-n", ns]);
        let out = kubectl(env.kubeconfig(), &full).await;
        out.expect(2);
        assert!(out.stderr.contains(message), "{args:?}: {}", out.stderr);
    }
    // Nothing written, on either backend: no resourceVersion moved.
    assert_eq!(versions().await, before);
    if let Some(sb) = env.sandbox_ref() {
        assert!(writes(sb).is_empty(), "{:?}", writes(sb));
    }

    let forced = kubectl(
        env.kubeconfig(),
        &["trigger", "app/failing", "-n", ns, "--force"],
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

/// Sandbox only: the real tier cannot remove a CRD for one test (an operator < 1.10 is mimicked by a
/// sandbox that does not serve FlinkStateSnapshot).
#[tokio::test(flavor = "multi_thread")]
async fn sandbox_only_snapshot_method_is_refused_when_the_crd_is_missing() {
    let env =
        Env::sandbox_with(flink_sandbox::Sandbox::builder().without_crd("flinkstatesnapshots"))
            .await;
    let sb = env.sandbox_ref().unwrap();
    let ns = env.ns();
    put_app(&env, "orders").await;
    sb.clear_requests();
    let out = kubectl(
        env.kubeconfig(),
        &["trigger", "app/orders", "-n", ns, "--method", "snapshot"],
    )
    .await;
    out.expect(2);
    assert!(
        out.stderr.contains("flinkstatesnapshots.flink.apache.org"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("1.10.0"), "{}", out.stderr);
    assert!(writes(sb).is_empty());
}

async fn unknown_kind_and_missing_object_are_explained(env: Env) {
    let ns = env.ns();
    let out = kubectl(
        env.kubeconfig(),
        &["trigger", "deployment/orders", "-n", ns],
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
    let out = kubectl(env.kubeconfig(), &["trigger", "app", "missing", "-n", ns]).await;
    out.expect(1);
    assert_eq!(
        out.stderr.trim_end(),
        "Error from server (NotFound): flinkdeployments.flink.apache.org \"missing\" not found",
        "kubectl's line"
    );
}

async fn server_dry_run_validates_without_persisting(env: Env) {
    let ns = env.ns();
    put_app(&env, "orders").await;
    let before = env.get("flinkdeployments", ns, "orders").await.unwrap();
    // The fixture writes (create + status patch) are not the plugin's.
    if let Some(sb) = env.sandbox_ref() {
        sb.clear_requests();
    }
    let out = kubectl(
        env.kubeconfig(),
        &["trigger", "app/orders", "-n", ns, "--dry-run=server"],
    )
    .await;
    out.expect(0);
    if let Some(sb) = env.sandbox_ref() {
        let patch = sb
            .requests()
            .into_iter()
            .find(|r| r.method == "PATCH")
            .unwrap();
        assert!(patch.query.contains("dryRun=All"), "{}", patch.query);
    }
    assert_eq!(
        spec_nonce(&env, "flinkdeployments", "orders").await,
        Some(5)
    );
    let after = env.get("flinkdeployments", ns, "orders").await.unwrap();
    assert_eq!(
        before["metadata"]["resourceVersion"], after["metadata"]["resourceVersion"],
        "a dry run persists nothing"
    );
}

async fn help_reads_as_a_kubectl_subcommand_and_documents_exit_codes(env: Env) {
    let out = kubectl(env.kubeconfig(), &["trigger", "--help"]).await;
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

async fn kubeconfig_env_list_and_context_namespace_are_honoured(env: Env) {
    let ns = env.ns();
    put_app(&env, "orders").await;
    let dir = tempfile::tempdir().unwrap();
    let extra = dir.path().join("extra");
    std::fs::write(
        &extra,
        "apiVersion: v1\nkind: Config\nclusters: []\nusers: []\ncontexts: []\n",
    )
    .unwrap();
    let list = format!("{}:{}", extra.display(), env.kubeconfig().display());
    let out = tokio::process::Command::new("kubectl")
        .args([
            "savepoint",
            "trigger",
            "app/orders",
            &format!("--namespace={ns}"),
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
    assert_ne!(
        spec_nonce(&env, "flinkdeployments", "orders").await,
        Some(5)
    );
}
