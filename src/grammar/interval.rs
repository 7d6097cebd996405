//! `kubernetes.operator.periodic.{savepoint,checkpoint}.interval` (`SnapshotUtils`).

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use thiserror::Error;

use super::cron::{CronError, CronExpr};
use super::duration::{DurationError, parse_duration};

/// A periodic snapshot interval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeriodicInterval {
    /// Blank or a zero duration: no periodic snapshots.
    Disabled,
    /// A fixed interval after the last trigger.
    Every(Duration),
    /// A Quartz cron schedule.
    Cron(CronExpr),
}

/// A text that is neither a duration nor a cron expression.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error(
    "invalid periodic interval \"{input}\": expected a duration such as 6h, 90 min or 1d \
     (0 or empty disables) or a Quartz cron expression such as \"0 0 */6 * * ?\"; \
     as a duration: {}; as cron: {}",
    duration.problem_text(), cron.message
)]
pub struct IntervalError {
    /// The text as given.
    pub input: String,
    /// Why it is not a duration.
    pub duration: Box<DurationError>,
    /// Why it is not a cron expression.
    pub cron: Box<CronError>,
}

impl DurationError {
    /// The problem description alone, without the input and the list of accepted forms.
    pub fn problem_text(&self) -> String {
        super::duration::describe(&self.problem)
    }
}

impl PeriodicInterval {
    /// Parses like the operator: blank ⇒ [`Disabled`](Self::Disabled); then as a duration
    /// (`0` ⇒ disabled); otherwise as a Quartz cron expression.
    ///
    /// Note: the operator only logs a warning for an invalid value (the validator does not check
    /// it), so an invalid value silently means "no periodic snapshots".
    pub fn parse(text: &str) -> Result<PeriodicInterval, IntervalError> {
        if text.trim().is_empty() {
            return Ok(Self::Disabled);
        }
        let duration = match parse_duration(text) {
            Ok(d) if d.is_zero() => return Ok(Self::Disabled),
            Ok(d) => return Ok(Self::Every(d)),
            Err(e) => e,
        };
        CronExpr::parse(text)
            .map(Self::Cron)
            .map_err(|cron| IntervalError {
                input: text.to_owned(),
                duration: Box::new(duration),
                cron: Box::new(cron),
            })
    }

    /// Whether a periodic snapshot is due (`SnapshotUtils#shouldTriggerAutomaticSnapshot`):
    /// for a duration, `last_trigger + interval` is strictly before `now`; for cron, the next
    /// fire time after `last_trigger` (evaluated in UTC) is strictly before `now`. Never due
    /// when disabled.
    pub fn is_due(&self, last_trigger: Timestamp, now: Timestamp) -> bool {
        match self {
            Self::Disabled => false,
            Self::Every(interval) => SignedDuration::try_from(*interval)
                .ok()
                .and_then(|d| last_trigger.checked_add(d).ok())
                .is_some_and(|next| next < now),
            Self::Cron(cron) => cron.next_after(last_trigger).is_some_and(|next| next < now),
        }
    }

    /// The next trigger time after `last_trigger` (`None` when disabled or out of range).
    pub fn next_trigger(&self, last_trigger: Timestamp) -> Option<Timestamp> {
        match self {
            Self::Disabled => None,
            Self::Every(interval) => SignedDuration::try_from(*interval)
                .ok()
                .and_then(|d| last_trigger.checked_add(d).ok()),
            Self::Cron(cron) => cron.next_after(last_trigger),
        }
    }
}
