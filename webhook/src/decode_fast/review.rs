//! The AdmissionReview envelope and its request: kinds, resources and the user.

use std::collections::BTreeMap;

use k8s_openapi::api::authentication::v1::UserInfo;
use kube::core::{
    DynamicObject, GroupVersionKind, GroupVersionResource, TypeMeta,
    admission::{AdmissionRequest, Operation},
};
use serde::de::{self, MapAccess};

use super::object::ObjectSeedOf;
use super::seeds::*;
use crate::decode::ADMISSION_API_VERSION;

pub(super) struct ReviewSeed<'k> {
    pub(super) marker: &'k str,
}

#[derive(Default)]
pub(super) struct ReviewState {
    pub(super) api_version: Option<String>,
    pub(super) kind: Option<String>,
    pub(super) request: Option<AdmissionRequest<DynamicObject>>,
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

pub(super) struct RequestSeed<'k> {
    pub(super) marker: &'k str,
}

#[derive(Default)]
pub(super) struct RequestState {
    pub(super) uid: Option<String>,
    pub(super) kind: Option<GroupVersionKind>,
    pub(super) resource: Option<GroupVersionResource>,
    pub(super) sub_resource: Option<String>,
    pub(super) request_kind: Option<GroupVersionKind>,
    pub(super) request_resource: Option<GroupVersionResource>,
    pub(super) request_sub_resource: Option<String>,
    pub(super) name: Option<String>,
    pub(super) namespace: Option<String>,
    pub(super) operation: Option<Operation>,
    pub(super) user_info: Option<UserInfo>,
    pub(super) object: Option<DynamicObject>,
    pub(super) old_object: Option<DynamicObject>,
    pub(super) dry_run: Option<bool>,
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

pub(super) struct GvkSeed;

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

pub(super) struct GvrSeed;

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

pub(super) struct UserInfoSeed;

#[derive(Default)]
pub(super) struct UserState {
    pub(super) extra: Option<BTreeMap<String, Vec<String>>>,
    pub(super) groups: Option<Vec<String>>,
    pub(super) uid: Option<String>,
    pub(super) username: Option<String>,
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
