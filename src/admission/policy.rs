//! The configurable knobs of the admission policy.
//!
//! Every field has a documented default so that an empty config file (or none at all) yields a
//! working, conservative policy. The webhook fills this from flags and/or a mounted YAML file.

use serde::{Deserialize, Serialize};

/// Project-owned label key that exempts a whole Namespace (through the webhook configurations'
/// `namespaceSelector`, evaluated by the API server). On an object it exempts nothing.
pub const DEFAULT_OPT_OUT_KEY: &str = "flink-savepoint.io/policy";
/// Value of [`DEFAULT_OPT_OUT_KEY`] that disables the policy.
pub const DEFAULT_OPT_OUT_VALUE: &str = "disabled";
/// Default `kubernetes.operator.savepoint.history.max.age` written by the mutating webhook.
pub const DEFAULT_HISTORY_MAX_AGE: &str = "72 h";
/// Default `kubernetes.operator.savepoint.history.max.count` written by the mutating webhook.
pub const DEFAULT_HISTORY_MAX_COUNT: &str = "5";

/// What happens when a validation rule is violated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EnforcementMode {
    /// Reject the request with a 4xx code (default).
    #[default]
    Deny,
    /// Admit the request and return the violation as an AdmissionResponse warning.
    Warn,
}

/// Direction taken when a rule needs the session cluster and the cache cannot answer
/// (not synced yet, or the API server is unreachable).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailSafe {
    /// Admit the request with a warning saying the check was skipped (default: the operator's
    /// own periodic/upgrade snapshots keep working while the webhook warms up).
    #[default]
    Allow,
    /// Reject the request (503-like semantics are not available to webhooks; 403 is used).
    Deny,
}

/// Opt-out marker `key: value`.
///
/// Exemptions are in the hands of cluster admins only: the label on a **Namespace** (evaluated by
/// the API server through the webhook configurations' `namespaceSelector`, so the webhook never
/// reads Namespaces), or an entry in [`Exemptions`] (the admin-owned policy ConfigMap). The marker
/// on an object exempts nothing: anyone who may write the object could set it. An object that
/// carries the marker is reviewed like any other (with a warning saying so), and on UPDATE an
/// old object carrying it grandfathers nothing, since it may never have been reviewed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct OptOut {
    /// Label key (default `flink-savepoint.io/policy`).
    pub key: String,
    /// Value that disables the policy (default `disabled`).
    pub value: String,
    /// Self-service opt-out by object label/annotation. No longer supported: only `false` is
    /// accepted ([`super::check_policy`] rejects `true`), so an old config cannot silently keep
    /// the bypass.
    pub allow_object: bool,
}

impl Default for OptOut {
    fn default() -> Self {
        Self {
            key: DEFAULT_OPT_OUT_KEY.to_owned(),
            value: DEFAULT_OPT_OUT_VALUE.to_owned(),
            allow_object: false,
        }
    }
}

/// One object exempted by a cluster admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExemptObject {
    /// `FlinkDeployment`, `FlinkSessionJob` or `FlinkStateSnapshot`.
    pub kind: String,
    /// Namespace of the object.
    pub namespace: String,
    /// Name of the object.
    pub name: String,
}

/// Admin-owned exemptions (the policy ConfigMap lives in the webhook's namespace, so only whoever
/// may edit that namespace can change them).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct Exemptions {
    /// Every Flink object in these namespaces is admitted unreviewed.
    pub namespaces: Vec<String>,
    /// These objects are admitted unreviewed.
    pub objects: Vec<ExemptObject>,
}

impl Exemptions {
    /// Whether `kind` `namespace/name` is exempt.
    pub fn covers(&self, kind: &str, namespace: Option<&str>, name: &str) -> bool {
        let Some(namespace) = namespace else {
            return false;
        };
        self.namespaces.iter().any(|ns| ns == namespace)
            || (!name.is_empty()
                && self
                    .objects
                    .iter()
                    .any(|o| o.kind == kind && o.namespace == namespace && o.name == name))
    }
}

/// Values the mutating webhook adds when neither the resource nor its session cluster sets them.
/// `None` disables that default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct Defaults {
    /// `kubernetes.operator.savepoint.history.max.age` (a Flink duration).
    pub history_max_age: Option<String>,
    /// `kubernetes.operator.savepoint.history.max.count` (an integer ≥ 1).
    pub history_max_count: Option<String>,
    /// `kubernetes.operator.periodic.savepoint.interval` (duration or Quartz cron); only added
    /// where a savepoint directory is configured, since the operator requires one once the key exists.
    pub periodic_interval: Option<String>,
}

impl Default for Defaults {
    fn default() -> Self {
        Self {
            history_max_age: Some(DEFAULT_HISTORY_MAX_AGE.to_owned()),
            history_max_count: Some(DEFAULT_HISTORY_MAX_COUNT.to_owned()),
            periodic_interval: None,
        }
    }
}

/// The whole policy.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct Policy {
    /// `deny` or `warn`.
    pub enforcement: EnforcementMode,
    /// `allow` or `deny` when the session-cluster cache cannot answer.
    pub fail_safe: FailSafe,
    /// Opt-out marker (namespace label).
    pub opt_out: OptOut,
    /// Admin-owned exemptions.
    pub exemptions: Exemptions,
    /// Mutation defaults.
    pub defaults: Defaults,
}
