//! The one retry loop for 409 Conflict.
//!
//! Patches carry `metadata.resourceVersion` (built by the library's planners), so a concurrent
//! change makes the API server answer 409; [`retry_on_conflict`] then runs the whole
//! read-plan-write step again with a fresh read. Writes themselves are in [`super::write`].

use std::fmt;
use std::time::Duration;

use crate::error::{Result, failed};

/// Attempts before giving up when the object keeps changing (409 Conflict).
pub const MAX_ATTEMPTS: u32 = 5;

/// One read-plan-write step, run again after a 409 Conflict. A closure
/// `async |attempt| { … }` is one; a command whose step has state of its own (trigger) implements
/// it on a struct, so the route from the command to its PATCH passes each file once.
pub trait Attempt {
    /// What a successful step returns.
    type Output;
    /// Runs the step for the `attempt`-th time (1, 2, …); it must re-read what it writes.
    fn attempt(&mut self, attempt: u32) -> impl Future<Output = Result<Self::Output>>;
}

impl<T, F> Attempt for F
where
    F: AsyncFnMut(u32) -> Result<T>,
{
    type Output = T;

    async fn attempt(&mut self, attempt: u32) -> Result<T> {
        self(attempt).await
    }
}

/// Runs `step` (attempt = 1, 2, …) until it ends with anything but a 409 Conflict. After
/// [`MAX_ATTEMPTS`] conflicts it gives up (exit 1).
pub async fn retry_on_conflict<S: Attempt>(
    target: &dyn fmt::Display,
    ns: &str,
    mut step: S,
) -> Result<S::Output> {
    for attempt in 1..=MAX_ATTEMPTS {
        match step.attempt(attempt).await {
            Err(err) if err.is_conflict() => {
                tracing::info!(attempt, target = %target, "conflict, re-reading and retrying");
                tokio::time::sleep(Duration::from_millis(20 * u64::from(attempt))).await;
            }
            other => return other,
        }
    }
    Err(failed(format!(
        "gave up after {MAX_ATTEMPTS} attempts: {target} in namespace {ns} changed every time between \
         reading it and updating it (409 Conflict); nothing was changed, try again"
    )))
}
