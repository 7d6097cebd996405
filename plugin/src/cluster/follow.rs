//! Following a savepoint until it finishes: the I/O shell around
//! [`flink_savepoint::plan::wait`].
//!
//! Watches (no polling) the target object (a `metadata.name` field-selected watch) and, when the
//! CRD exists, the namespace's FlinkStateSnapshots; every change re-evaluates the pure
//! [`evaluate`]. Progress goes to stderr. While the savepoint is being written, the JobManager's
//! REST API (through the service proxy, [`FlinkRest`]) is asked every [`POLL`] how far it is
//! (acknowledged subtasks, bytes persisted, elapsed); once it completed, for its size and duration.
//! When that fails, one notice says why and following goes on without it.

use std::sync::Arc;
use std::time::Duration;

use ::kube::Client;
use ::kube::runtime::watcher;
use flink_savepoint::crd::FlinkStateSnapshot;
use flink_savepoint::flink_rest::{Completed, JobEndpoint, job_endpoint};
use flink_savepoint::plan::{InFlight, WaitStatus, WaitSubject, evaluate, in_flight};
use futures::{StreamExt, stream};

use super::cache::Cache;
use super::discovery::list_all;
use super::flink_rest::FlinkRest;
use super::follow_probe::{POLL, RestProbe};
use super::follow_watch::{
    MAX_WATCH_ERRORS, Update, is_fatal, snapshot_updates, target_updates, watch_error,
};
use super::loaded::{Loaded, load};
use crate::cli::Target;
use crate::error::{Error, Result, failed};
use crate::render::progress::{Progress, set_resume_hint};
use crate::render::wait::humantime;

/// What to follow.
#[derive(Debug, Clone)]
pub struct FollowSpec {
    /// Namespace of the target / snapshot.
    pub namespace: String,
    /// The app/job target (`None` when following a snapshot by name only).
    pub target: Option<Target>,
    /// What is awaited.
    pub subject: WaitSubject,
    /// Give up after this long (exit 3).
    pub timeout: Duration,
    /// Whether FlinkStateSnapshots are served (else only the target is watched).
    pub snapshot_crd: bool,
    /// Human description for progress lines (`savepoint of app/orders`).
    pub describe: String,
    /// Server-side timeout of each watch request (see [`super::watch_timeout`]).
    pub watch_timeout: Option<u32>,
    /// Whether progress is shown on stderr (off when several savepoints are followed at once:
    /// the command reports them itself).
    pub progress: bool,
    /// The JobManager REST client for progress, size and duration (`None`: without them).
    pub rest: Option<Arc<FlinkRest>>,
    /// Where the job's JobManager is, when known up front (a snapshot wait: no target is
    /// watched); otherwise it comes from the watched target.
    pub endpoint: Option<JobEndpoint>,
}

/// How a follow ended: the final status and, for a completed savepoint the JobManager still
/// lists, its size and duration.
#[derive(Debug)]
pub struct Followed {
    pub status: WaitStatus,
    pub completed: Option<Completed>,
}

/// Follows until a final status; `Err(WaitTimeout)` (exit 3) when the timeout passes first.
pub async fn follow(client: &Client, spec: &FollowSpec) -> Result<Followed> {
    tracing::debug!(subject = ?spec.subject, namespace = %spec.namespace, snapshot_crd = spec.snapshot_crd, timeout = ?spec.timeout, "following");
    if spec.progress {
        // Before the spinner shows: a Ctrl-C as soon as it does must know what to resume. (Several
        // targets followed at once report their own way and leave no single command to resume.)
        set_resume_hint(Some(resume_command(spec)));
    }
    let initial = format!(
        "waiting for the {} (Ctrl-C stops waiting; the savepoint continues)",
        spec.describe
    );
    let mut progress = if spec.progress {
        Progress::start(&initial)
    } else {
        Progress::hidden()
    };
    let mut last = String::from("no status yet");
    let outcome =
        tokio::time::timeout(spec.timeout, run(client, spec, &mut progress, &mut last)).await;
    set_resume_hint(None);
    progress.finish();
    match outcome {
        Ok(result) => result,
        Err(_) => Err(Error::Timeout(format!(
            "timed out after {} waiting for the {}; last status: {last}",
            humantime(spec.timeout),
            spec.describe
        ))),
    }
}

/// `kubectl savepoint wait …` that picks up what `spec` follows (shown on Ctrl-C).
fn resume_command(spec: &FollowSpec) -> String {
    let what = match (&spec.subject, &spec.target) {
        (WaitSubject::Snapshot { name }, _) => format!("flinkstatesnapshot/{name}"),
        (_, Some(target)) => target.to_string(),
        (_, None) => spec.describe.clone(),
    };
    format!("kubectl savepoint wait {what} -n {}", spec.namespace)
}

async fn run(
    client: &Client,
    spec: &FollowSpec,
    progress: &mut Progress,
    last: &mut String,
) -> Result<Followed> {
    let mut probe = RestProbe {
        rest: spec.rest.clone(),
        endpoint: spec.endpoint.clone(),
    };
    let status = watch_loop(client, spec, progress, last, &mut probe).await?;
    let completed = match &status {
        WaitStatus::Completed {
            location: Some(location),
            ..
        } => probe.completed(location, progress).await,
        _ => None,
    };
    Ok(Followed { status, completed })
}

async fn watch_loop(
    client: &Client,
    spec: &FollowSpec,
    progress: &mut Progress,
    last: &mut String,
    probe: &mut RestProbe,
) -> Result<WaitStatus> {
    let ns = spec.namespace.as_str();
    let config = match spec.watch_timeout {
        Some(secs) => watcher::Config::default().timeout(secs),
        None => watcher::Config::default(),
    };
    let mut updates = stream::select(
        target_updates(client, ns, spec.target.as_ref(), &config),
        snapshot_updates(client, ns, spec.snapshot_crd, &config),
    );
    let mut target: Cache<Loaded> = Cache::new(spec.target.is_none());
    let mut snapshots: Cache<FlinkStateSnapshot> = Cache::new(!spec.snapshot_crd);
    let mut errors = 0u32;
    let mut flight: Option<InFlight> = None;
    let mut poll = tokio::time::interval(POLL);
    poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let update = tokio::select! {
            update = updates.next() => match update {
                Some(update) => update,
                None => break,
            },
            _ = poll.tick(), if flight.is_some() && probe.active().is_some() => {
                if let Some(f) = flight
                    && let Some(text) = probe.progress(f, progress).await
                {
                    progress.update(&format!("{last}: {text}"));
                }
                continue;
            }
        };
        match update {
            Ok(Update::Target(event)) => target.apply(*event, Loaded::name),
            Ok(Update::Snapshot(event)) => {
                snapshots.apply(*event, |s| s.metadata.name.clone().unwrap_or_default())
            }
            Err(err) => {
                errors += 1;
                if errors >= MAX_WATCH_ERRORS || is_fatal(&err) {
                    return Err(watch_error(err));
                }
                tracing::debug!(error = %err.err, "watch error, retrying");
                continue;
            }
        }
        errors = 0;
        if !(target.ready && snapshots.ready) {
            continue;
        }
        let list: Vec<FlinkStateSnapshot> = snapshots.items.values().cloned().collect();
        let current = target.items.values().next();
        let history_target = current.map(Loaded::view);
        if probe.endpoint.is_none() {
            probe.endpoint = history_target.and_then(job_endpoint);
        }
        let status = evaluate(&spec.subject, history_target, &list);
        let now_in_flight = in_flight(&spec.subject, history_target, &list);
        if now_in_flight.is_some() && flight.is_none() {
            // ask at once, then every POLL
            poll.reset_immediately();
        }
        flight = now_in_flight;
        match status {
            WaitStatus::Waiting(text) => {
                progress.update(&text);
                *last = text;
            }
            // The re-read may find the operator's snapshot still pending (its watch event lagged
            // behind the target's): that is progress, so keep following.
            WaitStatus::HandledWithoutRecord(text) => match recheck(client, spec, text).await? {
                WaitStatus::Waiting(text) => {
                    progress.update(&text);
                    *last = text;
                }
                done => return Ok(done),
            },
            done => return Ok(done),
        }
    }
    Err(failed(format!(
        "the watch on the {} ended unexpectedly",
        spec.describe
    )))
}

/// Re-reads everything once with plain GET/LIST: a handled nonce without a record may only be
/// the snapshot watch lagging behind the target watch.
async fn recheck(client: &Client, spec: &FollowSpec, text: String) -> Result<WaitStatus> {
    let ns = spec.namespace.as_str();
    let snapshots = if spec.snapshot_crd {
        list_all::<FlinkStateSnapshot>(client, Some(ns), None).await?
    } else {
        Vec::new()
    };
    let target = match &spec.target {
        Some(t) => Some(load(client, ns, t).await?),
        None => None,
    };
    Ok(
        match evaluate(&spec.subject, target.as_ref().map(Loaded::view), &snapshots) {
            WaitStatus::HandledWithoutRecord(_) => WaitStatus::Failed(text),
            other => other,
        },
    )
}
