//! The verdict of `status` and the reasons behind it (one reason, one severity, one line of text).

use serde::Serialize;

/// How healthy a job's recoverability is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Verdict {
    /// Nothing to worry about.
    Ok,
    /// Restorable, but something needs attention.
    Warning,
    /// Not running, or nothing to restore from.
    Critical,
}

impl Verdict {
    /// `OK`, `WARNING`, `CRITICAL`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "OK",
            Self::Warning => "WARNING",
            Self::Critical => "CRITICAL",
        }
    }
}

/// Why a job is not OK.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "camelCase")]
pub enum Reason {
    /// The job is not RUNNING (`state`: the Flink job state, or `unknown`).
    #[serde(rename_all = "camelCase")]
    JobNotRunning { state: String },
    /// No completed savepoint with a location: nothing to restore from.
    NoCompletedSavepoint,
    /// The newest completed savepoint is older than two periodic intervals.
    #[serde(rename_all = "camelCase")]
    SavepointTooOld {
        age_seconds: i64,
        limit_seconds: i64,
    },
    /// Periodic savepoints are configured but no savepoint directory: the operator cannot take them.
    PeriodicWithoutDirectory,
    /// The periodic interval does not parse: the operator ignores it.
    #[serde(rename_all = "camelCase")]
    InvalidInterval { value: String },
    /// Savepoints failed or were abandoned in the last [`RECENT`](super::status::RECENT).
    #[serde(rename_all = "camelCase")]
    RecentFailures { count: usize },
    /// The JobManager REST API could not be reached.
    #[serde(rename_all = "camelCase")]
    RestUnreachable { cause: String },
}

impl Reason {
    /// The verdict this reason alone gives.
    pub fn severity(&self) -> Verdict {
        match self {
            Self::JobNotRunning { .. } | Self::NoCompletedSavepoint => Verdict::Critical,
            _ => Verdict::Warning,
        }
    }

    /// One line for people.
    pub fn text(&self) -> String {
        match self {
            Self::JobNotRunning { state } => format!("job not RUNNING ({state})"),
            Self::NoCompletedSavepoint => "no completed savepoint to restore from".to_owned(),
            Self::SavepointTooOld {
                age_seconds,
                limit_seconds,
            } => format!(
                "newest savepoint is {} old, more than two periodic intervals ({})",
                crate::time::human_age(*age_seconds),
                crate::time::human_age(*limit_seconds)
            ),
            Self::PeriodicWithoutDirectory => {
                "periodic savepoints configured without a savepoint directory".to_owned()
            }
            Self::InvalidInterval { value } => {
                format!("periodic interval {value:?} is invalid (the operator ignores it)")
            }
            Self::RecentFailures { count } => {
                format!("{count} savepoint(s) failed or abandoned in the last 24h")
            }
            Self::RestUnreachable { cause } => format!("JobManager REST unreachable: {cause}"),
        }
    }
}
