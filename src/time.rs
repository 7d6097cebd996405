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

/// An age as kubectl prints it (`HumanDuration` of k8s.io/apimachinery): `45s`, `5m30s`,
/// `12m`, `3h4m`, `10h`, `2d5h`, `12d`, `2y40d`, `9y`; `0s` for up to one second in the future
/// (clock skew), `<invalid>` beyond.
pub fn human_age(seconds: i64) -> String {
    if seconds < -1 {
        return "<invalid>".to_owned();
    }
    if seconds < 0 {
        return "0s".to_owned();
    }
    if seconds < 120 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        return match seconds % 60 {
            0 => format!("{minutes}m"),
            s => format!("{minutes}m{s}s"),
        };
    }
    if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = seconds / 3_600;
    if hours < 8 {
        return match minutes % 60 {
            0 => format!("{hours}h"),
            m => format!("{hours}h{m}m"),
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        return match hours % 24 {
            0 => format!("{}d", hours / 24),
            h => format!("{}d{h}h", hours / 24),
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        return match (hours / 24) % 365 {
            0 => format!("{}y", hours / 24 / 365),
            d => format!("{}y{d}d", hours / 24 / 365),
        };
    }
    format!("{}y", hours / 24 / 365)
}
