//! WATCH: chunked JSON lines (`{"type":"ADDED","object":{…}}`), from a resourceVersion or "now",
//! with selectors, bookmarks (`allowWatchBookmarks`), `sendInitialEvents` and `timeoutSeconds`.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::HeaderValue;
use axum::response::Response;
use serde_json::{Value, json};
use tokio::sync::{broadcast, mpsc};

use super::{AppState, Req, Target, error_response};
use crate::resources::ResourceDef;
use crate::selector::{FieldSelector, LabelSelector};
use crate::store::{Change, EventType};

struct Filter {
    plural: String,
    namespace: Option<String>,
    labels: LabelSelector,
    fields: FieldSelector,
}

impl Filter {
    fn matches(&self, obj: &Value) -> bool {
        self.labels.matches(obj.pointer("/metadata/labels")) && self.fields.matches(obj)
    }

    /// Translate a store change into the event this watcher sees (selector enter/exit become ADDED/DELETED).
    fn event(&self, c: &Change) -> Option<(&'static str, Value)> {
        if c.plural != self.plural || self.namespace.as_ref().is_some_and(|n| *n != c.namespace) {
            return None;
        }
        let now = self.matches(&c.object);
        match c.kind {
            EventType::Added => now.then(|| ("ADDED", c.object.clone())),
            EventType::Deleted => now.then(|| ("DELETED", c.object.clone())),
            EventType::Modified => {
                let before = c.old.as_ref().is_some_and(|o| self.matches(o));
                match (before, now) {
                    (true, true) => Some(("MODIFIED", c.object.clone())),
                    (false, true) => Some(("ADDED", c.object.clone())),
                    (true, false) => Some(("DELETED", c.object.clone())),
                    (false, false) => None,
                }
            }
        }
    }
}

/// Encodes watch events, as `Table` rows when the client asked for `as=Table` (`kubectl get -w`); like the
/// real server only the first Table carries column definitions.
struct Encoder {
    def: ResourceDef,
    table: bool,
    sent_columns: bool,
}

impl Encoder {
    fn event(&mut self, kind: &str, object: &Value) -> Bytes {
        if !self.table {
            return line(kind, object);
        }
        let mut t = super::read::table(&self.def, std::slice::from_ref(object), None, "");
        if self.sent_columns {
            t["columnDefinitions"] = json!([]);
        }
        self.sent_columns = true;
        line(kind, &t)
    }
}

fn line(kind: &str, object: &Value) -> Bytes {
    let mut v = serde_json::to_vec(&json!({"type": kind, "object": object})).unwrap_or_default();
    v.push(b'\n');
    Bytes::from(v)
}

fn bookmark(def: &ResourceDef, rv: u64, initial_end: bool) -> Bytes {
    let mut meta = json!({"resourceVersion": rv.to_string(), "creationTimestamp": null});
    if initial_end {
        meta["annotations"] = json!({"k8s.io/initial-events-end": "true"});
    }
    line(
        "BOOKMARK",
        &json!({"kind": def.kind, "apiVersion": def.api_version(), "metadata": meta}),
    )
}

pub(super) fn watch(st: &Arc<AppState>, t: &Target, req: &Req) -> Response {
    let (labels, fields) = match super::read::selectors(&t.def, req) {
        Ok(s) => s,
        Err(e) => return error_response(&e),
    };
    let filter = Filter {
        plural: t.def.plural.clone(),
        namespace: t.namespace.clone(),
        labels,
        fields,
    };
    let bookmarks = req.query.flag("allowWatchBookmarks");
    let send_initial = req.query.flag("sendInitialEvents");
    let timeout = req
        .query
        .get("timeoutSeconds")
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(1800)
        .min(3600);
    let rv_param = req.query.get("resourceVersion").unwrap_or("");
    let mut enc = Encoder {
        def: t.def.clone(),
        table: req.wants_table(),
        sent_columns: false,
    };
    let mut initial: Vec<Bytes> = Vec::new();
    let (rx, mut last_rv): (broadcast::Receiver<Arc<Change>>, u64) = if send_initial
        || rv_param.is_empty()
        || rv_param == "0"
    {
        let (items, rv, rx) = st
            .store
            .snapshot_and_subscribe(&t.def.plural, t.namespace.as_deref());
        initial.extend(
            items
                .iter()
                .filter(|o| filter.matches(o))
                .map(|o| enc.event("ADDED", o)),
        );
        if send_initial {
            initial.push(bookmark(&t.def, rv, true));
        }
        (rx, rv)
    } else {
        let from = rv_param.parse::<u64>().unwrap_or(0);
        match st.store.changes_since(from) {
            Some((changes, rx)) => {
                let mut last = from;
                for c in changes {
                    last = c.rv;
                    if let Some((k, o)) = filter.event(&c) {
                        initial.push(enc.event(k, &o));
                    }
                }
                (rx, last.max(from))
            }
            None => {
                let status = json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                        "message": format!("too old resource version: {from} ({})", st.store.resource_version()),
                        "reason": "Expired", "code": 410});
                return stream_response(vec![line("ERROR", &status)], None);
            }
        }
    };
    let def = t.def.clone();
    let mut shutdown = st.shutdown.clone();
    let (tx, out_rx) = mpsc::channel::<Bytes>(256);
    let mut rx = rx;
    tokio::spawn(async move {
        for b in initial {
            if tx.send(b).await.is_err() {
                return;
            }
        }
        let deadline = tokio::time::sleep(Duration::from_secs(timeout));
        tokio::pin!(deadline);
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tokio::select! {
                _ = &mut deadline => return,
                _ = shutdown.changed() => return,
                _ = tick.tick(), if bookmarks => {
                    if tx.send(bookmark(&def, last_rv, false)).await.is_err() { return; }
                }
                msg = rx.recv() => match msg {
                    Ok(c) => {
                        if c.rv <= last_rv { continue; }
                        last_rv = c.rv;
                        if let Some((k, o)) = filter.event(&c)
                            && tx.send(enc.event(k, &o)).await.is_err()
                        {
                            return;
                        }
                    }
                    // Lagged or closed: end the watch; clients re-watch from their last resourceVersion.
                    Err(_) => return,
                },
            }
        }
    });
    stream_response(Vec::new(), Some(out_rx))
}

fn stream_response(first: Vec<Bytes>, rx: Option<mpsc::Receiver<Bytes>>) -> Response {
    let head = futures::stream::iter(first.into_iter().map(Ok::<Bytes, std::convert::Infallible>));
    let tail = futures::stream::unfold(rx, |rx| async move {
        let mut rx = rx?;
        let b = rx.recv().await?;
        Some((Ok::<Bytes, std::convert::Infallible>(b), Some(rx)))
    });
    let body = Body::from_stream(futures::StreamExt::chain(head, tail));
    let mut resp = Response::new(body);
    resp.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    resp
}
