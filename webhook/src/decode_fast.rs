//! How the webhook decodes an AdmissionReview body ([`admission_request`]), and its fast path
//! [`fast_request`]: one streaming pass over the body
//! straight into kube's `AdmissionRequest<DynamicObject>`, keeping the same fields as
//! [`crate::decode::trimmed_review`] (the object's `spec` through the very same trimming seed)
//! but building no intermediate JSON value for the envelope, the metadata or the user, and no
//! serde `flatten` buffering.
//!
//! It is stricter than the trimmed decode, never looser: whatever it does not accept (a missing
//! or mistyped field, a wrong apiVersion, anything unusual) it hands back as `None`, and the
//! caller then runs the trimmed decode, which either accepts the body after all or words the 400
//! answer. Unread fields are skipped with [`Skip`], so serde_json's nesting limit still applies
//! everywhere.

use std::{collections::BTreeMap, fmt};

use k8s_openapi::{
    api::authentication::v1::UserInfo,
    apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time},
};
use kube::core::{
    DynamicObject, GroupVersionKind, GroupVersionResource, TypeMeta,
    admission::{AdmissionRequest, Operation},
};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde_json::{Map, Value};

use crate::decode::{ADMISSION_API_VERSION, Skip, spec_seed, trimmed_request};

/// The request of an `admission.k8s.io/v1` AdmissionReview body; `Err` is the message of the
/// 400 answer. The plain well-formed case is decoded in one pass by [`fast_request`]; anything
/// it does not take goes through [`trimmed_request`], which accepts it after all or words the
/// answer. Both yield the same request (the tests hold them to it).
pub fn admission_request(
    body: &[u8],
    opt_out_key: &str,
) -> Result<AdmissionRequest<DynamicObject>, String> {
    match fast_request(body, opt_out_key) {
        Some(request) => Ok(request),
        None => trimmed_request(body, opt_out_key),
    }
}

/// The request of an `admission.k8s.io/v1` AdmissionReview body, or `None` when the body is not
/// the plain well-formed case (see the module documentation).
pub fn fast_request(body: &[u8], opt_out_key: &str) -> Option<AdmissionRequest<DynamicObject>> {
    // One UTF-8 check of the whole body (a fast pass over ASCII) instead of one per string.
    let text = std::str::from_utf8(body).ok()?;
    let mut de = serde_json::Deserializer::from_str(text);
    let request = Object(ReviewSeed {
        marker: opt_out_key,
    })
    .deserialize(&mut de)
    .ok()?;
    de.end().ok()?;
    request
}

/// A map key, matched against a fixed list of member names without allocating.
struct FieldSeed(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for FieldSeed {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for FieldSeed {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(self.0.iter().position(|name| *name == v))
    }
}

/// A map key: whether it is the opt-out key.
struct IsKey<'k>(&'k str);

impl<'de> DeserializeSeed<'de> for IsKey<'_> {
    type Value = Option<String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for IsKey<'_> {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a label or annotation key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok((v == self.0).then(|| v.to_owned()))
    }
}

/// `null` → `None`, anything else through the inner seed.
struct OptionSeed<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for OptionSeed<S> {
    type Value = Option<S::Value>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de, S: DeserializeSeed<'de>> Visitor<'de> for OptionSeed<S> {
    type Value = Option<S::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("null or a value")
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        self.0.deserialize(deserializer).map(Some)
    }
}

/// A JSON object read member by member: `fields` names the members the object keeps; `member`
/// reads the value of the member at that index; everything else is skipped.
trait ObjectSeed<'de>: Sized {
    /// What the object becomes.
    type Value;
    /// Members read (any other is skipped).
    const FIELDS: &'static [&'static str];
    /// What is being read, for error messages.
    const EXPECTING: &'static str;
    /// Partial state while reading.
    type State: Default;

    /// Reads the value of member `FIELDS[index]` into `state`.
    fn member<A: MapAccess<'de>>(
        &self,
        index: usize,
        map: &mut A,
        state: &mut Self::State,
    ) -> Result<(), A::Error>;

    /// The object, once every member has been read.
    fn finish<E: de::Error>(self, state: Self::State) -> Result<Self::Value, E>;
}

/// Reads an [`ObjectSeed`] (only a JSON object is accepted).
struct Object<T>(T);

impl<'de, T: ObjectSeed<'de>> DeserializeSeed<'de> for Object<T> {
    type Value = T::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, T: ObjectSeed<'de>> Visitor<'de> for Object<T> {
    type Value = T::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut state = T::State::default();
        while let Some(field) = map.next_key_seed(FieldSeed(T::FIELDS))? {
            match field {
                Some(index) => self.0.member(index, &mut map, &mut state)?,
                None => map.next_value_seed(Skip)?,
            }
        }
        self.0.finish(state)
    }
}

fn required<T, E: de::Error>(value: Option<T>, name: &'static str) -> Result<T, E> {
    value.ok_or_else(|| E::missing_field(name))
}

struct ReviewSeed<'k> {
    marker: &'k str,
}

#[derive(Default)]
struct ReviewState {
    api_version: Option<String>,
    kind: Option<String>,
    request: Option<AdmissionRequest<DynamicObject>>,
}

impl<'de> ObjectSeed<'de> for ReviewSeed<'_> {
    type Value = Option<AdmissionRequest<DynamicObject>>;
    type State = ReviewState;
    const FIELDS: &'static [&'static str] = &["apiVersion", "kind", "request"];
    const EXPECTING: &'static str = "an AdmissionReview";

    fn member<A: MapAccess<'de>>(
        &self,
        index: usize,
        map: &mut A,
        state: &mut ReviewState,
    ) -> Result<(), A::Error> {
        match index {
            0 => state.api_version = Some(map.next_value()?),
            1 => state.kind = Some(map.next_value()?),
            _ => {
                state.request = map.next_value_seed(OptionSeed(Object(RequestSeed {
                    marker: self.marker,
                })))?
            }
        }
        Ok(())
    }

    fn finish<E: de::Error>(self, state: ReviewState) -> Result<Self::Value, E> {
        let api_version = required(state.api_version, "apiVersion")?;
        let kind = required(state.kind, "kind")?;
        if api_version != ADMISSION_API_VERSION || kind != "AdmissionReview" {
            return Ok(None);
        }
        Ok(state.request.map(|mut request| {
            request.types = TypeMeta { api_version, kind };
            request
        }))
    }
}

struct RequestSeed<'k> {
    marker: &'k str,
}

#[derive(Default)]
struct RequestState {
    uid: Option<String>,
    kind: Option<GroupVersionKind>,
    resource: Option<GroupVersionResource>,
    sub_resource: Option<String>,
    request_kind: Option<GroupVersionKind>,
    request_resource: Option<GroupVersionResource>,
    request_sub_resource: Option<String>,
    name: Option<String>,
    namespace: Option<String>,
    operation: Option<Operation>,
    user_info: Option<UserInfo>,
    object: Option<DynamicObject>,
    old_object: Option<DynamicObject>,
    dry_run: Option<bool>,
}

impl<'de> ObjectSeed<'de> for RequestSeed<'_> {
    type Value = AdmissionRequest<DynamicObject>;
    type State = RequestState;
    const FIELDS: &'static [&'static str] = &[
        "uid",
        "kind",
        "resource",
        "subResource",
        "requestKind",
        "requestResource",
        "requestSubResource",
        "name",
        "namespace",
        "operation",
        "userInfo",
        "object",
        "oldObject",
        "dryRun",
    ];
    const EXPECTING: &'static str = "an AdmissionRequest";

    fn member<A: MapAccess<'de>>(
        &self,
        index: usize,
        map: &mut A,
        s: &mut RequestState,
    ) -> Result<(), A::Error> {
        let object = || {
            OptionSeed(Object(ObjectSeedOf {
                marker: self.marker,
            }))
        };
        match index {
            0 => s.uid = Some(map.next_value()?),
            1 => s.kind = Some(map.next_value_seed(Object(GvkSeed))?),
            2 => s.resource = Some(map.next_value_seed(Object(GvrSeed))?),
            3 => s.sub_resource = map.next_value()?,
            4 => s.request_kind = map.next_value_seed(OptionSeed(Object(GvkSeed)))?,
            5 => s.request_resource = map.next_value_seed(OptionSeed(Object(GvrSeed)))?,
            6 => s.request_sub_resource = map.next_value()?,
            7 => s.name = Some(map.next_value()?),
            8 => s.namespace = map.next_value()?,
            9 => s.operation = Some(map.next_value()?),
            10 => s.user_info = Some(map.next_value_seed(Object(UserInfoSeed))?),
            11 => s.object = map.next_value_seed(object())?,
            12 => s.old_object = map.next_value_seed(object())?,
            _ => s.dry_run = Some(map.next_value()?),
        }
        Ok(())
    }

    fn finish<E: de::Error>(self, s: RequestState) -> Result<Self::Value, E> {
        Ok(AdmissionRequest {
            types: TypeMeta::default(),
            uid: required(s.uid, "uid")?,
            kind: required(s.kind, "kind")?,
            resource: required(s.resource, "resource")?,
            sub_resource: s.sub_resource,
            request_kind: s.request_kind,
            request_resource: s.request_resource,
            request_sub_resource: s.request_sub_resource,
            name: s.name.unwrap_or_default(),
            namespace: s.namespace,
            operation: required(s.operation, "operation")?,
            user_info: required(s.user_info, "userInfo")?,
            object: s.object,
            old_object: s.old_object,
            dry_run: s.dry_run.unwrap_or(false),
            options: None,
        })
    }
}

/// Members that are all strings, in the order of `FIELDS`.
struct Strings<const N: usize>([Option<String>; N]);

impl<const N: usize> Default for Strings<N> {
    fn default() -> Self {
        Self(std::array::from_fn(|_| None))
    }
}

fn read_string<'de, A: MapAccess<'de>, const N: usize>(
    index: usize,
    map: &mut A,
    state: &mut Strings<N>,
) -> Result<(), A::Error> {
    state.0[index] = Some(map.next_value()?);
    Ok(())
}

struct GvkSeed;

impl<'de> ObjectSeed<'de> for GvkSeed {
    type Value = GroupVersionKind;
    type State = Strings<3>;
    const FIELDS: &'static [&'static str] = &["group", "version", "kind"];
    const EXPECTING: &'static str = "a GroupVersionKind";

    fn member<A: MapAccess<'de>>(
        &self,
        index: usize,
        map: &mut A,
        state: &mut Strings<3>,
    ) -> Result<(), A::Error> {
        read_string(index, map, state)
    }

    fn finish<E: de::Error>(
        self,
        Strings([group, version, kind]): Strings<3>,
    ) -> Result<Self::Value, E> {
        Ok(GroupVersionKind {
            group: required(group, "group")?,
            version: required(version, "version")?,
            kind: required(kind, "kind")?,
        })
    }
}

struct GvrSeed;

impl<'de> ObjectSeed<'de> for GvrSeed {
    type Value = GroupVersionResource;
    type State = Strings<4>;
    // kube's GroupVersionResource spells its fourth member in snake case.
    const FIELDS: &'static [&'static str] = &["group", "version", "resource", "api_version"];
    const EXPECTING: &'static str = "a GroupVersionResource";

    fn member<A: MapAccess<'de>>(
        &self,
        index: usize,
        map: &mut A,
        state: &mut Strings<4>,
    ) -> Result<(), A::Error> {
        read_string(index, map, state)
    }

    fn finish<E: de::Error>(self, Strings(members): Strings<4>) -> Result<Self::Value, E> {
        use serde::{Deserialize as _, de::value::MapDeserializer};
        // Its apiVersion member is private: build it the way serde does.
        let [group, version, resource, api_version] = members;
        let pairs = [
            ("group", required(group, "group")?),
            ("version", required(version, "version")?),
            ("resource", required(resource, "resource")?),
            ("api_version", api_version.unwrap_or_default()),
        ];
        GroupVersionResource::deserialize(MapDeserializer::<_, E>::new(pairs.into_iter()))
    }
}

struct UserInfoSeed;

#[derive(Default)]
struct UserState {
    extra: Option<BTreeMap<String, Vec<String>>>,
    groups: Option<Vec<String>>,
    uid: Option<String>,
    username: Option<String>,
}

impl<'de> ObjectSeed<'de> for UserInfoSeed {
    type Value = UserInfo;
    type State = UserState;
    const FIELDS: &'static [&'static str] = &["extra", "groups", "uid", "username"];
    const EXPECTING: &'static str = "a UserInfo";

    fn member<A: MapAccess<'de>>(
        &self,
        index: usize,
        map: &mut A,
        s: &mut UserState,
    ) -> Result<(), A::Error> {
        match index {
            0 => s.extra = map.next_value()?,
            1 => s.groups = map.next_value()?,
            2 => s.uid = map.next_value()?,
            _ => s.username = map.next_value()?,
        }
        Ok(())
    }

    fn finish<E: de::Error>(self, s: UserState) -> Result<Self::Value, E> {
        Ok(UserInfo {
            extra: s.extra,
            groups: s.groups,
            uid: s.uid,
            username: s.username,
        })
    }
}

/// `object` / `oldObject`.
struct ObjectSeedOf<'k> {
    marker: &'k str,
}

#[derive(Default)]
struct ObjectState {
    api_version: Option<String>,
    kind: Option<String>,
    metadata: Option<ObjectMeta>,
    spec: Option<Value>,
}

impl<'de> ObjectSeed<'de> for ObjectSeedOf<'_> {
    type Value = DynamicObject;
    type State = ObjectState;
    const FIELDS: &'static [&'static str] = &["apiVersion", "kind", "metadata", "spec"];
    const EXPECTING: &'static str = "an object";

    fn member<A: MapAccess<'de>>(
        &self,
        index: usize,
        map: &mut A,
        s: &mut ObjectState,
    ) -> Result<(), A::Error> {
        match index {
            0 => s.api_version = map.next_value()?,
            1 => s.kind = map.next_value()?,
            2 => {
                s.metadata = Some(map.next_value_seed(Object(MetadataSeed {
                    marker: self.marker,
                }))?)
            }
            _ => s.spec = Some(map.next_value_seed(spec_seed(self.marker))?),
        }
        Ok(())
    }

    fn finish<E: de::Error>(self, s: ObjectState) -> Result<Self::Value, E> {
        let types = match (s.api_version, s.kind) {
            (Some(api_version), Some(kind)) => Some(TypeMeta { api_version, kind }),
            _ => None,
        };
        let mut data = Map::new();
        if let Some(spec) = s.spec {
            data.insert("spec".to_owned(), spec);
        }
        Ok(DynamicObject {
            types,
            metadata: s.metadata.unwrap_or_default(),
            data: Value::Object(data),
        })
    }
}

struct MetadataSeed<'k> {
    marker: &'k str,
}

#[derive(Default)]
struct MetaState {
    name: Option<String>,
    generate_name: Option<String>,
    namespace: Option<String>,
    deletion_timestamp: Option<Time>,
    labels: Option<BTreeMap<String, String>>,
    annotations: Option<BTreeMap<String, String>>,
}

impl<'de> ObjectSeed<'de> for MetadataSeed<'_> {
    type Value = ObjectMeta;
    type State = MetaState;
    const FIELDS: &'static [&'static str] = &[
        "name",
        "generateName",
        "namespace",
        "deletionTimestamp",
        "labels",
        "annotations",
    ];
    const EXPECTING: &'static str = "an ObjectMeta";

    fn member<A: MapAccess<'de>>(
        &self,
        index: usize,
        map: &mut A,
        s: &mut MetaState,
    ) -> Result<(), A::Error> {
        let markers = || OptionSeed(MarkerMap(self.marker));
        match index {
            0 => s.name = map.next_value()?,
            1 => s.generate_name = map.next_value()?,
            2 => s.namespace = map.next_value()?,
            3 => s.deletion_timestamp = map.next_value()?,
            4 => s.labels = map.next_value_seed(markers())?,
            _ => s.annotations = map.next_value_seed(markers())?,
        }
        Ok(())
    }

    fn finish<E: de::Error>(self, s: MetaState) -> Result<Self::Value, E> {
        Ok(ObjectMeta {
            name: s.name,
            generate_name: s.generate_name,
            namespace: s.namespace,
            deletion_timestamp: s.deletion_timestamp,
            labels: s.labels,
            annotations: s.annotations,
            ..ObjectMeta::default()
        })
    }
}

/// Labels or annotations: only the opt-out key is kept (its value must be a string).
struct MarkerMap<'k>(&'k str);

impl<'de> DeserializeSeed<'de> for MarkerMap<'_> {
    type Value = BTreeMap<String, String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for MarkerMap<'_> {
    type Value = BTreeMap<String, String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map of strings")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = BTreeMap::new();
        while let Some(key) = map.next_key_seed(IsKey(self.0))? {
            match key {
                Some(key) => {
                    out.insert(key, map.next_value()?);
                }
                None => map.next_value_seed(Skip)?,
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flink_savepoint::admission::DEFAULT_OPT_OUT_KEY;

    fn same(fast: &AdmissionRequest<DynamicObject>, trimmed: &AdmissionRequest<DynamicObject>) {
        assert_eq!(fast.types, trimmed.types);
        assert_eq!(
            serde_json::to_value(fast).expect("fast"),
            serde_json::to_value(trimmed).expect("trimmed")
        );
        // `to_value` flattens an object's type fields into its data: compare them apart.
        for (f, t) in [
            (&fast.object, &trimmed.object),
            (&fast.old_object, &trimmed.old_object),
        ] {
            assert_eq!(f.as_ref().map(|o| &o.types), t.as_ref().map(|o| &o.types));
            assert_eq!(f.as_ref().map(|o| &o.data), t.as_ref().map(|o| &o.data));
        }
    }

    /// The fast path takes every captured review (real API-server bodies and the library's
    /// variants) and yields exactly what the trimmed decode yields.
    #[test]
    fn every_fixture_takes_the_fast_path_and_decodes_as_the_trimmed_decode_does() {
        let dirs = [
            concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/admission"),
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../shared/fixtures/admission-reviews"
            ),
        ];
        let mut compared = 0;
        for dir in dirs {
            for entry in std::fs::read_dir(dir).expect("fixture dir") {
                let path = entry.expect("entry").path();
                if path.extension().and_then(|e| e.to_str()) != Some("json") {
                    continue;
                }
                let body = std::fs::read(&path).expect("fixture");
                let fast = fast_request(&body, DEFAULT_OPT_OUT_KEY)
                    .unwrap_or_else(|| panic!("fast path refused {}", path.display()));
                let trimmed = trimmed_request(&body, DEFAULT_OPT_OUT_KEY)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                same(&fast, &trimmed);
                compared += 1;
            }
        }
        assert!(compared > 30, "only {compared} fixtures compared");
    }

    #[test]
    fn only_the_opt_out_key_of_labels_and_annotations_is_kept() {
        let body = br#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{
            "uid":"u","kind":{"group":"g","version":"v","kind":"K"},
            "resource":{"group":"g","version":"v","resource":"ks"},"operation":"UPDATE",
            "userInfo":{"username":"x","extra":{"a":["b"]}},
            "object":{"metadata":{"name":"n","labels":{"team":"a","k":"v"},"annotations":{"k":"w","big":{"x":[1]}}},
                      "spec":{"flinkConfiguration":{"a":{"b":1}},"podTemplate":{"x":1}},"status":{}},
            "oldObject":null}}"#;
        let fast = fast_request(body, "k").expect("fast path");
        let meta = &fast.object.as_ref().expect("object").metadata;
        assert_eq!(meta.labels.as_ref().map(|l| l.len()), Some(1));
        assert_eq!(meta.labels.as_ref().unwrap()["k"], "v");
        assert_eq!(meta.annotations.as_ref().unwrap()["k"], "w");
        assert!(fast.old_object.is_none());
        same(&fast, &trimmed_request(body, "k").expect("trimmed"));
    }

    /// Anything short of the plain case is left to the trimmed decode (which answers it).
    #[test]
    fn unusual_or_broken_bodies_are_left_to_the_trimmed_decode() {
        let review = |request: &str| {
            format!(
                r#"{{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{request}}}"#
            )
        };
        let base = r#""uid":"u","kind":{"group":"g","version":"v","kind":"K"},"resource":{"group":"g","version":"v","resource":"ks"},"operation":"CREATE","userInfo":{}"#;
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        for body in [
            String::new(),
            "[]".to_owned(),
            "null".to_owned(),
            review("null"),
            review("[]"),
            review(&format!("{{{base}}} trailing")),
            review(r#"{"uid":5}"#),
            review(&format!(r#"{{{base},"operation":"PATCH"}}"#)),
            review(&format!(r#"{{{base},"name":null}}"#)),
            review(&format!(r#"{{{base},"dryRun":null}}"#)),
            review(&format!(r#"{{{base},"object":"text"}}"#)),
            review(&format!(r#"{{{base},"object":{{"apiVersion":5}}}}"#)),
            review(&format!(r#"{{{base},"object":{{"metadata":null}}}}"#)),
            review(&format!(
                r#"{{{base},"object":{{"metadata":{{"labels":[]}}}}}}"#
            )),
            review(&format!(
                r#"{{{base},"object":{{"metadata":{{"deletionTimestamp":"yesterday"}}}}}}"#
            )),
            review(&format!(r#"{{{base},"object":{{"deep":{deep}}}}}"#)),
            review(&format!(r#"{{{base},"userInfo":{{"deep":{deep}}}}}"#)),
            review(&format!(r#"{{{base},"extra":{deep}}}"#)),
            review(r#"{"kind":{"group":"g","version":"v","kind":"K"}}"#),
            r#"{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","request":{}}"#
                .to_owned(),
        ] {
            assert!(
                fast_request(body.as_bytes(), "k").is_none(),
                "fast path took {body}"
            );
        }
        // Invalid UTF-8, even in a string nobody reads.
        let mut bytes = review(&format!(r#"{{{base},"note":"x"}}"#)).into_bytes();
        let at = bytes.iter().position(|b| *b == b'x').expect("x");
        bytes[at] = 0xff;
        assert!(fast_request(&bytes, "k").is_none());
        assert!(trimmed_request(&bytes, "k").is_err());
        // The plain case itself is taken.
        assert!(fast_request(review(&format!("{{{base}}}")).as_bytes(), "k").is_some());
    }
}
