//! Completion candidates that need the cluster (names, namespaces), with a hang guard.

use std::time::Duration;

use flink_savepoint::crd::{FlinkDeployment, FlinkSessionJob, FlinkStateSnapshot};

use super::analyze::{Analysis, Want};
use super::reply::{Completion, directive};
use crate::cli::Kind;

/// Environment variable overriding the lookup time limit (seconds; default 5).
pub const TIMEOUT_ENV: &str = "KUBECTL_SAVEPOINT_COMPLETION_TIMEOUT";

/// How long a completion may wait for the cluster before answering with no names.
fn lookup_timeout() -> Duration {
    std::env::var(TIMEOUT_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(Duration::from_secs(5), Duration::from_secs)
}

/// Fetches names from the cluster for `analysis` (errors ⇒ empty).
pub async fn complete_online(analysis: &Analysis) -> Completion {
    let nofile = directive::NO_FILE_COMP;
    let fetched = tokio::time::timeout(lookup_timeout(), fetch(analysis)).await;
    let names = match fetched {
        Ok(Ok(names)) => names,
        Ok(Err(err)) => {
            tracing::debug!(error = %err, "completion lookup failed");
            Vec::new()
        }
        Err(_) => Vec::new(),
    };
    let cur = analysis.current.as_str();
    Completion::new(
        names
            .into_iter()
            .filter(|(n, _)| n.starts_with(cur))
            .collect(),
        nofile,
    )
}

async fn fetch(analysis: &Analysis) -> anyhow::Result<Vec<(String, String)>> {
    let ctx = crate::cluster::Context::new(analysis.global.clone());
    let client = ctx.client().await?;
    let ns = ctx.namespace().await?;
    let ns = Some(ns.as_str());
    Ok(match &analysis.want {
        Want::Namespaces => {
            let items: Vec<k8s_openapi::api::core::v1::Namespace> = {
                let api: ::kube::Api<k8s_openapi::api::core::v1::Namespace> =
                    ::kube::Api::all(client);
                api.list(&Default::default()).await?.items
            };
            items
                .into_iter()
                .filter_map(|n| n.metadata.name)
                .map(|n| (n, String::new()))
                .collect()
        }
        Want::Names { kind, qualified } => {
            let prefix = qualified
                .as_ref()
                .map(|q| format!("{q}/"))
                .unwrap_or_default();
            let named: Vec<(String, String)> = match kind {
                Kind::Application | Kind::SessionCluster => {
                    let want_session = *kind == Kind::SessionCluster;
                    crate::cluster::list_all::<FlinkDeployment>(&client, ns, None)
                        .await?
                        .into_iter()
                        .filter(|d| d.is_session_cluster() == want_session)
                        .map(|d| {
                            let state = d
                                .job_state()
                                .map(|s| s.as_str().to_owned())
                                .unwrap_or_default();
                            (d.metadata.name.unwrap_or_default(), state)
                        })
                        .collect()
                }
                Kind::SessionJob => crate::cluster::list_all::<FlinkSessionJob>(&client, ns, None)
                    .await?
                    .into_iter()
                    .map(|j| {
                        let state = j
                            .job_state()
                            .map(|s| s.as_str().to_owned())
                            .unwrap_or_default();
                        (j.metadata.name.unwrap_or_default(), state)
                    })
                    .collect(),
                Kind::Snapshot => snapshot_names(&client, ns).await?,
            };
            named
                .into_iter()
                .map(|(n, d)| (format!("{prefix}{n}"), d))
                .collect()
        }
        Want::RestoreSources(job) => {
            let mut names = vec![("latest".to_owned(), "newest completed savepoint".to_owned())];
            let of_job = |d: &str| job.as_ref().is_none_or(|j| d.ends_with(&format!(" {j}")));
            names.extend(
                snapshot_names(&client, ns)
                    .await?
                    .into_iter()
                    .filter(|(_, d)| d.starts_with("COMPLETED") && of_job(d)),
            );
            names
        }
        _ => Vec::new(),
    })
}

async fn snapshot_names(
    client: &::kube::Client,
    ns: Option<&str>,
) -> anyhow::Result<Vec<(String, String)>> {
    Ok(
        crate::cluster::list_all::<FlinkStateSnapshot>(client, ns, None)
            .await?
            .into_iter()
            .filter(FlinkStateSnapshot::is_savepoint)
            .map(|s| {
                let job = s
                    .job_reference()
                    .map(|r| format!(" {}", r.name))
                    .unwrap_or_default();
                let state = s.state().as_str().to_owned();
                (s.metadata.name.unwrap_or_default(), format!("{state}{job}"))
            })
            .collect(),
    )
}
