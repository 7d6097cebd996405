//! Flink operator simulator (in progress).

use crate::store::Store;

mod config;

pub use config::SimulatorConfig;

/// A running simulator.
pub struct Simulator {
    _store: Store,
}

impl Simulator {
    pub(crate) fn start(store: Store, _cfg: SimulatorConfig) -> Self {
        Self { _store: store }
    }
    pub async fn stop(self) {}
}
