//! `status`: per job, what it could be restored from and how old that is, and a verdict with its
//! reasons (`kubectl savepoint status`, like `kubectl cnpg status`).
//!
//! Pure: the plugin hands in the job, its savepoint history, the effective configuration layers
//! and what the JobManager said (or why it could not be asked). Configuration is read through
//! [`schedule_view`] and [`PeriodicInterval::parse`], as everywhere else.

use std::time::Duration;

use jiff::Timestamp;
use serde::Serialize;

use super::describe::EntryBrief;
use super::settings::{Setting, schedule_view};
use crate::config::Layered;
use crate::crd::{FlinkJobState, SnapshotTriggerType};
use crate::flink_rest::CheckpointBrief;
use crate::grammar::PeriodicInterval;
use crate::history::{EntrySource, EntryState, SavepointEntry, latest_completed};
use crate::time::serialize_opt_iso;

pub use super::status_verdict::{Reason, Verdict};

/// Failed or abandoned savepoints younger than this count as recent.
pub const RECENT: Duration = Duration::from_secs(24 * 3600);

/// What the JobManager said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RestFacts {
    /// It answered; its newest completed checkpoint (`None`: none yet).
    Answered(Option<CheckpointBrief>),
    /// It could not be reached (the cause, e.g. `forbidden (needs get on services/proxy)`).
    Unreachable(String),
    /// Not asked: the job has no id yet, or REST was not wanted.
    NotAsked,
}

/// Everything [`job_status`] needs about one job.
#[derive(Debug, Clone)]
pub struct StatusFacts<'a> {
    /// `app/orders`, `job/clicks`.
    pub target: String,
    /// Namespace.
    pub namespace: String,
    /// `status.jobStatus.state`.
    pub job_state: Option<FlinkJobState>,
    /// Effective configuration.
    pub layers: Layered<'a>,
    /// Savepoint history, newest first.
    pub history: &'a [SavepointEntry],
    /// `status.jobStatus.savepointInfo.lastPeriodicSavepointTimestamp` (0 = never).
    pub last_periodic_ms: Option<i64>,
    /// `status.jobStatus.startTime`: where the schedule counts from before the first periodic
    /// savepoint.
    pub job_started: Option<Timestamp>,
    /// The JobManager's answer.
    pub rest: RestFacts,
    /// Reference time.
    pub now: Timestamp,
}

/// The newest completed savepoint.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SavepointBrief {
    /// Snapshot name or synthetic id.
    pub id: String,
    /// `MANUAL`, `PERIODIC`, `UPGRADE`.
    pub trigger_type: String,
    /// Where it is.
    pub location: Option<String>,
    /// When it was taken (trigger, else completion time).
    #[serde(serialize_with = "serialize_opt_iso")]
    pub time: Option<Timestamp>,
    /// Seconds from then to the reference time.
    pub age_seconds: Option<i64>,
}

/// The periodic schedule.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Periodic {
    /// `kubernetes.operator.periodic.savepoint.interval` with its source and meaning.
    pub interval: Setting,
    /// The last periodic trigger the status records.
    #[serde(serialize_with = "serialize_opt_iso")]
    pub last_triggered: Option<Timestamp>,
    /// Where the next trigger is counted from: the last periodic trigger, else the job start.
    #[serde(serialize_with = "serialize_opt_iso")]
    pub counted_from: Option<Timestamp>,
    /// When the next one is due (`None`: disabled, invalid, or never triggered yet).
    #[serde(serialize_with = "serialize_opt_iso")]
    pub next_due: Option<Timestamp>,
    /// Seconds from the reference time to `next_due` (negative: overdue).
    pub due_in_seconds: Option<i64>,
}

/// The retention the operator applies (PERIODIC and UPGRADE savepoints only).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Retention {
    /// `kubernetes.operator.savepoint.history.max.age`.
    pub max_age: Setting,
    /// `kubernetes.operator.savepoint.history.max.count`.
    pub max_count: Setting,
    /// `kubernetes.operator.savepoint.cleanup.enabled`.
    pub cleanup: Setting,
}

/// The status of one job.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JobRecoverability {
    /// `app/orders`.
    pub target: String,
    /// Namespace.
    pub namespace: String,
    /// Flink job state.
    pub job_state: Option<String>,
    /// Newest completed savepoint.
    pub newest_savepoint: Option<SavepointBrief>,
    /// The JobManager's newest completed checkpoint.
    pub last_checkpoint: Option<CheckpointBrief>,
    /// Periodic schedule.
    pub periodic: Periodic,
    /// Retention in force.
    pub retention: Retention,
    /// MANUAL FlinkStateSnapshots of this job: no operator cleanup ever removes them.
    pub manual_snapshots_kept: usize,
    /// Savepoints that failed or were abandoned in the last 24 h, newest first.
    pub recent_failures: Vec<EntryBrief>,
    /// Verdict.
    pub verdict: Verdict,
    /// Why the verdict is not OK (empty when OK).
    pub reasons: Vec<Reason>,
}

fn age(now: Timestamp, t: Option<Timestamp>) -> Option<i64> {
    t.map(|t| now.as_second() - t.as_second())
}

/// The status and verdict of one job.
pub fn job_status(facts: StatusFacts<'_>) -> JobRecoverability {
    let view = schedule_view(&facts.layers);
    let now = facts.now;
    let mut reasons = Vec::new();

    let running = facts.job_state.as_ref() == Some(&FlinkJobState::Running);
    if !running {
        reasons.push(Reason::JobNotRunning {
            state: facts
                .job_state
                .as_ref()
                .map_or("unknown".to_owned(), |s| s.as_str().to_owned()),
        });
    }

    let newest = latest_completed(facts.history);
    let newest_savepoint = newest.map(|e| SavepointBrief {
        id: e.id.clone(),
        trigger_type: e.trigger_type.as_str().to_owned(),
        location: e.location.clone(),
        time: e.time(),
        age_seconds: age(now, e.time()),
    });
    if newest.is_none() {
        reasons.push(Reason::NoCompletedSavepoint);
    }

    let interval_value = view.interval.value.clone().unwrap_or_default();
    let interval = match PeriodicInterval::parse(&interval_value) {
        Ok(i) => i,
        Err(_) => {
            reasons.push(Reason::InvalidInterval {
                value: interval_value.clone(),
            });
            PeriodicInterval::Disabled
        }
    };
    let periodic_on = interval != PeriodicInterval::Disabled;
    let has_dir = view
        .savepoint_dir
        .value
        .as_deref()
        .is_some_and(|d| !d.trim().is_empty());
    if periodic_on && !has_dir {
        reasons.push(Reason::PeriodicWithoutDirectory);
    }

    // The last periodic trigger: the status timestamp (legacy mode keeps it current), or the newest
    // PERIODIC entry (snapshot mode), whichever is later.
    let from_status = facts
        .last_periodic_ms
        .filter(|ms| *ms > 0)
        .and_then(crate::time::from_epoch_ms);
    let from_history = facts
        .history
        .iter()
        .filter(|e| e.trigger_type == SnapshotTriggerType::Periodic)
        .filter_map(SavepointEntry::time)
        .max();
    let last_triggered = from_status.max(from_history);
    let counted_from = last_triggered.or(facts.job_started);
    let next_due = counted_from.and_then(|t| interval.next_trigger(t));
    let periodic = Periodic {
        interval: view.interval.clone(),
        last_triggered,
        counted_from,
        next_due,
        due_in_seconds: next_due.map(|d| d.as_second() - now.as_second()),
    };

    // "older than twice the interval": past the second scheduled trigger after it was taken
    if let Some(e) = newest
        && periodic_on
        && let Some(taken) = e.time()
        && let Some(limit) = interval
            .next_trigger(taken)
            .and_then(|first| interval.next_trigger(first))
        && limit < now
    {
        reasons.push(Reason::SavepointTooOld {
            age_seconds: now.as_second() - taken.as_second(),
            limit_seconds: limit.as_second() - taken.as_second(),
        });
    }

    let recent_cutoff = now.as_second() - i64::try_from(RECENT.as_secs()).unwrap_or(i64::MAX);
    let recent_failures: Vec<EntryBrief> = facts
        .history
        .iter()
        .filter(|e| matches!(e.state, EntryState::Failed | EntryState::Abandoned))
        .filter(|e| {
            e.completed
                .or(e.time())
                .is_some_and(|t| t.as_second() >= recent_cutoff)
        })
        .map(EntryBrief::from)
        .collect();
    if !recent_failures.is_empty() {
        reasons.push(Reason::RecentFailures {
            count: recent_failures.len(),
        });
    }

    let last_checkpoint = match facts.rest {
        RestFacts::Answered(c) => c,
        RestFacts::Unreachable(cause) => {
            reasons.push(Reason::RestUnreachable { cause });
            None
        }
        RestFacts::NotAsked => None,
    };

    let manual_snapshots_kept = facts
        .history
        .iter()
        .filter(|e| e.source == EntrySource::Snapshot)
        .filter(|e| e.trigger_type == SnapshotTriggerType::Manual)
        .count();

    let verdict = reasons
        .iter()
        .map(Reason::severity)
        .max()
        .unwrap_or(Verdict::Ok);
    JobRecoverability {
        target: facts.target,
        namespace: facts.namespace,
        job_state: facts.job_state.map(|s| s.as_str().to_owned()),
        newest_savepoint,
        last_checkpoint,
        periodic,
        retention: Retention {
            max_age: view.max_age,
            max_count: view.max_count,
            cleanup: view.cleanup,
        },
        manual_snapshots_kept,
        recent_failures,
        verdict,
        reasons,
    }
}

#[cfg(test)]
#[path = "status_tests.rs"]
mod tests;
