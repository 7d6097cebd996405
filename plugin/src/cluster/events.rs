//! Events about an object, for `describe`.

use ::kube::Client;
use ::kube::api::{Api, ListParams};
use flink_savepoint::plan::EventView;
use k8s_openapi::api::core::v1::Event;

use crate::error::{ApiOp, status_code};
use crate::render::progress::warn;

/// Events about the object `name` of `kind` (oldest first). Failures only warn: events are extra.
pub async fn events(client: &Client, namespace: &str, kind: &str, name: &str) -> Vec<EventView> {
    let api: Api<Event> = Api::namespaced(client.clone(), namespace);
    let params = ListParams::default().fields(&format!(
        "involvedObject.name={name},involvedObject.kind={kind}"
    ));
    let list = match api.list(&params).await {
        Ok(list) => list,
        Err(err) => {
            if status_code(&err) != Some(404) {
                warn(&format!(
                    "cannot list events of {kind} {name:?}: {}",
                    ApiOp::of::<Event>("list", Some(namespace), None).error(err)
                ));
            }
            return Vec::new();
        }
    };
    let mut items: Vec<(Option<String>, EventView)> = list
        .items
        .into_iter()
        .map(|e| {
            let last = e
                .last_timestamp
                .map(|t| t.0.to_string())
                .or_else(|| e.event_time.map(|t| t.0.to_string()))
                .or_else(|| e.first_timestamp.map(|t| t.0.to_string()));
            let view = EventView {
                type_: e.type_.unwrap_or_default(),
                reason: e.reason.unwrap_or_default(),
                message: e.message.unwrap_or_default(),
                count: e.count.unwrap_or(1),
                last_seen: last.clone(),
                source: e
                    .reporting_component
                    .or_else(|| e.source.and_then(|s| s.component)),
            };
            (last, view)
        })
        .collect();
    items.sort_by(|a, b| a.0.cmp(&b.0));
    items.into_iter().map(|(_, v)| v).collect()
}
