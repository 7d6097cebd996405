//! Admission policy: fixture-driven snapshots over every captured AdmissionReview and its
//! variants, plus explicit tables for each rule (exact JSON patches, codes and messages).

use std::path::Path;

use flink_savepoint::admission::{
    Decision, EnforcementMode, FailSafe, LookupNeed, Phase, Policy, ReviewContext, SessionLookup,
    check_policy, lookup_need, review,
};
use flink_savepoint::crd::FlinkDeployment;
use kube::core::{
    DynamicObject,
    admission::{AdmissionRequest, AdmissionReview},
};
use serde_json::{Value, json};

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures");
const VARIANTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/admission");

fn request_from(value: Value) -> AdmissionRequest<DynamicObject> {
    let review: AdmissionReview<DynamicObject> =
        serde_json::from_value(value).expect("fixture is an AdmissionReview");
    review.try_into().expect("fixture has a request")
}

fn load(path: &Path) -> AdmissionRequest<DynamicObject> {
    let text = std::fs::read_to_string(path).expect("fixture readable");
    request_from(serde_json::from_str(&text).expect("fixture is JSON"))
}

fn shared(name: &str) -> AdmissionRequest<DynamicObject> {
    load(&Path::new(SHARED).join("admission-reviews").join(name))
}

fn variant(name: &str) -> AdmissionRequest<DynamicObject> {
    load(&Path::new(VARIANTS).join(format!("{name}.json")))
}

/// The session cluster of the captured fixtures (`fixtures/manifests/flinkdeployment-session.yaml`).
fn session_cluster() -> FlinkDeployment {
    let text =
        std::fs::read_to_string(Path::new(SHARED).join("manifests/flinkdeployment-session.yaml"))
            .expect("session manifest readable");
    serde_yaml_ng::from_str(&text).expect("session manifest parses")
}

fn cluster_with(conf: Value) -> FlinkDeployment {
    serde_json::from_value(json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
        "metadata": {"name": "shared-session", "namespace": "analytics"},
        "spec": {"flinkConfiguration": conf}
    }))
    .expect("deployment parses")
}

fn run(
    req: &AdmissionRequest<DynamicObject>,
    phase: Phase,
    lookup: SessionLookup<'_>,
    policy: &Policy,
) -> Decision {
    review(
        req,
        &ReviewContext {
            phase,
            policy,
            session_cluster: lookup,
        },
    )
}

fn validate(req: &AdmissionRequest<DynamicObject>, lookup: SessionLookup<'_>) -> Decision {
    run(req, Phase::Validate, lookup, &Policy::default())
}

fn mutate(req: &AdmissionRequest<DynamicObject>, lookup: SessionLookup<'_>) -> Decision {
    run(req, Phase::Mutate, lookup, &Policy::default())
}

/// Compact, reviewable form of a decision (exact patch included).
fn summary(decision: &Decision) -> Value {
    match decision {
        Decision::Allow { patch, warnings } => json!({
            "allowed": true,
            "patch": patch.as_ref().map(|p| serde_json::to_value(p).expect("patch serialises")),
            "warnings": warnings,
        }),
        Decision::Deny {
            message,
            reason,
            warnings,
        } => json!({
            "allowed": false,
            "code": reason.code(),
            "message": message,
            "warnings": warnings,
        }),
    }
}

/// Applies the decision's patch to the request's object and returns the mutated request.
fn apply(
    req: &AdmissionRequest<DynamicObject>,
    decision: &Decision,
) -> AdmissionRequest<DynamicObject> {
    let mut doc = serde_json::to_value(req.object.as_ref().expect("object")).expect("object JSON");
    json_patch::patch(&mut doc, decision.patch().expect("a patch")).expect("patch applies");
    let mut mutated = req.clone();
    mutated.object = Some(serde_json::from_value(doc).expect("patched object parses"));
    mutated
}

/// Every phase × session-cluster situation relevant to `req`, summarised; also checks the
/// invariants that hold for every request (idempotent mutation, dry-run identical, phases
/// separated).
fn all_scenarios(req: &AdmissionRequest<DynamicObject>) -> Value {
    let cluster = session_cluster();
    let lookups: Vec<(&str, SessionLookup<'_>)> = match lookup_need(req) {
        LookupNeed::None => vec![("no-lookup", SessionLookup::NotNeeded)],
        _ => vec![
            ("cluster-found", SessionLookup::Found(&cluster)),
            ("cluster-not-found", SessionLookup::NotFound),
            ("cache-unknown", SessionLookup::Unknown),
        ],
    };
    let mut out = serde_json::Map::new();
    for phase in [Phase::Mutate, Phase::Validate] {
        for (label, lookup) in &lookups {
            let decision = run(req, phase, *lookup, &Policy::default());
            let mut dry = req.clone();
            dry.dry_run = !req.dry_run;
            assert_eq!(
                run(&dry, phase, *lookup, &Policy::default()),
                decision,
                "dry-run must not change the decision"
            );
            match phase {
                Phase::Mutate => assert!(decision.is_allowed(), "the mutating phase never denies"),
                Phase::Validate => assert!(
                    decision.patch().is_none(),
                    "the validating phase never patches"
                ),
            }
            if decision.patch().is_some() {
                let again = run(&apply(req, &decision), phase, *lookup, &Policy::default());
                assert_eq!(
                    again.patch(),
                    None,
                    "second review of the mutated object must not patch"
                );
            }
            out.insert(format!("{}/{label}", phase.as_str()), summary(&decision));
        }
    }
    Value::Object(out)
}

#[test]
fn captured_reviews_snapshot() {
    insta::glob!(
        "../../shared/fixtures/admission-reviews",
        "*.json",
        |path| {
            insta::assert_json_snapshot!(all_scenarios(&load(path)));
        }
    );
}

#[test]
fn variant_reviews_snapshot() {
    insta::glob!("fixtures/admission/*.json", |path| {
        insta::assert_json_snapshot!(all_scenarios(&load(path)));
    });
}

fn denied(decision: &Decision) -> (u16, &str) {
    match decision {
        Decision::Deny {
            message, reason, ..
        } => (reason.code(), message.as_str()),
        Decision::Allow { .. } => panic!("expected a denial, got {decision:?}"),
    }
}

#[test]
fn session_job_savepoint_dir_is_denied_under_every_spelling_with_key_and_cluster_named() {
    let cluster = session_cluster();
    for (fixture, key) in [
        ("007", "state.savepoints.dir"),
        ("009", "execution.checkpointing.savepoint-dir"),
        ("flat-canonical", "execution.checkpointing.savepoint-dir"),
        ("nested-legacy", "state.savepoints.dir"),
        ("mixed-oldest", "savepoints.state.backend.fs.dir"),
        ("mixed-state", "state.savepoints.dir"),
    ] {
        let req = match fixture {
            "007" => shared("007-validate-FlinkSessionJob-CREATE-rogue-job.json"),
            "009" => shared("009-validate-FlinkSessionJob-CREATE-nested-job.json"),
            "flat-canonical" => variant("sessionjob-create-flat-canonical-dir"),
            "nested-legacy" => variant("sessionjob-create-nested-legacy-dir"),
            "mixed-oldest" => variant("sessionjob-create-mixed-oldest-alias"),
            _ => variant("sessionjob-create-mixed-state-dir"),
        };
        for lookup in [
            SessionLookup::Found(&cluster),
            SessionLookup::Unknown,
            SessionLookup::NotFound,
        ] {
            let decision = validate(&req, lookup);
            let (code, message) = denied(&decision);
            assert_eq!(code, 403, "{fixture}");
            assert!(message.contains(key), "{fixture}: {message}");
            assert!(
                message.contains("session cluster shared-session"),
                "{fixture}: {message}"
            );
        }
    }
}

#[test]
fn update_adding_or_changing_the_dir_is_denied_but_an_unchanged_one_only_warns() {
    let added = validate(
        &shared("035-validate-FlinkSessionJob-UPDATE-clicks-job.json"),
        SessionLookup::Unknown,
    );
    assert_eq!(denied(&added).0, 403);
    assert_eq!(
        denied(&validate(
            &variant("sessionjob-update-changed-dir"),
            SessionLookup::NotFound
        ))
        .0,
        403
    );
    for unchanged in [
        "sessionjob-update-unchanged-dir",
        "sessionjob-update-same-dir-renested",
    ] {
        let decision = validate(
            &variant(unchanged),
            SessionLookup::Found(&session_cluster()),
        );
        assert!(decision.is_allowed(), "{unchanged}: {decision:?}");
        assert!(
            decision
                .warnings()
                .iter()
                .any(|w| w.contains("state.savepoints.dir") && w.contains("unchanged")),
            "{unchanged}: {decision:?}"
        );
    }
}

#[test]
fn snapshot_paths_for_session_jobs_must_be_the_cluster_dir() {
    let cluster = session_cluster();
    let found = SessionLookup::Found(&cluster);
    for ok in [
        "snapshot-create-operator-periodic",
        "snapshot-create-trailing-slash",
        "snapshot-create-already-exists",
        "snapshot-create-no-path",
        "snapshot-update-other-path",
    ] {
        let decision = validate(&variant(ok), found);
        assert_eq!(decision, Decision::allow(), "{ok}");
    }
    let other = validate(&variant("snapshot-create-other-path"), found);
    let (code, message) = denied(&other);
    assert_eq!(code, 403);
    assert!(
        message.contains("s3://other-bucket/escape")
            && message.contains("\"s3://my-bucket/flink-savepoints\""),
        "{message}"
    );
    let no_dir = cluster_with(json!({"taskmanager.numberOfTaskSlots": "2"}));
    let message = denied(&validate(
        &variant("snapshot-create-operator-periodic"),
        SessionLookup::Found(&no_dir),
    ))
    .1
    .to_owned();
    assert!(message.contains("none is configured"), "{message}");
}

#[test]
fn snapshot_check_follows_the_fail_safe_direction_when_the_cache_is_unknown() {
    let req = variant("snapshot-create-other-path");
    let allow = validate(&req, SessionLookup::Unknown);
    assert!(allow.is_allowed());
    assert!(
        allow.warnings()[0].contains("not ready")
            && allow.warnings()[0].contains("fail-safe: allow")
    );
    let strict = Policy {
        fail_safe: FailSafe::Deny,
        ..Policy::default()
    };
    let deny = run(&req, Phase::Validate, SessionLookup::Unknown, &strict);
    assert_eq!(denied(&deny).0, 403);
    assert!(denied(&deny).1.contains("fail-safe: deny"));
    let missing = validate(&req, SessionLookup::NotFound);
    assert!(missing.is_allowed() && missing.warnings()[0].contains("does not exist"));
}

#[test]
fn invalid_retention_and_schedule_values_are_rejected_quoting_value_and_accepted_forms() {
    let decision = validate(
        &variant("sessionjob-create-invalid-values"),
        SessionLookup::Found(&session_cluster()),
    );
    let (code, message) = denied(&decision);
    assert_eq!(code, 422);
    for needle in [
        "\"every 6 hours\"",
        "Quartz cron",
        "\"0\"",
        "at least 1",
        "\"1.5h\"",
        "decimals",
    ] {
        assert!(message.contains(needle), "missing {needle:?} in {message}");
    }
    let count = validate(
        &variant("deployment-update-invalid-count"),
        SessionLookup::NotNeeded,
    );
    assert_eq!(denied(&count).0, 422);
    assert!(denied(&count).1.contains("\"three\""));
    let unchanged = validate(
        &variant("sessionjob-update-unchanged-invalid-interval"),
        SessionLookup::Found(&session_cluster()),
    );
    assert!(unchanged.is_allowed(), "{unchanged:?}");
    assert!(
        unchanged
            .warnings()
            .iter()
            .any(|w| w.contains("6 hourz") && w.contains("unchanged"))
    );
}

#[test]
fn scheduled_savepoints_without_a_dir_are_warned_about() {
    let app = validate(
        &variant("deployment-create-savepoint-mode-no-config"),
        SessionLookup::NotNeeded,
    );
    assert!(app.is_allowed());
    assert!(
        app.warnings()
            .iter()
            .any(|w| w.contains("upgradeMode: savepoint") && w.contains("no savepoint directory"))
    );
    let no_dir = cluster_with(json!({"taskmanager.numberOfTaskSlots": "2"}));
    let job = validate(
        &shared("026-mutate-FlinkSessionJob-CREATE-retention-job.json"),
        SessionLookup::Found(&no_dir),
    );
    assert!(
        job.warnings()
            .iter()
            .any(|w| w.contains("periodic savepoints")),
        "{job:?}"
    );
    let with_dir = validate(
        &shared("026-mutate-FlinkSessionJob-CREATE-retention-job.json"),
        SessionLookup::Found(&session_cluster()),
    );
    assert_eq!(with_dir, Decision::allow());
}

#[test]
fn defaults_are_added_with_the_exact_patch_and_only_where_nothing_sets_them() {
    let cluster = session_cluster();
    let clicks = mutate(
        &shared("004-mutate-FlinkSessionJob-CREATE-clicks-job.json"),
        SessionLookup::Found(&cluster),
    );
    assert_eq!(
        serde_json::to_value(clicks.patch().expect("patch")).expect("json"),
        json!([
            {"op": "add", "path": "/spec/flinkConfiguration", "value": {}},
            {"op": "add", "path": "/spec/flinkConfiguration/kubernetes.operator.savepoint.history.max.age", "value": "72 h"},
            {"op": "add", "path": "/spec/flinkConfiguration/kubernetes.operator.savepoint.history.max.count", "value": "5"},
        ])
    );
    let retention = mutate(
        &shared("026-mutate-FlinkSessionJob-CREATE-retention-job.json"),
        SessionLookup::Found(&cluster),
    );
    assert_eq!(
        serde_json::to_value(retention.patch().expect("patch")).expect("json"),
        json!([{"op": "add", "path": "/spec/flinkConfiguration/kubernetes.operator.savepoint.history.max.age", "value": "72 h"}])
    );
    let cluster_sets_both = cluster_with(
        json!({"kubernetes": {"operator": {"savepoint.history.max": {"age": "1 d", "count": "2"}}}}),
    );
    assert_eq!(
        mutate(
            &shared("004-mutate-FlinkSessionJob-CREATE-clicks-job.json"),
            SessionLookup::Found(&cluster_sets_both)
        ),
        Decision::allow()
    );
    assert_eq!(
        mutate(
            &variant("sessionjob-create-nested-retention"),
            SessionLookup::Found(&cluster)
        ),
        Decision::allow()
    );
}

#[test]
fn session_job_defaults_are_skipped_with_a_warning_when_the_cluster_is_unknown_or_missing() {
    let req = shared("004-mutate-FlinkSessionJob-CREATE-clicks-job.json");
    for lookup in [SessionLookup::Unknown, SessionLookup::NotFound] {
        let decision = mutate(&req, lookup);
        assert!(decision.is_allowed() && decision.patch().is_none());
        assert!(decision.warnings()[0].contains("defaults were not added"));
    }
}

#[test]
fn periodic_default_is_added_only_where_a_savepoint_dir_is_configured() {
    let policy = Policy {
        defaults: flink_savepoint::admission::Defaults {
            periodic_interval: Some("6 h".into()),
            ..Default::default()
        },
        ..Policy::default()
    };
    let with_dir = run(
        &shared("002-mutate-FlinkDeployment-CREATE-shared-session.json"),
        Phase::Mutate,
        SessionLookup::NotNeeded,
        &policy,
    );
    let ops = serde_json::to_value(with_dir.patch().expect("patch")).expect("json");
    assert!(
        ops.as_array().expect("ops").iter().any(|op| op["path"]
            == "/spec/flinkConfiguration/kubernetes.operator.periodic.savepoint.interval"
            && op["value"] == "6 h"),
        "{ops}"
    );
    let bare = run(
        &shared("028-mutate-FlinkDeployment-CREATE-bare-app.json"),
        Phase::Mutate,
        SessionLookup::NotNeeded,
        &policy,
    );
    let ops = serde_json::to_value(bare.patch().expect("patch")).expect("json");
    assert!(!ops.to_string().contains("periodic"), "{ops}");
    // orders-app already sets an interval: it is never replaced.
    let orders = run(
        &shared("000-mutate-FlinkDeployment-CREATE-orders-app.json"),
        Phase::Mutate,
        SessionLookup::NotNeeded,
        &policy,
    );
    assert!(
        !serde_json::to_value(orders.patch().expect("patch"))
            .expect("json")
            .to_string()
            .contains("periodic")
    );
}

#[test]
fn an_object_opt_out_marker_exempts_nothing_deletion_and_delete_operations_do() {
    let lookup = SessionLookup::Found(&session_cluster());
    let opted_out = variant("sessionjob-create-opted-out");
    let decision = validate(&opted_out, lookup);
    assert_eq!(denied(&decision).0, 403, "{decision:?}");
    assert!(
        decision
            .warnings()
            .iter()
            .any(|w| w.contains("does not exempt it")),
        "{decision:?}"
    );
    let self_service = Policy {
        opt_out: flink_savepoint::admission::OptOut {
            allow_object: true,
            ..Default::default()
        },
        ..Policy::default()
    };
    let refused = check_policy(&self_service).expect_err("self opt-out must be refused");
    assert_eq!(refused.key, "opt-out.allow-object");
    assert_eq!(
        validate(&variant("sessionjob-update-while-deleting"), lookup),
        Decision::allow()
    );
    for delete in [
        "018-validate-FlinkSessionJob-DELETE-rogue-job.json",
        "038-validate-FlinkStateSnapshot-DELETE-orders-app-manual-1.json",
    ] {
        assert_eq!(
            validate(&shared(delete), SessionLookup::Unknown),
            Decision::allow(),
            "{delete}"
        );
    }
}

#[test]
fn admin_exemptions_by_namespace_or_object_admit_unreviewed_and_are_checked() {
    use flink_savepoint::admission::{ExemptObject, Exemptions};
    let lookup = SessionLookup::Found(&session_cluster());
    let rogue = shared("007-validate-FlinkSessionJob-CREATE-rogue-job.json");
    let by = |exemptions: Exemptions| Policy {
        exemptions,
        ..Policy::default()
    };
    let namespace = by(Exemptions {
        namespaces: vec!["analytics".into()],
        ..Default::default()
    });
    assert_eq!(
        run(&rogue, Phase::Validate, lookup, &namespace),
        Decision::allow()
    );
    let object = |kind: &str, name: &str| {
        by(Exemptions {
            objects: vec![ExemptObject {
                kind: kind.into(),
                namespace: "analytics".into(),
                name: name.into(),
            }],
            ..Default::default()
        })
    };
    assert_eq!(
        run(
            &rogue,
            Phase::Validate,
            lookup,
            &object("FlinkSessionJob", "rogue-job")
        ),
        Decision::allow()
    );
    for other in [
        object("FlinkSessionJob", "another-job"),
        object("FlinkDeployment", "rogue-job"),
        by(Exemptions {
            namespaces: vec!["elsewhere".into()],
            ..Default::default()
        }),
    ] {
        assert_eq!(denied(&run(&rogue, Phase::Validate, lookup, &other)).0, 403);
    }
    let typo = object("FlinkSessionJobs", "rogue-job");
    assert_eq!(
        check_policy(&typo).expect_err("unknown kind").key,
        "exemptions.objects"
    );
}

#[test]
fn an_update_of_an_object_that_was_opted_out_grandfathers_nothing() {
    let lookup = SessionLookup::Found(&session_cluster());
    let tolerated = variant("sessionjob-update-unchanged-dir");
    assert!(
        validate(&tolerated, lookup).is_allowed(),
        "control: an unchanged directory is tolerated"
    );
    // The same UPDATE, but the old object was labelled opted-out (admitted unreviewed through the
    // old objectSelector) and the label is now removed.
    let mut was_opted_out = tolerated.clone();
    let old = was_opted_out.old_object.as_mut().expect("old object");
    old.metadata.labels = Some(
        [(
            flink_savepoint::admission::DEFAULT_OPT_OUT_KEY.to_owned(),
            flink_savepoint::admission::DEFAULT_OPT_OUT_VALUE.to_owned(),
        )]
        .into(),
    );
    let decision = validate(&was_opted_out, lookup);
    assert_eq!(denied(&decision).0, 403, "{decision:?}");
    assert!(
        decision
            .denial()
            .expect("denied")
            .contains("state.savepoints.dir"),
        "{decision:?}"
    );
}

#[test]
fn warn_mode_admits_violations_as_warnings() {
    let policy = Policy {
        enforcement: EnforcementMode::Warn,
        ..Policy::default()
    };
    let decision = run(
        &shared("007-validate-FlinkSessionJob-CREATE-rogue-job.json"),
        Phase::Validate,
        SessionLookup::Found(&session_cluster()),
        &policy,
    );
    assert!(decision.is_allowed());
    assert!(
        decision.warnings()[0].starts_with("policy violation (enforcement=warn)")
            && decision.warnings()[0].contains("state.savepoints.dir")
    );
}

#[test]
fn unsupported_kinds_are_allowed_with_a_warning_and_bad_config_shapes_are_invalid() {
    let cm = validate(
        &variant("configmap-create-unsupported-kind"),
        SessionLookup::NotNeeded,
    );
    assert!(cm.is_allowed() && cm.warnings()[0].contains("does not handle"));
    let shape = validate(
        &variant("sessionjob-create-flinkconfiguration-not-object"),
        SessionLookup::Unknown,
    );
    assert_eq!(denied(&shape).0, 422);
}

#[test]
fn responses_carry_uid_and_an_explicit_4xx_code() {
    let req = shared("007-validate-FlinkSessionJob-CREATE-rogue-job.json");
    let response = validate(&req, SessionLookup::Unknown)
        .into_response(&req)
        .expect("encodes");
    assert_eq!(response.uid, req.uid);
    assert!(!response.allowed);
    assert_eq!(response.result.code, 403);
    assert_eq!(response.result.reason, "Forbidden");
}

#[test]
fn lookup_need_names_the_session_cluster_or_the_session_job() {
    assert_eq!(
        lookup_need(&shared(
            "005-validate-FlinkSessionJob-CREATE-clicks-job.json"
        )),
        LookupNeed::SessionCluster {
            namespace: "analytics",
            name: "shared-session"
        }
    );
    assert_eq!(
        lookup_need(&variant("snapshot-create-other-path")),
        LookupNeed::SessionJobCluster {
            namespace: "analytics",
            job: "clicks-job"
        }
    );
    assert_eq!(
        lookup_need(&shared(
            "001-validate-FlinkDeployment-CREATE-orders-app.json"
        )),
        LookupNeed::None
    );
    assert_eq!(
        lookup_need(&shared(
            "018-validate-FlinkSessionJob-DELETE-rogue-job.json"
        )),
        LookupNeed::None
    );
}

#[test]
fn policies_with_invalid_defaults_are_refused() {
    assert_eq!(check_policy(&Policy::default()), Ok(()));
    let mut bad = Policy::default();
    bad.defaults.history_max_count = Some("0".into());
    assert!(check_policy(&bad).is_err());
    let mut bad = Policy::default();
    bad.defaults.periodic_interval = Some("hourly".into());
    assert!(
        check_policy(&bad)
            .unwrap_err()
            .to_string()
            .contains("periodic")
    );
}
