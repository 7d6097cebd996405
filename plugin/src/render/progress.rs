//! Terminal interaction on stderr: progress reporting and confirmation prompts.
//!
//! Progress goes to stderr so stdout stays machine-readable. A spinner is drawn only when
//! stderr is a terminal; otherwise each *changed* status is printed once as a plain line.

use std::io::{BufRead, IsTerminal, Write};
use std::time::Duration;

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressStyle};

use crate::error::{Result, usage};

/// Reports the progress of a long operation on stderr.
pub struct Progress {
    spinner: Option<ProgressBar>,
    last: Option<String>,
}

impl Progress {
    /// Starts reporting; a spinner when stderr is a terminal, plain lines otherwise.
    pub fn start(initial: &str) -> Self {
        let spinner = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new_spinner();
            if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        let mut progress = Progress {
            spinner,
            last: None,
        };
        progress.update(initial);
        progress
    }

    /// Shows a new status; unchanged statuses are not repeated in plain mode.
    pub fn update(&mut self, status: &str) {
        if self.last.as_deref() == Some(status) {
            return;
        }
        self.last = Some(status.to_string());
        match &self.spinner {
            Some(bar) => bar.set_message(status.to_string()),
            None => eprintln!("{status}"),
        }
    }

    /// Prints a warning (`Warning: …`) above the spinner, or as a plain line.
    pub fn warn(&self, message: &str) {
        match &self.spinner {
            Some(bar) => bar.suspend(|| warn(message)),
            None => warn(message),
        }
    }

    /// Stops the spinner (if any), leaving the terminal clean.
    pub fn finish(&mut self) {
        if let Some(bar) = self.spinner.take() {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

/// Prints a warning to stderr, kubectl style (`Warning: ...`).
pub fn warn(message: &str) {
    eprintln!("Warning: {message}");
}

/// Asks `question [y/N]` on stderr and reads the answer from stdin.
///
/// With `assume_yes` (a `--yes` flag) it returns `true` without asking. When stdin is not a
/// terminal and `assume_yes` is false it refuses (usage error, exit 2) rather than guess.
pub fn confirm(question: &str, assume_yes: bool) -> Result<bool> {
    if assume_yes {
        return Ok(true);
    }
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(usage(format!(
            "{question}: confirmation needed but stdin is not a terminal; pass --yes to proceed"
        )));
    }
    let mut stderr = std::io::stderr();
    write!(stderr, "{question} [y/N] ")
        .and_then(|()| stderr.flush())
        .context("cannot write the prompt")?;
    let mut answer = String::new();
    stdin
        .lock()
        .read_line(&mut answer)
        .context("cannot read the answer")?;
    Ok(is_yes(&answer))
}

/// Whether an answer to a `[y/N]` prompt means yes.
pub fn is_yes(answer: &str) -> bool {
    matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_y_or_yes_confirms() {
        assert!(is_yes("y\n"));
        assert!(is_yes(" YES "));
        assert!(!is_yes("\n"));
        assert!(!is_yes("no"));
        assert!(!is_yes("yep"));
    }

    #[test]
    fn assume_yes_skips_the_prompt() {
        assert!(confirm("delete everything?", true).unwrap());
    }
}
