//! The jobs a selection names (`trigger -l`, `trigger --all`, `wait -l`): applications (not
//! session clusters) and session jobs, one paginated LIST per kind.

use ::kube::Client;
use flink_savepoint::crd::{FlinkDeployment, FlinkSessionJob};

use super::context::Context;
use super::discovery::list_all;
use crate::cli::{Kind, Target, TargetSet};
use crate::error::Result;

/// How many targets a command over several targets works on at once (requests in flight, or
/// savepoints followed).
pub const CONCURRENCY: usize = 8;

/// The applications and session jobs in `namespace` (`None`: every namespace) matching
/// `selector` (`None`: all), of `kind` only when given; as (namespace, target), sorted by
/// namespace, kind (applications first) and name. Session clusters are not jobs and are left out.
pub async fn select_jobs(
    client: &Client,
    namespace: Option<&str>,
    selector: Option<&str>,
    kind: Option<Kind>,
) -> Result<Vec<(String, Target)>> {
    let wants = |k: Kind| kind.is_none_or(|only| only == k);
    let (deployments, session_jobs) = futures::try_join!(
        async {
            if wants(Kind::Application) {
                list_all::<FlinkDeployment>(client, namespace, selector).await
            } else {
                Ok(Vec::new())
            }
        },
        async {
            if wants(Kind::SessionJob) {
                list_all::<FlinkSessionJob>(client, namespace, selector).await
            } else {
                Ok(Vec::new())
            }
        }
    )?;
    let entry = |ns: &Option<String>, name: &Option<String>, kind: Kind| {
        Some((
            ns.clone().unwrap_or_default(),
            Target {
                kind,
                name: name.clone()?,
            },
        ))
    };
    let mut selected: Vec<(String, Target)> = deployments
        .iter()
        .filter(|d| !d.is_session_cluster())
        .filter_map(|d| entry(&d.metadata.namespace, &d.metadata.name, Kind::Application))
        .chain(
            session_jobs
                .iter()
                .filter_map(|j| entry(&j.metadata.namespace, &j.metadata.name, Kind::SessionJob)),
        )
        .collect();
    selected.sort_by(|(ns_a, a), (ns_b, b)| {
        (ns_a, a.kind != Kind::Application, &a.name).cmp(&(
            ns_b,
            b.kind != Kind::Application,
            &b.name,
        ))
    });
    Ok(selected)
}

/// The (namespace, target) pairs of a command over several targets: named targets in the current
/// namespace, or the jobs a selection picks. `None` (after kubectl's "No resources found" on
/// stderr) when a selection picks nothing.
pub async fn batch_targets(
    ctx: &Context,
    client: &Client,
    set: TargetSet,
) -> Result<Option<Vec<(String, Target)>>> {
    let targets = match set {
        TargetSet::One(target) => vec![(ctx.namespace().await?, target)],
        TargetSet::Named(targets) => {
            // A target named twice is worked on once.
            let ns = ctx.namespace().await?;
            let mut seen = std::collections::HashSet::new();
            targets
                .into_iter()
                .filter(|t| seen.insert(t.clone()))
                .map(|t| (ns.clone(), t))
                .collect()
        }
        TargetSet::Selected {
            kind,
            selector,
            all_namespaces,
        } => {
            let ns = if all_namespaces {
                None
            } else {
                Some(ctx.namespace().await?)
            };
            let selected = select_jobs(client, ns.as_deref(), selector.as_deref(), kind).await?;
            if selected.is_empty() {
                match ns {
                    Some(ns) => eprintln!("No resources found in {ns} namespace."),
                    None => eprintln!("No resources found"),
                }
                return Ok(None);
            }
            selected
        }
    };
    Ok(Some(targets))
}
