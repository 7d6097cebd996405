//! Flink durations (`TimeUtils.parseDuration` / `TimeUtils.formatWithHighestUnit`).

use std::time::Duration;

use thiserror::Error;

const ACCEPTED: &str = "use a whole number with a unit such as 90 min, 900s, 24 h, 1d \
                        (units d, h, min/m, s, ms, µs, ns; no unit = milliseconds)";

/// What is wrong with a duration text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DurationProblem {
    /// Empty or whitespace only.
    Empty,
    /// Starts with `+` or `-`.
    Sign,
    /// Contains a decimal point after the number.
    Decimal,
    /// Looks like an ISO-8601 duration (`PT1H`).
    Iso8601,
    /// Does not start with a digit.
    NoNumber,
    /// Several number/unit pairs (`1h30m`).
    Compound,
    /// The unit label is not recognised.
    UnknownUnit(String),
    /// Too large for a Java `Duration`.
    Overflow,
}

/// A text that is not a valid Flink duration.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("invalid duration \"{input}\": {}; {ACCEPTED}", describe(.problem))]
pub struct DurationError {
    /// The text as given.
    pub input: String,
    /// What is wrong with it.
    pub problem: DurationProblem,
}

pub(super) fn describe(problem: &DurationProblem) -> String {
    match problem {
        DurationProblem::Empty => "the value is empty".to_owned(),
        DurationProblem::Sign => "signs are not allowed".to_owned(),
        DurationProblem::Decimal => "decimals are not allowed".to_owned(),
        DurationProblem::Iso8601 => {
            "ISO-8601 durations such as PT1H are not accepted by the operator".to_owned()
        }
        DurationProblem::NoNumber => "it does not start with a number".to_owned(),
        DurationProblem::Compound => {
            "compound values are not allowed (only one number and one unit)".to_owned()
        }
        DurationProblem::UnknownUnit(unit) => format!("unknown unit \"{unit}\""),
        DurationProblem::Overflow => "the number is too large".to_owned(),
    }
}

/// Unit labels (lower case) and the number of nanoseconds per unit, in Flink's order.
const UNITS: &[(&[&str], u128)] = &[
    (&["d", "day", "days"], 86_400_000_000_000),
    (&["h", "hour", "hours"], 3_600_000_000_000),
    (&["min", "m", "minute", "minutes"], 60_000_000_000),
    (&["s", "sec", "secs", "second", "seconds"], 1_000_000_000),
    (
        &["ms", "milli", "millis", "millisecond", "milliseconds"],
        1_000_000,
    ),
    (
        &["µs", "micro", "micros", "microsecond", "microseconds"],
        1_000,
    ),
    (&["ns", "nano", "nanos", "nanosecond", "nanoseconds"], 1),
];

/// Java `String#trim`: strips every char `<= U+0020` from both ends.
fn java_trim(s: &str) -> &str {
    s.trim_matches(|c: char| c <= ' ')
}

/// Parses a Flink duration exactly like `TimeUtils.parseDuration` (Flink 1.20): the trimmed text
/// is `<digits><optional whitespace><unit>`, the unit is case-insensitive, no unit means
/// milliseconds. Signs, decimals, compound values, ISO-8601, numbers beyond a Java `long` and
/// values beyond Java's `Duration` range (2^63-1 seconds) are rejected.
pub fn parse_duration(text: &str) -> Result<Duration, DurationError> {
    let fail = |problem| DurationError {
        input: text.to_owned(),
        problem,
    };
    let trimmed = java_trim(text);
    if trimmed.is_empty() {
        return Err(fail(DurationProblem::Empty));
    }
    let digits_end = trimmed
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(trimmed.len());
    let (number, rest) = trimmed.split_at(digits_end);
    if number.is_empty() {
        let problem = match trimmed.chars().next() {
            Some('+' | '-') => DurationProblem::Sign,
            Some('.') => DurationProblem::Decimal,
            Some('P' | 'p') => DurationProblem::Iso8601,
            _ => DurationProblem::NoNumber,
        };
        return Err(fail(problem));
    }
    let label = java_trim(rest).to_lowercase();
    let nanos_per_unit = if label.is_empty() {
        1_000_000
    } else if let Some((_, nanos)) = UNITS.iter().find(|(labels, _)| labels.contains(&&*label)) {
        *nanos
    } else {
        let problem = if rest.starts_with('.') || rest.starts_with(',') {
            DurationProblem::Decimal
        } else if label.chars().any(|c| c.is_ascii_digit()) {
            DurationProblem::Compound
        } else {
            DurationProblem::UnknownUnit(java_trim(rest).to_owned())
        };
        return Err(fail(problem));
    };
    // Flink reads the number as a Java `long` first, then builds a `Duration` (seconds as `long`).
    let total = number
        .parse::<u128>()
        .ok()
        .filter(|n| *n <= i64::MAX as u128)
        .and_then(|n| n.checked_mul(nanos_per_unit))
        .ok_or_else(|| fail(DurationProblem::Overflow))?;
    let secs = total / 1_000_000_000;
    if secs > i64::MAX as u128 {
        return Err(fail(DurationProblem::Overflow));
    }
    // Both conversions are in range: secs <= i64::MAX and the remainder < 10^9.
    Ok(Duration::new(secs as u64, (total % 1_000_000_000) as u32))
}

/// Formats a duration in Flink's `formatWithHighestUnit` style: the largest unit that divides
/// it exactly, `"<n> <unit>"` (`1 d`, `90 min`, `900 ms`); zero is `"0 ms"`.
/// The output re-parses with [`parse_duration`] to the same value whenever the count fits a
/// Java `long`: every whole-second duration up to 2^63-1 s and every duration below 2^63 ns
/// (≈ 292 years), the same domain Flink supports.
pub fn format_duration(duration: Duration) -> String {
    let nanos = duration.as_nanos();
    if nanos == 0 {
        return "0 ms".to_owned();
    }
    let (labels, per_unit) = UNITS
        .iter()
        .find(|(_, per_unit)| nanos.is_multiple_of(*per_unit))
        .copied()
        .unwrap_or((&["ns"], 1));
    format!("{} {}", nanos / per_unit, labels[0])
}
