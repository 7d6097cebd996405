//! Quartz cron expressions (`org.apache.logging.log4j.core.util.CronExpression`, which the
//! operator uses for `kubernetes.operator.periodic.*.interval`).
//!
//! Syntax: 6 or 7 whitespace-separated fields `sec min hour day-of-month month day-of-week [year]`,
//! case-insensitive. Per field: `*`, single values, ranges `a-b` (wrapping, e.g. `FRI-MON`),
//! lists `a,b`, steps `*/n`, `a/n`, `a-b/n`; month names `JAN`–`DEC`; weekday names `SUN`–`SAT`
//! (1 = SUN … 7 = SAT). Day-of-month also takes `L`, `L-n`, `LW`, `nW`; day-of-week takes `L`
//! (= SAT), `nL` (last weekday n of the month) and `n#k` (k-th weekday n). Exactly one of
//! day-of-month and day-of-week must be `?`. `L-nW` (weekday nearest to n days before the
//! last) and a bare `/n` (= `*/n`) are accepted like Quartz.
//!
//! Differences from Quartz (log4j's copy), all stricter: more than 7 fields are rejected
//! (Quartz silently ignores them), step 0 is rejected, year values must lie in 1970–2199
//! (Quartz does not range-check years; `*` covers 1970 to the current year + 100), and every
//! list element must be well-formed (Quartz silently ignores trailing text after a month or
//! weekday name). Evaluation ([`CronExpr::next_after`]) is done in
//! **UTC**; the operator evaluates in the JVM default time zone of its pod (usually UTC in
//! containers). `nW` for a day beyond the month's length never matches in that month.

mod parse;

use std::collections::BTreeSet;
use std::fmt;

use jiff::civil::{Date, DateTime, Time};
use jiff::{Timestamp, tz::TimeZone};
use thiserror::Error;

/// The fields of a cron expression, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CronField {
    /// Field 1, 0–59.
    Seconds,
    /// Field 2, 0–59.
    Minutes,
    /// Field 3, 0–23.
    Hours,
    /// Field 4, 1–31.
    DayOfMonth,
    /// Field 5, 1–12 or JAN–DEC.
    Month,
    /// Field 6, 1–7 or SUN–SAT.
    DayOfWeek,
    /// Field 7 (optional), 1970–2199.
    Year,
}

impl CronField {
    /// All fields in expression order.
    pub const ALL: [CronField; 7] = [
        Self::Seconds,
        Self::Minutes,
        Self::Hours,
        Self::DayOfMonth,
        Self::Month,
        Self::DayOfWeek,
        Self::Year,
    ];

    /// Human name (`day-of-month`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Seconds => "seconds",
            Self::Minutes => "minutes",
            Self::Hours => "hours",
            Self::DayOfMonth => "day-of-month",
            Self::Month => "month",
            Self::DayOfWeek => "day-of-week",
            Self::Year => "year",
        }
    }

    /// Inclusive numeric range.
    pub fn range(self) -> (u16, u16) {
        match self {
            Self::Seconds | Self::Minutes => (0, 59),
            Self::Hours => (0, 23),
            Self::DayOfMonth => (1, 31),
            Self::Month => (1, 12),
            Self::DayOfWeek => (1, 7),
            Self::Year => (1970, 2199),
        }
    }

    /// 1-based position in the expression.
    pub fn position(self) -> usize {
        self as usize + 1
    }
}

impl fmt::Display for CronField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "field {} ({})", self.position(), self.name())
    }
}

/// A text that is not a valid Quartz cron expression.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error(
    "invalid cron expression \"{input}\": {}{message}; expected Quartz syntax with 6 or 7 fields \
     \"sec min hour day-of-month month day-of-week [year]\" and '?' in exactly one of \
     day-of-month/day-of-week, e.g. \"0 0 */6 * * ?\" or \"0 0 12 ? * MON-FRI\"",
    field.map(|f| format!("{f}: ")).unwrap_or_default()
)]
pub struct CronError {
    /// The expression as given.
    pub input: String,
    /// The offending field, when one can be named.
    pub field: Option<CronField>,
    /// What is wrong.
    pub message: String,
}

/// Day-of-month specification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DomSpec {
    Any,
    Days(BTreeSet<u16>),
    Last { offset: u16 },
    LastWeekday { offset: u16 },
    NearestWeekday(u16),
}

/// Day-of-week specification (1 = Sunday).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DowSpec {
    Any,
    Days(BTreeSet<u16>),
    LastOfMonth(u16),
    Nth { weekday: u16, nth: u16 },
}

/// A parsed Quartz cron expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CronExpr {
    source: String,
    seconds: BTreeSet<u16>,
    minutes: BTreeSet<u16>,
    hours: BTreeSet<u16>,
    dom: DomSpec,
    months: BTreeSet<u16>,
    dow: DowSpec,
    years: BTreeSet<u16>,
}

impl fmt::Display for CronExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

impl std::str::FromStr for CronExpr {
    type Err = CronError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl CronExpr {
    /// Parses and validates a Quartz cron expression (see the module docs for the syntax).
    pub fn parse(text: &str) -> Result<CronExpr, CronError> {
        parse::parse(text)
    }

    /// The expression text as given.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The first fire time strictly after `after` (second precision, like Quartz
    /// `getNextValidTimeAfter`), evaluated in UTC; `None` if there is none up to 2199.
    pub fn next_after(&self, after: Timestamp) -> Option<Timestamp> {
        let civil = after.to_zoned(TimeZone::UTC).datetime();
        let next = self.next_after_civil(civil)?;
        next.to_zoned(TimeZone::UTC).ok().map(|z| z.timestamp())
    }

    /// [`CronExpr::next_after`] on civil date-times (no time zone involved).
    pub fn next_after_civil(&self, after: DateTime) -> Option<DateTime> {
        let start = after
            .with()
            .subsec_nanosecond(0)
            .build()
            .ok()?
            .checked_add(jiff::SignedDuration::from_secs(1))
            .ok()?;
        let last_year = *self.years.last()?;
        let mut date = start.date();
        let mut min_time = start.time();
        while date.year() >= 0 && (date.year() as u16) <= last_year {
            let year = date.year() as u16;
            if !self.years.contains(&year) {
                date = Date::new(date.year().checked_add(1)?, 1, 1).ok()?;
                min_time = Time::midnight();
                continue;
            }
            if !self.months.contains(&(date.month() as u16)) {
                date = date.last_of_month().tomorrow().ok()?;
                min_time = Time::midnight();
                continue;
            }
            if self.day_matches(date)
                && let Some(time) = self.first_time_from(min_time)
            {
                return Some(date.to_datetime(time));
            }
            date = date.tomorrow().ok()?;
            min_time = Time::midnight();
        }
        None
    }

    fn first_time_from(&self, from: Time) -> Option<Time> {
        let (h0, m0, s0) = (
            from.hour() as u16,
            from.minute() as u16,
            from.second() as u16,
        );
        for &h in self.hours.range(h0..) {
            let m_from = if h == h0 { m0 } else { 0 };
            for &m in self.minutes.range(m_from..) {
                let s_from = if h == h0 && m == m0 { s0 } else { 0 };
                if let Some(&s) = self.seconds.range(s_from..).next() {
                    return Time::new(h as i8, m as i8, s as i8, 0).ok();
                }
            }
        }
        None
    }

    fn day_matches(&self, date: Date) -> bool {
        let day = date.day() as u16;
        let last = date.days_in_month() as u16;
        let weekday_of = |d: u16| {
            date.with()
                .day(d as i8)
                .build()
                .map(|x| x.weekday().to_sunday_one_offset() as u16)
                .ok()
        };
        let dom_ok = match &self.dom {
            DomSpec::Any => true,
            DomSpec::Days(days) => days.contains(&day),
            DomSpec::Last { offset } => last > *offset && day == last - offset,
            DomSpec::LastWeekday { offset } => {
                last > *offset && {
                    let target = last - offset;
                    day == nearest_weekday(target, last, weekday_of(target))
                }
            }
            DomSpec::NearestWeekday(target) => {
                *target <= last && day == nearest_weekday(*target, last, weekday_of(*target))
            }
        };
        let weekday = date.weekday().to_sunday_one_offset() as u16;
        let dow_ok = match &self.dow {
            DowSpec::Any => true,
            DowSpec::Days(days) => days.contains(&weekday),
            DowSpec::LastOfMonth(wd) => weekday == *wd && day + 7 > last,
            DowSpec::Nth { weekday: wd, nth } => weekday == *wd && (day - 1) / 7 + 1 == *nth,
        };
        dom_ok && dow_ok
    }
}

/// The weekday (Mon–Fri) nearest to `target` within the month (Quartz `W`): a Saturday moves
/// back to Friday (forward to Monday the 3rd if it is the 1st), a Sunday moves forward to
/// Monday (back to Friday if it is the last day).
fn nearest_weekday(target: u16, last: u16, weekday: Option<u16>) -> u16 {
    match weekday {
        Some(7) if target == 1 => 3,
        Some(7) => target - 1,
        Some(1) if target == last => target - 2,
        Some(1) => target + 1,
        _ => target,
    }
}
