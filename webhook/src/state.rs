//! Shared state handed to the routers.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use flink_savepoint::admission::Policy;
use tokio::sync::Semaphore;

use crate::{cache::SessionCache, metrics::Metrics};

/// Readiness = TLS certificate loaded ∧ cache synced-or-given-up ∧ not shutting down.
#[derive(Debug, Default)]
pub struct Readiness {
    tls_loaded: AtomicBool,
    cache_settled: AtomicBool,
    shutting_down: AtomicBool,
}

impl Readiness {
    /// The serving certificate has been loaded.
    pub fn set_tls_loaded(&self) {
        self.tls_loaded.store(true, Ordering::SeqCst);
    }

    /// The cache has synced, or the sync timeout passed (fail-safe applies to lookups).
    pub fn set_cache_settled(&self) {
        self.cache_settled.store(true, Ordering::SeqCst);
    }

    /// Shutdown has begun: never ready again.
    pub fn set_shutting_down(&self) {
        self.shutting_down.store(true, Ordering::SeqCst);
    }

    /// Whether shutdown has begun.
    pub fn shutting_down(&self) -> bool {
        self.shutting_down.load(Ordering::SeqCst)
    }

    /// Why the process is not ready, or `None` when ready.
    pub fn not_ready_reason(&self) -> Option<&'static str> {
        if self.shutting_down.load(Ordering::SeqCst) {
            Some("shutting down")
        } else if !self.tls_loaded.load(Ordering::SeqCst) {
            Some("TLS certificate not loaded")
        } else if !self.cache_settled.load(Ordering::SeqCst) {
            Some("session-cluster cache not synced yet")
        } else {
            None
        }
    }
}

/// Everything a request handler needs.
#[derive(Clone)]
pub struct AppState {
    /// The admission policy.
    pub policy: Arc<Policy>,
    /// Watch-backed FlinkDeployment/FlinkSessionJob cache.
    pub cache: Arc<SessionCache>,
    /// Metrics registry.
    pub metrics: Arc<Metrics>,
    /// Readiness flags.
    pub readiness: Arc<Readiness>,
    /// Per-request timeout.
    pub request_timeout: Duration,
    /// Permits for reviews in flight (`--max-in-flight`).
    pub in_flight: Arc<Semaphore>,
    /// Size of [`Self::in_flight`].
    pub max_in_flight: usize,
}

impl AppState {
    /// State with an empty, never-synced cache (lookups answer "unknown").
    pub fn new(policy: Policy, request_timeout: Duration, max_in_flight: usize) -> Self {
        let metrics = Arc::new(Metrics::new());
        Self {
            policy: Arc::new(policy),
            cache: Arc::new(SessionCache::unavailable()),
            metrics,
            readiness: Arc::new(Readiness::default()),
            request_timeout,
            in_flight: Arc::new(Semaphore::new(max_in_flight)),
            max_in_flight,
        }
    }
}
