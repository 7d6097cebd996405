//! What `/readyz` answers, as flags the TLS loader, the cache and shutdown set (a leaf: the cache and the
//! shared state both use it, neither through the other).

use std::sync::atomic::{AtomicBool, Ordering};

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
