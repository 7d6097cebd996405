//! FlinkSessionJob (`flinksessionjobs.flink.apache.org`, shortname `sessionjob`).

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::accessors::job_resource_accessors;
use super::enums::{FlinkJobState, JobKind, LifecycleState};
use super::job::{JobSpec, JobStatus};
use super::reconciliation::ReconciliationStatus;
use super::target::TargetRef;

/// `spec` of a FlinkSessionJob.
#[derive(CustomResource, Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "flink.apache.org",
    version = "v1beta1",
    kind = "FlinkSessionJob",
    plural = "flinksessionjobs",
    shortname = "sessionjob",
    namespaced,
    status = "FlinkSessionJobStatus",
    derive = "PartialEq",
    derive = "Default"
)]
#[serde(rename_all = "camelCase")]
pub struct FlinkSessionJobSpec {
    /// Name of the session FlinkDeployment in the same namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment_name: Option<String>,
    /// The job (required by the operator's validator).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job: Option<JobSpec>,
    /// Change to force a restart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart_nonce: Option<i64>,
    /// Free-form Flink configuration (flat keys or nested YAML), overlaid on the cluster's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flink_configuration: Option<Map<String, Value>>,
    /// Fields this crate does not model, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `status` of a FlinkSessionJob.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FlinkSessionJobStatus {
    /// Job status.
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
    /// Fields this crate does not model, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl FlinkSessionJob {
    /// `spec.deploymentName`.
    pub fn deployment_name(&self) -> Option<&str> {
        self.spec.deployment_name.as_deref()
    }
}

job_resource_accessors!(FlinkSessionJob, JobKind::FlinkSessionJob);
