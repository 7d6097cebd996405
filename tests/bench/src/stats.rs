//! Latency statistics: exact percentiles over recorded samples and medians over repeated runs.

use std::time::Duration;

/// Recorded latencies of one run (nanoseconds, unsorted until [`Samples::summary`]).
#[derive(Debug, Default, Clone)]
pub struct Samples {
    nanos: Vec<u64>,
}

impl Samples {
    /// An empty recorder with room for `capacity` samples.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            nanos: Vec::with_capacity(capacity),
        }
    }

    /// Records one latency.
    pub fn record(&mut self, latency: Duration) {
        self.nanos
            .push(u64::try_from(latency.as_nanos()).unwrap_or(u64::MAX));
    }

    /// Appends every sample of `other`.
    pub fn merge(&mut self, other: Samples) {
        self.nanos.extend(other.nanos);
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.nanos.len()
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.nanos.is_empty()
    }

    /// p50/p99/p99.9/max of the samples (all zero when empty).
    pub fn summary(mut self) -> Summary {
        self.nanos.sort_unstable();
        Summary {
            count: self.nanos.len(),
            p50: percentile_sorted(&self.nanos, 50.0),
            p99: percentile_sorted(&self.nanos, 99.0),
            p999: percentile_sorted(&self.nanos, 99.9),
            max: Duration::from_nanos(self.nanos.last().copied().unwrap_or(0)),
        }
    }
}

/// Percentiles of one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    /// Samples counted.
    pub count: usize,
    /// Median.
    pub p50: Duration,
    /// 99th percentile.
    pub p99: Duration,
    /// 99.9th percentile.
    pub p999: Duration,
    /// Largest sample.
    pub max: Duration,
}

/// Nearest-rank percentile (`p` in 0..=100) of ascending `sorted` nanoseconds; zero when empty.
pub fn percentile_sorted(sorted: &[u64], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let p = p.clamp(0.0, 100.0);
    // Nearest rank: the smallest value with at least p% of the samples at or below it.
    // (The epsilon absorbs float error: 99.9% of 1000 must be rank 999, not 1000.)
    let rank = ((p / 100.0) * sorted.len() as f64 - 1e-9).ceil() as usize;
    let index = rank.saturating_sub(1).min(sorted.len() - 1);
    Duration::from_nanos(sorted[index])
}

/// Median of repeated measurements (mean of the two middle values for an even count).
pub fn median(values: &[f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len().is_multiple_of(2) {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    } else {
        sorted[mid]
    }
}

/// Median of durations.
pub fn median_duration(values: &[Duration]) -> Duration {
    let secs: Vec<f64> = values.iter().map(Duration::as_secs_f64).collect();
    Duration::from_secs_f64(median(&secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles_pick_recorded_values() {
        let mut s = Samples::default();
        for ms in 1..=1000u64 {
            s.record(Duration::from_micros(ms));
        }
        let sum = s.summary();
        assert_eq!(sum.count, 1000);
        assert_eq!(sum.p50, Duration::from_micros(500));
        assert_eq!(sum.p99, Duration::from_micros(990));
        assert_eq!(sum.p999, Duration::from_micros(999));
        assert_eq!(sum.max, Duration::from_micros(1000));
    }

    #[test]
    fn percentiles_of_unsorted_small_sets_and_empty_sets() {
        let mut s = Samples::default();
        for v in [30u64, 10, 20] {
            s.record(Duration::from_nanos(v));
        }
        let sum = s.summary();
        assert_eq!(sum.p50, Duration::from_nanos(20));
        assert_eq!(sum.p99, Duration::from_nanos(30));
        assert_eq!(Samples::default().summary(), Summary::default());
    }

    #[test]
    fn median_handles_odd_even_and_empty_inputs() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(median(&[]), 0.0);
        assert_eq!(
            median_duration(&[
                Duration::from_millis(5),
                Duration::from_millis(1),
                Duration::from_millis(3)
            ]),
            Duration::from_millis(3)
        );
    }
}
