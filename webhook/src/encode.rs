//! Wire encoding of the AdmissionReview response, written straight from the [`Decision`].
//!
//! The bytes are those of kube's `AdmissionResponse::into_review()` serialised (same members,
//! same order, same omissions), except for `response.patch`: kube writes it (a Go `[]byte`) as an
//! array of numbers, while the canonical Go encoding, and what every API server and test double
//! expects, is a base64 string (standard alphabet, padded), written here with the `base64` crate.

use base64::{Engine as _, engine::general_purpose::STANDARD};
use flink_savepoint::admission::Decision;
use serde::Serialize;

use crate::decode::ADMISSION_API_VERSION;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Review<'a> {
    api_version: &'static str,
    kind: &'static str,
    response: Response<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Response<'a> {
    uid: &'a str,
    allowed: bool,
    status: Status<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    patch: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    patch_type: Option<&'static str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    warnings: &'a [String],
}

/// kube's `Status`: empty on an allow, `Failure` with code, message and reason on a denial.
#[derive(Serialize, Default)]
struct Status<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<u16>,
    #[serde(skip_serializing_if = "str::is_empty")]
    message: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    reason: &'static str,
}

/// The `AdmissionReview` response JSON for `decision` on the request `uid`; `Err` only when the
/// JSON patch cannot be serialised.
pub fn review_body(uid: &str, decision: &Decision) -> Result<Vec<u8>, serde_json::Error> {
    let (allowed, status, patch, warnings) = match decision {
        Decision::Allow { patch, warnings } => {
            let patch = match patch {
                Some(patch) => Some(STANDARD.encode(serde_json::to_vec(patch)?)),
                None => None,
            };
            (true, Status::default(), patch, warnings)
        }
        Decision::Deny {
            message,
            reason,
            warnings,
        } => {
            let status = Status {
                status: Some("Failure"),
                code: Some(reason.code()),
                message,
                reason: reason.as_str(),
            };
            (false, status, None, warnings)
        }
    };
    let patch_type = patch.as_ref().map(|_| "JSONPatch");
    serde_json::to_vec(&Review {
        api_version: ADMISSION_API_VERSION,
        kind: "AdmissionReview",
        response: Response {
            uid,
            allowed,
            status,
            patch,
            patch_type,
            warnings,
        },
    })
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
