//! Dispatch on the request kind (group + kind, any version).

use kube::core::{DynamicObject, admission::AdmissionRequest};

use crate::crd::GROUP;

/// The three Flink kinds the policy handles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlinkKind {
    /// `FlinkDeployment`.
    Deployment,
    /// `FlinkSessionJob`.
    SessionJob,
    /// `FlinkStateSnapshot`.
    StateSnapshot,
}

impl FlinkKind {
    /// Every kind the policy handles.
    pub const ALL: [Self; 3] = [Self::Deployment, Self::SessionJob, Self::StateSnapshot];

    /// The kind of `req`, if it is one of ours (`flink.apache.org`, any version).
    pub fn of(req: &AdmissionRequest<DynamicObject>) -> Option<Self> {
        if req.kind.group != GROUP {
            return None;
        }
        match req.kind.kind.as_str() {
            "FlinkDeployment" => Some(Self::Deployment),
            "FlinkSessionJob" => Some(Self::SessionJob),
            "FlinkStateSnapshot" => Some(Self::StateSnapshot),
            _ => None,
        }
    }

    /// Kind name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Deployment => "FlinkDeployment",
            Self::SessionJob => "FlinkSessionJob",
            Self::StateSnapshot => "FlinkStateSnapshot",
        }
    }

    /// Plural resource name (as in webhook `rules`).
    pub fn plural(self) -> &'static str {
        match self {
            Self::Deployment => "flinkdeployments",
            Self::SessionJob => "flinksessionjobs",
            Self::StateSnapshot => "flinkstatesnapshots",
        }
    }
}
