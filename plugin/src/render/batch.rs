//! The summary of a command over several targets (`trigger`, `wait`): one row per target, one
//! table (or `-o json|yaml` list) at the end, and the worst outcome as the command's result.

use flink_savepoint::plan::WaitStatus;
use serde::Serialize;

use super::trigger::TriggerResult;
use super::{Sink, Table, list_object, object};
use crate::cli::ObjectFormat;
use crate::error::{Error, ExitCode, Result, with_exit_code};

/// The outcome for one target.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchRow {
    /// Namespace.
    pub namespace: String,
    /// `app/NAME`, `job/NAME` or `flinkstatesnapshot/NAME`.
    pub target: String,
    /// What was requested (`nonce 5 -> 1735…`, `flinkstatesnapshot/NAME`), for `trigger`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
    /// `REQUESTED`, `COMPLETED`, `FAILED`, `ABANDONED`, `TIMEOUT`, `REFUSED` or `ERROR`.
    pub result: String,
    /// The savepoint's location, when completed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The FlinkStateSnapshot that recorded it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<String>,
    /// The operator's error, the refusal or the failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The exit code this outcome alone would have.
    #[serde(skip)]
    pub exit: ExitCode,
}

impl BatchRow {
    /// A row with only the target.
    pub fn new(namespace: &str, target: impl Into<String>) -> Self {
        BatchRow {
            namespace: namespace.to_owned(),
            target: target.into(),
            request: None,
            result: "REQUESTED".to_owned(),
            location: None,
            snapshot: None,
            message: None,
            exit: ExitCode::Success,
        }
    }

    /// Records a failed step: `REFUSED` for a refusal (exit 2), `TIMEOUT`, else `ERROR`.
    pub fn error(mut self, err: &Error) -> Self {
        self.exit = err.exit_code();
        self.result = match self.exit {
            ExitCode::Usage => "REFUSED",
            ExitCode::Timeout => "TIMEOUT",
            _ => "ERROR",
        }
        .to_owned();
        self.message = Some(err.to_string());
        self
    }

    /// Records how a followed savepoint ended (classified as `wait` reports a single one: only
    /// COMPLETED succeeds).
    pub fn waited(mut self, outcome: &Result<WaitStatus>) -> Self {
        let status = match outcome {
            Ok(status) => status,
            Err(err) => return self.error(err),
        };
        let result = TriggerResult::from_status(status);
        self.exit = match status {
            WaitStatus::Completed { .. } => ExitCode::Success,
            _ => ExitCode::Failure,
        };
        self.result = result.state.to_owned();
        self.location = result.location;
        self.snapshot = result.snapshot.or(self.snapshot);
        self.message = result.error;
        self
    }
}

/// Prints the summary: a table (NAMESPACE, TARGET, [REQUEST,] RESULT, LOCATION/MESSAGE) or, with
/// `-o`, a kubectl `List` of the rows.
pub fn print_summary(out: &Sink, rows: &[BatchRow], format: Option<ObjectFormat>) -> Result<()> {
    if let Some(format) = format {
        return out.write(&object(&list_object(rows)?, &format)?);
    }
    let with_request = rows.iter().any(|r| r.request.is_some());
    let mut headers = vec!["namespace", "target"];
    if with_request {
        headers.push("request");
    }
    headers.extend(["result", "location/message"]);
    let mut table = Table::new(headers);
    for row in rows {
        let mut cells = vec![row.namespace.clone(), row.target.clone()];
        if with_request {
            cells.push(row.request.clone().unwrap_or_default());
        }
        cells.push(row.result.clone());
        cells.push(
            row.location
                .clone()
                .or_else(|| row.message.clone())
                .unwrap_or_default(),
        );
        table.push(cells);
    }
    out.write(&table.render(false))
}

/// After requests without `--wait`: how to follow the ones that were sent, when they are all in
/// one namespace (`kubectl savepoint wait app/a flinkstatesnapshot/b -n NS`).
pub fn follow_hint(rows: &[BatchRow]) -> Option<String> {
    let sent: Vec<&BatchRow> = rows.iter().filter(|r| r.result == "REQUESTED").collect();
    let ns = &sent.first()?.namespace;
    if sent.iter().any(|r| &r.namespace != ns) {
        return None;
    }
    let targets: Vec<String> = sent
        .iter()
        .map(|r| match &r.snapshot {
            Some(name) => format!("flinkstatesnapshot/{name}"),
            None => r.target.clone(),
        })
        .collect();
    Some(format!(
        "follow them with: kubectl savepoint wait {} -n {ns}",
        targets.join(" ")
    ))
}

/// The command's result: the worst outcome ([`ExitCode::worst`]), with a sentence naming the
/// targets that did not succeed.
pub fn outcome(rows: &[BatchRow], noun: &str) -> Result<()> {
    let worst = rows
        .iter()
        .map(|r| r.exit)
        .fold(ExitCode::Success, ExitCode::worst);
    let failed: Vec<String> = rows
        .iter()
        .filter(|r| r.exit != ExitCode::Success)
        .map(|r| format!("{} {}", r.target, r.result))
        .collect();
    let message = format!(
        "{} of {} {noun} did not succeed: {}",
        failed.len(),
        rows.len(),
        failed.join(", ")
    );
    match with_exit_code(worst, message) {
        Some(err) => Err(err),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::usage;

    #[test]
    fn the_summary_exits_with_the_worst_outcome_and_names_the_others() {
        let ok = BatchRow::new("ns", "app/a");
        let refused = BatchRow::new("ns", "app/b").error(&usage("not RUNNING"));
        let timeout = BatchRow::new("ns", "app/c").waited(&Err(Error::Timeout("late".into())));
        let abandoned =
            BatchRow::new("ns", "job/d").waited(&Ok(WaitStatus::Abandoned("gone".into())));
        assert!(outcome(std::slice::from_ref(&ok), "savepoints").is_ok());
        let err = outcome(&[ok.clone(), refused.clone()], "savepoints").unwrap_err();
        assert_eq!(err.exit_code(), ExitCode::Usage);
        let err = outcome(&[refused.clone(), timeout.clone()], "savepoints").unwrap_err();
        assert_eq!(err.exit_code(), ExitCode::Timeout);
        let rows = [ok, refused, timeout, abandoned];
        let err = outcome(&rows, "savepoints").unwrap_err();
        assert_eq!(err.exit_code(), ExitCode::Failure);
        assert_eq!(
            err.to_string(),
            "3 of 4 savepoints did not succeed: app/b REFUSED, app/c TIMEOUT, job/d ABANDONED"
        );
    }

    #[test]
    fn the_hint_follows_what_was_sent_in_one_namespace() {
        let mut snap = BatchRow::new("ns", "app/a");
        snap.snapshot = Some("a-sp-1".into());
        let nonce = BatchRow::new("ns", "job/b");
        let refused = BatchRow::new("ns", "app/c").error(&usage("no"));
        assert_eq!(
            follow_hint(&[snap.clone(), nonce, refused.clone()]).as_deref(),
            Some("follow them with: kubectl savepoint wait flinkstatesnapshot/a-sp-1 job/b -n ns")
        );
        assert_eq!(follow_hint(&[refused]), None);
        assert_eq!(follow_hint(&[snap, BatchRow::new("other", "app/x")]), None);
    }

    #[test]
    fn the_table_shows_location_or_message() {
        let done = BatchRow::new("ns", "app/a").waited(&Ok(WaitStatus::Completed {
            location: Some("s3://b/sp/1".into()),
            snapshot: None,
        }));
        let out = Sink::buffer();
        print_summary(&out, &[done], None).unwrap();
        let text = out.captured();
        assert!(text.starts_with("NAMESPACE   TARGET   RESULT"), "{text}");
        assert!(
            text.contains("ns          app/a    COMPLETED   s3://b/sp/1"),
            "{text}"
        );
    }
}
