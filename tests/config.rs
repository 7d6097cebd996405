//! `flinkConfiguration` semantics: flattening, alias precedence, session-job layering, writes.

use std::collections::BTreeMap;

use flink_savepoint::config::{
    ConfigOption, FlatConfig, Found, Layered, TypedValue, ValueSource, WriteError,
    effective_session_job_config, escape_pointer_token, flatten, flatten_value, json_pointer_for,
    locate_option, options, remove_option, set_option,
};
use flink_savepoint::grammar::PeriodicInterval;
use proptest::prelude::*;
use rstest::rstest;
use serde_json::{Map, Value, json};

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared");

fn obj(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

fn flat(pairs: &[(&str, &str)]) -> FlatConfig {
    pairs.iter().copied().collect()
}

fn fixture_conf(name: &str) -> Value {
    let path = format!("{SHARED}/fixtures/manifests/{name}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let doc: Value = serde_yaml_ng::from_str(&text).expect("fixture yaml");
    doc["spec"]["flinkConfiguration"].clone()
}

const SP: &ConfigOption = &options::SAVEPOINT_DIR;

#[rstest]
#[case::flat(json!({"state.savepoints.dir": "s3://x/sp"}))]
#[case::nested(json!({"state": {"savepoints": {"dir": "s3://x/sp"}}}))]
#[case::mixed(json!({"state": {"savepoints.dir": "s3://x/sp"}}))]
#[case::mixed_outer(json!({"state.savepoints": {"dir": "s3://x/sp"}}))]
fn nested_mixed_and_flat_spellings_flatten_alike(#[case] conf: Value) {
    assert_eq!(
        flatten_value(&conf),
        flat(&[("state.savepoints.dir", "s3://x/sp")])
    );
}

#[test]
fn scalars_use_jackson_text_and_arrays_join_with_semicolons() {
    let conf = json!({
        "int": 2, "neg": -7, "big": 18446744073709551615u64, "float": 1.5, "whole": 100.0,
        "huge": 1e20, "tiny": 0.00001, "yes": true, "no": false, "nothing": null,
        "list": ["a", 1, true, null, 2.5], "nested_list": [["x"], {"k": "v"}, "y"],
        "empty_list": [], "empty_obj": {}, "text": "  padded  "
    });
    let expected = flat(&[
        ("int", "2"),
        ("neg", "-7"),
        ("big", "18446744073709551615"),
        ("float", "1.5"),
        ("whole", "100.0"),
        ("huge", "1.0E20"),
        ("tiny", "1.0E-5"),
        ("yes", "true"),
        ("no", "false"),
        ("nothing", "null"),
        ("list", "a;1;true;null;2.5"),
        ("nested_list", ";;y"),
        ("empty_list", ""),
        ("text", "  padded  "),
    ]);
    assert_eq!(flatten_value(&conf), expected);
}

#[rstest]
#[case::nested_last(json!({"a.b": "flat", "a": {"b": "nested"}}), "nested")]
#[case::flat_last(json!({"a": {"b": "nested"}, "a.b": "flat"}), "flat")]
#[case::mixed_last(json!({"a": {"b": "1"}, "a.b": "2", "x": {"a.b": "ignored"}, "a.b.c": "3"}), "2")]
fn duplicates_after_flattening_later_in_document_wins(#[case] conf: Value, #[case] value: &str) {
    assert_eq!(flatten_value(&conf).get("a.b"), Some(value));
}

#[test]
fn empty_parent_key_adds_no_prefix_like_the_operator() {
    let conf = json!({"": {"state.savepoints.dir": "s3://quirk"}, "x": {"": "v"}});
    assert_eq!(
        flatten_value(&conf),
        flat(&[("state.savepoints.dir", "s3://quirk"), ("x.", "v")])
    );
}

#[rstest]
#[case(json!(null))]
#[case(json!("state.savepoints.dir"))]
#[case(json!(["a", "b"]))]
#[case(json!(42))]
fn non_object_flattens_to_empty(#[case] value: Value) {
    assert!(flatten_value(&value).is_empty());
}

#[test]
fn flat_config_serializes_as_string_map() {
    let conf = flat(&[("b", "2"), ("a", "1")]);
    assert_eq!(
        serde_json::to_value(&conf).unwrap(),
        json!({"a": "1", "b": "2"})
    );
    assert_eq!(conf.len(), 2);
    assert!(conf.contains_key("a") && !conf.contains_key("c"));
    assert_eq!(
        conf.iter().collect::<Vec<_>>(),
        vec![("a", "1"), ("b", "2")]
    );
}

#[rstest]
#[case::canonical_only(&[("execution.checkpointing.savepoint-dir", "A")], Some(("execution.checkpointing.savepoint-dir", "A")))]
#[case::alias_only(&[("state.savepoints.dir", "B")], Some(("state.savepoints.dir", "B")))]
#[case::oldest_alias(&[("savepoints.state.backend.fs.dir", "C")], Some(("savepoints.state.backend.fs.dir", "C")))]
#[case::canonical_beats_alias(&[("state.savepoints.dir", "B"), ("execution.checkpointing.savepoint-dir", "A")], Some(("execution.checkpointing.savepoint-dir", "A")))]
#[case::first_alias_beats_second(&[("savepoints.state.backend.fs.dir", "C"), ("state.savepoints.dir", "B")], Some(("state.savepoints.dir", "B")))]
#[case::all_three(&[("savepoints.state.backend.fs.dir", "C"), ("state.savepoints.dir", "B"), ("execution.checkpointing.savepoint-dir", "A")], Some(("execution.checkpointing.savepoint-dir", "A")))]
#[case::unrelated(&[("state.checkpoints.dir", "X")], None)]
fn lookup_follows_flink_alias_precedence(
    #[case] pairs: &[(&str, &str)],
    #[case] expected: Option<(&str, &str)>,
) {
    let conf = flat(pairs);
    assert_eq!(
        conf.lookup(SP),
        expected.map(|(key, value)| Found { key, value })
    );
}

#[test]
fn find_all_spellings_lists_every_present_spelling_canonical_first() {
    let conf = flat(&[
        ("savepoints.state.backend.fs.dir", "C"),
        ("execution.checkpointing.savepoint-dir", "A"),
        ("unrelated", "x"),
    ]);
    assert_eq!(
        conf.find_all_spellings(SP),
        vec![
            ("execution.checkpointing.savepoint-dir", "A"),
            ("savepoints.state.backend.fs.dir", "C")
        ]
    );
    assert!(FlatConfig::new().find_all_spellings(SP).is_empty());
}

#[test]
fn catalogue_has_documented_keys_aliases_and_defaults() {
    assert_eq!(
        SP.deprecated_keys,
        ["state.savepoints.dir", "savepoints.state.backend.fs.dir"]
    );
    assert_eq!(
        options::CHECKPOINT_DIR.deprecated_keys,
        ["state.checkpoints.dir", "state.backend.fs.checkpointdir"]
    );
    assert_eq!(options::HISTORY_MAX_AGE.default, Some("24 h"));
    assert_eq!(options::HISTORY_MAX_COUNT.default, Some("10"));
    assert_eq!(options::SAVEPOINT_FORMAT_TYPE.default, Some("CANONICAL"));
    assert_eq!(
        options::SAVEPOINT_TRIGGER_GRACE_PERIOD.deprecated_keys,
        ["kubernetes.operator.observer.savepoint.trigger.grace-period"]
    );
    assert_eq!(
        options::by_key("state.savepoints.dir"),
        Some(&options::SAVEPOINT_DIR)
    );
    assert_eq!(options::by_key("no.such.key"), None);
}

/// (cluster pairs, job pairs, expected value, expected key, expected source)
#[rstest]
#[case::trap_cluster_canonical_beats_job_alias(
    &[("execution.checkpointing.savepoint-dir", "A")], &[("state.savepoints.dir", "B")],
    "A", "execution.checkpointing.savepoint-dir", ValueSource::SessionCluster)]
#[case::same_spelling_job_wins(
    &[("state.savepoints.dir", "A")], &[("state.savepoints.dir", "B")],
    "B", "state.savepoints.dir", ValueSource::Resource)]
#[case::job_canonical_beats_cluster_alias(
    &[("state.savepoints.dir", "A")], &[("execution.checkpointing.savepoint-dir", "B")],
    "B", "execution.checkpointing.savepoint-dir", ValueSource::Resource)]
#[case::cluster_first_alias_beats_job_second_alias(
    &[("state.savepoints.dir", "A")], &[("savepoints.state.backend.fs.dir", "B")],
    "A", "state.savepoints.dir", ValueSource::SessionCluster)]
#[case::only_job(&[], &[("savepoints.state.backend.fs.dir", "B")],
    "B", "savepoints.state.backend.fs.dir", ValueSource::Resource)]
#[case::only_cluster(&[("execution.checkpointing.savepoint-dir", "A")], &[],
    "A", "execution.checkpointing.savepoint-dir", ValueSource::SessionCluster)]
fn session_job_resolution_matches_merged_lookup(
    #[case] cluster: &[(&str, &str)],
    #[case] job: &[(&str, &str)],
    #[case] value: &str,
    #[case] key: &str,
    #[case] source: ValueSource,
) {
    let (cluster, job) = (flat(cluster), flat(job));
    let merged = effective_session_job_config(&cluster, &job);
    assert_eq!(merged.lookup(SP), Some(Found { key, value }));
    let resolved = Layered::session_job(&job, &cluster)
        .resolve(SP)
        .expect("resolved");
    assert_eq!(
        (resolved.value, resolved.key, resolved.source),
        (value, key, source)
    );
}

#[test]
fn effective_session_job_config_overlays_exact_keys_only() {
    let cluster = flat(&[("a", "1"), ("b", "2")]);
    let job = flat(&[("b", "20"), ("c", "30")]);
    assert_eq!(
        effective_session_job_config(&cluster, &job),
        flat(&[("a", "1"), ("b", "20"), ("c", "30")])
    );
}

#[test]
fn layered_falls_back_to_operator_default_or_nothing() {
    let empty = FlatConfig::new();
    let layered = Layered::session_job(&empty, &empty);
    let age = layered.resolve(&options::HISTORY_MAX_AGE).expect("default");
    assert_eq!(
        (age.value, age.key, age.source),
        (
            "24 h",
            "kubernetes.operator.savepoint.history.max.age",
            ValueSource::OperatorDefault
        )
    );
    assert_eq!(Layered::standalone(&empty).resolve(SP), None);
    assert_eq!(layered.resolve_explicit(&options::HISTORY_MAX_AGE), None);
    let own = flat(&[("kubernetes.operator.savepoint.history.max.count", "3")]);
    let count = Layered::standalone(&own)
        .resolve(&options::HISTORY_MAX_COUNT)
        .unwrap();
    assert_eq!((count.value, count.source), ("3", ValueSource::Resource));
}

#[test]
fn fixtures_resolve_session_job_savepoint_dir_override() {
    let cluster = flatten_value(&fixture_conf("flinkdeployment-session.yaml"));
    let job = flatten_value(&fixture_conf("flinksessionjob-savepoint-dir-override.yaml"));
    assert_eq!(
        job.find_all_spellings(SP),
        vec![("state.savepoints.dir", "s3://other-bucket/mine")]
    );
    let resolved = Layered::session_job(&job, &cluster).resolve(SP).unwrap();
    assert_eq!(
        (resolved.value, resolved.source),
        ("s3://other-bucket/mine", ValueSource::Resource)
    );
    let app = flatten_value(&fixture_conf("flinkdeployment-application.yaml"));
    assert_eq!(
        app.lookup(&options::PERIODIC_SAVEPOINT_INTERVAL)
            .map(|f| f.value),
        Some("900s")
    );
    assert_eq!(
        app.lookup(&options::CHECKPOINT_DIR).map(|f| f.key),
        Some("state.checkpoints.dir")
    );
    assert!(flatten_value(&fixture_conf("flinkdeployment-no-config.yaml")).is_empty());
}

#[test]
fn nested_session_cluster_example_resolves_through_aliases() {
    let doc: Value = serde_yaml_ng::from_str(
        "taskmanager.numberOfTaskSlots: \"4\"\nstate:\n  checkpoints.dir: file:///flink-data/checkpoints\n  savepoints.dir: file:///flink-data/savepoints\n",
    )
    .unwrap();
    let cluster = flatten_value(&doc);
    let job =
        flatten_value(&json!({"execution": {"checkpointing": {"savepoint-dir": "s3://x/sp"}}}));
    let resolved = Layered::session_job(&job, &cluster).resolve(SP).unwrap();
    assert_eq!(
        (resolved.value, resolved.source),
        ("s3://x/sp", ValueSource::Resource)
    );
    assert_eq!(
        cluster.lookup(&options::CHECKPOINT_DIR),
        Some(Found {
            key: "state.checkpoints.dir",
            value: "file:///flink-data/checkpoints"
        })
    );
}

const INTERVAL: &ConfigOption = &options::PERIODIC_SAVEPOINT_INTERVAL;

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

// ---------- property tests ----------

fn dotted_key() -> impl Strategy<Value = String> {
    prop::collection::vec("[a-z]{1,3}", 1..5).prop_map(|segments| segments.join("."))
}

/// Drops keys that are a dotted prefix of another key (they cannot all be nested).
fn prefix_free(map: BTreeMap<String, String>) -> BTreeMap<String, String> {
    let keys: Vec<String> = map.keys().cloned().collect();
    map.into_iter()
        .filter(|(k, _)| {
            !keys.iter().any(|o| {
                o != k && (o.starts_with(&format!("{k}.")) || k.starts_with(&format!("{o}.")))
            })
        })
        .collect()
}

/// Renders `key` with its segments grouped into nested objects according to `cuts` bits.
fn insert_rendered(map: &mut Map<String, Value>, key: &str, value: &str, cuts: u32) {
    let segments: Vec<&str> = key.split('.').collect();
    let mut path = vec![segments[0].to_owned()];
    for (i, segment) in segments.iter().enumerate().skip(1) {
        if cuts & (1 << i) != 0 {
            path.push((*segment).to_owned());
        } else {
            let last = path.last_mut().unwrap();
            last.push('.');
            last.push_str(segment);
        }
    }
    let (leaf, parents) = path.split_last().unwrap();
    let mut current = map;
    for parent in parents {
        current = current
            .entry(parent.clone())
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()
            .expect("prefix-free keys never collide with leaves");
    }
    current.insert(leaf.clone(), Value::String(value.to_owned()));
}

fn render(pairs: &BTreeMap<String, String>, cuts: &[u32]) -> Map<String, Value> {
    let mut map = Map::new();
    for ((key, value), cut) in pairs.iter().zip(cuts.iter().cycle()) {
        insert_rendered(&mut map, key, value, *cut);
    }
    map
}

const SP_SPELLINGS: [&str; 3] = [
    "execution.checkpointing.savepoint-dir",
    "state.savepoints.dir",
    "savepoints.state.backend.fs.dir",
];

fn config_with_spellings() -> impl Strategy<Value = BTreeMap<String, String>> {
    (
        prop::collection::btree_map(dotted_key(), "[a-z0-9:/ ]{0,8}", 0..6),
        prop::collection::vec(
            (prop::sample::select(&SP_SPELLINGS[..]), "[a-z0-9:/]{1,8}"),
            0..3,
        ),
    )
        .prop_map(|(mut map, spellings)| {
            map.extend(spellings.into_iter().map(|(k, v)| (k.to_owned(), v)));
            prefix_free(map)
        })
}

proptest! {
    #[test]
    fn flat_string_map_flattens_to_itself(map in prop::collection::btree_map(any::<String>(), any::<String>(), 0..12)) {
        let raw: Map<String, Value> = map.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
        let expected: FlatConfig = map.into_iter().collect();
        prop_assert_eq!(flatten(&raw), expected);
    }

    #[test]
    fn nested_mixed_and_flat_renderings_flatten_equal(
        map in prop::collection::btree_map(dotted_key(), "[ -~]{0,10}", 0..10).prop_map(prefix_free),
        cuts in prop::collection::vec(any::<u32>(), 1..10),
    ) {
        let expected: FlatConfig = map.clone().into_iter().collect();
        prop_assert_eq!(flatten(&render(&map, &[0])), expected.clone());
        prop_assert_eq!(flatten(&render(&map, &[u32::MAX])), expected.clone());
        prop_assert_eq!(flatten(&render(&map, &cuts)), expected);
    }

    #[test]
    fn layered_resolution_equals_lookup_on_merged_config(
        cluster in config_with_spellings(),
        job in config_with_spellings(),
    ) {
        let cluster: FlatConfig = cluster.into_iter().collect();
        let job: FlatConfig = job.into_iter().collect();
        let merged = effective_session_job_config(&cluster, &job);
        let resolved = Layered::session_job(&job, &cluster).resolve_explicit(SP);
        prop_assert_eq!(resolved.map(|r| (r.key, r.value)), merged.lookup(SP).map(|f| (f.key, f.value)));
        if let Some(r) = resolved {
            let from = if r.source == ValueSource::Resource { &job } else { &cluster };
            prop_assert_eq!(from.get(r.key), Some(r.value));
        }
    }

    #[test]
    fn set_then_remove_touch_only_the_option(
        map in config_with_spellings(),
        cuts in prop::collection::vec(any::<u32>(), 1..8),
        value in "[a-z0-9:/]{1,12}",
    ) {
        let mut conf = render(&map, &cuts);
        let before = flatten(&conf);
        let written = set_option(&mut conf, SP, &value).expect("no object at canonical key");
        let after = flatten(&conf);
        let mut expected = before.clone();
        expected.set(written.location.key.clone(), value.clone());
        prop_assert_eq!(&after, &expected);
        prop_assert_eq!(after.lookup(SP).map(|f| f.value), Some(value.as_str()));

        remove_option(&mut conf, SP);
        let removed: FlatConfig = before.iter().filter(|(k, _)| !SP.has_spelling(k)).collect();
        prop_assert_eq!(flatten(&conf), removed);
    }
}

#[rstest]
#[case(&options::HISTORY_MAX_AGE, "72 h", TypedValue::Duration(std::time::Duration::from_secs(72 * 3600)))]
#[case(&options::HISTORY_MAX_COUNT, "5", TypedValue::Integer(5))]
#[case(&options::DISPOSE_ON_DELETE, "TRUE", TypedValue::Boolean(true))]
#[case(&options::SAVEPOINT_FORMAT_TYPE, "native", TypedValue::Enum("NATIVE"))]
#[case(&options::SAVEPOINT_DIR, " s3://x ", TypedValue::String(" s3://x ".into()))]
#[case(INTERVAL, "0", TypedValue::Interval(PeriodicInterval::Disabled))]
fn parse_value_uses_the_option_grammar(
    #[case] opt: &ConfigOption,
    #[case] raw: &str,
    #[case] expected: TypedValue,
) {
    assert_eq!(opt.parse_value(opt.key, raw), Ok(expected));
}

#[rstest]
#[case(&options::HISTORY_MAX_AGE, "1.5d", "invalid duration \"1.5d\": decimals")]
#[case(&options::HISTORY_MAX_COUNT, "ten", "invalid integer \"ten\"")]
#[case(&options::DISPOSE_ON_DELETE, "yes", "invalid boolean \"yes\"")]
#[case(&options::SAVEPOINT_FORMAT_TYPE, "binary", "one of CANONICAL, NATIVE")]
#[case(INTERVAL, "hourly", "invalid periodic interval \"hourly\"")]
fn parse_value_errors_name_the_key_and_the_problem(
    #[case] opt: &ConfigOption,
    #[case] raw: &str,
    #[case] reason: &str,
) {
    let err = opt.parse_value(opt.key, raw).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!("flinkConfiguration \"{}\": ", opt.key)),
        "{msg}"
    );
    assert!(msg.contains(reason), "{msg}");
}
