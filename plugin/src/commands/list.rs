//! `list [TARGET]`: savepoints from every source the operator records, newest first.

use ::kube::Client;
use anyhow::{Result, anyhow};
use clap::{Args, ValueEnum};
use flink_savepoint::crd::{
    FlinkDeployment, FlinkSessionJob, FlinkStateSnapshot, SnapshotTriggerType,
};
use flink_savepoint::savepoint::listing::{ListFilter, STATE_VALUES, collect_entries, parse_state};
use jiff::Timestamp;

use super::list_render::{RenderOptions, render, table};
use super::list_watch::watch;
use crate::api::{discover_flink, list_all, missing_crd_message};
use crate::exit::usage;
use crate::fetch::{get_deployment, get_session_job};
use crate::kube::Context;
use crate::output::OutputFormat;
use crate::target::{Target, TargetKind, parse_target};

/// List savepoints, newest first: requested, pending, in progress, completed, failed and
/// abandoned; manual, periodic and upgrade; from FlinkStateSnapshots and legacy status.
///
/// Without TARGET: every application and session job in the namespace (-A: all namespaces).
/// TARGET: app/NAME, job/NAME, or session/NAME (all session jobs of that session cluster).
#[derive(Debug, Args)]
pub struct ListArgs {
    /// KIND/NAME or KIND NAME (optional).
    #[arg(value_name = "TARGET", num_args = 0..=2)]
    pub target: Vec<String>,
    /// List across all namespaces.
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,
    /// Only these trigger types (repeatable or comma-separated).
    #[arg(long = "type", value_enum, value_delimiter = ',')]
    pub types: Vec<TypeFilter>,
    /// Only these states (repeatable or comma-separated), e.g. completed,failed.
    #[arg(long = "state", value_delimiter = ',', value_name = "STATE")]
    pub states: Vec<String>,
    /// Label selector for the FlinkDeployments/FlinkSessionJobs listed (their snapshots follow).
    #[arg(short = 'l', long, value_name = "SELECTOR")]
    pub selector: Option<String>,
    /// Output format.
    #[arg(short = 'o', long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
    /// Omit the table header.
    #[arg(long)]
    pub no_headers: bool,
    /// After listing, watch for changes and print new or changed rows.
    #[arg(short = 'w', long)]
    pub watch: bool,
}

/// `--type` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TypeFilter {
    /// Requested by a user (nonce or FlinkStateSnapshot).
    Manual,
    /// Taken by the operator on a schedule.
    Periodic,
    /// Taken by the operator during an upgrade or suspend.
    Upgrade,
}

impl ListArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context) -> Result<()> {
        let target = if self.target.is_empty() {
            None
        } else {
            Some(parse_target(&self.target, TargetKind::JOBS_AND_SESSIONS)?)
        };
        if target.is_some() && self.all_namespaces {
            return Err(usage(
                "a TARGET cannot be combined with -A/--all-namespaces",
            ));
        }
        let filter = self.filter()?;
        let client = ctx.client().await?;
        let ns = ctx.namespace().await?;
        let scope_ns = (!self.all_namespaces).then_some(ns.as_str());
        let crds = discover_flink(&client).await?;
        if !crds.has("flinkdeployments") {
            return Err(anyhow!(missing_crd_message(
                "FlinkDeployment",
                "flinkdeployments"
            )));
        }
        let selection = Selection {
            target: target.clone(),
            selector: self.selector.clone(),
            session_jobs: crds.has("flinksessionjobs"),
            snapshots: crds.has("flinkstatesnapshots"),
        };
        let (deployments, jobs, snapshots) = selection.fetch(&client, scope_ns).await?;
        let opts = RenderOptions {
            format: self.output,
            no_headers: self.no_headers,
            all_namespaces: self.all_namespaces,
            now: Timestamp::now(),
        };
        let (deployments, jobs) = selection.select(deployments, jobs);
        let entries = collect_entries(&deployments, &jobs, &snapshots, &filter);
        let scope = match (&target, scope_ns) {
            (Some(t), Some(ns)) => format!("for {t} in namespace {ns}"),
            (None, Some(ns)) => format!("in namespace {ns}"),
            _ => "in any namespace".to_owned(),
        };
        ctx.out.write(&render(&entries, &opts, &scope)?)?;
        if !self.watch {
            return Ok(());
        }
        let widths = table(&entries, &opts).widths(opts.no_headers || entries.is_empty());
        watch(
            ctx, &client, scope_ns, &selection, &filter, opts, widths, &entries,
        )
        .await
    }

    fn filter(&self) -> Result<ListFilter> {
        let states = self
            .states
            .iter()
            .map(|s| {
                parse_state(s).ok_or_else(|| {
                    usage(format!("unknown --state {s:?}; accepted: {STATE_VALUES}"))
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let types = self
            .types
            .iter()
            .map(|t| match t {
                TypeFilter::Manual => SnapshotTriggerType::Manual,
                TypeFilter::Periodic => SnapshotTriggerType::Periodic,
                TypeFilter::Upgrade => SnapshotTriggerType::Upgrade,
            })
            .collect();
        Ok(ListFilter {
            types,
            states,
            include_orphans: self.target.is_empty() && self.selector.is_none(),
        })
    }
}

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

type Objects = (
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
            Some(t) if t.kind == TargetKind::FlinkSessionJob => (
                Vec::new(),
                vec![get_session_job(client, ns_name, &t.name).await?],
            ),
            Some(t) => {
                let d = get_deployment(client, ns_name, &t.name).await?;
                let session = t.kind == TargetKind::Session || d.is_session_cluster();
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
            TargetKind::FlinkSessionJob => (
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
                let session = t.kind == TargetKind::Session
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
