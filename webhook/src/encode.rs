//! Wire encoding of the AdmissionReview response.
//!
//! kube's `AdmissionResponse` serialises `patch` (a Go `[]byte`) as an array of numbers; the
//! canonical Go encoding, and what every API server and test double expects, is a base64 string
//! (standard alphabet, padded), written here with the `base64` crate.

use base64::{Engine as _, engine::general_purpose::STANDARD};
use kube::core::admission::AdmissionResponse;
use serde_json::Value;

/// The `AdmissionReview` JSON for `response`, with `response.patch` base64-encoded.
pub fn review_json(response: AdmissionResponse) -> Value {
    let patch = response.patch.clone();
    let mut review = serde_json::to_value(response.into_review()).unwrap_or(Value::Null);
    if let (Some(patch), Some(slot)) = (patch, review.pointer_mut("/response/patch")) {
        *slot = Value::String(STANDARD.encode(&patch));
    }
    review
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_patch_is_a_padded_standard_base64_string_of_the_json_patch() {
        let request: kube::core::admission::AdmissionRequest<kube::core::DynamicObject> =
            serde_json::from_value::<kube::core::admission::AdmissionReview<_>>(serde_json::json!({
                "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
                "request": {
                    "uid": "u1",
                    "kind": {"group": "flink.apache.org", "version": "v1beta1", "kind": "FlinkDeployment"},
                    "resource": {"group": "flink.apache.org", "version": "v1beta1", "resource": "flinkdeployments"},
                    "operation": "CREATE", "userInfo": {}, "name": "a", "namespace": "n"
                }
            }))
            .unwrap()
            .try_into()
            .unwrap();
        let patch = json_patch::Patch(vec![json_patch::PatchOperation::Add(
            json_patch::AddOperation {
                path: json_patch::jsonptr::PointerBuf::parse("/spec/x").unwrap(),
                value: serde_json::json!("?>"),
            },
        )]);
        let response = AdmissionResponse::from(&request).with_patch(patch).unwrap();
        let review = review_json(response);
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
            serde_json::json!([{"op": "add", "path": "/spec/x", "value": "?>"}])
        );
        assert_eq!(review["response"]["patchType"], "JSONPatch");
    }
}
