//! The plugin's requests, asserted at the HTTP layer against a mocked API server (tower-test).

mod common;

use std::sync::{Arc, Mutex};

use common::fixtures::{ALL_CRDS, LEGACY_CRDS, app, discovery, list, session_cluster, snapshot};
use common::{Recorded, mock_client, run, status};
use kubectl_savepoint::ExitCode;
use serde_json::{Value, json};

const GROUP: &str = "/apis/flink.apache.org/v1beta1";
const APP: &str = "/apis/flink.apache.org/v1beta1/namespaces/default/flinkdeployments/orders";

fn writes(log: &[Recorded]) -> Vec<&Recorded> {
    log.iter().filter(|r| r.method != "GET").collect()
}

/// Serves discovery and `orders` (resourceVersion from `rv`), answering PATCHes with `patch`.
fn app_server(
    crds: &'static [&'static str],
    object: Value,
    patch: impl Fn(usize) -> (u16, Value) + Send + 'static,
) -> impl Fn(&Recorded) -> (u16, Value) + Send + 'static {
    let patches = Arc::new(Mutex::new(0usize));
    let gets = Arc::new(Mutex::new(0usize));
    move |r: &Recorded| match (r.method.as_str(), r.path.as_str()) {
        ("GET", GROUP) => (200, discovery(crds)),
        ("GET", APP) => {
            let mut n = gets.lock().unwrap();
            *n += 1;
            let mut obj = object.clone();
            obj["metadata"]["resourceVersion"] = json!(format!("{}", 10 + *n));
            (200, obj)
        }
        ("PATCH", APP) => {
            let mut n = patches.lock().unwrap();
            *n += 1;
            patch(*n)
        }
        ("POST", p) if p.ends_with("/flinkstatesnapshots") => {
            (201, r.body.clone().unwrap_or_default())
        }
        _ => (
            404,
            status(
                404,
                "NotFound",
                "the server could not find the requested resource",
            ),
        ),
    }
}

#[tokio::test]
async fn trigger_sends_one_merge_patch_with_the_nonce_and_the_read_resource_version() {
    let (client, log) = mock_client(app_server(
        ALL_CRDS,
        app("default", "orders", "x", 5, 5),
        |_| (200, app("default", "orders", "12", 6, 5)),
    ));
    let (code, out) = run(client, &["trigger", "app/orders"]).await;
    assert_eq!(code, ExitCode::Success, "{out}");
    let log = log.lock().unwrap();
    let writes = writes(&log);
    assert_eq!(writes.len(), 1, "{log:#?}");
    let patch = writes[0];
    assert_eq!(patch.path, APP);
    assert_eq!(
        patch.content_type.as_deref(),
        Some("application/merge-patch+json")
    );
    let body = patch.body.clone().unwrap();
    assert_eq!(body["metadata"], json!({ "resourceVersion": "11" }));
    let nonce = body["spec"]["job"]["savepointTriggerNonce"]
        .as_i64()
        .unwrap();
    assert_ne!(nonce, 5);
    assert_eq!(
        body.as_object().unwrap().len(),
        2,
        "only metadata.resourceVersion and spec.job: {body}"
    );
    assert_eq!(body["spec"]["job"].as_object().unwrap().len(), 1);
    assert!(out.contains(&nonce.to_string()), "{out}");
    assert!(out.contains("app/orders"), "{out}");
}

#[tokio::test]
async fn trigger_rereads_and_retries_after_a_409_conflict() {
    let (client, log) = mock_client(app_server(
        ALL_CRDS,
        app("default", "orders", "x", 5, 5),
        |n| {
            if n == 1 {
                (
                    409,
                    status(
                        409,
                        "Conflict",
                        "Operation cannot be fulfilled on flinkdeployments.flink.apache.org \"orders\": the object has been modified",
                    ),
                )
            } else {
                (200, app("default", "orders", "13", 6, 5))
            }
        },
    ));
    let (code, out) = run(client, &["trigger", "app/orders", "-o", "json"]).await;
    assert_eq!(code, ExitCode::Success);
    let log = log.lock().unwrap();
    let lines: Vec<String> = log.iter().map(Recorded::line).collect();
    let gets = lines
        .iter()
        .filter(|l| l.starts_with(&format!("GET {APP}")))
        .count();
    assert_eq!(gets, 2, "one fresh read per attempt: {lines:#?}");
    let patches = writes(&log);
    assert_eq!(patches.len(), 2);
    assert_eq!(
        patches[0].body.as_ref().unwrap()["metadata"]["resourceVersion"],
        "11"
    );
    assert_eq!(
        patches[1].body.as_ref().unwrap()["metadata"]["resourceVersion"],
        "12"
    );
    let info: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(info["attempts"], 2);
    assert_eq!(info["method"], "nonce");
}

#[tokio::test]
async fn trigger_gives_up_after_five_conflicts_with_exit_1() {
    let (client, log) = mock_client(app_server(
        ALL_CRDS,
        app("default", "orders", "x", 5, 5),
        |_| (409, status(409, "Conflict", "the object has been modified")),
    ));
    let (code, _) = run(client, &["trigger", "app/orders"]).await;
    assert_eq!(code, ExitCode::Failure);
    assert_eq!(writes(&log.lock().unwrap()).len(), 5);
}

#[tokio::test]
async fn server_dry_run_sends_the_patch_with_dry_run_all() {
    let (client, log) = mock_client(app_server(
        ALL_CRDS,
        app("default", "orders", "x", 5, 5),
        |_| (200, app("default", "orders", "11", 5, 5)),
    ));
    let (code, out) = run(client, &["trigger", "app/orders", "--dry-run=server"]).await;
    assert_eq!(code, ExitCode::Success);
    let log = log.lock().unwrap();
    let patch = writes(&log)[0].clone();
    assert_eq!(patch.param("dryRun").as_deref(), Some("All"));
    assert!(out.contains("dry run"), "{out}");
}

#[tokio::test]
async fn client_dry_run_sends_no_write_and_prints_the_request() {
    let (client, log) = mock_client(app_server(
        ALL_CRDS,
        app("default", "orders", "x", 5, 5),
        |_| (500, json!({})),
    ));
    let (code, out) = run(
        client,
        &["trigger", "app/orders", "--dry-run", "-o", "json"],
    )
    .await;
    assert_eq!(code, ExitCode::Success);
    assert!(writes(&log.lock().unwrap()).is_empty());
    let info: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(info["dryRun"], "client");
    assert_eq!(info["request"]["metadata"]["resourceVersion"], "11");
}

#[tokio::test]
async fn snapshot_method_creates_a_flinkstatesnapshot_with_explicit_settings() {
    let (client, log) = mock_client(app_server(
        ALL_CRDS,
        app("default", "orders", "x", 5, 5),
        |_| (500, json!({})),
    ));
    let (code, out) = run(
        client,
        &[
            "trigger",
            "app/orders",
            "--method",
            "snapshot",
            "--format",
            "native",
            "-o",
            "yaml",
        ],
    )
    .await;
    assert_eq!(code, ExitCode::Success, "{out}");
    let log = log.lock().unwrap();
    let post = writes(&log)[0].clone();
    assert_eq!(post.method, "POST");
    assert_eq!(
        post.path,
        format!("{GROUP}/namespaces/default/flinkstatesnapshots")
    );
    assert_eq!(post.content_type.as_deref(), Some("application/json"));
    let body = post.body.unwrap();
    let name = body["metadata"]["name"].as_str().unwrap();
    assert!(name.starts_with("orders-sp-"), "{name}");
    assert_eq!(
        body["spec"]["jobReference"],
        json!({ "kind": "FlinkDeployment", "name": "orders" })
    );
    assert_eq!(body["spec"]["backoffLimit"], 3);
    assert_eq!(body["spec"]["savepoint"]["disposeOnDelete"], true);
    assert_eq!(body["spec"]["savepoint"]["formatType"], "NATIVE");
    assert_eq!(
        body["metadata"]["labels"]["snapshot.trigger-type"],
        "MANUAL"
    );
    assert!(out.contains(&format!("snapshot: {name}")), "{out}");
}

#[tokio::test]
async fn refusals_exit_2_and_change_nothing() {
    let cases: Vec<(&'static [&'static str], Value, Vec<&str>)> = vec![
        (
            ALL_CRDS,
            session_cluster("default", "orders"),
            vec!["trigger", "app/orders"],
        ),
        (
            LEGACY_CRDS,
            app("default", "orders", "x", 5, 5),
            vec!["trigger", "app/orders", "--method", "snapshot"],
        ),
        (
            ALL_CRDS,
            {
                let mut a = app("default", "orders", "x", 5, 5);
                a["spec"]["flinkConfiguration"] = json!({});
                a
            },
            vec!["trigger", "app/orders"],
        ),
        (
            ALL_CRDS,
            {
                let mut a = app("default", "orders", "x", 5, 5);
                a["status"]["jobStatus"]["state"] = json!("FAILING");
                a
            },
            vec!["trigger", "app/orders"],
        ),
    ];
    for (crds, object, args) in cases {
        let (client, log) = mock_client(app_server(crds, object.clone(), |_| (500, json!({}))));
        let (code, _) = run(client, &args).await;
        assert_eq!(code, ExitCode::Usage, "{args:?} {object}");
        assert!(writes(&log.lock().unwrap()).is_empty(), "{args:?}");
    }
}

#[tokio::test]
async fn session_target_is_refused_without_any_request() {
    let (client, log) = mock_client(|_| (500, json!({})));
    let (code, _) = run(client, &["trigger", "session/shared"]).await;
    assert_eq!(code, ExitCode::Usage);
    assert!(log.lock().unwrap().is_empty());
}

#[tokio::test]
async fn forbidden_patch_exits_1() {
    let (client, _) = mock_client(app_server(
        ALL_CRDS,
        app("default", "orders", "x", 5, 5),
        |_| {
            (
                403,
                status(
                    403,
                    "Forbidden",
                    "flinkdeployments.flink.apache.org \"orders\" is forbidden: User \"viewer\" cannot patch resource \"flinkdeployments\"",
                ),
            )
        },
    ));
    let (code, _) = run(client, &["trigger", "app/orders"]).await;
    assert_eq!(code, ExitCode::Failure);
}

#[tokio::test]
async fn list_all_namespaces_issues_one_paginated_list_per_kind() {
    let (client, log) = mock_client(|r: &Recorded| {
        let cont = r.param("continue");
        match (r.path.as_str(), cont.as_deref()) {
            (GROUP, _) => (200, discovery(ALL_CRDS)),
            ("/apis/flink.apache.org/v1beta1/flinkdeployments", None) => (
                200,
                list(
                    "FlinkDeployment",
                    vec![app("a", "orders", "1", 1, 1)],
                    Some("page2"),
                ),
            ),
            ("/apis/flink.apache.org/v1beta1/flinkdeployments", Some("page2")) => (
                200,
                list(
                    "FlinkDeployment",
                    vec![app("b", "billing", "2", 1, 1)],
                    None,
                ),
            ),
            ("/apis/flink.apache.org/v1beta1/flinksessionjobs", None) => {
                (200, list("FlinkSessionJob", vec![], None))
            }
            ("/apis/flink.apache.org/v1beta1/flinkstatesnapshots", None) => (
                200,
                list(
                    "FlinkStateSnapshot",
                    vec![
                        snapshot(
                            "a",
                            "orders-sp-1",
                            "FlinkDeployment",
                            "orders",
                            "COMPLETED",
                            Some("s3://b/1"),
                        ),
                        snapshot(
                            "b",
                            "billing-sp-2",
                            "FlinkDeployment",
                            "billing",
                            "IN_PROGRESS",
                            None,
                        ),
                    ],
                    None,
                ),
            ),
            _ => (404, status(404, "NotFound", "not found")),
        }
    });
    let (code, out) = run(client, &["list", "-A"]).await;
    assert_eq!(code, ExitCode::Success, "{out}");
    let log = log.lock().unwrap();
    let lines: Vec<String> = log.iter().map(Recorded::line).collect();
    let lists: Vec<&Recorded> = log.iter().filter(|r| r.path != GROUP).collect();
    assert_eq!(lists.len(), 4, "3 kinds + 1 continue page: {lines:#?}");
    assert!(
        lists
            .iter()
            .all(|r| r.method == "GET" && r.param("limit").is_some()),
        "{lines:#?}"
    );
    let deployment_pages: Vec<_> = lists
        .iter()
        .filter(|r| r.path.ends_with("/flinkdeployments"))
        .collect();
    assert_eq!(deployment_pages.len(), 2);
    assert_eq!(
        deployment_pages[1].param("continue").as_deref(),
        Some("page2")
    );
    assert!(out.starts_with("NAMESPACE"), "{out}");
    assert!(
        out.contains("orders-sp-1") && out.contains("billing-sp-2"),
        "{out}"
    );
}

#[tokio::test]
async fn list_of_one_app_gets_it_and_lists_snapshots_once() {
    let (client, log) = mock_client(|r: &Recorded| match r.path.as_str() {
        GROUP => (200, discovery(ALL_CRDS)),
        APP => (200, app("default", "orders", "1", 1, 1)),
        "/apis/flink.apache.org/v1beta1/namespaces/default/flinkstatesnapshots" => (
            200,
            list(
                "FlinkStateSnapshot",
                vec![snapshot(
                    "default",
                    "orders-sp-1",
                    "FlinkDeployment",
                    "orders",
                    "COMPLETED",
                    Some("s3://b/1"),
                )],
                None,
            ),
        ),
        _ => (404, status(404, "NotFound", "not found")),
    });
    let (code, out) = run(client, &["list", "app/orders", "-o", "name"]).await;
    assert_eq!(code, ExitCode::Success);
    assert_eq!(out, "flinkstatesnapshot.flink.apache.org/orders-sp-1\n");
    assert_eq!(log.lock().unwrap().len(), 3);
}
