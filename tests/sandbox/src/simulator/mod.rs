//! Flink operator simulator: reacts to FlinkDeployment / FlinkSessionJob / FlinkStateSnapshot objects in the
//! sandbox store like the Flink Kubernetes operator (see `shared/reference/flink-operator.md` §1–§4, §7).
//!
//! - New job resources get a status: `lifecycleState`, `jobStatus` (RUNNING, `jobId`, epoch-ms `startTime`),
//!   `reconciliationStatus.lastReconciledSpec` (`{"spec":…,"resource_metadata":…}` string), `observedGeneration`.
//!   `job.state: suspended` ⇒ SUSPENDED; spec changes restart the job (UPGRADE savepoint first in
//!   `upgradeMode: savepoint`); a changed `savepointRedeployNonce` redeploys from `initialSavepointPath`
//!   (new `jobId`, `upgradeSavepointPath`).
//! - A changed `savepointTriggerNonce` on a RUNNING job triggers a savepoint: with snapshot resources on
//!   (operator-wide [`SimulatorConfig::snapshot_resources`], the CRD served, and the job's
//!   `kubernetes.operator.snapshot.resource.enabled`) a `<name>-savepoint-manual-<ms>` FlinkStateSnapshot is
//!   created and the nonce copied into `lastReconciledSpec`; otherwise the legacy `savepointInfo` trigger →
//!   `lastSavepoint`/`savepointHistory` flow. Periodic savepoints follow
//!   `kubernetes.operator.periodic.savepoint.interval` (duration or cron); retention trims PERIODIC/UPGRADE
//!   savepoints by `…history.max.age`/`max.count` (never MANUAL).
//! - FlinkStateSnapshots go TRIGGER_PENDING → IN_PROGRESS → COMPLETED (`path` under the effective savepoint
//!   dir), FAILED on demand ([`support::FAIL_ANNOTATION`]; retried per `backoffLimit`) or ABANDONED
//!   (target missing / job not running); Warning events `SavepointError` / `SnapshotAbandoned` are recorded.
//!
//! Simulated time starts at the wall clock. The background loop (when [`SimulatorConfig::autonomous`])
//! advances it by `tick × time_scale` per tick and reacts to changes; tests wanting determinism disable it and
//! call [`Simulator::step`] / [`Simulator::advance`]. Simulator writes go straight to the store (no admission).

pub mod api;
mod config;
mod finalizer;
mod history;
mod job;
mod legacy;
pub mod live;
pub mod rest;
mod snapshot;
pub mod support;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use futures::StreamExt;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

pub use api::{ClusterApi, HttpApi};
pub use config::SimulatorConfig;
pub use rest::JobManagers;

use crate::store::Store;

struct Inner {
    store: Arc<dyn ClusterApi>,
    cfg: SimulatorConfig,
    start_ms: i64,
    now_ms: Mutex<i64>,
    periodic: Mutex<HashMap<String, i64>>,
    pass: Mutex<()>,
    rest: Arc<JobManagers>,
    live: live::Cache,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// What one reconcile pass sees.
pub(crate) struct Ctx<'a> {
    pub store: &'a dyn ClusterApi,
    pub cfg: &'a SimulatorConfig,
    pub now_ms: i64,
    pub start_ms: i64,
    periodic: &'a Mutex<HashMap<String, i64>>,
    crd_served: bool,
    /// The simulated JobManagers' REST state (see [`rest`]).
    pub rest: &'a JobManagers,
    /// Lookups of live JobManagers (see [`live`]).
    live: &'a live::Cache,
}

impl Ctx<'_> {
    pub fn snapshot_mode(&self, conf: &flink_savepoint::config::FlatConfig) -> bool {
        job::snapshot_mode(self.cfg.snapshot_resources, self.crd_served, conf)
    }
    pub fn last_periodic(&self, uid: &str) -> Option<i64> {
        lock(self.periodic).get(uid).copied()
    }
    pub fn set_last_periodic(&self, uid: &str, ms: i64) {
        lock(self.periodic).insert(uid.to_string(), ms);
    }
    /// The live JobManager of cluster `ns/cluster` (its `-rest` Service resolves), if any.
    pub fn live_job_manager(&self, ns: &str, cluster: &str) -> Option<live::JobManager> {
        self.live.job_manager(self.store, ns, cluster)
    }
    /// The job of the live JobManager `jm` of `ns/cluster`.
    pub fn live_job(
        &self,
        jm: live::JobManager,
        ns: &str,
        cluster: &str,
    ) -> Result<live::LiveJob, String> {
        self.live.job(jm, ns, cluster)
    }
}

/// A running operator simulator (owned by the [`crate::Sandbox`]).
pub struct Simulator {
    inner: Arc<Inner>,
    stop_tx: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
    /// Forwards change notifications (store broadcast or API watches) to the loop.
    forward: Option<JoinHandle<()>>,
}

impl Simulator {
    /// In-process against the sandbox's store (deterministic `step`/`advance` when not autonomous).
    pub(crate) fn start(store: Store, cfg: SimulatorConfig, rest: Arc<JobManagers>) -> Self {
        let (tx, rx) = mpsc::channel(1);
        let mut changes = store.subscribe();
        let forward = async move {
            loop {
                match changes.recv().await {
                    Ok(c) if c.plural == "events" => continue,
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                    _ => {}
                }
                if tx.send(()).await.is_err() {
                    return;
                }
            }
        };
        let forward = cfg.autonomous.then(|| tokio::spawn(forward));
        let mut sim = Self::with_api(Arc::new(store), cfg, rx, rest);
        sim.forward = forward;
        sim
    }

    /// A real controller against any API server over HTTP (the real kube-apiserver tier, the sandbox over
    /// its HTTPS port, a kind cluster): kube-runtime watchers on the three Flink kinds wake reconcile passes,
    /// which also run every tick. Always autonomous; `step`/`advance` must not be called from async code.
    /// `namespace` scopes it like the operator's `watchNamespaces` (one emulator per test namespace).
    pub fn connect(client: kube::Client, cfg: SimulatorConfig, namespace: Option<String>) -> Self {
        let (tx, rx) = mpsc::channel(1);
        let watch_client = client.clone();
        let watch_scope = namespace.clone();
        let forward = async move {
            let streams = [
                "flinkdeployments",
                "flinksessionjobs",
                "flinkstatesnapshots",
            ]
            .map(|plural| {
                let ar = HttpApi::resource(plural);
                let api: kube::Api<kube::api::DynamicObject> = match &watch_scope {
                    Some(ns) => kube::Api::namespaced_with(watch_client.clone(), ns, &ar),
                    None => kube::Api::all_with(watch_client.clone(), &ar),
                };
                kube::runtime::watcher(api, kube::runtime::watcher::Config::default()).boxed()
            });
            let mut all = futures::stream::select_all(streams);
            while let Some(event) = all.next().await {
                if let Err(e) = &event {
                    tracing::debug!(error = %e, "emulator watch error (retrying)");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                // A full channel already holds a wake-up: the next pass sees this change too.
                let _ = tx.try_send(());
            }
        };
        let forward = Some(tokio::spawn(forward));
        let api = HttpApi::new(client, tokio::runtime::Handle::current(), namespace);
        let mut sim = Self::with_api(
            Arc::new(api),
            SimulatorConfig {
                autonomous: true,
                ..cfg
            },
            rx,
            Arc::default(),
        );
        sim.forward = forward;
        sim
    }

    fn with_api(
        store: Arc<dyn ClusterApi>,
        cfg: SimulatorConfig,
        changes: mpsc::Receiver<()>,
        rest: Arc<JobManagers>,
    ) -> Self {
        let start_ms = jiff::Timestamp::now().as_millisecond();
        rest.set_now(start_ms);
        rest.set_stats_cache(cfg.rest_stats_cache);
        let inner = Arc::new(Inner {
            store,
            cfg,
            start_ms,
            now_ms: Mutex::new(start_ms),
            periodic: Mutex::new(HashMap::new()),
            pass: Mutex::new(()),
            rest,
            live: live::Cache::default(),
        });
        let (stop_tx, stop_rx) = watch::channel(false);
        let task = inner
            .cfg
            .autonomous
            .then(|| tokio::spawn(run(inner.clone(), stop_rx, changes)));
        Self {
            inner,
            stop_tx,
            task,
            forward: None,
        }
    }

    /// The simulated JobManagers' REST API (what the sandbox's service proxy route answers; register a
    /// connected simulator's with [`crate::Sandbox::serve_job_managers`]).
    pub fn job_managers(&self) -> Arc<JobManagers> {
        self.inner.rest.clone()
    }

    /// Current simulated time.
    pub fn now(&self) -> jiff::Timestamp {
        jiff::Timestamp::from_millisecond(*lock(&self.inner.now_ms))
            .unwrap_or_else(|_| jiff::Timestamp::now())
    }

    /// Run reconcile passes at the current simulated time until nothing changes; returns the number of writes.
    pub fn step(&self) -> usize {
        step(&self.inner)
    }

    /// Move simulated time forward by `d` (in slices no longer than the savepoint duration or `d/50`,
    /// reconciling after each), so periodic triggers and in-flight savepoints progress as they would.
    pub fn advance(&self, d: Duration) -> usize {
        advance(&self.inner, d)
    }

    /// Stop the background loop (if any).
    pub async fn stop(mut self) {
        let _ = self.stop_tx.send(true);
        if let Some(f) = self.forward.take() {
            f.abort();
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        let _ = self.stop_tx.send(true);
        if let Some(f) = self.forward.take() {
            f.abort();
        }
    }
}

/// Objects whose status has a shape the operator could never have written are left alone (the simulator
/// must not trip over hand-made test fixtures).
fn sane(obj: &serde_json::Value) -> bool {
    let object_or_null = |p: &str| obj.pointer(p).is_none_or(|v| v.is_object() || v.is_null());
    [
        "/spec",
        "/status",
        "/status/jobStatus",
        "/status/jobStatus/savepointInfo",
        "/status/reconciliationStatus",
    ]
    .into_iter()
    .all(object_or_null)
}

fn step(inner: &Inner) -> usize {
    let _guard = lock(&inner.pass);
    let now_ms = *lock(&inner.now_ms);
    let ctx = Ctx {
        store: inner.store.as_ref(),
        cfg: &inner.cfg,
        now_ms,
        start_ms: inner.start_ms,
        periodic: &inner.periodic,
        crd_served: inner.store.served("flinkstatesnapshots"),
        rest: &inner.rest,
        live: &inner.live,
    };
    inner.rest.set_now(now_ms);
    let deployments: Vec<(String, String)> = inner
        .store
        .list("flinkdeployments", None)
        .iter()
        .filter(|d| d.pointer("/metadata/deletionTimestamp").is_none())
        .filter_map(|d| {
            Some((
                support::s(d, "/metadata/namespace")?.to_string(),
                support::s(d, "/metadata/name")?.to_string(),
            ))
        })
        .collect();
    inner.rest.retain_clusters(&deployments);
    let mut writes = 0;
    for _ in 0..10 {
        let mut changed = 0;
        for plural in ["flinkdeployments", "flinksessionjobs"] {
            for obj in inner.store.list(plural, None).into_iter().filter(sane) {
                changed += usize::from(job::reconcile(&ctx, &obj));
            }
        }
        if ctx.crd_served {
            for snap in inner
                .store
                .list("flinkstatesnapshots", None)
                .into_iter()
                .filter(sane)
            {
                changed += usize::from(snapshot::reconcile(&ctx, &snap));
            }
        }
        writes += changed;
        if changed == 0 {
            break;
        }
    }
    writes
}

fn advance(inner: &Inner, d: Duration) -> usize {
    let total = i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
    let slice = i64::try_from(inner.cfg.savepoint_duration.as_millis())
        .unwrap_or(1000)
        .max(total / 50)
        .max(1);
    let mut done = 0;
    let mut writes = 0;
    while done < total {
        let inc = slice.min(total - done);
        *lock(&inner.now_ms) += inc;
        done += inc;
        writes += step(inner);
    }
    writes
}

async fn run(inner: Arc<Inner>, mut stop: watch::Receiver<bool>, mut changes: mpsc::Receiver<()>) {
    let mut tick = tokio::time::interval(inner.cfg.tick);
    let per_tick = inner.cfg.tick.mul_f64(inner.cfg.time_scale.max(0.0));
    loop {
        tokio::select! {
            _ = stop.changed() => return,
            _ = tick.tick() => {
                let i = inner.clone();
                if tokio::task::spawn_blocking(move || advance(&i, per_tick)).await.is_err() {
                    return;
                }
            }
            msg = changes.recv() => {
                if msg.is_none() {
                    return;
                }
                while changes.try_recv().is_ok() {}
                let i = inner.clone();
                if tokio::task::spawn_blocking(move || step(&i)).await.is_err() {
                    return;
                }
            }
        }
    }
}
