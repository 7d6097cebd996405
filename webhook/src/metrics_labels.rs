//! The label sets of the metrics: closed sets of values, so hostile requests cannot grow `/metrics`.

use std::fmt::Write as _;

use flink_savepoint::admission::{Decision, FlinkKind, Phase};
use kube::core::admission::Operation;
use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder};

/// A closed set of label values: an enum, its spelling, and its [`EncodeLabelValue`].
macro_rules! label_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value, in declaration order (`value as usize` is its place here).
            pub const ALL: &[Self] = &[$(Self::$variant,)+];
            /// How many values the label has.
            pub const COUNT: usize = Self::ALL.len();

            /// The label value.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }
        }

        impl EncodeLabelValue for $name {
            fn encode(&self, encoder: &mut LabelValueEncoder<'_>) -> Result<(), std::fmt::Error> {
                encoder.write_str(self.as_str())
            }
        }
    };
}

label_enum!(
    /// Webhook endpoint.
    Endpoint {
        /// `/validate`.
        Validate => "validate",
        /// `/mutate`.
        Mutate => "mutate",
    }
);

impl From<Phase> for Endpoint {
    fn from(phase: Phase) -> Self {
        match phase {
            Phase::Validate => Self::Validate,
            Phase::Mutate => Self::Mutate,
        }
    }
}

label_enum!(
    /// Resource kind: the three Flink kinds, `other` (any other group/kind) or `unknown`
    /// (undecodable request). A closed set, so hostile requests cannot grow `/metrics`.
    KindLabel {
        /// `FlinkDeployment`.
        FlinkDeployment => "FlinkDeployment",
        /// `FlinkSessionJob`.
        FlinkSessionJob => "FlinkSessionJob",
        /// `FlinkStateSnapshot`.
        FlinkStateSnapshot => "FlinkStateSnapshot",
        /// Any other group or kind.
        Other => "other",
        /// The request could not be decoded.
        Unknown => "unknown",
    }
);

impl From<Option<FlinkKind>> for KindLabel {
    fn from(kind: Option<FlinkKind>) -> Self {
        match kind {
            Some(FlinkKind::Deployment) => Self::FlinkDeployment,
            Some(FlinkKind::SessionJob) => Self::FlinkSessionJob,
            Some(FlinkKind::StateSnapshot) => Self::FlinkStateSnapshot,
            None => Self::Other,
        }
    }
}

label_enum!(
    /// Admission operation (`unknown` for undecodable requests).
    OperationLabel {
        /// `CREATE`.
        Create => "CREATE",
        /// `UPDATE`.
        Update => "UPDATE",
        /// `DELETE`.
        Delete => "DELETE",
        /// `CONNECT`.
        Connect => "CONNECT",
        /// Undecodable request.
        Unknown => "unknown",
    }
);

impl OperationLabel {
    /// The label of `operation`.
    pub fn of(operation: &Operation) -> Self {
        match operation {
            Operation::Create => Self::Create,
            Operation::Update => Self::Update,
            Operation::Delete => Self::Delete,
            Operation::Connect => Self::Connect,
        }
    }
}

label_enum!(
    /// Outcome of one request.
    DecisionLabel {
        /// Admitted unchanged.
        Allowed => "allowed",
        /// Admitted with warnings.
        Warned => "warned",
        /// Admitted with a patch.
        Patched => "patched",
        /// Denied.
        Denied => "denied",
        /// Malformed request (4xx).
        Rejected => "rejected",
    }
);

impl DecisionLabel {
    /// The label of `decision`.
    pub fn of(decision: &Decision) -> Self {
        match decision {
            Decision::Deny { .. } => Self::Denied,
            Decision::Allow { patch: Some(_), .. } => Self::Patched,
            Decision::Allow { warnings, .. } if !warnings.is_empty() => Self::Warned,
            Decision::Allow { .. } => Self::Allowed,
        }
    }
}

/// Labels of one admission request; every value comes from a closed set.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// `validate` or `mutate`.
    pub endpoint: Endpoint,
    /// Kind, `other` or `unknown`.
    pub kind: KindLabel,
    /// `CREATE`, `UPDATE`, `DELETE`, `CONNECT` or `unknown`.
    pub operation: OperationLabel,
    /// `allowed`, `warned`, `patched`, `denied` or `rejected` (malformed request, 4xx).
    pub decision: DecisionLabel,
}

impl RequestLabels {
    /// How many label sets there are.
    pub const COUNT: usize =
        Endpoint::COUNT * KindLabel::COUNT * OperationLabel::COUNT * DecisionLabel::COUNT;

    /// A number in `0..COUNT`, different for every label set.
    pub fn index(self) -> usize {
        ((self.endpoint as usize * KindLabel::COUNT + self.kind as usize) * OperationLabel::COUNT
            + self.operation as usize)
            * DecisionLabel::COUNT
            + self.decision as usize
    }

    /// Every label set, for tests that walk them all.
    #[cfg(test)]
    pub(crate) fn all() -> Vec<Self> {
        let mut all = Vec::with_capacity(Self::COUNT);
        for &endpoint in Endpoint::ALL {
            for &kind in KindLabel::ALL {
                for &operation in OperationLabel::ALL {
                    for &decision in DecisionLabel::ALL {
                        all.push(Self {
                            endpoint,
                            kind,
                            operation,
                            decision,
                        });
                    }
                }
            }
        }
        all
    }
}

/// Labels of a certificate reload attempt.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ReloadLabels {
    /// `success` or `error`.
    pub result: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every label set has its own slot below `COUNT` (the metrics' pre-resolved series rely on
    /// it: a collision would count one series' requests in another's).
    #[test]
    fn every_request_label_set_has_its_own_index() {
        let mut seen = vec![false; RequestLabels::COUNT];
        for labels in RequestLabels::all() {
            let index = labels.index();
            assert!(index < RequestLabels::COUNT, "{labels:?}");
            assert!(!seen[index], "{labels:?} shares index {index}");
            seen[index] = true;
        }
        assert!(seen.iter().all(|&s| s));
    }
}
