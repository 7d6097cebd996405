//! What the policy reads of one admission request ([`Request`]), borrowed from wherever it was
//! decoded: kube's `AdmissionRequest` ([`Request::of`]) or a decoder's own types (the webhook's
//! one-pass decode builds no `AdmissionRequest` at all).

use kube::core::{
    DynamicObject,
    admission::{AdmissionRequest, Operation},
};
use serde_json::Value;

/// `Value::Null`, for an object without a `spec`.
static NO_SPEC: Value = Value::Null;

/// The parts of an AdmissionRequest the policy reads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Request<'a> {
    /// `operation`.
    pub operation: &'a Operation,
    /// `kind.group` (any version is handled alike).
    pub group: &'a str,
    /// `kind.version`.
    pub version: &'a str,
    /// `kind.kind`.
    pub kind: &'a str,
    /// `name` (empty for a CREATE with `generateName`).
    pub name: &'a str,
    /// `namespace`.
    pub namespace: Option<&'a str>,
    /// `object`.
    pub object: Option<Object<'a>>,
    /// `oldObject`.
    pub old_object: Option<Object<'a>>,
}

/// The parts of an `object` / `oldObject` the policy reads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Object<'a> {
    /// `metadata.name`.
    pub name: Option<&'a str>,
    /// `metadata.generateName`.
    pub generate_name: Option<&'a str>,
    /// Whether `metadata.deletionTimestamp` is set.
    pub deleting: bool,
    /// The value of the opt-out key among `metadata.labels`.
    pub marker_label: Option<&'a str>,
    /// The value of the opt-out key among `metadata.annotations`.
    pub marker_annotation: Option<&'a str>,
    /// `spec` (`Value::Null` when absent).
    pub spec: &'a Value,
}

impl<'a> Request<'a> {
    /// The view of kube's request; `opt_out_key` is the policy's opt-out label and annotation
    /// key (the only one whose value the policy reads).
    pub fn of(req: &'a AdmissionRequest<DynamicObject>, opt_out_key: &str) -> Self {
        let object = |obj: &'a DynamicObject| Object::of(obj, opt_out_key);
        Self {
            operation: &req.operation,
            group: &req.kind.group,
            version: &req.kind.version,
            kind: &req.kind.kind,
            name: &req.name,
            namespace: req.namespace.as_deref(),
            object: req.object.as_ref().map(object),
            old_object: req.old_object.as_ref().map(object),
        }
    }
}

impl<'a> Object<'a> {
    /// The view of a DynamicObject.
    pub fn of(obj: &'a DynamicObject, opt_out_key: &str) -> Self {
        let meta = &obj.metadata;
        let marker = |map: &'a Option<std::collections::BTreeMap<String, String>>| {
            map.as_ref()
                .and_then(|m| m.get(opt_out_key))
                .map(String::as_str)
        };
        Self {
            name: meta.name.as_deref(),
            generate_name: meta.generate_name.as_deref(),
            deleting: meta.deletion_timestamp.is_some(),
            marker_label: marker(&meta.labels),
            marker_annotation: marker(&meta.annotations),
            spec: obj.data.get("spec").unwrap_or(&NO_SPEC),
        }
    }

    /// Whether the opt-out key is set to `value` as a label or an annotation.
    pub fn has_marker(&self, value: &str) -> bool {
        self.marker_label == Some(value) || self.marker_annotation == Some(value)
    }
}
