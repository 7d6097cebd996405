//! Typed model of the Flink JobManager REST responses the plugin reads (issue 14): jobs, checkpoint
//! statistics and history, checkpoint details and the asynchronous savepoint trigger.
//!
//! Pure: callers hand in response bodies, nothing here does I/O. Decoding is tolerant the way the
//! REST API needs it to be across Flink versions: unknown fields are ignored, every field that is
//! not an identifier is optional, Flink's `-1` "unknown" markers read as absent, and enumerations
//! keep values they do not know. Bodies that are not what was asked for (garbage, truncated JSON,
//! a Flink `{"errors": [...]}` body) are errors, never panics.
//!
//! Field names follow `org.apache.flink.runtime.rest.messages` (checked against real Flink 1.20.3
//! and 2.1.1 responses in `tests/fixtures/flink-rest/`, whose checkpoint and savepoint fields are
//! identical). Sizes: Flink 1.15+ reports `state_size` (the full
//! state size) and `checkpointed_size` (what this checkpoint persisted; smaller than the full size
//! for incremental checkpoints); older releases only `state_size`.

mod brief;
mod endpoint;
mod error;
mod model;
mod query;

pub use brief::{CheckpointBrief, annotate};
pub use endpoint::{JobEndpoint, REST_PORT_NAME, job_endpoint, service_proxy_path};
pub use error::FlinkRestError;
pub(crate) use error::first_line;
pub use model::*;
pub use query::*;

use serde::de::DeserializeOwned;

/// Decodes `body` as `T`; `what` names the response in errors.
///
/// A Flink error body (`{"errors": [...]}`) becomes [`FlinkRestError::Server`] whatever `T` is.
pub fn decode<T: DeserializeOwned>(what: &'static str, body: &[u8]) -> Result<T, FlinkRestError> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|source| FlinkRestError::Decode { what, source })?;
    if let Some(errors) = value.get("errors").and_then(serde_json::Value::as_array) {
        return Err(FlinkRestError::Server {
            what,
            errors: errors
                .iter()
                .map(|e| match e.as_str() {
                    Some(s) => first_line(s).to_owned(),
                    None => e.to_string(),
                })
                .collect(),
        });
    }
    T::deserialize(&value).map_err(|source| FlinkRestError::Decode { what, source })
}

/// `GET /overview`.
pub fn parse_cluster_overview(body: &[u8]) -> Result<ClusterOverview, FlinkRestError> {
    decode("cluster overview", body)
}

/// `GET /jobs/overview`.
pub fn parse_jobs_overview(body: &[u8]) -> Result<JobsOverview, FlinkRestError> {
    decode("jobs overview", body)
}

/// `GET /jobs/:jobid`.
pub fn parse_job_details(body: &[u8]) -> Result<JobDetails, FlinkRestError> {
    decode("job details", body)
}

/// `GET /jobs/:jobid/checkpoints`.
pub fn parse_checkpointing_statistics(
    body: &[u8],
) -> Result<CheckpointingStatistics, FlinkRestError> {
    decode("checkpointing statistics", body)
}

/// `GET /jobs/:jobid/checkpoints/config`.
pub fn parse_checkpoint_config(body: &[u8]) -> Result<CheckpointConfig, FlinkRestError> {
    decode("checkpoint config", body)
}

/// `GET /jobs/:jobid/checkpoints/details/:checkpointid`.
pub fn parse_checkpoint_details(body: &[u8]) -> Result<CheckpointStatistics, FlinkRestError> {
    decode("checkpoint details", body)
}

/// `POST /jobs/:jobid/savepoints` (the trigger id).
pub fn parse_savepoint_trigger(body: &[u8]) -> Result<TriggerResponse, FlinkRestError> {
    decode("savepoint trigger", body)
}

/// `GET /jobs/:jobid/savepoints/:triggerid`.
pub fn parse_savepoint_status(body: &[u8]) -> Result<SavepointStatus, FlinkRestError> {
    decode("savepoint status", body)
}
