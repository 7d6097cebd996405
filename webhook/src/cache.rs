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
mod tests {
    use super::*;
    use flink_savepoint::config::flatten;
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
    fn trimming_keeps_every_savepoint_spelling_and_drops_everything_else() {
        use flink_savepoint::admission::{Phase, Policy, ReviewContext, SessionLookup, review};
        let mut deployment: FlinkDeployment = parse(serde_json::json!({
            "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
            "metadata": {"name": "shared-session", "namespace": "analytics",
                         "annotations": {"big": "x".repeat(10_000)}, "resourceVersion": "7"},
            "spec": {
                "flinkConfiguration": {
                    "state": {"savepoints": {"dir": "s3://b/sp"}},
                    "kubernetes.operator.savepoint.history.max.count": 3,
                    "taskmanager.numberOfTaskSlots": "4",
                },
                "podTemplate": {"spec": {"containers": [{"name": "x".repeat(10_000)}]}},
                "image": "flink:1.20",
            },
            "status": {"jobStatus": {"state": "RUNNING"}},
        }));
        let full_config = cluster_config_of(&deployment);
        trim_deployment(&mut deployment);
        let config = deployment.flink_configuration().expect("kept");
        let mut keys: Vec<&String> = config.keys().collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "kubernetes.operator.savepoint.history.max.count",
                "state.savepoints.dir"
            ]
        );
        assert!(deployment.spec.pod_template.is_none() && deployment.spec.image.is_none());
        assert!(deployment.status.is_none() && deployment.metadata.annotations.is_none());
        assert_eq!(deployment.metadata.resource_version.as_deref(), Some("7"));
        for option in &CLUSTER_OPTIONS {
            assert_eq!(
                cluster_config_of(&deployment)
                    .lookup(option)
                    .map(|f| f.value.to_owned()),
                full_config.lookup(option).map(|f| f.value.to_owned()),
                "{}",
                option.key
            );
        }
        // The trimmed cluster still drives the policy: a job overriding the dir is denied.
        let req: kube::core::admission::AdmissionRequest<kube::core::DynamicObject> = {
            let review: kube::core::admission::AdmissionReview<kube::core::DynamicObject> = parse(
                serde_json::json!({
                    "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
                    "request": {
                        "uid": "u", "kind": {"group": "flink.apache.org", "version": "v1beta1", "kind": "FlinkSessionJob"},
                        "resource": {"group": "flink.apache.org", "version": "v1beta1", "resource": "flinksessionjobs"},
                        "name": "j", "namespace": "analytics", "operation": "CREATE", "userInfo": {},
                        "object": {"apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkSessionJob",
                                   "metadata": {"name": "j", "namespace": "analytics"},
                                   "spec": {"deploymentName": "shared-session",
                                            "flinkConfiguration": {"state.savepoints.dir": "s3://mine"}}}
                    }
                }),
            );
            review.try_into().expect("request")
        };
        let decision = review(
            &req,
            &ReviewContext {
                phase: Phase::Validate,
                policy: &Policy::default(),
                session_cluster: SessionLookup::Found(&deployment),
            },
        );
        assert!(
            decision.denial().is_some_and(|m| m.contains("s3://b/sp")),
            "{decision:?}"
        );
        let mut job: FlinkSessionJob = parse(serde_json::json!({
            "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkSessionJob",
            "metadata": {"name": "clicks-job", "namespace": "analytics"},
            "spec": {"deploymentName": "shared-session", "job": {"jarURI": "x".repeat(1000)},
                     "flinkConfiguration": {"a": "b"}}
        }));
        trim_session_job(&mut job);
        assert_eq!(job.spec.deployment_name.as_deref(), Some("shared-session"));
        assert!(job.spec.job.is_none() && job.spec.flink_configuration.is_none());
    }

    fn cluster_config_of(deployment: &FlinkDeployment) -> flink_savepoint::config::FlatConfig {
        deployment
            .flink_configuration()
            .map(flatten)
            .unwrap_or_default()
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
