//! `object` / `oldObject`: type, metadata (of the labels and annotations only the opt-out key's
//! value) and the trimmed `spec`.

use std::borrow::Cow;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use serde_json::{Map, Value};

use super::scan::Scan;
use crate::{
    decode::{Keep, SPEC},
    decoded::DecodedObject,
};

/// `object` / `oldObject`.
pub(super) fn object<'a>(scan: &mut Scan<'a>, marker: &str) -> Option<DecodedObject<'a>> {
    // Of apiVersion and kind only whether they are present plays a part.
    let (mut api_version, mut kind) = (false, false);
    let mut meta = None;
    let mut spec = Value::Null;
    scan.object(|scan, key| {
        match &*key {
            "apiVersion" => api_version = scan.nullable(Scan::check_string)?.is_some(),
            "kind" => kind = scan.nullable(Scan::check_string)?.is_some(),
            "metadata" => meta = Some(metadata(scan, marker)?),
            "spec" => spec = trimmed_spec(scan, marker)?,
            _ => scan.skip()?,
        }
        Some(())
    })?;
    // One of apiVersion and kind without the other: kube keeps the lone member in `data`
    // (serde `flatten`); the trimmed decode does exactly that.
    if api_version != kind {
        return None;
    }
    let meta = meta.unwrap_or_default();
    Some(DecodedObject {
        name: meta.name,
        generate_name: meta.generate_name,
        deleting: meta.deleting,
        marker_label: meta.labels,
        marker_annotation: meta.annotations,
        spec,
    })
}

/// `spec`, trimmed by the very same rule ([`SPEC`]) as in the trimmed decode.
fn trimmed_spec(scan: &mut Scan<'_>, marker: &str) -> Option<Value> {
    kept(scan, SPEC, marker)
}

/// A value trimmed by `keep` as the trimmed decode's seed trims it: of an object under
/// [`Keep::Fields`] or [`Keep::Marker`] only the members the rule names, arrays emptied, any
/// other value whole.
fn kept(scan: &mut Scan<'_>, keep: Keep, marker: &str) -> Option<Value> {
    if matches!(keep, Keep::All) {
        return scan.value();
    }
    match scan.peek()? {
        b'{' => {
            let mut out = Map::new();
            scan.object(|scan, key| match keep.member(&key, marker) {
                Some(rule) => {
                    let value = kept(scan, rule, marker)?;
                    out.insert(key.into_owned(), value);
                    Some(())
                }
                None => scan.skip(),
            })?;
            Some(Value::Object(out))
        }
        b'[' => scan.skip().map(|()| Value::Array(Vec::new())),
        _ => scan.value(),
    }
}

#[derive(Default)]
struct Meta<'a> {
    name: Option<Cow<'a, str>>,
    generate_name: Option<Cow<'a, str>>,
    deleting: bool,
    /// The opt-out key's value among the labels (`None` also when they are absent or null).
    labels: Option<Cow<'a, str>>,
    /// The same among the annotations.
    annotations: Option<Cow<'a, str>>,
}

fn metadata<'a>(scan: &mut Scan<'a>, marker: &str) -> Option<Meta<'a>> {
    let mut meta = Meta::default();
    let markers =
        |scan: &mut Scan<'a>| Some(scan.nullable(|scan| marker_value(scan, marker))?.flatten());
    scan.object(|scan, key| {
        match &*key {
            "name" => meta.name = scan.nullable(Scan::string)?,
            "generateName" => meta.generate_name = scan.nullable(Scan::string)?,
            // Read for its type only (the request's namespace is the one the policy uses).
            "namespace" => drop(scan.nullable(Scan::check_string)?),
            // Parsed as kube parses it (a malformed time is the trimmed decode's 400).
            "deletionTimestamp" => {
                meta.deleting = serde_json::from_str::<Option<Time>>(scan.raw()?)
                    .ok()?
                    .is_some()
            }
            "labels" => meta.labels = markers(scan)?,
            "annotations" => meta.annotations = markers(scan)?,
            _ => scan.skip()?,
        }
        Some(())
    })?;
    Some(meta)
}

/// Labels or annotations: only the opt-out key's value is kept (it must be a string; the last
/// one wins, as in a JSON object read into a map). The trimmed decode keeps nothing else of
/// them either, so the other values are only checked as JSON.
fn marker_value<'a>(scan: &mut Scan<'a>, marker: &str) -> Option<Option<Cow<'a, str>>> {
    let mut value = None;
    scan.object(|scan, key| {
        if key == marker {
            value = Some(scan.string()?);
            Some(())
        } else {
            scan.skip()
        }
    })?;
    Some(value)
}
