//! Session-cluster cache: `reflector` stores of FlinkDeployments and FlinkSessionJobs fed by
//! `watcher`s. Requests never call the API server; until the stores have synced every lookup
//! answers "unknown" and the policy's fail-safe direction applies.
//!
//! Only what the policy reads is kept ([`trim_deployment`], [`trim_session_job`]): name,
//! namespace, uid and resourceVersion, the savepoint-related configuration keys of a
//! FlinkDeployment (every spelling of the savepoint directory, history age/count and periodic
//! interval, flattened) and a FlinkSessionJob's `spec.deploymentName`. Pod templates, status,
//! managed fields and every other key are dropped as each watch event arrives.

use std::{
    sync::{
        Arc, Mutex, OnceLock,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use flink_savepoint::{
    admission::LookupNeed,
    crd::{FlinkDeployment, FlinkSessionJob},
};
use futures::{StreamExt, TryStreamExt};
use kube::{
    Api, Client,
    runtime::{
        WatchStreamExt,
        reflector::{self, ObjectRef, Store},
        watcher,
    },
};

pub use crate::cache_trim::{CLUSTER_OPTIONS, trim_deployment, trim_session_job};
use crate::{metrics::Metrics, readiness::Readiness, shutdown::Signal};

struct Stores {
    deployments: Store<FlinkDeployment>,
    jobs: Store<FlinkSessionJob>,
}

/// The cache shared by all request handlers.
#[derive(Default)]
pub struct SessionCache {
    stores: OnceLock<Stores>,
    synced: AtomicBool,
    last_heard: Mutex<Option<Instant>>,
}

/// Result of [`SessionCache::resolve`] (owned, so no lock is held while reviewing).
#[derive(Debug, Clone)]
pub enum Resolved {
    /// The session cluster.
    Found(Arc<FlinkDeployment>),
    /// Synced, and the object (session job or cluster) does not exist.
    NotFound,
    /// Not synced / no API access.
    Unknown,
    /// The request needs no lookup.
    NotNeeded,
}

impl SessionCache {
    /// A cache that never syncs (no cluster access): every lookup is unknown.
    pub fn unavailable() -> Self {
        Self::default()
    }

    /// A synced cache over existing stores (used by tests and by [`start`]).
    pub fn from_stores(
        deployments: Store<FlinkDeployment>,
        jobs: Store<FlinkSessionJob>,
        synced: bool,
    ) -> Self {
        let cache = Self::default();
        let _ = cache.stores.set(Stores { deployments, jobs });
        cache.synced.store(synced, Ordering::SeqCst);
        cache
    }

    /// Seconds since the stores last listed or received a watch event (`None` before the first
    /// sync).
    pub fn sync_age(&self) -> Option<Duration> {
        if !self.is_synced() {
            return None;
        }
        self.last_heard
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .map(|at| at.elapsed())
    }

    fn heard(&self) {
        *self.last_heard.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
    }

    /// Whether both stores have completed their initial list.
    pub fn is_synced(&self) -> bool {
        self.synced.load(Ordering::SeqCst)
    }

    /// Answers `need` from memory.
    pub fn resolve(&self, need: &LookupNeed<'_>) -> Resolved {
        let cluster_in = |namespace: &str, name: &str, stores: &Stores| {
            let key = ObjectRef::<FlinkDeployment>::new(name).within(namespace);
            match stores.deployments.get(&key) {
                Some(found) => Resolved::Found(found),
                None => Resolved::NotFound,
            }
        };
        if matches!(need, LookupNeed::None) {
            return Resolved::NotNeeded;
        }
        let Some(stores) = self.stores.get().filter(|_| self.is_synced()) else {
            return Resolved::Unknown;
        };
        match need {
            LookupNeed::None => Resolved::NotNeeded,
            LookupNeed::SessionCluster { namespace, name } => cluster_in(namespace, name, stores),
            LookupNeed::SessionJobCluster { namespace, job } => {
                let key = ObjectRef::<FlinkSessionJob>::new(job).within(namespace);
                let cluster = stores
                    .jobs
                    .get(&key)
                    .and_then(|job| job.spec.deployment_name.clone());
                match cluster {
                    Some(cluster) => cluster_in(namespace, &cluster, stores),
                    None => Resolved::NotFound,
                }
            }
        }
    }
}

/// Connects to the cluster (in-cluster config, else KUBECONFIG), starts the watchers and marks
/// readiness once synced. With `sync_timeout`, readiness is also granted (degraded: lookups
/// answer unknown, the fail-safe applies) after that long without a sync, even with no cluster.
pub async fn start(
    cache: Arc<SessionCache>,
    namespace: Option<String>,
    sync_timeout: Option<Duration>,
    readiness: Arc<Readiness>,
    metrics: Arc<Metrics>,
    stop: Signal,
) {
    let degraded_ready_after = |timeout: Option<Duration>, readiness: Arc<Readiness>| async move {
        match timeout {
            Some(timeout) => {
                tokio::time::sleep(timeout).await;
                tracing::warn!(
                    ?timeout,
                    "session-cluster cache not synced in time; ready anyway (--cache-sync-timeout), lookups answer unknown and the fail-safe applies"
                );
                readiness.set_cache_settled();
            }
            None => std::future::pending().await,
        }
    };
    let client = match Client::try_default().await {
        Ok(client) => client,
        Err(error) => {
            tracing::error!(%error, "no Kubernetes client (in-cluster config or KUBECONFIG); the session-cluster cache cannot sync, so the webhook is not ready unless --cache-sync-timeout is set");
            degraded_ready_after(sync_timeout, readiness).await;
            return;
        }
    };
    let (deployments_api, jobs_api): (Api<FlinkDeployment>, Api<FlinkSessionJob>) = match &namespace
    {
        Some(ns) => (
            Api::namespaced(client.clone(), ns),
            Api::namespaced(client, ns),
        ),
        None => (Api::all(client.clone()), Api::all(client)),
    };
    let (deployments, deployments_writer) = reflector::store();
    let (jobs, jobs_writer) = reflector::store();
    let _ = cache.stores.set(Stores {
        deployments: deployments.clone(),
        jobs: jobs.clone(),
    });
    spawn_reflector(
        deployments_api,
        deployments_writer,
        trim_deployment,
        stop.clone(),
        {
            let metrics = metrics.clone();
            let reader = deployments.clone();
            let cache = cache.clone();
            move || {
                cache.heard();
                metrics.cache_deployments.set(reader.len() as i64);
            }
        },
    );
    spawn_reflector(jobs_api, jobs_writer, trim_session_job, stop, {
        let metrics = metrics.clone();
        let reader = jobs.clone();
        let cache = cache.clone();
        move || {
            cache.heard();
            metrics.cache_session_jobs.set(reader.len() as i64);
        }
    });

    let synced = async {
        let (a, b) = futures::join!(deployments.wait_until_ready(), jobs.wait_until_ready());
        a.is_ok() && b.is_ok()
    };
    tokio::pin!(synced);
    let degraded = degraded_ready_after(sync_timeout, readiness.clone());
    tokio::pin!(degraded);
    let ok = tokio::select! {
        ok = &mut synced => ok,
        () = &mut degraded => synced.await,
    };
    if ok {
        cache.heard();
        mark_synced(&cache, &metrics);
        readiness.set_cache_settled();
    }
}

fn mark_synced(cache: &SessionCache, metrics: &Metrics) {
    cache.synced.store(true, Ordering::SeqCst);
    metrics.cache_synced.set(1);
    tracing::info!("session-cluster cache synced");
}

fn spawn_reflector<K>(
    api: Api<K>,
    writer: reflector::store::Writer<K>,
    trim: fn(&mut K),
    mut stop: Signal,
    on_event: impl Fn() + Send + 'static,
) where
    K: kube::Resource<DynamicType = ()>
        + Clone
        + std::fmt::Debug
        + serde::de::DeserializeOwned
        + Send
        + Sync
        + 'static,
{
    let stream = watcher(api, watcher::Config::default())
        .default_backoff()
        .modify(trim)
        .reflect(writer)
        .map_err(|error| tracing::warn!(%error, kind = std::any::type_name::<K>(), "watch error; retrying with backoff"))
        .for_each(move |_| {
            on_event();
            std::future::ready(())
        });
    tokio::spawn(async move {
        tokio::select! {
            _ = stream => {}
            _ = crate::shutdown::wait(&mut stop) => {}
        }
    });
}

#[cfg(test)]
#[path = "cache_tests.rs"]
mod tests;
