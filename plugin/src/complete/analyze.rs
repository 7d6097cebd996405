//! Pure analysis of the words kubectl passes: which flags carry values, the subcommand, the
//! positionals, and what the partial word should be completed with.

use clap::CommandFactory;

use crate::cli::Kind;
use crate::cli::{Cli, GlobalArgs};

/// What has to be completed, decided from the words alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Want {
    /// Subcommand names.
    Subcommands,
    /// Flags of the subcommand (and global flags).
    Flags(Option<String>),
    /// Fixed values.
    Values(Vec<String>),
    /// Namespaces from the cluster.
    Namespaces,
    /// Contexts from the kubeconfig.
    Contexts,
    /// Kind prefixes (`app/`, ...).
    Kinds(Vec<Kind>),
    /// Object names of a kind; `qualified` = prefix them with `kind/`.
    Names {
        /// The kind.
        kind: Kind,
        /// The typed kind word, when candidates are `word/name`.
        qualified: Option<String>,
    },
    /// `restore --from`: `latest` plus completed snapshot names (of the target's job, if typed).
    RestoreSources(Option<String>),
    /// File names (`--kubeconfig`).
    Files,
    /// Nothing.
    Nothing,
}

/// The parsed words: global flag values, subcommand, positionals, and what to complete.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// Global connection flags found among the words.
    pub global: GlobalArgs,
    /// The subcommand, if typed.
    pub subcommand: Option<String>,
    /// The partial word.
    pub current: String,
    /// What to complete.
    pub want: Want,
}

fn kinds_for(subcommand: &str) -> Vec<Kind> {
    use Kind::*;
    match subcommand {
        "trigger" | "restore" | "prune" => vec![Application, SessionJob],
        "list" | "schedule" | "status" => vec![Application, SessionJob, SessionCluster],
        "wait" => vec![Application, SessionJob, Snapshot],
        "describe" => Kind::ALL.to_vec(),
        _ => Vec::new(),
    }
}

fn find_arg<'a>(cmd: &'a clap::Command, flag: &str) -> Option<&'a clap::Arg> {
    cmd.get_arguments().find(|a| {
        if let Some(long) = flag.strip_prefix("--") {
            a.get_long() == Some(long) || a.get_all_aliases().is_some_and(|al| al.contains(&long))
        } else {
            let mut chars = flag.chars();
            let dash = chars.next() == Some('-');
            let short = chars.next();
            dash && short.is_some() && chars.next().is_none() && short == a.get_short()
        }
    })
}

fn lookup_arg(root: &clap::Command, sub: Option<&str>, flag: &str) -> Option<clap::Arg> {
    sub.and_then(|s| root.find_subcommand(s))
        .and_then(|c| find_arg(c, flag))
        .or_else(|| find_arg(root, flag))
        .cloned()
}

fn takes_value(arg: &clap::Arg) -> bool {
    arg.get_action().takes_values() && !arg.is_require_equals_set()
}

fn set_global(global: &mut GlobalArgs, arg: &clap::Arg, value: &str) {
    let v = value.to_owned();
    match arg.get_id().as_str() {
        "kubeconfig" => global.kubeconfig = Some(v.into()),
        "context" => global.context = Some(v),
        "cluster" => global.cluster = Some(v),
        "user" => global.user = Some(v),
        "namespace" => global.namespace = Some(v),
        "server" => global.server = Some(v),
        "token" => global.token = Some(v),
        "as_user" => global.as_user = Some(v),
        "as_group" => global.as_group.push(v),
        _ => {}
    }
}

/// Decides what to complete from `words` (the last word is the partial one).
pub fn analyze(words: &[String]) -> Analysis {
    let root = Cli::command();
    let (current, done) = match words.split_last() {
        Some((last, rest)) => (last.clone(), rest),
        None => (String::new(), &[][..]),
    };
    let mut global = GlobalArgs::default();
    let mut subcommand: Option<String> = None;
    let mut positionals: Vec<String> = Vec::new();
    let mut pending: Option<clap::Arg> = None;
    for word in done {
        if let Some(arg) = pending.take() {
            set_global(&mut global, &arg, word);
            continue;
        }
        if word.starts_with('-') && word.len() > 1 {
            let (flag, inline) = match word.split_once('=') {
                Some((f, v)) => (f, Some(v)),
                None => (word.as_str(), None),
            };
            if let Some(arg) = lookup_arg(&root, subcommand.as_deref(), flag) {
                match inline {
                    Some(v) => set_global(&mut global, &arg, v),
                    None if takes_value(&arg) => pending = Some(arg),
                    None => {
                        if arg.get_id().as_str() == "insecure_skip_tls_verify" {
                            global.insecure_skip_tls_verify = true;
                        }
                    }
                }
            }
            continue;
        }
        match subcommand {
            None => subcommand = Some(word.clone()),
            Some(_) => positionals.push(word.clone()),
        }
    }
    let want = match pending {
        Some(arg) if arg.get_id().as_str() == "from" => {
            Want::RestoreSources(target_name(&positionals))
        }
        Some(arg) => value_want(&arg),
        None => position_want(&root, subcommand.as_deref(), &positionals, &current),
    };
    Analysis {
        global,
        subcommand,
        current,
        want,
    }
}

/// The object name of a typed target (`app/NAME` or `app NAME`).
fn target_name(positionals: &[String]) -> Option<String> {
    match positionals {
        [one] => one.split_once('/').map(|(_, n)| n.to_owned()),
        [_, name] => Some(name.clone()),
        _ => None,
    }
}

fn value_want(arg: &clap::Arg) -> Want {
    match arg.get_id().as_str() {
        "namespace" => Want::Namespaces,
        "context" => Want::Contexts,
        "kubeconfig" => Want::Files,
        "from" => Want::RestoreSources(None),
        _ => {
            let values: Vec<String> = arg
                .get_possible_values()
                .iter()
                .filter(|v| !v.is_hide_set())
                .map(|v| v.get_name().to_owned())
                .collect();
            if values.is_empty() {
                Want::Nothing
            } else {
                Want::Values(values)
            }
        }
    }
}

fn position_want(
    root: &clap::Command,
    sub: Option<&str>,
    positionals: &[String],
    current: &str,
) -> Want {
    if current.starts_with('-') {
        return Want::Flags(sub.map(str::to_owned));
    }
    let Some(sub) = sub else {
        return Want::Subcommands;
    };
    if root.find_subcommand(sub).is_none() {
        return Want::Nothing;
    }
    match sub {
        "completion" if positionals.is_empty() => {
            Want::Values(vec!["bash".into(), "zsh".into(), "fish".into()])
        }
        "delete" => Want::Names {
            kind: Kind::Snapshot,
            qualified: None,
        },
        _ => {
            let allowed = kinds_for(sub);
            if allowed.is_empty() {
                return Want::Nothing;
            }
            match positionals {
                [] => match current.split_once('/') {
                    Some((kind, _)) => {
                        match Kind::from_alias(kind).filter(|k| allowed.contains(k)) {
                            Some(k) => Want::Names {
                                kind: k,
                                qualified: Some(kind.to_owned()),
                            },
                            None => Want::Nothing,
                        }
                    }
                    None => Want::Kinds(allowed),
                },
                [kind] if !kind.contains('/') => {
                    match Kind::from_alias(kind).filter(|k| allowed.contains(k)) {
                        Some(k) => Want::Names {
                            kind: k,
                            qualified: None,
                        },
                        None => Want::Nothing,
                    }
                }
                _ => Want::Nothing,
            }
        }
    }
}

pub(super) fn kind_description(kind: Kind) -> &'static str {
    match kind {
        Kind::Application => "application (FlinkDeployment with a job)",
        Kind::SessionJob => "session job (FlinkSessionJob)",
        Kind::SessionCluster => "session cluster (FlinkDeployment without a job)",
        Kind::Snapshot => "savepoint (FlinkStateSnapshot)",
    }
}
