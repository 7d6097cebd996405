use serde_json::json;

use super::*;
use crate::crd::{FlinkDeployment, FlinkSessionJob};

fn app(config: serde_json::Value, job_state: Option<&str>) -> FlinkDeployment {
    let mut status = json!({
        "reconciliationStatus": {
            "lastReconciledSpec": "{\"spec\":{\"job\":{\"savepointTriggerNonce\":1001}},\"resource_metadata\":{}}"
        }
    });
    if let Some(state) = job_state {
        status["jobStatus"] = json!({ "state": state });
    }
    serde_json::from_value(json!({
        "apiVersion": "flink.apache.org/v1beta1",
        "kind": "FlinkDeployment",
        "metadata": { "name": "orders", "namespace": "flink", "resourceVersion": "77" },
        "spec": { "job": { "jarURI": "local:///x.jar", "savepointTriggerNonce": 1000 },
                  "flinkConfiguration": config },
        "status": status,
    }))
    .unwrap()
}

fn session_cluster(config: serde_json::Value) -> FlinkDeployment {
    serde_json::from_value(json!({
        "apiVersion": "flink.apache.org/v1beta1",
        "kind": "FlinkDeployment",
        "metadata": { "name": "shared", "namespace": "flink", "resourceVersion": "5" },
        "spec": { "flinkConfiguration": config },
    }))
    .unwrap()
}

fn session_job(config: serde_json::Value) -> FlinkSessionJob {
    serde_json::from_value(json!({
        "apiVersion": "flink.apache.org/v1beta1",
        "kind": "FlinkSessionJob",
        "metadata": { "name": "etl", "namespace": "flink", "resourceVersion": "9" },
        "spec": { "deploymentName": "shared", "job": { "jarURI": "https://x/y.jar" },
                  "flinkConfiguration": config },
        "status": { "jobStatus": { "state": "RUNNING" } },
    }))
    .unwrap()
}

fn input(subject: Target<'_>, method: Method) -> TriggerInput<'_> {
    TriggerInput {
        subject,
        method,
        snapshot_crd_installed: true,
        force: false,
        now_ms: 1000,
        snapshot: SnapshotOptions::default(),
    }
}

fn with_dir() -> serde_json::Value {
    json!({ "state.savepoints.dir": "s3://bucket/sp" })
}

#[test]
fn nonce_plan_avoids_spec_and_reconciled_nonces_and_keeps_resource_version() {
    let d = app(with_dir(), Some("RUNNING"));
    let plan = plan_trigger(&input(Target::deployment(&d), Method::Nonce)).unwrap();
    assert_eq!(
        plan.action,
        TriggerAction::Nonce {
            nonce: 1002,
            previous: Some(1000),
            resource_version: "77".into()
        }
    );
    assert!(plan.warnings.is_empty());
    assert_eq!(
        plan.savepoint_dir,
        Some((
            "state.savepoints.dir".into(),
            "s3://bucket/sp".into(),
            "the FlinkDeployment".into()
        ))
    );
}

#[test]
fn session_cluster_is_refused() {
    let d = session_cluster(with_dir());
    let err = plan_trigger(&input(Target::deployment(&d), Method::Nonce)).unwrap_err();
    assert!(matches!(err, Refusal::SessionCluster { .. }));
    assert!(err.to_string().contains("session cluster"));
}

#[test]
fn snapshot_method_without_crd_is_refused_naming_the_crd_and_release() {
    let d = app(with_dir(), Some("RUNNING"));
    let mut i = input(Target::deployment(&d), Method::Snapshot);
    i.snapshot_crd_installed = false;
    let err = plan_trigger(&i).unwrap_err();
    assert_eq!(err, Refusal::SnapshotCrdMissing);
    assert!(
        err.to_string()
            .contains("flinkstatesnapshots.flink.apache.org")
    );
    assert!(err.to_string().contains("1.10.0"));
}

#[test]
fn missing_savepoint_dir_is_refused_naming_keys_and_places() {
    let d = app(json!({}), Some("RUNNING"));
    let err = plan_trigger(&input(Target::deployment(&d), Method::Nonce)).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("execution.checkpointing.savepoint-dir"),
        "{text}"
    );
    assert!(text.contains("state.savepoints.dir"), "{text}");
    assert!(text.contains("FlinkDeployment \"orders\""), "{text}");
}

#[test]
fn nested_savepoint_dir_counts() {
    let d = app(
        json!({ "execution": { "checkpointing": { "savepoint-dir": "s3://b" } } }),
        Some("RUNNING"),
    );
    assert!(plan_trigger(&input(Target::deployment(&d), Method::Nonce)).is_ok());
}

#[test]
fn session_job_uses_its_session_clusters_savepoint_dir() {
    let cluster = session_cluster(with_dir());
    let job = session_job(json!({}));
    let subject = Target::SessionJob {
        job: &job,
        cluster: Some(&cluster),
    };
    let plan = plan_trigger(&input(subject, Method::Snapshot)).unwrap();
    assert_eq!(plan.savepoint_dir.unwrap().2, "its session cluster");
    let TriggerAction::Snapshot(snapshot) = plan.action else {
        panic!("expected a snapshot")
    };
    assert_eq!(snapshot.metadata.name.as_deref(), Some("etl-sp-1000"));
}

#[test]
fn session_job_without_any_dir_names_both_places() {
    let cluster = session_cluster(json!({}));
    let job = session_job(json!({}));
    let subject = Target::SessionJob {
        job: &job,
        cluster: Some(&cluster),
    };
    let text = plan_trigger(&input(subject, Method::Nonce))
        .unwrap_err()
        .to_string();
    assert!(text.contains("FlinkSessionJob \"etl\""), "{text}");
    assert!(
        text.contains("session cluster FlinkDeployment \"shared\""),
        "{text}"
    );
    let subject = Target::SessionJob {
        job: &job,
        cluster: None,
    };
    let text = plan_trigger(&input(subject, Method::Nonce))
        .unwrap_err()
        .to_string();
    assert!(text.contains("was not found"), "{text}");
}

#[test]
fn job_not_running_is_refused_unless_forced() {
    let d = app(with_dir(), Some("RESTARTING"));
    let err = plan_trigger(&input(Target::deployment(&d), Method::Nonce)).unwrap_err();
    assert_eq!(
        err,
        Refusal::JobNotRunning {
            target: "app/orders".into(),
            state: "RESTARTING".into()
        }
    );
    let mut forced = input(Target::deployment(&d), Method::Nonce);
    forced.force = true;
    let plan = plan_trigger(&forced).unwrap();
    assert_eq!(plan.warnings.len(), 1);
    assert!(plan.warnings[0].contains("RESTARTING"));
}

#[test]
fn job_without_status_counts_as_not_running() {
    let d = app(with_dir(), None);
    assert!(matches!(
        plan_trigger(&input(Target::deployment(&d), Method::Nonce)),
        Err(Refusal::JobNotRunning { .. })
    ));
}

#[test]
fn force_also_overrides_a_missing_dir_with_a_warning() {
    let d = app(json!({}), Some("RUNNING"));
    let mut forced = input(Target::deployment(&d), Method::Nonce);
    forced.force = true;
    let plan = plan_trigger(&forced).unwrap();
    assert!(plan.warnings[0].contains("no savepoint directory"));
}
