use serde_json::json;

use super::*;

fn app(ns: &str, name: &str, history: serde_json::Value) -> FlinkDeployment {
    serde_json::from_value(json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
        "metadata": { "name": name, "namespace": ns },
        "spec": { "job": { "jarURI": "local:///x.jar" } },
        "status": { "jobStatus": { "state": "RUNNING", "savepointInfo": { "savepointHistory": history } } },
    }))
    .unwrap()
}

fn session(ns: &str, name: &str) -> FlinkDeployment {
    serde_json::from_value(json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
        "metadata": { "name": name, "namespace": ns }, "spec": {},
    }))
    .unwrap()
}

fn job(ns: &str, name: &str) -> FlinkSessionJob {
    serde_json::from_value(json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkSessionJob",
        "metadata": { "name": name, "namespace": ns },
        "spec": { "deploymentName": "shared", "job": { "jarURI": "https://x/y.jar" } },
    }))
    .unwrap()
}

fn snapshot(
    ns: &str,
    name: &str,
    kind: &str,
    job: &str,
    state: &str,
    trigger: &str,
    at: &str,
) -> FlinkStateSnapshot {
    serde_json::from_value(json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkStateSnapshot",
        "metadata": { "name": name, "namespace": ns, "labels": { "snapshot.trigger-type": trigger } },
        "spec": { "jobReference": { "kind": kind, "name": job }, "savepoint": {} },
        "status": { "state": state, "triggerTimestamp": at, "path": format!("s3://b/{name}") },
    }))
    .unwrap()
}

fn ids(entries: &[SavepointEntry]) -> Vec<String> {
    entries.iter().map(|e| e.id.clone()).collect()
}

#[test]
fn entries_of_all_jobs_are_merged_newest_first_and_sessions_skipped() {
    let deployments = [
        app(
            "a",
            "orders",
            json!([{ "timeStamp": 1_000, "location": "s3://l1", "triggerType": "PERIODIC" }]),
        ),
        session("a", "shared"),
    ];
    let jobs = [job("a", "etl")];
    let snapshots = [
        snapshot(
            "a",
            "etl-sp-1",
            "FlinkSessionJob",
            "etl",
            "COMPLETED",
            "MANUAL",
            "2026-01-02T00:00:00Z",
        ),
        snapshot(
            "a",
            "orders-savepoint-manual-2",
            "FlinkDeployment",
            "orders",
            "IN_PROGRESS",
            "MANUAL",
            "2026-01-03T00:00:00Z",
        ),
    ];
    let entries = collect_entries(&deployments, &jobs, &snapshots, &ListFilter::default());
    assert_eq!(
        ids(&entries),
        ["orders-savepoint-manual-2", "etl-sp-1", "legacy-1000"]
    );
}

#[test]
fn same_name_in_another_namespace_does_not_mix() {
    let deployments = [app("a", "orders", json!([])), app("b", "orders", json!([]))];
    let snapshots = [snapshot(
        "b",
        "orders-sp-1",
        "FlinkDeployment",
        "orders",
        "COMPLETED",
        "MANUAL",
        "2026-01-01T00:00:00Z",
    )];
    let entries = collect_entries(&deployments, &[], &snapshots, &ListFilter::default());
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].target.namespace.as_deref(), Some("b"));
}

#[test]
fn type_and_state_filters_apply() {
    let deployments = [app(
        "a",
        "orders",
        json!([{ "timeStamp": 1_000, "location": "s3://l1", "triggerType": "PERIODIC" }]),
    )];
    let snapshots = [
        snapshot(
            "a",
            "orders-sp-1",
            "FlinkDeployment",
            "orders",
            "FAILED",
            "MANUAL",
            "2026-01-01T00:00:00Z",
        ),
        snapshot(
            "a",
            "orders-sp-2",
            "FlinkDeployment",
            "orders",
            "COMPLETED",
            "MANUAL",
            "2026-01-02T00:00:00Z",
        ),
    ];
    let manual = ListFilter {
        types: vec![SnapshotTriggerType::Manual],
        ..ListFilter::default()
    };
    assert_eq!(
        ids(&collect_entries(&deployments, &[], &snapshots, &manual)),
        ["orders-sp-2", "orders-sp-1"]
    );
    let failed = ListFilter {
        states: vec![EntryState::Failed],
        ..ListFilter::default()
    };
    assert_eq!(
        ids(&collect_entries(&deployments, &[], &snapshots, &failed)),
        ["orders-sp-1"]
    );
}

#[test]
fn orphan_snapshots_are_listed_only_when_asked() {
    let snapshots = [snapshot(
        "a",
        "gone-sp-1",
        "FlinkDeployment",
        "gone",
        "COMPLETED",
        "MANUAL",
        "2026-01-01T00:00:00Z",
    )];
    assert!(collect_entries(&[], &[], &snapshots, &ListFilter::default()).is_empty());
    let with = ListFilter {
        include_orphans: true,
        ..ListFilter::default()
    };
    let entries = collect_entries(&[], &[], &snapshots, &with);
    assert_eq!(ids(&entries), ["gone-sp-1"]);
    assert_eq!(entries[0].target.name, "gone");
}

#[test]
fn state_names_parse_leniently() {
    assert_eq!(parse_state("in-progress"), Some(EntryState::InProgress));
    assert_eq!(parse_state("TRIGGER_PENDING"), Some(EntryState::Pending));
    assert_eq!(parse_state("Completed"), Some(EntryState::Completed));
    assert_eq!(parse_state("done"), None);
}
