//! The captured AdmissionReviews from `../shared/fixtures/admission-reviews/` as load payloads.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use hyper::body::Bytes;

use crate::client::Payload;

/// `<repo>/../shared` (CI clones the repository with `shared/` beside it).
pub fn shared_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"))
}

/// One captured review file.
#[derive(Debug, Clone)]
pub struct ReviewFixture {
    /// File name, e.g. `007-validate-FlinkSessionJob-CREATE-rogue-job.json`.
    pub name: String,
    /// `/mutate` or `/validate`, from the file name.
    pub path: &'static str,
    /// Raw JSON.
    pub json: String,
}

/// Every captured review, sorted by file name.
pub fn admission_reviews() -> Result<Vec<ReviewFixture>> {
    load_dir(&shared_dir().join("fixtures/admission-reviews"))
}

fn load_dir(dir: &Path) -> Result<Vec<ReviewFixture>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry.context("directory entry")?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()).map(str::to_owned) else {
            continue;
        };
        if !name.ends_with(".json") {
            continue;
        }
        let endpoint = if name.contains("-mutate-") {
            "/mutate"
        } else if name.contains("-validate-") {
            "/validate"
        } else {
            continue;
        };
        let json = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        out.push(ReviewFixture {
            name,
            path: endpoint,
            json,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    anyhow::ensure!(!out.is_empty(), "no admission reviews in {}", dir.display());
    Ok(out)
}

/// The reviews as HTTP payloads (the deny/allow/mutate mix of the captures).
pub fn payloads(fixtures: &[ReviewFixture]) -> Result<Vec<Payload>> {
    fixtures
        .iter()
        .map(|f| {
            let value: serde_json::Value =
                serde_json::from_str(&f.json).with_context(|| format!("parsing {}", f.name))?;
            let uid = value["request"]["uid"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            Ok(Payload {
                path: f.path.to_owned(),
                body: Bytes::from(f.json.clone()),
                uid,
            })
        })
        .collect()
}
