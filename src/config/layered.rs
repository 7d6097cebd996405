//! Effective configuration of a session job on top of its session cluster, with provenance.

use super::flat::FlatConfig;
use super::options::ConfigOption;

/// The operator's effective configuration for a session job (`FlinkConfigManager#getSessionJobConfig`):
/// the session cluster's configuration overlaid by every session-job key via `setString`.
///
/// Only *exact* keys are overwritten, so a job's deprecated alias does **not** beat the cluster's
/// canonical key when the merged map is looked up (`cluster: execution.checkpointing.savepoint-dir=A`,
/// `job: state.savepoints.dir=B` ⇒ effective `A`). Operator-wide defaults are not included.
pub fn effective_session_job_config(cluster: &FlatConfig, job: &FlatConfig) -> FlatConfig {
    let mut merged = cluster.clone();
    for (key, value) in job.iter() {
        merged.set(key, value);
    }
    merged
}

/// Where a resolved value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueSource {
    /// The resource's own `flinkConfiguration` (the session job, or the FlinkDeployment).
    Resource,
    /// The session cluster (FlinkDeployment) a session job runs on.
    SessionCluster,
    /// The operator's built-in default ([`ConfigOption::default`]).
    OperatorDefault,
}

/// A resolved option value with the spelling that supplied it and its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resolved<'a> {
    /// The value.
    pub value: &'a str,
    /// The key spelling that supplied it (the canonical key for operator defaults).
    pub key: &'a str,
    /// Where it came from.
    pub source: ValueSource,
}

/// A resource's configuration, optionally layered over its session cluster's.
///
/// [`Layered::resolve`] gives exactly the value that a lookup on
/// [`effective_session_job_config`]`(session_cluster, resource)` gives, plus provenance:
///
/// 1. spellings are tried in order: canonical key, then deprecated keys in declaration order;
/// 2. the first spelling present in **either** layer decides; for that spelling the resource's
///    value wins over the session cluster's (same-key `setString` overlay);
/// 3. if no spelling is present anywhere, the option's built-in default (if any) is reported with
///    [`ValueSource::OperatorDefault`] under the canonical key.
///
/// Consequence (the precedence trap): the cluster's canonical key beats the job's deprecated
/// alias, while the job wins when both use the same spelling. Operator-wide configuration
/// (Helm `defaultConfiguration`) is not modelled; it is not visible from the resources.
#[derive(Debug, Clone, Copy)]
pub struct Layered<'a> {
    /// The resource's own flattened configuration.
    pub resource: &'a FlatConfig,
    /// The session cluster's flattened configuration (only for session jobs).
    pub session_cluster: Option<&'a FlatConfig>,
}

impl<'a> Layered<'a> {
    /// A resource that is not a session job (no cluster layer).
    pub fn standalone(resource: &'a FlatConfig) -> Self {
        Self {
            resource,
            session_cluster: None,
        }
    }

    /// A resource over its session cluster's configuration when it has one (session jobs).
    pub fn of(resource: &'a FlatConfig, session_cluster: Option<&'a FlatConfig>) -> Self {
        Self {
            resource,
            session_cluster,
        }
    }

    /// A session job over its session cluster.
    pub fn session_job(job: &'a FlatConfig, cluster: &'a FlatConfig) -> Self {
        Self {
            resource: job,
            session_cluster: Some(cluster),
        }
    }

    /// Resolves `opt` including its built-in default; `None` only if unset and without default.
    pub fn resolve(&self, opt: &ConfigOption) -> Option<Resolved<'a>> {
        self.resolve_explicit(opt)
            .or(opt.default.map(|value| Resolved {
                value,
                key: opt.key,
                source: ValueSource::OperatorDefault,
            }))
    }

    /// Resolves `opt` from the configured layers only (no default).
    pub fn resolve_explicit(&self, opt: &ConfigOption) -> Option<Resolved<'a>> {
        let resource = self.resource;
        let cluster = self.session_cluster;
        opt.spellings().find_map(|spelling| {
            if let Some((key, value)) = resource.as_map().get_key_value(spelling) {
                return Some(Resolved {
                    value,
                    key,
                    source: ValueSource::Resource,
                });
            }
            cluster
                .and_then(|c| c.as_map().get_key_value(spelling))
                .map(|(key, value)| Resolved {
                    value,
                    key,
                    source: ValueSource::SessionCluster,
                })
        })
    }
}
