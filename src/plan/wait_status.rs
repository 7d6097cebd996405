//! What `wait` waits for ([`WaitSubject`]) and where it stands ([`WaitStatus`]).

use std::collections::BTreeSet;

use jiff::Timestamp;

use crate::history::SavepointEntry;

/// What is being waited for.
#[derive(Debug, Clone, PartialEq)]
pub enum WaitSubject {
    /// The savepoint requested by a nonce; `known_snapshots` existed before the request.
    Nonce {
        /// The nonce.
        nonce: i64,
        /// Snapshot names that existed before the nonce was set (never the answer).
        known_snapshots: BTreeSet<String>,
    },
    /// A FlinkStateSnapshot by name.
    Snapshot {
        /// Its name.
        name: String,
    },
    /// A legacy in-flight trigger without a nonce (periodic), until `triggerId` changes.
    LegacyTrigger {
        /// `savepointInfo.triggerId` when waiting started.
        trigger_id: String,
        /// `savepointInfo.triggerTimestamp`.
        since: Option<Timestamp>,
    },
    /// Already finished (the latest savepoint is a terminal record).
    Recorded(Box<SavepointEntry>),
}

/// The outcome of one evaluation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WaitStatus {
    /// Not finished; the text describes the current step (for progress output).
    Waiting(String),
    /// Completed; the location when known.
    Completed {
        /// Final savepoint location.
        location: Option<String>,
        /// The FlinkStateSnapshot, in snapshot mode.
        snapshot: Option<String>,
    },
    /// FAILED (no more retries), with the operator's error.
    Failed(String),
    /// ABANDONED, with the operator's error.
    Abandoned(String),
    /// The operator marked the nonce handled but nothing records the savepoint. Callers should
    /// re-read once (watch streams can lag each other) before treating this as a failure.
    HandledWithoutRecord(String),
}

impl WaitStatus {
    /// Whether waiting is over (anything but `Waiting`).
    pub fn is_final(&self) -> bool {
        !matches!(self, WaitStatus::Waiting(_))
    }
}
