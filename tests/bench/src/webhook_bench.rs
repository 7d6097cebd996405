//! Webhook vs floor over HTTPS keep-alive: closed-loop throughput and latency at fixed
//! concurrency levels, an open-loop run at a fixed rate, and peak memory.

use std::{path::Path, sync::Arc, time::Duration};

use anyhow::Result;

use crate::{
    client::{Payload, RunConfig, RunResult, Target, run},
    procinfo,
    server::Server,
    stats::{Summary, median},
};

/// One measured configuration for one server (medians over repetitions).
#[derive(Debug, Clone, Default)]
pub struct Measured {
    /// Successful requests per second.
    pub rps: f64,
    /// Successful requests per second of each repetition, in the order they ran.
    pub rps_runs: Vec<f64>,
    /// Median of the per-run percentiles.
    pub p50_us: f64,
    /// 99th percentile, µs.
    pub p99_us: f64,
    /// 99.9th percentile, µs.
    pub p999_us: f64,
    /// Peak RSS during the runs, KiB (max over repetitions).
    pub hwm_kib: u64,
    /// Failed requests over all repetitions.
    pub errors: usize,
    /// Successful requests over all repetitions.
    pub requests: usize,
    /// Server CPU time (user + system) per successful request, µs: over all repetitions.
    pub cpu_us_per_request: f64,
}

/// Measures `servers` alternately (same conditions for each), `reps` times each.
pub async fn measure(
    servers: &[&Server],
    target_of: impl Fn(&Server) -> Target,
    payloads: &Arc<Vec<Payload>>,
    config: RunConfig,
    reps: usize,
) -> Result<Vec<Measured>> {
    let mut runs: Vec<Vec<(RunResult, u64)>> = servers.iter().map(|_| Vec::new()).collect();
    let mut cpu = vec![0.0f64; servers.len()];
    for _ in 0..reps {
        for (i, server) in servers.iter().enumerate() {
            procinfo::reset_hwm(server.pid());
            let cpu_before = procinfo::cpu_seconds(server.pid()).unwrap_or(0.0);
            let result = run(&target_of(server), payloads.clone(), config).await?;
            cpu[i] += procinfo::cpu_seconds(server.pid()).unwrap_or(0.0) - cpu_before;
            let hwm = procinfo::vm_hwm_kib(server.pid()).unwrap_or(0);
            runs[i].push((result, hwm));
        }
    }
    Ok(runs
        .into_iter()
        .zip(cpu)
        .map(|(runs, cpu)| summarise(runs, cpu))
        .collect())
}

fn summarise(runs: Vec<(RunResult, u64)>, cpu_seconds: f64) -> Measured {
    let mut m = Measured::default();
    let mut p50 = Vec::new();
    let mut p99 = Vec::new();
    let mut p999 = Vec::new();
    for (result, hwm) in runs {
        m.rps_runs.push(result.throughput());
        m.errors += result.failures.len();
        m.hwm_kib = m.hwm_kib.max(hwm);
        let s: Summary = result.samples.summary();
        m.requests += s.count;
        p50.push(s.p50.as_secs_f64() * 1e6);
        p99.push(s.p99.as_secs_f64() * 1e6);
        p999.push(s.p999.as_secs_f64() * 1e6);
    }
    m.rps = median(&m.rps_runs);
    if m.requests > 0 {
        m.cpu_us_per_request = cpu_seconds * 1e6 / m.requests as f64;
    }
    m.p50_us = median(&p50);
    m.p99_us = median(&p99);
    m.p999_us = median(&p999);
    m
}

/// The throughput of `server` as a share of `reference`'s, one ratio per repetition: the
/// repetitions of [`measure`] alternate the servers, so each ratio compares two runs seconds
/// apart and slow drift of a shared VM cancels out. Sorted ascending; empty when any reference
/// run answered nothing.
pub fn paired_ratios(reference: &Measured, server: &Measured) -> Vec<f64> {
    if reference.rps_runs.iter().any(|&rps| rps <= 0.0) {
        return Vec::new();
    }
    let mut ratios: Vec<f64> = reference
        .rps_runs
        .iter()
        .zip(&server.rps_runs)
        .map(|(reference, server)| server / reference)
        .collect();
    ratios.sort_by(f64::total_cmp);
    ratios
}

/// Writes a fresh leaf certificate pair into `dir` and returns the paths.
pub fn write_pair(
    ca: &crate::certs::Ca,
    dir: &Path,
) -> Result<(std::path::PathBuf, std::path::PathBuf)> {
    let cert = dir.join("tls.crt");
    let key = dir.join("tls.key");
    ca.leaf()?.write_atomically(&cert, &key)?;
    Ok((cert, key))
}

/// A short closed-loop warm-up (connections, allocator, caches); `verify` checks every answer's uid.
pub async fn warm_up(target: &Target, payloads: &Arc<Vec<Payload>>, verify: bool) -> Result<()> {
    let config = RunConfig {
        connections: 8,
        duration: Duration::from_millis(500),
        max_requests: 20_000,
        rate: None,
        verify,
        requests_per_connection: None,
    };
    let result = run(target, payloads.clone(), config).await?;
    anyhow::ensure!(
        result.failures.is_empty(),
        "warm-up failed: {:?}",
        result.failures.first()
    );
    Ok(())
}

/// A sandbox API server holding namespace `analytics` and the captures' session cluster, for
/// the webhook's session-cluster cache.
pub async fn start_sandbox_with_session() -> Result<flink_sandbox::Sandbox> {
    let sandbox = flink_sandbox::Sandbox::builder().start().await?;
    let session = crate::decision::session_cluster_json()?;
    sandbox.store().ensure_namespace("analytics");
    sandbox
        .store()
        .create("flinkdeployments", "analytics", session)
        .map_err(|e| anyhow::anyhow!("loading the session cluster: {e}"))?;
    Ok(sandbox)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(rps: &[f64]) -> Measured {
        Measured {
            rps_runs: rps.to_vec(),
            ..Measured::default()
        }
    }

    /// Each run is compared with the reference run of the same repetition, not with the
    /// reference's median: a drift that slows both servers alike does not move the ratio.
    #[test]
    fn paired_ratios_compare_runs_of_the_same_repetition() {
        let floor = runs(&[100.0, 50.0, 200.0]);
        let webhook = runs(&[90.0, 45.0, 180.0]);
        assert_eq!(paired_ratios(&floor, &webhook), vec![0.9, 0.9, 0.9]);
        let webhook = runs(&[100.0, 40.0, 220.0]);
        assert_eq!(paired_ratios(&floor, &webhook), vec![0.8, 1.0, 1.1]);
    }

    #[test]
    fn a_reference_run_that_answered_nothing_gives_no_ratio() {
        assert!(paired_ratios(&runs(&[100.0, 0.0]), &runs(&[90.0, 90.0])).is_empty());
    }
}
