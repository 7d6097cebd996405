//! Accessors shared by the two kinds that run a Flink job (FlinkDeployment, FlinkSessionJob).
//!
//! Both kinds have the same `spec.job`, `spec.flinkConfiguration`, `status.jobStatus` and
//! `status.reconciliationStatus` fields; one macro writes their accessors once.

/// Implements the common job accessors on `$ty`, whose [`TargetRef`](super::TargetRef) kind is `$kind`.
macro_rules! job_resource_accessors {
    ($ty:ty, $kind:expr) => {
        impl $ty {
            /// `spec.job`, if present (always for a session job; only for an application cluster).
            pub fn job(&self) -> Option<&JobSpec> {
                self.spec.job.as_ref()
            }

            /// `status.jobStatus`, if reported.
            pub fn job_status(&self) -> Option<&JobStatus> {
                self.status.as_ref()?.job_status.as_ref()
            }

            /// `status.jobStatus.state`, if reported.
            pub fn job_state(&self) -> Option<&FlinkJobState> {
                self.job_status()?.state.as_ref()
            }

            /// `status.lifecycleState`, if reported.
            pub fn lifecycle_state(&self) -> Option<&LifecycleState> {
                self.status.as_ref()?.lifecycle_state.as_ref()
            }

            /// `status.reconciliationStatus`, if reported.
            pub fn reconciliation_status(&self) -> Option<&ReconciliationStatus> {
                self.status.as_ref()?.reconciliation_status.as_ref()
            }

            /// `spec.job.savepointTriggerNonce`.
            pub fn savepoint_trigger_nonce(&self) -> Option<i64> {
                self.job()?.savepoint_trigger_nonce
            }

            /// `spec.flinkConfiguration`, if present.
            pub fn flink_configuration(&self) -> Option<&Map<String, Value>> {
                self.spec.flink_configuration.as_ref()
            }

            /// Reference to this resource (kind, namespace, name).
            pub fn target_ref(&self) -> TargetRef {
                TargetRef::new(
                    $kind,
                    self.metadata.namespace.clone(),
                    self.metadata.name.clone().unwrap_or_default(),
                )
            }
        }
    };
}

pub(super) use job_resource_accessors;
