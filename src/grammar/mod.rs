//! Value grammars of the operator's configuration options.
//!
//! * [`parse_duration`] / [`format_duration`]: Flink `TimeUtils` durations (`90 min`, `24 h`, `900` = ms).
//! * [`CronExpr`]: Quartz cron expressions as the operator evaluates them.
//! * [`PeriodicInterval`]: `kubernetes.operator.periodic.*.interval` (duration **or** cron).
//! * [`parse_int`], [`parse_bool`], [`parse_enum`]: Flink `ConfigurationUtils` scalar conversions.
//! * [`parse_fs_uri`] / [`is_under_dir`]: Flink file-system URIs (savepoint directories).

mod cron;
mod duration;
mod fs_uri;
mod interval;
mod scalar;

pub use cron::{CronError, CronExpr, CronField};
pub use duration::{DurationError, DurationProblem, format_duration, parse_duration};
pub use fs_uri::{FS_URI_FORMS, FsUri, FsUriError, is_under_dir, parse_fs_uri};
pub use interval::{IntervalError, PeriodicInterval};
pub use scalar::{BoolError, EnumError, IntError, parse_bool, parse_enum, parse_int};
