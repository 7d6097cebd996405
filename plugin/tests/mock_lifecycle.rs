//! Exact requests of schedule, restore, delete and prune, asserted at the HTTP layer (tower-test).

mod common;

use common::fixtures::{ALL_CRDS, discovery, list, snapshot};
use common::{Recorded, mock_client, run, status};
use kubectl_savepoint::ExitCode;
use serde_json::{Value, json};

const GROUP: &str = "/apis/flink.apache.org/v1beta1";
const APP: &str = "/apis/flink.apache.org/v1beta1/namespaces/default/flinkdeployments/orders";
const SNAPS: &str = "/apis/flink.apache.org/v1beta1/namespaces/default/flinkstatesnapshots";

fn writes(log: &[Recorded]) -> Vec<&Recorded> {
    log.iter().filter(|r| r.method != "GET").collect()
}

fn orders() -> Value {
    json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
        "metadata": {"name": "orders", "namespace": "default", "resourceVersion": "7", "uid": "u-orders"},
        "spec": {"flinkConfiguration": {"state.savepoints.dir": "s3://b/sp", "a": "b"},
                 "job": {"jarURI": "local:///j.jar", "savepointRedeployNonce": 3}},
        "status": {"jobStatus": {"state": "RUNNING"}}
    })
}

fn snap(name: &str, state: &str, time: &str, rv: &str) -> Value {
    let mut s = snapshot(
        "default",
        name,
        "FlinkDeployment",
        "orders",
        state,
        Some(&format!("s3://b/{name}")),
    );
    s["metadata"]["uid"] = json!(format!("uid-{name}"));
    s["metadata"]["resourceVersion"] = json!(rv);
    s["status"]["triggerTimestamp"] = json!(time);
    s
}

fn server(snaps: Vec<Value>) -> impl Fn(&Recorded) -> (u16, Value) + Send + 'static {
    move |r: &Recorded| match (r.method.as_str(), r.path.as_str()) {
        ("GET", GROUP) => (200, discovery(ALL_CRDS)),
        ("GET", APP) => (200, orders()),
        ("PATCH", APP) => (200, orders()),
        ("GET", SNAPS) => (200, list("FlinkStateSnapshot", snaps.clone(), None)),
        ("DELETE", p) if p.starts_with(SNAPS) => {
            let name = p.rsplit('/').next().unwrap_or_default();
            let found = snaps
                .iter()
                .find(|s| s["metadata"]["name"] == name)
                .cloned();
            found.map_or((404, status(404, "NotFound", "not found")), |s| (200, s))
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
async fn schedule_sends_one_merge_patch_with_only_the_changed_keys_and_the_resource_version() {
    let (client, log) = mock_client(server(vec![]));
    let (code, out) = run(
        client,
        &[
            "schedule",
            "app/orders",
            "--interval",
            "6h",
            "--max-count",
            "4",
        ],
    )
    .await;
    assert_eq!(code, ExitCode::Success, "{out}");
    let log = log.lock().unwrap();
    let writes = writes(&log);
    assert_eq!(writes.len(), 1, "{log:#?}");
    assert_eq!(writes[0].path, APP);
    assert_eq!(
        writes[0].content_type.as_deref(),
        Some("application/merge-patch+json")
    );
    assert_eq!(
        writes[0].body.clone().unwrap(),
        json!({"spec": {"flinkConfiguration": {
                   "kubernetes.operator.periodic.savepoint.interval": "6h",
                   "kubernetes.operator.savepoint.history.max.count": "4"}},
               "metadata": {"resourceVersion": "7"}})
    );
}

#[tokio::test]
async fn restore_in_place_patches_path_and_nonce_guarded_by_resource_version() {
    let snaps = vec![snap("sp-1", "COMPLETED", "2026-01-01T00:00:00Z", "20")];
    let (client, log) = mock_client(server(snaps));
    let (code, out) = run(
        client,
        &["restore", "app/orders", "--from", "latest", "--yes"],
    )
    .await;
    assert_eq!(code, ExitCode::Success, "{out}");
    let log = log.lock().unwrap();
    let writes = writes(&log);
    assert_eq!(writes.len(), 1, "{log:#?}");
    let body = writes[0].body.clone().unwrap();
    assert_eq!(body["metadata"], json!({"resourceVersion": "7"}));
    assert_eq!(body["spec"]["job"]["initialSavepointPath"], "s3://b/sp-1");
    assert_ne!(body["spec"]["job"]["savepointRedeployNonce"], 3);
    assert_eq!(body["spec"]["job"].as_object().unwrap().len(), 2, "{body}");
}

#[tokio::test]
async fn delete_sends_uid_and_resource_version_preconditions() {
    let snaps = vec![
        snap("sp-1", "COMPLETED", "2026-01-01T00:00:00Z", "20"),
        snap("sp-2", "COMPLETED", "2026-01-02T00:00:00Z", "21"),
    ];
    let (client, log) = mock_client(server(snaps));
    let (code, out) = run(client, &["delete", "sp-1", "--yes"]).await;
    assert_eq!(code, ExitCode::Success, "{out}");
    let log = log.lock().unwrap();
    let writes = writes(&log);
    assert_eq!(writes.len(), 1, "{log:#?}");
    assert_eq!(writes[0].method, "DELETE");
    assert_eq!(writes[0].path, format!("{SNAPS}/sp-1"));
    let body = writes[0].body.clone().unwrap();
    assert_eq!(
        body["preconditions"],
        json!({"uid": "uid-sp-1", "resourceVersion": "20"})
    );
    assert!(body.get("dryRun").is_none(), "{body}");
}

#[tokio::test]
async fn prune_lists_snapshots_once_and_deletes_only_the_selection_with_preconditions() {
    let snaps = vec![
        snap("sp-1", "COMPLETED", "2026-01-01T00:00:00Z", "20"),
        snap("sp-2", "COMPLETED", "2026-01-02T00:00:00Z", "21"),
        snap("sp-3", "COMPLETED", "2026-01-03T00:00:00Z", "22"),
    ];
    let (client, log) = mock_client(server(snaps));
    let (code, out) = run(
        client,
        &["prune", "app/orders", "--keep", "2", "--dry-run=server"],
    )
    .await;
    assert_eq!(code, ExitCode::Success, "{out}");
    let log = log.lock().unwrap();
    let lists = log
        .iter()
        .filter(|r| r.method == "GET" && r.path == SNAPS)
        .count();
    assert_eq!(lists, 1, "{log:#?}");
    let writes = writes(&log);
    assert_eq!(writes.len(), 1, "{log:#?}");
    assert_eq!(writes[0].path, format!("{SNAPS}/sp-1"));
    let body = writes[0].body.clone().unwrap();
    assert_eq!(
        body["preconditions"],
        json!({"uid": "uid-sp-1", "resourceVersion": "20"})
    );
    assert_eq!(body["dryRun"], json!(["All"]));
}

/// A session job on "shared", whose GET answers `cluster_code`.
fn session_job_server(cluster_code: u16) -> impl Fn(&Recorded) -> (u16, Value) + Send + 'static {
    const JOB: &str = "/apis/flink.apache.org/v1beta1/namespaces/default/flinksessionjobs/clicks";
    const CLUSTER: &str =
        "/apis/flink.apache.org/v1beta1/namespaces/default/flinkdeployments/shared";
    move |r: &Recorded| match (r.method.as_str(), r.path.as_str()) {
        ("GET", GROUP) => (200, discovery(ALL_CRDS)),
        ("GET", JOB) => (
            200,
            json!({
                "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkSessionJob",
                "metadata": {"name": "clicks", "namespace": "default", "resourceVersion": "3"},
                "spec": {"deploymentName": "shared", "job": {"jarURI": "local:///j.jar"},
                         "flinkConfiguration": {"state.savepoints.dir": "s3://b/sp"}}
            }),
        ),
        ("GET", CLUSTER) => match cluster_code {
            403 => (
                403,
                status(403, "Forbidden", "flinkdeployments \"shared\" is forbidden"),
            ),
            code => (
                code,
                status(code, "NotFound", "flinkdeployments \"shared\" not found"),
            ),
        },
        _ => (404, status(404, "NotFound", "not found")),
    }
}

/// A session cluster that does not exist is no cluster: the command goes on with the job's own
/// settings (a warning says the cluster's are not included).
#[tokio::test]
async fn a_missing_session_cluster_is_read_as_none() {
    let (client, _log) = mock_client(session_job_server(404));
    let (code, out) = run(client, &["schedule", "job/clicks", "-o", "json"]).await;
    assert_eq!(code, ExitCode::Success, "{out}");
    assert!(out.contains("\"target\": \"job/clicks\""), "{out}");
    let (client, _log) = mock_client(session_job_server(404));
    let (code, out) = run(client, &["describe", "job/clicks"]).await;
    assert_eq!(code, ExitCode::Success, "{out}");
    assert!(out.contains("job/clicks"), "{out}");
}

/// Any other error reading a session job's cluster (here 403) ends the command with exit 1:
/// the cluster's settings decide the plan, so it does not go on without them.
#[tokio::test]
async fn an_unreadable_session_cluster_fails_the_command() {
    for args in [
        &["schedule", "job/clicks"][..],
        &["schedule", "job/clicks", "--interval", "6h"][..],
        &["describe", "job/clicks"][..],
        &["trigger", "job/clicks"][..],
    ] {
        let (client, log) = mock_client(session_job_server(403));
        let (code, out) = run(client, args).await;
        assert_eq!(code, ExitCode::Failure, "{args:?}: {out}");
        assert!(writes(&log.lock().unwrap()).is_empty(), "{args:?}");
    }
}
