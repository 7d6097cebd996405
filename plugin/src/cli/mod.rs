//! Command line: the argument types of every subcommand, and nothing else (this layer calls no
//! other part of the plugin except the exit-code help text).
//!
//! kubectl passes no flags to plugins, so [`GlobalArgs`] re-implements the standard set (with
//! `-A` and kubectl's `-v`). They are `global`, i.e. accepted before or after the subcommand.
//!
//! [`try_parse_from`] is the one way in: clap, then the checks clap cannot express (`validate`:
//! flags that do not apply to the chosen method or command, `--dry-run server`), with the label
//! selector grammar of `selector` as `-l`'s value parser. All of them exit 2 before any request.
//!
//! Adding a subcommand: a clap `Args` struct in [`jobs`] or [`lifecycle`] (its doc comment is the
//! command's help), one line in the `Command` enum below, and a file in `crate::commands` with
//! `pub async fn run(args, ctx)` plus its arm in `crate::commands::run`.

mod common;
mod duration;
mod examples;
pub mod jobs;
pub mod lifecycle;
mod selector;
pub mod target;
mod validate;

use std::time::Duration;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

pub use common::{
    DryRun, DryRunArg, OBJECT_FORMATS, OUTPUT_FORMATS, ObjectFormat, OutputFormat, parse_age,
    parse_duration, parse_object_format, parse_output, parse_sort_by,
};
pub use jobs::{Format, ListArgs, Method, StatusArgs, TriggerArgs, TypeFilter, WaitArgs};
pub use lifecycle::{
    CompletionArgs, CompletionShell, DeleteArgs, DescribeArgs, PruneArgs, RestoreArgs,
    ScheduleArgs, VersionArgs,
};
pub use selector::parse_label_selector;
pub use target::{
    JOBS_AND_SESSIONS, JOBS_AND_SNAPSHOTS, Kind, Target, TargetSet, parse_target, parse_targets,
    target_set,
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
    /// All namespaces (`list`); like kubectl, accepted before or after the subcommand.
    #[arg(short = 'A', long, global = true)]
    pub all_namespaces: bool,
    /// Log verbosity on stderr (kubectl's -v): 0 none (default), 1-3 warnings, 4-5 the plugin's
    /// decisions, 6-7 each request (method, URL, status, time), 8 client-library debug, 9 all.
    #[arg(
        short = 'v',
        long = "v",
        global = true,
        value_name = "LEVEL",
        default_value_t = 0
    )]
    pub verbosity: u8,
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

/// The clap command, with help text naming the plugin as the user invoked it (`argv0`); every
/// subcommand's help ends with its examples and the exit codes.
pub fn command(argv0: &str) -> clap::Command {
    Cli::command()
        .bin_name(display_name(argv0))
        .mut_subcommands(|sub| {
            let examples = examples::examples(sub.get_name());
            sub.after_help(format!("{examples}\n\n{EXIT_CODES_HELP}"))
        })
}

/// Parses and checks the command line: clap's own errors, then the mistakes clap cannot see
/// (a flag that does not apply to the chosen method or command, `--dry-run server` written
/// with a space, ...). Every such error exits 2 before any request is made.
pub fn try_parse_from<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
    let argv0 = args
        .first()
        .map(|a| a.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut cmd = command(&argv0);
    let words: Vec<String> = args
        .iter()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    if let Err(message) = validate::raw_words(&words) {
        return Err(cmd.error(clap::error::ErrorKind::ValueValidation, message));
    }
    let matches = cmd.try_get_matches_from_mut(args)?;
    let mut cli = Cli::from_arg_matches(&matches)?;
    if let Err(message) = validate::check(&matches, &mut cli) {
        return Err(cmd.error(clap::error::ErrorKind::ArgumentConflict, message));
    }
    Ok(cli)
}

/// [`try_parse_from`], printing and exiting on `--help`, `--version` or a usage error (exit 2).
pub fn parse_from<I, T>(args: I) -> Cli
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    try_parse_from(args).unwrap_or_else(|err| err.exit())
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
    fn all_namespaces_and_verbosity_work_before_the_subcommand() {
        let cli = try_parse_from(["kubectl-savepoint", "-A", "-v", "6", "list"]).unwrap();
        assert_eq!(cli.global.verbosity, 6);
        match cli.command {
            Command::List(args) => assert!(args.all_namespaces),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn mistakes_clap_cannot_see_are_usage_errors() {
        for args in [
            &["trigger", "app/x", "--dry-run", "server"][..],
            &["trigger", "app/x", "--backoff-limit", "1"][..],
            &["trigger", "app/x", "--timeout", "1m"][..],
            &["describe", "app/x", "-A"][..],
            &["list", "-l", "a=b=c"][..],
        ] {
            let err =
                try_parse_from(std::iter::once("kubectl-savepoint").chain(args.iter().copied()))
                    .unwrap_err();
            assert_eq!(err.exit_code(), 2, "{args:?}");
        }
        assert!(
            try_parse_from(["kubectl-savepoint", "trigger", "app/x", "--dry-run=SERVER"]).is_ok(),
            "values ignore case"
        );
    }

    #[test]
    fn help_documents_exit_codes() {
        let help = Cli::command().render_long_help().to_string();
        assert!(help.contains("Exit codes:"), "{help}");
        assert!(help.contains("3  timed out while waiting"), "{help}");
    }

    #[test]
    fn every_subcommand_help_has_kubectl_style_examples() {
        let mut root = command("kubectl-savepoint");
        for sub in root.get_subcommands_mut() {
            let name = sub.get_name().to_owned();
            let help = sub.render_long_help().to_string();
            assert!(help.contains("\nExamples:\n  # "), "{name}: {help}");
            let invocation = if name == "completion" {
                "  kubectl-savepoint completion ".to_owned()
            } else {
                format!("  kubectl savepoint {name}")
            };
            assert!(help.contains(&invocation), "{name}: {help}");
            assert!(help.contains("Exit codes:"), "{name}: {help}");
        }
    }

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
