//! Prometheus metrics (prometheus-client, OpenMetrics text on the admin port).

use std::{sync::OnceLock, time::Duration};

use prometheus_client::{
    encoding::text::encode,
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::Registry,
};

pub use crate::metrics_labels::{
    DecisionLabel, Endpoint, KindLabel, OperationLabel, ReloadLabels, RequestLabels,
};

/// All metrics of the process.
pub struct Metrics {
    registry: Registry,
    /// Admission requests by endpoint, kind, operation and decision.
    requests: Family<RequestLabels, Counter>,
    /// Handling latency (decode + review + encode), seconds.
    latency: Family<RequestLabels, Histogram>,
    /// Certificate reloads by result.
    pub cert_reloads: Family<ReloadLabels, Counter>,
    /// 1 when the session-cluster cache has synced, 0 otherwise.
    pub cache_synced: Gauge,
    /// FlinkDeployments currently in the cache.
    pub cache_deployments: Gauge,
    /// FlinkSessionJobs currently in the cache.
    pub cache_session_jobs: Gauge,
    /// 1 while the process is ready.
    pub ready: Gauge,
    /// notAfter of the serving certificate, Unix seconds.
    pub cert_not_after: Gauge,
    /// Seconds since the session-cluster cache last heard from the API server (set at scrape).
    pub cache_sync_age: Gauge<f64, std::sync::atomic::AtomicU64>,
    /// Reviews answered 429 because `--max-in-flight` were running.
    pub shed: Counter,
    /// Reviews currently being read, decided or answered.
    pub in_flight: Gauge,
    /// The series of `requests` and `latency` by [`RequestLabels::index`], each looked up in its
    /// family once (a family lookup hashes the labels and takes a lock) and only when first used,
    /// so that `/metrics` shows the same series as without this.
    request_series: Box<[OnceLock<Counter>]>,
    latency_series: Box<[OnceLock<Histogram>]>,
}

/// Latency buckets: 50 µs … 1 s, so sub-millisecond handling is visible (the API server's own
/// histogram starts at 5 ms).
pub const LATENCY_BUCKETS: [f64; 12] = [
    0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.1, 0.25, 1.0,
];

impl Metrics {
    /// Creates and registers every metric.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("savepoint_webhook");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "admission_requests",
            "Admission requests by endpoint, kind, operation and decision",
            requests.clone(),
        );
        let latency = Family::<RequestLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(LATENCY_BUCKETS)
        });
        registry.register(
            "admission_duration_seconds",
            "Time to decode, review and encode one AdmissionReview",
            latency.clone(),
        );
        let cert_reloads = Family::<ReloadLabels, Counter>::default();
        registry.register(
            "cert_reloads",
            "TLS certificate reloads by result",
            cert_reloads.clone(),
        );
        let cache_synced = Gauge::default();
        registry.register(
            "cache_synced",
            "1 when the FlinkDeployment cache has synced",
            cache_synced.clone(),
        );
        let cache_deployments = Gauge::default();
        registry.register(
            "cache_flinkdeployments",
            "FlinkDeployments in the session-cluster cache",
            cache_deployments.clone(),
        );
        let cache_session_jobs = Gauge::default();
        registry.register(
            "cache_flinksessionjobs",
            "FlinkSessionJobs in the session-cluster cache",
            cache_session_jobs.clone(),
        );
        let ready = Gauge::default();
        registry.register("ready", "1 while /readyz answers 200", ready.clone());
        let cert_not_after = Gauge::default();
        registry.register(
            "tls_cert_not_after_timestamp_seconds",
            "notAfter of the serving TLS certificate (Unix seconds)",
            cert_not_after.clone(),
        );
        let cache_sync_age = Gauge::<f64, std::sync::atomic::AtomicU64>::default();
        registry.register(
            "cache_sync_age_seconds",
            "Seconds since the session-cluster cache last listed or received a watch event (-1 before the first sync)",
            cache_sync_age.clone(),
        );
        cache_sync_age.set(-1.0);
        let shed = Counter::default();
        registry.register(
            "admission_shed",
            "Admission reviews answered 429 because --max-in-flight reviews were running",
            shed.clone(),
        );
        let in_flight = Gauge::default();
        registry.register(
            "admission_in_flight",
            "Admission reviews currently in flight",
            in_flight.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            cert_reloads,
            cache_synced,
            cache_deployments,
            cache_session_jobs,
            ready,
            cert_not_after,
            cache_sync_age,
            shed,
            in_flight,
            request_series: (0..RequestLabels::COUNT).map(|_| OnceLock::new()).collect(),
            latency_series: (0..RequestLabels::COUNT).map(|_| OnceLock::new()).collect(),
        }
    }

    /// Counts one admission request.
    pub fn count_request(&self, labels: RequestLabels) {
        self.request_series[labels.index()]
            .get_or_init(|| self.requests.get_or_create_owned(&labels))
            .inc();
    }

    /// Counts one admission request and records how long it took.
    pub fn observe_request(&self, labels: RequestLabels, elapsed: Duration) {
        self.count_request(labels);
        self.latency_series[labels.index()]
            .get_or_init(|| self.latency.get_or_create_owned(&labels))
            .observe(elapsed.as_secs_f64());
    }

    /// Records one certificate reload attempt.
    pub fn cert_reload(&self, ok: bool) {
        let result = if ok { "success" } else { "error" };
        self.cert_reloads
            .get_or_create(&ReloadLabels {
                result: result.to_owned(),
            })
            .inc();
    }

    /// OpenMetrics text exposition.
    pub fn render(&self) -> Result<String, std::fmt::Error> {
        let mut out = String::new();
        encode(&mut out, &self.registry)?;
        Ok(out)
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value of the series of `name` with exactly `labels`, as `/metrics` shows it.
    fn series(text: &str, name: &str, labels: RequestLabels) -> Option<String> {
        let wanted = format!(
            "{name}{{endpoint=\"{}\",kind=\"{}\",operation=\"{}\",decision=\"{}\"}} ",
            labels.endpoint.as_str(),
            labels.kind.as_str(),
            labels.operation.as_str(),
            labels.decision.as_str()
        );
        text.lines()
            .find_map(|line| line.strip_prefix(&wanted))
            .map(str::to_owned)
    }

    /// Requests counted through the pre-resolved series land in the family series of their own
    /// labels: every label set counted a different number of times shows that number.
    #[test]
    fn requests_are_counted_in_the_series_of_their_labels() {
        let metrics = Metrics::new();
        let all = RequestLabels::all();
        for (n, &labels) in all.iter().enumerate() {
            for _ in 0..=n {
                metrics.count_request(labels);
            }
        }
        let text = metrics.render().expect("render");
        for (n, &labels) in all.iter().enumerate() {
            assert_eq!(
                series(&text, "savepoint_webhook_admission_requests_total", labels),
                Some((n + 1).to_string()),
                "{labels:?}"
            );
        }
    }

    /// A series appears only once used, and a request counted without a latency (a malformed
    /// one) adds no histogram series.
    #[test]
    fn series_appear_when_first_used_and_latency_only_where_observed() {
        let metrics = Metrics::new();
        let labels = |kind, decision| RequestLabels {
            endpoint: Endpoint::Validate,
            kind,
            operation: OperationLabel::Create,
            decision,
        };
        let denied = labels(KindLabel::FlinkSessionJob, DecisionLabel::Denied);
        let rejected = labels(KindLabel::Unknown, DecisionLabel::Rejected);
        for _ in 0..3 {
            metrics.observe_request(denied, Duration::from_micros(70));
        }
        metrics.count_request(rejected);
        let text = metrics.render().expect("render");
        let total = "savepoint_webhook_admission_requests_total";
        let count = "savepoint_webhook_admission_duration_seconds_count";
        assert_eq!(series(&text, total, denied).as_deref(), Some("3"));
        assert_eq!(series(&text, count, denied).as_deref(), Some("3"));
        assert_eq!(series(&text, total, rejected).as_deref(), Some("1"));
        assert_eq!(series(&text, count, rejected), None);
        let unused = labels(KindLabel::FlinkStateSnapshot, DecisionLabel::Denied);
        assert_eq!(series(&text, total, unused), None);
        assert_eq!(text.matches("admission_requests_total{").count(), 2);
    }
}
