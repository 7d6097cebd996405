//! Small builders of realistic Flink objects for tests (here and in the plugin, webhook and
//! sandbox crates). Everything returned is an ordinary model value; adjust fields directly.

use serde_json::json;

use crate::crd::{
    FlinkDeployment, FlinkDeploymentSpec, FlinkDeploymentStatus, FlinkJobState, FlinkSessionJob,
    FlinkSessionJobSpec, FlinkSessionJobStatus, FlinkStateSnapshot, FlinkStateSnapshotSpec,
    FlinkStateSnapshotStatus, JobReference, JobSpec, JobState, JobStatus, LABEL_JOB_REF_KIND,
    LABEL_JOB_REF_NAME, LABEL_SNAPSHOT_STATE, LABEL_SNAPSHOT_TYPE, LABEL_TRIGGER_TYPE,
    ReconciliationState, ReconciliationStatus, Savepoint, SavepointFormatType, SavepointSpec,
    SnapshotState, SnapshotTriggerType, TargetRef, UpgradeMode,
};

/// A running savepoint-mode job spec with the given nonce.
pub fn job_spec(nonce: Option<i64>) -> JobSpec {
    JobSpec {
        jar_uri: Some("local:///opt/flink/examples/streaming/StateMachineExample.jar".into()),
        parallelism: Some(2),
        upgrade_mode: Some(UpgradeMode::Savepoint),
        state: Some(JobState::Running),
        savepoint_trigger_nonce: nonce,
        ..Default::default()
    }
}

/// `reconciliationStatus` whose `lastReconciledSpec` (current format) records `nonce`.
pub fn reconciled(nonce: Option<i64>) -> ReconciliationStatus {
    let spec = json!({
        "spec": {"job": {"upgradeMode": "savepoint", "state": "running", "savepointTriggerNonce": nonce}},
        "resource_metadata": {"apiVersion": crate::crd::API_VERSION, "firstDeployment": false}
    });
    ReconciliationStatus {
        state: Some(ReconciliationState::Deployed),
        reconciliation_timestamp: Some(1_735_787_050_000),
        last_reconciled_spec: Some(spec.to_string()),
        ..Default::default()
    }
}

/// A RUNNING job status with an empty legacy `savepointInfo`.
pub fn running_job_status() -> JobStatus {
    JobStatus {
        job_id: Some("3f2a1b6c5d4e3f2a1b6c5d4e3f2a1b6c".into()),
        state: Some(FlinkJobState::Running),
        start_time: Some("1735780000000".into()),
        savepoint_info: Some(Default::default()),
        ..Default::default()
    }
}

/// An application-mode FlinkDeployment: savepoint upgrade mode, RUNNING, reconciled with the
/// same nonce as its spec (so nothing is requested).
pub fn application(namespace: &str, name: &str, nonce: Option<i64>) -> FlinkDeployment {
    let mut d = FlinkDeployment::new(
        name,
        FlinkDeploymentSpec {
            job: Some(job_spec(nonce)),
            image: Some("flink:1.20".into()),
            flink_version: Some("v1_20".into()),
            service_account: Some("flink".into()),
            flink_configuration: Some(
                [(
                    "execution.checkpointing.savepoint-dir".to_owned(),
                    json!(format!("file:///flink-data/savepoints/{name}")),
                )]
                .into_iter()
                .collect(),
            ),
            ..Default::default()
        },
    );
    d.metadata.namespace = Some(namespace.into());
    d.status = Some(FlinkDeploymentStatus {
        job_status: Some(running_job_status()),
        reconciliation_status: Some(reconciled(nonce)),
        ..Default::default()
    });
    d
}

/// A session cluster FlinkDeployment (no `spec.job`).
pub fn session_cluster(namespace: &str, name: &str) -> FlinkDeployment {
    let mut d = FlinkDeployment::new(
        name,
        FlinkDeploymentSpec {
            image: Some("flink:1.20".into()),
            flink_version: Some("v1_20".into()),
            service_account: Some("flink".into()),
            ..Default::default()
        },
    );
    d.metadata.namespace = Some(namespace.into());
    d
}

/// A RUNNING FlinkSessionJob on `deployment`, reconciled with the same nonce as its spec.
pub fn session_job(
    namespace: &str,
    name: &str,
    deployment: &str,
    nonce: Option<i64>,
) -> FlinkSessionJob {
    let mut j = FlinkSessionJob::new(
        name,
        FlinkSessionJobSpec {
            deployment_name: Some(deployment.into()),
            job: Some(JobSpec {
                jar_uri: Some("https://repo.example.com/job.jar".into()),
                ..job_spec(nonce)
            }),
            ..Default::default()
        },
    );
    j.metadata.namespace = Some(namespace.into());
    j.status = Some(FlinkSessionJobStatus {
        job_status: Some(running_job_status()),
        reconciliation_status: Some(reconciled(nonce)),
        ..Default::default()
    });
    j
}

/// A legacy savepoint record.
pub fn legacy_savepoint(
    epoch_ms: i64,
    location: &str,
    trigger_type: SnapshotTriggerType,
) -> Savepoint {
    Savepoint {
        time_stamp: Some(epoch_ms),
        location: Some(location.into()),
        trigger_type: Some(trigger_type),
        format_type: Some(SavepointFormatType::Canonical),
        ..Default::default()
    }
}

/// A savepoint FlinkStateSnapshot of `target` (same namespace), without status or labels.
pub fn savepoint_snapshot(name: &str, target: &TargetRef) -> FlinkStateSnapshot {
    let mut s = FlinkStateSnapshot::new(
        name,
        FlinkStateSnapshotSpec {
            job_reference: Some(JobReference {
                kind: Some(target.kind.clone()),
                name: Some(target.name.clone()),
                ..Default::default()
            }),
            savepoint: Some(SavepointSpec {
                format_type: Some(SavepointFormatType::Canonical),
                dispose_on_delete: Some(false),
                already_exists: Some(false),
                ..Default::default()
            }),
            backoff_limit: Some(3),
            ..Default::default()
        },
    );
    s.metadata.namespace = target.namespace.clone();
    s
}

/// Sets the status as the operator would (state, ISO trigger/result timestamps, final path) and
/// the operator's labels (type, state, trigger type, job reference).
pub fn with_status(
    mut snapshot: FlinkStateSnapshot,
    state: SnapshotState,
    trigger_type: SnapshotTriggerType,
    triggered: Option<&str>,
    result: Option<&str>,
    path: Option<&str>,
) -> FlinkStateSnapshot {
    let mut labels = snapshot.metadata.labels.take().unwrap_or_default();
    labels.insert(LABEL_SNAPSHOT_TYPE.into(), "SAVEPOINT".into());
    labels.insert(LABEL_SNAPSHOT_STATE.into(), state.to_string());
    labels.insert(LABEL_TRIGGER_TYPE.into(), trigger_type.to_string());
    if let Some(reference) = snapshot.spec.job_reference.as_ref() {
        if let Some(kind) = &reference.kind {
            labels.insert(LABEL_JOB_REF_KIND.into(), kind.to_string());
        }
        if let Some(name) = &reference.name {
            labels.insert(LABEL_JOB_REF_NAME.into(), name.clone());
        }
    }
    snapshot.metadata.labels = Some(labels);
    snapshot.status = Some(FlinkStateSnapshotStatus {
        state: Some(state),
        trigger_id: triggered.map(|_| "9c2f0e6b1d8a4f3e9b7c5a1d2e3f4a5b".to_owned()),
        trigger_timestamp: triggered.map(str::to_owned),
        result_timestamp: result.map(str::to_owned),
        path: path.map(str::to_owned),
        failures: Some(0),
        ..Default::default()
    });
    snapshot
}
