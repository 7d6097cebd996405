//! Fetching the objects a target names, with user-facing errors.

use ::kube::{Api, Client};
use flink_savepoint::crd::Target as JobTarget;
use flink_savepoint::crd::{FlinkDeployment, FlinkSessionJob, FlinkStateSnapshot};

use crate::cli::{Kind, Target};
use crate::error::{ApiOp, ApiResultExt, Result, status_code};

/// A fetched application or session job (with its session cluster, if found).
#[derive(Debug, Clone)]
pub enum Fetched {
    /// A FlinkDeployment (may be a session cluster; the caller decides).
    Deployment(Box<FlinkDeployment>),
    /// A FlinkSessionJob and its session cluster (`None` if `deploymentName` is missing or absent).
    SessionJob {
        /// The session job.
        job: Box<FlinkSessionJob>,
        /// Its session cluster.
        cluster: Option<Box<FlinkDeployment>>,
    },
}

impl Fetched {
    /// The object's name.
    pub fn name(&self) -> String {
        match self {
            Fetched::Deployment(d) => d.metadata.name.clone().unwrap_or_default(),
            Fetched::SessionJob { job, .. } => job.metadata.name.clone().unwrap_or_default(),
        }
    }

    /// The library's view of it (planning, history).
    pub fn target(&self) -> JobTarget<'_> {
        match self {
            Fetched::Deployment(d) => JobTarget::deployment(d),
            Fetched::SessionJob { job, cluster } => JobTarget::session_job(job, cluster.as_deref()),
        }
    }
}

/// GETs one FlinkDeployment.
pub async fn get_deployment(client: &Client, ns: &str, name: &str) -> Result<FlinkDeployment> {
    Api::<FlinkDeployment>::namespaced(client.clone(), ns)
        .get(name)
        .await
        .op(ApiOp::of::<FlinkDeployment>("get", Some(ns), Some(name)))
}

/// GETs one FlinkSessionJob.
pub async fn get_session_job(client: &Client, ns: &str, name: &str) -> Result<FlinkSessionJob> {
    Api::<FlinkSessionJob>::namespaced(client.clone(), ns)
        .get(name)
        .await
        .op(ApiOp::of::<FlinkSessionJob>("get", Some(ns), Some(name)))
}

/// GETs one FlinkStateSnapshot.
pub async fn get_snapshot(client: &Client, ns: &str, name: &str) -> Result<FlinkStateSnapshot> {
    Api::<FlinkStateSnapshot>::namespaced(client.clone(), ns)
        .get(name)
        .await
        .op(ApiOp::of::<FlinkStateSnapshot>("get", Some(ns), Some(name)))
}

/// Fetches an `app/` or `job/` target; a session job also brings its session cluster
/// (absent cluster ⇒ `None`; other errors are returned). `session/` fetches the FlinkDeployment.
pub async fn fetch_target(client: &Client, ns: &str, target: &Target) -> Result<Fetched> {
    match target.kind {
        Kind::SessionJob => {
            let job = get_session_job(client, ns, &target.name).await?;
            let cluster = match job.deployment_name() {
                Some(cluster_name) if !cluster_name.is_empty() => {
                    match Api::<FlinkDeployment>::namespaced(client.clone(), ns)
                        .get(cluster_name)
                        .await
                    {
                        Ok(cluster) => Some(Box::new(cluster)),
                        Err(err) if status_code(&err) == Some(404) => None,
                        Err(err) => {
                            return Err(ApiOp::of::<FlinkDeployment>(
                                "get",
                                Some(ns),
                                Some(cluster_name),
                            )
                            .error(err)
                            .into());
                        }
                    }
                }
                _ => None,
            };
            Ok(Fetched::SessionJob {
                job: Box::new(job),
                cluster,
            })
        }
        _ => Ok(Fetched::Deployment(Box::new(
            get_deployment(client, ns, &target.name).await?,
        ))),
    }
}
