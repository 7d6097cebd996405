//! Command line: the argument types of every subcommand, and nothing else (this layer calls no
//! other part of the plugin except the exit-code help text).
//!
//! kubectl passes no flags to plugins, so [`GlobalArgs`] re-implements the standard set. They are
//! `global`, i.e. accepted before or after the subcommand.
//!
//! Adding a subcommand: a clap `Args` struct in [`jobs`] or [`lifecycle`] (its doc comment is the
//! command's help), one line in the `Command` enum below, and a file in `crate::commands` with
//! `pub async fn run(args, ctx)` plus its arm in `crate::commands::run`.

mod common;
pub mod jobs;
pub mod lifecycle;
pub mod target;

use std::time::Duration;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

pub use common::{DryRun, DryRunArg, ObjectFormat, OutputFormat, parse_age, parse_duration};
pub use jobs::{Format, ListArgs, Method, StatusArgs, TriggerArgs, TypeFilter, WaitArgs};
pub use lifecycle::{
    CompletionArgs, CompletionShell, DeleteArgs, DescribeArgs, PruneArgs, RestoreArgs,
    ScheduleArgs, VersionArgs,
};
pub use target::{
    JOBS_AND_SESSIONS, JOBS_AND_SNAPSHOTS, Kind, Target, aliases, kind_from_alias, parse_target,
};

use crate::error::EXIT_CODES_HELP;

/// Trigger, list and wait for Apache Flink savepoints managed by the Flink Kubernetes operator.
#[derive(Debug, Parser)]
#[command(name = "kubectl-savepoint", version, after_help = EXIT_CODES_HELP)]
pub struct Cli {
    /// Standard kubectl connection flags.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The standard kubectl flags (kubectl resolves none of them for plugins).
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Global options (kubectl flags)")]
pub struct GlobalArgs {
    /// Path to the kubeconfig file (default: $KUBECONFIG, a ':'-separated list, else ~/.kube/config).
    #[arg(long, global = true, value_name = "PATH")]
    pub kubeconfig: Option<std::path::PathBuf>,
    /// The kubeconfig context to use.
    #[arg(long, global = true, value_name = "NAME")]
    pub context: Option<String>,
    /// The kubeconfig cluster to use.
    #[arg(long, global = true, value_name = "NAME")]
    pub cluster: Option<String>,
    /// The kubeconfig user to use.
    #[arg(long, global = true, value_name = "NAME")]
    pub user: Option<String>,
    /// Namespace (default: the context's namespace, else "default").
    #[arg(short = 'n', long, global = true, value_name = "NAMESPACE")]
    pub namespace: Option<String>,
    /// Username to impersonate for the operation.
    #[arg(long = "as", global = true, value_name = "USER")]
    pub as_user: Option<String>,
    /// Group to impersonate for the operation (repeatable).
    #[arg(long = "as-group", global = true, value_name = "GROUP")]
    pub as_group: Vec<String>,
    /// Time to wait for a single server request before giving up (e.g. 1s, 2m; 0 = no timeout).
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_duration)]
    pub request_timeout: Option<Duration>,
    /// The address and port of the Kubernetes API server.
    #[arg(short = 's', long, global = true, value_name = "URL")]
    pub server: Option<String>,
    /// Do not verify the server's certificate (insecure).
    #[arg(long, global = true)]
    pub insecure_skip_tls_verify: bool,
    /// Bearer token for authentication to the API server.
    #[arg(long, global = true, value_name = "TOKEN")]
    pub token: Option<String>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    Trigger(TriggerArgs),
    List(ListArgs),
    Wait(WaitArgs),
    Status(StatusArgs),
    Schedule(ScheduleArgs),
    Restore(RestoreArgs),
    Delete(DeleteArgs),
    Prune(PruneArgs),
    Describe(DescribeArgs),
    Version(VersionArgs),
    Completion(CompletionArgs),
}

/// The name to show in usage lines: `kubectl savepoint` when invoked as `kubectl-savepoint`
/// (the plugin convention), otherwise the executable's own name.
pub fn display_name(argv0: &str) -> String {
    let file = std::path::Path::new(argv0)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("kubectl-savepoint");
    match file.strip_prefix("kubectl-") {
        Some(plugin) => format!("kubectl {}", plugin.replace('_', "-")),
        None => file.to_string(),
    }
}

/// Parses the command line, with help text naming the plugin as the user invoked it.
/// On `--help`, `--version` or a usage error this prints and exits (usage errors exit 2).
pub fn parse_from<I, T>(args: I) -> Cli
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
    let argv0 = args
        .first()
        .map(|a| a.to_string_lossy().into_owned())
        .unwrap_or_default();
    let matches = Cli::command()
        .bin_name(display_name(&argv0))
        .mut_subcommands(|sub| sub.after_help(EXIT_CODES_HELP))
        .get_matches_from(args);
    match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(err) => err.exit(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plugin_binary_name_is_shown_as_kubectl_subcommand() {
        assert_eq!(
            display_name("/usr/local/bin/kubectl-savepoint"),
            "kubectl savepoint"
        );
        assert_eq!(
            display_name("kubectl-flink_savepoint"),
            "kubectl flink-savepoint"
        );
        assert_eq!(display_name("./savepoint"), "savepoint");
    }

    #[test]
    fn global_flags_are_accepted_after_the_subcommand() {
        let cli = Cli::try_parse_from([
            "kubectl-savepoint",
            "list",
            "-n",
            "flink",
            "--context",
            "prod",
            "--as",
            "alice",
            "--as-group",
            "a",
            "--as-group",
            "b",
            "--request-timeout",
            "10s",
        ])
        .unwrap();
        assert_eq!(cli.global.namespace.as_deref(), Some("flink"));
        assert_eq!(cli.global.context.as_deref(), Some("prod"));
        assert_eq!(cli.global.as_user.as_deref(), Some("alice"));
        assert_eq!(cli.global.as_group, vec!["a", "b"]);
        assert_eq!(cli.global.request_timeout, Some(Duration::from_secs(10)));
    }

    #[test]
    fn help_documents_exit_codes() {
        let help = Cli::command().render_long_help().to_string();
        assert!(help.contains("Exit codes:"), "{help}");
        assert!(help.contains("3  timed out while waiting"), "{help}");
    }

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
