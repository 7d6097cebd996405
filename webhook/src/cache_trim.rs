//! What the session-cluster cache keeps of each object: only what the policy reads (see the
//! [`crate::cache`] module documentation); everything else is dropped as each watch event arrives.

use flink_savepoint::{
    config::{
        ConfigOption, flatten,
        options::{HISTORY_MAX_AGE, HISTORY_MAX_COUNT, PERIODIC_SAVEPOINT_INTERVAL, SAVEPOINT_DIR},
    },
    crd::{FlinkDeployment, FlinkDeploymentSpec, FlinkSessionJob, FlinkSessionJobSpec},
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// Options of a session cluster the policy reads (any spelling).
pub const CLUSTER_OPTIONS: [ConfigOption; 4] = [
    SAVEPOINT_DIR,
    HISTORY_MAX_AGE,
    HISTORY_MAX_COUNT,
    PERIODIC_SAVEPOINT_INTERVAL,
];

fn trimmed_meta(meta: &ObjectMeta) -> ObjectMeta {
    ObjectMeta {
        name: meta.name.clone(),
        namespace: meta.namespace.clone(),
        uid: meta.uid.clone(),
        resource_version: meta.resource_version.clone(),
        ..ObjectMeta::default()
    }
}

/// Keeps only what the policy reads of a FlinkDeployment (see the module documentation).
pub fn trim_deployment(deployment: &mut FlinkDeployment) {
    let config = deployment.flink_configuration().map(|raw| {
        let flat = flatten(raw);
        CLUSTER_OPTIONS
            .iter()
            .flat_map(|option| flat.find_all_spellings(option))
            .map(|(key, value)| (key.to_owned(), serde_json::Value::String(value.to_owned())))
            .collect::<serde_json::Map<_, _>>()
    });
    deployment.metadata = trimmed_meta(&deployment.metadata);
    deployment.spec = FlinkDeploymentSpec {
        flink_configuration: config,
        ..FlinkDeploymentSpec::default()
    };
    deployment.status = None;
}

/// Keeps only name, namespace and `spec.deploymentName` of a FlinkSessionJob.
pub fn trim_session_job(job: &mut FlinkSessionJob) {
    job.metadata = trimmed_meta(&job.metadata);
    job.spec = FlinkSessionJobSpec {
        deployment_name: job.spec.deployment_name.take(),
        ..FlinkSessionJobSpec::default()
    };
    job.status = None;
}
