//! Round trips of realistic Flink objects through the typed models, enum tolerance,
//! timestamp parsing and `lastReconciledSpec` decoding.

use std::path::{Path, PathBuf};

use flink_savepoint::crd::{
    FlinkDeployment, FlinkJobState, FlinkSessionJob, FlinkStateSnapshot, JobKind, JobState,
    LifecycleState, ReconciliationStatus, SavepointFormatType, SnapshotState, SnapshotTriggerType,
    UpgradeMode,
};
use kube::Resource;
use rstest::rstest;
use serde::Deserialize;
use serde_json::{Value, json};

fn shared() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared"))
}

fn fixtures() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/models"
    ))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

fn yaml_docs(path: &Path) -> Vec<Value> {
    serde_yaml_ng::Deserializer::from_str(&read(path))
        .map(|doc| Value::deserialize(doc).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
        .filter(|v| !v.is_null())
        .collect()
}

fn json_file(path: &Path) -> Value {
    serde_json::from_str(&read(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every Flink object found in the shared fixtures and our own model fixtures.
fn realistic_objects() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let mut push = |origin: String, v: &Value| {
        let kind = v.get("kind").and_then(Value::as_str).unwrap_or_default();
        if ["FlinkDeployment", "FlinkSessionJob", "FlinkStateSnapshot"].contains(&kind) {
            out.push((origin, v.clone()));
        }
    };
    for dir in [shared().join("fixtures/manifests"), fixtures()] {
        for entry in std::fs::read_dir(&dir).expect("fixture dir") {
            let path = entry.expect("dir entry").path();
            if path.extension().and_then(|e| e.to_str()) == Some("yaml") {
                for (i, doc) in yaml_docs(&path).iter().enumerate() {
                    push(format!("{}#{i}", path.display()), doc);
                }
            }
        }
    }
    let responses = shared().join("fixtures/apiserver-responses");
    for entry in std::fs::read_dir(&responses).expect("responses dir") {
        let path = entry.expect("dir entry").path();
        match path.extension().and_then(|e| e.to_str()) {
            Some("json") => {
                let v = json_file(&path);
                push(path.display().to_string(), &v);
                for (i, item) in v
                    .get("items")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .enumerate()
                {
                    push(format!("{}#items[{i}]", path.display()), item);
                }
            }
            Some("jsonl") => {
                for (i, line) in read(&path)
                    .lines()
                    .filter(|l| !l.trim().is_empty())
                    .enumerate()
                {
                    let event: Value = serde_json::from_str(line).expect("watch event");
                    push(format!("{}#{i}", path.display()), &event["object"]);
                }
            }
            _ => {}
        }
    }
    for entry in
        std::fs::read_dir(shared().join("fixtures/admission-reviews")).expect("reviews dir")
    {
        let path = entry.expect("dir entry").path();
        let review = json_file(&path);
        for field in ["object", "oldObject"] {
            push(
                format!("{}#{field}", path.display()),
                &review["request"][field],
            );
        }
    }
    out
}

/// `metadata` is k8s-openapi's `ObjectMeta`, which drops `null` members (the API server sends
/// `"creationTimestamp": null` inside admission reviews on CREATE); Kubernetes treats null and
/// absent alike, so expected values are compared with metadata nulls removed.
fn without_metadata_nulls(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(Value::Object(meta)) = v.get_mut("metadata") {
        meta.retain(|_, value| !value.is_null());
    }
    v
}

/// Deserializes by kind and serializes back.
fn round_trip(v: &Value) -> Value {
    fn via<T: serde::de::DeserializeOwned + serde::Serialize>(v: &Value) -> Value {
        let typed: T =
            serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("deserialize: {e}\n{v:#}"));
        serde_json::to_value(typed).expect("serialize")
    }
    match v["kind"].as_str() {
        Some("FlinkDeployment") => via::<FlinkDeployment>(v),
        Some("FlinkSessionJob") => via::<FlinkSessionJob>(v),
        Some("FlinkStateSnapshot") => via::<FlinkStateSnapshot>(v),
        other => panic!("unexpected kind {other:?}"),
    }
}

/// Adds an unknown scalar, object and array field to every object below `spec` and `status`
/// (metadata is Kubernetes-owned and strictly typed; the root only holds the standard keys).
fn add_unknown_fields(v: &mut Value, depth: usize) {
    match v {
        Value::Object(map) => {
            for child in map.values_mut() {
                add_unknown_fields(child, depth + 1);
            }
            map.insert(format!("futureField{depth}"), json!("kept"));
            map.insert(
                format!("futureObject{depth}"),
                json!({"nested": {"n": depth, "flag": true}}),
            );
            map.insert(
                format!("futureList{depth}"),
                json!([1, "two", {"three": 3}]),
            );
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|i| add_unknown_fields(i, depth + 1)),
        _ => {}
    }
}

#[test]
fn every_realistic_object_round_trips_without_losing_fields() {
    let objects = realistic_objects();
    let kinds: Vec<&str> = objects
        .iter()
        .filter_map(|(_, v)| v["kind"].as_str())
        .collect();
    for kind in ["FlinkDeployment", "FlinkSessionJob", "FlinkStateSnapshot"] {
        assert!(
            kinds.contains(&kind),
            "no realistic {kind} found in fixtures"
        );
    }
    assert!(
        objects.len() >= 30,
        "expected many fixture objects, found {}",
        objects.len()
    );
    for (origin, v) in &objects {
        assert_eq!(
            round_trip(v),
            without_metadata_nulls(v),
            "round trip changed {origin}"
        );
    }
}

#[test]
fn unknown_fields_at_every_level_of_spec_and_status_are_kept() {
    for (origin, original) in realistic_objects() {
        let mut v = original.clone();
        for part in ["spec", "status"] {
            if let Some(section) = v.get_mut(part) {
                add_unknown_fields(section, 0);
            }
        }
        assert_ne!(v, original);
        assert_eq!(
            round_trip(&v),
            without_metadata_nulls(&v),
            "unknown fields lost in {origin}"
        );
    }
}

#[test]
fn every_upstream_crd_has_a_model_with_matching_names() {
    let crds = shared().join("flink-crds");
    let mut seen = Vec::new();
    for entry in std::fs::read_dir(&crds).expect("crd dir") {
        let crd = &yaml_docs(&entry.expect("entry").path())[0];
        let names = &crd["spec"]["names"];
        let kind = names["kind"].as_str().expect("kind");
        let (plural, group) = match kind {
            "FlinkDeployment" => (FlinkDeployment::plural(&()), FlinkDeployment::group(&())),
            "FlinkSessionJob" => (FlinkSessionJob::plural(&()), FlinkSessionJob::group(&())),
            "FlinkStateSnapshot" => (
                FlinkStateSnapshot::plural(&()),
                FlinkStateSnapshot::group(&()),
            ),
            other => panic!("upstream CRD {other} has no model"),
        };
        assert_eq!(
            names["plural"].as_str(),
            Some(plural.as_ref()),
            "{kind} plural"
        );
        assert_eq!(
            crd["spec"]["group"].as_str(),
            Some(group.as_ref()),
            "{kind} group"
        );
        assert_eq!(
            crd["spec"]["scope"].as_str(),
            Some("Namespaced"),
            "{kind} scope"
        );
        seen.push(kind.to_owned());
    }
    seen.sort();
    assert_eq!(
        seen,
        ["FlinkDeployment", "FlinkSessionJob", "FlinkStateSnapshot"]
    );
    assert_eq!(
        FlinkDeployment::api_version(&()),
        flink_savepoint::crd::API_VERSION
    );
}

#[test]
fn legacy_status_fields_are_typed() {
    let v = yaml_docs(&fixtures().join("orders-app-legacy.yaml")).remove(0);
    let d: FlinkDeployment = serde_json::from_value(v).expect("deployment");
    assert!(!d.is_session_cluster());
    assert_eq!(
        d.job().and_then(|j| j.upgrade_mode.clone()),
        Some(UpgradeMode::Savepoint)
    );
    assert_eq!(
        d.job().and_then(|j| j.state.clone()),
        Some(JobState::Running)
    );
    assert_eq!(d.savepoint_trigger_nonce(), Some(2));
    let status = d.status.as_ref().expect("status");
    assert_eq!(status.lifecycle_state, Some(LifecycleState::Stable));
    let job_status = d.job_status().expect("jobStatus");
    assert!(job_status.is_running());
    assert_eq!(
        job_status.start_time().map(|t| t.as_millisecond()),
        Some(1_735_780_000_000)
    );
    let info = job_status.savepoint_info.as_ref().expect("savepointInfo");
    assert_eq!(info.history().len(), 3);
    assert_eq!(info.pending_trigger_id(), None);
    let last = info.last_savepoint.as_ref().expect("lastSavepoint");
    assert_eq!(last.trigger_type, Some(SnapshotTriggerType::Manual));
    assert_eq!(last.format_type, Some(SavepointFormatType::Canonical));
    assert_eq!(last.trigger_nonce, Some(2));
    assert_eq!(
        last.time().map(|t| t.to_string()).as_deref(),
        Some("2025-01-02T03:04:05.678Z")
    );
    assert_eq!(
        info.last_periodic_savepoint_time()
            .map(|t| t.as_millisecond()),
        Some(1_735_780_000_000)
    );
    let rec = d.reconciliation_status().expect("reconciliationStatus");
    assert_eq!(rec.reconciled_savepoint_nonce(), Some(2));
    assert_eq!(d.target_ref().to_string(), "flinkdeployment/orders-app");
    assert_eq!(d.target_ref().namespace.as_deref(), Some("flink"));
}

#[test]
fn session_cluster_has_no_job_and_keeps_nested_configuration() {
    let v = yaml_docs(&fixtures().join("shared-session.yaml")).remove(0);
    let d: FlinkDeployment = serde_json::from_value(v).expect("deployment");
    assert!(d.is_session_cluster());
    assert!(d.job().is_none());
    let conf = d.flink_configuration().expect("flinkConfiguration");
    assert_eq!(
        conf["state"]["savepoints.dir"],
        json!("file:///flink-data/savepoints")
    );
    assert_eq!(conf["parallelism.default"], json!(2));
}

#[test]
fn session_job_exposes_deployment_name_and_target() {
    let v = yaml_docs(&fixtures().join("clicks-job.yaml")).remove(0);
    let j: FlinkSessionJob = serde_json::from_value(v).expect("session job");
    assert_eq!(j.deployment_name(), Some("shared-session"));
    assert_eq!(j.target_ref().to_string(), "flinksessionjob/clicks-job");
    assert_eq!(j.job_state(), Some(&FlinkJobState::Running));
    let info = j
        .job_status()
        .and_then(|s| s.savepoint_info.as_ref())
        .expect("savepointInfo");
    assert_eq!(info.pending_trigger_id(), Some("9a8b7c6d5e4f"));
    assert_eq!(
        info.trigger_time().map(|t| t.as_millisecond()),
        Some(1_735_787_049_000)
    );
}

#[test]
fn snapshot_helpers_read_kind_reference_labels_and_state() {
    let docs = yaml_docs(&fixtures().join("snapshots.yaml"));
    let snaps: Vec<FlinkStateSnapshot> = docs
        .into_iter()
        .map(|v| serde_json::from_value(v).expect("snapshot"))
        .collect();
    let plugin = &snaps[0];
    assert!(plugin.is_savepoint());
    assert_eq!(
        plugin.state(),
        SnapshotState::TriggerPending,
        "no status means TRIGGER_PENDING"
    );
    assert_eq!(
        plugin.trigger_type(),
        SnapshotTriggerType::Manual,
        "user-created default"
    );
    assert_eq!(
        plugin.job_reference().map(|r| r.to_string()).as_deref(),
        Some("flinksessionjob/clicks-job")
    );
    let periodic = &snaps[1];
    assert_eq!(periodic.trigger_type(), SnapshotTriggerType::Periodic);
    assert_eq!(periodic.state(), SnapshotState::Completed);
    assert_eq!(
        periodic.path(),
        Some("file:/flink-data/savepoints/orders-app/savepoint-3f2a1b-6c5d4e3f2a1b")
    );
    assert_eq!(
        periodic.trigger_time().map(|t| t.as_millisecond()),
        Some(1_735_787_045_678)
    );
    assert_eq!(
        periodic.result_time().map(|t| t.as_millisecond()),
        Some(1_735_787_059_012)
    );
    let checkpoint = &snaps[4];
    assert!(checkpoint.is_checkpoint());
    assert!(!checkpoint.is_savepoint());
    let unlabeled = &snaps[5];
    assert_eq!(
        unlabeled.trigger_type(),
        SnapshotTriggerType::Manual,
        "from the name pattern"
    );
    assert_eq!(unlabeled.state(), SnapshotState::Abandoned);
}

#[test]
fn trigger_type_falls_back_to_the_operator_name_pattern_without_a_label() {
    for (name, expected) in [
        (
            "orders-app-savepoint-periodic-1735787045678",
            SnapshotTriggerType::Periodic,
        ),
        (
            "orders-app-savepoint-upgrade-1735787045678",
            SnapshotTriggerType::Upgrade,
        ),
        (
            "orders-app-savepoint-manual-1735787045678",
            SnapshotTriggerType::Manual,
        ),
        ("orders-app-sp-1735787045678", SnapshotTriggerType::Manual),
    ] {
        let mut s = FlinkStateSnapshot::new(name, Default::default());
        s.spec.savepoint = Some(Default::default());
        assert_eq!(s.trigger_type(), expected, "{name}");
    }
    let mut labeled = FlinkStateSnapshot::new("x-savepoint-periodic-1", Default::default());
    labeled.metadata.labels =
        Some([("snapshot.trigger-type".to_owned(), "UPGRADE".to_owned())].into());
    assert_eq!(
        labeled.trigger_type(),
        SnapshotTriggerType::Upgrade,
        "label wins over name"
    );
}

#[test]
fn unknown_enum_values_round_trip_unchanged() {
    let v = json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
        "metadata": {"name": "x", "namespace": "n"},
        "spec": {"job": {"upgradeMode": "blue-green", "state": "paused"}},
        "status": {
            "lifecycleState": "HIBERNATING", "jobManagerDeploymentStatus": "SCALING",
            "jobStatus": {"state": "WARMING_UP", "savepointInfo": {
                "triggerType": "SCHEDULED", "formatType": "COMPRESSED",
                "lastSavepoint": {"timeStamp": 1, "location": "l", "triggerType": "manual", "formatType": "canonical"}}},
            "reconciliationStatus": {"state": "PAUSED"}
        }
    });
    assert_eq!(round_trip(&v), v);
    let d: FlinkDeployment = serde_json::from_value(v).expect("deployment");
    assert_eq!(
        d.job().and_then(|j| j.upgrade_mode.clone()),
        Some(UpgradeMode::Unknown("blue-green".into()))
    );
    assert_eq!(
        d.job_state(),
        Some(&FlinkJobState::Unknown("WARMING_UP".into()))
    );
    let last = d
        .job_status()
        .and_then(|s| s.savepoint_info.as_ref())
        .and_then(|i| i.last_savepoint.as_ref());
    assert_eq!(
        last.and_then(|s| s.trigger_type.clone()),
        Some(SnapshotTriggerType::Unknown("manual".into())),
        "matching is case-sensitive, like the operator's Jackson enums"
    );
    let snap = json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkStateSnapshot",
        "metadata": {"name": "s", "namespace": "n"},
        "spec": {"jobReference": {"kind": "FlinkBlueGreenDeployment", "name": "x"}, "savepoint": {"formatType": "FANCY"}},
        "status": {"state": "PAUSED"}
    });
    assert_eq!(round_trip(&snap), snap);
    let s: FlinkStateSnapshot = serde_json::from_value(snap).expect("snapshot");
    assert_eq!(s.state(), SnapshotState::Unknown("PAUSED".into()));
    assert_eq!(
        s.spec.job_reference.and_then(|r| r.kind),
        Some(JobKind::Unknown("FlinkBlueGreenDeployment".into()))
    );
}

#[rstest]
#[case::upgrade_mode_last_state(json!("last-state"), "last-state")]
#[case::upgrade_mode_stateless(json!("stateless"), "stateless")]
fn upgrade_mode_known_values_parse_to_known_variants(#[case] raw: Value, #[case] text: &str) {
    let m: UpgradeMode = serde_json::from_value(raw.clone()).expect("upgrade mode");
    assert!(!m.is_unknown());
    assert_eq!(m.to_string(), text);
    assert_eq!(serde_json::to_value(&m).expect("ser"), raw);
}

#[test]
fn every_known_enum_value_parses_to_a_known_variant_and_displays_its_wire_text() {
    fn check<T>(known: &[T])
    where
        T: std::fmt::Display + std::str::FromStr + PartialEq + std::fmt::Debug,
        T::Err: std::fmt::Debug,
    {
        for v in known {
            let text = v.to_string();
            assert_eq!(&text.parse::<T>().expect("infallible"), v, "{text}");
        }
    }
    check(UpgradeMode::KNOWN);
    check(JobState::KNOWN);
    check(SavepointFormatType::KNOWN);
    check(SnapshotTriggerType::KNOWN);
    check(SnapshotState::KNOWN);
    check(JobKind::KNOWN);
    check(FlinkJobState::KNOWN);
    check(LifecycleState::KNOWN);
    assert_eq!(SnapshotState::KNOWN.len(), 5);
    assert_eq!(
        SnapshotTriggerType::from("UNKNOWN"),
        SnapshotTriggerType::Unspecified
    );
    assert_eq!(
        SavepointFormatType::from("NATIVE"),
        SavepointFormatType::Native
    );
    assert_eq!(JobKind::from("FlinkSessionJob"), JobKind::FlinkSessionJob);
}

#[test]
fn non_string_enum_value_is_an_error_not_a_panic() {
    let err =
        serde_json::from_value::<UpgradeMode>(json!(3)).expect_err("number is not an upgrade mode");
    assert!(err.to_string().contains("string"), "{err}");
}

fn rec(last_reconciled: &str) -> ReconciliationStatus {
    ReconciliationStatus {
        last_reconciled_spec: Some(last_reconciled.to_owned()),
        ..Default::default()
    }
}

#[test]
fn last_reconciled_spec_current_format_is_decoded() {
    let r = rec(
        r#"{"spec":{"job":{"jarURI":"local:///j.jar","upgradeMode":"savepoint","state":"running","savepointTriggerNonce":42,"entryClass":null,"args":[]}},"resource_metadata":{"apiVersion":"flink.apache.org/v1beta1","firstDeployment":false}}"#,
    );
    let job = r.last_reconciled_job_spec().expect("job spec");
    assert_eq!(job.savepoint_trigger_nonce, Some(42));
    assert_eq!(job.upgrade_mode, Some(UpgradeMode::Savepoint));
    assert_eq!(job.jar_uri.as_deref(), Some("local:///j.jar"));
    assert_eq!(r.reconciled_savepoint_nonce(), Some(42));
    assert!(r.has_reconciled_spec());
}

#[test]
fn last_reconciled_spec_old_top_level_format_is_decoded() {
    let r = rec(
        r#"{"job":{"upgradeMode":"last-state","savepointTriggerNonce":5},"image":"flink:1.15","apiVersion":"flink.apache.org/v1beta1"}"#,
    );
    assert_eq!(r.reconciled_savepoint_nonce(), Some(5));
    assert_eq!(
        r.last_reconciled_job_spec().and_then(|j| j.upgrade_mode),
        Some(UpgradeMode::LastState)
    );
    let spec = r.last_reconciled_spec_value().expect("spec");
    assert_eq!(spec.get("image"), Some(&json!("flink:1.15")));
    assert!(
        !spec.contains_key("apiVersion"),
        "bookkeeping key is not a spec field"
    );
}

#[rstest]
#[case::empty("")]
#[case::blank("   ")]
#[case::not_json("{spec: nope")]
#[case::array("[1,2]")]
#[case::string("\"spec\"")]
#[case::spec_not_object(r#"{"spec":"x","resource_metadata":{}}"#)]
#[case::job_not_object(r#"{"spec":{"job":7},"resource_metadata":{}}"#)]
#[case::nonce_not_number(
    r#"{"spec":{"job":{"savepointTriggerNonce":"seven"}},"resource_metadata":{}}"#
)]
fn last_reconciled_spec_garbage_yields_no_nonce(#[case] raw: &str) {
    let r = rec(raw);
    assert_eq!(r.reconciled_savepoint_nonce(), None);
    assert_eq!(
        r.last_reconciled_job_spec()
            .and_then(|j| j.savepoint_trigger_nonce),
        None
    );
}

#[test]
fn missing_last_reconciled_spec_means_never_reconciled() {
    let r = ReconciliationStatus::default();
    assert!(!r.has_reconciled_spec());
    assert_eq!(r.reconciled_savepoint_nonce(), None);
    assert!(r.last_reconciled_job_spec().is_none());
}

mod timestamps {
    use flink_savepoint::time::{
        from_epoch_ms, parse_timestamp, parse_timestamp_str, to_epoch_ms, to_iso,
    };
    use rstest::rstest;
    use serde_json::{Value, json};

    #[rstest]
    #[case::epoch_ms_integer(json!(1_735_787_045_678_i64), 1_735_787_045_678)]
    #[case::epoch_ms_zero(json!(0), 0)]
    #[case::epoch_ms_integral_float(json!(1.735787045678e12), 1_735_787_045_678)]
    #[case::epoch_ms_in_string(json!("1735780000000"), 1_735_780_000_000)]
    #[case::epoch_ms_in_string_padded(json!(" 1735780000000 "), 1_735_780_000_000)]
    #[case::negative_epoch_ms_in_string(json!("-1000"), -1000)]
    #[case::iso_millis_z(json!("2025-01-02T03:04:05.678Z"), 1_735_787_045_678)]
    #[case::iso_seconds_z(json!("2025-01-02T03:04:05Z"), 1_735_787_045_000)]
    #[case::iso_offset(json!("2025-01-02T04:04:05.678+01:00"), 1_735_787_045_678)]
    #[case::iso_nanos(json!("2025-01-02T03:04:05.678000000Z"), 1_735_787_045_678)]
    fn accepted_encodings_parse_to_the_same_instant(#[case] raw: Value, #[case] ms: i64) {
        assert_eq!(parse_timestamp(&raw).map(to_epoch_ms), Some(ms), "{raw}");
    }

    #[rstest]
    #[case::empty(json!(""))]
    #[case::words(json!("yesterday"))]
    #[case::no_offset(json!("2025-01-02T03:04:05"))]
    #[case::date_only(json!("2025-01-02"))]
    #[case::decimal_string(json!("1735780000000.5"))]
    #[case::minus_only(json!("-"))]
    #[case::null(json!(null))]
    #[case::boolean(json!(true))]
    #[case::object(json!({"ms": 1}))]
    #[case::fraction(json!(1.5))]
    #[case::out_of_range(json!(i64::MAX))]
    #[case::out_of_range_string(json!("99999999999999999999"))]
    fn garbage_timestamps_are_none(#[case] raw: Value) {
        assert_eq!(parse_timestamp(&raw), None, "{raw}");
    }

    #[test]
    fn iso_output_matches_the_operator_format() {
        let ts = from_epoch_ms(1_735_787_045_678).expect("in range");
        assert_eq!(to_iso(ts), "2025-01-02T03:04:05.678Z");
        assert_eq!(parse_timestamp_str(&to_iso(ts)), Some(ts));
        assert_eq!(from_epoch_ms(i64::MIN), None);
    }
}

#[test]
fn generated_crds_match_upstream_names_and_short_names() {
    use kube::CustomResourceExt;
    for generated in [
        FlinkDeployment::crd(),
        FlinkSessionJob::crd(),
        FlinkStateSnapshot::crd(),
    ] {
        let kind = generated.spec.names.kind.clone();
        let file = shared()
            .join("flink-crds")
            .join(format!("{}.yml", generated.spec.names.plural));
        let upstream = &yaml_docs(&file)[0];
        assert_eq!(
            generated.metadata.name.as_deref(),
            upstream["metadata"]["name"].as_str(),
            "{kind}"
        );
        let short: Vec<String> =
            serde_json::from_value(upstream["spec"]["names"]["shortNames"].clone()).expect("short");
        assert_eq!(generated.spec.names.short_names, Some(short), "{kind}");
        assert_eq!(
            generated.spec.versions[0].name,
            upstream["spec"]["versions"][0]["name"].as_str().expect("v")
        );
    }
}

mod snapshot_names {
    use flink_savepoint::crd::{
        SnapshotTriggerType, SnapshotType, operator_snapshot_name, parse_operator_snapshot_name,
    };
    use flink_savepoint::location::normalize_location;

    #[test]
    fn operator_names_are_built_and_parsed_back() {
        let name = operator_snapshot_name(
            "orders-app",
            &SnapshotType::Savepoint,
            &SnapshotTriggerType::Manual,
            1_735_787_045_678,
        );
        assert_eq!(name, "orders-app-savepoint-manual-1735787045678");
        let parsed = parse_operator_snapshot_name(&name).expect("operator name");
        assert_eq!(parsed.resource, "orders-app");
        assert_eq!(parsed.snapshot_type, SnapshotType::Savepoint);
        assert_eq!(parsed.trigger_type, SnapshotTriggerType::Manual);
        assert_eq!(parsed.epoch_ms, 1_735_787_045_678);
        let checkpoint =
            parse_operator_snapshot_name("a-b-checkpoint-periodic-1").expect("checkpoint name");
        assert_eq!(
            (checkpoint.resource.as_str(), checkpoint.snapshot_type),
            ("a-b", SnapshotType::Checkpoint)
        );
    }

    #[test]
    fn names_not_following_the_operator_pattern_are_rejected() {
        for name in [
            "clicks-job-sp-1735787045678",
            "orders-app-savepoint-manual-",
            "orders-app-savepoint-manual-12x",
            "orders-app-savepoint-hourly-1",
            "orders-app-snapshot-manual-1",
            "-savepoint-manual-1",
            "savepoint-manual-1",
            "orders-app-savepoint-manual-99999999999999999999",
            "",
        ] {
            assert_eq!(parse_operator_snapshot_name(name), None, "{name:?}");
        }
    }

    #[test]
    fn locations_compare_equal_across_file_uri_spellings_and_trailing_slashes() {
        assert_eq!(
            normalize_location("file:///sp/x/"),
            normalize_location("file:/sp/x")
        );
        assert_eq!(normalize_location(" s3://b/sp/x/ "), "s3://b/sp/x");
        assert_ne!(
            normalize_location("file:/sp/x"),
            normalize_location("file:/sp/y")
        );
    }
}
