//! [`TargetRef`]: which Flink job a savepoint belongs to.

use std::fmt;

use serde::Serialize;

use super::enums::JobKind;

/// A reference to a FlinkDeployment or FlinkSessionJob.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetRef {
    /// Kind of the resource.
    pub kind: JobKind,
    /// Namespace (`None` = unknown / the current one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Resource name.
    pub name: String,
}

impl TargetRef {
    /// Creates a reference.
    pub fn new(kind: JobKind, namespace: Option<String>, name: impl Into<String>) -> Self {
        Self {
            kind,
            namespace,
            name: name.into(),
        }
    }

    /// Whether `other` designates the same resource: same kind and name, and the same namespace
    /// when both namespaces are known.
    pub fn same_resource(&self, other: &TargetRef) -> bool {
        self.kind == other.kind
            && self.name == other.name
            && match (&self.namespace, &other.namespace) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            }
    }
}

/// `flinkdeployment/orders-app` (the form `kubectl` accepts).
impl fmt::Display for TargetRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.kind.lowercase(), self.name)
    }
}
