//! `object` / `oldObject`: type, metadata (labels and annotations filtered) and the trimmed `spec`.

use std::{collections::BTreeMap, fmt};

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use kube::core::{DynamicObject, TypeMeta};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde_json::{Map, Value, value::RawValue};

use super::seeds::*;
use crate::decode::spec_seed;

/// `object` / `oldObject`.
pub(super) struct ObjectSeedOf<'k> {
    pub(super) marker: &'k str,
}

#[derive(Default)]
pub(super) struct ObjectState {
    pub(super) api_version: Option<String>,
    pub(super) kind: Option<String>,
    pub(super) metadata: Option<ObjectMeta>,
    pub(super) spec: Option<Value>,
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
            (None, None) => None,
            // One without the other: kube keeps the lone member in `data` (serde `flatten`);
            // hand the body to the trimmed decode, which does exactly that.
            _ => {
                return Err(E::custom(
                    "apiVersion without kind, or kind without apiVersion",
                ));
            }
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

pub(super) struct MetadataSeed<'k> {
    pub(super) marker: &'k str,
}

#[derive(Default)]
pub(super) struct MetaState {
    pub(super) name: Option<String>,
    pub(super) generate_name: Option<String>,
    pub(super) namespace: Option<String>,
    pub(super) deletion_timestamp: Option<Time>,
    pub(super) labels: Option<BTreeMap<String, String>>,
    pub(super) annotations: Option<BTreeMap<String, String>>,
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
pub(super) struct MarkerMap<'k>(pub(super) &'k str);

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
                None => {
                    // Label and annotation values are strings; skipping one as a raw slice
                    // copies nothing (kubectl's last-applied-configuration is a long string of
                    // escaped JSON). Without a `\u` escape, serde_json checks it just as the
                    // checked skip would; anything else goes to the trimmed decode.
                    let raw: &'de RawValue = map.next_value()?;
                    let text = raw.get();
                    if !text.starts_with('"') || text.contains("\\u") {
                        return Err(de::Error::custom(
                            "a label or annotation value that is not a plain string",
                        ));
                    }
                }
            }
        }
        Ok(out)
    }
}
