use std::borrow::Cow;

use super::*;
use flink_savepoint::admission::DEFAULT_OPT_OUT_KEY;
use kube::core::{DynamicObject, admission::AdmissionRequest};

fn same(fast: &Decoded<'_>, trimmed: AdmissionRequest<DynamicObject>, opt_out_key: &str) {
    assert_eq!(fast, &Decoded::from_request(trimmed, opt_out_key));
}

/// The fast path takes every captured review (real API-server bodies and the library's
/// variants) and yields exactly what the trimmed decode yields.
#[test]
fn every_fixture_takes_the_fast_path_and_decodes_as_the_trimmed_decode_does() {
    let mut compared = 0;
    for (path, body) in crate::decode::tests::captured_bodies() {
        let fast = fast_request(&body, DEFAULT_OPT_OUT_KEY)
            .unwrap_or_else(|| panic!("fast path refused {}", path.display()));
        let trimmed = trimmed_request(&body, DEFAULT_OPT_OUT_KEY)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        same(&fast, trimmed, DEFAULT_OPT_OUT_KEY);
        compared += 1;
    }
    assert!(compared > 30, "only {compared} fixtures compared");
}

#[test]
fn only_the_opt_out_key_of_labels_and_annotations_is_kept() {
    let body = br#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{
            "uid":"u","kind":{"group":"g","version":"v","kind":"K"},
            "resource":{"group":"g","version":"v","resource":"ks"},"operation":"UPDATE",
            "userInfo":{"username":"x","extra":{"a":["b"]}},
            "object":{"metadata":{"name":"n","labels":{"team":"a","k":"v"},"annotations":{"k":"w","big":"{\"x\":[1]}"}},
                      "spec":{"flinkConfiguration":{"a":{"b":1}},"podTemplate":{"x":1}},"status":{}},
            "oldObject":null}}"#;
    let fast = fast_request(body, "k").expect("fast path");
    let object = fast.object.as_ref().expect("object");
    assert_eq!(object.marker_label.as_deref(), Some("v"));
    assert_eq!(object.marker_annotation.as_deref(), Some("w"));
    assert!(fast.old_object.is_none());
    same(&fast, trimmed_request(body, "k").expect("trimmed"), "k");
}

/// Strings the JSON spells without escapes are borrowed from the body, not copied.
#[test]
fn plain_strings_are_borrowed_from_the_body_and_escaped_ones_decoded() {
    let body = br#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{
            "uid":"u-1","kind":{"group":"g","version":"v","kind":"K"},
            "resource":{"group":"g","version":"v","resource":"ks"},"operation":"CREATE",
            "userInfo":{},"name":"n\u0041","namespace":"ns",
            "object":{"metadata":{"name":"plain","labels":{"k":"off"}}}}}"#;
    let fast = fast_request(body, "k").expect("fast path");
    assert!(matches!(fast.uid, Cow::Borrowed("u-1")));
    assert!(matches!(fast.namespace, Some(Cow::Borrowed("ns"))));
    assert_eq!(fast.name, "nA");
    assert!(matches!(fast.name, Cow::Owned(_)));
    let object = fast.object.as_ref().expect("object");
    assert!(matches!(object.name, Some(Cow::Borrowed("plain"))));
    assert!(matches!(object.marker_label, Some(Cow::Borrowed("off"))));
}

/// Anything short of the plain case is left to the trimmed decode (which answers it).
#[test]
fn unusual_or_broken_bodies_are_left_to_the_trimmed_decode() {
    let review = |request: &str| {
        format!(
            r#"{{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{request}}}"#
        )
    };
    let base = r#""uid":"u","kind":{"group":"g","version":"v","kind":"K"},"resource":{"group":"g","version":"v","resource":"ks"},"operation":"CREATE","userInfo":{}"#;
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    for body in [
        String::new(),
        "[]".to_owned(),
        "null".to_owned(),
        review("null"),
        review("[]"),
        review(&format!("{{{base}}} trailing")),
        review(r#"{"uid":5}"#),
        review(&format!(r#"{{{base},"operation":"PATCH"}}"#)),
        review(&format!(r#"{{{base},"name":null}}"#)),
        review(&format!(r#"{{{base},"dryRun":null}}"#)),
        review(&format!(r#"{{{base},"object":"text"}}"#)),
        review(&format!(r#"{{{base},"object":{{"apiVersion":5}}}}"#)),
        review(&format!(r#"{{{base},"object":{{"metadata":null}}}}"#)),
        // kube keeps a lone kind (or apiVersion) in the object's data; the trimmed decode does that.
        review(&format!(
            r#"{{{base},"object":{{"apiVersion":null,"kind":"K"}}}}"#
        )),
        review(&format!(r#"{{{base},"object":{{"apiVersion":"g/v"}}}}"#)),
        review(&format!(
            r#"{{{base},"object":{{"metadata":{{"labels":[]}}}}}}"#
        )),
        review(&format!(
            r#"{{{base},"object":{{"metadata":{{"deletionTimestamp":"yesterday"}}}}}}"#
        )),
        review(&format!(r#"{{{base},"object":{{"deep":{deep}}}}}"#)),
        review(&format!(r#"{{{base},"userInfo":{{"deep":{deep}}}}}"#)),
        review(&format!(r#"{{{base},"extra":{deep}}}"#)),
        review(r#"{"kind":{"group":"g","version":"v","kind":"K"}}"#),
        r#"{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","request":{}}"#
            .to_owned(),
    ] {
        assert!(
            fast_request(body.as_bytes(), "k").is_none(),
            "fast path took {body}"
        );
    }
    // Label and annotation values other than the marker's are dropped by the trimmed decode
    // whatever their type, so the fast path takes them too (checked as JSON) and agrees; an
    // unpaired surrogate is left to the trimmed decode, which refuses it.
    for (annotations, fast) in [
        (r#"{"big":{"x":[1]}}"#, true),
        (r#"{"n":5}"#, true),
        (r#"{"a":"\u0041"}"#, true),
        (r#"{"a":"\ud800"}"#, false),
    ] {
        let body = review(&format!(
            r#"{{{base},"object":{{"metadata":{{"annotations":{annotations}}}}}}}"#
        ));
        let trimmed = trimmed_request(body.as_bytes(), "k");
        match fast_request(body.as_bytes(), "k") {
            Some(request) => {
                assert!(fast, "{body}");
                same(&request, trimmed.expect("trimmed"), "k");
            }
            None => {
                assert!(!fast, "{body}");
                assert!(trimmed.is_err(), "{body}");
            }
        }
    }
    // An exponent (serde_json refuses those out of f64's range) is the trimmed decode's to judge.
    for (number, accepted) in [("1e5", true), ("1e400", false)] {
        let body = review(&format!(r#"{{{base},"note":{number}}}"#));
        assert_eq!(
            admission_request(body.as_bytes(), "k").is_ok(),
            accepted,
            "{body}"
        );
        assert!(fast_request(body.as_bytes(), "k").is_none(), "{body}");
    }
    // Invalid UTF-8, even in a string nobody reads.
    let mut bytes = review(&format!(r#"{{{base},"note":"x"}}"#)).into_bytes();
    let at = bytes.iter().position(|b| *b == b'x').expect("x");
    bytes[at] = 0xff;
    assert!(fast_request(&bytes, "k").is_none());
    assert!(trimmed_request(&bytes, "k").is_err());
    // The plain case itself is taken.
    assert!(fast_request(review(&format!("{{{base}}}")).as_bytes(), "k").is_some());
}
