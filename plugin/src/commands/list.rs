//! `list [TARGET]`: savepoints from every source the operator records, newest first.

use anyhow::Result;
use clap::{Args, ValueEnum};

use crate::kube::Context;
use crate::output::OutputFormat;

/// List savepoints, newest first: requested, pending, in progress, completed, failed and
/// abandoned; manual, periodic and upgrade; from FlinkStateSnapshots and legacy status.
///
/// Without TARGET: every application and session job in the namespace (-A: all namespaces).
/// TARGET: app/NAME, job/NAME, or session/NAME (all session jobs of that session cluster).
#[derive(Debug, Args)]
pub struct ListArgs {
    /// KIND/NAME or KIND NAME (optional).
    #[arg(value_name = "TARGET", num_args = 0..=2)]
    pub target: Vec<String>,
    /// List across all namespaces.
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,
    /// Only these trigger types (repeatable or comma-separated).
    #[arg(long = "type", value_enum, value_delimiter = ',')]
    pub types: Vec<TypeFilter>,
    /// Only these states (repeatable or comma-separated), e.g. completed,failed.
    #[arg(long = "state", value_delimiter = ',', value_name = "STATE")]
    pub states: Vec<String>,
    /// Label selector applied to the FlinkDeployments/FlinkSessionJobs (and their snapshots).
    #[arg(short = 'l', long, value_name = "SELECTOR")]
    pub selector: Option<String>,
    /// Output format.
    #[arg(short = 'o', long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
    /// Omit the table header.
    #[arg(long)]
    pub no_headers: bool,
    /// After listing, watch for changes and print new or changed rows.
    #[arg(short = 'w', long)]
    pub watch: bool,
}

/// `--type` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TypeFilter {
    /// Requested by a user (nonce or FlinkStateSnapshot).
    Manual,
    /// Taken by the operator on a schedule.
    Periodic,
    /// Taken by the operator during an upgrade or suspend.
    Upgrade,
}

impl ListArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context) -> Result<()> {
        let _ = ctx;
        Err(anyhow::anyhow!("list is being implemented"))
    }
}
