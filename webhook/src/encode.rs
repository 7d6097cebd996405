//! Wire encoding of the AdmissionReview response, written straight from the [`Decision`].
//!
//! The bytes are those of kube's `AdmissionResponse::into_review()` serialised (same members,
//! same order, same omissions), except for `response.patch`: kube writes it (a Go `[]byte`) as an
//! array of numbers, while the canonical Go encoding, and what every API server and test double
//! expects, is a base64 string (standard alphabet, padded), written here with the `base64` crate.

use base64::{Engine as _, engine::general_purpose::STANDARD};
use flink_savepoint::admission::Decision;

use crate::decode::ADMISSION_API_VERSION;

/// The `AdmissionReview` response JSON for `decision` on the request `uid`; `Err` only when the
/// JSON patch cannot be serialised.
///
/// Written member by member in the order kube's types serialise them (`uid`, `allowed`,
/// `status` with `status`, `code`, `message`, `reason`, then `patch`, `patchType`, `warnings`;
/// empty ones left out as kube leaves them out). The patch's base64 goes straight into the
/// output: it needs no JSON escaping.
pub fn review_body(uid: &str, decision: &Decision) -> Result<Vec<u8>, serde_json::Error> {
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(b"{\"apiVersion\":\"");
    out.extend_from_slice(ADMISSION_API_VERSION.as_bytes());
    out.extend_from_slice(b"\",\"kind\":\"AdmissionReview\",\"response\":{\"uid\":");
    serde_json::to_writer(&mut out, uid)?;
    let warnings = match decision {
        Decision::Allow { patch, warnings } => {
            out.extend_from_slice(b",\"allowed\":true,\"status\":{}");
            if let Some(patch) = patch {
                let json = serde_json::to_vec(patch)?;
                out.extend_from_slice(b",\"patch\":\"");
                let start = out.len();
                out.resize(start + json.len().div_ceil(3) * 4, 0);
                let written = STANDARD
                    .encode_slice(&json, &mut out[start..])
                    .map_err(serde::ser::Error::custom)?;
                out.truncate(start + written);
                out.extend_from_slice(b"\",\"patchType\":\"JSONPatch\"");
            }
            warnings
        }
        Decision::Deny {
            message,
            reason,
            warnings,
        } => {
            out.extend_from_slice(
                b",\"allowed\":false,\"status\":{\"status\":\"Failure\",\"code\":",
            );
            out.extend_from_slice(reason.code().to_string().as_bytes());
            if !message.is_empty() {
                out.extend_from_slice(b",\"message\":");
                serde_json::to_writer(&mut out, message)?;
            }
            let reason = reason.as_str();
            if !reason.is_empty() {
                out.extend_from_slice(b",\"reason\":");
                serde_json::to_writer(&mut out, reason)?;
            }
            out.push(b'}');
            warnings
        }
    };
    if !warnings.is_empty() {
        out.extend_from_slice(b",\"warnings\":");
        serde_json::to_writer(&mut out, warnings)?;
    }
    out.extend_from_slice(b"}}");
    Ok(out)
}

/// kube's own encoding of `decision`, with the patch as a base64 string: what the webhook
/// answered before it wrote the response directly (the reference for the tests).
#[cfg(test)]
pub(crate) fn kube_encoding(
    decision: Decision,
    req: &kube::core::admission::AdmissionRequest<kube::core::DynamicObject>,
) -> Vec<u8> {
    let response = decision.into_response(req).expect("patch serialises");
    let patch = response.patch.clone();
    let mut review = serde_json::to_value(response.into_review()).expect("review serialises");
    if let (Some(patch), Some(slot)) = (patch, review.pointer_mut("/response/patch")) {
        *slot = serde_json::Value::String(STANDARD.encode(&patch));
    }
    serde_json::to_vec(&review).expect("value serialises")
}

#[cfg(test)]
mod tests {
    use super::*;
    use flink_savepoint::admission::DenyReason;
    use kube::core::{
        DynamicObject,
        admission::{AdmissionRequest, AdmissionReview},
    };
    use serde_json::{Value, json};

    fn request() -> AdmissionRequest<DynamicObject> {
        serde_json::from_value::<AdmissionReview<DynamicObject>>(json!({
            "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
            "request": {
                "uid": "u1\"\\\u{1}",
                "kind": {"group": "flink.apache.org", "version": "v1beta1", "kind": "FlinkDeployment"},
                "resource": {"group": "flink.apache.org", "version": "v1beta1", "resource": "flinkdeployments"},
                "operation": "CREATE", "userInfo": {}, "name": "a", "namespace": "n"
            }
        }))
        .unwrap()
        .try_into()
        .unwrap()
    }

    fn patch() -> json_patch::Patch {
        json_patch::Patch(vec![json_patch::PatchOperation::Add(
            json_patch::AddOperation {
                path: json_patch::jsonptr::PointerBuf::parse("/spec/x").unwrap(),
                value: json!("?>"),
            },
        )])
    }

    #[test]
    fn the_patch_is_a_padded_standard_base64_string_of_the_json_patch() {
        let decision = Decision::Allow {
            patch: Some(patch()),
            warnings: Vec::new(),
        };
        let review: Value = serde_json::from_slice(&review_body("u1", &decision).unwrap()).unwrap();
        let encoded = review["response"]["patch"].as_str().unwrap();
        assert_eq!(encoded.len() % 4, 0, "padded: {encoded}");
        assert!(
            !encoded.contains(['-', '_']),
            "standard alphabet: {encoded}"
        );
        let decoded = STANDARD.decode(encoded).unwrap();
        let ops: Value = serde_json::from_slice(&decoded).unwrap();
        assert_eq!(
            ops,
            json!([{"op": "add", "path": "/spec/x", "value": "?>"}])
        );
        assert_eq!(review["response"]["patchType"], "JSONPatch");
    }

    /// Every shape of decision is written byte for byte as kube's `AdmissionResponse` would be
    /// (with the base64 patch), so the API server sees exactly the answers it saw before.
    #[test]
    fn the_body_is_byte_identical_to_kube_encoding_of_the_same_decision() {
        let req = request();
        let warnings = vec!["w1 \"quoted\"".to_owned(), "w2\n".to_owned()];
        let decisions = [
            Decision::allow(),
            Decision::Allow {
                patch: None,
                warnings: warnings.clone(),
            },
            Decision::Allow {
                patch: Some(patch()),
                warnings: Vec::new(),
            },
            Decision::Allow {
                patch: Some(patch()),
                warnings: warnings.clone(),
            },
            Decision::Deny {
                message: "no <dir> \u{2013} \"x\"".to_owned(),
                reason: DenyReason::Forbidden,
                warnings: Vec::new(),
            },
            Decision::Deny {
                message: "bad value".to_owned(),
                reason: DenyReason::Invalid,
                warnings,
            },
        ];
        for decision in decisions {
            let ours = review_body(&req.uid, &decision).unwrap();
            let kube = kube_encoding(decision.clone(), &req);
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                String::from_utf8(kube).unwrap(),
                "{decision:?}"
            );
        }
    }
}
