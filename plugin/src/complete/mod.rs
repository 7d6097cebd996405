//! kubectl plugin completion (kubectl >= 1.26): when the binary runs as
//! `kubectl_complete-savepoint`, kubectl passes the words typed after `kubectl savepoint` (the last
//! one being the partial word, possibly empty) and reads Cobra `__complete` output: one candidate
//! per line (`candidate\tdescription`), then `:<directive>`. Errors never surface: they yield an
//! empty list and the directive.

mod analyze;
mod fetch;
mod reply;

use clap::CommandFactory;

pub use analyze::{Analysis, Want, analyze};
pub use fetch::complete_online;
pub use reply::{Completion, directive};

use crate::cli::{Cli, GlobalArgs};
use analyze::kind_description;

/// The file name kubectl looks for.
pub const ENTRY_NAME: &str = "kubectl_complete-savepoint";

/// Whether `argv0` names the completion entry point (`…/kubectl_complete-savepoint[.exe]`).
pub fn is_entry_point(argv0: &str) -> bool {
    std::path::Path::new(argv0)
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.strip_suffix(".exe").unwrap_or(n) == ENTRY_NAME)
}

/// Answers the parts that need no cluster access; `None` means names must be fetched.
pub fn complete_offline(analysis: &Analysis) -> Option<Completion> {
    let cur = analysis.current.as_str();
    let keep = |v: &str| v.starts_with(cur);
    let root = Cli::command();
    let nofile = directive::NO_FILE_COMP;
    Some(match &analysis.want {
        Want::Subcommands => Completion::new(
            root.get_subcommands()
                .filter(|c| !c.is_hide_set() && c.get_name() != "help" && keep(c.get_name()))
                .map(|c| {
                    (
                        c.get_name().to_owned(),
                        c.get_about().map(|a| a.to_string()).unwrap_or_default(),
                    )
                })
                .collect(),
            nofile,
        ),
        Want::Flags(sub) => {
            let cmd = sub
                .as_deref()
                .and_then(|s| root.find_subcommand(s))
                .unwrap_or(&root);
            let mut flags: Vec<(String, String)> = cmd
                .get_arguments()
                .chain(root.get_arguments())
                .filter(|a| !a.is_hide_set())
                .filter_map(|a| {
                    a.get_long().map(|l| {
                        (
                            format!("--{l}"),
                            a.get_help().map(|h| h.to_string()).unwrap_or_default(),
                        )
                    })
                })
                .filter(|(f, _)| keep(f))
                .collect();
            flags.sort();
            flags.dedup_by(|a, b| a.0 == b.0);
            Completion::new(flags, nofile)
        }
        Want::Values(values) => Completion::new(
            values
                .iter()
                .filter(|v| keep(v))
                .map(|v| (v.clone(), String::new()))
                .collect(),
            nofile,
        ),
        Want::Kinds(kinds) => Completion::new(
            kinds
                .iter()
                .map(|k| (format!("{}/", k.prefix()), kind_description(*k).to_owned()))
                .filter(|(v, _)| keep(v))
                .collect(),
            directive::NO_SPACE | nofile,
        ),
        Want::Contexts => Completion::new(
            contexts(&analysis.global)
                .into_iter()
                .filter(|c| keep(c))
                .map(|c| (c, String::new()))
                .collect(),
            nofile,
        ),
        Want::Files => Completion::new(Vec::new(), directive::DEFAULT),
        Want::Nothing => Completion::new(Vec::new(), nofile),
        Want::Namespaces | Want::Names { .. } | Want::RestoreSources(_) => return None,
    })
}

fn contexts(global: &GlobalArgs) -> Vec<String> {
    let config = match &global.kubeconfig {
        Some(path) => ::kube::config::Kubeconfig::read_from(path).ok(),
        None => ::kube::config::Kubeconfig::read().ok(),
    };
    config
        .map(|c| c.contexts.into_iter().map(|c| c.name).collect())
        .unwrap_or_default()
}

/// Runs a completion request (`words` = argv[1..]) and returns the Cobra output. Never fails.
pub async fn run(words: &[String]) -> String {
    let analysis = analyze(words);
    match complete_offline(&analysis) {
        Some(done) => done.render(),
        None => complete_online(&analysis).await.render(),
    }
}

#[cfg(test)]
mod tests;
