//! The webhook's decode (`decode_fast::admission_request`: a fast one-pass decode with the
//! trimmed decode behind it) must answer every body exactly as the trimmed decode alone does:
//! the same request when it accepts, the same 400 message when it refuses. Checked on the
//! captured reviews with one part replaced by arbitrary JSON (wrong types, deep nesting, escaped
//! strings), removed, or shadowed by a duplicate key.

use proptest::prelude::*;
use savepoint_webhook::{
    decode::trimmed_request, decode_fast::admission_request, decoded::Decoded,
};
use serde_json::{Map, Value};

const MARKER: &str = "flink-savepoint.io/policy";

fn captured() -> Vec<Value> {
    let dirs = [
        concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/admission"),
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/fixtures/admission-reviews"
        ),
    ];
    let mut files: Vec<_> = dirs
        .iter()
        .flat_map(|dir| std::fs::read_dir(dir).expect("fixture dir"))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| serde_json::from_str(&std::fs::read_to_string(p).expect("read")).expect("JSON"))
        .collect()
}

/// JSON pointers of every node of `value` (the root excluded).
fn pointers(value: &Value, at: &str, out: &mut Vec<String>) {
    let escape = |k: &str| k.replace('~', "~0").replace('/', "~1");
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let here = format!("{at}/{}", escape(k));
                out.push(here.clone());
                pointers(v, &here, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let here = format!("{at}/{i}");
                out.push(here.clone());
                pointers(v, &here, out);
            }
        }
        _ => {}
    }
}

fn nested(depth: usize, object: bool) -> Value {
    (0..depth).fold(Value::Null, |inner, _| {
        if object {
            Value::Object(Map::from_iter([("a".to_owned(), inner)]))
        } else {
            Value::Array(vec![inner])
        }
    })
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        prop_oneof![
            Just("CREATE".to_owned()),
            Just("UPDATE".to_owned()),
            Just("DELETE".to_owned()),
            Just("admission.k8s.io/v1".to_owned()),
            Just("AdmissionReview".to_owned()),
            Just("flink.apache.org".to_owned()),
            Just("FlinkSessionJob".to_owned()),
            Just("2026-11-23T18:39:08Z".to_owned()),
            Just("disabled".to_owned()),
            Just("s3://x/\"y\"\\\u{1}\u{e9}".to_owned()),
            "[a-z.]{0,12}",
        ]
        .prop_map(Value::String),
        (120usize..140, any::<bool>()).prop_map(|(d, o)| nested(d, o)),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        Just("state.savepoints.dir".to_owned()),
                        Just(MARKER.to_owned()),
                        Just("name".to_owned()),
                        "[a-z]{1,6}"
                    ],
                    inner
                ),
                0..4
            )
            .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

#[derive(Debug, Clone)]
enum Change {
    Replace(Value),
    Remove,
    /// A duplicate of the member, placed before it (the later one wins in both decodes).
    ShadowedBy(Value),
    /// The member's key written with a `\u` escape.
    EscapedKey,
    /// The value written as this JSON text (or text that is almost JSON), which serde_json
    /// cannot produce from a value: exponents, long numbers, surrogate escapes, odd whitespace,
    /// nesting at the limit.
    RawText(String),
}

/// Spellings where a hand-written scanner and serde_json could disagree.
fn raw_text() -> impl Strategy<Value = String> {
    let deep = |n: usize, open: &str, close: &str| format!("{}{}", open.repeat(n), close.repeat(n));
    prop_oneof![
        prop::sample::select(vec![
            "1e5",
            "1E+400",
            "-1e-400",
            "0.5e-3",
            "-0",
            "-0.0",
            "1.5",
            "01",
            "1.",
            "-",
            ".5",
            "+1",
            "123456789012345678901234567890",
            "1234567890123456789012345678901234567890123",
            "0.00000000000000000000000000000000000000000000001",
            "18446744073709551616",
            r#""\ud83d\ude00""#,
            r#""\ud800""#,
            r#""\udc00x""#,
            r#""\ud800\u0041""#,
            r#""\u00e9\/\b\f\r""#,
            r#""\u0000""#,
            r#""\x""#,
            r#""\u12""#,
            "\"a\tb\"",
            "\"a\u{7f}\u{80}\"",
            " \n\t {} ",
            "[1,]",
            "{\"a\":1,}",
            "tru",
            "nul",
            "[1 2]",
            "{\"a\" : [ true , false , null ] }",
            "\"\"",
        ])
        .prop_map(str::to_owned),
        prop::sample::select(vec![99usize, 100, 101, 120, 126, 127, 128]).prop_flat_map(move |n| {
            prop::sample::select(vec![
                deep(n, "[", "]"),
                deep(n, "{\"a\":", "}").replace(":}", ":0}"),
            ])
        }),
    ]
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        4 => any_json().prop_map(Change::Replace),
        1 => Just(Change::Remove),
        1 => any_json().prop_map(Change::ShadowedBy),
        1 => Just(Change::EscapedKey),
        2 => raw_text().prop_map(Change::RawText),
    ]
}

/// The body for `review` with `change` applied at `pointer`.
fn body(review: &Value, pointer: &str, change: &Change) -> String {
    let (parent, last) = pointer.rsplit_once('/').expect("pointer");
    let key = last.replace("~1", "/").replace("~0", "~");
    let mut review = review.clone();
    let is_member = review
        .pointer(if parent.is_empty() { "" } else { parent })
        .is_some_and(Value::is_object);
    match change {
        Change::Replace(value) => {
            *review.pointer_mut(pointer).expect("node") = value.clone();
            serde_json::to_string(&review).expect("json")
        }
        Change::Remove if is_member => {
            let parent = review.pointer_mut(parent).expect("parent");
            parent.as_object_mut().expect("object").shift_remove(&key);
            serde_json::to_string(&review).expect("json")
        }
        Change::ShadowedBy(value) if is_member => {
            // A duplicate of the member, with another value, right before it.
            let quoted = serde_json::to_string(&key).expect("key");
            let duplicate = format!(
                "{quoted}:{},{quoted}:",
                serde_json::to_string(value).expect("value")
            );
            with_member_key_written_as(&mut review, parent, &key, &duplicate)
        }
        Change::EscapedKey if is_member => {
            let quoted = serde_json::to_string(&key).expect("key");
            let escaped = match key.chars().next() {
                Some(first) if first.is_ascii_alphanumeric() => {
                    format!("\"\\u{:04x}{}:", u32::from(first), &quoted[2..])
                }
                _ => format!("{quoted}:"),
            };
            with_member_key_written_as(&mut review, parent, &key, &escaped)
        }
        Change::RawText(text) => {
            let placeholder = "\u{1d}raw\u{1d}";
            *review.pointer_mut(pointer).expect("node") = Value::from(placeholder);
            let json = serde_json::to_string(&review).expect("json");
            json.replacen(
                &serde_json::to_string(placeholder).expect("placeholder"),
                text,
                1,
            )
        }
        // Array elements: removing, shadowing or escaping make no sense; leave the review as is.
        _ => serde_json::to_string(&review).expect("json"),
    }
}

/// `review` as JSON text with the member `key` of the object at `parent` moved last and
/// its `"key":` written as `text` (raw JSON that serde_json cannot produce itself).
fn with_member_key_written_as(review: &mut Value, parent: &str, key: &str, text: &str) -> String {
    let placeholder = "\u{1d}placeholder\u{1d}";
    let map = review
        .pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .expect("object");
    let original = map.shift_remove(key).expect("member");
    map.insert(placeholder.to_owned(), original);
    let json = serde_json::to_string(review).expect("json");
    let written = format!(
        "{}:",
        serde_json::to_string(placeholder).expect("placeholder")
    );
    json.replacen(&written, text, 1)
}

/// The trimmed decode's answer as the webhook holds it.
fn reference(body: &str) -> Result<Decoded<'static>, String> {
    trimmed_request(body.as_bytes(), MARKER).map(|request| Decoded::from_request(request, MARKER))
}

/// Checks one variant: the webhook's decode answers `body` exactly as the trimmed decode does.
fn agrees(body: &str, what: &str) -> Result<(), TestCaseError> {
    let ours = admission_request(body.as_bytes(), MARKER);
    let reference = reference(body);
    match (&ours, &reference) {
        (Ok(ours), Ok(reference)) => prop_assert_eq!(ours, reference),
        (Err(ours), Err(reference)) => prop_assert_eq!(ours, reference),
        _ => prop_assert!(
            false,
            "{what}: ours {:?} vs trimmed {:?}",
            ours.as_ref().map(|r| r.uid.clone()),
            reference.as_ref().map(|r| r.uid.clone())
        ),
    }
    Ok(())
}

/// A captured review and one of its nodes.
fn review_and_node(pick: prop::sample::Index, node: prop::sample::Index) -> (Value, String) {
    let reviews = captured();
    let review = pick.get(&reviews).clone();
    let mut all = Vec::new();
    pointers(&review, "", &mut all);
    let pointer = node.get(&all).clone();
    (review, pointer)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 768, ..ProptestConfig::default() })]

    /// Whatever part of a captured review is replaced, removed, shadowed or spelled with an
    /// escape, the webhook's decode answers exactly as the trimmed decode does.
    #[test]
    fn the_webhook_decode_answers_every_variant_as_the_trimmed_decode(
        pick in any::<prop::sample::Index>(),
        node in any::<prop::sample::Index>(),
        change in change(),
    ) {
        let (review, pointer) = review_and_node(pick, node);
        agrees(&body(&review, &pointer, &change), &format!("{pointer} {change:?}"))?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// Any node of a captured review spelled as JSON text serde_json never writes (exponents,
    /// long numbers, surrogate escapes, deep nesting) or as almost-JSON: the webhook's
    /// hand-written scanner answers as serde_json does.
    #[test]
    fn odd_spellings_anywhere_are_answered_as_the_trimmed_decode_answers_them(
        pick in any::<prop::sample::Index>(),
        node in any::<prop::sample::Index>(),
        text in raw_text(),
    ) {
        let (review, pointer) = review_and_node(pick, node);
        let change = Change::RawText(text);
        agrees(&body(&review, &pointer, &change), &format!("{pointer} {change:?}"))?;
    }
}

/// Every capture itself decodes identically (the property above always changes one part).
#[test]
fn every_capture_decodes_as_the_trimmed_decode_does() {
    for review in captured() {
        let body = serde_json::to_string(&review).expect("json");
        let ours = admission_request(body.as_bytes(), MARKER).expect("ours");
        assert_eq!(ours, reference(&body).expect("trimmed"));
    }
}
