use std::sync::{Arc, Mutex};

use serde_json::Value;
use tracing_subscriber::{fmt::MakeWriter, prelude::*};

use super::*;

/// Lines written by a subscriber, kept in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

impl Captured {
    fn lines(&self) -> Vec<String> {
        let bytes = self.0.lock().expect("lock").clone();
        String::from_utf8(bytes)
            .expect("UTF-8")
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

/// The lines `emit` logs through ours and through the stock JSON format, parsed.
fn both(emit: impl Fn()) -> (Vec<String>, Vec<String>) {
    let ours = Captured::default();
    let stock = Captured::default();
    tracing::subscriber::with_default(
        tracing_subscriber::registry().with(layer().with_writer(ours.clone())),
        &emit,
    );
    let layer = tracing_subscriber::fmt::layer()
        .json()
        .flatten_event(true)
        .with_current_span(false);
    tracing::subscriber::with_default(
        tracing_subscriber::registry().with(layer.with_writer(stock.clone())),
        &emit,
    );
    (ours.lines(), stock.lines())
}

fn without_timestamp(line: &str) -> Value {
    let mut value: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
    let timestamp = value
        .as_object_mut()
        .and_then(|o| o.shift_remove("timestamp"))
        .unwrap_or_else(|| panic!("no timestamp in {line}"));
    // RFC 3339, UTC, microseconds: 2026-12-02T03:30:00.123456Z
    let timestamp = timestamp.as_str().expect("timestamp is a string");
    assert_eq!(timestamp.len(), 27, "{timestamp}");
    assert!(
        timestamp.ends_with('Z') && timestamp.as_bytes()[10] == b'T',
        "{timestamp}"
    );
    value
}

/// Every field type and every string a request can smuggle in (quotes, backslashes, control
/// characters, non-ASCII) comes out as the stock format writes it, member for member and in
/// the same order.
#[test]
fn review_lines_are_the_stock_json_object_for_every_field_type_and_hostile_strings() {
    let hostile = "a\"b\\c\nd\re\tf\u{1}g\u{1f}h\u{7f}i\u{e9}\u{1F600}\u{8}\u{c}";
    let (ours, stock) = both(|| {
        tracing::info!(
            uid = %hostile,
            endpoint = "validate",
            text = hostile,
            dry_run = false,
            yes = true,
            warnings = 3usize,
            negative = -7i64,
            ratio = 0.25f64,
            huge = 1e300f64,
            not_a_number = f64::NAN,
            debug = ?vec!["x\"y"],
            "admission review {}", hostile
        );
        tracing::warn!("plain message");
        tracing::error!(error = %std::io::Error::other("boom \"quoted\""), "failed");
    });
    assert_eq!(ours.len(), 3, "{ours:?}");
    assert_eq!(ours.len(), stock.len());
    for (ours, stock) in ours.iter().zip(&stock) {
        let (ours_value, stock_value) = (without_timestamp(ours), without_timestamp(stock));
        assert_eq!(ours_value, stock_value, "\nours  {ours}\nstock {stock}");
        let keys = |v: &Value| {
            v.as_object()
                .expect("object")
                .keys()
                .cloned()
                .collect::<Vec<_>>()
        };
        assert_eq!(keys(&ours_value), keys(&stock_value), "member order");
    }
    let first: Value = serde_json::from_str(&ours[0]).expect("json");
    assert_eq!(first["uid"], hostile);
    assert_eq!(first["latency_us"], Value::Null);
    assert_eq!(first["warnings"], 3);
    assert_eq!(first["level"], "INFO");
    assert_eq!(first["target"], module_path!());
}

/// Inside a span the stock format adds the span list: such events are left to it.
#[test]
fn events_inside_a_span_are_written_by_the_stock_format() {
    let (ours, stock) = both(|| {
        let span = tracing::info_span!("watch", kind = "FlinkDeployment");
        let _entered = span.enter();
        tracing::info!(attempt = 2u64, "restarting the watch");
    });
    assert_eq!(ours.len(), 1, "{ours:?}");
    let ours = without_timestamp(&ours[0]);
    assert_eq!(ours, without_timestamp(&stock[0]));
    assert_eq!(ours["spans"][0]["kind"], "FlinkDeployment", "{ours}");
}
