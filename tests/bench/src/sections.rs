//! The benchmark sections of `make bench`, each returning markdown.

use std::{sync::Arc, time::Duration};

use anyhow::{Context, Result};
use flink_savepoint_bench::{
    certs::Ca,
    client::{RunConfig, Target},
    decision, fixtures,
    report::{Section, mib, ms, thousands},
    server::{Server, WebhookOptions, built_binary},
    webhook_bench::{self, Measured},
};

/// One line describing the machine.
pub fn machine() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines().find_map(|l| {
                l.strip_prefix("model name")
                    .map(|r| r.trim_start_matches([' ', '\t', ':']).to_owned())
            })
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    format!(
        "Machine: {cpus} CPUs ({model}); client and servers share them over loopback. Release builds. Load average at start: {}.",
        load_average()
    )
}

/// The decision function alone.
pub fn decision(quick: bool) -> Result<Section> {
    let fixtures = fixtures::admission_reviews()?;
    let cases = decision::cases(&fixtures)?;
    let (batches, rounds) = if quick { (5, 50) } else { (21, 400) };
    let t = decision::measure(&cases, batches, rounds)?;
    let mut s = Section::new(
        "Admission decision (pure function)",
        &["measurement", "ns per review"],
    );
    s.row(vec![
        "`admission::review` only".into(),
        format!("{:.0}", t.decide_ns),
    ]);
    s.row(vec![
        "decode JSON + review + encode response".into(),
        format!("{:.0}", t.full_ns),
    ]);
    s.note(format!(
        "Median of {batches} batches, each {rounds} passes over the {} captured reviews (deny/allow/mutate mix); session cluster answered from memory.",
        t.mix
    ));
    Ok(s)
}

/// Webhook vs floor.
pub async fn webhook(quick: bool) -> Result<Vec<Section>> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let ca = Ca::generate()?;
    let (cert, key) = webhook_bench::write_pair(&ca, dir.path())?;
    let sandbox = webhook_bench::start_sandbox_with_session().await?;
    let log = std::env::var("BENCH_WEBHOOK_LOG").unwrap_or_else(|_| "info".to_owned());
    let webhook = Server::webhook(&WebhookOptions {
        binary: &built_binary("release", "savepoint-webhook"),
        cert: &cert,
        key: &key,
        kubeconfig: sandbox.kubeconfig_path(),
        cert_reload_interval: "5s",
        log: &log,
        extra: &[],
        output: None,
    })?;
    let floor = Server::floor(&built_binary("release", "bench-floor"), &cert, &key)?;
    let tls = ca.client_config()?;
    let target_of = |s: &Server| Target::single(s.addr, tls.clone());
    let payloads = Arc::new(fixtures::payloads(&fixtures::admission_reviews()?)?);
    // The floor answers a fixed uid; the webhook's answers are checked in full.
    webhook_bench::warm_up(&target_of(&floor), &payloads, false).await?;
    webhook_bench::warm_up(&target_of(&webhook), &payloads, true).await?;
    let (reps, secs, open_secs) = if quick { (1, 0.5, 1.0) } else { (3, 2.0, 4.0) };
    let mut closed = Section::new(
        "Webhook vs floor, closed loop (HTTPS, HTTP/1.1 keep-alive)",
        &[
            "connections",
            "server",
            "req/s",
            "p50",
            "p99",
            "p99.9",
            "peak RSS",
            "errors",
            "vs floor",
        ],
    );
    for connections in [1usize, 8, 32, 64] {
        eprintln!("   closed loop, {connections} connections");
        let config = RunConfig {
            connections,
            duration: Duration::from_secs_f64(secs),
            max_requests: 2_000_000,
            rate: None,
            verify: false,
            requests_per_connection: None,
        };
        let m =
            webhook_bench::measure(&[&floor, &webhook], target_of, &payloads, config, reps).await?;
        push_pair(&mut closed, &connections.to_string(), &m[0], &m[1]);
    }
    closed.note(format!(
        "Each figure is the median of {reps} runs of {secs} s per server, floor and webhook alternating; 'vs floor' is the webhook's throughput as a share of the floor's, in the same run. Goal: ≥ 85 %."
    ));
    closed.note(format!(
        "Payloads: the {} captured AdmissionReviews in turn (to /mutate or /validate by capture). Floor: minimal rustls + hyper server, same TLS settings, reads the body and answers a fixed allowed review. Webhook logs at RUST_LOG={log} to /dev/null; its cache watches a sandbox API server holding the session cluster.",
        payloads.len()
    ));
    let mut open = Section::new(
        "Open loop at 1,000 req/s (8 connections, latency from the scheduled send time)",
        &[
            "server",
            "achieved req/s",
            "p50",
            "p99",
            "p99.9",
            "peak RSS",
            "errors",
            "p99 < 2 ms",
        ],
    );
    let config = RunConfig {
        connections: 8,
        duration: Duration::from_secs_f64(open_secs),
        max_requests: 1_000_000,
        rate: Some(1000.0),
        verify: false,
        requests_per_connection: None,
    };
    eprintln!("   open loop, 1000 req/s");
    let m = webhook_bench::measure(&[&floor, &webhook], target_of, &payloads, config, reps).await?;
    for (name, r) in [("floor", &m[0]), ("webhook", &m[1])] {
        open.row(vec![
            name.into(),
            thousands(r.rps),
            ms(r.p50_us),
            ms(r.p99_us),
            ms(r.p999_us),
            mib(r.hwm_kib),
            r.errors.to_string(),
            if r.p99_us < 2000.0 {
                "yes".into()
            } else {
                "**no**".into()
            },
        ]);
    }
    open.note(format!("Median of {reps} runs of {open_secs} s each."));
    drop(webhook);
    drop(floor);
    sandbox.shutdown().await;
    Ok(vec![closed, open])
}

fn push_pair(section: &mut Section, level: &str, floor: &Measured, webhook: &Measured) {
    for (name, r) in [("floor", floor), ("webhook", webhook)] {
        let ratio = if name == "webhook" && floor.rps > 0.0 {
            format!("{:.0} %", 100.0 * webhook.rps / floor.rps)
        } else {
            String::new()
        };
        section.row(vec![
            level.into(),
            name.into(),
            thousands(r.rps),
            ms(r.p50_us),
            ms(r.p99_us),
            ms(r.p999_us),
            mib(r.hwm_kib),
            r.errors.to_string(),
            ratio,
        ]);
    }
}

/// Plugin `list -A` vs kubectl, and start-up.
pub async fn plugin(quick: bool) -> Result<Vec<Section>> {
    flink_savepoint_bench::plugin_bench::run(quick).await
}

/// `/proc/loadavg`'s 1/5/15-minute figures (other work on the machine skews the numbers).
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".to_owned())
}
