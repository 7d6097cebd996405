//! Command-line mistakes clap cannot see, caught before any request (exit 2): every flag is
//! either honoured or rejected, never silently ignored.
//!
//! * `--dry-run server`: `--dry-run` takes its mode after `=`, as in kubectl; the separate word
//!   would be read as a target.
//! * `-A/--all-namespaces` (global, so it may come before the subcommand) only with `list`, `trigger`, `wait`, `status`,
//!   and not with an explicit `-n`.
//! * `trigger`: `--format`, `--dispose-on-delete` and `--backoff-limit` describe the
//!   FlinkStateSnapshot, so they need `--method snapshot`; `--backoff-limit` is -1 (unlimited)
//!   or more; `--timeout` bounds `--wait`, so it needs `--wait`.
//! * `list`: `--no-headers` with an output that has no header (`-o json|yaml|name`); `-l` with
//!   an `app/` or `job/` target (kubectl: selectors and names exclude each other).
//! * `schedule`: `--dry-run` without a change (the command would only show the settings).

use clap::ArgMatches;
use clap::parser::ValueSource;

use super::common::{DryRun, OutputFormat};
use super::jobs::Method;
use super::target::{JOBS_AND_SESSIONS, Kind, parse_targets};
use super::{Cli, Command};

/// The `--dry-run` modes, which must follow `=`.
const DRY_RUN_MODES: [&str; 3] = ["none", "client", "server"];

/// Checks on the raw words (before clap reads `server` in `--dry-run server` as a target).
pub fn raw_words(words: &[String]) -> Result<(), String> {
    let end = words.iter().position(|w| w == "--").unwrap_or(words.len());
    for pair in words[..end].windows(2) {
        if pair[0] == "--dry-run" && DRY_RUN_MODES.contains(&pair[1].to_ascii_lowercase().as_str())
        {
            return Err(format!(
                "--dry-run takes its mode after '=': write --dry-run={} (kubectl's syntax; \
                 \"--dry-run {}\" would read {:?} as an argument)",
                pair[1].to_ascii_lowercase(),
                pair[1],
                pair[1]
            ));
        }
    }
    Ok(())
}

fn given(matches: &ArgMatches, id: &str) -> bool {
    matches.value_source(id) == Some(ValueSource::CommandLine)
}

/// Checks that need the parsed values; copies the global `-A` into the arguments of the commands
/// that take it.
pub fn check(matches: &ArgMatches, cli: &mut Cli) -> Result<(), String> {
    let (name, sub) = matches
        .subcommand()
        .ok_or_else(|| "a subcommand is required".to_string())?;
    let all_namespaces = cli.global.all_namespaces;
    if all_namespaces
        && cli
            .global
            .namespace
            .as_deref()
            .is_some_and(|ns| !ns.is_empty())
    {
        return Err(format!(
            "-n {} and -A/--all-namespaces contradict each other: pass one of them",
            cli.global.namespace.as_deref().unwrap_or_default()
        ));
    }
    match &mut cli.command {
        Command::List(args) => {
            args.all_namespaces = all_namespaces;
            let named = parse_targets(&args.target, JOBS_AND_SESSIONS).is_ok_and(|targets| {
                targets
                    .iter()
                    .any(|t| matches!(t.kind, Kind::Application | Kind::SessionJob))
            });
            if named && args.selector.is_some() {
                return Err(
                    "-l/--selector cannot be used with an app/NAME or job/NAME target \
                            (as in kubectl, selectors and resource names exclude each other); \
                            with session/NAME it selects among that cluster's session jobs"
                        .to_string(),
                );
            }
            let headerless = match &args.output {
                Some(OutputFormat::Json) => Some("json"),
                Some(OutputFormat::Yaml) => Some("yaml"),
                Some(OutputFormat::Name) => Some("name"),
                Some(OutputFormat::JsonPath(_)) => Some("jsonpath"),
                _ => None,
            };
            if let Some(format) = headerless.filter(|_| args.no_headers) {
                return Err(format!(
                    "--no-headers applies to table output; -o {format} has no header"
                ));
            }
        }
        Command::Trigger(args) => {
            args.all_namespaces = all_namespaces;
            if args.method != Method::Snapshot {
                for (id, flag) in [
                    ("format", "--format"),
                    ("dispose_on_delete", "--dispose-on-delete"),
                    ("backoff_limit", "--backoff-limit"),
                ] {
                    if given(sub, id) {
                        return Err(format!(
                            "{flag} describes the FlinkStateSnapshot and applies to --method snapshot \
                             only; a nonce-triggered savepoint uses the operator's configuration"
                        ));
                    }
                }
            }
            if args.backoff_limit < -1 {
                return Err(format!(
                    "--backoff-limit {} is not allowed: use -1 (retry without limit), 0 (no retries) \
                     or a positive number",
                    args.backoff_limit
                ));
            }
            if given(sub, "timeout") && !args.wait {
                return Err("--timeout bounds --wait: add --wait, or drop --timeout".to_string());
            }
            if args.wait && args.dry_run.dry_run != DryRun::None {
                return Err(
                    "--wait cannot be combined with --dry-run: a dry run triggers no savepoint to wait for"
                        .to_string(),
                );
            }
        }
        Command::Schedule(args) => {
            let changes = args.interval.is_some()
                || args.max_age.is_some()
                || args.max_count.is_some()
                || args.disable
                || args.savepoint_dir.is_some();
            if !changes && args.dry_run.dry_run != DryRun::None {
                return Err("--dry-run applies to a change (--interval, --max-age, --max-count, \
                            --disable, --savepoint-dir); without one, schedule only shows the settings"
                    .to_string());
            }
        }
        Command::Wait(args) => args.all_namespaces = all_namespaces,
        Command::Status(args) => args.all_namespaces = all_namespaces,
        _ => {}
    }
    if all_namespaces && !matches!(name, "list" | "trigger" | "wait" | "status") {
        return Err(format!(
            "-A/--all-namespaces applies to list, trigger, wait and status, not to {name}: use -n NAMESPACE"
        ));
    }
    Ok(())
}
