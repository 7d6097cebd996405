//! Writes: create (POST), update (PUT), patch (PATCH, incl. server-side apply), delete — each through
//! mutating admission, schema validation and validating admission, honouring `dryRun`.

use std::sync::Arc;

use axum::response::Response;
use serde_json::{Map, Value, json};

use super::{AppState, Req, Target, error_response, json_response};
use crate::admission::{self, Attributes, Phase};
use crate::patch::{self, PatchKind};
use crate::resources::ResourceDef;
use crate::schema;
use crate::status::{ApiError, FieldCause};
use crate::store::StoreError;
use crate::util::{now_rfc3339, random_suffix, uuid_v4};

pub(super) fn store_err(def: &ResourceDef, name: &str, e: StoreError) -> ApiError {
    match e {
        StoreError::NotFound => ApiError::not_found(def, name),
        StoreError::AlreadyExists => ApiError::already_exists(def, name),
        StoreError::Conflict => ApiError::conflict(def, name),
        StoreError::NamespaceNotFound(ns) => ApiError::namespace_not_found(&ns),
        StoreError::NameRequired => ApiError::invalid(
            def,
            "",
            &[FieldCause::new(
                "FieldValueRequired",
                "metadata.name",
                "Required value: name or generateName is required",
            )],
        ),
        StoreError::UnknownResource(_) => ApiError::unknown_resource(),
        StoreError::Malformed(m) => ApiError::bad_request(m),
    }
}

pub(super) fn respond(r: Result<(u16, Value, Vec<String>), ApiError>) -> Response {
    match r {
        Ok((code, v, w)) => json_response(code, &v, &w),
        Err(e) => error_response(&e),
    }
}

pub(super) fn meta_str(obj: &Value, f: &str) -> String {
    obj.pointer(&format!("/metadata/{f}"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn parse_body(def: &ResourceDef, req: &Req) -> Result<Value, ApiError> {
    let v: Value = if req.content_type().contains("protobuf") {
        super::protobuf::decode(&req.body, &def.kind).ok_or_else(|| {
            ApiError::new(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml", None)
        })?
    } else if req.content_type().contains("yaml") {
        serde_yaml_ng::from_slice(&req.body)
            .map_err(|e| ApiError::bad_request(format!("error decoding YAML: {e}")))?
    } else {
        serde_json::from_slice(&req.body).map_err(|e| {
            ApiError::bad_request(format!("couldn't get version/kind; json parse error: {e}"))
        })?
    };
    if !v.is_object() {
        return Err(ApiError::bad_request(
            "the request body must be a JSON object",
        ));
    }
    Ok(v)
}

fn options(kind: &str, req: &Req, dry_run: bool) -> Value {
    let mut m = Map::new();
    m.insert("kind".into(), json!(kind));
    m.insert("apiVersion".into(), json!("meta.k8s.io/v1"));
    if dry_run {
        m.insert("dryRun".into(), json!(["All"]));
    }
    if let Some(fm) = req.query.get("fieldManager") {
        m.insert("fieldManager".into(), json!(fm));
    }
    if let Some(fv) = req.query.get("fieldValidation") {
        m.insert("fieldValidation".into(), json!(fv));
    }
    Value::Object(m)
}

pub(super) fn is_dry_run(req: &Req) -> bool {
    req.query.all("dryRun").contains(&"All")
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric())
}

/// Mutating admission, schema validation (with pruning), validating admission.
async fn admit(
    st: &Arc<AppState>,
    a: &Attributes<'_>,
    req: &Req,
    object: Value,
    old: Option<&Value>,
) -> Result<(Value, Vec<String>), ApiError> {
    let (obj, mut warnings) =
        admission::run(&st.store, Phase::Mutating, a, Some(object), old).await?;
    let mut obj = obj.unwrap_or(Value::Null);
    crate::store::check_shape(&obj).map_err(|e| store_err(a.def, a.name, e))?;
    if let Some(root) = &a.def.schema {
        let out = schema::validate(&mut obj, root);
        if !out.causes.is_empty() {
            return Err(ApiError::invalid(a.def, a.name, &out.causes));
        }
        match req.query.get("fieldValidation") {
            Some("Strict") if !out.pruned.is_empty() => {
                let fields: Vec<String> = out
                    .pruned
                    .iter()
                    .map(|p| format!("unknown field \"{p}\""))
                    .collect();
                return Err(ApiError::bad_request(format!(
                    "{} in version \"{}\" cannot be handled as a {}: strict decoding error: {}",
                    a.def.kind,
                    a.def.version,
                    a.def.kind,
                    fields.join(", ")
                )));
            }
            Some("Ignore") => {}
            _ => warnings.extend(out.pruned.iter().map(|p| format!("unknown field \"{p}\""))),
        }
    }
    let (_, w) = admission::run(&st.store, Phase::Validating, a, Some(obj.clone()), old).await?;
    warnings.extend(w);
    Ok((obj, warnings))
}

pub(super) async fn create(st: &Arc<AppState>, t: &Target, req: &Req) -> Response {
    respond(match parse_body(&t.def, req) {
        Ok(body) => create_object(st, t, req, body).await,
        Err(e) => Err(e),
    })
}

async fn create_object(
    st: &Arc<AppState>,
    t: &Target,
    req: &Req,
    mut obj: Value,
) -> Result<(u16, Value, Vec<String>), ApiError> {
    crate::store::check_shape(&obj).map_err(|e| store_err(&t.def, "", e))?;
    let def = &t.def;
    let ns = t.namespace.clone().unwrap_or_default();
    let body_ns = meta_str(&obj, "namespace");
    if def.namespaced && !body_ns.is_empty() && body_ns != ns {
        return Err(ApiError::bad_request(
            "the namespace of the provided object does not match the namespace sent on the request",
        ));
    }
    if def.namespaced && st.store.get("namespaces", "", &ns).is_none() {
        return Err(ApiError::namespace_not_found(&ns));
    }
    let mut name = meta_str(&obj, "name");
    if name.is_empty() {
        let prefix = meta_str(&obj, "generateName");
        if prefix.is_empty() {
            return Err(store_err(def, "", StoreError::NameRequired));
        }
        name = format!("{prefix}{}", random_suffix(5));
    }
    if !valid_name(&name) {
        let msg = format!(
            "Invalid value: \"{name}\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
        );
        return Err(ApiError::invalid(
            def,
            &name,
            &[FieldCause::new("FieldValueInvalid", "metadata.name", msg)],
        ));
    }
    obj["apiVersion"] = json!(def.api_version());
    obj["kind"] = json!(def.kind);
    if let Some(m) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        for f in ["uid", "resourceVersion", "generation", "deletionTimestamp"] {
            m.remove(f);
        }
        m.insert("name".into(), json!(name));
        if def.namespaced {
            m.insert("namespace".into(), json!(ns));
        }
        m.insert("creationTimestamp".into(), Value::Null);
    }
    if def.custom
        && def.status_subresource
        && let Some(m) = obj.as_object_mut()
    {
        m.remove("status");
    }
    let dry_run = is_dry_run(req);
    let a = Attributes {
        def,
        subresource: None,
        operation: "CREATE",
        namespace: &ns,
        name: &name,
        user: &req.user,
        dry_run,
        options: options("CreateOptions", req, dry_run),
        extra_ca: &st.webhook_ca,
    };
    let (mut obj, warnings) = admit(st, &a, req, obj, None).await?;
    if dry_run {
        if st.store.get(&def.plural, &ns, &name).is_some() {
            return Err(ApiError::already_exists(def, &name));
        }
        obj["metadata"]["uid"] = json!(uuid_v4());
        obj["metadata"]["creationTimestamp"] = json!(now_rfc3339());
        if def.custom {
            obj["metadata"]["generation"] = json!(1);
        }
        return Ok((201, crate::util::sort_keys(obj), warnings));
    }
    let stored = st
        .store
        .create(&def.plural, &ns, obj)
        .map_err(|e| store_err(def, &name, e))?;
    Ok((201, stored, warnings))
}

/// Build the object to store from `current` and the client's `proposed` full object (PUT or patched).
fn merge_for_write(t: &Target, current: &Value, proposed: Value) -> Value {
    if t.sub.as_deref() == Some("status") {
        let mut out = current.clone();
        out["status"] = proposed.get("status").cloned().unwrap_or(Value::Null);
        if out["status"].is_null()
            && let Some(m) = out.as_object_mut()
        {
            m.remove("status");
        }
        return out;
    }
    let mut out = proposed;
    if t.def.custom && t.def.status_subresource {
        match current.get("status") {
            Some(s) => out["status"] = s.clone(),
            None => {
                if let Some(m) = out.as_object_mut() {
                    m.remove("status");
                }
            }
        }
    }
    out
}

async fn write_update(
    st: &Arc<AppState>,
    t: &Target,
    req: &Req,
    current: &Value,
    proposed: Value,
) -> Result<(u16, Value, Vec<String>), ApiError> {
    let def = &t.def;
    let ns = t.namespace.clone().unwrap_or_default();
    let name = t.name.clone().unwrap_or_default();
    let current_rv = meta_str(current, "resourceVersion");
    let proposed_rv = meta_str(&proposed, "resourceVersion");
    if !proposed_rv.is_empty() && proposed_rv != current_rv {
        return Err(ApiError::conflict(def, &name));
    }
    let proposed_name = meta_str(&proposed, "name");
    if !proposed_name.is_empty() && proposed_name != name {
        return Err(ApiError::bad_request(format!(
            "the name of the object ({proposed_name}) does not match the name on the URL ({name})"
        )));
    }
    crate::store::check_shape(&proposed).map_err(|e| store_err(def, &name, e))?;
    let mut obj = merge_for_write(t, current, proposed);
    obj["metadata"]["name"] = json!(name);
    obj["metadata"]["resourceVersion"] = json!(current_rv);
    let dry_run = is_dry_run(req);
    let a = Attributes {
        def,
        subresource: t.sub.as_deref(),
        operation: "UPDATE",
        namespace: &ns,
        name: &name,
        user: &req.user,
        dry_run,
        options: options("UpdateOptions", req, dry_run),
        extra_ca: &st.webhook_ca,
    };
    let (obj, warnings) = admit(st, &a, req, obj, Some(current)).await?;
    if dry_run {
        return Ok((200, obj, warnings));
    }
    let stored = st
        .store
        .update(&def.plural, &ns, obj, Some(&current_rv))
        .map_err(|e| store_err(def, &name, e))?;
    Ok((200, stored, warnings))
}

pub(super) async fn update(st: &Arc<AppState>, t: &Target, req: &Req) -> Response {
    let name = t.name.clone().unwrap_or_default();
    let Some(current) = st
        .store
        .get(&t.def.plural, t.namespace.as_deref().unwrap_or(""), &name)
    else {
        return error_response(&ApiError::not_found(&t.def, &name));
    };
    respond(match parse_body(&t.def, req) {
        Ok(body) => write_update(st, t, req, &current, body).await,
        Err(e) => Err(e),
    })
}

pub(super) async fn patch(st: &Arc<AppState>, t: &Target, req: &Req) -> Response {
    respond(patch_inner(st, t, req).await)
}

async fn patch_inner(
    st: &Arc<AppState>,
    t: &Target,
    req: &Req,
) -> Result<(u16, Value, Vec<String>), ApiError> {
    let kind = PatchKind::from_content_type(req.content_type())
        .ok_or_else(ApiError::unsupported_media_type)?;
    if kind == PatchKind::Strategic && t.def.custom {
        return Err(ApiError::unsupported_media_type());
    }
    if kind == PatchKind::Apply && req.query.get("fieldManager").is_none_or(str::is_empty) {
        return Err(ApiError::new(
            422,
            "Invalid",
            "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch",
            Some(
                json!({"group": "meta.k8s.io", "kind": "PatchOptions", "causes": [{"reason": "FieldValueRequired", "message": "Required value: is required for apply patch", "field": "fieldManager"}]}),
            ),
        ));
    }
    let ns = t.namespace.clone().unwrap_or_default();
    let name = t.name.clone().unwrap_or_default();
    // Like the real server's GuaranteedUpdate: retry when another writer got in between (no client precondition).
    for _ in 0..5 {
        let Some(current) = st.store.get(&t.def.plural, &ns, &name) else {
            if kind == PatchKind::Apply && t.sub.is_none() {
                let mut obj = patch::parse_apply_body(&req.body)?;
                obj["metadata"]["name"] = json!(name);
                return create_object(st, t, req, obj).await;
            }
            return Err(ApiError::not_found(&t.def, &name));
        };
        let patched = match kind {
            PatchKind::Strategic => patch::apply_strategic(&current, &req.body)?,
            _ => patch::apply(kind, &current, &req.body)?,
        };
        match write_update(st, t, req, &current, patched).await {
            Err(e) if e.code == 409 && !body_has_rv(req) => continue,
            other => return other,
        }
    }
    Err(ApiError::conflict(&t.def, &name))
}

fn body_has_rv(req: &Req) -> bool {
    String::from_utf8_lossy(&req.body).contains("resourceVersion")
}
