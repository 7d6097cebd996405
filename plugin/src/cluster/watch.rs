//! `list --watch`: keep watching the listed kinds and hand every consistent state to the caller.

use ::kube::runtime::{WatchStreamExt, watcher};
use ::kube::{Api, Client, Resource};
use flink_savepoint::crd::{FlinkDeployment, FlinkSessionJob, FlinkStateSnapshot};
use futures::{Stream, StreamExt, stream};
use serde::de::DeserializeOwned;

use super::cache::{Cache, MAX_WATCH_ERRORS};
use super::selection::{Objects, Selection};
use crate::error::{ApiOp, Result, failed};

enum Update {
    Deployment(Box<watcher::Event<FlinkDeployment>>),
    SessionJob(Box<watcher::Event<FlinkSessionJob>>),
    Snapshot(Box<watcher::Event<FlinkStateSnapshot>>),
}

type Failure = Box<(ApiOp, watcher::Error)>;
type Updates = std::pin::Pin<Box<dyn Stream<Item = Result<Update, Failure>> + Send>>;

/// `namespace/name`, the cache key.
fn key<K: Resource>(k: &K) -> String {
    let m = k.meta();
    format!(
        "{}/{}",
        m.namespace.as_deref().unwrap_or(""),
        m.name.as_deref().unwrap_or("")
    )
}

fn values<K: Clone>(cache: &Cache<K>) -> Vec<K> {
    cache.items.values().cloned().collect()
}

fn watch_kind<K>(
    client: &Client,
    ns: Option<&str>,
    labels: Option<&str>,
    timeout: Option<u32>,
) -> impl Stream<Item = Result<Box<watcher::Event<K>>, Failure>> + Send + use<K>
where
    K: Resource<DynamicType = (), Scope = ::kube::core::NamespaceResourceScope>
        + Clone
        + DeserializeOwned
        + std::fmt::Debug
        + Send
        + 'static,
{
    let api: Api<K> = match ns {
        Some(ns) => Api::namespaced(client.clone(), ns),
        None => Api::all(client.clone()),
    };
    let mut config = watcher::Config::default();
    if let Some(secs) = timeout {
        config = config.timeout(secs);
    }
    if let Some(labels) = labels {
        config = config.labels(labels);
    }
    let op = ApiOp::of::<K>("watch", ns, None);
    watcher::watcher(api, config)
        .default_backoff()
        .map(move |r| r.map(Box::new).map_err(|e| Box::new((op.clone(), e))))
}

/// Watches until interrupted (or the watch fails). Whenever every watched kind has been listed,
/// `on_change` gets the selected objects (as [`Selection::select`] keeps them).
pub async fn watch(
    client: &Client,
    ns: Option<&str>,
    selection: &Selection,
    timeout: Option<u32>,
    mut on_change: impl FnMut(Objects) -> Result<()>,
) -> Result<()> {
    let labels = selection.selector.as_deref();
    let mut streams: Vec<Updates> = vec![
        watch_kind::<FlinkDeployment>(client, ns, labels, timeout)
            .map(|r| r.map(Update::Deployment))
            .boxed(),
    ];
    if selection.session_jobs {
        streams.push(
            watch_kind::<FlinkSessionJob>(client, ns, labels, timeout)
                .map(|r| r.map(Update::SessionJob))
                .boxed(),
        );
    }
    if selection.snapshots {
        streams.push(
            watch_kind::<FlinkStateSnapshot>(client, ns, None, timeout)
                .map(|r| r.map(Update::Snapshot))
                .boxed(),
        );
    }
    let mut updates = stream::select_all(streams);
    let mut deployments = Cache::new(false);
    let mut jobs = Cache::new(!selection.session_jobs);
    let mut snapshots = Cache::new(!selection.snapshots);
    let mut errors = 0u32;
    while let Some(update) = updates.next().await {
        match update {
            Ok(Update::Deployment(e)) => deployments.apply(*e, key),
            Ok(Update::SessionJob(e)) => jobs.apply(*e, key),
            Ok(Update::Snapshot(e)) => snapshots.apply(*e, key),
            Err(failure) => {
                let (op, err) = *failure;
                errors += 1;
                if errors >= MAX_WATCH_ERRORS {
                    return Err(match err {
                        watcher::Error::InitialListFailed(e)
                        | watcher::Error::WatchStartFailed(e)
                        | watcher::Error::WatchFailed(e) => op.error(e).into(),
                        other => failed(format!("watching failed: {other}")),
                    });
                }
                continue;
            }
        }
        errors = 0;
        if !(deployments.ready && jobs.ready && snapshots.ready) {
            continue;
        }
        let (d, j) = selection.select(values(&deployments), values(&jobs));
        on_change((d, j, values(&snapshots)))?;
    }
    Ok(())
}
