//! What the I/O layer must tell [`super::review`]: the phase, the policy and the session cluster
//! (looked up in a watch-backed cache, never per request against the API server).

use kube::core::{DynamicObject, admission::AdmissionRequest};

use super::{policy::Policy, request::Request};
use crate::crd::FlinkDeployment;

/// Which webhook endpoint is asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// `/mutate`: only defaulting; never denies, may patch.
    Mutate,
    /// `/validate`: only validation; never patches, may deny or warn.
    Validate,
}

impl Phase {
    /// `mutate` or `validate` (metrics/log label).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mutate => "mutate",
            Self::Validate => "validate",
        }
    }
}

/// Result of looking up the session cluster a request depends on.
#[derive(Debug, Clone, Copy)]
pub enum SessionLookup<'a> {
    /// The session FlinkDeployment, as currently in the cache.
    Found(&'a FlinkDeployment),
    /// The cache is synced and holds no such object (for a snapshot: the session job, or its
    /// cluster, does not exist).
    NotFound,
    /// The cache cannot answer (not synced yet, API server unreachable).
    Unknown,
    /// The request does not involve a session cluster.
    NotNeeded,
}

/// Everything [`super::review`] needs besides the request.
#[derive(Debug, Clone, Copy)]
pub struct ReviewContext<'a> {
    /// Endpoint being served.
    pub phase: Phase,
    /// Policy knobs.
    pub policy: &'a Policy,
    /// The session cluster named by [`lookup_need`].
    pub session_cluster: SessionLookup<'a>,
}

/// What the I/O layer has to look up before calling [`super::review`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LookupNeed<'a> {
    /// Nothing.
    None,
    /// The session FlinkDeployment `name` in `namespace` (FlinkSessionJob requests).
    SessionCluster {
        /// Namespace of the request.
        namespace: &'a str,
        /// `spec.deploymentName`.
        name: &'a str,
    },
    /// The FlinkSessionJob `name` in `namespace`, then its `spec.deploymentName`
    /// (FlinkStateSnapshot requests for a session job).
    SessionJobCluster {
        /// Namespace of the request.
        namespace: &'a str,
        /// `spec.jobReference.name`.
        job: &'a str,
    },
}

/// Tells the I/O layer which object the decision for kube's `req` depends on
/// ([`Request::lookup_need`] of its view).
pub fn lookup_need(req: &AdmissionRequest<DynamicObject>) -> LookupNeed<'_> {
    // The opt-out key plays no part in what is looked up.
    Request::of(req, "").lookup_need()
}

impl<'a> Request<'a> {
    /// Which object the decision for this request depends on.
    pub fn lookup_need(&self) -> LookupNeed<'a> {
        use kube::core::admission::Operation;
        if !matches!(self.operation, Operation::Create | Operation::Update) {
            return LookupNeed::None;
        }
        let (Some(obj), Some(namespace)) = (self.object.as_ref(), self.namespace) else {
            return LookupNeed::None;
        };
        let spec = obj.spec;
        match super::kinds::FlinkKind::named(self.group, self.kind) {
            Some(super::kinds::FlinkKind::SessionJob) => match spec["deploymentName"].as_str() {
                Some(name) if !name.is_empty() => LookupNeed::SessionCluster { namespace, name },
                _ => LookupNeed::None,
            },
            Some(super::kinds::FlinkKind::StateSnapshot) => {
                let reference = &spec["jobReference"];
                match (reference["kind"].as_str(), reference["name"].as_str()) {
                    (Some("FlinkSessionJob"), Some(job)) if !job.is_empty() => {
                        LookupNeed::SessionJobCluster { namespace, job }
                    }
                    _ => LookupNeed::None,
                }
            }
            _ => LookupNeed::None,
        }
    }
}
