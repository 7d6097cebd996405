//! tracing-subscriber setup: `RUST_LOG` filter (default `info`), plain or JSON lines on stderr.

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

use crate::args::LogFormat;

/// Installs the global subscriber. Safe to call twice (the second call is a no-op).
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let registry = tracing_subscriber::registry().with(filter);
    let result = match format {
        LogFormat::Plain => registry
            .with(fmt::layer().with_writer(std::io::stderr).with_target(false))
            .try_init(),
        LogFormat::Json => registry
            .with(
                fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_current_span(false)
                    .with_writer(std::io::stderr),
            )
            .try_init(),
    };
    // Already initialised (e.g. by a test harness): keep the existing subscriber.
    drop(result);
}
