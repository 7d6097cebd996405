//! The AdmissionReview envelope and its request: kinds, resources and the user.

use std::borrow::Cow;

use kube::core::admission::Operation;

use super::{object::object, scan::Scan};
use crate::{decode::ADMISSION_API_VERSION, decoded::Decoded};

/// The review; `None` also for a null request (the trimmed decode words that answer).
pub(super) fn review<'a>(scan: &mut Scan<'a>, marker: &str) -> Option<Decoded<'a>> {
    let (mut api_version, mut kind, mut request) = (None, None, None);
    scan.object(|scan, key| {
        match &*key {
            "apiVersion" => api_version = Some(scan.string()?),
            "kind" => kind = Some(scan.string()?),
            "request" => request = scan.nullable(|scan| self::request(scan, marker))?,
            _ => scan.skip()?,
        }
        Some(())
    })?;
    if api_version? != ADMISSION_API_VERSION || kind? != "AdmissionReview" {
        return None;
    }
    request
}

/// The request. Members the webhook does not keep are still read for their type (as kube's
/// `AdmissionRequest` reads them), so that the fast path accepts no body the trimmed decode
/// would refuse.
fn request<'a>(scan: &mut Scan<'a>, marker: &str) -> Option<Decoded<'a>> {
    let mut uid = None;
    let mut kind = None;
    let mut resource = false;
    let mut name = None;
    let mut namespace = None;
    let mut operation = None;
    let mut user_info = false;
    let mut object_ = None;
    let mut old_object = None;
    let mut dry_run = None;
    scan.object(|scan, key| {
        match &*key {
            "uid" => uid = Some(scan.string()?),
            "kind" => kind = Some(group_version_kind(scan)?),
            "resource" => {
                group_version_resource(scan)?;
                resource = true;
            }
            "subResource" | "requestSubResource" => drop(scan.nullable(Scan::check_string)?),
            "requestKind" => drop(scan.nullable(group_version_kind)?),
            "requestResource" => drop(scan.nullable(group_version_resource)?),
            "name" => name = Some(scan.string()?),
            "namespace" => namespace = scan.nullable(Scan::string)?,
            "operation" => operation = Some(operation_of(&scan.string()?)?),
            "userInfo" => {
                check_user_info(scan)?;
                user_info = true;
            }
            "object" => object_ = scan.nullable(|scan| object(scan, marker))?,
            "oldObject" => old_object = scan.nullable(|scan| object(scan, marker))?,
            "dryRun" => dry_run = Some(scan.bool()?),
            _ => scan.skip()?,
        }
        Some(())
    })?;
    if !resource || !user_info {
        return None;
    }
    let [group, version, kind] = kind?;
    Some(Decoded {
        uid: uid?,
        group,
        version,
        kind,
        name: name.unwrap_or_default(),
        namespace,
        operation: operation?,
        dry_run: dry_run.unwrap_or(false),
        object: object_,
        old_object,
    })
}

fn operation_of(name: &str) -> Option<Operation> {
    Some(match name {
        "CREATE" => Operation::Create,
        "UPDATE" => Operation::Update,
        "DELETE" => Operation::Delete,
        "CONNECT" => Operation::Connect,
        _ => return None,
    })
}

/// A GroupVersionKind: its three strings, each required.
fn group_version_kind<'a>(scan: &mut Scan<'a>) -> Option<[Cow<'a, str>; 3]> {
    let (mut group, mut version, mut kind) = (None, None, None);
    scan.object(|scan, key| {
        match &*key {
            "group" => group = Some(scan.string()?),
            "version" => version = Some(scan.string()?),
            "kind" => kind = Some(scan.string()?),
            _ => scan.skip()?,
        }
        Some(())
    })?;
    Some([group?, version?, kind?])
}

/// A GroupVersionResource, checked only: three required strings and kube's snake-case
/// `api_version`, a string when present.
fn group_version_resource(scan: &mut Scan<'_>) -> Option<()> {
    let mut seen = [false; 3];
    scan.object(|scan, key| {
        let index = match &*key {
            "group" => 0,
            "version" => 1,
            "resource" => 2,
            "api_version" => return scan.check_string(),
            _ => return scan.skip(),
        };
        scan.check_string()?;
        seen[index] = true;
        Some(())
    })?;
    seen.iter().all(|seen| *seen).then_some(())
}

/// A UserInfo, checked only.
fn check_user_info(scan: &mut Scan<'_>) -> Option<()> {
    let strings = |scan: &mut Scan<'_>| scan.array(Scan::check_string);
    scan.object(|scan, key| {
        match &*key {
            "extra" => drop(scan.nullable(|scan| scan.object(|scan, _| strings(scan)))?),
            "groups" => drop(scan.nullable(strings)?),
            "uid" | "username" => drop(scan.nullable(Scan::check_string)?),
            _ => scan.skip()?,
        }
        Some(())
    })
}
