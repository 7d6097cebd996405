//! Command line: global kubectl flags, the subcommand list and small shared argument types.
//!
//! kubectl passes no flags to plugins, so [`GlobalArgs`] re-implements the standard set. They are
//! `global`, i.e. accepted before or after the subcommand.
//!
//! Adding a subcommand is one line in the `commands!` invocation below: `Name(module::NameArgs)`,
//! where `NameArgs` is a clap `Args` struct (its doc comment is the command's help) with an
//! inherent `pub async fn run(self, ctx: &crate::kube::Context) -> anyhow::Result<()>`.

use std::time::Duration;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::commands;
use crate::exit::EXIT_CODES_HELP;

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
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_request_timeout)]
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

/// `--dry-run[=client|server]`, as in kubectl.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum DryRun {
    /// Make the change.
    #[default]
    None,
    /// Print what would be sent; send nothing.
    Client,
    /// Send the request with `dryRun=All`: validated and admitted by the server, not persisted.
    Server,
}

/// A reusable `--dry-run` flag; `#[command(flatten)]` it into a command's args.
#[derive(Debug, Clone, Copy, Default, Args)]
pub struct DryRunArg {
    /// Only print (client) or only validate on the server (server); nothing is persisted.
    #[arg(long = "dry-run", value_enum, num_args = 0..=1, default_value_t = DryRun::None,
          default_missing_value = "client", require_equals = true, value_name = "MODE")]
    pub dry_run: DryRun,
}

macro_rules! commands {
    ($( $(#[$meta:meta])* $variant:ident($args:ty), )+) => {
        /// The subcommands.
        #[derive(Debug, Subcommand)]
        pub enum Command {
            $( $(#[$meta])* $variant($args), )+
        }

        impl Command {
            /// Runs the chosen subcommand.
            pub async fn run(self, ctx: &crate::kube::Context) -> anyhow::Result<()> {
                match self {
                    $( Command::$variant(args) => args.run(ctx).await, )+
                }
            }
        }
    };
}

commands! {
    Trigger(commands::trigger::TriggerArgs),
    List(commands::list::ListArgs),
    Wait(commands::wait::WaitArgs),
    Schedule(commands::schedule::ScheduleArgs),
    Restore(commands::restore::RestoreArgs),
    Delete(commands::delete::DeleteArgs),
    Prune(commands::prune::PruneArgs),
    Describe(commands::describe::DescribeArgs),
    Version(commands::version::VersionArgs),
    Completion(commands::completion::CompletionArgs),
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

/// Parses a kubectl-style duration (`30s`, `5m`, `1h30m`, `250ms`) or a plain number of
/// seconds, falling back to the Flink duration grammar (`5 min`, `2 h`) via the library.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let trimmed = text.trim();
    if let Ok(secs) = trimmed.parse::<u64>() {
        return Ok(Duration::from_secs(secs));
    }
    if let Some(d) = parse_go_duration(trimmed) {
        return Ok(d);
    }
    flink_savepoint::grammar::parse_duration(trimmed)
        .map_err(|e| format!("invalid duration {text:?} (use e.g. 30s, 5m, 1h30m): {e}"))
}

/// `--request-timeout`: like [`parse_duration`]; `0` means no timeout (stored as `None` by callers).
fn parse_request_timeout(text: &str) -> Result<Duration, String> {
    parse_duration(text)
}

/// Go `time.ParseDuration` subset: a sequence of `<number><unit>` with units h, m, s, ms.
fn parse_go_duration(text: &str) -> Option<Duration> {
    if text.is_empty() {
        return None;
    }
    let mut total = Duration::ZERO;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if digits == 0 {
            return None;
        }
        let value: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit_secs = match &rest[..unit_len] {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 0.001,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total = total.checked_add(Duration::try_from_secs_f64(value * unit_secs).ok()?)?;
    }
    Some(total)
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
    fn kubectl_durations_parse() {
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("45"), Ok(Duration::from_secs(45)));
        assert_eq!(parse_duration("5 min"), Ok(Duration::from_secs(300)));
        assert!(parse_duration("soon").is_err());
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
