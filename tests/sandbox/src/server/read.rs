//! GET and LIST (selectors, `limit`/`continue`, all namespaces), JSON or `Table` (CRD printer columns).

use std::sync::Arc;

use axum::response::Response;
use base64::Engine;
use serde_json::{Map, Value, json};

use super::{AppState, Req, Target, error_response, json_response};
use crate::resources::ResourceDef;
use crate::selector::{FieldSelector, LabelSelector};
use crate::status::ApiError;

const EVENT_FIELDS: [&str; 11] = [
    "metadata.name",
    "metadata.namespace",
    "involvedObject.kind",
    "involvedObject.namespace",
    "involvedObject.name",
    "involvedObject.uid",
    "involvedObject.apiVersion",
    "involvedObject.fieldPath",
    "reason",
    "type",
    "reportingComponent",
];

/// Parse `labelSelector`/`fieldSelector` query parameters.
pub(super) fn selectors(
    def: &ResourceDef,
    req: &Req,
) -> Result<(LabelSelector, FieldSelector), ApiError> {
    let labels = LabelSelector::parse(req.query.get("labelSelector").unwrap_or(""))
        .map_err(ApiError::bad_request)?;
    let allowed: &[&str] = if def.plural == "events" {
        &EVENT_FIELDS
    } else {
        &EVENT_FIELDS[..2]
    };
    let fields = FieldSelector::parse(req.query.get("fieldSelector").unwrap_or(""), allowed)
        .map_err(ApiError::bad_request)?;
    Ok((labels, fields))
}

pub(super) fn get(st: &Arc<AppState>, t: &Target, req: &Req) -> Response {
    let name = t.name.as_deref().unwrap_or_default();
    match st
        .store
        .get(&t.def.plural, t.namespace.as_deref().unwrap_or(""), name)
    {
        Some(obj) if req.wants_table() => json_response(200, &table(&t.def, &[obj], None, ""), &[]),
        Some(obj) => json_response(200, &obj, &[]),
        None => error_response(&ApiError::not_found(&t.def, name)),
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct ContinueToken {
    v: String,
    rv: u64,
    start: String,
}

fn list_key(t: &Target, obj: &Value) -> String {
    let name = obj
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    match (&t.namespace, t.def.namespaced) {
        (None, true) => {
            let ns = obj
                .pointer("/metadata/namespace")
                .and_then(Value::as_str)
                .unwrap_or_default();
            format!("{ns}/{name}")
        }
        _ => name.to_string(),
    }
}

pub(super) fn list(st: &Arc<AppState>, t: &Target, req: &Req) -> Response {
    match list_inner(st, t, req) {
        Ok(v) => json_response(200, &v, &[]),
        Err(e) => error_response(&e),
    }
}

fn list_inner(st: &Arc<AppState>, t: &Target, req: &Req) -> Result<Value, ApiError> {
    let (labels, fields) = selectors(&t.def, req)?;
    let start = match req.query.get("continue").filter(|c| !c.is_empty()) {
        Some(tok) => Some(
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(tok.trim_end_matches('='))
                .ok()
                .and_then(|b| serde_json::from_slice::<ContinueToken>(&b).ok())
                .ok_or_else(|| ApiError::bad_request("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)"))?,
        ),
        None => None,
    };
    let limit = req
        .query
        .get("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .filter(|l| *l > 0);
    // Select and order by reference; only the returned page is cloned (a LIST page costs the page,
    // not the whole kind, as on the real server).
    let (keyed, rest_len, current_rv) =
        st.store
            .visit(&t.def.plural, t.namespace.as_deref(), |objs, rv| {
                let mut refs: Vec<(String, &Value)> = objs
                    .filter(|o| labels.matches(o.pointer("/metadata/labels")) && fields.matches(o))
                    .map(|o| (list_key(t, o), o))
                    .filter(|(k, _)| start.as_ref().is_none_or(|s| *k > s.start))
                    .collect();
                refs.sort_by(|a, b| a.0.cmp(&b.0));
                let take = limit.unwrap_or(refs.len()).min(refs.len());
                let rest_len = refs.len() - take;
                let page: Vec<(String, Value)> = refs
                    .into_iter()
                    .take(take)
                    .map(|(k, v)| (k, v.clone()))
                    .collect();
                (page, rest_len, rv)
            });
    let list_rv = start.as_ref().map_or(current_rv, |s| s.rv);
    let mut cont = String::new();
    let mut remaining = None;
    if rest_len > 0 {
        if let Some((last, _)) = keyed.last() {
            let token = ContinueToken {
                v: "meta.k8s.io/v1".into(),
                rv: list_rv,
                start: format!("{last}\u{0}"),
            };
            let raw = serde_json::to_vec(&token).unwrap_or_default();
            cont = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw);
        }
        if labels.is_empty() && req.query.get("fieldSelector").is_none_or(str::is_empty) {
            remaining = Some(rest_len);
        }
    }
    let items: Vec<Value> = keyed.into_iter().map(|(_, v)| v).collect();
    if req.wants_table() {
        return Ok(table(&t.def, &items, Some(&cont), &list_rv.to_string()));
    }
    let mut meta = Map::new();
    if t.def.custom || !cont.is_empty() {
        meta.insert("continue".into(), json!(cont));
    }
    if let Some(r) = remaining {
        meta.insert("remainingItemCount".into(), json!(r));
    }
    meta.insert("resourceVersion".into(), json!(list_rv.to_string()));
    Ok(if t.def.custom {
        json!({"apiVersion": t.def.api_version(), "items": items, "kind": t.def.list_kind, "metadata": meta})
    } else {
        json!({"kind": t.def.list_kind, "apiVersion": t.def.api_version(), "metadata": meta, "items": items})
    })
}

/// Evaluate a simple printer-column JSONPath (`.status.jobStatus.state`).
fn json_path<'a>(obj: &'a Value, path: &str) -> Option<&'a Value> {
    let mut cur = obj;
    for seg in path
        .trim_start_matches('.')
        .split('.')
        .filter(|s| !s.is_empty())
    {
        cur = cur.get(seg)?;
    }
    Some(cur)
}

fn age(created: Option<&str>) -> String {
    let Some(ts) = created.and_then(|c| c.parse::<jiff::Timestamp>().ok()) else {
        return "<unknown>".into();
    };
    let secs = (jiff::Timestamp::now().as_second() - ts.as_second()).max(0);
    match secs {
        s if s < 120 => format!("{s}s"),
        s if s < 3600 * 3 => format!("{}m", s / 60),
        s if s < 86400 * 2 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86400),
    }
}

/// `meta.k8s.io/v1` `Table` for `kubectl get` (Name, the CRD's printer columns, Age).
fn col(name: &str, ty: &str, format: &str) -> Value {
    json!({"name": name, "type": ty, "format": format, "description": name, "priority": 0})
}

/// core/v1 Event rows as the real server prints them: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE.
fn event_table(items: &[Value], meta: Map<String, Value>) -> Value {
    let cols = vec![
        col("Last Seen", "string", ""),
        col("Type", "string", ""),
        col("Reason", "string", ""),
        col("Object", "string", ""),
        col("Message", "string", ""),
    ];
    let rows: Vec<Value> = items
        .iter()
        .map(|e| {
            let get = |p: &str| e.pointer(p).and_then(Value::as_str).unwrap_or("").to_string();
            let object = format!("{}/{}", get("/involvedObject/kind").to_lowercase(), get("/involvedObject/name"));
            let last = e.pointer("/lastTimestamp").and_then(Value::as_str).or_else(|| e.pointer("/metadata/creationTimestamp").and_then(Value::as_str));
            let cells = json!([age(last), get("/type"), get("/reason"), object, get("/message")]);
            json!({"cells": cells, "object": {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": e.get("metadata").cloned().unwrap_or(json!({}))}})
        })
        .collect();
    json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": meta, "columnDefinitions": cols, "rows": rows})
}

pub(super) fn table(def: &ResourceDef, items: &[Value], cont: Option<&str>, rv: &str) -> Value {
    if def.plural == "events" {
        let mut meta = Map::new();
        if let Some(c) = cont.filter(|c| !c.is_empty()) {
            meta.insert("continue".into(), json!(c));
        }
        if !rv.is_empty() {
            meta.insert("resourceVersion".into(), json!(rv));
        }
        return event_table(items, meta);
    }
    let mut cols = vec![
        json!({"name": "Name", "type": "string", "format": "name", "description": "Name must be unique within a namespace.", "priority": 0}),
    ];
    for c in &def.printer_columns {
        cols.push(json!({
            "name": c.get("name").cloned().unwrap_or(json!("")),
            "type": c.get("type").cloned().unwrap_or(json!("string")),
            "format": c.get("format").cloned().unwrap_or(json!("")),
            "description": c.get("description").cloned().unwrap_or(json!("")),
            "priority": c.get("priority").cloned().unwrap_or(json!(0)),
        }));
    }
    if def.plural == "namespaces" {
        cols.push(json!({"name": "Status", "type": "string", "format": "", "description": "phase", "priority": 0}));
    }
    cols.push(json!({"name": "Age", "type": "string", "format": "", "description": "CreationTimestamp", "priority": 0}));
    let rows: Vec<Value> = items
        .iter()
        .map(|o| {
            let mut cells = vec![o.pointer("/metadata/name").cloned().unwrap_or(json!(""))];
            for c in &def.printer_columns {
                let path = c.get("jsonPath").and_then(Value::as_str).unwrap_or("");
                cells.push(json_path(o, path).cloned().unwrap_or(Value::Null));
            }
            if def.plural == "namespaces" {
                cells.push(o.pointer("/status/phase").cloned().unwrap_or(json!("")));
            }
            cells.push(json!(age(o.pointer("/metadata/creationTimestamp").and_then(Value::as_str))));
            let partial = json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": o.get("metadata").cloned().unwrap_or(json!({}))});
            json!({"cells": cells, "object": partial})
        })
        .collect();
    let mut meta = Map::new();
    if let Some(c) = cont.filter(|c| !c.is_empty()) {
        meta.insert("continue".into(), json!(c));
    }
    if !rv.is_empty() {
        meta.insert("resourceVersion".into(), json!(rv));
    }
    json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": meta, "columnDefinitions": cols, "rows": rows})
}
