//! Spelling- and shape-preserving writes: `set_option`, `remove_option`, JSON pointers.

use super::*;

fn compact(map: &Map<String, Value>) -> String {
    serde_json::to_string(map).unwrap()
}

/// (input, option, value, expected JSON text, expected pointer, previous value)
#[rstest]
#[case::absent_adds_flat_string(
    json!({"taskmanager.numberOfTaskSlots": "2"}), INTERVAL, "6h",
    r#"{"taskmanager.numberOfTaskSlots":"2","kubernetes.operator.periodic.savepoint.interval":"6h"}"#,
    "/kubernetes.operator.periodic.savepoint.interval", None)]
#[case::flat_replaced_in_place(
    json!({"a": "x", "kubernetes.operator.periodic.savepoint.interval": "1h", "z": 1}), INTERVAL, "6h",
    r#"{"a":"x","kubernetes.operator.periodic.savepoint.interval":"6h","z":1}"#,
    "/kubernetes.operator.periodic.savepoint.interval", Some(json!("1h")))]
#[case::nested_replaced_in_place(
    json!({"kubernetes": {"operator": {"periodic": {"savepoint": {"interval": "1h"}}, "x": "y"}}}), INTERVAL, "6h",
    r#"{"kubernetes":{"operator":{"periodic":{"savepoint":{"interval":"6h"}},"x":"y"}}}"#,
    "/kubernetes/operator/periodic/savepoint/interval", Some(json!("1h")))]
#[case::mixed_number_becomes_string(
    json!({"kubernetes.operator": {"periodic.savepoint.interval": 3600000}}), INTERVAL, "6h",
    r#"{"kubernetes.operator":{"periodic.savepoint.interval":"6h"}}"#,
    "/kubernetes.operator/periodic.savepoint.interval", Some(json!(3600000)))]
#[case::alias_spelling_kept(
    json!({"state.savepoints.dir": "old"}), SP, "new",
    r#"{"state.savepoints.dir":"new"}"#, "/state.savepoints.dir", Some(json!("old")))]
#[case::canonical_written_when_both_present(
    json!({"state": {"savepoints.dir": "b"}, "execution": {"checkpointing": {"savepoint-dir": "a"}}}), SP, "new",
    r#"{"state":{"savepoints.dir":"b"},"execution":{"checkpointing":{"savepoint-dir":"new"}}}"#,
    "/execution/checkpointing/savepoint-dir", Some(json!("a")))]
#[case::duplicate_writes_effective_later_one(
    json!({"state": {"savepoints.dir": "1"}, "state.savepoints.dir": "2"}), SP, "new",
    r#"{"state":{"savepoints.dir":"1"},"state.savepoints.dir":"new"}"#, "/state.savepoints.dir", Some(json!("2")))]
#[case::empty_object_at_key_replaced(
    json!({"kubernetes.operator.periodic.savepoint.interval": {}}), INTERVAL, "6h",
    r#"{"kubernetes.operator.periodic.savepoint.interval":"6h"}"#,
    "/kubernetes.operator.periodic.savepoint.interval", Some(json!({})))]
fn set_option_keeps_spelling_and_shape(
    #[case] input: Value,
    #[case] opt: &ConfigOption,
    #[case] value: &str,
    #[case] expected: &str,
    #[case] pointer: &str,
    #[case] previous: Option<Value>,
) {
    let mut conf = obj(input);
    let written = set_option(&mut conf, opt, value).expect("written");
    assert_eq!(compact(&conf), expected);
    assert_eq!(written.location.pointer, pointer);
    assert_eq!(written.previous, previous);
    assert_eq!(flatten(&conf).lookup(opt).map(|f| f.value), Some(value));
    assert_eq!(Value::Object(conf).pointer(pointer), Some(&json!(value)));
}

#[test]
fn set_option_refuses_to_clobber_object_at_canonical_key() {
    let mut conf = obj(json!({"kubernetes.operator.periodic.savepoint.interval": {"x": "1"}}));
    let before = conf.clone();
    let err = set_option(&mut conf, INTERVAL, "6h").unwrap_err();
    assert_eq!(
        err,
        WriteError::KeyIsObject {
            key: "kubernetes.operator.periodic.savepoint.interval".into()
        }
    );
    assert!(err.to_string().contains("already has an object"), "{err}");
    assert_eq!(conf, before);
}

#[test]
fn remove_option_removes_every_spelling_everywhere_and_nothing_else() {
    let mut conf = obj(json!({
        "state": {"savepoints.dir": "B", "checkpoints.dir": "keep"},
        "keep": "1",
        "execution.checkpointing.savepoint-dir": "A",
        "savepoints": {"state": {"backend.fs.dir": "C"}},
        "last": true
    }));
    let removed = remove_option(&mut conf, SP);
    let pointers: Vec<_> = removed.iter().map(|l| l.pointer.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "/state/savepoints.dir",
            "/execution.checkpointing.savepoint-dir",
            "/savepoints/state/backend.fs.dir"
        ]
    );
    assert_eq!(
        compact(&conf),
        r#"{"state":{"checkpoints.dir":"keep"},"keep":"1","savepoints":{"state":{}},"last":true}"#
    );
    assert!(flatten(&conf).find_all_spellings(SP).is_empty());
    assert!(remove_option(&mut conf, SP).is_empty());
}

#[test]
fn pointers_address_the_value_and_escape_tokens() {
    assert_eq!(escape_pointer_token("a/b~c"), "a~1b~0c");
    let conf = obj(json!({
        "": {"state.savepoints.dir": "quirk"},
        "savepoints": {"state.backend.fs.dir": "C"},
        "state.savepoints": {"dir": "B"}
    }));
    let locations = locate_option(&conf, SP);
    let keys: Vec<_> = locations
        .iter()
        .map(|l| (l.key.as_str(), l.pointer.as_str()))
        .collect();
    assert_eq!(
        keys,
        [
            ("state.savepoints.dir", "//state.savepoints.dir"),
            (
                "savepoints.state.backend.fs.dir",
                "/savepoints/state.backend.fs.dir"
            ),
            ("state.savepoints.dir", "/state.savepoints/dir"),
        ]
    );
    // The operator keeps the later duplicate; the pointer names that one.
    assert_eq!(
        json_pointer_for(&conf, SP).as_deref(),
        Some("/state.savepoints/dir")
    );
    let whole = Value::Object(conf.clone());
    let values: Vec<_> = locations
        .iter()
        .map(|l| whole.pointer(&l.pointer))
        .collect();
    assert_eq!(
        values,
        [Some(&json!("quirk")), Some(&json!("C")), Some(&json!("B"))]
    );
    assert_eq!(json_pointer_for(&obj(json!({"other": "x"})), SP), None);
}
