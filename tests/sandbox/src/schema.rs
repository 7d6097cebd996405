//! Compact structural validator for CRD `openAPIV3Schema`: types, `required`, `enum`, `nullable`,
//! `properties`/`additionalProperties`/`items`, and pruning of unknown fields unless
//! `x-kubernetes-preserve-unknown-fields` — what the real apiserver enforces for these CRDs.

use serde_json::{Map, Value};

use crate::status::FieldCause;

/// Result of validating one object.
#[derive(Debug, Default)]
pub struct Outcome {
    pub causes: Vec<FieldCause>,
    /// Unknown fields that were pruned (paths like `spec.foo`).
    pub pruned: Vec<String>,
}

/// Validate and prune `obj` (a whole custom resource) against the CRD root schema.
pub fn validate(obj: &mut Value, root: &Value) -> Outcome {
    let mut out = Outcome::default();
    let Some(map) = obj.as_object_mut() else {
        return out;
    };
    let props = root.get("properties").and_then(Value::as_object);
    let keys: Vec<String> = map.keys().cloned().collect();
    for key in keys {
        if matches!(key.as_str(), "apiVersion" | "kind" | "metadata") {
            continue;
        }
        match props.and_then(|p| p.get(&key)) {
            Some(sub) => {
                if let Some(v) = map.get_mut(&key) {
                    check(v, sub, &key, &mut out);
                }
            }
            None if preserves(root) => {}
            None => {
                map.remove(&key);
                out.pruned.push(key);
            }
        }
    }
    check_required(map, root, "", &mut out);
    out
}

fn preserves(schema: &Value) -> bool {
    schema
        .get("x-kubernetes-preserve-unknown-fields")
        .and_then(Value::as_bool)
        == Some(true)
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn render(v: &Value) -> String {
    match v {
        Value::String(s) => format!("\"{s}\""),
        other => other.to_string(),
    }
}

fn check(v: &mut Value, schema: &Value, path: &str, out: &mut Outcome) {
    if v.is_null() {
        if schema.get("nullable").and_then(Value::as_bool) == Some(true) {
            return;
        }
        if let Some(t) = schema.get("type").and_then(Value::as_str) {
            out.causes.push(type_cause(path, t, "null"));
        }
        return;
    }
    if let Some(t) = schema.get("type").and_then(Value::as_str) {
        let actual = type_name(v);
        let ok = actual == t || (t == "number" && actual == "integer");
        if !ok {
            out.causes.push(type_cause(path, t, actual));
            return;
        }
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !allowed.contains(v)
    {
        let list: Vec<String> = allowed.iter().map(render).collect();
        out.causes.push(FieldCause::new(
            "FieldValueNotSupported",
            path,
            format!(
                "Unsupported value: {}: supported values: {}",
                render(v),
                list.join(", ")
            ),
        ));
    }
    match v {
        Value::Object(map) => check_object(map, schema, path, out),
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter_mut().enumerate() {
                    check(item, item_schema, &format!("{path}[{i}]"), out);
                }
            }
        }
        _ => {}
    }
}

fn check_object(map: &mut Map<String, Value>, schema: &Value, path: &str, out: &mut Outcome) {
    let props = schema.get("properties").and_then(Value::as_object);
    let additional = schema.get("additionalProperties").filter(|a| a.is_object());
    let keys: Vec<String> = map.keys().cloned().collect();
    for key in keys {
        let sub = props.and_then(|p| p.get(&key));
        // Like kube-apiserver (structuraldefaulting.PruneNonNullableNullsWithoutDefaults): a null for a
        // property that is neither nullable nor defaulted is dropped before validation, not rejected.
        if let Some(sub) = sub.or(additional)
            && map.get(&key).is_some_and(Value::is_null)
            && sub.get("nullable").and_then(Value::as_bool) != Some(true)
            && sub.get("default").is_none()
        {
            map.remove(&key);
            continue;
        }
        match (sub, additional) {
            (Some(sub), _) => {
                if let Some(v) = map.get_mut(&key) {
                    check(v, sub, &join(path, &key), out);
                }
            }
            (None, Some(add)) => {
                if let Some(v) = map.get_mut(&key) {
                    check(v, add, &format!("{path}[{key}]"), out);
                }
            }
            (None, None) if preserves(schema) => {}
            (None, None) => {
                map.remove(&key);
                out.pruned.push(join(path, &key));
            }
        }
    }
    check_required(map, schema, path, out);
}

fn check_required(map: &Map<String, Value>, schema: &Value, path: &str, out: &mut Outcome) {
    if let Some(req) = schema.get("required").and_then(Value::as_array) {
        for r in req.iter().filter_map(Value::as_str) {
            if !map.contains_key(r) {
                out.causes.push(FieldCause::new(
                    "FieldValueRequired",
                    join(path, r),
                    "Required value",
                ));
            }
        }
    }
}

fn type_cause(path: &str, expected: &str, actual: &str) -> FieldCause {
    FieldCause::new(
        "FieldValueTypeInvalid",
        path,
        format!(
            "Invalid value: \"{actual}\": {path} in body must be of type {expected}: \"{actual}\""
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Value {
        json!({"type":"object","properties":{"spec":{"type":"object","required":["name"],"properties":{
            "name":{"type":"string"},"n":{"type":"integer"},"mode":{"type":"string","enum":["a","b"]},
            "conf":{"x-kubernetes-preserve-unknown-fields":true},
            "labels":{"type":"object","additionalProperties":{"type":"string"}}}}}})
    }

    #[test]
    fn wrong_type_is_reported_with_the_apiserver_message() {
        let mut o = json!({"spec":{"name":"x","n":"string"}});
        let out = validate(&mut o, &schema());
        assert_eq!(
            out.causes[0].message,
            "Invalid value: \"string\": spec.n in body must be of type integer: \"string\""
        );
        assert_eq!(out.causes[0].field, "spec.n");
    }

    #[test]
    fn missing_required_enum_violation_and_unknown_fields_are_handled() {
        let mut o =
            json!({"spec":{"mode":"c","extra":1,"conf":{"any":{"thing":1}},"labels":{"k":1}}});
        let out = validate(&mut o, &schema());
        let fields: Vec<&str> = out.causes.iter().map(|c| c.field.as_str()).collect();
        assert!(fields.contains(&"spec.name"), "{fields:?}");
        assert!(fields.contains(&"spec.mode"), "{fields:?}");
        assert!(fields.contains(&"spec.labels[k]"), "{fields:?}");
        assert_eq!(out.pruned, vec!["spec.extra".to_string()]);
        assert_eq!(o["spec"]["conf"]["any"]["thing"], 1);
        assert!(o["spec"].get("extra").is_none());
    }
}
