//! Arguments of the lifecycle commands: `schedule`, `restore`, `delete`, `prune`, `describe`,
//! and of `version` and `completion`.

use std::time::Duration;

use clap::{Args, ValueEnum};

use super::common::{DryRunArg, ObjectFormat, ObjectFormatParser, parse_age};

/// Set, disable or show periodic savepoints and savepoint-history retention.
///
/// TARGET is app/NAME, job/NAME or session/NAME (a session cluster's settings are inherited by
/// its session jobs). Without flags, shows the effective interval, retention and savepoint
/// directory and where each value comes from (resource, session cluster, operator default).
///
/// --interval takes a Flink duration (6h, 90 min, 1d) or a Quartz cron expression
/// ("0 0 */6 * * ?"); --max-age a Flink duration; --max-count a whole number >= 1. Values are
/// validated before anything is sent, written in the spelling (flat or nested) the resource
/// already uses, and nothing else in flinkConfiguration is touched. A savepoint directory is
/// never set on a session job.
#[derive(Debug, Args)]
pub struct ScheduleArgs {
    /// app/NAME, job/NAME or session/NAME (also KIND NAME).
    #[arg(value_name = "TARGET", num_args = 1..=2, required = true)]
    pub target: Vec<String>,
    /// Periodic savepoint interval: a duration (6h, 90 min) or a Quartz cron expression.
    #[arg(long, value_name = "DUR|CRON", conflicts_with = "disable")]
    pub interval: Option<String>,
    /// Keep savepoints in the history at most this long (Flink duration, e.g. 72h, 7d).
    #[arg(long, value_name = "DURATION")]
    pub max_age: Option<String>,
    /// Keep at most this many savepoints in the history (>= 1).
    #[arg(long, value_name = "N")]
    pub max_count: Option<String>,
    /// Turn periodic savepoints off.
    #[arg(long)]
    pub disable: bool,
    /// Also set the savepoint directory (applications and session clusters only).
    #[arg(long, value_name = "DIR")]
    pub savepoint_dir: Option<String>,
    #[command(flatten)]
    pub dry_run: DryRunArg,
    /// Print the result (or the settings) as json, yaml or jsonpath=TEMPLATE.
    #[arg(short = 'o', long, value_parser = ObjectFormatParser, hide_possible_values = true, value_name = "FORMAT")]
    pub output: Option<ObjectFormat>,
}

/// Restore an application or session job from a savepoint.
///
/// --from takes a FlinkStateSnapshot name (or flinkstatesnapshot/NAME, or a history id such as
/// legacy-<ms>), a savepoint path (s3://..., file:/...), or "latest" (the newest completed
/// savepoint of the target).
///
/// Without --new-name the target is redeployed in place: spec.job.initialSavepointPath is set
/// and spec.job.savepointRedeployNonce changed, so the operator cancels the running job WITHOUT a
/// savepoint and starts it from the given one. This asks for confirmation (--yes skips it; without
/// a terminal and without --yes the command refuses). With --new-name a new FlinkDeployment or
/// FlinkSessionJob is created from the target's spec, starting from the savepoint; the target is
/// left untouched. (The kubectl flag --as is the impersonation flag, hence --new-name.)
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// app/NAME or job/NAME (also KIND NAME).
    #[arg(value_name = "TARGET", num_args = 1..=2, required = true)]
    pub target: Vec<String>,
    /// Savepoint to restore: FlinkStateSnapshot name, savepoint path, or "latest".
    #[arg(long, value_name = "SAVEPOINT|PATH|latest")]
    pub from: String,
    /// Allow state that cannot be mapped to the new program to be skipped.
    #[arg(long)]
    pub allow_non_restored_state: bool,
    /// Create a new resource with this name instead of redeploying the target.
    #[arg(long, value_name = "NEW_NAME", visible_alias = "as-new")]
    pub new_name: Option<String>,
    /// Do not ask for confirmation.
    #[arg(short = 'y', long)]
    pub yes: bool,
    #[command(flatten)]
    pub dry_run: DryRunArg,
    /// Print what is applied (patch or new object) as json, yaml or jsonpath=TEMPLATE.
    #[arg(short = 'o', long, value_parser = ObjectFormatParser, hide_possible_values = true, value_name = "FORMAT")]
    pub output: Option<ObjectFormat>,
}

/// Delete FlinkStateSnapshot savepoints by name.
///
/// Each SAVEPOINT is a FlinkStateSnapshot name or flinkstatesnapshot/NAME. Deleting an object with
/// spec.savepoint.disposeOnDelete=true (the default for snapshots created by users) makes the
/// operator dispose the savepoint data; otherwise the data stays where it is. The newest completed
/// savepoint of a job is never deleted unless --include-latest is given. Each delete is guarded by
/// the object's uid and resourceVersion.
#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// FlinkStateSnapshot names (NAME or flinkstatesnapshot/NAME).
    #[arg(value_name = "SAVEPOINT", required = true, num_args = 1..)]
    pub names: Vec<String>,
    /// Allow deleting the newest completed savepoint of a job.
    #[arg(long)]
    pub include_latest: bool,
    #[command(flatten)]
    pub dry_run: DryRunArg,
}

/// Remove old savepoint FlinkStateSnapshots of an application or session job.
///
/// --keep N keeps the N newest completed savepoints; failed and abandoned snapshots hold no
/// savepoint and do not count towards N. --older-than only removes snapshots older than the
/// duration; with both, a snapshot must meet both. Pending and in-progress snapshots are never
/// removed. If the selection would remove the newest completed savepoint of the job, the prune is
/// refused (exit 2) unless --include-latest is given. The operator never cleans up manual
/// savepoints; this is how to. Each snapshot says whether its data is disposed (disposeOnDelete).
#[derive(Debug, Args)]
pub struct PruneArgs {
    /// app/NAME or job/NAME (also KIND NAME).
    #[arg(value_name = "TARGET", num_args = 1..=2, required = true)]
    pub target: Vec<String>,
    /// Keep the N newest completed savepoints.
    #[arg(long, value_name = "N")]
    pub keep: Option<u32>,
    /// Only remove savepoints older than this (e.g. 7d, 72h, 30m).
    #[arg(long, value_name = "DURATION", value_parser = parse_age)]
    pub older_than: Option<Duration>,
    /// Allow removing the newest completed savepoint too.
    #[arg(long)]
    pub include_latest: bool,
    #[command(flatten)]
    pub dry_run: DryRunArg,
    /// Print the decisions as json, yaml or jsonpath=TEMPLATE.
    #[arg(short = 'o', long, value_parser = ObjectFormatParser, hide_possible_values = true, value_name = "FORMAT")]
    pub output: Option<ObjectFormat>,
}

/// Show everything about a target's savepoint setup, or about one savepoint.
///
/// For app/NAME, job/NAME or session/NAME: the effective savepoint directory and where it comes
/// from, schedule, retention, operator mode (FlinkStateSnapshot objects or legacy status), a
/// history summary and related events. For flinkstatesnapshot/NAME: its job, state, location,
/// timestamps, failures, error, disposal on delete and related events.
#[derive(Debug, Args)]
pub struct DescribeArgs {
    /// app/NAME, job/NAME, session/NAME or flinkstatesnapshot/NAME (also KIND NAME).
    #[arg(value_name = "TARGET|SAVEPOINT", num_args = 1..=2, required = true)]
    pub target: Vec<String>,
    /// Print as json, yaml or jsonpath=TEMPLATE instead of text.
    #[arg(short = 'o', long, value_parser = ObjectFormatParser, hide_possible_values = true, value_name = "FORMAT")]
    pub output: Option<ObjectFormat>,
}

/// Print the plugin version, the Kubernetes server version and which Flink operator resources
/// (FlinkDeployment, FlinkSessionJob, FlinkStateSnapshot) the server serves.
#[derive(Debug, Args)]
pub struct VersionArgs {
    /// Only print the plugin version (no network).
    #[arg(long)]
    pub client: bool,
    /// Print as json, yaml or jsonpath=TEMPLATE.
    #[arg(short = 'o', long, value_parser = ObjectFormatParser, hide_possible_values = true, value_name = "FORMAT")]
    pub output: Option<ObjectFormat>,
}

/// Print a shell completion script for the kubectl-savepoint binary.
///
/// bash: source <(kubectl-savepoint completion bash). For `kubectl savepoint <TAB>` (kubectl >=
/// 1.26) install the kubectl_complete-savepoint entry point instead (make install does), which
/// also completes resource names from the cluster.
#[derive(Debug, Args)]
pub struct CompletionArgs {
    /// The shell.
    #[arg(value_enum, ignore_case = true)]
    pub shell: CompletionShell,
}

/// Supported shells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompletionShell {
    /// bash.
    Bash,
    /// zsh.
    Zsh,
    /// fish.
    Fish,
}
