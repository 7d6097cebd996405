//! [`Target`]: the one view of what a command acts on, used by history, planning, describe and
//! the plugin.

use serde_json::{Map, Value};

use crate::config::{FlatConfig, flatten};

use super::deployment::FlinkDeployment;
use super::enums::LifecycleState;
use super::job::{JobSpec, JobStatus};
use super::kind::Kind;
use super::reconciliation::{ReconciliationStatus, savepoint_nonce_of};
use super::session_job::FlinkSessionJob;
use super::target::TargetRef;

/// An application, a session cluster, or a session job with its session cluster when that was
/// found (a session job's savepoint directory and defaults come from its cluster).
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    /// A FlinkDeployment with `spec.job`.
    Application(&'a FlinkDeployment),
    /// A FlinkDeployment without `spec.job`.
    SessionCluster(&'a FlinkDeployment),
    /// A FlinkSessionJob.
    SessionJob {
        /// The job.
        job: &'a FlinkSessionJob,
        /// Its session cluster (`spec.deploymentName`), if it was read and exists.
        cluster: Option<&'a FlinkDeployment>,
    },
}

impl<'a> Target<'a> {
    /// A FlinkDeployment: an application when it has a job, else a session cluster.
    pub fn deployment(deployment: &'a FlinkDeployment) -> Self {
        if deployment.is_session_cluster() {
            Self::SessionCluster(deployment)
        } else {
            Self::Application(deployment)
        }
    }

    /// A session job and, if found, its session cluster.
    pub fn session_job(job: &'a FlinkSessionJob, cluster: Option<&'a FlinkDeployment>) -> Self {
        Self::SessionJob { job, cluster }
    }

    /// Which of the four kinds this is.
    pub fn kind(&self) -> Kind {
        match self {
            Self::Application(_) => Kind::Application,
            Self::SessionCluster(_) => Kind::SessionCluster,
            Self::SessionJob { .. } => Kind::SessionJob,
        }
    }

    /// `metadata.name` (empty when unset).
    pub fn name(&self) -> &'a str {
        match self {
            Self::Application(d) | Self::SessionCluster(d) => d.metadata.name.as_deref(),
            Self::SessionJob { job, .. } => job.metadata.name.as_deref(),
        }
        .unwrap_or("")
    }

    /// `metadata.namespace`.
    pub fn namespace(&self) -> Option<&'a str> {
        match self {
            Self::Application(d) | Self::SessionCluster(d) => d.metadata.namespace.as_deref(),
            Self::SessionJob { job, .. } => job.metadata.namespace.as_deref(),
        }
    }

    /// `app/NAME`, `session/NAME` or `job/NAME`.
    pub fn display(&self) -> String {
        format!("{}/{}", self.kind().prefix(), self.name())
    }

    /// The reference savepoints carry (`jobReference`).
    pub fn target_ref(&self) -> TargetRef {
        match self {
            Self::Application(d) | Self::SessionCluster(d) => d.target_ref(),
            Self::SessionJob { job, .. } => job.target_ref(),
        }
    }

    /// `spec.job`.
    pub fn job(&self) -> Option<&'a JobSpec> {
        match self {
            Self::Application(d) | Self::SessionCluster(d) => d.job(),
            Self::SessionJob { job, .. } => job.job(),
        }
    }

    /// `status.jobStatus`.
    pub fn job_status(&self) -> Option<&'a JobStatus> {
        match self {
            Self::Application(d) | Self::SessionCluster(d) => d.job_status(),
            Self::SessionJob { job, .. } => job.job_status(),
        }
    }

    /// `status.lifecycleState`.
    pub fn lifecycle_state(&self) -> Option<&'a LifecycleState> {
        match self {
            Self::Application(d) | Self::SessionCluster(d) => d.lifecycle_state(),
            Self::SessionJob { job, .. } => job.lifecycle_state(),
        }
    }

    /// `status.reconciliationStatus`.
    pub fn reconciliation_status(&self) -> Option<&'a ReconciliationStatus> {
        match self {
            Self::Application(d) | Self::SessionCluster(d) => d.reconciliation_status(),
            Self::SessionJob { job, .. } => job.reconciliation_status(),
        }
    }

    /// `spec.job.savepointTriggerNonce` and the nonce of the last reconciled spec.
    pub fn nonces(&self) -> (Option<i64>, Option<i64>) {
        (
            self.job().and_then(|j| j.savepoint_trigger_nonce),
            self.reconciliation_status()
                .and_then(|r| r.reconciled_savepoint_nonce()),
        )
    }

    /// The spec's nonce when the operator has not reconciled it yet (a requested savepoint).
    pub fn requested_nonce(&self) -> Option<i64> {
        let nonce = self.job()?.savepoint_trigger_nonce?;
        let reconciled = self.reconciliation_status()?.last_reconciled_spec_value()?;
        (savepoint_nonce_of(&reconciled) != Some(nonce)).then_some(nonce)
    }

    /// `metadata.resourceVersion`.
    pub fn resource_version(&self) -> Option<&'a str> {
        match self {
            Self::Application(d) | Self::SessionCluster(d) => {
                d.metadata.resource_version.as_deref()
            }
            Self::SessionJob { job, .. } => job.metadata.resource_version.as_deref(),
        }
    }

    /// The object's own `spec.flinkConfiguration`.
    pub fn flink_configuration(&self) -> Option<&'a Map<String, Value>> {
        match self {
            Self::Application(d) | Self::SessionCluster(d) => d.flink_configuration(),
            Self::SessionJob { job, .. } => job.flink_configuration(),
        }
    }

    /// A session job's session cluster, when found.
    pub fn cluster(&self) -> Option<&'a FlinkDeployment> {
        match self {
            Self::SessionJob { cluster, .. } => *cluster,
            _ => None,
        }
    }

    /// The flattened `spec.flinkConfiguration` of the object and, for a session job, of its
    /// session cluster (empty when the cluster was not found); see [`crate::config::Layered::of`].
    pub fn flat_configs(&self) -> (FlatConfig, Option<FlatConfig>) {
        let flat = |c: Option<&Map<String, Value>>| c.map(flatten).unwrap_or_default();
        let cluster = matches!(self, Self::SessionJob { .. }).then(|| {
            flat(
                self.cluster()
                    .and_then(FlinkDeployment::flink_configuration),
            )
        });
        (flat(self.flink_configuration()), cluster)
    }

    /// A session job's `spec.deploymentName`.
    pub fn cluster_name(&self) -> Option<&'a str> {
        match self {
            Self::SessionJob { job, .. } => job.deployment_name(),
            _ => None,
        }
    }
}

impl<'a> From<&'a FlinkDeployment> for Target<'a> {
    fn from(deployment: &'a FlinkDeployment) -> Self {
        Self::deployment(deployment)
    }
}

impl<'a> From<&'a FlinkSessionJob> for Target<'a> {
    fn from(job: &'a FlinkSessionJob) -> Self {
        Self::session_job(job, None)
    }
}
