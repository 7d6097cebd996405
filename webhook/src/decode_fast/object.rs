//! `object` / `oldObject`: type, metadata (of the labels and annotations only the opt-out key's
//! value) and the trimmed `spec`.

use std::{borrow::Cow, fmt};

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde_json::{Value, value::RawValue};

use super::seeds::*;
use crate::{decode::spec_seed, decoded::DecodedObject};

/// `object` / `oldObject`.
pub(super) struct ObjectSeedOf<'k> {
    pub(super) marker: &'k str,
}

#[derive(Default)]
pub(super) struct ObjectState<'de> {
    /// Whether a string `apiVersion` is present (its value plays no part).
    pub(super) api_version: bool,
    /// Whether a string `kind` is present.
    pub(super) kind: bool,
    pub(super) metadata: Option<MetaState<'de>>,
    /// `Value::Null` when absent.
    pub(super) spec: Value,
}

impl<'de> ObjectSeed<'de> for ObjectSeedOf<'_> {
    type Value = DecodedObject<'de>;
    type State = ObjectState<'de>;
    const FIELDS: &'static [&'static str] = &["apiVersion", "kind", "metadata", "spec"];
    const EXPECTING: &'static str = "an object";

    fn member<A: MapAccess<'de>>(
        &self,
        index: usize,
        map: &mut A,
        s: &mut ObjectState<'de>,
    ) -> Result<(), A::Error> {
        match index {
            0 => s.api_version = map.next_value_seed(OptionSeed(IsStr))?.is_some(),
            1 => s.kind = map.next_value_seed(OptionSeed(IsStr))?.is_some(),
            2 => {
                s.metadata = Some(map.next_value_seed(Object(MetadataSeed {
                    marker: self.marker,
                }))?)
            }
            _ => s.spec = map.next_value_seed(spec_seed(self.marker))?,
        }
        Ok(())
    }

    fn finish<E: de::Error>(self, s: ObjectState<'de>) -> Result<Self::Value, E> {
        // One of apiVersion and kind without the other: kube keeps the lone member in `data`
        // (serde `flatten`); hand the body to the trimmed decode, which does exactly that.
        if s.api_version != s.kind {
            return Err(E::custom(
                "apiVersion without kind, or kind without apiVersion",
            ));
        }
        let meta = s.metadata.unwrap_or_default();
        Ok(DecodedObject {
            name: meta.name,
            generate_name: meta.generate_name,
            deleting: meta.deleting,
            marker_label: meta.labels,
            marker_annotation: meta.annotations,
            spec: s.spec,
        })
    }
}

pub(super) struct MetadataSeed<'k> {
    pub(super) marker: &'k str,
}

#[derive(Default)]
pub(super) struct MetaState<'de> {
    pub(super) name: Option<Cow<'de, str>>,
    pub(super) generate_name: Option<Cow<'de, str>>,
    pub(super) deleting: bool,
    /// The opt-out key's value among the labels (`None` also when they are absent or null).
    pub(super) labels: Option<Cow<'de, str>>,
    /// The same among the annotations.
    pub(super) annotations: Option<Cow<'de, str>>,
}

impl<'de> ObjectSeed<'de> for MetadataSeed<'_> {
    type Value = MetaState<'de>;
    type State = MetaState<'de>;
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
        s: &mut MetaState<'de>,
    ) -> Result<(), A::Error> {
        let markers = || OptionSeed(MarkerMap(self.marker));
        match index {
            0 => s.name = map.next_value_seed(OptionSeed(CowStr))?,
            1 => s.generate_name = map.next_value_seed(OptionSeed(CowStr))?,
            // Read for its type only (the request's namespace is the one the policy uses).
            2 => drop(map.next_value_seed(OptionSeed(IsStr))?),
            // Parsed as kube parses it (a malformed time is the trimmed decode's 400).
            3 => s.deleting = map.next_value::<Option<Time>>()?.is_some(),
            4 => s.labels = map.next_value_seed(markers())?.flatten(),
            _ => s.annotations = map.next_value_seed(markers())?.flatten(),
        }
        Ok(())
    }

    fn finish<E: de::Error>(self, s: MetaState<'de>) -> Result<Self::Value, E> {
        Ok(s)
    }
}

/// Labels or annotations: only the opt-out key's value is kept (it must be a string; the last
/// one wins, as in a JSON object read into a map).
pub(super) struct MarkerMap<'k>(pub(super) &'k str);

impl<'de> DeserializeSeed<'de> for MarkerMap<'_> {
    type Value = Option<Cow<'de, str>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for MarkerMap<'_> {
    type Value = Option<Cow<'de, str>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map of strings")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut marker = None;
        while let Some(is_marker) = map.next_key_seed(IsKey(self.0))? {
            if is_marker {
                marker = Some(map.next_value_seed(CowStr)?);
            } else {
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
        Ok(marker)
    }
}
