//! Trimmed decoding of an AdmissionReview: one streaming pass over the body that keeps only the
//! fields the policy reads and skips everything else without building it (pod templates, status,
//! managed fields, unrelated labels and annotations). The kept JSON is then small enough that
//! turning it into kube's `AdmissionReview<DynamicObject>` costs little.
//!
//! Kept of `object` / `oldObject`: `apiVersion`, `kind`; `metadata.name`, `generateName`,
//! `namespace`, `deletionTimestamp`, and only the opt-out key of `labels` / `annotations`;
//! `spec.flinkConfiguration` (whole), `deploymentName`, `job.upgradeMode`,
//! `job.savepointTriggerNonce`, `jobReference`, `savepoint`. Everything of `request` outside the
//! objects is kept except `options`.

use std::fmt;

use kube::core::{
    DynamicObject,
    admission::{AdmissionRequest, AdmissionReview},
};
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// The only AdmissionReview version served (the configurations ask for `[v1]`).
pub const ADMISSION_API_VERSION: &str = "admission.k8s.io/v1";

/// What to keep of a JSON value.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Keep {
    /// The whole value.
    All,
    /// Of an object, only these members (each with its own rule); any other JSON type is kept
    /// as is, except that arrays are emptied.
    Fields(&'static [(&'static str, Keep)]),
    /// Of an object, only the member named by the opt-out key.
    Marker,
}

impl Keep {
    /// The rule for member `key` of an object read under this rule; `None`: drop it.
    pub(crate) fn member(self, key: &str, marker: &str) -> Option<Keep> {
        match self {
            Keep::Fields(fields) => fields.iter().find(|(name, _)| *name == key).map(|f| f.1),
            Keep::Marker => (key == marker).then_some(Keep::All),
            Keep::All => Some(Keep::All),
        }
    }
}

const JOB: Keep = Keep::Fields(&[
    ("upgradeMode", Keep::All),
    ("savepointTriggerNonce", Keep::All),
]);
/// What is kept of an object's `spec` (the fast decode applies it too).
pub(crate) const SPEC: Keep = Keep::Fields(&[
    ("flinkConfiguration", Keep::All),
    ("deploymentName", Keep::All),
    ("job", JOB),
    ("jobReference", Keep::All),
    ("savepoint", Keep::All),
]);
const METADATA: Keep = Keep::Fields(&[
    ("name", Keep::All),
    ("generateName", Keep::All),
    ("namespace", Keep::All),
    ("deletionTimestamp", Keep::All),
    ("labels", Keep::Marker),
    ("annotations", Keep::Marker),
]);
const OBJECT: Keep = Keep::Fields(&[
    ("apiVersion", Keep::All),
    ("kind", Keep::All),
    ("metadata", METADATA),
    ("spec", SPEC),
]);
const REQUEST: Keep = Keep::Fields(&[
    ("uid", Keep::All),
    ("kind", Keep::All),
    ("resource", Keep::All),
    ("subResource", Keep::All),
    ("requestKind", Keep::All),
    ("requestResource", Keep::All),
    ("requestSubResource", Keep::All),
    ("name", Keep::All),
    ("namespace", Keep::All),
    ("operation", Keep::All),
    ("userInfo", Keep::All),
    ("dryRun", Keep::All),
    ("object", OBJECT),
    ("oldObject", OBJECT),
]);
const REVIEW: Keep = Keep::Fields(&[
    ("apiVersion", Keep::All),
    ("kind", Keep::All),
    ("request", REQUEST),
]);

/// Parses `body` keeping only what the policy reads (see the module documentation).
pub fn trimmed_review(body: &[u8], opt_out_key: &str) -> Result<Value, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = Seed {
        keep: REVIEW,
        marker: opt_out_key,
    }
    .deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// The request of an `admission.k8s.io/v1` AdmissionReview body, decoded through
/// [`trimmed_review`] and then kube's types; `Err` is the message of the 400 answer. (The webhook
/// reaches it through [`crate::decode_fast::admission_request`].)
pub fn trimmed_request(
    body: &[u8],
    opt_out_key: &str,
) -> Result<AdmissionRequest<DynamicObject>, String> {
    let invalid =
        |error: serde_json::Error| format!("body is not a valid AdmissionReview: {error}");
    // Only the fields the policy reads are built; the rest of the body is skipped.
    let trimmed = trimmed_review(body, opt_out_key).map_err(invalid)?;
    let review: AdmissionReview<DynamicObject> =
        serde_json::from_value(trimmed).map_err(invalid)?;
    if review.types.api_version != ADMISSION_API_VERSION || review.types.kind != "AdmissionReview" {
        return Err(format!(
            "unsupported {} {:?}: only kind AdmissionReview, apiVersion {ADMISSION_API_VERSION} is served",
            review.types.kind, review.types.api_version
        ));
    }
    review
        .try_into()
        .map_err(|_| "AdmissionReview has no `request`".to_owned())
}

/// Discards a value the policy does not read, through `deserialize_any` so that serde_json's nesting
/// limit (128) still applies: `IgnoredAny` skips iteratively without one, which would admit a review
/// nested 10,000 levels deep in a field nobody reads.
pub(crate) struct Skip;

impl<'de> DeserializeSeed<'de> for Skip {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(Skip)
    }
}

impl<'de> Visitor<'de> for Skip {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Skip)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_key::<IgnoredAny>()?.is_some() {
            map.next_value_seed(Skip)?;
        }
        Ok(())
    }
}

#[derive(Clone, Copy)]
struct Seed<'k> {
    keep: Keep,
    marker: &'k str,
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        match self.keep {
            Keep::All => serde::Deserialize::deserialize(deserializer),
            Keep::Fields(_) | Keep::Marker => deserializer.deserialize_any(self),
        }
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            match self.keep.member(&key, self.marker) {
                Some(keep) => {
                    let value = map.next_value_seed(Seed {
                        keep,
                        marker: self.marker,
                    })?;
                    out.insert(key, value);
                }
                None => map.next_value_seed(Skip)?,
            }
        }
        Ok(Value::Object(out))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        while seq.next_element_seed(Skip)?.is_some() {}
        Ok(Value::Array(Vec::new()))
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
}

#[cfg(test)]
#[path = "decode_tests.rs"]
pub(crate) mod tests;
