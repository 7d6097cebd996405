//! Pure questions over decoded responses: which history entry is this savepoint, how far along
//! is it, how big and how long did it take, how did the trigger end.

use super::error::{FlinkRestError, first_line};
use super::model::{
    CheckpointStatistics, CheckpointStatus, CheckpointingStatistics, QueueStatus, SavepointStatus,
};
use crate::location::normalize_location;

impl CheckpointingStatistics {
    /// Every entry the response carries: `history`, then `latest.completed|savepoint|failed`
    /// (these can be older than the history window).
    pub fn entries(&self) -> impl Iterator<Item = &CheckpointStatistics> {
        self.history.iter().chain(
            [
                self.latest.completed.as_ref(),
                self.latest.savepoint.as_ref(),
                self.latest.failed.as_ref(),
            ]
            .into_iter()
            .flatten(),
        )
    }

    /// The checkpoint or savepoint stored at `location` (the savepoint location the operator
    /// records), newest first.
    pub fn find_by_external_path(&self, location: &str) -> Option<&CheckpointStatistics> {
        let wanted = normalize_location(location);
        self.entries().find(|e| {
            e.external_path
                .as_deref()
                .is_some_and(|p| normalize_location(p) == wanted)
        })
    }

    /// The entry with checkpoint id `id`.
    pub fn find_by_id(&self, id: u64) -> Option<&CheckpointStatistics> {
        self.entries().find(|e| e.id == id)
    }

    /// Savepoints still in progress, newest first. A running savepoint has no external path yet,
    /// so this (with the trigger time) is how to find the one a trigger started.
    pub fn savepoints_in_progress(&self) -> impl Iterator<Item = &CheckpointStatistics> {
        self.history
            .iter()
            .filter(|e| e.is_savepoint && e.status == Some(CheckpointStatus::InProgress))
    }
}

/// How far an in-progress checkpoint or savepoint is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    pub acknowledged_subtasks: u64,
    pub total_subtasks: u64,
    /// Bytes persisted by the subtasks that acknowledged so far.
    pub persisted_bytes: Option<u64>,
    /// Milliseconds from trigger to the latest acknowledgement.
    pub elapsed_ms: Option<u64>,
}

impl Progress {
    /// Acknowledged / total in `0.0..=1.0`; `None` without subtasks.
    pub fn fraction(&self) -> Option<f64> {
        if self.total_subtasks == 0 {
            return None;
        }
        let acked = self.acknowledged_subtasks.min(self.total_subtasks);
        // counts of subtasks are far below 2^52: the conversion is exact
        Some(acked as f64 / self.total_subtasks as f64)
    }

    /// Whole percent, rounded down, `0..=100`.
    pub fn percent(&self) -> Option<u8> {
        if self.total_subtasks == 0 {
            return None;
        }
        let acked = self.acknowledged_subtasks.min(self.total_subtasks);
        let percent = u128::from(acked) * 100 / u128::from(self.total_subtasks);
        u8::try_from(percent).ok()
    }
}

/// Size and duration of a completed checkpoint or savepoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Completed {
    /// Full state size in bytes (what a restore reads).
    pub state_size: u64,
    /// Bytes this checkpoint wrote (equal to `state_size` for savepoints and full checkpoints).
    pub checkpointed_size: u64,
    /// End-to-end duration in milliseconds.
    pub duration_ms: u64,
}

impl CheckpointStatistics {
    /// Progress when this entry is in progress, `None` otherwise or without subtask counts.
    pub fn progress(&self) -> Option<Progress> {
        if self.status != Some(CheckpointStatus::InProgress) {
            return None;
        }
        Some(Progress {
            acknowledged_subtasks: self.num_acknowledged_subtasks.unwrap_or(0),
            total_subtasks: self.num_subtasks?,
            persisted_bytes: self.checkpointed_size.or(self.state_size),
            elapsed_ms: self.duration_ms(),
        })
    }

    /// Size and duration when this entry completed, `None` otherwise or without a size.
    pub fn completed(&self) -> Option<Completed> {
        if self.status != Some(CheckpointStatus::Completed) {
            return None;
        }
        let state_size = self.state_size.or(self.checkpointed_size)?;
        Some(Completed {
            state_size,
            checkpointed_size: self.checkpointed_size.unwrap_or(state_size),
            duration_ms: self.duration_ms()?,
        })
    }

    /// `end_to_end_duration`, or the span from trigger to latest acknowledgement.
    pub fn duration_ms(&self) -> Option<u64> {
        self.end_to_end_duration.or_else(|| {
            self.latest_ack_timestamp?
                .checked_sub(self.trigger_timestamp?)
        })
    }
}

/// How a savepoint trigger stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SavepointOutcome {
    InProgress,
    Completed {
        location: String,
    },
    Failed {
        /// Java class of the cause, when Flink sent it.
        class: Option<String>,
        /// First line of the stack trace (the exception message).
        message: String,
    },
}

impl SavepointStatus {
    /// The trigger's outcome; an error when Flink says completed but gives neither a location
    /// nor a failure cause, or an unknown queue status.
    pub fn outcome(&self) -> Result<SavepointOutcome, FlinkRestError> {
        const WHAT: &str = "savepoint status";
        match &self.status.id {
            QueueStatus::InProgress => Ok(SavepointOutcome::InProgress),
            QueueStatus::Completed => {
                let operation = self.operation.as_ref();
                if let Some(cause) = operation.and_then(|o| o.failure_cause.as_ref()) {
                    let message = cause
                        .stack_trace
                        .as_deref()
                        .map(first_line)
                        .filter(|l| !l.is_empty())
                        .or(cause.class.as_deref())
                        .unwrap_or("savepoint failed (no cause given)")
                        .to_owned();
                    return Ok(SavepointOutcome::Failed {
                        class: cause.class.clone(),
                        message,
                    });
                }
                match operation.and_then(|o| o.location.as_deref()) {
                    Some(location) if !location.trim().is_empty() => {
                        Ok(SavepointOutcome::Completed {
                            location: location.to_owned(),
                        })
                    }
                    _ => Err(FlinkRestError::Invalid {
                        what: WHAT,
                        detail: "completed without a location or a failure cause".to_owned(),
                    }),
                }
            }
            QueueStatus::Unknown(other) => Err(FlinkRestError::Invalid {
                what: WHAT,
                detail: format!("unknown status {other:?}"),
            }),
        }
    }
}

/// How far apart the operator's trigger time and the JobManager's may be for an in-progress
/// savepoint to count as the one the operator triggered (clocks and the trigger round trip).
pub const TRIGGER_SKEW_MS: u64 = 60_000;

impl CheckpointingStatistics {
    /// The in-progress savepoint the operator triggered at `triggered_ms` (epoch ms): the one
    /// whose trigger time is nearest, within [`TRIGGER_SKEW_MS`]. Without a trigger time, the
    /// only in-progress savepoint (several: `None`, never a guess).
    pub fn in_progress_savepoint(
        &self,
        triggered_ms: Option<i64>,
    ) -> Option<&CheckpointStatistics> {
        let mut running = self.savepoints_in_progress();
        let Some(at) = triggered_ms.and_then(|t| u64::try_from(t).ok()) else {
            let only = running.next()?;
            return running.next().is_none().then_some(only);
        };
        running
            .filter_map(|e| Some((e.trigger_timestamp?.abs_diff(at), e)))
            .filter(|(d, _)| *d <= TRIGGER_SKEW_MS)
            .min_by_key(|(d, e)| (*d, e.id))
            .map(|(_, e)| e)
    }
}

/// Bytes in binary units, one decimal: `512 B`, `13.8 KiB`, `2.0 GiB`.
pub fn format_bytes(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    // display only: the rounding of f64 is fine
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// Milliseconds for people: `850ms`, `4.2s`, `3m12s`, `1h05m`.
pub fn format_millis(ms: u64) -> String {
    match ms {
        0..1_000 => format!("{ms}ms"),
        1_000..60_000 => format!("{}.{}s", ms / 1_000, ms % 1_000 / 100),
        60_000..3_600_000 => format!("{}m{:02}s", ms / 60_000, ms % 60_000 / 1_000),
        _ => format!("{}h{:02}m", ms / 3_600_000, ms % 3_600_000 / 60_000),
    }
}

impl Progress {
    /// `3/4 subtasks acknowledged (75%), 13.8 KiB persisted, 1.2s elapsed`.
    pub fn text(&self) -> String {
        let mut out = format!(
            "{}/{} subtasks acknowledged",
            self.acknowledged_subtasks, self.total_subtasks
        );
        if let Some(p) = self.percent() {
            out.push_str(&format!(" ({p}%)"));
        }
        if let Some(b) = self.persisted_bytes {
            out.push_str(&format!(", {} persisted", format_bytes(b)));
        }
        if let Some(ms) = self.elapsed_ms {
            out.push_str(&format!(", {} elapsed", format_millis(ms)));
        }
        out
    }
}

impl Completed {
    /// `13.8 KiB in 1.2s` (the checkpointed size too when it differs: incremental checkpoints).
    pub fn text(&self) -> String {
        let size = if self.checkpointed_size == self.state_size {
            format_bytes(self.state_size)
        } else {
            format!(
                "{} ({} written)",
                format_bytes(self.state_size),
                format_bytes(self.checkpointed_size)
            )
        };
        format!("{size} in {}", format_millis(self.duration_ms))
    }
}

#[cfg(test)]
#[path = "query_tests.rs"]
mod tests;
