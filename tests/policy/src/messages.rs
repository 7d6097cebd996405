//! The webhook's messages, taken from the library itself: each message is produced by
//! `flink_savepoint` (a review of a synthetic request, a grammar error, `check_policy`) with
//! marker strings in place of the parts that vary, so that the CEL policy quotes exactly what the
//! webhook says. If the library changes a message, the generated YAML changes with it.

use flink_savepoint::admission::{
    DEFAULT_OPT_OUT_KEY, DEFAULT_OPT_OUT_VALUE, Decision, OptOut, Phase, Policy, ReviewContext,
    SessionLookup, check_policy, review,
};
use flink_savepoint::config::options::SAVEPOINT_DIR;
use flink_savepoint::grammar::{
    CronError, CronExpr, DurationError, DurationProblem, IntervalError, parse_int,
};
use kube::core::{
    DynamicObject,
    admission::{AdmissionRequest, AdmissionReview},
};
use serde_json::{Value, json};

/// Marker: `kind namespace/name` of the object.
pub const DISPLAY: &str = "\u{E000}D";
/// Marker: the configuration key spelling.
pub const KEY: &str = "\u{E000}K";
/// Marker: the configuration value text.
pub const VALUE: &str = "\u{E000}V";
/// Marker: the session cluster name.
pub const CLUSTER: &str = "\u{E000}C";
/// Marker: a problem description.
pub const PROBLEM: &str = "\u{E000}P";
/// Marker: a second problem description (cron part of an interval).
pub const PROBLEM2: &str = "\u{E000}Q";
/// Marker: a number.
pub const NUMBER: &str = "\u{E000}N";
/// Marker: the reasons a savepoint directory is needed.
pub const REASONS: &str = "\u{E000}R";

const NS: &str = "\u{E001}ns";
const NAME: &str = "\u{E001}name";
const CL: &str = "\u{E001}cluster";
const VAL: &str = "\u{E001}value";

/// Every message template the policy needs (markers as above).
#[derive(Debug, Clone)]
pub struct Messages {
    /// `flinkConfiguration` is not an object. Holes: DISPLAY.
    pub shape: String,
    /// Session job sets the savepoint dir. Holes: DISPLAY, KEY, VALUE, CLUSTER.
    pub dir_forbid: String,
    /// Session job keeps an unchanged savepoint dir. Holes: DISPLAY, KEY, VALUE, CLUSTER.
    pub dir_unchanged: String,
    /// Invalid value. Holes: DISPLAY, KEY, PROBLEM.
    pub value_invalid: String,
    /// Unchanged invalid value. Holes: DISPLAY, KEY, PROBLEM.
    pub value_unchanged: String,
    /// Savepoints needed but no directory. Holes: DISPLAY, REASONS.
    pub missing_dir: String,
    /// Invalid duration. Holes: VALUE, PROBLEM.
    pub duration: String,
    /// Duration problem texts.
    pub duration_problems: DurationProblems,
    /// Invalid integer for the count. Holes: VALUE, PROBLEM (the reason).
    pub count_not_int: String,
    /// `parse_int` reasons.
    pub int_reasons: IntReasons,
    /// Count below 1. Holes: VALUE, NUMBER.
    pub count_below_one: String,
    /// Invalid interval. Holes: VALUE, PROBLEM (duration problem), PROBLEM2 (cron message).
    pub interval: String,
    /// Cron messages the policy reproduces exactly.
    pub cron: CronMessages,
    /// The warning the webhook gives an object that carries the opt-out marker (label or
    /// annotation), appended after the rules' warnings; `None` when it gives none. Holes: DISPLAY.
    pub marker_warning: Option<String>,
    /// Whether an old object carrying the marker grandfathers nothing on UPDATE.
    pub marker_blocks_grandfathering: bool,
}

/// `DurationProblem` texts.
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub struct DurationProblems {
    pub empty: String,
    pub sign: String,
    pub decimal: String,
    pub iso8601: String,
    pub no_number: String,
    pub compound: String,
    /// Holes: VALUE (the unit).
    pub unknown_unit: String,
    pub overflow: String,
}

/// `parse_int` failure reasons.
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub struct IntReasons {
    pub empty: String,
    pub sign_only: String,
    pub whitespace: String,
    pub decimals: String,
    pub digits: String,
    pub range: String,
}

/// Cron messages (the `message` part, without field prefix).
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub struct CronMessages {
    pub empty: String,
    pub unix: String,
    /// Holes: NUMBER.
    pub too_few: String,
    /// Holes: NUMBER.
    pub too_many: String,
    pub both_any: String,
    pub neither_any: String,
}

fn request(
    kind: &str,
    operation: &str,
    spec: Value,
    old_spec: Option<Value>,
) -> AdmissionRequest<DynamicObject> {
    let resource = match kind {
        "FlinkDeployment" => "flinkdeployments",
        _ => "flinksessionjobs",
    };
    let object = |spec: Value| {
        json!({
            "apiVersion": "flink.apache.org/v1beta1", "kind": kind,
            "metadata": {"name": NAME, "namespace": NS}, "spec": spec
        })
    };
    let review: AdmissionReview<DynamicObject> = serde_json::from_value(json!({
        "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
        "request": {
            "uid": "00000000-0000-4000-8000-00000000e000",
            "kind": {"group": "flink.apache.org", "version": "v1beta1", "kind": kind},
            "resource": {"group": "flink.apache.org", "version": "v1beta1", "resource": resource},
            "name": NAME, "namespace": NS, "operation": operation,
            "userInfo": {"username": "generator"},
            "object": object(spec),
            "oldObject": old_spec.map(object),
            "dryRun": true,
        }
    }))
    .expect("synthetic AdmissionReview");
    review.try_into().expect("synthetic request")
}

/// Puts the opt-out marker into `labels` or `annotations` of the object or the old object.
fn mark(req: &mut AdmissionRequest<DynamicObject>, old: bool, annotation: bool) {
    let obj = if old {
        req.old_object.as_mut()
    } else {
        req.object.as_mut()
    }
    .expect("object to mark");
    let map = if annotation {
        &mut obj.metadata.annotations
    } else {
        &mut obj.metadata.labels
    };
    map.get_or_insert_with(Default::default)
        .insert(DEFAULT_OPT_OUT_KEY.into(), DEFAULT_OPT_OUT_VALUE.into());
}

/// The policy the CEL install mirrors: exemptions only through namespace labels.
pub fn mirrored_policy() -> Policy {
    Policy {
        opt_out: OptOut {
            allow_object: false,
            ..OptOut::default()
        },
        ..Policy::default()
    }
}

fn validate(req: &AdmissionRequest<DynamicObject>) -> Decision {
    review(
        req,
        &ReviewContext {
            phase: Phase::Validate,
            policy: &mirrored_policy(),
            session_cluster: SessionLookup::NotFound,
        },
    )
}

fn denial(req: &AdmissionRequest<DynamicObject>) -> String {
    validate(req)
        .denial()
        .unwrap_or_else(|| panic!("synthetic request must be denied: {req:?}"))
        .to_owned()
}

fn only_warning(req: &AdmissionRequest<DynamicObject>) -> String {
    let decision = validate(req);
    assert!(decision.is_allowed(), "{decision:?}");
    match decision.warnings() {
        [one] => one.clone(),
        other => panic!("expected one warning, got {other:?}"),
    }
}

/// Replaces every `(from, to)` in order, requiring each `from` to occur.
fn holes(text: &str, replacements: &[(&str, &str)]) -> String {
    let mut out = text.to_owned();
    for (from, to) in replacements {
        assert!(out.contains(from), "{from:?} not in {out:?}");
        out = out.replace(from, to);
    }
    out
}

fn display(kind: &str) -> String {
    format!("{kind} {NS}/{NAME}")
}

fn policy_problem(edit: impl FnOnce(&mut Policy)) -> String {
    let mut policy = Policy::default();
    edit(&mut policy);
    check_policy(&policy)
        .expect_err("an invalid default is refused")
        .problem
}

fn cron_message(text: &str) -> String {
    CronExpr::parse(text)
        .expect_err("invalid cron sample")
        .message
}

fn duration_problem(problem: DurationProblem) -> String {
    DurationError {
        input: String::new(),
        problem,
    }
    .problem_text()
}

fn int_reason(text: &str) -> String {
    parse_int(text)
        .expect_err("invalid int sample")
        .reason
        .to_owned()
}

impl Messages {
    /// Collects every template from the library.
    pub fn collect() -> Self {
        let dir_key = SAVEPOINT_DIR.deprecated_keys[0];
        let count_key = "kubernetes.operator.savepoint.history.max.count";
        let job_spec =
            |value: &str| json!({"deploymentName": CL, "flinkConfiguration": {dir_key: value}});
        let job = display("FlinkSessionJob");
        let dir_holes = [
            (job.as_str(), DISPLAY),
            (VAL, VALUE),
            (CL, CLUSTER),
            (dir_key, KEY),
        ];
        let dir_forbid = holes(
            &denial(&request("FlinkSessionJob", "CREATE", job_spec(VAL), None)),
            &dir_holes,
        );
        let dir_unchanged = holes(
            &only_warning(&request(
                "FlinkSessionJob",
                "UPDATE",
                job_spec(VAL),
                Some(job_spec(VAL)),
            )),
            &dir_holes,
        );

        let deployment = display("FlinkDeployment");
        let shape = holes(
            &denial(&request(
                "FlinkDeployment",
                "CREATE",
                json!({"flinkConfiguration": VAL}),
                None,
            )),
            &[(deployment.as_str(), DISPLAY)],
        );

        let count_problem = policy_problem(|p| p.defaults.history_max_count = Some(VAL.into()));
        let count_spec = json!({"flinkConfiguration": {count_key: VAL}});
        let value_holes = [
            (deployment.as_str(), DISPLAY),
            (count_problem.as_str(), PROBLEM),
            (count_key, KEY),
        ];
        let value_invalid = holes(
            &denial(&request(
                "FlinkDeployment",
                "CREATE",
                count_spec.clone(),
                None,
            )),
            &value_holes,
        );
        let value_unchanged = holes(
            &only_warning(&request(
                "FlinkDeployment",
                "UPDATE",
                count_spec.clone(),
                Some(count_spec),
            )),
            &value_holes,
        );
        let digits_reason = int_reason(VAL);
        let count_not_int = holes(
            &count_problem,
            &[(VAL, VALUE), (digits_reason.as_str(), PROBLEM)],
        );
        let count_below_one = holes(
            &policy_problem(|p| p.defaults.history_max_count = Some("-0700".into())),
            &[("-0700", VALUE), ("-700", NUMBER)],
        );

        let reason = "upgradeMode: savepoint";
        let missing_dir = holes(
            &only_warning(&request(
                "FlinkDeployment",
                "CREATE",
                json!({"job": {"upgradeMode": "savepoint"}}),
                None,
            )),
            &[(deployment.as_str(), DISPLAY), (reason, REASONS)],
        );

        let no_number = duration_problem(DurationProblem::NoNumber);
        let duration = holes(
            &policy_problem(|p| p.defaults.history_max_age = Some(VAL.into())),
            &[(VAL, VALUE), (no_number.as_str(), PROBLEM)],
        );
        let one_field = cron_message(VAL);
        let interval_text = IntervalError {
            input: VAL.into(),
            duration: Box::new(DurationError {
                input: VAL.into(),
                problem: DurationProblem::NoNumber,
            }),
            cron: Box::new(CronError {
                input: VAL.into(),
                field: None,
                message: one_field.clone(),
            }),
        }
        .to_string();
        assert_eq!(
            interval_text,
            policy_problem(|p| p.defaults.periodic_interval = Some(VAL.into())),
            "the interval error shape is what check_policy reports"
        );
        let interval = holes(
            &interval_text,
            &[
                (VAL, VALUE),
                (no_number.as_str(), PROBLEM),
                (one_field.as_str(), PROBLEM2),
            ],
        );

        // The object-marker behaviour of the webhook (it exempts nothing; it may warn, and an
        // old object carrying it may grandfather nothing): probed, so the policy follows.
        let marker_warnings: Vec<Vec<String>> = [false, true]
            .into_iter()
            .map(|annotation| {
                let mut req = request("FlinkDeployment", "CREATE", json!({}), None);
                mark(&mut req, false, annotation);
                let decision = validate(&req);
                assert!(
                    decision.is_allowed(),
                    "a marker alone is no violation: {decision:?}"
                );
                decision.warnings().to_vec()
            })
            .collect();
        assert_eq!(
            marker_warnings[0], marker_warnings[1],
            "the marker as label and as annotation must be treated alike"
        );
        let marker_warning = match marker_warnings[0].as_slice() {
            [] => None,
            [one] => Some(holes(one, &[(deployment.as_str(), DISPLAY)])),
            more => panic!("expected at most one marker warning, got {more:?}"),
        };
        let grandfathering: Vec<bool> = [false, true]
            .into_iter()
            .map(|annotation| {
                let spec = json!({"flinkConfiguration": {count_key: VAL}});
                let mut req = request("FlinkDeployment", "UPDATE", spec.clone(), Some(spec));
                mark(&mut req, true, annotation);
                validate(&req).denial().is_some()
            })
            .collect();
        assert_eq!(
            grandfathering[0], grandfathering[1],
            "label and annotation alike"
        );

        Self {
            marker_warning,
            marker_blocks_grandfathering: grandfathering[0],
            shape,
            dir_forbid,
            dir_unchanged,
            value_invalid,
            value_unchanged,
            missing_dir,
            duration,
            duration_problems: DurationProblems {
                empty: duration_problem(DurationProblem::Empty),
                sign: duration_problem(DurationProblem::Sign),
                decimal: duration_problem(DurationProblem::Decimal),
                iso8601: duration_problem(DurationProblem::Iso8601),
                no_number,
                compound: duration_problem(DurationProblem::Compound),
                unknown_unit: holes(
                    &duration_problem(DurationProblem::UnknownUnit(VAL.into())),
                    &[(VAL, VALUE)],
                ),
                overflow: duration_problem(DurationProblem::Overflow),
            },
            count_not_int,
            int_reasons: IntReasons {
                empty: int_reason(""),
                sign_only: int_reason("+"),
                whitespace: int_reason(" 5"),
                decimals: int_reason("1.5"),
                digits: digits_reason,
                range: int_reason("99999999999"),
            },
            count_below_one,
            interval,
            cron: CronMessages {
                empty: cron_message(""),
                unix: cron_message("0 0 * * *"),
                too_few: holes(&cron_message("0 0 0"), &[("3", NUMBER)]),
                too_many: holes(&cron_message("0 0 0 ? * * 2030 9"), &[("8", NUMBER)]),
                both_any: cron_message("0 0 0 ? * ?"),
                neither_any: cron_message("0 0 0 1 * 1"),
            },
        }
    }
}
