//! [`Loaded`]: an application, session cluster or session job read for a lifecycle command,
//! with a session job's cluster.

use ::kube::Resource;
use anyhow::Context as _;
use flink_savepoint::config::{FlatConfig, Layered, flatten};
use flink_savepoint::crd::Target as JobTarget;
use flink_savepoint::crd::{FlinkDeployment, FlinkSessionJob, FlinkStateSnapshot};
use flink_savepoint::history::{SavepointEntry, savepoint_history};
use serde_json::{Map, Value};

use super::context::Context;
use super::discovery::get;
use crate::cli::{Kind, Target};
use crate::error::{Result, usage};
use crate::render::progress::warn;

/// A loaded application, session cluster or session job.
pub struct Loaded {
    /// The target as given (kind corrected to `session` for a FlinkDeployment without a job).
    pub target: Target,
    /// Namespace.
    pub namespace: String,
    /// What the plans need to know about the kind.
    pub kind: Kind,
    /// The FlinkDeployment (applications and session clusters).
    pub deployment: Option<FlinkDeployment>,
    /// The FlinkSessionJob.
    pub session_job: Option<FlinkSessionJob>,
    /// The session cluster of a session job (if found).
    pub cluster: Option<FlinkDeployment>,
}

impl Loaded {
    /// The raw object as JSON.
    pub fn raw(&self) -> Result<Value> {
        Ok(match (&self.deployment, &self.session_job) {
            (Some(d), _) => serde_json::to_value(d),
            (_, Some(j)) => serde_json::to_value(j),
            _ => Ok(Value::Null),
        }
        .context("cannot serialize the target")?)
    }

    /// `spec.flinkConfiguration`.
    pub fn conf(&self) -> Option<&Map<String, Value>> {
        match (&self.deployment, &self.session_job) {
            (Some(d), _) => d.flink_configuration(),
            (_, Some(j)) => j.flink_configuration(),
            _ => None,
        }
    }

    /// The flattened configuration of the resource and of its session cluster.
    pub fn flat(&self) -> (FlatConfig, Option<FlatConfig>) {
        let own = self.conf().map(flatten).unwrap_or_default();
        let cluster = match self.kind {
            Kind::SessionJob => Some(
                self.cluster
                    .as_ref()
                    .and_then(FlinkDeployment::flink_configuration)
                    .map(flatten)
                    .unwrap_or_default(),
            ),
            _ => None,
        };
        (own, cluster)
    }

    /// The session cluster's name (session jobs), else "".
    pub fn cluster_name(&self) -> String {
        self.session_job
            .as_ref()
            .and_then(|j| j.deployment_name())
            .unwrap_or_default()
            .to_owned()
    }

    /// `metadata.resourceVersion`.
    pub fn resource_version(&self) -> String {
        match (&self.deployment, &self.session_job) {
            (Some(d), _) => d.meta().resource_version.clone(),
            (_, Some(j)) => j.meta().resource_version.clone(),
            _ => None,
        }
        .unwrap_or_default()
    }

    /// The history target (`None` for a session cluster).
    pub fn history_target(&self) -> Option<JobTarget<'_>> {
        match (&self.deployment, &self.session_job) {
            (Some(d), _) if !d.is_session_cluster() => Some(JobTarget::Application(d)),
            (_, Some(j)) => Some(JobTarget::session_job(j, self.cluster.as_ref())),
            _ => None,
        }
    }

    /// The savepoint history from the status and `snapshots`.
    pub fn history(&self, snapshots: &[FlinkStateSnapshot]) -> Vec<SavepointEntry> {
        self.history_target()
            .map(|t| savepoint_history(t, snapshots))
            .unwrap_or_default()
    }
}

/// With `layers` borrowed from `flat`, runs `f`.
pub fn with_layers<R>(
    own: &FlatConfig,
    cluster: Option<&FlatConfig>,
    f: impl FnOnce(Layered<'_>) -> R,
) -> R {
    match cluster {
        Some(c) => f(Layered::session_job(own, c)),
        None => f(Layered::standalone(own)),
    }
}

/// Loads an application, session cluster or session job (and a session job's cluster).
pub async fn load(ctx: &Context, target: &Target) -> Result<Loaded> {
    let client = ctx.client().await?;
    let namespace = ctx.namespace().await?;
    match target.kind {
        Kind::Application | Kind::SessionCluster => {
            let d: FlinkDeployment = get(&client, &namespace, &target.name).await?;
            let session = d.is_session_cluster();
            if target.kind == Kind::SessionCluster && !session {
                return Err(usage(format!(
                    "{target} has a job (spec.job is set): it is an application, use app/{}",
                    target.name
                )));
            }
            let kind = if session {
                Kind::SessionCluster
            } else {
                Kind::Application
            };
            let shown = Target {
                kind: if session {
                    Kind::SessionCluster
                } else {
                    Kind::Application
                },
                name: target.name.clone(),
            };
            Ok(Loaded {
                target: shown,
                namespace,
                kind,
                deployment: Some(d),
                session_job: None,
                cluster: None,
            })
        }
        Kind::SessionJob => {
            let j: FlinkSessionJob = get(&client, &namespace, &target.name).await?;
            let cluster = match j.deployment_name() {
                Some(name) => match get::<FlinkDeployment>(&client, &namespace, name).await {
                    Ok(c) => Some(c),
                    Err(err) => {
                        warn(&format!(
                            "cannot read session cluster {name:?}: {err}; its settings are not included"
                        ));
                        None
                    }
                },
                None => None,
            };
            Ok(Loaded {
                target: target.clone(),
                namespace,
                kind: Kind::SessionJob,
                deployment: None,
                session_job: Some(j),
                cluster,
            })
        }
        Kind::Snapshot => Err(usage(format!(
            "{target} is not an application or session job"
        ))),
    }
}
