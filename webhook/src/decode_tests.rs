use super::*;
use serde_json::json;

/// Every captured AdmissionReview body, with its path: the real API server's captures in
/// `shared/fixtures` and the library's variants in `tests/fixtures/admission`.
pub(crate) fn captured_bodies() -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let dirs = [
        concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/admission"),
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/fixtures/admission-reviews"
        ),
    ];
    let mut bodies: Vec<_> = dirs
        .iter()
        .flat_map(|dir| std::fs::read_dir(dir).expect("fixture dir"))
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().and_then(|e| e.to_str()) == Some("json"))
        .map(|path| {
            let body = std::fs::read(&path).expect("fixture");
            (path, body)
        })
        .collect();
    bodies.sort();
    bodies
}

#[test]
fn keeps_what_the_policy_reads_and_drops_the_rest() {
    let object = json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkSessionJob",
        "metadata": {"name": "j", "namespace": "ns", "managedFields": [{"big": 1}],
                     "labels": {"flink-savepoint.io/policy": "disabled", "team": "a"},
                     "annotations": {"pad": "x"}},
        "spec": {"deploymentName": "s", "flinkConfiguration": {"a": {"b": 1}},
                 "job": {"upgradeMode": "savepoint", "jarURI": "j", "args": ["x"]},
                 "podTemplate": {"spec": {}}},
        "status": {"jobStatus": {}}
    });
    let review = json!({
        "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
        "request": {"uid": "u", "operation": "UPDATE", "userInfo": {"username": "x"},
                    "options": {"kind": "UpdateOptions"},
                    "object": object, "oldObject": object}
    });
    let trimmed =
        trimmed_review(review.to_string().as_bytes(), "flink-savepoint.io/policy").expect("ok");
    let kept = json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkSessionJob",
        "metadata": {"name": "j", "namespace": "ns",
                     "labels": {"flink-savepoint.io/policy": "disabled"}, "annotations": {}},
        "spec": {"deploymentName": "s", "flinkConfiguration": {"a": {"b": 1}},
                 "job": {"upgradeMode": "savepoint"}}
    });
    assert_eq!(
        trimmed,
        json!({
            "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
            "request": {"uid": "u", "operation": "UPDATE", "userInfo": {"username": "x"},
                        "object": kept, "oldObject": kept}
        })
    );
}

/// Every captured review and variant gets the same decision from the trimmed decode and from
/// the fast decode as from the full one, in both phases and every session-cluster situation,
/// and the response bytes are kube's.
#[test]
fn decisions_over_trimmed_reviews_equal_decisions_over_full_reviews() {
    use flink_savepoint::admission::{
        DEFAULT_OPT_OUT_KEY, Phase, Policy, ReviewContext, SessionLookup, review, review_request,
    };
    use kube::core::{
        DynamicObject,
        admission::{AdmissionRequest, AdmissionReview},
    };
    let cluster: flink_savepoint::crd::FlinkDeployment = serde_json::from_value(json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
        "metadata": {"name": "shared-session", "namespace": "analytics"},
        "spec": {"flinkConfiguration": {"state.savepoints.dir": "s3://my-bucket/flink-savepoints"}}
    }))
    .expect("cluster");
    let request = |value: Value| -> AdmissionRequest<DynamicObject> {
        let review: AdmissionReview<DynamicObject> = serde_json::from_value(value).expect("review");
        review.try_into().expect("request")
    };
    let mut compared = 0;
    for (path, body) in captured_bodies() {
        let full = request(serde_json::from_slice(&body).expect("json"));
        let trimmed = request(trimmed_review(&body, DEFAULT_OPT_OUT_KEY).expect("trimmed"));
        let fast = crate::decode_fast::fast_request(&body, DEFAULT_OPT_OUT_KEY)
            .unwrap_or_else(|| panic!("the fast decode refused {}", path.display()));
        for phase in [Phase::Mutate, Phase::Validate] {
            for lookup in [
                SessionLookup::Found(&cluster),
                SessionLookup::NotFound,
                SessionLookup::Unknown,
                SessionLookup::NotNeeded,
            ] {
                let ctx = ReviewContext {
                    phase,
                    policy: &Policy::default(),
                    session_cluster: lookup,
                };
                let decision = review(&full, &ctx);
                assert_eq!(
                    review(&trimmed, &ctx),
                    decision,
                    "{} {phase:?} {lookup:?}",
                    path.display()
                );
                assert_eq!(
                    review_request(&fast.request(), &ctx),
                    decision,
                    "fast decode: {} {phase:?} {lookup:?}",
                    path.display()
                );
                // The response written directly is kube's encoding, byte for byte.
                assert_eq!(
                    crate::encode::review_body(&fast.uid, &decision).expect("body"),
                    crate::encode::kube_encoding(decision, &full),
                    "{} {phase:?} {lookup:?}",
                    path.display()
                );
            }
        }
        assert_eq!(
            flink_savepoint::admission::lookup_need(&trimmed),
            flink_savepoint::admission::lookup_need(&full)
        );
        assert_eq!(
            fast.request().lookup_need(),
            flink_savepoint::admission::lookup_need(&full)
        );
        // The fast decode keeps exactly what kube's request holds of the policy's inputs.
        assert_eq!(
            fast,
            crate::decoded::Decoded::from_request(
                request(trimmed_review(&body, DEFAULT_OPT_OUT_KEY).expect("trimmed")),
                DEFAULT_OPT_OUT_KEY
            ),
            "{}",
            path.display()
        );
        compared += 1;
    }
    assert!(compared > 30, "only {compared} fixtures compared");
}

#[test]
fn nesting_beyond_the_limit_is_refused_even_in_fields_the_policy_skips() {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let body = format!(
        r#"{{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{{"uid":"u","object":{{"deep":{deep},"spec":{{}}}}}}}}"#
    );
    let err = trimmed_review(body.as_bytes(), "flink-savepoint.io/policy").unwrap_err();
    assert!(err.to_string().contains("recursion limit"), "{err}");
    let shallow = body.replace(&deep, "[[1]]");
    assert!(trimmed_review(shallow.as_bytes(), "flink-savepoint.io/policy").is_ok());
}

#[test]
fn odd_shapes_and_garbage_never_panic() {
    for body in [
        &b"[]"[..],
        b"{\"request\": []}",
        b"{\"request\": {\"object\": \"text\"}}",
        b"{\"request\": {\"object\": {\"spec\": [1, 2]}}}",
        b"null",
    ] {
        assert!(trimmed_review(body, "k").is_ok(), "{body:?}");
    }
    for body in [&b"{"[..], b"{\"a\": 1} trailing", b""] {
        assert!(trimmed_review(body, "k").is_err(), "{body:?}");
    }
}
