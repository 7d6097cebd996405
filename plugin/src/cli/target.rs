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

use flink_savepoint::crd::GROUP as FLINK_GROUP;

use crate::error::UsageError;

/// What a target names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TargetKind {
    /// A FlinkDeployment (application cluster; `app/NAME`).
    FlinkDeployment,
    /// A FlinkSessionJob (`job/NAME`).
    FlinkSessionJob,
    /// A session cluster: a FlinkDeployment without `spec.job` (`session/NAME`).
    Session,
    /// A FlinkStateSnapshot (`flinkstatesnapshot/NAME`).
    FlinkStateSnapshot,
}

impl TargetKind {
    /// Every kind, in the order they are listed in messages.
    pub const ALL: [TargetKind; 4] = [
        TargetKind::FlinkDeployment,
        TargetKind::FlinkSessionJob,
        TargetKind::Session,
        TargetKind::FlinkStateSnapshot,
    ];

    /// The kinds a savepoint can be taken of or listed for: applications, session jobs, sessions.
    pub const JOBS_AND_SESSIONS: &'static [TargetKind] = &[
        TargetKind::FlinkDeployment,
        TargetKind::FlinkSessionJob,
        TargetKind::Session,
    ];

    /// The kinds `wait` accepts: a job (its latest savepoint) or a snapshot by name.
    pub const JOBS_AND_SNAPSHOTS: &'static [TargetKind] = &[
        TargetKind::FlinkDeployment,
        TargetKind::FlinkSessionJob,
        TargetKind::FlinkStateSnapshot,
    ];

    /// The canonical short prefix used when printing a target (`app/orders`).
    pub fn prefix(self) -> &'static str {
        match self {
            TargetKind::FlinkDeployment => "app",
            TargetKind::FlinkSessionJob => "job",
            TargetKind::Session => "session",
            TargetKind::FlinkStateSnapshot => "flinkstatesnapshot",
        }
    }

    /// The Kubernetes kind of the object behind the target.
    pub fn api_kind(self) -> &'static str {
        match self {
            TargetKind::FlinkDeployment | TargetKind::Session => "FlinkDeployment",
            TargetKind::FlinkSessionJob => "FlinkSessionJob",
            TargetKind::FlinkStateSnapshot => "FlinkStateSnapshot",
        }
    }

    /// The plural resource name (as used by `kubectl get` and RBAC).
    pub fn plural(self) -> &'static str {
        match self {
            TargetKind::FlinkDeployment | TargetKind::Session => "flinkdeployments",
            TargetKind::FlinkSessionJob => "flinksessionjobs",
            TargetKind::FlinkStateSnapshot => "flinkstatesnapshots",
        }
    }

    /// The aliases accepted on the command line (lower case).
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            TargetKind::FlinkDeployment => &[
                "app",
                "application",
                "flinkdeployment",
                "flinkdeployments",
                "flinkdep",
            ],
            TargetKind::FlinkSessionJob => &[
                "job",
                "sessionjob",
                "sessionjobs",
                "flinksessionjob",
                "flinksessionjobs",
            ],
            TargetKind::Session => &["session"],
            TargetKind::FlinkStateSnapshot => &[
                "flinkstatesnapshot",
                "flinkstatesnapshots",
                "flinksnp",
                "snapshot",
                "snapshots",
                "savepoint",
                "savepoints",
            ],
        }
    }

    /// Resolves a kind alias (case-insensitive, optional `.flink.apache.org` suffix).
    pub fn from_alias(text: &str) -> Option<TargetKind> {
        let lower = text.trim().to_ascii_lowercase();
        let bare = lower
            .strip_suffix(&format!(".{FLINK_GROUP}"))
            .unwrap_or(&lower);
        TargetKind::ALL
            .into_iter()
            .find(|kind| kind.aliases().contains(&bare))
    }
}

impl fmt::Display for TargetKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.prefix())
    }
}

/// A parsed target.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Target {
    /// What the name refers to.
    pub kind: TargetKind,
    /// The object name (for `session`, the session FlinkDeployment's name).
    pub name: String,
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.kind, self.name)
    }
}

/// The accepted kinds, for error messages: `app (application, flinkdeployment, ...), job (...)`.
pub fn describe_kinds(allowed: &[TargetKind]) -> String {
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
pub fn parse_target(words: &[String], allowed: &[TargetKind]) -> Result<Target, UsageError> {
    let (kind_text, name) = match words {
        [single] => match single.split_once('/') {
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
    let kind = TargetKind::from_alias(&kind_text)
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

/// Object names are DNS-1123 subdomains: lower-case alphanumerics, `-` and `.`, ≤ 253 chars.
fn validate_name(name: &str) -> Result<(), UsageError> {
    let valid = !name.is_empty()
        && name.len() <= 253
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric());
    if valid {
        Ok(())
    } else {
        Err(UsageError(format!(
            "invalid name {name:?}: Kubernetes object names are lower-case alphanumerics, '-' and '.'"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn slash_and_space_forms_parse_to_the_same_target() {
        let all = &TargetKind::ALL;
        let a = parse_target(&words(&["app/orders"]), all).unwrap();
        let b = parse_target(&words(&["app", "orders"]), all).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.kind, TargetKind::FlinkDeployment);
        assert_eq!(a.name, "orders");
    }

    #[test]
    fn every_documented_alias_resolves_to_its_kind() {
        let cases = [
            ("application", TargetKind::FlinkDeployment),
            ("FlinkDeployments", TargetKind::FlinkDeployment),
            ("flinkdep", TargetKind::FlinkDeployment),
            (
                "flinkdeployments.flink.apache.org",
                TargetKind::FlinkDeployment,
            ),
            ("job", TargetKind::FlinkSessionJob),
            ("sessionjob", TargetKind::FlinkSessionJob),
            ("flinksessionjobs", TargetKind::FlinkSessionJob),
            ("session", TargetKind::Session),
            ("flinksnp", TargetKind::FlinkStateSnapshot),
            ("savepoint", TargetKind::FlinkStateSnapshot),
            ("flinkstatesnapshots", TargetKind::FlinkStateSnapshot),
        ];
        for (alias, kind) in cases {
            assert_eq!(TargetKind::from_alias(alias), Some(kind), "{alias}");
        }
    }

    #[test]
    fn unknown_kind_lists_the_accepted_kinds() {
        let err = parse_target(&words(&["pod/x"]), TargetKind::JOBS_AND_SESSIONS).unwrap_err();
        assert!(err.0.contains("\"pod\""), "{}", err.0);
        assert!(err.0.contains("app (application"), "{}", err.0);
        assert!(err.0.contains("job ("), "{}", err.0);
        assert!(err.0.contains("session"), "{}", err.0);
    }

    #[test]
    fn kind_not_accepted_by_the_command_is_rejected() {
        let err = parse_target(&words(&["flinksnp/x"]), TargetKind::JOBS_AND_SESSIONS).unwrap_err();
        assert!(err.0.contains("accepted kinds"), "{}", err.0);
    }

    #[test]
    fn bare_name_and_bad_names_are_usage_errors() {
        assert!(parse_target(&words(&["orders"]), &TargetKind::ALL).is_err());
        assert!(parse_target(&words(&["app/"]), &TargetKind::ALL).is_err());
        assert!(parse_target(&words(&["app/Orders"]), &TargetKind::ALL).is_err());
        assert!(parse_target(&words(&["app", "a", "b"]), &TargetKind::ALL).is_err());
        assert!(parse_target(&[], &TargetKind::ALL).is_err());
    }
}
