//! An admission request as the webhook holds it once decoded ([`Decoded`]): what the policy reads
//! (its [`Request`] view), the uid and `dryRun` for the answer and the log, and nothing else.
//! Strings borrow from the body wherever the JSON spells them without escapes.

use std::borrow::Cow;

use flink_savepoint::admission::{Object, Request};
use kube::core::{
    DynamicObject,
    admission::{AdmissionRequest, Operation},
};
use serde_json::Value;

/// A decoded AdmissionReview request (see the module documentation).
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded<'a> {
    /// `uid`.
    pub uid: Cow<'a, str>,
    /// `kind.group`.
    pub group: Cow<'a, str>,
    /// `kind.version`.
    pub version: Cow<'a, str>,
    /// `kind.kind`.
    pub kind: Cow<'a, str>,
    /// `name`.
    pub name: Cow<'a, str>,
    /// `namespace`.
    pub namespace: Option<Cow<'a, str>>,
    /// `operation`.
    pub operation: Operation,
    /// `dryRun`.
    pub dry_run: bool,
    /// `object`.
    pub object: Option<DecodedObject<'a>>,
    /// `oldObject`.
    pub old_object: Option<DecodedObject<'a>>,
}

/// The parts of an `object` / `oldObject` the policy reads.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedObject<'a> {
    /// `metadata.name`.
    pub name: Option<Cow<'a, str>>,
    /// `metadata.generateName`.
    pub generate_name: Option<Cow<'a, str>>,
    /// Whether `metadata.deletionTimestamp` is set.
    pub deleting: bool,
    /// The opt-out key's value among `metadata.labels`.
    pub marker_label: Option<Cow<'a, str>>,
    /// The opt-out key's value among `metadata.annotations`.
    pub marker_annotation: Option<Cow<'a, str>>,
    /// `spec`, trimmed to what the policy reads (`Value::Null` when absent).
    pub spec: Value,
}

impl Decoded<'_> {
    /// What the policy reads.
    pub fn request(&self) -> Request<'_> {
        Request {
            operation: &self.operation,
            group: &self.group,
            version: &self.version,
            kind: &self.kind,
            name: &self.name,
            namespace: self.namespace.as_deref(),
            object: self.object.as_ref().map(DecodedObject::view),
            old_object: self.old_object.as_ref().map(DecodedObject::view),
        }
    }

    /// The same from kube's request (the trimmed decode's), keeping only the opt-out key's
    /// values of the labels and annotations.
    pub fn from_request(req: AdmissionRequest<DynamicObject>, opt_out_key: &str) -> Self {
        let object = |obj: DynamicObject| DecodedObject::from_object(obj, opt_out_key);
        Decoded {
            uid: req.uid.into(),
            group: req.kind.group.into(),
            version: req.kind.version.into(),
            kind: req.kind.kind.into(),
            name: req.name.into(),
            namespace: req.namespace.map(Cow::Owned),
            operation: req.operation,
            dry_run: req.dry_run,
            object: req.object.map(object),
            old_object: req.old_object.map(object),
        }
    }
}

impl DecodedObject<'_> {
    fn view(&self) -> Object<'_> {
        Object {
            name: self.name.as_deref(),
            generate_name: self.generate_name.as_deref(),
            deleting: self.deleting,
            marker_label: self.marker_label.as_deref(),
            marker_annotation: self.marker_annotation.as_deref(),
            spec: &self.spec,
        }
    }

    fn from_object(obj: DynamicObject, opt_out_key: &str) -> Self {
        let meta = obj.metadata;
        let marker = |map: Option<std::collections::BTreeMap<String, String>>| {
            map.and_then(|mut m| m.remove(opt_out_key)).map(Cow::Owned)
        };
        let spec = match obj.data {
            Value::Object(mut data) => data.remove("spec").unwrap_or(Value::Null),
            _ => Value::Null,
        };
        DecodedObject {
            name: meta.name.map(Cow::Owned),
            generate_name: meta.generate_name.map(Cow::Owned),
            deleting: meta.deletion_timestamp.is_some(),
            marker_label: marker(meta.labels),
            marker_annotation: marker(meta.annotations),
            spec,
        }
    }
}
