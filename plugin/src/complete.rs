//! kubectl plugin completion (kubectl >= 1.26): when the binary runs as
//! `kubectl_complete-savepoint`, kubectl passes the words typed after `kubectl savepoint` (the last
//! one being the partial word, possibly empty) and reads Cobra `__complete` output: one candidate
//! per line (`candidate\tdescription`), then `:<directive>`. Errors never surface: they yield an
//! empty list and the directive.

use std::time::Duration;

use clap::CommandFactory;
use flink_savepoint::crd::{FlinkDeployment, FlinkSessionJob, FlinkStateSnapshot};

use crate::cli::{Cli, GlobalArgs};
use crate::target::TargetKind;

/// The file name kubectl looks for.
pub const ENTRY_NAME: &str = "kubectl_complete-savepoint";

/// Cobra directives.
pub mod directive {
    /// Do not add a space after the completion.
    pub const NO_SPACE: u32 = 2;
    /// Do not fall back to file completion.
    pub const NO_FILE_COMP: u32 = 4;
    /// Default shell behaviour (file completion).
    pub const DEFAULT: u32 = 0;
}

/// Whether `argv0` names the completion entry point (`…/kubectl_complete-savepoint[.exe]`).
pub fn is_entry_point(argv0: &str) -> bool {
    std::path::Path::new(argv0)
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.strip_suffix(".exe").unwrap_or(n) == ENTRY_NAME)
}

/// The answer to one completion request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// `(candidate, description)`.
    pub candidates: Vec<(String, String)>,
    /// Cobra directive.
    pub directive: u32,
}

impl Completion {
    fn new(candidates: Vec<(String, String)>, directive: u32) -> Self {
        Self {
            candidates,
            directive,
        }
    }

    /// Cobra `__complete` output.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for (value, description) in &self.candidates {
            out.push_str(value);
            if !description.is_empty() {
                out.push('\t');
                out.push_str(&description.replace(['\n', '\t'], " "));
            }
            out.push('\n');
        }
        out.push_str(&format!(":{}\n", self.directive));
        out
    }
}

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
    Kinds(Vec<TargetKind>),
    /// Object names of a kind; `qualified` = prefix them with `kind/`.
    Names {
        /// The kind.
        kind: TargetKind,
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

fn kinds_for(subcommand: &str) -> Vec<TargetKind> {
    use TargetKind::*;
    match subcommand {
        "trigger" | "restore" | "prune" => vec![FlinkDeployment, FlinkSessionJob],
        "list" | "schedule" => vec![FlinkDeployment, FlinkSessionJob, Session],
        "wait" => vec![FlinkDeployment, FlinkSessionJob, FlinkStateSnapshot],
        "describe" => TargetKind::ALL.to_vec(),
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
            kind: TargetKind::FlinkStateSnapshot,
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
                        match TargetKind::from_alias(kind).filter(|k| allowed.contains(k)) {
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
                    match TargetKind::from_alias(kind).filter(|k| allowed.contains(k)) {
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

fn kind_description(kind: TargetKind) -> &'static str {
    match kind {
        TargetKind::FlinkDeployment => "application (FlinkDeployment with a job)",
        TargetKind::FlinkSessionJob => "session job (FlinkSessionJob)",
        TargetKind::Session => "session cluster (FlinkDeployment without a job)",
        TargetKind::FlinkStateSnapshot => "savepoint (FlinkStateSnapshot)",
    }
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

/// Fetches names from the cluster for `analysis` (errors ⇒ empty).
pub async fn complete_online(analysis: &Analysis) -> Completion {
    let nofile = directive::NO_FILE_COMP;
    let fetched = tokio::time::timeout(Duration::from_secs(5), fetch(analysis)).await;
    let names = match fetched {
        Ok(Ok(names)) => names,
        Ok(Err(err)) => {
            tracing::debug!(error = %err, "completion lookup failed");
            Vec::new()
        }
        Err(_) => Vec::new(),
    };
    let cur = analysis.current.as_str();
    Completion::new(
        names
            .into_iter()
            .filter(|(n, _)| n.starts_with(cur))
            .collect(),
        nofile,
    )
}

async fn fetch(analysis: &Analysis) -> anyhow::Result<Vec<(String, String)>> {
    let ctx = crate::kube::Context::new(analysis.global.clone());
    let client = ctx.client().await?;
    let ns = ctx.namespace().await?;
    let ns = Some(ns.as_str());
    Ok(match &analysis.want {
        Want::Namespaces => {
            let items: Vec<k8s_openapi::api::core::v1::Namespace> = {
                let api: ::kube::Api<k8s_openapi::api::core::v1::Namespace> =
                    ::kube::Api::all(client);
                api.list(&Default::default()).await?.items
            };
            items
                .into_iter()
                .filter_map(|n| n.metadata.name)
                .map(|n| (n, String::new()))
                .collect()
        }
        Want::Names { kind, qualified } => {
            let prefix = qualified
                .as_ref()
                .map(|q| format!("{q}/"))
                .unwrap_or_default();
            let named: Vec<(String, String)> = match kind {
                TargetKind::FlinkDeployment | TargetKind::Session => {
                    let want_session = *kind == TargetKind::Session;
                    crate::api::list_all::<FlinkDeployment>(&client, ns, None)
                        .await?
                        .into_iter()
                        .filter(|d| d.is_session_cluster() == want_session)
                        .map(|d| {
                            let state = d
                                .job_state()
                                .map(|s| s.as_str().to_owned())
                                .unwrap_or_default();
                            (d.metadata.name.unwrap_or_default(), state)
                        })
                        .collect()
                }
                TargetKind::FlinkSessionJob => {
                    crate::api::list_all::<FlinkSessionJob>(&client, ns, None)
                        .await?
                        .into_iter()
                        .map(|j| {
                            let state = j
                                .job_state()
                                .map(|s| s.as_str().to_owned())
                                .unwrap_or_default();
                            (j.metadata.name.unwrap_or_default(), state)
                        })
                        .collect()
                }
                TargetKind::FlinkStateSnapshot => snapshot_names(&client, ns).await?,
            };
            named
                .into_iter()
                .map(|(n, d)| (format!("{prefix}{n}"), d))
                .collect()
        }
        Want::RestoreSources(job) => {
            let mut names = vec![("latest".to_owned(), "newest completed savepoint".to_owned())];
            let of_job = |d: &str| job.as_ref().is_none_or(|j| d.ends_with(&format!(" {j}")));
            names.extend(
                snapshot_names(&client, ns)
                    .await?
                    .into_iter()
                    .filter(|(_, d)| d.starts_with("COMPLETED") && of_job(d)),
            );
            names
        }
        _ => Vec::new(),
    })
}

async fn snapshot_names(
    client: &::kube::Client,
    ns: Option<&str>,
) -> anyhow::Result<Vec<(String, String)>> {
    Ok(crate::api::list_all::<FlinkStateSnapshot>(client, ns, None)
        .await?
        .into_iter()
        .filter(FlinkStateSnapshot::is_savepoint)
        .map(|s| {
            let job = s
                .job_reference()
                .map(|r| format!(" {}", r.name))
                .unwrap_or_default();
            let state = s.state().as_str().to_owned();
            (s.metadata.name.unwrap_or_default(), format!("{state}{job}"))
        })
        .collect())
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
#[path = "complete_tests.rs"]
mod tests;
