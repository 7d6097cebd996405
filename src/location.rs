//! Savepoint and directory locations in a comparable form: the one place that decides when two
//! spellings name the same place (used by the history merge, the Flink REST matching and the
//! admission check of a snapshot's path).

/// A location in a comparable form: `file:///x` and `file:/x` are the same file, and trailing
/// slashes do not matter. Other schemes (`s3://bucket/...`) are kept as they are.
pub fn normalize_location(location: &str) -> String {
    let trimmed = location.trim();
    let without_slash = trimmed.trim_end_matches('/');
    let base = if without_slash.is_empty() {
        trimmed
    } else {
        without_slash
    };
    match base.strip_prefix("file://") {
        // `file:///x` (empty authority) is `file:/x`; `file://host/x` stays as it is.
        Some(rest) if rest.starts_with('/') => format!("file:{rest}"),
        _ => match base.strip_prefix('/') {
            // a bare absolute path is how some configs spell a local directory
            Some(_) => format!("file:{base}"),
            None => base.to_owned(),
        },
    }
}

/// Whether two locations name the same savepoint (see [`normalize_location`]).
pub fn same_location(a: &str, b: &str) -> bool {
    normalize_location(a) == normalize_location(b)
}
