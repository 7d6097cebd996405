//! FlinkDeployment (`flinkdeployments.flink.apache.org`, shortname `flinkdep`).

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::accessors::job_resource_accessors;
use super::enums::{FlinkJobState, JobKind, JobManagerDeploymentStatus, LifecycleState};
use super::job::{JobSpec, JobStatus};
use super::reconciliation::ReconciliationStatus;
use super::target::TargetRef;

/// `spec` of a FlinkDeployment. Only savepoint-relevant fields are strongly typed; the rest is
/// kept as raw JSON.
#[derive(CustomResource, Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "flink.apache.org",
    version = "v1beta1",
    kind = "FlinkDeployment",
    plural = "flinkdeployments",
    shortname = "flinkdep",
    namespaced,
    status = "FlinkDeploymentStatus",
    derive = "PartialEq",
    derive = "Default"
)]
#[serde(rename_all = "camelCase")]
pub struct FlinkDeploymentSpec {
    /// The job; `None` for a session cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job: Option<JobSpec>,
    /// Change to force a restart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart_nonce: Option<i64>,
    /// Free-form Flink configuration (flat keys or nested YAML).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flink_configuration: Option<Map<String, Value>>,
    /// Container image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Image pull policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_pull_policy: Option<String>,
    /// Flink version (`v1_20`, `v2_0`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flink_version: Option<String>,
    /// Service account of the Flink pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account: Option<String>,
    /// Deployment mode (`native` / `standalone`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// Ingress settings (raw).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingress: Option<Value>,
    /// Pod template (raw).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_template: Option<Value>,
    /// JobManager spec (raw).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_manager: Option<Value>,
    /// TaskManager spec (raw).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_manager: Option<Value>,
    /// Logging configuration (raw).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_configuration: Option<Value>,
    /// Fields this crate does not model, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `status` of a FlinkDeployment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FlinkDeploymentStatus {
    /// Job status (application mode).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_status: Option<JobStatus>,
    /// Last error (including validation errors).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Derived lifecycle state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle_state: Option<LifecycleState>,
    /// `metadata.generation` at the last spec reconciliation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// Reconciliation bookkeeping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reconciliation_status: Option<ReconciliationStatus>,
    /// Cluster info (Flink version, revision, ...; string values in practice).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_info: Option<Map<String, Value>>,
    /// JobManager deployment status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_manager_deployment_status: Option<JobManagerDeploymentStatus>,
    /// TaskManager info (raw).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_manager: Option<Value>,
    /// Kubernetes conditions (raw).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Vec<Value>>,
    /// Fields this crate does not model, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl FlinkDeployment {
    /// A session cluster has no `spec.job`.
    pub fn is_session_cluster(&self) -> bool {
        self.spec.job.is_none()
    }

    /// `status.clusterInfo["state-size"]`: bytes of the latest completed checkpoint, which the
    /// operator (1.11+, FLINK-37253) copies from the JobManager. A string in the status (the map
    /// is `Map<String, String>`); a number is accepted too.
    pub fn cluster_state_size(&self) -> Option<u64> {
        let value = self
            .status
            .as_ref()?
            .cluster_info
            .as_ref()?
            .get("state-size")?;
        match value {
            serde_json::Value::String(s) => s.trim().parse().ok(),
            serde_json::Value::Number(n) => n.as_u64(),
            _ => None,
        }
    }
}

job_resource_accessors!(FlinkDeployment, JobKind::FlinkDeployment);
