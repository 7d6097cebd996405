//! Target syntax: `KIND/NAME` or `KIND NAME`, with kubectl-like kind aliases.
//!
//! ```text
//! app | application | flinkdeployment(s) | flinkdep            -> FlinkDeployment
//! job | sessionjob(s) | flinksessionjob(s)                      -> FlinkSessionJob
//! session                                                      -> a session cluster (FlinkDeployment without job)
//! flinkstatesnapshot(s) | flinksnp | snapshot(s) | savepoint(s) -> FlinkStateSnapshot
//! ```
//! Kinds are case-insensitive and may carry the API group (`flinkdeployments.flink.apache.org`).
//! Each command says which kinds it accepts; anything else is a usage error (exit 2) that lists them.

use std::fmt;

pub use flink_savepoint::crd::Kind;

use crate::error::UsageError;

/// The kinds a savepoint can be taken of or listed for: applications, session jobs, sessions.
pub const JOBS_AND_SESSIONS: &[Kind] = &[Kind::Application, Kind::SessionJob, Kind::SessionCluster];

/// The kinds `wait` accepts: a job (its latest savepoint) or a snapshot by name.
pub const JOBS_AND_SNAPSHOTS: &[Kind] = &[Kind::Application, Kind::SessionJob, Kind::Snapshot];

/// A parsed target.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Target {
    /// What the name refers to.
    pub kind: Kind,
    /// The object name (for `session`, the session FlinkDeployment's name).
    pub name: String,
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.kind, self.name)
    }
}

/// The accepted kinds, for error messages: `app (application, flinkdeployment, ...), job (...)`.
pub fn describe_kinds(allowed: &[Kind]) -> String {
    allowed
        .iter()
        .map(|kind| {
            let aliases = kind.aliases();
            let others: Vec<&str> = aliases
                .iter()
                .copied()
                .filter(|a| *a != kind.prefix())
                .collect();
            if others.is_empty() {
                kind.prefix().to_string()
            } else {
                format!("{} ({})", kind.prefix(), others.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Parses `KIND/NAME` (one word) or `KIND NAME` (two words) against the kinds a command accepts.
pub fn parse_target(words: &[String], allowed: &[Kind]) -> Result<Target, UsageError> {
    let (kind_text, name) = match words {
        [single] => match single.split_once('/') {
            Some((kind, "")) => {
                return Err(UsageError(format!(
                    "target {single:?} has no name: use {kind}/NAME (or {kind} NAME)"
                )));
            }
            Some((kind, name)) => (kind.to_string(), name.to_string()),
            None => {
                return Err(UsageError(format!(
                    "target {single:?} has no kind: use KIND/NAME or KIND NAME, \
                     where KIND is one of: {}",
                    describe_kinds(allowed)
                )));
            }
        },
        [kind, name] => (kind.clone(), name.clone()),
        [] => {
            return Err(UsageError(format!(
                "a target is required: KIND/NAME or KIND NAME, where KIND is one of: {}",
                describe_kinds(allowed)
            )));
        }
        _ => {
            return Err(UsageError(format!(
                "too many arguments {words:?}: a target is KIND/NAME or KIND NAME"
            )));
        }
    };
    let kind = Kind::from_alias(&kind_text)
        .filter(|kind| allowed.contains(kind))
        .ok_or_else(|| {
            UsageError(format!(
                "unknown or unsupported kind {kind_text:?} here; accepted kinds: {}",
                describe_kinds(allowed)
            ))
        })?;
    validate_name(&name)?;
    Ok(Target { kind, name })
}

/// Parses several targets, as `kubectl get` takes them: `KIND/NAME KIND/NAME …` or
/// `KIND NAME NAME …` (one kind for every name). Repeated targets count once; no words, no
/// targets.
pub fn parse_targets(words: &[String], allowed: &[Kind]) -> Result<Vec<Target>, UsageError> {
    let Some(first) = words.first() else {
        return Ok(Vec::new());
    };
    let targets: Vec<Target> = if first.contains('/') {
        if let Some(bare) = words.iter().find(|w| !w.contains('/')) {
            return Err(UsageError(format!(
                "there is no need to specify a resource type as a separate argument when passing \
                 arguments in resource/name form (e.g. 'app/a app/b' instead of 'app/a {bare}')"
            )));
        }
        words
            .iter()
            .map(|w| parse_target(std::slice::from_ref(w), allowed))
            .collect::<Result<_, _>>()?
    } else {
        if words.len() == 1 {
            return parse_target(words, allowed).map(|t| vec![t]);
        }
        if let Some(slashed) = words[1..].iter().find(|w| w.contains('/')) {
            return Err(UsageError(format!(
                "there is no need to specify a resource type as a separate argument when passing \
                 arguments in resource/name form (e.g. '{slashed}' instead of '{first} {slashed}')"
            )));
        }
        words[1..]
            .iter()
            .map(|name| parse_target(&[first.clone(), name.clone()], allowed))
            .collect::<Result<_, _>>()?
    };
    let mut unique: Vec<Target> = Vec::with_capacity(targets.len());
    for t in targets {
        if !unique.contains(&t) {
            unique.push(t);
        }
    }
    Ok(unique)
}

/// What a command over one or several targets works on (`trigger`, `wait`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetSet {
    /// Exactly one named target and no selection flag: the single-target command, unchanged.
    One(Target),
    /// Several named targets (`app/a job/b`, or `app a b`), in the current namespace.
    Named(Vec<Target>),
    /// The jobs `-l SELECTOR` or `--all` selects, optionally of one kind (`app -l team=data`).
    Selected {
        /// Only this kind (application or session job); `None` = both.
        kind: Option<Kind>,
        /// The label selector (`None` with `--all`).
        selector: Option<String>,
        /// `-A`: in every namespace.
        all_namespaces: bool,
    },
}

/// Decides what `trigger`/`wait` work on from the positional words and `-l`, `--all`, `-A`, as
/// kubectl does: names and a selector (or `--all`) exclude each other; `-A` needs a selection;
/// a lone kind with a selection restricts it to that kind.
pub fn target_set(
    words: &[String],
    allowed: &[Kind],
    selector: Option<&str>,
    all: bool,
    all_namespaces: bool,
) -> Result<TargetSet, UsageError> {
    if selector.is_some() && all {
        return Err(UsageError(
            "cannot set --all and --selector (-l) at the same time".to_owned(),
        ));
    }
    let selecting = selector.is_some() || all;
    if selecting {
        let kind = match words {
            [] => None,
            [single] if !single.contains('/') => {
                let kind = Kind::from_alias(single)
                    .filter(|k| matches!(k, Kind::Application | Kind::SessionJob))
                    .ok_or_else(|| {
                        UsageError(format!(
                            "unknown or unsupported kind {single:?} with a selection; accepted kinds: {}",
                            describe_kinds(&[Kind::Application, Kind::SessionJob])
                        ))
                    })?;
                Some(kind)
            }
            _ => {
                let flag = if all { "--all" } else { "a selector (-l)" };
                return Err(UsageError(format!(
                    "names cannot be provided when {flag} is given: name the targets, or select them"
                )));
            }
        };
        return Ok(TargetSet::Selected {
            kind,
            selector: selector.map(str::to_owned),
            all_namespaces,
        });
    }
    if all_namespaces {
        return Err(UsageError(
            "-A/--all-namespaces selects jobs in every namespace: combine it with -l SELECTOR or --all \
             (named targets are looked up in one namespace, -n)"
                .to_owned(),
        ));
    }
    let mut targets = parse_targets(words, allowed)?;
    match targets.len() {
        0 => Err(UsageError(format!(
            "a target is required: KIND/NAME or KIND NAME (several: KIND/NAME KIND/NAME…, or -l SELECTOR), \
             where KIND is one of: {}",
            describe_kinds(allowed)
        ))),
        1 => Ok(TargetSet::One(targets.remove(0))),
        _ => Ok(TargetSet::Named(targets)),
    }
}

/// Object names are DNS-1123 subdomains: lower-case alphanumerics, `-` and `.`, ≤ 253 chars.
fn validate_name(name: &str) -> Result<(), UsageError> {
    if flink_savepoint::crd::is_object_name(name) {
        Ok(())
    } else {
        Err(UsageError(format!(
            "invalid name {name:?}: Kubernetes object names are lower-case alphanumerics, '-' and '.'"
        )))
    }
}

#[cfg(test)]
#[path = "target_tests.rs"]
mod tests;
