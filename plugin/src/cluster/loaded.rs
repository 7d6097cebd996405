//! [`Loaded`]: the one owned target a command reads (an application, a session cluster, or a
//! session job with its session cluster when that exists), its one loader [`load`], and its
//! view as the library's [`JobTarget`] ([`Loaded::view`]).
//!
//! A session job's cluster: no `spec.deploymentName` or a 404 means no cluster (the 404 with a
//! warning: its settings are then not part of the plan); any other error reading it (403, 5xx,
//! timeouts) ends the command, because the cluster's settings (savepoint directory, schedule)
//! decide what the command does and a plan without them would be wrong, not just partial.

use anyhow::Context as _;
use flink_savepoint::crd::Target as JobTarget;
use flink_savepoint::crd::{FlinkDeployment, FlinkSessionJob, FlinkStateSnapshot};
use flink_savepoint::history::{SavepointEntry, savepoint_history};
use serde_json::Value;

use super::discovery::get;
use crate::cli::{Kind, Target};
use crate::error::{Result, usage};
use crate::render::progress::warn;
use ::kube::Client;

/// An application, a session cluster, or a session job with its session cluster (if found).
#[derive(Debug, Clone)]
pub enum Loaded {
    /// A FlinkDeployment with `spec.job`.
    Application(Box<FlinkDeployment>),
    /// A FlinkDeployment without `spec.job`.
    SessionCluster(Box<FlinkDeployment>),
    /// A FlinkSessionJob.
    SessionJob {
        /// The session job.
        job: Box<FlinkSessionJob>,
        /// Its session cluster (`None`: no `spec.deploymentName`, or not found).
        cluster: Option<Box<FlinkDeployment>>,
    },
}

impl Loaded {
    /// A FlinkDeployment: an application when it has a job, else a session cluster.
    pub fn deployment(deployment: FlinkDeployment) -> Self {
        if deployment.is_session_cluster() {
            Self::SessionCluster(Box::new(deployment))
        } else {
            Self::Application(Box::new(deployment))
        }
    }

    /// The library's view of it (planning, history, describe, endpoints).
    pub fn view(&self) -> JobTarget<'_> {
        match self {
            Self::Application(d) => JobTarget::Application(d),
            Self::SessionCluster(d) => JobTarget::SessionCluster(d),
            Self::SessionJob { job, cluster } => JobTarget::session_job(job, cluster.as_deref()),
        }
    }

    /// The view when this is a job (`None` for a session cluster: it has no savepoints).
    pub fn job_view(&self) -> Option<JobTarget<'_>> {
        Some(self.view()).filter(|t| t.kind() != Kind::SessionCluster)
    }

    /// The target as shown and written to (`session/` for a FlinkDeployment without a job).
    pub fn target(&self) -> Target {
        let view = self.view();
        Target {
            kind: view.kind(),
            name: view.name().to_owned(),
        }
    }

    /// `metadata.name` (the key of a watch cache).
    pub fn name(&self) -> String {
        self.view().name().to_owned()
    }

    /// The FlinkDeployment of an application or session cluster.
    pub fn flink_deployment(&self) -> Option<&FlinkDeployment> {
        match self {
            Self::Application(d) | Self::SessionCluster(d) => Some(d),
            Self::SessionJob { .. } => None,
        }
    }

    /// The raw object as JSON.
    pub fn raw(&self) -> Result<Value> {
        Ok(match self {
            Self::Application(d) | Self::SessionCluster(d) => serde_json::to_value(d),
            Self::SessionJob { job, .. } => serde_json::to_value(job),
        }
        .context("cannot serialize the target")?)
    }

    /// The savepoint history from the status and `snapshots` (none for a session cluster).
    pub fn history(&self, snapshots: &[FlinkStateSnapshot]) -> Vec<SavepointEntry> {
        self.job_view()
            .map(|t| savepoint_history(t, snapshots))
            .unwrap_or_default()
    }
}

/// Loads what `target` names in `ns`: `app/` or `session/` a FlinkDeployment (`session/` of
/// one with a job is a usage error; `app/` of a session cluster loads the session cluster),
/// `job/` a FlinkSessionJob and its session cluster (see the module's policy).
pub async fn load(client: &Client, ns: &str, target: &Target) -> Result<Loaded> {
    match target.kind {
        Kind::Application | Kind::SessionCluster => {
            let loaded = Loaded::deployment(get(client, ns, &target.name).await?);
            if target.kind == Kind::SessionCluster && matches!(loaded, Loaded::Application(_)) {
                return Err(usage(format!(
                    "{target} has a job (spec.job is set): it is an application, use app/{}",
                    target.name
                )));
            }
            Ok(loaded)
        }
        Kind::SessionJob => {
            let job: FlinkSessionJob = get(client, ns, &target.name).await?;
            let cluster = session_cluster(client, ns, &job).await?;
            Ok(Loaded::SessionJob {
                job: Box::new(job),
                cluster: cluster.map(Box::new),
            })
        }
        Kind::Snapshot => Err(usage(format!(
            "{target} is not an application or session job"
        ))),
    }
}

/// A session job's cluster: `None` without `spec.deploymentName` or on 404 (with a warning);
/// other errors are returned.
async fn session_cluster(
    client: &Client,
    ns: &str,
    job: &FlinkSessionJob,
) -> Result<Option<FlinkDeployment>> {
    let Some(name) = job.deployment_name().filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    match get::<FlinkDeployment>(client, ns, name).await {
        Ok(cluster) => Ok(Some(cluster)),
        Err(err) if err.status() == Some(404) => {
            warn(&format!(
                "cannot read session cluster {name:?}: {err}; its settings are not included"
            ));
            Ok(None)
        }
        Err(err) => Err(err),
    }
}
