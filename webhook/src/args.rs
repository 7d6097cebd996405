//! Command-line flags (every flag also reads an environment variable).

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use clap::{Parser, ValueEnum};
use flink_savepoint::admission::{EnforcementMode, FailSafe};

/// Default HTTPS address for `/validate` and `/mutate`.
pub const DEFAULT_LISTEN: &str = "0.0.0.0:8443";
/// Default plain-HTTP admin address for `/healthz`, `/readyz` and `/metrics`: loopback only, so
/// the unauthenticated admin port is exposed only where a deployment asks for it (the shipped
/// Deployment binds the pod address for the kubelet probes and Prometheus).
pub const DEFAULT_ADMIN_LISTEN: &str = "127.0.0.1:8080";

/// Default `--max-in-flight`.
pub const DEFAULT_MAX_IN_FLIGHT: u32 = 8;

/// Default `--worker-threads`: one. Reviews cost tens of microseconds each, so one thread
/// answers tens of thousands a second; more workers mostly add cross-thread wake-ups (`make
/// bench` on a 2-vCPU VM: one worker answered more reviews per second, with less CPU per review,
/// than two, three or four at 32 and 64 connections, and a few per cent fewer at 8), and a fixed
/// count does not follow the node's cores, which a pod without a CPU limit would otherwise get.
pub const DEFAULT_WORKER_THREADS: u16 = 1;

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Plain,
    /// One JSON object per line (for in-cluster log shipping).
    Json,
}

/// `--enforcement` values (mirrors [`EnforcementMode`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Enforcement {
    /// Reject violations with a 4xx code.
    Deny,
    /// Admit violations with a warning.
    Warn,
}

impl From<Enforcement> for EnforcementMode {
    fn from(value: Enforcement) -> Self {
        match value {
            Enforcement::Deny => EnforcementMode::Deny,
            Enforcement::Warn => EnforcementMode::Warn,
        }
    }
}

/// `--fail-safe` values (mirrors [`FailSafe`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailSafeArg {
    /// Admit with a warning when the session-cluster cache cannot answer.
    Allow,
    /// Deny when the session-cluster cache cannot answer.
    Deny,
}

impl From<FailSafeArg> for FailSafe {
    fn from(value: FailSafeArg) -> Self {
        match value {
            FailSafeArg::Allow => FailSafe::Allow,
            FailSafeArg::Deny => FailSafe::Deny,
        }
    }
}

/// Admission webhook enforcing the Flink savepoint policy.
#[derive(Debug, Clone, Parser)]
#[command(name = "savepoint-webhook", version, about)]
pub struct Args {
    /// HTTPS address serving /validate and /mutate.
    #[arg(long, env = "WEBHOOK_LISTEN", default_value = DEFAULT_LISTEN)]
    pub listen: SocketAddr,
    /// Plain-HTTP address serving /healthz, /readyz and /metrics.
    #[arg(long, env = "WEBHOOK_ADMIN_LISTEN", default_value = DEFAULT_ADMIN_LISTEN)]
    pub admin_listen: SocketAddr,
    /// PEM certificate chain (leaf first); reloaded when the file changes.
    #[arg(long, env = "WEBHOOK_TLS_CERT")]
    pub tls_cert: PathBuf,
    /// PEM private key (PKCS#8, PKCS#1 or SEC1); reloaded when the file changes.
    #[arg(long, env = "WEBHOOK_TLS_KEY")]
    pub tls_key: PathBuf,
    /// How often the certificate files are checked for changes.
    #[arg(long, env = "WEBHOOK_CERT_RELOAD_INTERVAL", default_value = "5s", value_parser = parse_duration_arg)]
    pub cert_reload_interval: Duration,
    /// YAML policy file (enforcement, fail-safe, opt-out, defaults); flags override it.
    #[arg(long, env = "WEBHOOK_CONFIG")]
    pub config: Option<PathBuf>,
    /// Watch FlinkDeployments/FlinkSessionJobs in this namespace only (default: all namespaces).
    #[arg(long, env = "WEBHOOK_NAMESPACE")]
    pub namespace: Option<String>,
    /// Readiness waits for the session-cluster cache to sync. `off` (default): never ready
    /// without a synced cache. A duration: become ready after that long anyway, degraded
    /// (lookups answer "unknown" and the fail-safe direction applies).
    #[arg(long, env = "WEBHOOK_CACHE_SYNC_TIMEOUT", default_value = "off", value_parser = parse_optional_duration_arg)]
    pub cache_sync_timeout: OptionalDuration,
    /// Deadline for draining in-flight requests after SIGTERM/SIGINT.
    #[arg(long, env = "WEBHOOK_SHUTDOWN_GRACE", default_value = "20s", value_parser = parse_duration_arg)]
    pub shutdown_grace: Duration,
    /// Delay between turning not-ready and closing the listener, so endpoints can be updated.
    #[arg(long, env = "WEBHOOK_SHUTDOWN_DELAY", default_value = "0s", value_parser = parse_duration_arg)]
    pub shutdown_delay: Duration,
    /// Per-request timeout (reading the body, deciding, answering).
    #[arg(long, env = "WEBHOOK_REQUEST_TIMEOUT", default_value = "10s", value_parser = parse_duration_arg)]
    pub request_timeout: Duration,
    /// Most admission reviews read and decided at once; more are answered 429 at once (before
    /// their body is read), so memory stays bounded and the API server's failurePolicy applies.
    #[arg(long, env = "WEBHOOK_MAX_IN_FLIGHT", default_value_t = DEFAULT_MAX_IN_FLIGHT, value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub max_in_flight: u32,
    /// Threads of the async runtime that serve connections and run the cache. One (the
    /// default) keeps a review on the thread that read it; raise it with the CPU the pod has
    /// when one core is not enough.
    #[arg(long, env = "WEBHOOK_WORKER_THREADS", default_value_t = DEFAULT_WORKER_THREADS, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub worker_threads: u16,
    /// Deadline for the first request on a connection and for HTTP/1.1 request headers.
    #[arg(long, env = "WEBHOOK_HEADER_TIMEOUT", default_value = "10s", value_parser = parse_duration_arg)]
    pub header_timeout: Duration,
    /// Close a connection (HTTPS or admin) after this long without a request in flight.
    #[arg(long, env = "WEBHOOK_IDLE_TIMEOUT", default_value = "60s", value_parser = parse_duration_arg)]
    pub idle_timeout: Duration,
    /// Log format; the level comes from RUST_LOG (default info).
    #[arg(long, env = "WEBHOOK_LOG_FORMAT", value_enum, default_value = "json")]
    pub log_format: LogFormat,
    /// Override the enforcement mode from the config file.
    #[arg(long, env = "WEBHOOK_ENFORCEMENT", value_enum)]
    pub enforcement: Option<Enforcement>,
    /// Override the fail-safe direction from the config file.
    #[arg(long, env = "WEBHOOK_FAIL_SAFE", value_enum)]
    pub fail_safe: Option<FailSafeArg>,
    /// Override the opt-out label/annotation key.
    #[arg(long, env = "WEBHOOK_OPT_OUT_KEY")]
    pub opt_out_key: Option<String>,
    /// Override the default `kubernetes.operator.savepoint.history.max.age` ("" disables it).
    #[arg(long, env = "WEBHOOK_DEFAULT_HISTORY_MAX_AGE")]
    pub default_history_max_age: Option<String>,
    /// Override the default `kubernetes.operator.savepoint.history.max.count` ("" disables it).
    #[arg(long, env = "WEBHOOK_DEFAULT_HISTORY_MAX_COUNT")]
    pub default_history_max_count: Option<String>,
    /// Default `kubernetes.operator.periodic.savepoint.interval` ("" disables it).
    #[arg(long, env = "WEBHOOK_DEFAULT_PERIODIC_INTERVAL")]
    pub default_periodic_interval: Option<String>,
}

/// A duration flag that can be switched `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptionalDuration(pub Option<Duration>);

/// `off` (or `never`) → none, otherwise [`parse_duration_arg`].
pub fn parse_optional_duration_arg(text: &str) -> Result<OptionalDuration, String> {
    match text.trim() {
        "off" | "never" => Ok(OptionalDuration(None)),
        other => parse_duration_arg(other).map(|d| OptionalDuration(Some(d))),
    }
}

/// Parses `500ms`, `5s`, `2m`, `1h` or a bare number of seconds.
pub fn parse_duration_arg(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let value: u64 = digits
        .parse()
        .map_err(|_| format!("invalid duration {text:?}: expected e.g. 500ms, 5s, 2m or 1h"))?;
    match unit.trim() {
        "ms" => Ok(Duration::from_millis(value)),
        "" | "s" => Ok(Duration::from_secs(value)),
        "m" => Ok(Duration::from_secs(value.saturating_mul(60))),
        "h" => Ok(Duration::from_secs(value.saturating_mul(3600))),
        other => Err(format!(
            "invalid duration unit {other:?} in {text:?}: use ms, s, m or h"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duration_flags_accept_common_units_and_reject_garbage() {
        assert_eq!(parse_duration_arg("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration_arg("5s"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_duration_arg("7"), Ok(Duration::from_secs(7)));
        assert_eq!(parse_duration_arg("2m"), Ok(Duration::from_secs(120)));
        assert!(parse_duration_arg("soon").is_err());
        assert!(parse_duration_arg("5 fortnights").is_err());
    }

    #[test]
    fn defaults_match_the_documented_ports() {
        let args = Args::try_parse_from([
            "savepoint-webhook",
            "--tls-cert",
            "c.pem",
            "--tls-key",
            "k.pem",
        ])
        .expect("parses");
        assert_eq!(args.listen.port(), 8443);
        assert_eq!(args.admin_listen.port(), 8080);
        assert!(
            !args.admin_listen.ip().is_unspecified(),
            "the admin port must not listen on every address by default"
        );
        assert_eq!(args.log_format, LogFormat::Json);
        assert_eq!(
            args.cache_sync_timeout.0, None,
            "readiness must wait for a synced cache unless told otherwise"
        );
    }
}
