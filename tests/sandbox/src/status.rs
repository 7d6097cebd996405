//! `Status` error bodies shaped exactly like the real kube-apiserver's (see
//! `shared/fixtures/apiserver-responses/error-*.json`).

use serde_json::{Map, Value, json};

use crate::resources::ResourceDef;

/// An API error: HTTP code plus the `Status` body to send.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub code: u16,
    pub body: Value,
}

impl ApiError {
    /// Generic `Status` with the standard field order.
    pub fn new(
        code: u16,
        reason: &str,
        message: impl Into<String>,
        details: Option<Value>,
    ) -> Self {
        let mut m = Map::new();
        m.insert("kind".into(), json!("Status"));
        m.insert("apiVersion".into(), json!("v1"));
        m.insert("metadata".into(), json!({}));
        m.insert("status".into(), json!("Failure"));
        m.insert("message".into(), json!(message.into()));
        if !reason.is_empty() {
            m.insert("reason".into(), json!(reason));
        }
        if let Some(d) = details {
            m.insert("details".into(), d);
        }
        m.insert("code".into(), json!(code));
        Self {
            code,
            body: Value::Object(m),
        }
    }

    fn details(def: &ResourceDef, name: Option<&str>) -> Value {
        let mut d = Map::new();
        if let Some(n) = name {
            d.insert("name".into(), json!(n));
        }
        if !def.group.is_empty() {
            d.insert("group".into(), json!(def.group));
        }
        d.insert("kind".into(), json!(def.plural));
        Value::Object(d)
    }

    pub fn not_found(def: &ResourceDef, name: &str) -> Self {
        Self::new(
            404,
            "NotFound",
            format!("{} \"{name}\" not found", def.qualified_plural()),
            Some(Self::details(def, Some(name))),
        )
    }

    pub fn namespace_not_found(ns: &str) -> Self {
        Self::new(
            404,
            "NotFound",
            format!("namespaces \"{ns}\" not found"),
            Some(json!({"name": ns, "kind": "namespaces"})),
        )
    }

    pub fn unknown_resource() -> Self {
        Self::new(
            404,
            "NotFound",
            "the server could not find the requested resource",
            Some(json!({})),
        )
    }

    pub fn already_exists(def: &ResourceDef, name: &str) -> Self {
        Self::new(
            409,
            "AlreadyExists",
            format!("{} \"{name}\" already exists", def.qualified_plural()),
            Some(Self::details(def, Some(name))),
        )
    }

    pub fn conflict(def: &ResourceDef, name: &str) -> Self {
        Self::new(
            409,
            "Conflict",
            format!(
                "Operation cannot be fulfilled on {} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
                def.qualified_plural()
            ),
            Some(Self::details(def, Some(name))),
        )
    }

    /// 409 for a failed DELETE precondition (`what` = `UID` or `ResourceVersion`), worded like the
    /// apiserver's `BeforeDelete` (v1.37): qualified by kind, not plural, and the same in `details.kind`.
    pub fn precondition_failed(
        def: &ResourceDef,
        name: &str,
        what: &str,
        wanted: &str,
        actual: &str,
    ) -> Self {
        let consequence = if what == "UID" {
            "The object might have been deleted and then recreated"
        } else {
            "The object might have been modified"
        };
        let qualified_kind = if def.group.is_empty() {
            def.kind.clone()
        } else {
            format!("{}.{}", def.kind, def.group)
        };
        let mut details = Self::details(def, Some(name));
        details["kind"] = json!(def.kind);
        Self::new(
            409,
            "Conflict",
            format!(
                "Operation cannot be fulfilled on {qualified_kind} \"{name}\": the {what} in the precondition ({wanted}) does not match the {what} in record ({actual}). {consequence}"
            ),
            Some(details),
        )
    }

    /// 403 naming user, verb, resource (with subresource), group and namespace like RBAC does.
    pub fn forbidden(
        def: &ResourceDef,
        user: &str,
        verb: &str,
        subresource: Option<&str>,
        namespace: Option<&str>,
        name: Option<&str>,
    ) -> Self {
        let what = match name {
            Some(n) => format!("{} \"{n}\"", def.qualified_plural()),
            None => def.qualified_plural(),
        };
        let resource = match subresource {
            Some(s) => format!("{}/{s}", def.plural),
            None => def.plural.clone(),
        };
        let scope = match namespace {
            Some(ns) => format!("in the namespace \"{ns}\""),
            None => "at the cluster scope".to_string(),
        };
        Self::new(
            403,
            "Forbidden",
            format!(
                "{what} is forbidden: User \"{user}\" cannot {verb} resource \"{resource}\" in API group \"{}\" {scope}",
                def.group
            ),
            Some(Self::details(def, name)),
        )
    }

    pub fn unauthorized() -> Self {
        Self::new(401, "Unauthorized", "Unauthorized", None)
    }

    pub fn unsupported_media_type() -> Self {
        Self::new(
            415,
            "UnsupportedMediaType",
            "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
            None,
        )
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "BadRequest", message, None)
    }

    /// The 422 a JSON patch whose `test` op fails (or that cannot apply) gets.
    pub fn patch_rejected() -> Self {
        Self::new(
            422,
            "Invalid",
            "the server rejected our request due to an error in our request",
            Some(json!({})),
        )
    }

    pub fn method_not_allowed() -> Self {
        Self::new(
            405,
            "MethodNotAllowed",
            "the server does not allow this method on the requested resource",
            Some(json!({})),
        )
    }

    pub fn internal(message: impl Into<String>) -> Self {
        let message = message.into();
        Self::new(
            500,
            "InternalError",
            format!("Internal error occurred: {message}"),
            Some(json!({"causes": [{"message": message}]})),
        )
    }

    /// 422 `Invalid` with field causes, like schema validation failures.
    pub fn invalid(def: &ResourceDef, name: &str, causes: &[FieldCause]) -> Self {
        let rendered: Vec<String> = causes
            .iter()
            .map(|c| format!("{}: {}", c.field, c.message))
            .collect();
        let joined = if rendered.len() == 1 {
            rendered[0].clone()
        } else {
            format!("[{}]", rendered.join(", "))
        };
        let mut details = Map::new();
        details.insert("name".into(), json!(name));
        if !def.group.is_empty() {
            details.insert("group".into(), json!(def.group));
        }
        details.insert("kind".into(), json!(def.kind));
        details.insert(
            "causes".into(),
            Value::Array(
                causes
                    .iter()
                    .map(|c| json!({"reason": c.reason, "message": c.message, "field": c.field}))
                    .collect(),
            ),
        );
        Self::new(
            422,
            "Invalid",
            format!("{} \"{name}\" is invalid: {joined}", def.qualified_kind()),
            Some(Value::Object(details)),
        )
    }
}

/// One field error of a 422 (`details.causes[]`).
#[derive(Debug, Clone, PartialEq)]
pub struct FieldCause {
    pub reason: String,
    pub message: String,
    pub field: String,
}

impl FieldCause {
    pub fn new(reason: &str, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            reason: reason.to_string(),
            field: field.into(),
            message: message.into(),
        }
    }
}
