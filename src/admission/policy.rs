//! The configurable knobs of the admission policy.
//!
//! Every field has a documented default so that an empty config file (or none at all) yields a
//! working, conservative policy. The webhook fills this from flags and/or a mounted YAML file.

use serde::{Deserialize, Serialize};

/// Project-owned label/annotation key used to opt an object (or, through the webhook
/// configurations' selectors, a whole namespace) out of the policy.
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

/// Opt-out marker: a label or annotation `key: value` on the object itself.
///
/// Namespace-wide opt-out uses the same label on the Namespace; it is evaluated by the API server
/// through the webhook configurations' `namespaceSelector`, so the webhook never reads Namespaces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct OptOut {
    /// Label or annotation key (default `flink-savepoint.io/policy`).
    pub key: String,
    /// Value that disables the policy (default `disabled`).
    pub value: String,
    /// Whether an object may opt itself out (default true). Set to false so that only
    /// namespace labels (which need namespace-edit rights) can disable the policy.
    pub allow_object: bool,
}

impl Default for OptOut {
    fn default() -> Self {
        Self {
            key: DEFAULT_OPT_OUT_KEY.to_owned(),
            value: DEFAULT_OPT_OUT_VALUE.to_owned(),
            allow_object: true,
        }
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
    /// Opt-out marker.
    pub opt_out: OptOut,
    /// Mutation defaults.
    pub defaults: Defaults,
}
