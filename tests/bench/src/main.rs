//! `flink-savepoint-bench`: runs the benchmarks (release binaries built beforehand by
//! `make bench`) and prints a markdown table, also written to `target/bench/results.md`.
//!
//! `BENCH_ONLY=webhook,decision,memory,plugin` limits the sections; `BENCH_QUICK=1` shortens every run
//! (for trying the harness, not for numbers).
#![forbid(unsafe_code)]

mod sections;

use anyhow::{Context, Result};

/// mimalloc: under load, glibc malloc/free was the largest share of the webhook's CPU (perf).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<()> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let wants = |name: &str| only.is_empty() || only.split(',').any(|s| s.trim() == name);
    let quick = std::env::var_os("BENCH_QUICK").is_some();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("building the client runtime")?;
    let machine = sections::machine();
    let mut out = format!("## flink-savepoint benchmarks\n\n{machine}\n\n");
    if wants("decision") {
        eprintln!("== decision function");
        out.push_str(&sections::decision(quick)?.render());
    }
    if wants("webhook") {
        eprintln!("== webhook vs floor");
        for section in runtime.block_on(sections::webhook(quick))? {
            out.push_str(&section.render());
        }
    }
    if wants("memory") {
        eprintln!("== webhook memory under hostile load");
        for section in runtime.block_on(sections::memory(quick))? {
            out.push_str(&section.render());
        }
    }
    if wants("plugin") {
        eprintln!("== plugin");
        for section in runtime.block_on(sections::plugin(quick))? {
            out.push_str(&section.render());
        }
    }
    out.push_str(&format!(
        "Load average at the end: {}.\n",
        sections::load_average()
    ));
    print!("{out}");
    let dir = flink_savepoint_bench::server::target_dir().join("bench");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let file = dir.join("results.md");
    std::fs::write(&file, &out).with_context(|| format!("writing {}", file.display()))?;
    eprintln!("written to {}", file.display());
    Ok(())
}
