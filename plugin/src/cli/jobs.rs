//! Arguments of the savepoint commands: `trigger`, `list`, `wait`, `status`.

use std::time::Duration;

use clap::{ArgAction, Args, ValueEnum};

use super::common::{DryRunArg, ObjectFormat, OutputFormat, parse_duration};

/// Trigger a savepoint of an application (FlinkDeployment) or a session job (FlinkSessionJob).
///
/// TARGET is KIND/NAME or KIND NAME: app/NAME (application, flinkdeployment, flinkdep) or
/// job/NAME (sessionjob, flinksessionjob). By default the job's savepointTriggerNonce is changed
/// (guarded by the object's resourceVersion); --method snapshot creates a FlinkStateSnapshot.
#[derive(Debug, Args)]
pub struct TriggerArgs {
    /// KIND/NAME or KIND NAME.
    #[arg(value_name = "TARGET", num_args = 1..=2, required = true)]
    pub target: Vec<String>,
    /// How to request the savepoint.
    #[arg(long, value_enum, default_value_t = Method::Nonce)]
    pub method: Method,
    /// Savepoint format (--method snapshot only; the nonce uses the operator's configured format).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Dispose the savepoint data when the FlinkStateSnapshot is deleted (--method snapshot).
    #[arg(long, action = ArgAction::Set, default_value_t = true, value_name = "BOOL")]
    pub dispose_on_delete: bool,
    /// Retries the operator makes when the savepoint fails (--method snapshot; -1 = unlimited).
    #[arg(
        long,
        default_value_t = 3,
        allow_negative_numbers = true,
        value_name = "N"
    )]
    pub backoff_limit: i32,
    /// Trigger even when the job is not RUNNING (the operator only acts once it runs).
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub dry_run: DryRunArg,
    /// Follow the savepoint until it completes, fails or --timeout passes.
    #[arg(long)]
    pub wait: bool,
    /// How long --wait waits (e.g. 30s, 5m, 1h).
    #[arg(long, value_parser = parse_duration, default_value = "10m", value_name = "DURATION")]
    pub timeout: Duration,
    /// Print the trigger information as an object.
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT")]
    pub output: Option<ObjectFormat>,
}

/// How a savepoint is requested.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Method {
    /// Change spec.job.savepointTriggerNonce (works with every operator version).
    Nonce,
    /// Create a FlinkStateSnapshot (operator 1.10+).
    Snapshot,
}

/// Savepoint format type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Flink's portable format.
    Canonical,
    /// The state backend's native format (faster, less portable).
    Native,
}

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
    /// Label selector for the FlinkDeployments/FlinkSessionJobs listed (their snapshots follow).
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

/// Recoverability per job: what it could be restored from now, and how old that is.
///
/// Per application and session job: the newest completed savepoint and its age, the last
/// completed checkpoint and its age (from the JobManager, through the API server's service proxy),
/// the next periodic savepoint due, the retention in force, how many MANUAL snapshots no operator
/// cleanup will remove, savepoints that failed or were abandoned in the last 24 h, and a verdict
/// (OK, WARNING, CRITICAL) with its reasons.
///
/// Without TARGET: every application and session job in the namespace (-A: all namespaces).
/// TARGET: one or more app/NAME, job/NAME, session/NAME (its session jobs).
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// KIND/NAME… (or one KIND NAME).
    #[arg(value_name = "TARGET")]
    pub targets: Vec<String>,
    /// Every namespace.
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,
    /// Label selector for the FlinkDeployments/FlinkSessionJobs covered.
    #[arg(short = 'l', long, value_name = "SELECTOR")]
    pub selector: Option<String>,
    /// Output format (default: a table).
    #[arg(short = 'o', long, value_enum)]
    pub output: Option<ObjectFormat>,
    /// Omit the table header.
    #[arg(long)]
    pub no_headers: bool,
    /// Exit 1 when any job's verdict is not OK (for cron jobs and CI).
    #[arg(long)]
    pub exit_code: bool,
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
