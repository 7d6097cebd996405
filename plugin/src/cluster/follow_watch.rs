//! The watches a follow reads: the target object (field-selected by name) and the namespace's
//! FlinkStateSnapshots, merged into one stream of updates, and how their errors end it.

use ::kube::runtime::{WatchStreamExt, watcher};
use ::kube::{Api, Client};
use flink_savepoint::crd::{FlinkDeployment, FlinkSessionJob, FlinkStateSnapshot};
use futures::{Stream, StreamExt, stream};

use super::cache::map_event;
use super::loaded::Loaded;
use crate::cli::{Kind, Target};
use crate::error::{ApiOp, Error, failed, status_code};

pub(super) use super::cache::MAX_WATCH_ERRORS;

pub(super) enum Update {
    Target(Box<watcher::Event<Loaded>>),
    Snapshot(Box<watcher::Event<FlinkStateSnapshot>>),
}

/// A watch error and the watch it came from.
pub(super) struct WatchFailure {
    op: ApiOp,
    pub(super) err: watcher::Error,
}

pub(super) type Updates =
    std::pin::Pin<Box<dyn Stream<Item = Result<Update, Box<WatchFailure>>> + Send>>;

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

pub(super) fn target_updates(
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
                        Update::Target(Box::new(map_event(e, |job| Loaded::SessionJob {
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
                    r.map_err(&fail)
                        .map(|e| Update::Target(Box::new(map_event(e, Loaded::deployment))))
                })
                .boxed()
        }
    }
}

pub(super) fn snapshot_updates(
    client: &Client,
    ns: &str,
    enabled: bool,
    config: &watcher::Config,
) -> Updates {
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

pub(super) fn is_fatal(failure: &WatchFailure) -> bool {
    match &failure.err {
        watcher::Error::InitialListFailed(e) | watcher::Error::WatchStartFailed(e) => {
            matches!(status_code(e), Some(401 | 403 | 404))
        }
        _ => false,
    }
}

pub(super) fn watch_error(failure: Box<WatchFailure>) -> Error {
    let WatchFailure { op, err } = *failure;
    match err {
        watcher::Error::InitialListFailed(e) => ApiOp { verb: "list", ..op }.error(e).into(),
        watcher::Error::WatchStartFailed(e) | watcher::Error::WatchFailed(e) => op.error(e).into(),
        other => failed(format!("watching failed: {other}")),
    }
}
