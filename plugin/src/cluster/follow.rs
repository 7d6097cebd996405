//! Following a savepoint until it finishes: the I/O shell around
//! [`flink_savepoint::plan::wait`].
//!
//! Watches (no polling) the target object (a `metadata.name` field-selected watch) and, when the
//! CRD exists, the namespace's FlinkStateSnapshots; every change re-evaluates the pure
//! [`evaluate`]. Progress goes to stderr.

use std::time::Duration;

use ::kube::runtime::{WatchStreamExt, watcher};
use ::kube::{Api, Client};
use flink_savepoint::crd::{FlinkDeployment, FlinkSessionJob, FlinkStateSnapshot};
use flink_savepoint::plan::{WaitStatus, WaitSubject, evaluate};
use futures::{Stream, StreamExt, stream};

use super::cache::{Cache, map_event};
use super::discovery::list_all;
use super::load::{Fetched, fetch_target};
use crate::cli::{Kind, Target};
use crate::error::{ApiOp, Error, Result, failed, status_code};
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
}

/// Consecutive watch errors tolerated (with backoff) before giving up.
const MAX_WATCH_ERRORS: u32 = 5;

enum Update {
    Target(Box<watcher::Event<Fetched>>),
    Snapshot(Box<watcher::Event<FlinkStateSnapshot>>),
}

/// Follows until a final status; `Err(WaitTimeout)` (exit 3) when the timeout passes first.
pub async fn follow(client: &Client, spec: &FollowSpec) -> Result<WaitStatus> {
    tracing::debug!(subject = ?spec.subject, namespace = %spec.namespace, snapshot_crd = spec.snapshot_crd, timeout = ?spec.timeout, "following");
    // Before the spinner shows: a Ctrl-C as soon as it does must know what to resume.
    set_resume_hint(Some(resume_command(spec)));
    let mut progress = Progress::start(&format!(
        "waiting for the {} (Ctrl-C stops waiting; the savepoint continues)",
        spec.describe
    ));
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
    let mut target: Cache<Fetched> = Cache::new(spec.target.is_none());
    let mut snapshots: Cache<FlinkStateSnapshot> = Cache::new(!spec.snapshot_crd);
    let mut errors = 0u32;
    while let Some(update) = updates.next().await {
        match update {
            Ok(Update::Target(event)) => target.apply(*event, Fetched::name),
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
        let status = evaluate(&spec.subject, current.map(Fetched::target), &list);
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
        Some(t) => Some(fetch_target(client, ns, t).await?),
        None => None,
    };
    Ok(
        match evaluate(
            &spec.subject,
            target.as_ref().map(Fetched::target),
            &snapshots,
        ) {
            WaitStatus::HandledWithoutRecord(_) => WaitStatus::Failed(text),
            other => other,
        },
    )
}

/// A watch error and the watch it came from.
struct WatchFailure {
    op: ApiOp,
    err: watcher::Error,
}

type Updates = std::pin::Pin<Box<dyn Stream<Item = Result<Update, Box<WatchFailure>>> + Send>>;

fn failure<K: ::kube::Resource<DynamicType = ()>>(
    ns: &str,
) -> impl Fn(watcher::Error) -> Box<WatchFailure> + use<K> {
    let op = ApiOp::of::<K>("watch", Some(ns), None);
    move |err| {
        Box::new(WatchFailure {
            op: op.clone(),
            err,
        })
    }
}

fn target_updates(
    client: &Client,
    ns: &str,
    target: Option<&Target>,
    config: &watcher::Config,
) -> Updates {
    let Some(target) = target else {
        return stream::empty().boxed();
    };
    let config = config
        .clone()
        .fields(&format!("metadata.name={}", target.name));
    match target.kind {
        Kind::SessionJob => {
            let api = Api::<FlinkSessionJob>::namespaced(client.clone(), ns);
            let fail = failure::<FlinkSessionJob>(ns);
            watcher::watcher(api, config)
                .default_backoff()
                .map(move |r| {
                    r.map_err(&fail).map(|e| {
                        Update::Target(Box::new(map_event(e, |job| Fetched::SessionJob {
                            job: Box::new(job),
                            cluster: None,
                        })))
                    })
                })
                .boxed()
        }
        _ => {
            let api = Api::<FlinkDeployment>::namespaced(client.clone(), ns);
            let fail = failure::<FlinkDeployment>(ns);
            watcher::watcher(api, config)
                .default_backoff()
                .map(move |r| {
                    r.map_err(&fail).map(|e| {
                        Update::Target(Box::new(map_event(e, |d| Fetched::Deployment(Box::new(d)))))
                    })
                })
                .boxed()
        }
    }
}

fn snapshot_updates(client: &Client, ns: &str, enabled: bool, config: &watcher::Config) -> Updates {
    if !enabled {
        return stream::empty().boxed();
    }
    let api = Api::<FlinkStateSnapshot>::namespaced(client.clone(), ns);
    let fail = failure::<FlinkStateSnapshot>(ns);
    watcher::watcher(api, config.clone())
        .default_backoff()
        .map(move |r| r.map_err(&fail).map(|e| Update::Snapshot(Box::new(e))))
        .boxed()
}

fn is_fatal(failure: &WatchFailure) -> bool {
    match &failure.err {
        watcher::Error::InitialListFailed(e) | watcher::Error::WatchStartFailed(e) => {
            matches!(status_code(e), Some(401 | 403 | 404))
        }
        _ => false,
    }
}

fn watch_error(failure: Box<WatchFailure>) -> Error {
    let WatchFailure { op, err } = *failure;
    match err {
        watcher::Error::InitialListFailed(e) => ApiOp { verb: "list", ..op }.error(e).into(),
        watcher::Error::WatchStartFailed(e) | watcher::Error::WatchFailed(e) => op.error(e).into(),
        other => failed(format!("watching failed: {other}")),
    }
}
