//! API semantics the sandbox must share with the real kube-apiserver, each checked on both backends
//! (`sandbox::…` / `real::…`). Each test names a divergence the shared suite found in the sandbox.

use flink_testenv::{Env, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(
    an_update_that_changes_nothing_keeps_the_resource_version,
    nulls_for_non_nullable_fields_are_dropped_not_rejected,
    status_is_ignored_on_create_and_on_main_resource_updates,
);

fn app(ns: &str) -> Value {
    json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
        "metadata": { "name": "orders", "namespace": ns },
        "spec": { "image": "flink:1.20", "flinkVersion": "v1_20", "serviceAccount": "flink",
                  "job": { "jarURI": "local:///opt/flink/job.jar", "upgradeMode": "savepoint" } }
    })
}

fn rv(obj: &Value) -> String {
    obj["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A no-op write (merge patch repeating a value, status rewrite with the same status) keeps the
/// resourceVersion, so watchers see no event and controllers do not loop on their own writes.
async fn an_update_that_changes_nothing_keeps_the_resource_version(env: Env) {
    let ns = env.ns().to_string();
    let created = env.create("flinkdeployments", &ns, app(&ns)).await;
    let same = env
        .merge_patch(
            "flinkdeployments",
            &ns,
            "orders",
            json!({ "spec": { "image": "flink:1.20" } }),
        )
        .await;
    assert_eq!(rv(&same), rv(&created), "no-op merge patch");
    env.set_status(
        "flinkdeployments",
        &ns,
        "orders",
        json!({ "lifecycleState": "STABLE" }),
    )
    .await;
    let once = env.get("flinkdeployments", &ns, "orders").await.unwrap();
    env.set_status(
        "flinkdeployments",
        &ns,
        "orders",
        json!({ "lifecycleState": "STABLE" }),
    )
    .await;
    let twice = env.get("flinkdeployments", &ns, "orders").await.unwrap();
    assert_eq!(rv(&twice), rv(&once), "no-op status write");
    let changed = env
        .merge_patch(
            "flinkdeployments",
            &ns,
            "orders",
            json!({ "spec": { "image": "flink:2.0" } }),
        )
        .await;
    assert_ne!(
        rv(&changed),
        rv(&twice),
        "a real change moves the resourceVersion"
    );
}

/// `formatType: null` in a PUT of status (a string field, not nullable) is pruned before validation.
async fn nulls_for_non_nullable_fields_are_dropped_not_rejected(env: Env) {
    let ns = env.ns().to_string();
    env.create("flinkdeployments", &ns, app(&ns)).await;
    env.replace_status(
        "flinkdeployments",
        &ns,
        "orders",
        json!({ "jobStatus": { "state": "RUNNING", "savepointInfo": { "formatType": null, "triggerId": "t1" } } }),
    )
    .await
    .expect("a null for a non-nullable field is accepted");
    let got = env.get("flinkdeployments", &ns, "orders").await.unwrap();
    let info = &got["status"]["jobStatus"]["savepointInfo"];
    assert_eq!(info["triggerId"], "t1");
    assert!(info.get("formatType").is_none(), "dropped: {info}");
}

/// With a status subresource, create and main-resource updates ignore `status`.
async fn status_is_ignored_on_create_and_on_main_resource_updates(env: Env) {
    let ns = env.ns().to_string();
    let mut obj = app(&ns);
    obj["status"] = json!({ "lifecycleState": "STABLE" });
    let created = env.create("flinkdeployments", &ns, obj).await;
    assert!(
        created.pointer("/status/lifecycleState").is_none(),
        "{created}"
    );
    let patched = env
        .merge_patch(
            "flinkdeployments",
            &ns,
            "orders",
            json!({ "status": { "lifecycleState": "FAILED" } }),
        )
        .await;
    assert!(
        patched.pointer("/status/lifecycleState").is_none(),
        "{patched}"
    );
}
