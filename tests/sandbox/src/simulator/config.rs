//! Simulator settings.

use std::time::Duration;

/// How the operator simulator behaves. `Default` = autonomous, real time, savepoints take 2 simulated seconds.
#[derive(Debug, Clone)]
pub struct SimulatorConfig {
    /// Simulated seconds per real second for the background loop (e.g. `60.0` makes a 15 min interval take 15 s).
    pub time_scale: f64,
    /// Run a background loop (tick + react to changes). `false` = fully manual: tests drive time with
    /// [`crate::Simulator::step`] / [`crate::Simulator::advance`] (deterministic).
    pub autonomous: bool,
    /// Real time between background ticks.
    pub tick: Duration,
    /// Simulated time a savepoint stays IN_PROGRESS (or a legacy trigger stays pending).
    pub savepoint_duration: Duration,
    /// Make every savepoint fail (per resource: annotation `sandbox.flink-savepoint.io/fail-savepoints: "true"`
    /// on the FlinkDeployment/FlinkSessionJob or on the FlinkStateSnapshot).
    pub fail_savepoints: bool,
    /// Operator-wide `kubernetes.operator.snapshot.resource.enabled` (forced off when the CRD is not served).
    pub snapshot_resources: bool,
    /// Add the operator's finalizers (`<plural>.flink.apache.org/finalizer`) and process deletions like it
    /// does (a COMPLETED `disposeOnDelete` snapshot whose job is not running keeps its finalizer and gets a
    /// `CleanupFailed` event). Deletes then complete on the simulator's next pass.
    pub finalizers: bool,
    /// How long (wall-clock) the simulated JobManagers reuse a `/jobs/:jobid/checkpoints` answer, like Flink's
    /// `rest.cache.checkpoint-statistics.timeout` (default there: `web.refresh-interval`, 3 s). Zero
    /// here by default: every answer is fresh.
    pub rest_stats_cache: Duration,
}

impl Default for SimulatorConfig {
    fn default() -> Self {
        Self {
            time_scale: 1.0,
            autonomous: true,
            tick: Duration::from_millis(100),
            savepoint_duration: Duration::from_secs(2),
            fail_savepoints: false,
            snapshot_resources: true,
            finalizers: true,
            rest_stats_cache: Duration::ZERO,
        }
    }
}
