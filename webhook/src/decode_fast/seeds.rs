//! The generic pieces of the fast decode: member-name matching, optional values, objects read
//! member by member ([`ObjectSeed`]), strings borrowed from the body ([`CowStr`]), and values
//! that are only checked for their type ([`IsStr`], [`StrList`], [`StrListMap`]).

use std::{borrow::Cow, fmt};

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::decode::Skip;

/// A map key, matched against a fixed list of member names without allocating.
pub(super) struct FieldSeed(pub(super) &'static [&'static str]);

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
pub(super) struct IsKey<'k>(pub(super) &'k str);

impl<'de> DeserializeSeed<'de> for IsKey<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for IsKey<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a label or annotation key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(v == self.0)
    }
}

/// `null` → `None`, anything else through the inner seed.
pub(super) struct OptionSeed<S>(pub(super) S);

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
pub(super) trait ObjectSeed<'de>: Sized {
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
pub(super) struct Object<T>(pub(super) T);

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

pub(super) fn required<T, E: de::Error>(value: Option<T>, name: &'static str) -> Result<T, E> {
    value.ok_or_else(|| E::missing_field(name))
}

/// Members that are all strings, in the order of `FIELDS`.
pub(super) struct Strings<'de, const N: usize>(pub(super) [Option<Cow<'de, str>>; N]);

impl<const N: usize> Default for Strings<'_, N> {
    fn default() -> Self {
        Self(std::array::from_fn(|_| None))
    }
}

pub(super) fn read_string<'de, A: MapAccess<'de>, const N: usize>(
    index: usize,
    map: &mut A,
    state: &mut Strings<'de, N>,
) -> Result<(), A::Error> {
    state.0[index] = Some(map.next_value_seed(CowStr)?);
    Ok(())
}

/// A string, borrowed from the body unless the JSON spells it with escapes. (serde's own
/// `Cow<str>` always copies.)
pub(super) struct CowStr;

impl<'de> DeserializeSeed<'de> for CowStr {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for CowStr {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

/// A string that is only checked, not kept.
pub(super) struct IsStr;

impl<'de> DeserializeSeed<'de> for IsStr {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for IsStr {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
}

/// An array of strings, only checked.
pub(super) struct StrList;

impl<'de> DeserializeSeed<'de> for StrList {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for StrList {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of strings")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(IsStr)?.is_some() {}
        Ok(())
    }
}

/// An object whose members are arrays of strings (`userInfo.extra`), only checked.
pub(super) struct StrListMap;

impl<'de> DeserializeSeed<'de> for StrListMap {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for StrListMap {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map of string arrays")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_key_seed(IsStr)?.is_some() {
            map.next_value_seed(StrList)?;
        }
        Ok(())
    }
}
