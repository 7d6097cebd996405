//! Rendering `list` rows: table, wide, json, yaml, name, jsonpath and custom columns.
//!
//! Every format but the tables renders the one document `-o json` prints ([`document`]): a
//! kubectl `List` whose items are the savepoint entries, so a template explored with `-o json`
//! works unchanged with `-o jsonpath`, `-o custom-columns` and `--sort-by`.

use flink_savepoint::crd::{GROUP, Kind};
use flink_savepoint::flink_rest::{format_bytes, format_millis};
use flink_savepoint::history::{EntrySource, SavepointEntry};
use flink_savepoint::jsonpath::{Column, Template, column_text, sort_order};
use flink_savepoint::time::to_iso;
use jiff::Timestamp;
use serde_json::Value;

use super::{Table, human_age, jsonpath, list_object, render_row, to_json, to_yaml};
use crate::cli::OutputFormat;
use crate::error::{Result, usage};

/// How to render.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// `-o`.
    pub format: OutputFormat,
    /// `--no-headers`.
    pub no_headers: bool,
    /// `-A`: add a NAMESPACE column.
    pub all_namespaces: bool,
    /// `--show-labels`: add a LABELS column (the FlinkStateSnapshot's labels).
    pub show_labels: bool,
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

/// The `-o name` line of an entry, as `kubectl get flinkstatesnapshots -o name` prints it
/// (`flinkstatesnapshot.flink.apache.org/NAME`); `None` for records that are not objects
/// (legacy status, requested nonces, the upgrade path).
pub fn name_of(entry: &SavepointEntry) -> Option<String> {
    match (&entry.source, &entry.snapshot_name) {
        (EntrySource::Snapshot, Some(name)) => Some(format!("flinkstatesnapshot.{GROUP}/{name}")),
        _ => None,
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

/// The document of `-o json` (and of every template): a kubectl `List` of the entries.
pub fn document(entries: &[SavepointEntry]) -> Result<Value> {
    list_object(entries)
}

/// `--sort-by`: the entries ordered by the value `path` finds in each item of [`document`]
/// (kubectl's order: missing values first, strings in natural order). A path no item has is a
/// usage error, in kubectl's words.
pub fn sort_entries(entries: Vec<SavepointEntry>, path: &Template) -> Result<Vec<SavepointEntry>> {
    let items: Vec<Value> = entries
        .iter()
        .map(serde_json::to_value)
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| usage(format!("cannot serialize savepoints: {e}")))?;
    let order = sort_order(path, &items).map_err(|e| usage(e.to_string()))?;
    let mut slots: Vec<Option<SavepointEntry>> = entries.into_iter().map(Some).collect();
    Ok(order.into_iter().filter_map(|i| slots[i].take()).collect())
}

/// Column headers of the table formats.
pub fn headers(opts: &RenderOptions) -> Vec<&'static str> {
    let mut h = Vec::new();
    if opts.all_namespaces {
        h.push("namespace");
    }
    h.extend(["target", "savepoint", "type", "state", "age", "location"]);
    if opts.format == OutputFormat::Wide {
        h.extend([
            "source",
            "format",
            "nonce",
            "triggered",
            "completed",
            "size",
            "duration",
            "error",
        ]);
    }
    if opts.show_labels {
        h.push("labels");
    }
    h
}

/// kubectl's AGE cell: `<unknown>` without a time.
fn age(entry: &SavepointEntry, now: Timestamp) -> String {
    match entry.time() {
        Some(t) => human_age(now.as_second() - t.as_second()),
        None => "<unknown>".to_owned(),
    }
}

/// The LABELS cell as kubectl prints it: `k=v,k2=v2` (sorted), empty (`<none>`) without labels.
fn labels_text(entry: &SavepointEntry) -> String {
    entry
        .labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
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
        age(entry, opts.now),
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
            entry.triggered.map(to_iso).unwrap_or_default(),
            entry.completed.map(to_iso).unwrap_or_default(),
            entry.size_bytes.map(format_bytes).unwrap_or_default(),
            entry.duration_ms.map(format_millis).unwrap_or_default(),
            entry.error.clone().unwrap_or_default(),
        ]);
    }
    if opts.show_labels {
        cells.push(labels_text(entry));
    }
    cells
}

/// The cells of one custom-columns row for one item of [`document`].
fn custom_row(columns: &[Column], item: &Value) -> Result<Vec<String>> {
    columns
        .iter()
        .map(|c| {
            column_text(c, item).map_err(|e| {
                crate::error::failed(format!(
                    "error executing jsonpath {:?}: {e}",
                    c.path.source()
                ))
            })
        })
        .collect()
}

/// The table for `entries` (table, wide and custom columns).
pub fn table(entries: &[SavepointEntry], opts: &RenderOptions) -> Result<Table> {
    if let OutputFormat::CustomColumns(columns) = &opts.format {
        let mut t = Table::new(columns.iter().map(|c| c.header.clone()));
        for entry in entries {
            let item = serde_json::to_value(entry)
                .map_err(|e| crate::error::failed(format!("cannot serialize: {e}")))?;
            t.push(custom_row(columns, &item)?);
        }
        return Ok(t);
    }
    let mut t = Table::new(headers(opts));
    for e in entries {
        t.push(row(e, opts));
    }
    Ok(t)
}

/// Renders the full listing; when that prints nothing (an empty table, no `-o name` line, a
/// template that finds nothing), kubectl's `No resources found` goes to stderr instead.
pub fn render(entries: &[SavepointEntry], opts: &RenderOptions, scope: &str) -> Result<String> {
    let text = render_listing(entries, opts)?;
    if text.is_empty() {
        eprintln!("No savepoints found {scope}.");
    }
    Ok(text)
}

fn render_listing(entries: &[SavepointEntry], opts: &RenderOptions) -> Result<String> {
    Ok(match &opts.format {
        OutputFormat::Table | OutputFormat::Wide | OutputFormat::CustomColumns(_) => {
            if entries.is_empty() {
                String::new()
            } else if matches!(opts.format, OutputFormat::CustomColumns(_)) {
                table(entries, opts)?.render_verbatim(opts.no_headers)
            } else {
                table(entries, opts)?.render(opts.no_headers)
            }
        }
        OutputFormat::Json => to_json(&document(entries)?)?,
        OutputFormat::Yaml => to_yaml(&document(entries)?)?,
        OutputFormat::Name => entries
            .iter()
            .filter_map(name_of)
            .map(|n| format!("{n}\n"))
            .collect(),
        OutputFormat::JsonPath(template) => jsonpath(template, &document(entries)?)?,
    })
}

/// Renders one changed entry for `--watch` (tables reuse `widths` from the first listing;
/// templates apply to the entry, as `kubectl get -w` applies them to each object).
pub fn render_change(
    entry: &SavepointEntry,
    opts: &RenderOptions,
    widths: &[usize],
) -> Result<String> {
    Ok(match &opts.format {
        OutputFormat::Table | OutputFormat::Wide => render_row(&row(entry, opts), widths),
        OutputFormat::CustomColumns(columns) => {
            let item = serde_json::to_value(entry)
                .map_err(|e| crate::error::failed(format!("cannot serialize: {e}")))?;
            render_row(&custom_row(columns, &item)?, widths)
        }
        OutputFormat::Json => to_json(entry)?,
        OutputFormat::Yaml => format!("---\n{}", to_yaml(entry)?),
        OutputFormat::Name => name_of(entry).map(|n| format!("{n}\n")).unwrap_or_default(),
        OutputFormat::JsonPath(template) => {
            let item = serde_json::to_value(entry)
                .map_err(|e| crate::error::failed(format!("cannot serialize: {e}")))?;
            jsonpath(template, &item)?
        }
    })
}

#[cfg(test)]
#[path = "list_tests.rs"]
mod tests;
