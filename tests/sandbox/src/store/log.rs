//! The watch log: recorded changes, replay from a resourceVersion, live subscription.

use std::sync::Arc;

use serde_json::Value;
use tokio::sync::broadcast;

use super::{HISTORY, Store};

/// Kind of change in the watch log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    Added,
    Modified,
    Deleted,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Added => "ADDED",
            Self::Modified => "MODIFIED",
            Self::Deleted => "DELETED",
        }
    }
}

/// One change, as recorded for watches.
#[derive(Debug, Clone)]
pub struct Change {
    pub rv: u64,
    pub plural: String,
    pub namespace: String,
    pub kind: EventType,
    pub object: Value,
    /// The object before the change (for MODIFIED), used to turn selector exits into DELETED.
    pub old: Option<Value>,
}

/// Changes to replay plus the live receiver for later ones.
pub(crate) type Backlog = (Vec<Arc<Change>>, broadcast::Receiver<Arc<Change>>);

impl Store {
    /// Changes after `rv` (exclusive) plus a live receiver, atomically; `None` if `rv` is older than the log.
    pub(crate) fn changes_since(&self, rv: u64) -> Option<Backlog> {
        let inner = self.lock();
        let rx = self.tx.subscribe();
        if let Some(first) = inner.history.front()
            && first.rv > rv + 1
            && inner.history.len() >= HISTORY
        {
            return None;
        }
        Some((
            inner
                .history
                .iter()
                .filter(|c| c.rv > rv)
                .cloned()
                .collect(),
            rx,
        ))
    }

    /// A consistent snapshot of matching objects plus a live receiver (for watches from "now").
    pub(crate) fn snapshot_and_subscribe(
        &self,
        plural: &str,
        namespace: Option<&str>,
    ) -> (Vec<Value>, u64, broadcast::Receiver<Arc<Change>>) {
        let inner = self.lock();
        let rx = self.tx.subscribe();
        let items = inner
            .objects
            .iter()
            .filter(|((p, ns, _), _)| p == plural && namespace.is_none_or(|n| n == ns))
            .map(|(_, v)| v.clone())
            .collect();
        (items, inner.rv, rx)
    }

    /// Subscribe to every future change (used by the simulator).
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Change>> {
        self.tx.subscribe()
    }
}
