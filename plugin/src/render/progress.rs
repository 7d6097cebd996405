//! Terminal interaction on stderr: progress reporting and confirmation prompts.
//!
//! Progress goes to stderr so stdout stays machine-readable. A spinner is drawn only when
//! stderr is a terminal; otherwise each *changed* status is printed once as a plain line.

use std::io::{BufRead, IsTerminal, Write};
use std::sync::Mutex;
use std::time::Duration;

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressStyle};

use crate::error::{Result, usage};

/// What Ctrl-C must clean up and say: the spinner on screen, the `kubectl savepoint wait …`
/// that resumes what is being waited for, and whether a prompt is waiting for its answer.
/// Progress output takes its lock, so nothing is drawn after (or while) Ctrl-C cleans up.
#[derive(Default)]
struct Interrupt {
    spinner: Option<ProgressBar>,
    resume: Option<String>,
    prompting: bool,
    interrupted: bool,
}

static INTERRUPT: Mutex<Interrupt> = Mutex::new(Interrupt {
    spinner: None,
    resume: None,
    prompting: false,
    interrupted: false,
});

fn interrupt_state() -> std::sync::MutexGuard<'static, Interrupt> {
    INTERRUPT.lock().unwrap_or_else(|p| p.into_inner())
}

/// Sets (or clears) the command that resumes what is being waited for, shown on Ctrl-C.
pub fn set_resume_hint(command: Option<String>) {
    interrupt_state().resume = command;
}

/// Called on Ctrl-C, before the process exits with 130: clears the spinner line (or ends a
/// half-written prompt line) and prints how to resume waiting, if something was being waited for.
pub fn interrupted() {
    let mut state = interrupt_state();
    state.interrupted = true;
    let mut stderr = std::io::stderr();
    if let Some(bar) = state.spinner.take() {
        bar.finish_and_clear();
    } else if state.prompting || stderr.is_terminal() {
        // The terminal echoed `^C` after a prompt or on the cursor's line: end that line.
        let _ = writeln!(stderr);
    }
    if let Some(command) = &state.resume {
        let _ = writeln!(
            stderr,
            "Interrupted; the savepoint continues. To resume waiting: {command}"
        );
    }
}

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
            let mut state = interrupt_state();
            if !state.interrupted {
                bar.enable_steady_tick(Duration::from_millis(120));
                state.spinner = Some(bar.clone());
            }
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
        let state = interrupt_state();
        if state.interrupted {
            return;
        }
        match &self.spinner {
            Some(bar) => bar.set_message(status.to_string()),
            None => eprintln!("{status}"),
        }
    }

    /// Stops the spinner (if any), leaving the terminal clean.
    pub fn finish(&mut self) {
        if let Some(bar) = self.spinner.take() {
            let mut state = interrupt_state();
            if !state.interrupted {
                state.spinner = None;
                bar.finish_and_clear();
            }
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
    interrupt_state().prompting = true;
    let answer = write!(stderr, "{question} [y/N] ")
        .and_then(|()| stderr.flush())
        .context("cannot write the prompt")
        .and_then(|()| {
            let mut answer = String::new();
            stdin
                .lock()
                .read_line(&mut answer)
                .context("cannot read the answer")
                .map(|_| answer)
        });
    interrupt_state().prompting = false;
    Ok(is_yes(&answer?))
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
