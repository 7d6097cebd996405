//! DELETE: preconditions, admission (DELETE reviews carry `oldObject`), dry run, finalizers (202 while pending).

use std::sync::Arc;

use axum::response::Response;
use serde_json::{Map, Value, json};

use super::write::{is_dry_run, meta_str, respond, store_err};
use super::{AppState, Req, Target};
use crate::admission::{self, Attributes, Phase};
use crate::status::ApiError;

pub(super) async fn delete(st: &Arc<AppState>, t: &Target, req: &Req) -> Response {
    respond(delete_inner(st, t, req).await)
}

async fn delete_inner(
    st: &Arc<AppState>,
    t: &Target,
    req: &Req,
) -> Result<(u16, Value, Vec<String>), ApiError> {
    let def = &t.def;
    let ns = t.namespace.clone().unwrap_or_default();
    let name = t.name.clone().unwrap_or_default();
    let current = st
        .store
        .get(&def.plural, &ns, &name)
        .ok_or_else(|| ApiError::not_found(def, &name))?;
    let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
    for (field, what) in [("uid", "UID"), ("resourceVersion", "ResourceVersion")] {
        let actual = meta_str(&current, field);
        if let Some(wanted) = body
            .pointer(&format!("/preconditions/{field}"))
            .and_then(Value::as_str)
            && wanted != actual
        {
            return Err(ApiError::precondition_failed(
                def, &name, what, wanted, &actual,
            ));
        }
    }
    let dry_run = is_dry_run(req)
        || body
            .get("dryRun")
            .and_then(Value::as_array)
            .is_some_and(|a| a.iter().any(|x| x == "All"));
    let mut opts = Map::new();
    opts.insert("kind".into(), json!("DeleteOptions"));
    opts.insert("apiVersion".into(), json!("meta.k8s.io/v1"));
    if dry_run {
        opts.insert("dryRun".into(), json!(["All"]));
    }
    let policy = body
        .get("propagationPolicy")
        .and_then(Value::as_str)
        .unwrap_or("Background");
    opts.insert("propagationPolicy".into(), json!(policy));
    let a = Attributes {
        def,
        subresource: None,
        operation: "DELETE",
        namespace: &ns,
        name: &name,
        user: &req.user,
        dry_run,
        options: Value::Object(opts),
        extra_ca: &st.webhook_ca,
    };
    let (_, mut warnings) =
        admission::run(&st.store, Phase::Mutating, &a, None, Some(&current)).await?;
    let (_, w) = admission::run(&st.store, Phase::Validating, &a, None, Some(&current)).await?;
    warnings.extend(w);
    if dry_run {
        return Ok((200, current, warnings));
    }
    let out = st
        .store
        .delete(&def.plural, &ns, &name)
        .map_err(|e| store_err(def, &name, e))?;
    let pending = st.store.get(&def.plural, &ns, &name).is_some();
    Ok((if pending { 202 } else { 200 }, out, warnings))
}
