//! A read-only view of the admitted object (raw JSON, so that malformed specs never panic and
//! every `flinkConfiguration` spelling is seen through the operator's flattening).

use serde_json::{Map, Value};

use crate::config::{FlatConfig, flatten};
use crate::crd::FlinkDeployment;

/// State of `spec.flinkConfiguration`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RawConfig<'a> {
    /// Absent or `null`.
    Absent,
    /// An object (flat, nested or mixed).
    Object(&'a Map<String, Value>),
    /// Something else (string, array, number): not a configuration.
    Invalid,
}

/// `Kind namespace/name` (or `Kind name`) of the admitted object, for messages: written only
/// when a message is, not for every review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceName<'a> {
    /// The kind.
    pub kind: &'a str,
    /// The namespace, if namespaced.
    pub namespace: Option<&'a str>,
    /// The name.
    pub name: &'a str,
}

impl std::fmt::Display for ResourceName<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.namespace {
            Some(ns) => write!(f, "{} {ns}/{}", self.kind, self.name),
            None => write!(f, "{} {}", self.kind, self.name),
        }
    }
}

/// The parts of a FlinkDeployment / FlinkSessionJob the rules read.
#[derive(Debug, Clone)]
pub struct ResourceView<'a> {
    /// `Kind namespace/name` for messages.
    pub display: ResourceName<'a>,
    /// `spec` (`Value::Null` when absent).
    pub spec: &'a Value,
    /// Raw `spec.flinkConfiguration`.
    pub raw_config: RawConfig<'a>,
    /// Flattened configuration (empty unless `raw_config` is an object).
    pub config: FlatConfig,
}

impl<'a> ResourceView<'a> {
    /// View over an object's `spec` (`Value::Null` when absent).
    pub fn new(kind: &'a str, namespace: Option<&'a str>, name: &'a str, spec: &'a Value) -> Self {
        let raw_config = match &spec["flinkConfiguration"] {
            Value::Null => RawConfig::Absent,
            Value::Object(map) => RawConfig::Object(map),
            _ => RawConfig::Invalid,
        };
        let config = match raw_config {
            RawConfig::Object(map) => flatten(map),
            _ => FlatConfig::default(),
        };
        let display = ResourceName {
            kind,
            namespace,
            name,
        };
        Self {
            display,
            spec,
            raw_config,
            config,
        }
    }

    /// `spec.deploymentName` of a session job.
    pub fn deployment_name(&self) -> Option<&'a str> {
        self.spec["deploymentName"]
            .as_str()
            .filter(|name| !name.is_empty())
    }

    /// Whether `spec.job.upgradeMode` is `savepoint`.
    pub fn upgrade_mode_savepoint(&self) -> bool {
        self.spec["job"]["upgradeMode"].as_str() == Some("savepoint")
    }

    /// Whether the deprecated `spec.job.savepointTriggerNonce` is set.
    pub fn has_savepoint_nonce(&self) -> bool {
        !self.spec["job"]["savepointTriggerNonce"].is_null()
    }
}

/// The flattened configuration of a session cluster from the cache.
pub fn cluster_config(cluster: &FlinkDeployment) -> FlatConfig {
    cluster
        .flink_configuration()
        .map(flatten)
        .unwrap_or_default()
}
