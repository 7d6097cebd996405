//! [`Selection`]: which applications, session jobs and snapshots a `list` covers, and fetching
//! them with one GET or one paginated LIST per kind.

use ::kube::Client;
use flink_savepoint::crd::{FlinkDeployment, FlinkSessionJob, FlinkStateSnapshot};

use super::discovery::list_all;
use super::load::{get_deployment, get_session_job};
use crate::cli::{Kind, Target};
use crate::error::Result;

/// Which objects a listing covers.
#[derive(Debug, Clone)]
pub struct Selection {
    /// `app/`, `job/` or `session/` target; `None` = everything in scope.
    pub target: Option<Target>,
    /// `-l` for FlinkDeployments and FlinkSessionJobs.
    pub selector: Option<String>,
    /// Whether FlinkSessionJobs are served.
    pub session_jobs: bool,
    /// Whether FlinkStateSnapshots are served.
    pub snapshots: bool,
}

/// The objects of one listing.
pub type Objects = (
    Vec<FlinkDeployment>,
    Vec<FlinkSessionJob>,
    Vec<FlinkStateSnapshot>,
);

impl Selection {
    /// One GET for a single target (404 explains), else one paginated LIST per kind; the
    /// kinds are fetched concurrently.
    pub async fn fetch(&self, client: &Client, ns: Option<&str>) -> Result<Objects> {
        let (snapshots, (deployments, jobs)) = futures::try_join!(
            self.fetch_snapshots(client, ns),
            self.fetch_jobs(client, ns)
        )?;
        Ok((deployments, jobs, snapshots))
    }

    async fn fetch_snapshots(
        &self,
        client: &Client,
        ns: Option<&str>,
    ) -> Result<Vec<FlinkStateSnapshot>> {
        if self.snapshots {
            list_all::<FlinkStateSnapshot>(client, ns, None).await
        } else {
            Ok(Vec::new())
        }
    }

    async fn fetch_session_jobs(
        &self,
        client: &Client,
        ns: Option<&str>,
    ) -> Result<Vec<FlinkSessionJob>> {
        if self.session_jobs {
            list_all(client, ns, self.selector.as_deref()).await
        } else {
            Ok(Vec::new())
        }
    }

    async fn fetch_jobs(
        &self,
        client: &Client,
        ns: Option<&str>,
    ) -> Result<(Vec<FlinkDeployment>, Vec<FlinkSessionJob>)> {
        let ns_name = ns.unwrap_or("default");
        Ok(match &self.target {
            Some(t) if t.kind == Kind::SessionJob => (
                Vec::new(),
                vec![get_session_job(client, ns_name, &t.name).await?],
            ),
            Some(t) => {
                let d = get_deployment(client, ns_name, &t.name).await?;
                let session = t.kind == Kind::SessionCluster || d.is_session_cluster();
                let jobs = if session {
                    self.fetch_session_jobs(client, ns).await?
                } else {
                    Vec::new()
                };
                (vec![d], jobs)
            }
            None => futures::try_join!(
                list_all::<FlinkDeployment>(client, ns, self.selector.as_deref()),
                self.fetch_session_jobs(client, ns)
            )?,
        })
    }

    /// Keeps the objects the target designates (`session/` and a session cluster given as
    /// `app/` mean: its session jobs).
    pub fn select(
        &self,
        deployments: Vec<FlinkDeployment>,
        jobs: Vec<FlinkSessionJob>,
    ) -> (Vec<FlinkDeployment>, Vec<FlinkSessionJob>) {
        let Some(t) = &self.target else {
            return (deployments, jobs);
        };
        let named = |n: &Option<String>| n.as_deref() == Some(t.name.as_str());
        match t.kind {
            Kind::SessionJob => (
                Vec::new(),
                jobs.into_iter()
                    .filter(|j| named(&j.metadata.name))
                    .collect(),
            ),
            _ => {
                let deployments: Vec<FlinkDeployment> = deployments
                    .into_iter()
                    .filter(|d| named(&d.metadata.name))
                    .collect();
                let session = t.kind == Kind::SessionCluster
                    || deployments.iter().any(FlinkDeployment::is_session_cluster);
                let jobs = if session {
                    jobs.into_iter()
                        .filter(|j| j.deployment_name() == Some(t.name.as_str()))
                        .collect()
                } else {
                    Vec::new()
                };
                (deployments, jobs)
            }
        }
    }
}
