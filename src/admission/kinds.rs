//! Dispatch on the request kind (group + kind, any version).

use kube::core::{DynamicObject, admission::AdmissionRequest};

use crate::crd::{GROUP, Kind};

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
        Self::ALL
            .into_iter()
            .find(|kind| kind.crd_kind().api_kind() == req.kind.kind)
    }

    /// The [`Kind`] whose `kind` and plural this is (a FlinkDeployment of either mode).
    fn crd_kind(self) -> Kind {
        match self {
            Self::Deployment => Kind::Application,
            Self::SessionJob => Kind::SessionJob,
            Self::StateSnapshot => Kind::Snapshot,
        }
    }

    /// Kind name.
    pub fn as_str(self) -> &'static str {
        self.crd_kind().api_kind()
    }

    /// Plural resource name (as in webhook `rules`).
    pub fn plural(self) -> &'static str {
        self.crd_kind().plural()
    }
}
