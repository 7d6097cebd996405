//! kube-rs (the client the plugin and webhook use) against the sandbox: dynamic get/list/patch with every
//! patch type, and `kube::runtime::watcher`.

mod common;

use std::time::Duration;

use common::*;
use futures::StreamExt;
use kube::api::{Api, DynamicObject, ListParams, Patch, PatchParams, PostParams};
use kube::core::{ApiResource, GroupVersionKind};
use kube::runtime::watcher;
use serde_json::json;

async fn client(sb: &flink_sandbox::Sandbox) -> kube::Client {
    let kc = kube::config::Kubeconfig::read_from(sb.kubeconfig_path()).unwrap();
    let cfg = kube::Config::from_custom_kubeconfig(kc, &kube::config::KubeConfigOptions::default())
        .await
        .unwrap();
    kube::Client::try_from(cfg).unwrap()
}

fn ar(kind: &str, plural: &str) -> ApiResource {
    ApiResource::from_gvk_with_plural(
        &GroupVersionKind::gvk("flink.apache.org", "v1beta1", kind),
        plural,
    )
}

#[tokio::test]
async fn kube_rs_dynamic_api_gets_lists_and_patches_with_every_patch_type() {
    let sb = sandbox_with_orders_app().await;
    let api: Api<DynamicObject> = Api::namespaced_with(
        client(&sb).await,
        "analytics",
        &ar("FlinkDeployment", "flinkdeployments"),
    );
    let got = api.get("orders-app").await.unwrap();
    assert_eq!(got.data["spec"]["job"]["upgradeMode"], "savepoint");
    let list = api
        .list(&ListParams::default().labels("!missing"))
        .await
        .unwrap();
    assert_eq!(list.items.len(), 1);

    let merged = api
        .patch(
            "orders-app",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"job": {"savepointTriggerNonce": 1}}})),
        )
        .await
        .unwrap();
    assert_eq!(merged.data["spec"]["job"]["savepointTriggerNonce"], 1);
    let jp: json_patch::Patch = serde_json::from_value(json!([
        {"op": "test", "path": "/spec/job/savepointTriggerNonce", "value": 1},
        {"op": "replace", "path": "/spec/job/savepointTriggerNonce", "value": 2}
    ]))
    .unwrap();
    let patched = api
        .patch(
            "orders-app",
            &PatchParams::default(),
            &Patch::Json::<()>(jp.clone()),
        )
        .await
        .unwrap();
    assert_eq!(patched.data["spec"]["job"]["savepointTriggerNonce"], 2);
    let stale = api
        .patch(
            "orders-app",
            &PatchParams::default(),
            &Patch::Json::<()>(jp),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&stale, kube::Error::Api(s) if s.code == 422),
        "{stale:?}"
    );

    let applied = json!({"apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment", "metadata": {"name": "orders-app"},
        "spec": {"job": {"savepointTriggerNonce": 3}}});
    let out = api
        .patch(
            "orders-app",
            &PatchParams::apply("kubectl-savepoint").force(),
            &Patch::Apply(&applied),
        )
        .await
        .unwrap();
    assert_eq!(out.data["spec"]["job"]["savepointTriggerNonce"], 3);
    assert_eq!(
        out.data["spec"]["job"]["parallelism"], 2,
        "apply merges, it does not replace the spec"
    );
    assert_eq!(out.metadata.generation, Some(4));

    let smp = api
        .patch(
            "orders-app",
            &PatchParams::default(),
            &Patch::Strategic(json!({})),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&smp, kube::Error::Api(s) if s.code == 415),
        "{smp:?}"
    );

    let status = api
        .patch_status(
            "orders-app",
            &PatchParams::default(),
            &Patch::Merge(json!({"status": {"jobStatus": {"state": "RUNNING"}}})),
        )
        .await
        .unwrap();
    assert_eq!(status.data["status"]["jobStatus"]["state"], "RUNNING");
    assert_eq!(
        status.metadata.generation,
        Some(4),
        "status writes do not bump generation"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn kube_rs_watcher_sees_initial_objects_then_live_changes() {
    let sb = sandbox_with_orders_app().await;
    let client = client(&sb).await;
    let api: Api<DynamicObject> = Api::namespaced_with(
        client,
        "analytics",
        &ar("FlinkStateSnapshot", "flinkstatesnapshots"),
    );
    let mut stream = watcher(
        api.clone(),
        watcher::Config::default().labels("job-reference.name=orders-app"),
    )
    .boxed();
    let mut snap: DynamicObject =
        serde_json::from_value(manifest("flinkstatesnapshot-manual.yaml")).unwrap();
    snap.metadata.namespace = None;
    let mut seen_init_done = false;
    let mut created = false;
    let found = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(ev) = stream.next().await {
            match ev.unwrap() {
                watcher::Event::InitDone => {
                    seen_init_done = true;
                    if !created {
                        created = true;
                        api.create(&PostParams::default(), &snap).await.unwrap();
                    }
                }
                watcher::Event::Apply(o) if seen_init_done => return o,
                _ => {}
            }
        }
        panic!("watch stream ended");
    })
    .await
    .expect("hang guard: watcher never delivered the created snapshot");
    assert_eq!(found.metadata.name, snap.metadata.name);
    let lists = sb
        .requests()
        .iter()
        .filter(|r| r.verb.as_deref() == Some("list"))
        .count();
    let watches = sb
        .requests()
        .iter()
        .filter(|r| r.verb.as_deref() == Some("watch"))
        .count();
    assert_eq!((lists, watches), (1, 1), "{:?}", sb.requests());
    sb.shutdown().await;
}
