//! tracing-subscriber setup: `RUST_LOG` filter (default `info`), JSON (default) or plain lines on
//! stderr, and [`printable`] for request-supplied strings written to logs.

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

use crate::args::LogFormat;

/// Installs the global subscriber. Safe to call twice (the second call is a no-op).
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let registry = tracing_subscriber::registry().with(filter);
    let result = match format {
        LogFormat::Plain => registry
            .with(
                fmt::layer()
                    .with_writer(std::io::stderr)
                    .with_target(false)
                    .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr())),
            )
            .try_init(),
        LogFormat::Json => registry
            .with(crate::log_json::layer().with_writer(std::io::stderr))
            .try_init(),
    };
    // Already initialised (e.g. by a test harness): keep the existing subscriber.
    drop(result);
}

/// Longest uid written to logs (a real one is a 36-character UUID).
pub const MAX_LOGGED_UID: usize = 64;
/// Longest name, namespace or kind written to logs (the DNS-subdomain limit).
pub const MAX_LOGGED_NAME: usize = 253;

/// `text` made safe for one log line: control characters (newlines, ANSI escapes, …) are
/// written as `\u{..}` escapes and anything beyond `max` characters is cut, marked with `…`.
pub fn printable(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    use std::fmt::Write as _;
    let clean = text.chars().count() <= max && !text.chars().any(char::is_control);
    if clean {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len().min(max * 2));
    for (i, c) in text.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        if c.is_control() {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_escapes_control_characters_and_truncates() {
        assert_eq!(printable("clicks-job", 64), "clicks-job");
        assert_eq!(printable("a\nb\u{1b}[31m", 64), "a\\u{a}b\\u{1b}[31m");
        assert_eq!(
            printable(&"x".repeat(70), 64),
            format!("{}…", "x".repeat(64))
        );
    }
}
