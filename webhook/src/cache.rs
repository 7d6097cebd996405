//! Session-cluster cache: `reflector` stores of FlinkDeployments and FlinkSessionJobs fed by
//! `watcher`s. Requests never call the API server; until the stores have synced every lookup
//! answers "unknown" and the policy's fail-safe direction applies.

use std::{
    sync::{
        Arc, OnceLock,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
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

use crate::{metrics::Metrics, shutdown::Signal, state::Readiness};

struct Stores {
    deployments: Store<FlinkDeployment>,
    jobs: Store<FlinkSessionJob>,
}

/// The cache shared by all request handlers.
#[derive(Default)]
pub struct SessionCache {
    stores: OnceLock<Stores>,
    synced: AtomicBool,
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

    /// Whether both stores have completed their initial list.
    pub fn is_synced(&self) -> bool {
        self.synced.load(Ordering::SeqCst)
    }

    /// Answers `need` from memory.
    pub fn resolve(&self, need: &LookupNeed) -> Resolved {
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
/// readiness once synced or after `sync_timeout`, whichever comes first.
pub async fn start(
    cache: Arc<SessionCache>,
    namespace: Option<String>,
    sync_timeout: Duration,
    readiness: Arc<Readiness>,
    metrics: Arc<Metrics>,
    stop: Signal,
) {
    let client = match Client::try_default().await {
        Ok(client) => Some(client),
        Err(error) => {
            tracing::error!(%error, "no Kubernetes client (in-cluster config or KUBECONFIG); session-cluster lookups stay unknown");
            None
        }
    };
    let Some(client) = client else {
        tokio::time::sleep(sync_timeout).await;
        readiness.set_cache_settled();
        return;
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
    spawn_reflector(deployments_api, deployments_writer, stop.clone(), {
        let metrics = metrics.clone();
        let reader = deployments.clone();
        move || {
            metrics.cache_deployments.set(reader.len() as i64);
        }
    });
    spawn_reflector(jobs_api, jobs_writer, stop, {
        let metrics = metrics.clone();
        let reader = jobs.clone();
        move || {
            metrics.cache_session_jobs.set(reader.len() as i64);
        }
    });

    let synced = async {
        let (a, b) = futures::join!(deployments.wait_until_ready(), jobs.wait_until_ready());
        a.is_ok() && b.is_ok()
    };
    tokio::pin!(synced);
    tokio::select! {
        ok = &mut synced => mark_synced(&cache, &metrics, ok),
        _ = tokio::time::sleep(sync_timeout) => {
            tracing::warn!(timeout = ?sync_timeout, "session-cluster cache not synced in time; becoming ready, lookups answer unknown until it syncs");
            readiness.set_cache_settled();
            let ok = synced.await;
            mark_synced(&cache, &metrics, ok);
        }
    }
    readiness.set_cache_settled();
}

fn mark_synced(cache: &SessionCache, metrics: &Metrics, ok: bool) {
    if ok {
        cache.synced.store(true, Ordering::SeqCst);
        metrics.cache_synced.set(1);
        tracing::info!("session-cluster cache synced");
    }
}

fn spawn_reflector<K>(
    api: Api<K>,
    writer: reflector::store::Writer<K>,
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
mod tests {
    use super::*;
    use kube::runtime::watcher::Event;

    fn stores(
        deployments: Vec<FlinkDeployment>,
        jobs: Vec<FlinkSessionJob>,
    ) -> (Store<FlinkDeployment>, Store<FlinkSessionJob>) {
        let (d_reader, mut d_writer) = reflector::store();
        let (j_reader, mut j_writer) = reflector::store();
        d_writer.apply_watcher_event(&Event::Init);
        for d in deployments {
            d_writer.apply_watcher_event(&Event::InitApply(d));
        }
        d_writer.apply_watcher_event(&Event::InitDone);
        j_writer.apply_watcher_event(&Event::Init);
        for j in jobs {
            j_writer.apply_watcher_event(&Event::InitApply(j));
        }
        j_writer.apply_watcher_event(&Event::InitDone);
        (d_reader, j_reader)
    }

    fn parse<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
        serde_json::from_value(value).expect("valid object")
    }

    fn fixture_cache(synced: bool) -> SessionCache {
        let deployment: FlinkDeployment = parse(serde_json::json!({
            "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
            "metadata": {"name": "shared-session", "namespace": "analytics"},
            "spec": {"flinkConfiguration": {"state.savepoints.dir": "s3://b/sp"}}
        }));
        let job: FlinkSessionJob = parse(serde_json::json!({
            "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkSessionJob",
            "metadata": {"name": "clicks-job", "namespace": "analytics"},
            "spec": {"deploymentName": "shared-session"}
        }));
        let (d, j) = stores(vec![deployment], vec![job]);
        SessionCache::from_stores(d, j, synced)
    }

    #[test]
    fn synced_cache_resolves_clusters_directly_and_through_session_jobs() {
        let cache = fixture_cache(true);
        let cluster = LookupNeed::SessionCluster {
            namespace: "analytics".into(),
            name: "shared-session".into(),
        };
        assert!(
            matches!(cache.resolve(&cluster), Resolved::Found(d) if d.metadata.name.as_deref() == Some("shared-session"))
        );
        let via_job = LookupNeed::SessionJobCluster {
            namespace: "analytics".into(),
            job: "clicks-job".into(),
        };
        assert!(matches!(cache.resolve(&via_job), Resolved::Found(_)));
        let other_ns = LookupNeed::SessionCluster {
            namespace: "elsewhere".into(),
            name: "shared-session".into(),
        };
        assert!(matches!(cache.resolve(&other_ns), Resolved::NotFound));
        let missing_job = LookupNeed::SessionJobCluster {
            namespace: "analytics".into(),
            job: "nope".into(),
        };
        assert!(matches!(cache.resolve(&missing_job), Resolved::NotFound));
        assert!(matches!(
            cache.resolve(&LookupNeed::None),
            Resolved::NotNeeded
        ));
    }

    #[test]
    fn unsynced_or_unavailable_cache_answers_unknown() {
        let need = LookupNeed::SessionCluster {
            namespace: "analytics".into(),
            name: "shared-session".into(),
        };
        assert!(matches!(
            fixture_cache(false).resolve(&need),
            Resolved::Unknown
        ));
        assert!(matches!(
            SessionCache::unavailable().resolve(&need),
            Resolved::Unknown
        ));
    }
}
