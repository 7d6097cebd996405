//! Exit codes and the plugin's typed [`Error`].
//!
//! Commands return [`Result`]. Each [`Error`] variant carries its exit code, so nothing has to
//! search an error chain to classify a failure:
//!
//! | code | meaning | variant |
//! |---|---|---|
//! | 0 | success | |
//! | 1 | failure: API error, RBAC denial, not found, savepoint FAILED/ABANDONED | [`Error::Api`], [`Error::Failed`], [`Error::Other`] |
//! | 2 | invalid usage or input, or a refusal that changed nothing | [`Error::Usage`] (and clap) |
//! | 3 | timed out while waiting | [`Error::Timeout`] |
//! | 130 | interrupted (Ctrl-C) | (the signal handler in `crate::run`) |
//! | 141 | stdout closed by its reader (`\| head -1`) | any error caused by a broken pipe |
//!
//! A command over several targets (`trigger`, `wait`) exits with the worst per-target outcome,
//! ordered by [`ExitCode::severity`]: 1 (failed) > 3 (timed out) > 2 (refused) > 0.
//!
//! API errors are turned into user-facing sentences by [`ApiOp`]. This module is a leaf: it
//! imports nothing from the rest of the plugin.

mod api;
mod connection;

use std::fmt;

pub use api::{ApiError, ApiOp, ApiResultExt, kube_error_line, missing_crd_message, status_code};
pub use connection::{Cause as ConnectionCause, ConnectionError, server_name};

/// Text appended to `--help` (and shown by the README) describing the exit codes.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  success
  1  failure: API error, RBAC denial, resource not found, savepoint FAILED or ABANDONED
  2  invalid usage or input, or a refusal (nothing was changed)
  3  timed out while waiting
  130  interrupted (Ctrl-C); a savepoint being waited for continues (resume with the printed
       `kubectl savepoint wait ...`)
  141  stdout was closed early (e.g. `| head -1`), like kubectl killed by SIGPIPE; nothing printed
  With several targets (trigger, wait): the worst outcome, 1 > 3 > 2 > 0.

Errors are one line on stderr, worded like kubectl's (`Error from server (NotFound): ...`,
`The connection to the server HOST:PORT was refused - ...`). Diagnostics: -v 4 (decisions),
-v 6 (each request: method, URL, status, time), -v 8 (client library debug), -v 9 (all).";

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
    /// 130 (128 + SIGINT): interrupted with Ctrl-C.
    Interrupted = 130,
    /// 141 (128 + SIGPIPE): stdout was closed by the reader; kubectl dies of SIGPIPE then.
    BrokenPipe = 141,
}

impl ExitCode {
    /// The numeric process exit status.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// How bad an outcome is, for commands over several targets, whose exit code is the worst
    /// outcome: success < refused (2: nothing done for that target) < timed out (3: the savepoint
    /// may still finish) < failed (1: a request or a savepoint failed).
    pub fn severity(self) -> u8 {
        match self {
            ExitCode::Success => 0,
            ExitCode::Usage => 1,
            ExitCode::Timeout => 2,
            ExitCode::Failure => 3,
            // Never a per-target outcome: they end the whole process.
            ExitCode::Interrupted => 4,
            ExitCode::BrokenPipe => 5,
        }
    }

    /// The worse of two outcomes ([`ExitCode::severity`]).
    pub fn worst(self, other: ExitCode) -> ExitCode {
        if other.severity() > self.severity() {
            other
        } else {
            self
        }
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

/// A failed command; the variant decides the exit code ([`Error::exit_code`]).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Invalid usage or input, or a refusal that changed nothing: exit code 2.
    #[error("{0}")]
    Usage(String),
    /// A wait that ran out of time: exit code 3.
    #[error("{0}")]
    Timeout(String),
    /// A failed API request, already described for the user: exit code 1.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// A failure with a complete user-facing sentence (savepoint FAILED, not found, …): exit code 1.
    #[error("{0}")]
    Failed(String),
    /// Anything else (configuration, I/O, serialization), with its context chain: exit code 1.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// The plugin's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> ExitCode {
        if self.is_broken_pipe() {
            return ExitCode::BrokenPipe;
        }
        match self {
            Error::Usage(_) => ExitCode::Usage,
            Error::Timeout(_) => ExitCode::Timeout,
            Error::Api(_) | Error::Failed(_) | Error::Other(_) => ExitCode::Failure,
        }
    }

    /// The HTTP status code, for an API error the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => e.code(),
            _ => None,
        }
    }

    /// Whether this came from writing to a closed stdout (`list | head -1`): exit quietly.
    pub fn is_broken_pipe(&self) -> bool {
        match self {
            Error::Other(e) => e.chain().any(|cause| {
                cause
                    .downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }),
            _ => false,
        }
    }

    /// Whether this is a 409 Conflict from the API server.
    pub fn is_conflict(&self) -> bool {
        self.status() == Some(409)
    }

    /// Prefixes the message with `context`, keeping the exit code.
    pub fn context(self, context: impl fmt::Display) -> Self {
        match self {
            Error::Usage(m) => Error::Usage(format!("{context}: {m}")),
            Error::Timeout(m) => Error::Timeout(format!("{context}: {m}")),
            Error::Failed(m) => Error::Failed(format!("{context}: {m}")),
            Error::Api(e) => Error::Other(anyhow::Error::new(*e).context(context.to_string())),
            Error::Other(e) => Error::Other(e.context(context.to_string())),
        }
    }
}

impl From<UsageError> for Error {
    fn from(err: UsageError) -> Self {
        Error::Usage(err.0)
    }
}

impl From<ApiError> for Error {
    fn from(err: ApiError) -> Self {
        Error::Api(Box::new(err))
    }
}

impl From<serde_json::Error> for Error {
    fn from(err: serde_json::Error) -> Self {
        Error::Other(err.into())
    }
}

/// Shorthand: an error that exits with code 2.
pub fn usage(message: impl Into<String>) -> Error {
    Error::Usage(message.into())
}

/// Shorthand: a failure (exit code 1) with a complete user-facing sentence.
pub fn failed(message: impl Into<String>) -> Error {
    Error::Failed(message.into())
}

/// An error that exits with `code` (`None` for [`ExitCode::Success`]), e.g. the worst outcome of
/// a command over several targets.
pub fn with_exit_code(code: ExitCode, message: impl Into<String>) -> Option<Error> {
    let message = message.into();
    match code {
        ExitCode::Success => None,
        ExitCode::Usage => Some(Error::Usage(message)),
        ExitCode::Timeout => Some(Error::Timeout(message)),
        // Interrupted and BrokenPipe end the process before any per-target outcome is summed.
        ExitCode::Failure | ExitCode::Interrupted | ExitCode::BrokenPipe => {
            Some(Error::Failed(message))
        }
    }
}

/// Renders an error for stderr the way kubectl does: one line, `error: ...`, with the context
/// chain. An API error is its own kubectl line (`Error from server (NotFound): ...`,
/// `The connection to the server ... was refused ...`); a kube error that reached here without
/// an [`ApiOp`] is rendered the same way ([`kube_error_line`]), never as a `Debug` dump.
pub fn render_error(err: &Error) -> String {
    let causes: Vec<String> = match err {
        Error::Api(e) => return e.message.clone(),
        Error::Other(e) => {
            let mut causes = Vec::new();
            for cause in e.chain() {
                if let Some(kube) = cause.downcast_ref::<::kube::Error>() {
                    let line = kube_error_line(kube);
                    // kubectl's connection lines stand alone, whatever was being attempted.
                    if causes.is_empty() || ConnectionError::find(kube).is_some() {
                        return line;
                    }
                    let line = line.strip_prefix("error: ").unwrap_or(&line).to_string();
                    causes.push(line);
                    break;
                }
                if let Some(api) = cause.downcast_ref::<ApiError>() {
                    if causes.is_empty() {
                        return api.message.clone();
                    }
                    causes.push(
                        api.message
                            .strip_prefix("error: ")
                            .unwrap_or(&api.message)
                            .to_string(),
                    );
                    break;
                }
                causes.push(cause.to_string());
            }
            causes
        }
        // The plugin's own sentences (refusals may list items on their own lines) stay as written.
        other => return format!("error: {other}"),
    };
    let mut parts: Vec<String> = Vec::new();
    for text in causes {
        if parts.last().is_some_and(|last| last.contains(&text)) {
            continue;
        }
        // Lower-level causes (I/O, serialization, kube) are folded onto the one line.
        parts.push(text.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    format!("error: {}", parts.join(": "))
}

#[cfg(test)]
mod tests;
