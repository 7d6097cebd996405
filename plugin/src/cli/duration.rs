//! Durations as the flags take them: kubectl's (`30s`, `1h30m`) and Flink's (`5 min`, `7d`).

use std::time::Duration;

/// Parses a kubectl-style duration (`30s`, `5m`, `1h30m`, `250ms`) or a plain number of
/// seconds, falling back to the Flink duration grammar (`5 min`, `2 h`) via the library.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let trimmed = text.trim();
    if let Ok(secs) = trimmed.parse::<u64>() {
        return Ok(Duration::from_secs(secs));
    }
    if let Some(d) = parse_go_duration(trimmed) {
        return Ok(d);
    }
    flink_savepoint::grammar::parse_duration(trimmed)
        .map_err(|e| format!("invalid duration {text:?} (use e.g. 30s, 5m, 1h30m): {e}"))
}

/// Go `time.ParseDuration` subset: a sequence of `<number><unit>` with units h, m, s, ms.
fn parse_go_duration(text: &str) -> Option<Duration> {
    if text.is_empty() {
        return None;
    }
    let mut total = Duration::ZERO;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if digits == 0 {
            return None;
        }
        let value: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit_secs = match &rest[..unit_len] {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 0.001,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total = total.checked_add(Duration::try_from_secs_f64(value * unit_secs).ok()?)?;
    }
    Some(total)
}

/// A Flink duration (`7d`, `72 h`) or a kubectl one (`1h30m`).
pub fn parse_age(text: &str) -> Result<Duration, String> {
    flink_savepoint::grammar::parse_duration(text)
        .ok()
        .filter(|d| !d.is_zero() || text.trim() == "0")
        .map_or_else(|| parse_duration(text), Ok)
        .map_err(|_| format!("invalid duration {text:?}: use e.g. 7d, 72h, 30m or 1h30m"))
}
