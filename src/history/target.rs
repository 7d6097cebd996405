//! [`HistoryTarget`]: the resource whose savepoints are listed.

use crate::crd::{
    FlinkDeployment, FlinkSessionJob, JobSpec, JobStatus, ReconciliationStatus, TargetRef,
    savepoint_nonce_of,
};

/// A FlinkDeployment (application mode) or a FlinkSessionJob.
#[derive(Debug, Clone, Copy)]
pub enum HistoryTarget<'a> {
    /// A FlinkDeployment.
    Deployment(&'a FlinkDeployment),
    /// A FlinkSessionJob.
    SessionJob(&'a FlinkSessionJob),
}

impl<'a> HistoryTarget<'a> {
    /// Kind, namespace and name.
    pub fn target_ref(&self) -> TargetRef {
        match self {
            Self::Deployment(d) => d.target_ref(),
            Self::SessionJob(j) => j.target_ref(),
        }
    }

    /// `spec.job`.
    pub fn job(&self) -> Option<&'a JobSpec> {
        match self {
            Self::Deployment(d) => d.job(),
            Self::SessionJob(j) => j.job(),
        }
    }

    /// `status.jobStatus`.
    pub fn job_status(&self) -> Option<&'a JobStatus> {
        match self {
            Self::Deployment(d) => d.job_status(),
            Self::SessionJob(j) => j.job_status(),
        }
    }

    /// `status.reconciliationStatus`.
    pub fn reconciliation_status(&self) -> Option<&'a ReconciliationStatus> {
        match self {
            Self::Deployment(d) => d.reconciliation_status(),
            Self::SessionJob(j) => j.reconciliation_status(),
        }
    }

    /// A nonce set in the spec that the operator has not handled yet.
    ///
    /// `Some(n)` iff `spec.job.savepointTriggerNonce = n`, `lastReconciledSpec` is present and
    /// decodable, and its nonce differs from `n`. Without a reconciled spec the resource was
    /// never deployed, and the operator absorbs a nonce present at first deployment (it never
    /// fires), so there is nothing requested.
    pub fn requested_nonce(&self) -> Option<i64> {
        let nonce = self.job()?.savepoint_trigger_nonce?;
        let reconciled = self.reconciliation_status()?.last_reconciled_spec_value()?;
        (savepoint_nonce_of(&reconciled) != Some(nonce)).then_some(nonce)
    }
}

impl<'a> From<&'a FlinkDeployment> for HistoryTarget<'a> {
    fn from(d: &'a FlinkDeployment) -> Self {
        Self::Deployment(d)
    }
}

impl<'a> From<&'a FlinkSessionJob> for HistoryTarget<'a> {
    fn from(j: &'a FlinkSessionJob) -> Self {
        Self::SessionJob(j)
    }
}
