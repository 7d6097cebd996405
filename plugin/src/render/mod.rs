//! Output: the output sink, JSON/YAML rendering, kubectl-style tables, and the text each command
//! prints. Nothing here talks to the cluster.
//!
//! Tables follow kubectl: upper-case headers, columns left-aligned and separated by three
//! spaces, `<none>` for empty cells, no trailing spaces.

pub mod batch;
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

use flink_savepoint::jsonpath::Template;

use crate::cli::ObjectFormat;
use crate::error::{Result, failed};

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

/// Renders `value` as JSON, YAML, or a JSONPath template applied to the JSON form.
pub fn object<T: Serialize + ?Sized>(value: &T, format: &ObjectFormat) -> Result<String> {
    match format {
        ObjectFormat::Json => to_json(value),
        ObjectFormat::Yaml => to_yaml(value),
        ObjectFormat::JsonPath(template) => jsonpath(
            template,
            &serde_json::to_value(value).context("cannot serialize")?,
        ),
    }
}

/// Applies `-o jsonpath` to the document `-o json` would print (a failure is kubectl's exit 1).
pub fn jsonpath(template: &Template, document: &serde_json::Value) -> Result<String> {
    template.execute(document).map_err(|e| {
        failed(format!(
            "error executing jsonpath {:?}: {e}",
            template.source()
        ))
    })
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

/// kubectl's tabwriter pads every cell to at least 6 characters, 3 of them padding.
const MIN_WIDTH: usize = 3;

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

    /// The column widths, counting headers unless `no_headers`. As kubectl's tabwriter (minimum
    /// cell width 6 including the 3 spaces of padding), no column is narrower than 3.
    pub fn widths(&self, no_headers: bool) -> Vec<usize> {
        let mut widths = vec![MIN_WIDTH; self.headers.len()];
        let header_iter = (!no_headers).then_some(&self.headers);
        for row in header_iter.into_iter().chain(self.rows.iter()) {
            for (i, cell) in row.iter().enumerate() {
                if i >= widths.len() {
                    widths.push(MIN_WIDTH);
                }
                widths[i] = widths[i].max(cell_text(cell).chars().count());
            }
        }
        widths
    }

    /// Renders the table (with a trailing newline when non-empty), headers upper-cased.
    pub fn render(&self, no_headers: bool) -> String {
        let upper: Vec<String> = self.headers.iter().map(|h| h.to_uppercase()).collect();
        self.render_with(&upper, no_headers)
    }

    /// Renders the table with the headers exactly as given (`-o custom-columns`).
    pub fn render_verbatim(&self, no_headers: bool) -> String {
        self.render_with(&self.headers, no_headers)
    }

    fn render_with(&self, headers: &[String], no_headers: bool) -> String {
        let widths = self.widths(no_headers);
        let mut out = String::new();
        if !no_headers {
            out.push_str(&render_row(headers, &widths));
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

/// An age as kubectl prints it (`HumanDuration` of k8s.io/apimachinery): `45s`, `5m30s`,
/// `12m`, `3h4m`, `10h`, `2d5h`, `12d`, `2y40d`, `9y`; `0s` for up to one second in the future
/// (clock skew), `<invalid>` beyond.
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
    fn narrow_columns_are_padded_to_kubectls_minimum_cell_width() {
        let mut table = Table::new(["b", "name", "e"]);
        table.push(["-1", "orders", "x"]);
        assert_eq!(table.render(false), "B     NAME     E\n-1    orders   x\n");
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
    fn ages_match_kubectl_human_duration_at_every_boundary() {
        const M: i64 = 60;
        const H: i64 = 3_600;
        const D: i64 = 86_400;
        const Y: i64 = 365 * D;
        let cases = [
            (-2, "<invalid>"),
            (-1, "0s"),
            (0, "0s"),
            (15, "15s"),
            (119, "119s"),
            (120, "2m"),
            (5 * M + 30, "5m30s"),
            (9 * M + 59, "9m59s"),
            (10 * M, "10m"),
            (10 * M + 59, "10m"),
            (179 * M + 59, "179m"),
            (3 * H, "3h"),
            (3 * H + 4 * M, "3h4m"),
            (7 * H + 59 * M + 59, "7h59m"),
            (8 * H, "8h"),
            (47 * H + 59 * M, "47h"),
            (2 * D, "2d"),
            (2 * D + 5 * H, "2d5h"),
            (7 * D + 23 * H, "7d23h"),
            (8 * D, "8d"),
            (2 * Y - 1, "729d"),
            (2 * Y, "2y"),
            (2 * Y + 40 * D, "2y40d"),
            (8 * Y - 1, "7y364d"),
            (8 * Y, "8y"),
            (9 * Y + 100 * D, "9y"),
        ];
        for (seconds, want) in cases {
            assert_eq!(human_age(seconds), want, "{seconds}s");
        }
    }
}
