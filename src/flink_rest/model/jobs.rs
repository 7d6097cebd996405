//! `GET /overview`, `/jobs/overview` and `/jobs/:jobid`.

use serde::{Deserialize, Serialize};

use super::values::{JobState, non_negative};

/// `GET /overview`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ClusterOverview {
    #[serde(default)]
    pub flink_version: Option<String>,
    #[serde(default)]
    pub flink_commit: Option<String>,
    #[serde(default)]
    pub taskmanagers: Option<u64>,
    #[serde(default)]
    pub slots_total: Option<u64>,
    #[serde(default)]
    pub slots_available: Option<u64>,
    #[serde(default)]
    pub jobs_running: Option<u64>,
    #[serde(default)]
    pub jobs_finished: Option<u64>,
    #[serde(default)]
    pub jobs_cancelled: Option<u64>,
    #[serde(default)]
    pub jobs_failed: Option<u64>,
}

/// `GET /jobs/overview`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobsOverview {
    pub jobs: Vec<JobOverview>,
}

/// One entry of `GET /jobs/overview`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct JobOverview {
    pub jid: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub state: Option<JobState>,
    /// Epoch milliseconds.
    #[serde(default, deserialize_with = "non_negative")]
    pub start_time: Option<u64>,
    #[serde(default, deserialize_with = "non_negative")]
    pub end_time: Option<u64>,
    /// Milliseconds.
    #[serde(default, deserialize_with = "non_negative")]
    pub duration: Option<u64>,
}

/// `GET /jobs/:jobid` (the part the plugin uses; the plan and metrics are left out).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct JobDetails {
    pub jid: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub state: Option<JobState>,
    #[serde(default)]
    pub job_type: Option<String>,
    #[serde(default, deserialize_with = "non_negative")]
    pub start_time: Option<u64>,
    #[serde(default, deserialize_with = "non_negative")]
    pub end_time: Option<u64>,
    #[serde(default, deserialize_with = "non_negative")]
    pub duration: Option<u64>,
    #[serde(default)]
    pub vertices: Vec<JobVertex>,
}

/// A vertex of `GET /jobs/:jobid`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobVertex {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub parallelism: Option<u64>,
    #[serde(default)]
    pub status: Option<String>,
}
