//! The REST side of following a savepoint: the in-flight progress and the completed savepoint's
//! size and duration from the JobManager, dropped after the first failure (one notice says why).

use std::sync::Arc;

use flink_savepoint::flink_rest::{Completed, JobEndpoint};
use flink_savepoint::plan::InFlight;
use flink_savepoint::time::to_epoch_ms;

use super::flink_rest::FlinkRest;
use crate::render::progress::Progress;

/// How often the JobManager is asked while a savepoint is in progress (also how long apart a
/// stale view of a completed savepoint is asked again).
pub const POLL: std::time::Duration = std::time::Duration::from_secs(1);

/// How often a stale view of a completed savepoint is asked again (Flink's default cache: 3 s).
const STALE_RETRIES: u32 = 4;

/// The REST side of one follow: where the job is, and whether asking still makes sense.
pub(super) struct RestProbe {
    pub(super) rest: Option<Arc<FlinkRest>>,
    pub(super) endpoint: Option<JobEndpoint>,
}

impl RestProbe {
    pub(super) fn active(&self) -> Option<(&FlinkRest, &JobEndpoint)> {
        Some((self.rest.as_deref()?, self.endpoint.as_ref()?))
    }

    /// Progress text of the in-flight savepoint, `None` when the JobManager does not show it.
    pub(super) async fn progress(
        &mut self,
        flight: InFlight,
        progress: &Progress,
    ) -> Option<String> {
        let (rest, endpoint) = self.active()?;
        match rest.checkpoints(endpoint).await {
            Ok(stats) => stats
                .in_progress_savepoint(flight.triggered.map(to_epoch_ms))
                .and_then(|e| e.progress())
                .map(|p| p.text()),
            Err(err) => {
                if let Some(notice) = rest.notice(&err) {
                    progress.warn(&notice);
                }
                self.rest = None;
                None
            }
        }
    }

    /// Size and duration of the completed savepoint at `location`, when the JobManager has it.
    ///
    /// Flink answers `/jobs/:jobid/checkpoints` from a cache (`rest.cache.checkpoint-statistics.timeout`,
    /// by default `web.refresh-interval`, 3 s): just after a savepoint completes it may still show
    /// one in progress. While it does, it is asked again every [`POLL`], [`STALE_RETRIES`]
    /// times at most.
    pub(super) async fn completed(
        &mut self,
        location: &str,
        progress: &Progress,
    ) -> Option<Completed> {
        let (rest, endpoint) = self.active()?;
        for attempt in 0..=STALE_RETRIES {
            match rest.checkpoints(endpoint).await {
                Ok(stats) => {
                    if let Some(done) = stats
                        .find_by_external_path(location)
                        .and_then(|e| e.completed())
                    {
                        return Some(done);
                    }
                    if attempt == STALE_RETRIES || stats.savepoints_in_progress().next().is_none() {
                        return None;
                    }
                    tracing::debug!(
                        attempt,
                        "the JobManager still shows a savepoint in progress"
                    );
                    tokio::time::sleep(POLL).await;
                }
                Err(err) => {
                    if let Some(notice) = rest.notice(&err) {
                        progress.warn(&notice);
                    }
                    return None;
                }
            }
        }
        None
    }
}
