//! [`TriggerSubject`]: the resource a savepoint is requested for, as the planner sees it.

use crate::crd::{FlinkDeployment, FlinkSessionJob, JobStatus, TargetRef};

/// The resource a savepoint is requested for.
#[derive(Debug, Clone, Copy)]
pub enum TriggerSubject<'a> {
    /// A FlinkDeployment (application mode; a session cluster is refused).
    Deployment(&'a FlinkDeployment),
    /// A FlinkSessionJob and, if found, its session cluster.
    SessionJob {
        /// The session job.
        job: &'a FlinkSessionJob,
        /// Its session cluster (`spec.deploymentName`), `None` if it could not be found.
        cluster: Option<&'a FlinkDeployment>,
    },
}

impl TriggerSubject<'_> {
    /// `app/NAME` or `job/NAME`, as the user writes targets.
    pub fn display(&self) -> String {
        match self {
            TriggerSubject::Deployment(d) => {
                format!("app/{}", d.metadata.name.as_deref().unwrap_or(""))
            }
            TriggerSubject::SessionJob { job, .. } => {
                format!("job/{}", job.metadata.name.as_deref().unwrap_or(""))
            }
        }
    }

    /// Kind, namespace and name.
    pub fn target_ref(&self) -> TargetRef {
        match self {
            TriggerSubject::Deployment(d) => d.target_ref(),
            TriggerSubject::SessionJob { job, .. } => job.target_ref(),
        }
    }

    pub(super) fn job_status(&self) -> Option<&JobStatus> {
        match self {
            TriggerSubject::Deployment(d) => d.job_status(),
            TriggerSubject::SessionJob { job, .. } => job.job_status(),
        }
    }

    pub(super) fn nonces(&self) -> (Option<i64>, Option<i64>) {
        let (spec, reconciled) = match self {
            TriggerSubject::Deployment(d) => {
                (d.savepoint_trigger_nonce(), d.reconciliation_status())
            }
            TriggerSubject::SessionJob { job, .. } => {
                (job.savepoint_trigger_nonce(), job.reconciliation_status())
            }
        };
        (
            spec,
            reconciled.and_then(|r| r.reconciled_savepoint_nonce()),
        )
    }

    pub(super) fn resource_version(&self) -> Option<&str> {
        match self {
            TriggerSubject::Deployment(d) => d.metadata.resource_version.as_deref(),
            TriggerSubject::SessionJob { job, .. } => job.metadata.resource_version.as_deref(),
        }
    }
}
