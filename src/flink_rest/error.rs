//! The module's error type and text helpers (a leaf: decoding and the queries both use it).

/// What went wrong decoding a Flink REST response body.
#[derive(Debug, thiserror::Error)]
pub enum FlinkRestError {
    /// Not JSON, truncated JSON, or JSON of the wrong shape for `what`.
    #[error("decoding Flink {what}: {source}")]
    Decode {
        what: &'static str,
        #[source]
        source: serde_json::Error,
    },
    /// Flink answered with its error body (`{"errors": ["..."]}`), e.g. an unknown job or trigger.
    #[error("Flink {what}: {}", .errors.join("; "))]
    Server {
        what: &'static str,
        errors: Vec<String>,
    },
    /// Decoded, but the content contradicts itself (e.g. a completed savepoint trigger with
    /// neither a location nor a failure cause).
    #[error("Flink {what}: {detail}")]
    Invalid { what: &'static str, detail: String },
}

pub(crate) fn first_line(s: &str) -> &str {
    s.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
}
