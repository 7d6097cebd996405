//! Rendering `list` rows: table, wide, json, yaml, name.

use flink_savepoint::crd::Kind;
use flink_savepoint::flink_rest::{format_bytes, format_millis};
use flink_savepoint::history::{EntrySource, SavepointEntry};
use jiff::Timestamp;

use super::{Table, human_age, list_object, render_row, to_json, to_yaml};
use crate::cli::OutputFormat;
use crate::error::Result;

/// How to render.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions {
    /// `-o`.
    pub format: OutputFormat,
    /// `--no-headers`.
    pub no_headers: bool,
    /// `-A`: add a NAMESPACE column.
    pub all_namespaces: bool,
    /// Reference time for ages.
    pub now: Timestamp,
}

/// `app/orders` or `job/etl`.
pub fn target_text(entry: &SavepointEntry) -> String {
    format!(
        "{}/{}",
        Kind::of_job(&entry.target.kind).prefix(),
        entry.target.name
    )
}

/// The `-o name` form: `flinkstatesnapshot/NAME` for snapshots, `TARGET#ID` for records that
/// are not objects (legacy status, requested nonces, upgrade path).
pub fn name_of(entry: &SavepointEntry) -> String {
    match (&entry.source, &entry.snapshot_name) {
        (EntrySource::Snapshot, Some(name)) => format!("flinkstatesnapshot/{name}"),
        _ => format!("{}#{}", target_text(entry), entry.id),
    }
}

/// Stable identity of a row across refreshes (`--watch`).
pub fn row_key(entry: &SavepointEntry) -> String {
    format!(
        "{}/{}/{}",
        entry.target.namespace.as_deref().unwrap_or(""),
        target_text(entry),
        entry.id
    )
}

/// Column headers.
pub fn headers(opts: &RenderOptions) -> Vec<&'static str> {
    let mut h = Vec::new();
    if opts.all_namespaces {
        h.push("namespace");
    }
    h.extend([
        "target",
        "savepoint",
        "type",
        "state",
        "triggered",
        "location",
    ]);
    if opts.format == OutputFormat::Wide {
        h.extend([
            "source",
            "format",
            "nonce",
            "completed",
            "size",
            "duration",
            "error",
        ]);
    }
    h
}

fn when(t: Option<Timestamp>, opts: &RenderOptions) -> String {
    match (t, opts.format) {
        (None, _) => String::new(),
        (Some(t), OutputFormat::Wide) => t.to_string(),
        (Some(t), _) => format!("{} ago", human_age(opts.now.as_second() - t.as_second())),
    }
}

/// The cells of one row.
pub fn row(entry: &SavepointEntry, opts: &RenderOptions) -> Vec<String> {
    let mut cells = Vec::new();
    if opts.all_namespaces {
        cells.push(entry.target.namespace.clone().unwrap_or_default());
    }
    cells.extend([
        target_text(entry),
        entry.id.clone(),
        entry.trigger_type.to_string(),
        entry.state.to_string(),
        when(entry.triggered, opts),
        entry.location.clone().unwrap_or_default(),
    ]);
    if opts.format == OutputFormat::Wide {
        cells.extend([
            entry.source.to_string(),
            entry
                .format
                .as_ref()
                .map(|f| f.to_string())
                .unwrap_or_default(),
            entry.nonce.map(|n| n.to_string()).unwrap_or_default(),
            when(entry.completed, opts),
            entry.size_bytes.map(format_bytes).unwrap_or_default(),
            entry.duration_ms.map(format_millis).unwrap_or_default(),
            entry.error.clone().unwrap_or_default(),
        ]);
    }
    cells
}

/// The table for `entries`.
pub fn table(entries: &[SavepointEntry], opts: &RenderOptions) -> Table {
    let mut t = Table::new(headers(opts));
    for e in entries {
        t.push(row(e, opts));
    }
    t
}

/// Renders the full listing; an empty table prints kubectl's `No resources found` to stderr.
pub fn render(entries: &[SavepointEntry], opts: &RenderOptions, scope: &str) -> Result<String> {
    Ok(match opts.format {
        OutputFormat::Table | OutputFormat::Wide => {
            if entries.is_empty() {
                eprintln!("No savepoints found {scope}.");
                String::new()
            } else {
                table(entries, opts).render(opts.no_headers)
            }
        }
        OutputFormat::Json => to_json(&list_object(entries)?)?,
        OutputFormat::Yaml => to_yaml(&list_object(entries)?)?,
        OutputFormat::Name => entries
            .iter()
            .map(|e| format!("{}\n", name_of(e)))
            .collect(),
    })
}

/// Renders one changed entry for `--watch` (tables reuse `widths` from the first listing).
pub fn render_change(
    entry: &SavepointEntry,
    opts: &RenderOptions,
    widths: &[usize],
) -> Result<String> {
    Ok(match opts.format {
        OutputFormat::Table | OutputFormat::Wide => render_row(&row(entry, opts), widths),
        OutputFormat::Json => to_json(entry)?,
        OutputFormat::Yaml => format!("---\n{}", to_yaml(entry)?),
        OutputFormat::Name => format!("{}\n", name_of(entry)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use flink_savepoint::crd::{JobKind, SnapshotTriggerType, TargetRef};
    use flink_savepoint::history::EntryState;

    fn entry() -> SavepointEntry {
        let mut e = SavepointEntry::new(
            TargetRef::new(JobKind::FlinkDeployment, Some("flink".into()), "orders"),
            "orders-sp-1",
            EntrySource::Snapshot,
            SnapshotTriggerType::Manual,
            EntryState::Completed,
        );
        e.snapshot_name = Some("orders-sp-1".into());
        e.location = Some("s3://b/sp".into());
        e.triggered = Some(Timestamp::from_second(1_000).unwrap());
        e
    }

    fn opts(format: OutputFormat, all_namespaces: bool) -> RenderOptions {
        RenderOptions {
            format,
            no_headers: false,
            all_namespaces,
            now: Timestamp::from_second(1_600).unwrap(),
        }
    }

    #[test]
    fn table_has_the_documented_columns_and_namespace_with_all_namespaces() {
        let text = render(&[entry()], &opts(OutputFormat::Table, true), "").unwrap();
        let header = text.lines().next().unwrap();
        let columns: Vec<&str> = header.split_whitespace().collect();
        assert_eq!(
            columns,
            [
                "NAMESPACE",
                "TARGET",
                "SAVEPOINT",
                "TYPE",
                "STATE",
                "TRIGGERED",
                "LOCATION"
            ]
        );
        assert!(
            text.contains(
                "flink       app/orders   orders-sp-1   MANUAL   COMPLETED   10m ago     s3://b/sp"
            ),
            "{text}"
        );
    }

    #[test]
    fn wide_adds_source_format_nonce_completed_error() {
        let text = render(&[entry()], &opts(OutputFormat::Wide, false), "").unwrap();
        assert!(
            text.lines()
                .next()
                .unwrap()
                .ends_with("SOURCE     FORMAT   NONCE    COMPLETED   SIZE     DURATION   ERROR"),
            "{text}"
        );
    }

    #[test]
    fn name_output_uses_object_names_or_target_ids() {
        assert_eq!(name_of(&entry()), "flinkstatesnapshot/orders-sp-1");
        let mut legacy = entry();
        legacy.source = EntrySource::Legacy;
        legacy.id = "legacy-5".into();
        assert_eq!(name_of(&legacy), "app/orders#legacy-5");
    }

    #[test]
    fn json_is_a_kubectl_list() {
        let text = render(&[entry()], &opts(OutputFormat::Json, false), "").unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["kind"], "List");
        assert_eq!(value["items"][0]["id"], "orders-sp-1");
        assert_eq!(value["items"][0]["location"], "s3://b/sp");
    }
}
