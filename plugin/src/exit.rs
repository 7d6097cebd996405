//! Exit codes and error classification.
//!
//! Commands return `anyhow::Result<()>`. The kind of failure is carried by typed errors somewhere
//! in the chain, and [`exit_code_for`] finds it:
//!
//! | code | meaning | produced by |
//! |---|---|---|
//! | 0 | success | |
//! | 1 | failure: API error, RBAC denial, not found, savepoint FAILED/ABANDONED | anything else |
//! | 2 | invalid usage or input, or a refusal that changed nothing | [`UsageError`] (and clap) |
//! | 3 | timed out while waiting | [`WaitTimeout`] |
//!
//! API errors are turned into user-facing sentences by [`crate::kube::ApiOp`].

use std::fmt;

/// Text appended to `--help` (and shown by the README) describing the exit codes.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  success
  1  failure: API error, RBAC denial, resource not found, savepoint FAILED or ABANDONED
  2  invalid usage or input, or a refusal (nothing was changed)
  3  timed out while waiting";

/// The process exit codes of the plugin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// 0: the command did what was asked.
    Success = 0,
    /// 1: an API error, an RBAC denial, a missing object, or a savepoint that FAILED/was ABANDONED.
    Failure = 1,
    /// 2: invalid usage or input, or a refusal that changed nothing.
    Usage = 2,
    /// 3: timed out while waiting.
    Timeout = 3,
}

impl ExitCode {
    /// The numeric process exit status.
    pub fn code(self) -> u8 {
        self as u8
    }
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(code: ExitCode) -> Self {
        std::process::ExitCode::from(code.code())
    }
}

/// Invalid usage or input, or a refusal: exit code 2. Nothing was changed on the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Shorthand: an `anyhow::Error` that exits with code 2.
pub fn usage(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(UsageError(message.into()))
}

/// A wait that ran out of time: exit code 3.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitTimeout(pub String);

impl fmt::Display for WaitTimeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WaitTimeout {}

/// Classifies an error returned by a command by looking for the typed errors in its chain.
pub fn exit_code_for(err: &anyhow::Error) -> ExitCode {
    for cause in err.chain() {
        if cause.is::<UsageError>() {
            return ExitCode::Usage;
        }
        if cause.is::<WaitTimeout>() {
            return ExitCode::Timeout;
        }
    }
    ExitCode::Failure
}

/// Renders an error for stderr the way kubectl does (`error: ...`), with the context chain.
///
/// User-facing errors (usage, timeout, API errors already described by `ApiOp`) are printed
/// on their own; lower-level causes are appended after `: `.
pub fn render_error(err: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if parts.last().is_some_and(|last| last.contains(&text)) {
            continue;
        }
        parts.push(text);
    }
    format!("error: {}", parts.join(": "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn usage_errors_exit_2_even_when_wrapped_in_context() {
        let err = Err::<(), _>(usage("bad target"))
            .context("trigger")
            .unwrap_err();
        assert_eq!(exit_code_for(&err), ExitCode::Usage);
    }

    #[test]
    fn timeouts_exit_3() {
        let err = anyhow::Error::new(WaitTimeout("timed out after 5s".into()));
        assert_eq!(exit_code_for(&err), ExitCode::Timeout);
        assert_eq!(ExitCode::Timeout.code(), 3);
    }

    #[test]
    fn other_errors_exit_1() {
        let err = anyhow::anyhow!("connection refused");
        assert_eq!(exit_code_for(&err), ExitCode::Failure);
    }

    #[test]
    fn rendered_error_has_kubectl_prefix_and_skips_repeated_causes() {
        let err = Err::<(), _>(anyhow::anyhow!("inner"))
            .context("outer: inner")
            .unwrap_err();
        assert_eq!(render_error(&err), "error: outer: inner");
        let err = Err::<(), _>(anyhow::anyhow!("refused"))
            .context("get app")
            .unwrap_err();
        assert_eq!(render_error(&err), "error: get app: refused");
    }
}
