//! `fuzz-seeds DIR`: writes the seed corpora of the fuzz targets (`fuzz/`) into `DIR/<target>/`
//! from the captured fixtures, so no corpus is committed. Run by `make fuzz`.
#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use flink_savepoint_bench::fixtures::{admission_reviews, shared_dir};
use serde_json::{Value, json};

fn main() -> Result<()> {
    let out = PathBuf::from(std::env::args().nth(1).context("usage: fuzz-seeds DIR")?);
    let mut n = 0usize;
    let reviews = admission_reviews()?;
    let mut configs: Vec<Value> = Vec::new();
    for r in &reviews {
        n += write(&out, "admission_review", &r.name, r.json.as_bytes())?;
        n += write(&out, "webhook_decode", &r.name, r.json.as_bytes())?;
        let v: Value = serde_json::from_str(&r.json)?;
        for side in ["object", "oldObject"] {
            let conf = &v["request"][side]["spec"]["flinkConfiguration"];
            if conf.is_object() {
                configs.push(conf.clone());
            }
        }
    }
    let manifests = shared_dir().join("fixtures/manifests");
    for doc in yaml_docs(&manifests)? {
        if doc["spec"]["flinkConfiguration"].is_object() {
            configs.push(doc["spec"]["flinkConfiguration"].clone());
        }
    }
    configs.push(json!({"execution": {"checkpointing": {"savepoint-dir": "s3://b/sp"}}, "kubernetes.operator.savepoint.history.max.age": "72 h"}));
    configs.push(json!({"state.savepoints": {"dir": "s3://a"}, "state": {"savepoints.dir": "s3://b"}, "state.savepoints.dir": 7}));
    configs.push(json!({"kubernetes": {"operator": {"periodic": {"savepoint": {"interval": "0 0 * * * ?"}}}}}));
    for (i, c) in configs.iter().enumerate() {
        n += write(
            &out,
            "config_flatten",
            &format!("conf-{i:03}.json"),
            &serde_json::to_vec(c)?,
        )?;
    }
    let texts = [
        "900s",
        "72 h",
        "1 d",
        "10 min",
        "500 ms",
        "2h",
        "0",
        "-1 s",
        "1 hours",
        "9223372036854775807 ns",
        "0 0 * * * ?",
        "0 0/15 * * * ?",
        "0 0 12 L-2 * ?",
        "0 15 10 ? * 6L 2030",
        "0 0 0 1W * ? *",
        "1 2 3 ? * MON-FRI",
        "0 0 12 ? JAN,FEB 2#3",
        "*/5 * * * * ?",
        "true",
        "FALSE",
        "+12",
        "1e3",
    ];
    for (i, t) in texts.iter().enumerate() {
        n += write(&out, "duration_cron", &format!("text-{i:03}"), t.as_bytes())?;
    }
    // History: [target, snapshots...] from the repository's model fixtures and the captures.
    let models = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/models"));
    let snapshots: Vec<Value> = yaml_docs(&models.join("snapshots.yaml")).unwrap_or_default();
    let listed = read_json(&shared_dir().join(
        "fixtures/apiserver-responses/list-flinkstatesnapshots-all-namespaces-selector.json",
    ))
    .map(|v| v["items"].as_array().cloned().unwrap_or_default())
    .unwrap_or_default();
    let mut targets: Vec<Value> = Vec::new();
    for name in [
        "orders-app-legacy.yaml",
        "orders-app-snapshot-mode.yaml",
        "clicks-job.yaml",
    ] {
        targets.extend(yaml_docs(&models.join(name)).unwrap_or_default());
    }
    if let Ok(d) =
        read_json(&shared_dir().join("fixtures/apiserver-responses/get-flinkdeployment.json"))
    {
        targets.push(d);
    }
    for (i, t) in targets.iter().enumerate() {
        let mut arr = vec![t.clone()];
        arr.extend(snapshots.iter().cloned());
        arr.extend(listed.iter().cloned());
        n += write(
            &out,
            "history",
            &format!("history-{i:03}.json"),
            &serde_json::to_vec(&arr)?,
        )?;
    }
    eprintln!("fuzz-seeds: wrote {n} seed files under {}", out.display());
    Ok(())
}

fn write(out: &Path, target: &str, name: &str, bytes: &[u8]) -> Result<usize> {
    let dir = out.join(target);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    std::fs::write(dir.join(name), bytes).with_context(|| format!("writing {name}"))?;
    Ok(1)
}

fn read_json(path: &Path) -> Result<Value> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

/// Every YAML document of a file, or of every `.yaml` file in a directory.
fn yaml_docs(path: &Path) -> Result<Vec<Value>> {
    let files: Vec<PathBuf> = if path.is_dir() {
        let mut f: Vec<PathBuf> = std::fs::read_dir(path)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
            .collect();
        f.sort();
        f
    } else {
        vec![path.to_path_buf()]
    };
    let mut docs = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("reading {}", file.display()))?;
        for doc in serde_yaml_ng::Deserializer::from_str(&text) {
            let v: Value = serde::Deserialize::deserialize(doc)
                .with_context(|| format!("parsing {}", file.display()))?;
            if !v.is_null() {
                docs.push(v);
            }
        }
    }
    Ok(docs)
}
