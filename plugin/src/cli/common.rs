//! Argument types shared by several subcommands: `--dry-run`, `-o`, durations.

use std::time::Duration;

use clap::{Args, ValueEnum};

/// `--dry-run[=client|server]`, as in kubectl.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum DryRun {
    /// Make the change.
    #[default]
    None,
    /// Print what would be sent; send nothing.
    Client,
    /// Send the request with `dryRun=All`: validated and admitted by the server, not persisted.
    Server,
}

/// A reusable `--dry-run` flag; `#[command(flatten)]` it into a command's args.
#[derive(Debug, Clone, Copy, Default, Args)]
pub struct DryRunArg {
    /// Only print (client) or only validate on the server (server); nothing is persisted.
    #[arg(long = "dry-run", value_enum, ignore_case = true, num_args = 0..=1, default_value_t = DryRun::None,
          default_missing_value = "client", require_equals = true, value_name = "MODE")]
    pub dry_run: DryRun,
}

/// `-o` for commands that print one object: JSON or YAML.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ObjectFormat {
    /// JSON.
    Json,
    /// YAML.
    Yaml,
}

/// `-o/--output` of `list`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Human-readable table (default).
    #[default]
    Table,
    /// Table with extra columns.
    Wide,
    /// JSON.
    Json,
    /// YAML.
    Yaml,
    /// `KIND/NAME` per line.
    Name,
}

impl OutputFormat {
    /// Whether this format is a table (`table` or `wide`).
    pub fn is_table(self) -> bool {
        matches!(self, OutputFormat::Table | OutputFormat::Wide)
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubectl_durations_parse() {
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("45"), Ok(Duration::from_secs(45)));
        assert_eq!(parse_duration("5 min"), Ok(Duration::from_secs(300)));
        assert!(parse_duration("soon").is_err());
    }
}
