//! Flink file-system URIs for savepoint directories (`s3://bucket/savepoints`,
//! `hdfs://namenode:8020/flink/sp`, `file:///flink-data/savepoints`, `file:/flink-data/sp`) and the
//! "is this path under that directory" relation.
//!
//! Flink resolves a savepoint directory with `org.apache.flink.core.fs.Path`: a URI with a scheme
//! (the file system: `s3`, `hdfs`, `file`, …), an optional authority (bucket, name node) and a
//! path. A path without a scheme would be resolved against the JobManager's default file system,
//! so [`parse_fs_uri`] requires the scheme: the directory must mean the same on every component.

use thiserror::Error;

/// Object-store schemes: the authority is the bucket (or container) and cannot be empty.
const BUCKET_SCHEMES: &[&str] = &[
    "s3", "s3a", "s3n", "s3p", "gs", "oss", "abfs", "abfss", "wasb", "wasbs", "cos", "cosn", "obs",
];

/// A parsed file-system URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FsUri {
    /// The scheme, lower-cased (`s3`, `file`).
    pub scheme: String,
    /// The authority (bucket, `host:port`); empty for `file:/x` and `file:///x`.
    pub authority: String,
    /// The path segments, without empty ones (`/a//b/` is `["a", "b"]`).
    pub segments: Vec<String>,
}

/// Why a text is not a usable savepoint directory URI.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FsUriError {
    /// Empty or blank.
    #[error("is empty")]
    Empty,
    /// Leading or trailing whitespace (most likely a quoting mistake).
    #[error("has leading or trailing whitespace")]
    Whitespace,
    /// Control characters or backslashes.
    #[error("contains a control character or a backslash")]
    BadCharacter,
    /// No `scheme:` (a bare path or a Windows drive letter).
    #[error("has no file-system scheme")]
    NoScheme,
    /// Something other than `//authority` or `/` after the scheme (`s3:bucket`).
    #[error("is not of the form SCHEME://AUTHORITY/PATH or SCHEME:/PATH")]
    Malformed,
    /// A query (`?`) or fragment (`#`).
    #[error("has a query or fragment ('?' or '#'), which a file-system path cannot have")]
    QueryOrFragment,
    /// An object store without a bucket (`s3:///x`).
    #[error("names no bucket: {scheme}:// needs one, e.g. {scheme}://BUCKET/savepoints")]
    NoBucket {
        /// The scheme.
        scheme: String,
    },
    /// `file://NAME/…`: NAME is a host, not the first directory.
    #[error(
        "names the host \"{host}\" (file://{host}/...); a local directory is written file:///{host}/..."
    )]
    FileHost {
        /// The would-be host.
        host: String,
    },
    /// Nothing but the scheme (`file:///`, `hdfs://`).
    #[error("names no directory")]
    NoPath,
}

/// The accepted forms, for error messages.
pub const FS_URI_FORMS: &str = "a file-system URI such as s3://bucket/savepoints, \
    hdfs://namenode:8020/flink/savepoints or file:///flink-data/savepoints";

/// Parses a savepoint directory (or savepoint location) the way Flink's `Path` reads it, refusing
/// forms that would not mean one directory: see [`FsUriError`].
pub fn parse_fs_uri(text: &str) -> Result<FsUri, FsUriError> {
    if text.trim().is_empty() {
        return Err(FsUriError::Empty);
    }
    if text.trim() != text {
        return Err(FsUriError::Whitespace);
    }
    if text.chars().any(|c| c.is_control() || c == '\\') {
        return Err(FsUriError::BadCharacter);
    }
    let (scheme, rest) = text.split_once(':').ok_or(FsUriError::NoScheme)?;
    let valid_scheme = scheme.len() >= 2
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !valid_scheme {
        return Err(FsUriError::NoScheme);
    }
    if rest.contains(['?', '#']) {
        return Err(FsUriError::QueryOrFragment);
    }
    let scheme = scheme.to_ascii_lowercase();
    let (authority, path) = match rest.strip_prefix("//") {
        Some(after) => match after.find('/') {
            Some(slash) => (&after[..slash], &after[slash..]),
            None => (after, ""),
        },
        None if rest.starts_with('/') => ("", rest),
        None => return Err(FsUriError::Malformed),
    };
    let segments: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    if BUCKET_SCHEMES.contains(&scheme.as_str()) && authority.is_empty() {
        return Err(FsUriError::NoBucket { scheme });
    }
    if scheme == "file" && !authority.is_empty() && authority != "localhost" {
        return Err(FsUriError::FileHost {
            host: authority.to_owned(),
        });
    }
    if authority.is_empty() && segments.is_empty() {
        return Err(FsUriError::NoPath);
    }
    let authority = if scheme == "file" { "" } else { authority };
    Ok(FsUri {
        scheme,
        authority: authority.to_owned(),
        segments,
    })
}

impl FsUri {
    /// Whether `self` is `dir` or lies below it (same file system and authority, and `dir`'s
    /// segments are a prefix of `self`'s): `file:/a/b/c` is under `file:///a/b/`.
    pub fn is_under(&self, dir: &FsUri) -> bool {
        self.scheme == dir.scheme
            && self.authority == dir.authority
            && self.segments.starts_with(&dir.segments)
    }
}

/// Whether the location `path` lies under the directory `dir`; `None` when either does not parse
/// as a file-system URI (nothing can be said).
pub fn is_under_dir(path: &str, dir: &str) -> Option<bool> {
    let path = parse_fs_uri(path).ok()?;
    let dir = parse_fs_uri(dir).ok()?;
    Some(path.is_under(&dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flink_file_system_uris_parse() {
        for (text, scheme, authority, segments) in [
            (
                "s3://bucket/savepoints",
                "s3",
                "bucket",
                &["savepoints"][..],
            ),
            ("s3://bucket", "s3", "bucket", &[][..]),
            ("S3A://bucket/a/b/", "s3a", "bucket", &["a", "b"][..]),
            (
                "hdfs://namenode:8020/flink/sp",
                "hdfs",
                "namenode:8020",
                &["flink", "sp"][..],
            ),
            ("hdfs:/flink/sp", "hdfs", "", &["flink", "sp"][..]),
            (
                "file:///flink-data/savepoints",
                "file",
                "",
                &["flink-data", "savepoints"][..],
            ),
            (
                "file:/flink-data/savepoints",
                "file",
                "",
                &["flink-data", "savepoints"][..],
            ),
            ("file://localhost/data", "file", "", &["data"][..]),
            (
                "abfss://c@acct.dfs.core.windows.net/sp",
                "abfss",
                "c@acct.dfs.core.windows.net",
                &["sp"][..],
            ),
        ] {
            let uri = parse_fs_uri(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(uri.scheme, scheme, "{text}");
            assert_eq!(uri.authority, authority, "{text}");
            assert_eq!(uri.segments, segments, "{text}");
        }
    }

    #[test]
    fn unusable_directories_are_refused_with_the_reason() {
        for (text, expected) in [
            ("", FsUriError::Empty),
            ("   ", FsUriError::Empty),
            (" s3://b/sp", FsUriError::Whitespace),
            ("s3://b/sp\n", FsUriError::Whitespace),
            ("s3://b/s\tp", FsUriError::BadCharacter),
            ("C:\\flink\\sp", FsUriError::BadCharacter),
            ("/flink-data/savepoints", FsUriError::NoScheme),
            ("bucket/savepoints", FsUriError::NoScheme),
            ("C:/flink/sp", FsUriError::NoScheme),
            ("1s3://b/sp", FsUriError::NoScheme),
            ("s3:bucket/sp", FsUriError::Malformed),
            ("s3://b/sp?x=1", FsUriError::QueryOrFragment),
            ("s3://b/sp#x", FsUriError::QueryOrFragment),
            (
                "s3:///sp",
                FsUriError::NoBucket {
                    scheme: "s3".into(),
                },
            ),
            (
                "gs:/sp",
                FsUriError::NoBucket {
                    scheme: "gs".into(),
                },
            ),
            (
                "file://flink-data/sp",
                FsUriError::FileHost {
                    host: "flink-data".into(),
                },
            ),
            ("file:///", FsUriError::NoPath),
            ("hdfs://", FsUriError::NoPath),
            ("file:", FsUriError::Malformed),
        ] {
            assert_eq!(parse_fs_uri(text), Err(expected), "{text:?}");
        }
    }

    #[test]
    fn under_compares_file_system_authority_and_whole_segments() {
        let cases = [
            (
                "file:/data/sp/orders/savepoint-1",
                "file:///data/sp",
                Some(true),
            ),
            ("s3://b/sp/savepoint-1", "s3://b/sp/", Some(true)),
            ("s3://b/sp", "s3://b/sp", Some(true)),
            ("s3://b/sp-other/savepoint-1", "s3://b/sp", Some(false)),
            ("s3://other/sp/savepoint-1", "s3://b/sp", Some(false)),
            ("gs://b/sp/savepoint-1", "s3://b/sp", Some(false)),
            ("s3://b/savepoint-1", "s3://b/sp", Some(false)),
            ("savepoint-1", "s3://b/sp", None),
        ];
        for (path, dir, expected) in cases {
            assert_eq!(is_under_dir(path, dir), expected, "{path} under {dir}");
        }
    }
}
