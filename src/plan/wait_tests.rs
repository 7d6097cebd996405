use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::*;
use crate::crd::FlinkDeployment;

fn app(nonce: i64, reconciled: i64, savepoint_info: Value) -> FlinkDeployment {
    serde_json::from_value(json!({
        "apiVersion": "flink.apache.org/v1beta1",
        "kind": "FlinkDeployment",
        "metadata": { "name": "orders", "namespace": "flink" },
        "spec": { "job": { "savepointTriggerNonce": nonce } },
        "status": {
            "jobStatus": { "state": "RUNNING", "savepointInfo": savepoint_info },
            "reconciliationStatus": {
                "lastReconciledSpec": format!(
                    "{{\"spec\":{{\"job\":{{\"savepointTriggerNonce\":{reconciled}}}}},\"resource_metadata\":{{}}}}"
                )
            }
        }
    }))
    .unwrap()
}

fn snapshot(name: &str, state: &str, extra_status: Value) -> FlinkStateSnapshot {
    let mut status = json!({ "state": state });
    if let (Some(s), Some(extra)) = (status.as_object_mut(), extra_status.as_object()) {
        s.extend(extra.clone());
    }
    serde_json::from_value(json!({
        "apiVersion": "flink.apache.org/v1beta1",
        "kind": "FlinkStateSnapshot",
        "metadata": { "name": name, "namespace": "flink",
                      "labels": { "snapshot.trigger-type": "MANUAL" } },
        "spec": { "jobReference": { "kind": "FlinkDeployment", "name": "orders" },
                  "savepoint": {}, "backoffLimit": -1 },
        "status": status,
    }))
    .unwrap()
}

fn known(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

#[test]
fn legacy_record_with_our_nonce_completes_with_its_location() {
    let d = app(
        7,
        7,
        json!({ "lastSavepoint": { "location": "s3://b/sp-1", "triggerNonce": 7, "timeStamp": 1 } }),
    );
    assert_eq!(
        evaluate_nonce((&d).into(), &[], 7, &known(&[])),
        WaitStatus::Completed {
            location: Some("s3://b/sp-1".into()),
            snapshot: None
        }
    );
}

#[test]
fn legacy_pending_manual_trigger_is_in_progress() {
    let d = app(
        7,
        6,
        json!({ "triggerId": "abc", "triggerType": "MANUAL", "triggerTimestamp": 5 }),
    );
    let status = evaluate_nonce((&d).into(), &[], 7, &known(&[]));
    assert_eq!(
        status,
        WaitStatus::Waiting("savepoint in progress (trigger abc)".into())
    );
}

#[test]
fn unpicked_nonce_is_waiting() {
    let d = app(7, 6, json!({}));
    assert!(matches!(
        evaluate_nonce((&d).into(), &[], 7, &known(&[])),
        WaitStatus::Waiting(_)
    ));
}

#[test]
fn handled_nonce_without_any_record_is_reported_for_a_recheck() {
    let d = app(7, 7, json!({}));
    assert!(matches!(
        evaluate_nonce((&d).into(), &[], 7, &known(&[])),
        WaitStatus::HandledWithoutRecord(_)
    ));
}

#[test]
fn snapshot_mode_follows_the_new_operator_snapshot_and_ignores_known_ones() {
    let d = app(7, 7, json!({}));
    let old = snapshot(
        "orders-savepoint-manual-100",
        "COMPLETED",
        json!({ "path": "s3://old" }),
    );
    let new = snapshot("orders-savepoint-manual-200", "IN_PROGRESS", json!({}));
    let plugin = snapshot(
        "orders-sp-300",
        "COMPLETED",
        json!({ "path": "s3://plugin" }),
    );
    let all = [old.clone(), new, plugin];
    let status = evaluate_nonce(
        (&d).into(),
        &all,
        7,
        &known(&["orders-savepoint-manual-100"]),
    );
    assert_eq!(
        status,
        WaitStatus::Waiting("orders-savepoint-manual-200: IN_PROGRESS".into())
    );
    let done = snapshot(
        "orders-savepoint-manual-200",
        "COMPLETED",
        json!({ "path": "s3://new" }),
    );
    let status = evaluate_nonce(
        (&d).into(),
        &[old, done],
        7,
        &known(&["orders-savepoint-manual-100"]),
    );
    assert_eq!(
        status,
        WaitStatus::Completed {
            location: Some("s3://new".into()),
            snapshot: Some("orders-savepoint-manual-200".into())
        }
    );
}

#[test]
fn replaced_nonce_fails() {
    let d = app(9, 6, json!({}));
    let status = evaluate_nonce((&d).into(), &[], 7, &known(&[]));
    assert!(
        matches!(status, WaitStatus::Failed(ref m) if m.contains("changed to 9")),
        "{status:?}"
    );
}

#[test]
fn snapshot_states_map_to_outcomes() {
    let failed = snapshot(
        "x",
        "FAILED",
        json!({ "error": "disk full", "failures": 1 }),
    );
    assert_eq!(
        evaluate_snapshot(&failed),
        WaitStatus::Failed("disk full".into())
    );
    let abandoned = snapshot("x", "ABANDONED", json!({ "error": "job not running" }));
    assert_eq!(
        evaluate_snapshot(&abandoned),
        WaitStatus::Abandoned("job not running".into())
    );
    let pending = snapshot("x", "TRIGGER_PENDING", json!({}));
    assert!(!evaluate_snapshot(&pending).is_final());
}

#[test]
fn failed_snapshot_with_retries_left_keeps_waiting() {
    let mut s = snapshot("x", "FAILED", json!({ "error": "boom", "failures": 1 }));
    s.spec.backoff_limit = Some(3);
    assert!(
        matches!(evaluate_snapshot(&s), WaitStatus::Waiting(ref m) if m.contains("will retry"))
    );
    s.status.as_mut().unwrap().failures = Some(4);
    assert_eq!(evaluate_snapshot(&s), WaitStatus::Failed("boom".into()));
}

#[test]
fn named_snapshot_that_disappears_fails() {
    let subject = WaitSubject::Snapshot {
        name: "gone".into(),
    };
    assert!(matches!(
        evaluate(&subject, None, &[]),
        WaitStatus::Failed(_)
    ));
}

#[test]
fn latest_subject_follows_a_requested_nonce_or_the_newest_snapshot() {
    let d = app(7, 6, json!({}));
    let existing = snapshot(
        "orders-savepoint-manual-100",
        "COMPLETED",
        json!({ "path": "s3://a" }),
    );
    match latest_subject((&d).into(), std::slice::from_ref(&existing)) {
        Some(WaitSubject::Nonce {
            nonce,
            known_snapshots,
        }) => {
            assert_eq!(nonce, 7);
            assert!(known_snapshots.contains("orders-savepoint-manual-100"));
        }
        other => panic!("unexpected {other:?}"),
    }
    let settled = app(7, 7, json!({}));
    let running = snapshot(
        "orders-sp-200",
        "IN_PROGRESS",
        json!({ "triggerTimestamp": "2026-01-01T00:00:00Z" }),
    );
    assert_eq!(
        latest_subject((&settled).into(), &[running]),
        Some(WaitSubject::Snapshot {
            name: "orders-sp-200".into()
        })
    );
    assert_eq!(latest_subject((&settled).into(), &[]), None);
}

#[test]
fn legacy_periodic_trigger_completes_when_cleared_with_a_newer_record() {
    let before = app(
        7,
        7,
        json!({ "triggerId": "t1", "triggerType": "PERIODIC", "triggerTimestamp": 1000 }),
    );
    let subject = latest_subject((&before).into(), &[]).unwrap();
    assert!(
        matches!(subject, WaitSubject::LegacyTrigger { ref trigger_id, .. } if trigger_id == "t1")
    );
    assert!(!evaluate(&subject, Some((&before).into()), &[]).is_final());
    let after = app(
        7,
        7,
        json!({ "lastSavepoint": { "location": "s3://p", "timeStamp": 1000, "triggerType": "PERIODIC" } }),
    );
    assert_eq!(
        evaluate(&subject, Some((&after).into()), &[]),
        WaitStatus::Completed {
            location: Some("s3://p".into()),
            snapshot: None
        }
    );
}
