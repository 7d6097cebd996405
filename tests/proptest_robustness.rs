//! Property tests for the admission path on generated input (the same areas as the fuzz targets
//! in `fuzz/`, inside the normal suite). `tests/admission.rs` checks every rule on captured and
//! hand-written reviews; here the reviews are the captures with parts replaced by generated JSON
//! (any shape) or by generated configurations (every key spelling, flat or nested, any value).
//! Flattening, grammar and history on generated input are covered by `tests/config/props.rs`,
//! `tests/grammar.rs`, `tests/grammar/cron.rs` and `tests/history.rs`; this file adds arbitrary
//! JSON (numbers, arrays, deep nesting) for flattening and for the models behind history.

use flink_savepoint::{
    admission::{Decision, Phase, Policy, ReviewContext, SessionLookup, review},
    config::{flatten, flatten_value, options, remove_option, set_option},
    crd::Target,
    crd::{FlinkDeployment, FlinkSessionJob, FlinkStateSnapshot},
    history::savepoint_history,
};
use kube::core::{
    DynamicObject,
    admission::{AdmissionRequest, AdmissionReview},
};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

const REVIEWS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/fixtures/admission-reviews"
);

fn captured() -> Vec<Value> {
    let mut files: Vec<_> = std::fs::read_dir(REVIEWS)
        .expect("captured reviews")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| serde_json::from_str(&std::fs::read_to_string(p).expect("read")).expect("JSON"))
        .collect()
}

/// Every spelling of every catalogued option, plus fragments that form them when nested.
fn keys() -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = options::ALL.iter().flat_map(|o| o.spellings()).collect();
    keys.extend([
        "state",
        "savepoints",
        "dir",
        "kubernetes",
        "operator",
        "execution",
        "a/b",
        "~1",
        "",
    ]);
    keys
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(keys()).prop_map(str::to_owned),
        1 => "[a-z.~/]{0,10}",
    ]
}

const VALUES: &[&str] = &[
    "72 h",
    "5",
    "0",
    "-1",
    "1h",
    "900s",
    "0 0 * * * ?",
    "0 0/15 * * * ?",
    "bogus",
    "s3://b/sp",
    "",
    "99999999999999999999",
    "1 d",
    "true",
];

/// Any JSON: scalars (including numbers and floats), arrays and objects, nested up to 5 levels.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (-1e12f64..1e12).prop_map(Value::from),
        proptest::sample::select(VALUES).prop_map(Value::from),
        "[a-zA-Z0-9 .:/*?~-]{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(5, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// A `flinkConfiguration`: catalogued keys with plausible or broken values, each either flat or
/// nested at its first dot, so flat, nested and mixed forms all occur.
fn configuration() -> impl Strategy<Value = Value> {
    let entry = (
        proptest::sample::select(keys()),
        proptest::sample::select(VALUES),
        any::<bool>(),
    );
    prop::collection::vec(entry, 0..6).prop_map(|entries| {
        let mut conf = Map::new();
        for (key, value, nest) in entries {
            match key.split_once('.') {
                Some((head, rest)) if nest => {
                    let slot = conf.entry(head.to_owned()).or_insert_with(|| json!({}));
                    if let Value::Object(children) = slot {
                        children.insert(rest.to_owned(), Value::from(value));
                    }
                }
                _ => {
                    conf.insert(key.to_owned(), Value::from(value));
                }
            }
        }
        Value::Object(conf)
    })
}

/// Paths of a review that the generated JSON may replace.
const PATHS: &[&[&str]] = &[
    &["request", "object", "spec"],
    &["request", "object", "spec", "flinkConfiguration"],
    &["request", "object", "spec", "job"],
    &["request", "object", "spec", "savepoint"],
    &["request", "object", "spec", "jobReference"],
    &["request", "object", "spec", "deploymentName"],
    &["request", "object", "metadata", "labels"],
    &["request", "object", "metadata", "annotations"],
    &["request", "object", "status"],
    &["request", "oldObject", "spec", "flinkConfiguration"],
    &["request", "dryRun"],
];

fn set_path(doc: &mut Value, path: &[&str], value: Value) {
    let mut slot = doc;
    for part in path {
        if !slot.is_object() {
            return;
        }
        slot = &mut slot[*part];
    }
    *slot = value;
}

fn decode(doc: &Value) -> Option<AdmissionRequest<DynamicObject>> {
    let review: AdmissionReview<DynamicObject> = serde_json::from_value(doc.clone()).ok()?;
    review.try_into().ok()
}

fn cluster(conf: Value) -> FlinkDeployment {
    serde_json::from_value(json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
        "metadata": {"name": "shared-session", "namespace": "analytics"},
        "spec": {"flinkConfiguration": conf}
    }))
    .expect("session cluster")
}

/// Reviews `req` in both phases under every lookup outcome and checks the invariants.
fn check_invariants(
    req: &AdmissionRequest<DynamicObject>,
    session: &FlinkDeployment,
) -> Result<(), TestCaseError> {
    let policy = Policy::default();
    let lookups = [
        SessionLookup::Found(session),
        SessionLookup::NotFound,
        SessionLookup::Unknown,
        SessionLookup::NotNeeded,
    ];
    for phase in [Phase::Mutate, Phase::Validate] {
        for session_cluster in lookups {
            let ctx = ReviewContext {
                phase,
                policy: &policy,
                session_cluster,
            };
            let decision = review(req, &ctx);
            if let Decision::Deny {
                reason, message, ..
            } = &decision
            {
                prop_assert!((400..500).contains(&reason.code()));
                prop_assert_eq!(phase, Phase::Validate, "mutate denied: {}", message);
                prop_assert!(!message.is_empty());
            }
            if phase == Phase::Validate {
                prop_assert!(decision.patch().is_none(), "validate patched");
            }
            let response = decision.clone().into_response(req);
            prop_assert!(response.is_ok(), "response encoding failed");
            if let (Some(patch), Some(object)) = (decision.patch(), req.object.as_ref()) {
                let mut doc = serde_json::to_value(object).expect("object JSON");
                let applied = json_patch::patch(&mut doc, patch);
                prop_assert!(
                    applied.is_ok(),
                    "patch does not apply: {:?} {:?}",
                    applied,
                    patch
                );
                let patched: DynamicObject = serde_json::from_value(doc).expect("patched object");
                let mut again = req.clone();
                again.object = Some(patched);
                let second = review(&again, &ctx);
                prop_assert!(
                    second.patch().is_none(),
                    "second review patched again: {:?}",
                    second.patch()
                );
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn captured_reviews_with_any_json_spliced_in_decide_without_panic_and_keep_the_invariants(
        index in 0usize..64,
        path in proptest::sample::select(PATHS),
        value in any_json(),
        session_conf in configuration(),
    ) {
        let reviews = captured();
        let mut doc = reviews[index % reviews.len()].clone();
        set_path(&mut doc, path, value);
        if let Some(req) = decode(&doc) {
            check_invariants(&req, &cluster(session_conf))?;
        }
    }

    #[test]
    fn generated_configurations_in_every_spelling_and_nesting_keep_the_invariants(
        index in 0usize..64,
        conf in configuration(),
        old_conf in configuration(),
        session_conf in configuration(),
    ) {
        let reviews = captured();
        let mut doc = reviews[index % reviews.len()].clone();
        if doc["request"]["object"].is_object() {
            doc["request"]["object"]["spec"]["flinkConfiguration"] = conf;
        }
        if doc["request"]["oldObject"].is_object() {
            doc["request"]["oldObject"]["spec"]["flinkConfiguration"] = old_conf;
        }
        let req = decode(&doc).expect("captured review with a generated configuration decodes");
        check_invariants(&req, &cluster(session_conf))?;
    }

    #[test]
    fn flattening_any_json_never_panics_and_writes_read_back(value in any_json()) {
        let flat = flatten_value(&value);
        for (k, v) in flat.iter() {
            prop_assert_eq!(flat.get(k), Some(v));
        }
        if let Value::Object(conf) = value {
            for opt in options::ALL {
                let mut written = conf.clone();
                if set_option(&mut written, opt, "written").is_ok() {
                    let found = flatten(&written).lookup(opt).map(|f| f.value.to_owned());
                    prop_assert_eq!(found.as_deref(), Some("written"), "{}", opt.key);
                }
                let mut removed = conf.clone();
                remove_option(&mut removed, opt);
                prop_assert!(flatten(&removed).lookup(opt).is_none(), "{} survived removal", opt.key);
            }
        }
    }

    #[test]
    fn any_json_decoded_as_models_yields_history_of_the_target_only(
        target in any_json(),
        snapshots in prop::collection::vec(any_json(), 0..6),
        session_job in any::<bool>(),
    ) {
        let snapshots: Vec<FlinkStateSnapshot> = snapshots
            .into_iter()
            .filter_map(|v| serde_json::from_value(v).ok())
            .collect();
        if session_job {
            let Ok(job) = serde_json::from_value::<FlinkSessionJob>(target) else { return Ok(()) };
            let tref = job.target_ref();
            let entries = savepoint_history(Target::session_job(&job, None), &snapshots);
            prop_assert!(entries.iter().all(|e| e.target == tref));
        } else {
            let Ok(dep) = serde_json::from_value::<FlinkDeployment>(target) else { return Ok(()) };
            let tref = dep.target_ref();
            let entries = savepoint_history(Target::deployment(&dep), &snapshots);
            prop_assert!(entries.iter().all(|e| e.target == tref));
        }
    }
}
