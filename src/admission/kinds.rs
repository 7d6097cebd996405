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
        Self::named(&req.kind.group, &req.kind.kind)
    }

    /// The kind `kind` of API group `group`, if it is one of ours (any version).
    pub fn named(group: &str, kind: &str) -> Option<Self> {
        if group != GROUP {
            return None;
        }
        Self::ALL
            .into_iter()
            .find(|ours| ours.crd_kind().api_kind() == kind)
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
