//! `wait TARGET|flinkstatesnapshot/NAME`: follow a savepoint to its end.

use std::time::Duration;

use anyhow::Result;
use clap::Args;

use crate::cli::parse_duration;
use crate::kube::Context;

/// Wait for the latest savepoint of a job, or for a named FlinkStateSnapshot, to finish.
///
/// Exits 0 when it completes (prints the location), 1 when it FAILED or was ABANDONED (prints the
/// operator's error), 3 when --timeout passes first.
#[derive(Debug, Args)]
pub struct WaitArgs {
    /// app/NAME, job/NAME or flinkstatesnapshot/NAME (also KIND NAME).
    #[arg(value_name = "TARGET", num_args = 1..=2, required = true)]
    pub target: Vec<String>,
    /// How long to wait (e.g. 30s, 5m, 1h).
    #[arg(long, value_parser = parse_duration, default_value = "10m", value_name = "DURATION")]
    pub timeout: Duration,
}

impl WaitArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context) -> Result<()> {
        let _ = ctx;
        Err(anyhow::anyhow!("wait is being implemented"))
    }
}
