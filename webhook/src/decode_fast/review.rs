//! The AdmissionReview envelope and its request: kinds, resources and the user.

use std::borrow::Cow;

use kube::core::admission::Operation;
use serde::de::{self, MapAccess};

use super::object::ObjectSeedOf;
use super::seeds::*;
use crate::{
    decode::ADMISSION_API_VERSION,
    decoded::{Decoded, DecodedObject},
};

pub(super) struct ReviewSeed<'k> {
    pub(super) marker: &'k str,
}

#[derive(Default)]
pub(super) struct ReviewState<'de> {
    pub(super) api_version: Option<Cow<'de, str>>,
    pub(super) kind: Option<Cow<'de, str>>,
    pub(super) request: Option<Decoded<'de>>,
}

impl<'de> ObjectSeed<'de> for ReviewSeed<'_> {
    type Value = Option<Decoded<'de>>;
    type State = ReviewState<'de>;
    const FIELDS: &'static [&'static str] = &["apiVersion", "kind", "request"];
    const EXPECTING: &'static str = "an AdmissionReview";

    fn member<A: MapAccess<'de>>(
        &self,
        index: usize,
        map: &mut A,
        state: &mut ReviewState<'de>,
    ) -> Result<(), A::Error> {
        match index {
            0 => state.api_version = Some(map.next_value_seed(CowStr)?),
            1 => state.kind = Some(map.next_value_seed(CowStr)?),
            _ => {
                state.request = map.next_value_seed(OptionSeed(Object(RequestSeed {
                    marker: self.marker,
                })))?
            }
        }
        Ok(())
    }

    fn finish<E: de::Error>(self, state: ReviewState<'de>) -> Result<Self::Value, E> {
        let api_version = required(state.api_version, "apiVersion")?;
        let kind = required(state.kind, "kind")?;
        if api_version != ADMISSION_API_VERSION || kind != "AdmissionReview" {
            return Ok(None);
        }
        Ok(state.request)
    }
}

pub(super) struct RequestSeed<'k> {
    pub(super) marker: &'k str,
}

/// The request's members; those the webhook does not keep are still read for their type, so
/// that the fast path accepts no body the trimmed decode (kube's types) would refuse.
#[derive(Default)]
pub(super) struct RequestState<'de> {
    pub(super) uid: Option<Cow<'de, str>>,
    pub(super) kind: Option<Strings<'de, 3>>,
    pub(super) resource: bool,
    pub(super) name: Option<Cow<'de, str>>,
    pub(super) namespace: Option<Cow<'de, str>>,
    pub(super) operation: Option<Operation>,
    pub(super) user_info: bool,
    pub(super) object: Option<DecodedObject<'de>>,
    pub(super) old_object: Option<DecodedObject<'de>>,
    pub(super) dry_run: Option<bool>,
}

impl<'de> ObjectSeed<'de> for RequestSeed<'_> {
    type Value = Decoded<'de>;
    type State = RequestState<'de>;
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
        s: &mut RequestState<'de>,
    ) -> Result<(), A::Error> {
        let object = || {
            OptionSeed(Object(ObjectSeedOf {
                marker: self.marker,
            }))
        };
        match index {
            0 => s.uid = Some(map.next_value_seed(CowStr)?),
            1 => s.kind = Some(map.next_value_seed(Object(GvkSeed))?),
            2 => s.resource = map.next_value_seed(Object(GvrSeed)).map(|()| true)?,
            3 | 6 => map.next_value_seed(OptionSeed(IsStr)).map(drop)?,
            4 => map.next_value_seed(OptionSeed(Object(GvkSeed))).map(drop)?,
            5 => map.next_value_seed(OptionSeed(Object(GvrSeed))).map(drop)?,
            7 => s.name = Some(map.next_value_seed(CowStr)?),
            8 => s.namespace = map.next_value_seed(OptionSeed(CowStr))?,
            9 => s.operation = Some(map.next_value()?),
            10 => s.user_info = map.next_value_seed(Object(UserInfoSeed)).map(|()| true)?,
            11 => s.object = map.next_value_seed(object())?,
            12 => s.old_object = map.next_value_seed(object())?,
            _ => s.dry_run = Some(map.next_value()?),
        }
        Ok(())
    }

    fn finish<E: de::Error>(self, s: RequestState<'de>) -> Result<Self::Value, E> {
        let Strings([group, version, kind]) = required(s.kind, "kind")?;
        if !s.resource {
            return Err(E::missing_field("resource"));
        }
        if !s.user_info {
            return Err(E::missing_field("userInfo"));
        }
        Ok(Decoded {
            uid: required(s.uid, "uid")?,
            group: required(group, "group")?,
            version: required(version, "version")?,
            kind: required(kind, "kind")?,
            name: s.name.unwrap_or_default(),
            namespace: s.namespace,
            operation: required(s.operation, "operation")?,
            dry_run: s.dry_run.unwrap_or(false),
            object: s.object,
            old_object: s.old_object,
        })
    }
}

/// A GroupVersionKind: its three strings, each required.
pub(super) struct GvkSeed;

impl<'de> ObjectSeed<'de> for GvkSeed {
    type Value = Strings<'de, 3>;
    type State = Strings<'de, 3>;
    const FIELDS: &'static [&'static str] = &["group", "version", "kind"];
    const EXPECTING: &'static str = "a GroupVersionKind";

    fn member<A: MapAccess<'de>>(
        &self,
        index: usize,
        map: &mut A,
        state: &mut Strings<'de, 3>,
    ) -> Result<(), A::Error> {
        read_string(index, map, state)
    }

    fn finish<E: de::Error>(self, state: Strings<'de, 3>) -> Result<Self::Value, E> {
        for (member, name) in state.0.iter().zip(Self::FIELDS) {
            if member.is_none() {
                return Err(E::missing_field(name));
            }
        }
        Ok(state)
    }
}

/// A GroupVersionResource, checked only.
pub(super) struct GvrSeed;

impl<'de> ObjectSeed<'de> for GvrSeed {
    type Value = ();
    type State = [bool; 4];
    // kube's GroupVersionResource spells its fourth member in snake case.
    const FIELDS: &'static [&'static str] = &["group", "version", "resource", "api_version"];
    const EXPECTING: &'static str = "a GroupVersionResource";

    fn member<A: MapAccess<'de>>(
        &self,
        index: usize,
        map: &mut A,
        seen: &mut [bool; 4],
    ) -> Result<(), A::Error> {
        map.next_value_seed(IsStr)?;
        seen[index] = true;
        Ok(())
    }

    fn finish<E: de::Error>(self, seen: [bool; 4]) -> Result<(), E> {
        // The first three are required, apiVersion is not.
        match seen[..3].iter().position(|seen| !seen) {
            Some(missing) => Err(E::missing_field(Self::FIELDS[missing])),
            None => Ok(()),
        }
    }
}

/// A UserInfo, checked only.
pub(super) struct UserInfoSeed;

impl<'de> ObjectSeed<'de> for UserInfoSeed {
    type Value = ();
    type State = ();
    const FIELDS: &'static [&'static str] = &["extra", "groups", "uid", "username"];
    const EXPECTING: &'static str = "a UserInfo";

    fn member<A: MapAccess<'de>>(
        &self,
        index: usize,
        map: &mut A,
        (): &mut (),
    ) -> Result<(), A::Error> {
        match index {
            0 => map.next_value_seed(OptionSeed(StrListMap)).map(drop),
            1 => map.next_value_seed(OptionSeed(StrList)).map(drop),
            _ => map.next_value_seed(OptionSeed(IsStr)).map(drop),
        }
    }

    fn finish<E: de::Error>(self, (): ()) -> Result<(), E> {
        Ok(())
    }
}
