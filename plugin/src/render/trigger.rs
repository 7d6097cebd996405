//! What `trigger` prints: the information needed to track the request.

use flink_savepoint::plan::WaitStatus;
use serde::Serialize;
use serde_json::Value;

use super::{Sink, object};
use crate::cli::{DryRun, ObjectFormat};
use crate::error::Result;

/// The trigger request, as printed (`-o json|yaml` prints exactly this object).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TriggerInfo {
    /// `app/NAME` or `job/NAME`.
    pub target: String,
    /// Namespace.
    pub namespace: String,
    /// `nonce` or `snapshot`.
    pub method: &'static str,
    /// The new `spec.job.savepointTriggerNonce` (nonce method).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nonce: Option<i64>,
    /// The nonce it replaced.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_nonce: Option<i64>,
    /// The FlinkStateSnapshot created (snapshot method).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<String>,
    /// When the request was sent (RFC 3339).
    pub triggered_at: String,
    /// The savepoint directory the operator will use, when visible.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub savepoint_directory: Option<SavepointDirectory>,
    /// Requests sent (more than one after 409 conflicts).
    pub attempts: u32,
    /// `client` or `server` for dry runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dry_run: Option<&'static str>,
    /// With `--dry-run=client`: the body that would have been sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<Value>,
    /// With `--wait`: how it ended.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<TriggerResult>,
}

/// Where the savepoint goes and which setting says so.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SavepointDirectory {
    /// The directory URI.
    pub value: String,
    /// The configuration key it is set under (`state.savepoints.dir`, …).
    pub key: String,
    /// Which object sets it (`the FlinkDeployment`, `its session cluster …`).
    pub source: String,
}

/// The outcome of `--wait`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TriggerResult {
    /// `COMPLETED`, `FAILED`, `ABANDONED` or `TIMEOUT`.
    pub state: &'static str,
    /// Final location.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The FlinkStateSnapshot that recorded it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<String>,
    /// Operator error or timeout message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl TriggerResult {
    /// From a final wait status.
    pub fn from_status(status: &WaitStatus) -> Self {
        let (state, location, snapshot, error) = match status {
            WaitStatus::Completed { location, snapshot } => {
                ("COMPLETED", location.clone(), snapshot.clone(), None)
            }
            WaitStatus::Abandoned(e) => ("ABANDONED", None, None, Some(e.clone())),
            WaitStatus::Failed(e) | WaitStatus::HandledWithoutRecord(e) => {
                ("FAILED", None, None, Some(e.clone()))
            }
            WaitStatus::Waiting(e) => ("TIMEOUT", None, None, Some(e.clone())),
        };
        TriggerResult {
            state,
            location,
            snapshot,
            error,
        }
    }
}

/// `Some("client")`/`Some("server")` for dry runs.
pub fn dry_run_name(mode: DryRun) -> Option<&'static str> {
    match mode {
        DryRun::None => None,
        DryRun::Client => Some("client"),
        DryRun::Server => Some("server"),
    }
}

impl TriggerInfo {
    /// Prints as an object (`-o`) or as text.
    pub fn print(&self, out: &Sink, format: Option<&ObjectFormat>) -> Result<()> {
        match format {
            Some(format) => out.write(&object(self, format)?),
            None => out.write(&self.text()),
        }
    }

    /// The human-readable form.
    pub fn text(&self) -> String {
        let verb = match self.dry_run {
            Some("client") => "would be requested (dry run: nothing sent)",
            Some(_) => "request validated by the server (dry run: nothing persisted)",
            _ => "requested",
        };
        let mut text = format!(
            "savepoint {verb} for {} in namespace {}\n",
            self.target, self.namespace
        );
        let method = match (self.nonce, &self.snapshot) {
            (Some(nonce), _) => format!(
                "nonce (spec.job.savepointTriggerNonce: {} -> {nonce})",
                self.previous_nonce
                    .map_or("unset".to_owned(), |p| p.to_string())
            ),
            (None, Some(name)) => format!("snapshot (FlinkStateSnapshot {name})"),
            (None, None) => self.method.to_owned(),
        };
        text.push_str(&format!("  method:     {method}\n"));
        text.push_str(&format!("  time:       {}\n", self.triggered_at));
        if let Some(dir) = &self.savepoint_directory {
            text.push_str(&format!(
                "  directory:  {} ({}, {})\n",
                dir.value, dir.key, dir.source
            ));
        }
        if self.attempts > 1 {
            text.push_str(&format!(
                "  attempts:   {} (the object changed concurrently; re-read and retried)\n",
                self.attempts
            ));
        }
        if let Some(request) = &self.request {
            let body = serde_json::to_string(request).unwrap_or_default();
            text.push_str(&format!("  request:    {body}\n"));
        }
        if self.dry_run.is_none() && self.result.is_none() {
            let follow = match &self.snapshot {
                Some(name) => format!("flinkstatesnapshot/{name}"),
                None => self.target.clone(),
            };
            text.push_str(&format!(
                "follow it with: kubectl savepoint wait {follow} -n {}\n",
                self.namespace
            ));
        }
        if let Some(result) = &self.result {
            text.push_str(&format!("  result:     {}\n", result.state));
            if let Some(location) = &result.location {
                text.push_str(&format!("  location:   {location}\n"));
            }
        }
        text
    }
}
