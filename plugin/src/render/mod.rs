//! Output: the output sink, JSON/YAML rendering, kubectl-style tables, and the text each command
//! prints. Nothing here talks to the cluster.
//!
//! Tables follow kubectl: upper-case headers, columns left-aligned and separated by three
//! spaces, `<none>` for empty cells, no trailing spaces.

pub mod list;
pub mod progress;
pub mod snapshots;
pub mod status;
pub mod trigger;
pub mod wait;

use std::io::Write;
use std::sync::{Arc, Mutex};

use anyhow::Context as _;
use serde::Serialize;

use crate::cli::ObjectFormat;
use crate::error::Result;

/// Where command output goes: stdout, or an in-memory buffer for tests.
#[derive(Clone, Default)]
pub struct Sink {
    buffer: Option<Arc<Mutex<Vec<u8>>>>,
}

impl Sink {
    /// Writes to the process's stdout.
    pub fn stdout() -> Self {
        Sink { buffer: None }
    }

    /// Writes to a buffer that [`Sink::captured`] returns.
    pub fn buffer() -> Self {
        Sink {
            buffer: Some(Arc::new(Mutex::new(Vec::new()))),
        }
    }

    /// The text written so far (buffer sinks only; empty for stdout).
    pub fn captured(&self) -> String {
        self.buffer
            .as_ref()
            .and_then(|b| {
                b.lock()
                    .ok()
                    .map(|v| String::from_utf8_lossy(&v).into_owned())
            })
            .unwrap_or_default()
    }

    /// Writes `text` as is (add your own newline) and flushes.
    pub fn write(&self, text: &str) -> Result<()> {
        match &self.buffer {
            Some(buffer) => {
                if let Ok(mut b) = buffer.lock() {
                    b.extend_from_slice(text.as_bytes());
                }
                Ok(())
            }
            None => {
                let mut out = std::io::stdout().lock();
                Ok(out
                    .write_all(text.as_bytes())
                    .and_then(|()| out.flush())
                    .context("cannot write to stdout")?)
            }
        }
    }

    /// Writes `text` followed by a newline.
    pub fn line(&self, text: &str) -> Result<()> {
        self.write(&format!("{text}\n"))
    }
}

/// Renders a value as pretty JSON with a trailing newline.
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    let mut text = serde_json::to_string_pretty(value).context("cannot render JSON")?;
    text.push('\n');
    Ok(text)
}

/// Renders a value as YAML.
pub fn to_yaml<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    Ok(serde_yaml_ng::to_string(value).context("cannot render YAML")?)
}

/// Renders `value` as JSON or YAML.
pub fn object<T: Serialize + ?Sized>(value: &T, format: ObjectFormat) -> Result<String> {
    match format {
        ObjectFormat::Json => to_json(value),
        ObjectFormat::Yaml => to_yaml(value),
    }
}

/// Wraps items the way `kubectl get -o json` does for more than one object:
/// `{"apiVersion": "v1", "kind": "List", "items": [...]}`.
pub fn list_object<T: Serialize>(items: &[T]) -> Result<serde_json::Value> {
    Ok(serde_json::json!({
        "apiVersion": "v1",
        "kind": "List",
        "items": serde_json::to_value(items).context("cannot serialize items")?,
        "metadata": { "resourceVersion": "" },
    }))
}

/// A kubectl-style table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// Column headers (rendered upper-case).
    pub headers: Vec<String>,
    /// Rows; each should have `headers.len()` cells.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with the given headers and no rows.
    pub fn new<S: Into<String>>(headers: impl IntoIterator<Item = S>) -> Self {
        Table {
            headers: headers.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
        }
    }

    /// Appends a row.
    pub fn push<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) {
        self.rows.push(cells.into_iter().map(Into::into).collect());
    }

    /// The column widths, counting headers unless `no_headers`.
    pub fn widths(&self, no_headers: bool) -> Vec<usize> {
        let mut widths = vec![0; self.headers.len()];
        let header_iter = (!no_headers).then_some(&self.headers);
        for row in header_iter.into_iter().chain(self.rows.iter()) {
            for (i, cell) in row.iter().enumerate() {
                if i >= widths.len() {
                    widths.push(0);
                }
                widths[i] = widths[i].max(cell_text(cell).chars().count());
            }
        }
        widths
    }

    /// Renders the table (with a trailing newline when non-empty).
    pub fn render(&self, no_headers: bool) -> String {
        let widths = self.widths(no_headers);
        let mut out = String::new();
        if !no_headers {
            let upper: Vec<String> = self.headers.iter().map(|h| h.to_uppercase()).collect();
            out.push_str(&render_row(&upper, &widths));
        }
        for row in &self.rows {
            out.push_str(&render_row(row, &widths));
        }
        out
    }
}

/// Renders one row with the given widths (used for streaming rows in `--watch`).
pub fn render_row(cells: &[String], widths: &[usize]) -> String {
    let mut line = String::new();
    for (i, cell) in cells.iter().enumerate() {
        let text = cell_text(cell);
        if i > 0 {
            line.push_str("   ");
        }
        line.push_str(text);
        let width = widths.get(i).copied().unwrap_or(0);
        let pad = width.saturating_sub(text.chars().count());
        line.extend(std::iter::repeat_n(' ', pad));
    }
    let mut line = line.trim_end().to_string();
    line.push('\n');
    line
}

fn cell_text(cell: &str) -> &str {
    if cell.is_empty() { "<none>" } else { cell }
}

/// kubectl-style age: `45s`, `12m`, `3h`, `5d`, `2y` (from seconds).
pub fn human_age(seconds: i64) -> String {
    flink_savepoint::time::human_age(seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_aligns_columns_with_three_spaces_and_fills_empty_cells() {
        let mut table = Table::new(["target", "state"]);
        table.push(["app/orders", "COMPLETED"]);
        table.push(["job/x", ""]);
        assert_eq!(
            table.render(false),
            "TARGET       STATE\napp/orders   COMPLETED\njob/x        <none>\n"
        );
        assert_eq!(
            table.render(true),
            "app/orders   COMPLETED\njob/x        <none>\n"
        );
    }

    #[test]
    fn list_object_matches_kubectl_list_shape() {
        let value = list_object(&[serde_json::json!({"a": 1})]).unwrap();
        assert_eq!(value["kind"], "List");
        assert_eq!(value["items"][0]["a"], 1);
    }

    #[test]
    fn buffer_sink_captures_output() {
        let sink = Sink::buffer();
        sink.line("hello").unwrap();
        assert_eq!(sink.captured(), "hello\n");
    }

    #[test]
    fn ages_use_kubectl_units() {
        assert_eq!(human_age(5), "5s");
        assert_eq!(human_age(600), "10m");
        assert_eq!(human_age(3 * 3600), "3h");
        assert_eq!(human_age(3 * 86_400), "3d");
        assert_eq!(human_age(-1), "0s");
    }
}
