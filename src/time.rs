//! Timestamps as the Flink operator writes them.
//!
//! The operator uses three encodings: epoch-millisecond integers (`savepointInfo`,
//! `reconciliationTimestamp`), epoch milliseconds inside strings (`jobStatus.startTime`) and
//! ISO-8601 instants (FlinkStateSnapshot status). The parsers here accept all three and return
//! `None` for anything else; they never panic.

use jiff::Timestamp;
use serde_json::Value;

/// Parses a JSON value holding a timestamp in any of the operator's encodings.
///
/// Integers (and integral floats) are epoch milliseconds; strings are handled by
/// [`parse_timestamp_str`]. Everything else (booleans, objects, out-of-range numbers) is `None`.
pub fn parse_timestamp(value: &Value) -> Option<Timestamp> {
    match value {
        Value::Number(n) => {
            if let Some(ms) = n.as_i64() {
                from_epoch_ms(ms)
            } else {
                let f = n.as_f64()?;
                // Integral floats only (e.g. `1.7e12`); i64 range check before the cast.
                if f.fract() == 0.0 && f.abs() < 9.0e18 {
                    from_epoch_ms(f as i64)
                } else {
                    None
                }
            }
        }
        Value::String(s) => parse_timestamp_str(s),
        _ => None,
    }
}

/// Parses a string holding epoch milliseconds (`"1735780000000"`, optionally negative) or an
/// ISO-8601 / RFC 3339 instant with an offset (`"2025-01-02T03:04:05.678Z"`).
pub fn parse_timestamp_str(raw: &str) -> Option<Timestamp> {
    let s = raw.trim();
    if s.is_empty() {
        return None;
    }
    let digits = s.strip_prefix('-').unwrap_or(s);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return from_epoch_ms(s.parse().ok()?);
    }
    s.parse::<Timestamp>().ok()
}

/// Epoch milliseconds to a timestamp; `None` outside jiff's supported range.
pub fn from_epoch_ms(ms: i64) -> Option<Timestamp> {
    Timestamp::from_millisecond(ms).ok()
}

/// A timestamp as epoch milliseconds (the encoding of `savepointInfo`).
pub fn to_epoch_ms(ts: Timestamp) -> i64 {
    ts.as_millisecond()
}

/// Formats a timestamp as the operator's ISO-8601 instant (UTC, `Z`, fractional seconds only
/// when present), e.g. `2025-01-02T03:04:05.678Z`.
pub fn to_iso(ts: Timestamp) -> String {
    ts.to_string()
}

/// Serde helper: serializes an `Option<Timestamp>` as an ISO-8601 string (or `null`).
pub(crate) fn serialize_opt_iso<S: serde::Serializer>(
    ts: &Option<Timestamp>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match ts {
        Some(ts) => serializer.serialize_str(&to_iso(*ts)),
        None => serializer.serialize_none(),
    }
}

/// kubectl-style age: `45s`, `12m`, `3h`, `5d`, `2y` (from seconds; negative is `0s`).
pub fn human_age(seconds: i64) -> String {
    let s = seconds.max(0);
    match s {
        0..120 => format!("{s}s"),
        120..7_200 => format!("{}m", s / 60),
        7_200..172_800 => format!("{}h", s / 3_600),
        172_800..31_536_000 => format!("{}d", s / 86_400),
        _ => format!("{}y", s / 31_536_000),
    }
}
