//! [`ScheduleError`]: why `schedule` refuses (exit 2 in the plugin).

use thiserror::Error;

use crate::config::WriteError;
use crate::grammar::{DurationError, IntError, IntervalError};

/// Why a schedule request is refused (nothing is sent).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ScheduleError {
    /// `--interval` is neither a duration nor a cron expression.
    #[error("--interval: {0}")]
    Interval(Box<IntervalError>),
    /// `--interval 0` or blank.
    #[error(
        "--interval \"{0}\" would disable periodic savepoints; use --disable to turn them off, \
         or give a duration such as 6h or a Quartz cron expression such as \"0 0 */6 * * ?\""
    )]
    IntervalDisables(String),
    /// `--max-age` is not a Flink duration.
    #[error("--max-age: {0}")]
    MaxAge(Box<DurationError>),
    /// `--max-age 0`.
    #[error("--max-age \"{0}\" must be longer than zero (e.g. 24h, 7d)")]
    MaxAgeZero(String),
    /// `--max-count` is not an integer.
    #[error("--max-count: {0}")]
    MaxCount(Box<IntError>),
    /// `--max-count` below 1.
    #[error(
        "--max-count \"{0}\" must be at least 1 (the operator always keeps at least one savepoint)"
    )]
    MaxCountTooSmall(String),
    /// `--savepoint-dir` on a session job.
    #[error(
        "refusing to set a savepoint directory on a session job: session jobs use the directory of \
         their session cluster ({cluster}); set it there with: kubectl savepoint schedule session/{cluster} --savepoint-dir DIR"
    )]
    SessionJobSavepointDir {
        /// The session cluster's name.
        cluster: String,
    },
    /// Enabling periodic savepoints without any savepoint directory.
    #[error(
        "periodic savepoints need a savepoint directory, but none is configured: looked for {keys} \
         in {places}; {hint}"
    )]
    NoSavepointDir {
        /// The keys looked for.
        keys: String,
        /// Where they were looked for.
        places: String,
        /// What to do.
        hint: String,
    },
    /// The configuration cannot be written without destroying keys.
    #[error(transparent)]
    Write(#[from] WriteError),
}
