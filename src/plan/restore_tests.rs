use serde_json::json;

use super::*;
use crate::crd::{JobKind, SnapshotTriggerType, TargetRef};
use crate::history::EntrySource;
use crate::plan::restore_copy::{plan_copy, validate_new_name};

fn entry(id: &str, state: EntryState, ms: i64, location: Option<&str>) -> SavepointEntry {
    let target = TargetRef::new(JobKind::FlinkDeployment, Some("flink".into()), "orders");
    let mut e = SavepointEntry::new(
        target,
        id,
        EntrySource::Snapshot,
        SnapshotTriggerType::Manual,
        state,
    );
    e.triggered = crate::time::from_epoch_ms(ms);
    e.location = location.map(str::to_owned);
    e.snapshot_name = Some(id.to_owned());
    e
}

fn app() -> Value {
    json!({
        "apiVersion": "flink.apache.org/v1beta1",
        "kind": "FlinkDeployment",
        "metadata": {
            "name": "orders", "namespace": "flink", "uid": "u-1", "resourceVersion": "12",
            "generation": 3, "creationTimestamp": "2025-01-01T00:00:00Z",
            "managedFields": [{"manager": "kubectl"}], "finalizers": ["flinkdeployments.flink.apache.org/finalizer"],
            "labels": {"team": "a"},
            "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}", "owner": "me"}
        },
        "spec": {
            "image": "flink:1.20",
            "flinkConfiguration": {"state.savepoints.dir": "s3://b/sp"},
            "job": {"jarURI": "local:///j.jar", "upgradeMode": "savepoint",
                    "savepointTriggerNonce": 4, "savepointRedeployNonce": 9}
        },
        "status": {"jobStatus": {"state": "RUNNING"}}
    })
}

#[test]
fn from_accepts_latest_paths_and_snapshot_names() {
    assert_eq!(parse_source("latest"), Ok(RestoreSource::Latest));
    assert_eq!(
        parse_source("s3://b/sp/savepoint-1"),
        Ok(RestoreSource::Path("s3://b/sp/savepoint-1".into()))
    );
    assert_eq!(
        parse_source("file:/data/sp-1"),
        Ok(RestoreSource::Path("file:/data/sp-1".into()))
    );
    assert_eq!(
        parse_source("flinkstatesnapshot/sp-1"),
        Ok(RestoreSource::Named("sp-1".into()))
    );
    assert_eq!(
        parse_source("sp-1"),
        Ok(RestoreSource::Named("sp-1".into()))
    );
    assert_eq!(parse_source(" "), Err(RestoreError::EmptySource));
}

/// `--from KIND/NAME` reads the kind with the target syntax's aliases (`Kind::from_alias`): every
/// snapshot alias the command line takes, with or without the API group.
#[test]
fn from_takes_every_snapshot_alias_of_the_target_syntax() {
    for alias in crate::crd::Kind::Snapshot.aliases() {
        assert_eq!(
            parse_source(&format!("{alias}/sp-1")),
            Ok(RestoreSource::Named("sp-1".into())),
            "{alias}"
        );
    }
    assert_eq!(
        parse_source("Savepoints.flink.apache.org/sp-1"),
        Ok(RestoreSource::Named("sp-1".into()))
    );
    assert_eq!(
        parse_source("app/sp-1"),
        Ok(RestoreSource::Path("app/sp-1".into()))
    );
}

#[test]
fn latest_is_the_newest_completed_savepoint_with_a_location() {
    let history = vec![
        entry("c", EntryState::InProgress, 3_000, None),
        entry("b", EntryState::Completed, 2_000, Some("s3://b/sp/2")),
        entry("a", EntryState::Completed, 1_000, Some("s3://b/sp/1")),
    ];
    assert_eq!(
        resolve_source(&RestoreSource::Latest, &history, "app/orders"),
        Ok(Some("s3://b/sp/2".into()))
    );
}

#[test]
fn latest_without_completed_savepoint_is_refused() {
    let history = vec![entry("f", EntryState::Failed, 1_000, None)];
    let err = resolve_source(&RestoreSource::Latest, &history, "app/orders").unwrap_err();
    assert_eq!(
        err,
        RestoreError::NoCompleted {
            target: "app/orders".into()
        }
    );
    assert!(err.to_string().contains("no completed savepoint"));
}

#[test]
fn named_entry_must_be_completed_and_unknown_names_are_looked_up() {
    let history = vec![entry("f", EntryState::Failed, 1_000, None)];
    let named = |n: &str| RestoreSource::Named(n.into());
    assert!(matches!(
        resolve_source(&named("f"), &history, "app/orders"),
        Err(RestoreError::NotCompleted { .. })
    ));
    assert_eq!(
        resolve_source(&named("other"), &history, "app/orders"),
        Ok(None)
    );
}

#[test]
fn in_place_sets_path_and_a_nonce_different_from_spec_and_reconciled() {
    let plan = plan_in_place(&app(), "app/orders", "s3://b/sp/2", true, Some(10), 9).unwrap();
    assert_eq!(plan.nonce, 11);
    assert_eq!(
        plan.patch,
        json!({"spec": {"job": {"initialSavepointPath": "s3://b/sp/2", "savepointRedeployNonce": 11,
                                "allowNonRestoredState": true}},
               "metadata": {"resourceVersion": "12"}})
    );
    let plan = plan_in_place(
        &app(),
        "app/orders",
        "s3://x",
        false,
        None,
        1_700_000_000_000,
    )
    .unwrap();
    assert!(
        plan.patch["spec"]["job"]
            .get("allowNonRestoredState")
            .is_none()
    );
}

#[test]
fn session_cluster_cannot_be_restored() {
    let mut session = app();
    session["spec"].as_object_mut().unwrap().remove("job");
    assert!(matches!(
        plan_in_place(&session, "session/orders", "s3://x", false, None, 1),
        Err(RestoreError::NoJob { .. })
    ));
}

#[test]
fn copy_cleans_metadata_status_and_nonces_and_sets_the_initial_path() {
    let plan = plan_copy(
        &app(),
        "app/orders",
        "orders-restored",
        "s3://b/sp/2",
        false,
    )
    .unwrap();
    let obj = plan.object;
    assert_eq!(
        obj["metadata"],
        json!({"name": "orders-restored", "namespace": "flink", "labels": {"team": "a"},
               "annotations": {"owner": "me"}})
    );
    assert!(obj.get("status").is_none());
    assert_eq!(
        obj["spec"]["job"],
        json!({"jarURI": "local:///j.jar", "upgradeMode": "savepoint", "initialSavepointPath": "s3://b/sp/2"})
    );
    assert_eq!(
        obj["spec"]["flinkConfiguration"],
        app()["spec"]["flinkConfiguration"]
    );
}

#[test]
fn copy_names_follow_the_operator_rules() {
    let long = "a".repeat(46);
    for bad in ["Orders", "1orders", "orders-", long.as_str(), ""] {
        assert!(
            plan_copy(&app(), "app/orders", bad, "s3://x", false).is_err(),
            "{bad}"
        );
    }
    assert!(validate_new_name("clicks.v2", "FlinkSessionJob").is_ok());
}
