//! How a finished wait is reported (`wait`, `trigger --wait`).

use std::time::Duration;

use flink_savepoint::plan::WaitStatus;

use super::Sink;
use crate::error::{Result, failed};

/// Turns a final status into the command's result. Completion prints the location on `out`
/// (when given; alone on its line, for scripts) and a summary on stderr; FAILED and ABANDONED
/// become errors (exit 1) carrying the operator's message.
pub fn report(out: Option<&Sink>, status: WaitStatus, describe: &str) -> Result<()> {
    match status {
        WaitStatus::Completed { location, snapshot } => {
            let via = snapshot
                .map(|s| format!(" (FlinkStateSnapshot {s})"))
                .unwrap_or_default();
            match (&location, out) {
                (Some(location), Some(out)) => {
                    eprintln!("the {describe} completed{via}; location:");
                    out.line(location)?;
                }
                (None, _) => {
                    eprintln!("the {describe} completed{via}; the operator recorded no location")
                }
                (Some(_), None) => eprintln!("the {describe} completed{via}"),
            }
            Ok(())
        }
        WaitStatus::Failed(e) | WaitStatus::HandledWithoutRecord(e) => {
            Err(failed(format!("the {describe} FAILED: {e}")))
        }
        WaitStatus::Abandoned(e) => Err(failed(format!("the {describe} was ABANDONED: {e}"))),
        WaitStatus::Waiting(e) => Err(failed(format!("the {describe} did not finish: {e}"))),
    }
}

/// `90s` → `1m30s`.
pub fn humantime(d: Duration) -> String {
    let secs = d.as_secs();
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 || out.is_empty() {
        out.push_str(&format!("{s}s"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_print_like_kubectl() {
        assert_eq!(humantime(Duration::from_secs(90)), "1m30s");
        assert_eq!(humantime(Duration::from_secs(3600)), "1h");
        assert_eq!(humantime(Duration::ZERO), "0s");
    }
}
