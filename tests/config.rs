//! `flinkConfiguration` semantics: flattening, alias precedence, session-job layering, writes.

use flink_savepoint::config::{
    ConfigOption, FlatConfig, Found, Layered, TypedValue, ValueSource, WriteError,
    effective_session_job_config, escape_pointer_token, flatten, flatten_value, json_pointer_for,
    locate_option, options, remove_option, set_option,
};
use flink_savepoint::grammar::PeriodicInterval;
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
const INTERVAL: &ConfigOption = &options::PERIODIC_SAVEPOINT_INTERVAL;

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
fn flat_config_round_trips_as_string_map() {
    let conf = flat(&[("b", "2"), ("a", "1")]);
    let back: FlatConfig = serde_json::from_value(json!({"b": "2", "a": "1"})).unwrap();
    assert_eq!(back, conf);
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

#[path = "config/write.rs"]
mod write;

#[path = "config/props.rs"]
mod props;
