//! Whether a savepoint may be triggered, and what to send.
//!
//! [`plan_trigger`] checks, in this order, and refuses (nothing is changed) with a [`Refusal`]:
//! 1. the target is a session cluster (no job of its own);
//! 2. `--method snapshot` but the FlinkStateSnapshot CRD is not served;
//! 3. no savepoint directory in the effective configuration (resource, plus session cluster for
//!    a session job) — bypassed by `force` with a warning, since an operator-wide default is
//!    invisible from the resources;
//! 4. the job is not RUNNING (the operator ignores the trigger then) — bypassed by `force`
//!    with a warning.

use crate::config::{Layered, ValueSource, options::SAVEPOINT_DIR};
use crate::crd::{FlinkStateSnapshot, Target};

use super::nonce::choose_nonce;
use super::trigger_snapshot::{SnapshotOptions, build_snapshot};

/// How the savepoint is requested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Change `spec.job.savepointTriggerNonce`.
    Nonce,
    /// Create a FlinkStateSnapshot.
    Snapshot,
}

/// Everything [`plan_trigger`] decides on.
#[derive(Debug, Clone)]
pub struct TriggerInput<'a> {
    /// The resource.
    pub subject: Target<'a>,
    /// Nonce or snapshot.
    pub method: Method,
    /// Whether the API server serves `flinkstatesnapshots.flink.apache.org` (discovery).
    pub snapshot_crd_installed: bool,
    /// `--force`: proceed despite a missing savepoint dir or a job that is not running.
    pub force: bool,
    /// Current time, epoch ms (nonce value and snapshot name).
    pub now_ms: i64,
    /// Snapshot settings (`--method snapshot`).
    pub snapshot: SnapshotOptions,
}

/// What to send.
#[derive(Debug, Clone, PartialEq)]
pub enum TriggerAction {
    /// Merge-patch the nonce, guarded by `resource_version`.
    Nonce {
        /// The new nonce.
        nonce: i64,
        /// The spec's nonce before the change.
        previous: Option<i64>,
        /// The resourceVersion the decision was based on.
        resource_version: String,
    },
    /// Create this FlinkStateSnapshot.
    Snapshot(Box<FlinkStateSnapshot>),
}

/// A trigger that may proceed.
#[derive(Debug, Clone, PartialEq)]
pub struct TriggerPlan {
    /// What to send.
    pub action: TriggerAction,
    /// Warnings to show (e.g. `--force` overrides).
    pub warnings: Vec<String>,
    /// The savepoint directory that will be used, if found: (key, value, where).
    pub savepoint_dir: Option<(String, String, String)>,
}

/// Why a trigger was refused (usage-level: nothing was changed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// A FlinkDeployment without `spec.job`.
    #[error(
        "{target} is a session cluster: it has no job of its own to take a savepoint of; trigger one of \
         its session jobs instead (see: kubectl savepoint list session/{name})"
    )]
    SessionCluster {
        /// `session/NAME` or `app/NAME`.
        target: String,
        /// Its name.
        name: String,
    },
    /// `--method snapshot` on a cluster without the FlinkStateSnapshot CRD.
    #[error(
        "--method snapshot needs the FlinkStateSnapshot CRD (flinkstatesnapshots.flink.apache.org), which is \
         not installed; it was introduced in Flink Kubernetes operator 1.10.0. Use --method nonce, or install \
         the operator's CRDs"
    )]
    SnapshotCrdMissing,
    /// No savepoint directory anywhere the operator would look.
    #[error(
        "no savepoint directory is configured for {target}: looked for {keys} in {places}; the operator \
         cannot take the savepoint. {hint}, or pass --force if the operator's defaultConfiguration sets it"
    )]
    NoSavepointDir {
        /// `app/NAME` or `job/NAME`.
        target: String,
        /// The keys looked for.
        keys: String,
        /// Where they were looked for.
        places: String,
        /// Where to set one: the application itself, or a session job's session cluster (never
        /// the session job: its directory is the cluster's).
        hint: String,
    },
    /// The job is not RUNNING.
    #[error(
        "the job of {target} is {state}, not RUNNING: the operator only takes savepoints of running jobs \
         (a nonce waits until the job runs; a FlinkStateSnapshot would be ABANDONED). Pass --force to trigger anyway"
    )]
    JobNotRunning {
        /// `app/NAME` or `job/NAME`.
        target: String,
        /// The observed job state.
        state: String,
    },
    /// The object has no resourceVersion (cannot guard the update).
    #[error("{target} has no metadata.resourceVersion; refusing an unguarded update")]
    NoResourceVersion {
        /// `app/NAME` or `job/NAME`.
        target: String,
    },
}

/// Decides whether and how to trigger.
pub fn plan_trigger(input: &TriggerInput<'_>) -> Result<TriggerPlan, Refusal> {
    let target = input.subject.display();
    if let Target::SessionCluster(d) = input.subject {
        return Err(Refusal::SessionCluster {
            target,
            name: d.metadata.name.clone().unwrap_or_default(),
        });
    }
    if input.method == Method::Snapshot && !input.snapshot_crd_installed {
        return Err(Refusal::SnapshotCrdMissing);
    }
    let mut warnings = Vec::new();
    let savepoint_dir = find_savepoint_dir(&input.subject);
    if savepoint_dir.is_none() {
        let refusal = no_dir_refusal(&input.subject, target.clone());
        if !input.force {
            return Err(refusal);
        }
        warnings.push(format!("--force: {refusal}"));
    }
    if let Some(state) = not_running_state(&input.subject) {
        if !input.force {
            return Err(Refusal::JobNotRunning { target, state });
        }
        warnings.push(format!(
            "the job of {target} is {state}, not RUNNING: the operator will act on the request only once it runs"
        ));
    }
    let action = match input.method {
        Method::Nonce => {
            let resource_version = input
                .subject
                .resource_version()
                .filter(|rv| !rv.is_empty())
                .ok_or_else(|| Refusal::NoResourceVersion {
                    target: target.clone(),
                })?
                .to_owned();
            let (spec, reconciled) = input.subject.nonces();
            TriggerAction::Nonce {
                nonce: choose_nonce(spec, reconciled, input.now_ms),
                previous: spec,
                resource_version,
            }
        }
        Method::Snapshot => TriggerAction::Snapshot(Box::new(build_snapshot(
            &input.subject.target_ref(),
            &input.snapshot,
            input.now_ms,
        ))),
    };
    Ok(TriggerPlan {
        action,
        warnings,
        savepoint_dir,
    })
}

fn find_savepoint_dir(subject: &Target<'_>) -> Option<(String, String, String)> {
    let (own_place, cluster_place) = match subject {
        Target::Application(_) | Target::SessionCluster(_) => ("the FlinkDeployment", ""),
        Target::SessionJob { .. } => ("the FlinkSessionJob", "its session cluster"),
    };
    let (own, cluster) = subject.flat_configs();
    Layered::of(&own, cluster.as_ref())
        .resolve_explicit(&SAVEPOINT_DIR)
        .map(|r| {
            let place = match r.source {
                ValueSource::SessionCluster => cluster_place,
                _ => own_place,
            };
            (r.key.to_owned(), r.value.to_owned(), place.to_owned())
        })
}

fn no_dir_refusal(subject: &Target<'_>, target: String) -> Refusal {
    let keys = SAVEPOINT_DIR.spellings().collect::<Vec<_>>().join(", ");
    let hint = match subject {
        Target::Application(d) | Target::SessionCluster(d) => format!(
            "Set one with: kubectl savepoint schedule app/{} --savepoint-dir DIR",
            d.metadata.name.as_deref().unwrap_or("NAME")
        ),
        Target::SessionJob { job, .. } => format!(
            "Session jobs use the directory of their session cluster: set it there with: \
             kubectl savepoint schedule session/{} --savepoint-dir DIR",
            job.deployment_name().unwrap_or("CLUSTER")
        ),
    };
    let places = match subject {
        Target::Application(d) | Target::SessionCluster(d) => format!(
            "spec.flinkConfiguration of FlinkDeployment {:?}",
            d.metadata.name.as_deref().unwrap_or("")
        ),
        Target::SessionJob { job, cluster } => {
            let job_name = job.metadata.name.as_deref().unwrap_or("");
            let cluster_name = job.deployment_name().unwrap_or("");
            match cluster {
                Some(_) => format!(
                    "spec.flinkConfiguration of FlinkSessionJob {job_name:?} and of its session cluster \
                     FlinkDeployment {cluster_name:?}"
                ),
                None => format!(
                    "spec.flinkConfiguration of FlinkSessionJob {job_name:?} (its session cluster \
                     FlinkDeployment {cluster_name:?} was not found)"
                ),
            }
        }
    };
    Refusal::NoSavepointDir {
        target,
        keys,
        places,
        hint,
    }
}

/// The job state as text when it is not RUNNING (or suspended in the spec); `None` if running.
fn not_running_state(subject: &Target<'_>) -> Option<String> {
    let spec_job = subject.job();
    if spec_job.and_then(|j| j.state.as_ref()).map(|s| s.as_str()) == Some("suspended") {
        return Some("suspended (spec.job.state)".to_owned());
    }
    match subject.job_status().and_then(|s| s.state.as_ref()) {
        Some(state) if state.is_running() => None,
        Some(state) => Some(state.as_str().to_owned()),
        None => Some("not reported yet (no status.jobStatus.state)".to_owned()),
    }
}

#[cfg(test)]
#[path = "trigger_tests.rs"]
mod tests;
