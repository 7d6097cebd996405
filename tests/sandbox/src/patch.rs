//! PATCH bodies: JSON patch (RFC 6902, incl. `test`), JSON merge patch (RFC 7386), server-side apply
//! (approximated by a deep merge of the applied configuration), and strategic merge (rejected for custom
//! resources with the real 415).

use serde_json::Value;

use crate::status::ApiError;

/// Patch flavour, from the request `Content-Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchKind {
    Json,
    Merge,
    Apply,
    Strategic,
}

impl PatchKind {
    pub fn from_content_type(ct: &str) -> Option<Self> {
        let base = ct.split(';').next().unwrap_or_default().trim();
        match base {
            "application/json-patch+json" => Some(Self::Json),
            "application/merge-patch+json" => Some(Self::Merge),
            "application/apply-patch+yaml" | "application/apply-patch+json" => Some(Self::Apply),
            "application/strategic-merge-patch+json" => Some(Self::Strategic),
            _ => None,
        }
    }
}

fn parse_json(body: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("error decoding patch: {e}")))
}

/// Parse an apply body (YAML or JSON) into an object.
pub fn parse_apply_body(body: &[u8]) -> Result<Value, ApiError> {
    let v: Value = serde_yaml_ng::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("error decoding YAML: {e}")))?;
    if !v.is_object() {
        return Err(ApiError::bad_request("apply patch body must be an object"));
    }
    Ok(v)
}

/// Apply a PATCH body of `kind` to `current`.
pub fn apply(kind: PatchKind, current: &Value, body: &[u8]) -> Result<Value, ApiError> {
    match kind {
        PatchKind::Json => {
            let patch: json_patch::Patch = serde_json::from_slice(body)
                .map_err(|e| ApiError::bad_request(format!("error decoding patch: {e}")))?;
            let mut doc = current.clone();
            json_patch::patch(&mut doc, &patch).map_err(|_| ApiError::patch_rejected())?;
            Ok(doc)
        }
        PatchKind::Merge => {
            let patch = parse_json(body)?;
            let mut doc = current.clone();
            json_patch::merge(&mut doc, &patch);
            Ok(doc)
        }
        PatchKind::Apply => {
            let applied = parse_apply_body(body)?;
            let mut doc = current.clone();
            deep_merge(&mut doc, &applied);
            Ok(doc)
        }
        PatchKind::Strategic => Err(ApiError::unsupported_media_type()),
    }
}

/// Apply a strategic merge patch to a built-in object (the kinds the sandbox serves): objects merge
/// recursively, `null` deletes, lists of objects merge by their `name` key (`$patch: delete` removes an
/// element), other lists are replaced; `$setElementOrder`/`$retainKeys` directives are ignored and
/// `$deleteFromPrimitiveList/<key>` removes values.
pub fn apply_strategic(current: &Value, body: &[u8]) -> Result<Value, ApiError> {
    let patch = parse_json(body)?;
    let mut doc = current.clone();
    strategic_merge(&mut doc, &patch);
    Ok(doc)
}

fn strategic_merge(base: &mut Value, patch: &Value) {
    let Value::Object(p) = patch else {
        *base = patch.clone();
        return;
    };
    if p.get("$patch").and_then(Value::as_str) == Some("replace") {
        let mut replaced = p.clone();
        replaced.remove("$patch");
        *base = Value::Object(replaced);
        return;
    }
    if !base.is_object() {
        *base = Value::Object(serde_json::Map::new());
    }
    let Value::Object(b) = base else { return };
    for (k, v) in p {
        if let Some(list_key) = k.strip_prefix("$deleteFromPrimitiveList/") {
            if let (Some(Value::Array(items)), Some(remove)) = (b.get_mut(list_key), v.as_array()) {
                items.retain(|x| !remove.contains(x));
            }
            continue;
        }
        if k.starts_with('$') {
            continue;
        }
        match (b.get_mut(k), v) {
            (_, Value::Null) => {
                b.remove(k);
            }
            (Some(existing @ Value::Object(_)), Value::Object(_)) => strategic_merge(existing, v),
            (Some(Value::Array(existing)), Value::Array(items))
                if items.iter().all(|i| i.get("name").is_some()) && !items.is_empty() =>
            {
                for item in items {
                    let name = item.get("name");
                    let pos = existing.iter().position(|e| e.get("name") == name);
                    let delete = item.get("$patch").and_then(Value::as_str) == Some("delete");
                    match (pos, delete) {
                        (Some(i), true) => {
                            existing.remove(i);
                        }
                        (Some(i), false) => strategic_merge(&mut existing[i], item),
                        (None, false) => existing.push(item.clone()),
                        (None, true) => {}
                    }
                }
            }
            _ => {
                b.insert(k.clone(), v.clone());
            }
        }
    }
}

/// Merge `overlay` into `base`: objects recursively, everything else (arrays, scalars) replaced.
pub fn deep_merge(base: &mut Value, overlay: &Value) {
    match (base, overlay) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                match b.get_mut(k) {
                    Some(existing) if existing.is_object() && v.is_object() => {
                        deep_merge(existing, v)
                    }
                    _ => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (b, o) => *b = o.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn failing_json_patch_test_is_a_422() {
        let cur = json!({"spec": {"job": {"savepointTriggerNonce": 1}}});
        let body = br#"[{"op":"test","path":"/spec/job/savepointTriggerNonce","value":2}]"#;
        let err = apply(PatchKind::Json, &cur, body).unwrap_err();
        assert_eq!(err.code, 422);
    }

    #[test]
    fn strategic_merge_merges_lists_by_name_and_ignores_directives() {
        let cur =
            json!({"webhooks": [{"name": "a", "timeoutSeconds": 5, "rules": [1]}, {"name": "b"}]});
        let body = br#"{"$setElementOrder/webhooks":[{"name":"a"},{"name":"b"}],"webhooks":[{"name":"a","timeoutSeconds":10},{"name":"b","$patch":"delete"}]}"#;
        let out = apply_strategic(&cur, body).unwrap();
        assert_eq!(
            out,
            json!({"webhooks": [{"name": "a", "timeoutSeconds": 10, "rules": [1]}]})
        );
    }

    #[test]
    fn apply_deep_merges_and_strategic_is_415() {
        let cur = json!({"spec": {"a": 1, "b": {"c": 2}}});
        let out = apply(PatchKind::Apply, &cur, b"spec:\n  b:\n    d: 3\n").unwrap();
        assert_eq!(out, json!({"spec": {"a": 1, "b": {"c": 2, "d": 3}}}));
        assert_eq!(
            apply(PatchKind::Strategic, &cur, b"{}").unwrap_err().code,
            415
        );
    }
}
