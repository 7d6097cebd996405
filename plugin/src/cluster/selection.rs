//! [`Selection`]: which applications, session jobs and snapshots a `list` covers, and fetching
//! them with one GET or one paginated LIST per kind.

use ::kube::Client;
use flink_savepoint::crd::{FlinkDeployment, FlinkSessionJob, FlinkStateSnapshot};

use super::discovery::{discover_flink, get, list_all};
use crate::cli::{Kind, Target};
use crate::error::{Result, failed, missing_crd_message};

/// Which objects a listing covers.
#[derive(Debug, Clone)]
pub struct Selection {
    /// `app/`, `job/` or `session/` targets; empty = everything in scope.
    pub targets: Vec<Target>,
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
    /// The selection of `targets` and `selector` over what the API server serves (one
    /// discovery request); without FlinkDeployments served there is nothing to list (exit 1).
    pub async fn discover(
        client: &Client,
        targets: Vec<Target>,
        selector: Option<String>,
    ) -> Result<Self> {
        let crds = discover_flink(client).await?;
        if !crds.has("flinkdeployments") {
            return Err(failed(missing_crd_message(
                "FlinkDeployment",
                "flinkdeployments",
            )));
        }
        Ok(Selection {
            targets,
            selector,
            session_jobs: crds.has("flinksessionjobs"),
            snapshots: crds.has("flinkstatesnapshots"),
        })
    }

    /// One GET per target (404 explains; targets are read concurrently), else one paginated
    /// LIST per kind; the kinds are fetched concurrently.
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
        if self.targets.is_empty() {
            return futures::try_join!(
                list_all::<FlinkDeployment>(client, ns, self.selector.as_deref()),
                self.fetch_session_jobs(client, ns)
            );
        }
        let ns_name = ns.unwrap_or("default");
        let reads = self.targets.iter().map(|t| async move {
            Ok::<_, crate::error::Error>(if t.kind == Kind::SessionJob {
                (None, Some(get(client, ns_name, &t.name).await?))
            } else {
                let d: FlinkDeployment = get(client, ns_name, &t.name).await?;
                (Some(d), None)
            })
        });
        let read = futures::future::try_join_all(reads).await?;
        let mut deployments = Vec::new();
        let mut jobs = Vec::new();
        for (d, j) in read {
            deployments.extend(d);
            jobs.extend(j);
        }
        let wants_session_jobs = self.targets.iter().any(|t| {
            t.kind == Kind::SessionCluster
                || deployments.iter().any(|d| {
                    d.metadata.name.as_deref() == Some(t.name.as_str()) && d.is_session_cluster()
                })
        });
        if wants_session_jobs {
            // The session clusters' jobs: one LIST (the targeted jobs are in it too).
            jobs = self.fetch_session_jobs(client, ns).await?;
        }
        Ok((deployments, jobs))
    }

    /// Keeps the objects the targets designate (`session/` and a session cluster given as
    /// `app/` mean: its session jobs); everything without targets.
    pub fn select(
        &self,
        deployments: Vec<FlinkDeployment>,
        jobs: Vec<FlinkSessionJob>,
    ) -> (Vec<FlinkDeployment>, Vec<FlinkSessionJob>) {
        if self.targets.is_empty() {
            return (deployments, jobs);
        }
        let sessions: Vec<&str> = self
            .targets
            .iter()
            .filter(|t| {
                t.kind == Kind::SessionCluster
                    || (t.kind == Kind::Application
                        && deployments.iter().any(|d| {
                            d.metadata.name.as_deref() == Some(t.name.as_str())
                                && d.is_session_cluster()
                        }))
            })
            .map(|t| t.name.as_str())
            .collect();
        let is_target = |kinds: &[Kind], name: &Option<String>| {
            self.targets
                .iter()
                .any(|t| kinds.contains(&t.kind) && name.as_deref() == Some(t.name.as_str()))
        };
        let jobs = jobs
            .into_iter()
            .filter(|j| {
                is_target(&[Kind::SessionJob], &j.metadata.name)
                    || j.deployment_name().is_some_and(|d| sessions.contains(&d))
            })
            .collect();
        let deployments = deployments
            .into_iter()
            .filter(|d| is_target(&[Kind::Application, Kind::SessionCluster], &d.metadata.name))
            .collect();
        (deployments, jobs)
    }
}
