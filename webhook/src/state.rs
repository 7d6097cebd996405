//! Shared state handed to the routers.

use std::{sync::Arc, time::Duration};

use flink_savepoint::admission::Policy;
use tokio::sync::Semaphore;

use crate::{cache::SessionCache, metrics::Metrics, readiness::Readiness};

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
