//! Arguments of the savepoint commands: `trigger`, `list`, `wait`, `status`.

use std::time::Duration;

use clap::{ArgAction, Args, ValueEnum};

use super::common::{
    DryRunArg, ObjectFormat, ObjectFormatParser, OutputFormat, OutputParser, parse_duration,
    parse_sort_by,
};
use flink_savepoint::jsonpath::Template;

/// Trigger a savepoint of an application (FlinkDeployment) or a session job (FlinkSessionJob).
///
/// TARGET is KIND/NAME or KIND NAME: app/NAME (application, flinkdeployment, flinkdep) or
/// job/NAME (sessionjob, flinksessionjob). By default the job's savepointTriggerNonce is changed
/// (guarded by the object's resourceVersion); --method snapshot creates a FlinkStateSnapshot.
///
/// Several targets (app/a job/b, or app a b), -l SELECTOR (applications and session jobs with
/// those labels; `app -l …` only applications) or --all (every job of the namespace; with -A of
/// every namespace) request the savepoints concurrently, e.g. before an operator upgrade. They
/// print one summary table (with --wait: once every savepoint has finished or --timeout has
/// passed) and exit with the worst outcome: 1 (a request or savepoint failed) > 3 (timed out) >
/// 2 (refused, e.g. a job not RUNNING) > 0.
#[derive(Debug, Args)]
pub struct TriggerArgs {
    /// KIND/NAME or KIND NAME; several: KIND/NAME… or KIND NAME….
    #[arg(value_name = "TARGET", num_args = 0..)]
    pub target: Vec<String>,
    /// Label selector: trigger every application and session job with these labels.
    #[arg(short = 'l', long, value_name = "SELECTOR", value_parser = super::parse_label_selector)]
    pub selector: Option<String>,
    /// Trigger every application and session job of the namespace (-A: of every namespace).
    #[arg(long)]
    pub all: bool,
    /// With -l or --all, select in every namespace: the global `-A/--all-namespaces`, copied here
    /// by [`super::try_parse_from`].
    #[arg(skip)]
    pub all_namespaces: bool,
    /// How to request the savepoint.
    #[arg(long, value_enum, ignore_case = true, default_value_t = Method::Nonce)]
    pub method: Method,
    /// Savepoint format (--method snapshot only; the nonce uses the operator's configured format).
    #[arg(long, value_enum, ignore_case = true)]
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
    /// Print the trigger information as json, yaml or jsonpath=TEMPLATE.
    #[arg(short = 'o', long, value_parser = ObjectFormatParser, hide_possible_values = true, value_name = "FORMAT")]
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
/// Without TARGET: every application and session job in the namespace (-A: all namespaces), or
/// those whose labels match -l. TARGET: app/NAME, job/NAME, or session/NAME (all session jobs
/// of that session cluster); several are allowed, as KIND/NAME KIND/NAME or KIND NAME NAME.
///
/// AGE is the time since the savepoint was triggered, as kubectl prints ages; -o wide adds the
/// exact trigger and completion times. -o json prints a kubectl List of savepoint entries; -o
/// jsonpath, -o custom-columns and --sort-by apply to that same document (explore it with -o
/// json first). -o name prints flinkstatesnapshot.flink.apache.org/NAME for each savepoint that
/// is a FlinkStateSnapshot (legacy status records have no object and print nothing), ready for
/// kubectl.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// KIND/NAME ... or KIND NAME ... (optional).
    #[arg(value_name = "TARGET", num_args = 0..)]
    pub target: Vec<String>,
    /// List across all namespaces: the global `-A/--all-namespaces` (accepted before or after
    /// `list`), copied here by [`super::try_parse_from`].
    #[arg(skip)]
    pub all_namespaces: bool,
    /// Only these trigger types (repeatable or comma-separated).
    #[arg(long = "type", value_enum, ignore_case = true, value_delimiter = ',')]
    pub types: Vec<TypeFilter>,
    /// Only these states (repeatable or comma-separated), e.g. completed,failed.
    #[arg(long = "state", value_delimiter = ',', value_name = "STATE")]
    pub states: Vec<String>,
    /// Label selector (kubectl's syntax: a=b,c!=d,e in (f,g),!h) for the FlinkDeployments and
    /// FlinkSessionJobs whose savepoints are listed; not with app/ or job/ targets; with
    /// session/NAME it selects among that cluster's session jobs.
    #[arg(short = 'l', long, value_name = "SELECTOR", value_parser = super::parse_label_selector)]
    pub selector: Option<String>,
    /// Output format: json, yaml, name, wide, jsonpath=TEMPLATE, jsonpath-file=PATH,
    /// custom-columns=SPEC or custom-columns-file=PATH (kubectl's syntax; templates apply to the
    /// document -o json prints).
    #[arg(short = 'o', long, value_parser = OutputParser, hide_possible_values = true, value_name = "FORMAT")]
    pub output: Option<OutputFormat>,
    /// Omit the table header.
    #[arg(long)]
    pub no_headers: bool,
    /// Sort by a field of the -o json items, as a JSONPath (kubectl's syntax), e.g. .triggered
    /// or '{.target.name}'. Missing values sort first; text in natural order.
    #[arg(long, value_name = "JSONPATH", value_parser = parse_sort_by)]
    pub sort_by: Option<Template>,
    /// Add a LABELS column: the FlinkStateSnapshot's labels (none for legacy status records).
    #[arg(long)]
    pub show_labels: bool,
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
    /// Every namespace: the global `-A/--all-namespaces`, copied here by
    /// [`super::try_parse_from`].
    #[arg(skip)]
    pub all_namespaces: bool,
    /// Label selector for the FlinkDeployments/FlinkSessionJobs covered.
    #[arg(short = 'l', long, value_name = "SELECTOR", value_parser = super::parse_label_selector)]
    pub selector: Option<String>,
    /// Output format (default: a table): json, yaml or jsonpath=TEMPLATE.
    #[arg(short = 'o', long, value_parser = ObjectFormatParser, hide_possible_values = true, value_name = "FORMAT")]
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
///
/// Several targets (app/a job/b flinkstatesnapshot/c, or app a b) or -l SELECTOR (the latest
/// savepoint of every application and session job with those labels; -A in every namespace) are
/// followed concurrently; one summary table is printed when all have finished or --timeout has
/// passed, and the exit code is the worst outcome: 1 > 3 > 2 > 0.
#[derive(Debug, Args)]
pub struct WaitArgs {
    /// app/NAME, job/NAME or flinkstatesnapshot/NAME (also KIND NAME); several allowed.
    #[arg(value_name = "TARGET", num_args = 0..)]
    pub target: Vec<String>,
    /// Label selector: wait for the latest savepoint of every job with these labels.
    #[arg(short = 'l', long, value_name = "SELECTOR", value_parser = super::parse_label_selector)]
    pub selector: Option<String>,
    /// With -l, select in every namespace: the global `-A/--all-namespaces`, copied here by
    /// [`super::try_parse_from`].
    #[arg(skip)]
    pub all_namespaces: bool,
    /// How long to wait (e.g. 30s, 5m, 1h).
    #[arg(long, value_parser = parse_duration, default_value = "10m", value_name = "DURATION")]
    pub timeout: Duration,
}
