//! Builds the ValidatingAdmissionPolicies and the MutatingAdmissionPolicy of `manifests/policy`.

use std::collections::BTreeSet;

use flink_savepoint::admission::{DEFAULT_OPT_OUT_KEY, DEFAULT_OPT_OUT_VALUE, Defaults};
use flink_savepoint::config::ConfigOption;
use flink_savepoint::config::options::{
    HISTORY_MAX_AGE, HISTORY_MAX_COUNT, PERIODIC_SAVEPOINT_INTERVAL, SAVEPOINT_DIR,
};
use serde_json::{Value, json};

use crate::cel::{ident, list, lit, raw, template};
use crate::messages::{CLUSTER, DISPLAY, KEY, Messages, NUMBER, PROBLEM, PROBLEM2, REASONS, VALUE};

/// Name of the denying ValidatingAdmissionPolicy and its binding.
pub const VALIDATING: &str = "flink-savepoint";
/// Name of the warning ValidatingAdmissionPolicy (unchanged values, missing directory) and its binding.
pub const WARNINGS: &str = "flink-savepoint-warnings";
/// Name of the MutatingAdmissionPolicy (retention defaults) and its binding.
pub const MUTATING: &str = "flink-savepoint-defaults";

/// Static message of the 403 validation, sent when the `messageExpression` result is unusable
/// (the API server drops results over 5 KiB).
pub const FORBIDDEN_MESSAGE: &str = "a FlinkSessionJob must not set the savepoint directory";
/// Static message of the 422 validation (same fallback).
pub const INVALID_MESSAGE: &str = "invalid savepoint retention or schedule value";

/// Java `String#trim` class (every char <= U+0020).
const JAVA_TRIM: &str = r"\x00-\x20";
/// Rust `char::is_whitespace` (Unicode White_Space), as used by `str::trim` / `split_whitespace`.
const WHITESPACE: &str =
    r"\t\n\x0B\x0C\r \x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}";

/// Flink duration unit labels (lower case) and the largest count that stays within Java's
/// `Duration` (2^63-1 seconds); `None` = any count that fits a Java `long`.
const UNITS: &[(&[&str], Option<i64>)] = &[
    (&["d", "day", "days"], Some(i64::MAX / 86_400)),
    (&["h", "hour", "hours"], Some(i64::MAX / 3_600)),
    (&["min", "m", "minute", "minutes"], Some(i64::MAX / 60)),
    (&["s", "sec", "secs", "second", "seconds"], None),
    (
        &["ms", "milli", "millis", "millisecond", "milliseconds"],
        None,
    ),
    (
        &["µs", "micro", "micros", "microsecond", "microseconds"],
        None,
    ),
    (&["ns", "nano", "nanos", "nanosecond", "nanoseconds"], None),
];

/// Named CEL variables, in dependency order.
#[derive(Default)]
struct Vars {
    list: Vec<(String, String)>,
    names: BTreeSet<String>,
}

impl Vars {
    fn add(&mut self, name: &str, expression: impl Into<String>) -> String {
        assert!(
            self.names.insert(name.to_owned()),
            "duplicate variable {name}"
        );
        self.list.push((name.to_owned(), expression.into()));
        format!("variables.{name}")
    }

    fn has(&self, name: &str) -> bool {
        self.names.contains(name)
    }

    /// The maps of `root` reached by the flattened key `segments.join(".")`: every way of
    /// splitting the key into nested map keys (flat, nested, mixed), shared between keys.
    fn nodes(&mut self, root: &str, tag: &str, segments: &[&str]) -> String {
        if segments.is_empty() {
            return format!("[{root}]");
        }
        let name = ident(&format!("{tag}_at_"), &segments.join("."));
        if !self.has(&name) {
            let terms: Vec<String> = (0..segments.len())
                .map(|split| {
                    let base = self.nodes(root, tag, &segments[..split]);
                    let key = lit(&segments[split..].join("."));
                    format!(
                        "{base}.filter(m, {key} in m && type(m[{key}]) == map).map(m, m[{key}])"
                    )
                })
                .collect();
            self.add(&name, terms.join("\n+ "));
        }
        format!("variables.{name}")
    }

    /// The texts (Jackson `asText`, as the operator flattens) stored under the flattened `key`
    /// in `root`, under any nesting; at most one in practice.
    fn texts(&mut self, root: &str, tag: &str, key: &str) -> String {
        let name = ident(&format!("{tag}_"), key);
        if !self.has(&name) {
            let segments: Vec<&str> = key.split('.').collect();
            let terms: Vec<String> = (0..segments.len())
                .map(|split| {
                    let base = self.nodes(root, tag, &segments[..split]);
                    let rest = lit(&segments[split..].join("."));
                    format!(
                        "{base}.filter(m, {rest} in m && type(m[{rest}]) != map).map(m, m[{rest}])"
                    )
                })
                .collect();
            self.add(
                &name,
                format!("({}).map(x, {})", terms.join("\n+ "), text_of("x", "e")),
            );
        }
        format!("variables.{name}")
    }
}

/// Jackson `asText()` of a flattened leaf: arrays become `;`-joined element texts.
fn text_of(x: &str, e: &str) -> String {
    let scalar = |v: &str| {
        format!(
            "type({v}) == string ? {v} : type({v}) == bool ? ({v} ? \"true\" : \"false\") : \
             type({v}) == null_type ? \"null\" : type({v}) == list || type({v}) == map ? \"\" : string({v})"
        )
    };
    format!(
        "type({x}) == list ? {x}.map({e}, {}).join(\";\") : {}",
        scalar(e),
        scalar(x)
    )
}

fn first(texts: &str) -> String {
    format!("size({texts}) > 0 ? {texts}[0] : \"\"")
}

/// Variables `<p>_t`, `<p>_num`, `<p>_rest`, `<p>_label`, `<p>_nz`, `<p>_problem` parsing the
/// text `source` like Flink's `TimeUtils.parseDuration`; `<p>_problem` is "" when valid.
fn duration(vars: &mut Vars, m: &Messages, p: &str, source: &str) -> String {
    let trim = raw(&format!("(?s)[^{JAVA_TRIM}](?:.*[^{JAVA_TRIM}])?"));
    let t = vars.add(&format!("{p}_t"), format!("{source}.find({trim})"));
    let num = vars.add(&format!("{p}_num"), format!("{t}.find(r\"^[0-9]+\")"));
    let rest = vars.add(&format!("{p}_rest"), format!("{t}.substring(size({num}))"));
    let label = vars.add(
        &format!("{p}_label"),
        format!("{rest}.find({trim}).lowerAscii()"),
    );
    let nz = vars.add(&format!("{p}_nz"), format!("{num}.find(r\"[1-9][0-9]*\")"));
    let d = &m.duration_problems;
    let all_units: Vec<&str> = std::iter::once("")
        .chain(UNITS.iter().flat_map(|(labels, _)| labels.iter().copied()))
        .collect();
    let mut overflow = format!(
        "size({nz}) > 19 || (size({nz}) == 19 && {nz} > \"{}\")",
        i64::MAX
    );
    for (labels, limit) in UNITS {
        if let Some(limit) = limit {
            overflow.push_str(&format!(
                "\n  || ({label} in {} && int({nz} == \"\" ? \"0\" : {nz}) > {limit})",
                list(labels)
            ));
        }
    }
    let unknown = template(&d.unknown_unit, &[(VALUE, &format!("{rest}.find({trim})"))]);
    vars.add(
        &format!("{p}_problem"),
        format!(
            "{t} == \"\" ? {empty}\n\
             : {num} == \"\" ? ({t}.startsWith(\"+\") || {t}.startsWith(\"-\") ? {sign} : {t}.startsWith(\".\") ? {decimal} \
             : {t}.startsWith(\"P\") || {t}.startsWith(\"p\") ? {iso} : {no_number})\n\
             : !({label} in {units}) ? ({rest}.startsWith(\".\") || {rest}.startsWith(\",\") ? {decimal} \
             : {label}.matches(r\"[0-9]\") ? {compound} : {unknown})\n\
             : {overflow} ? {overflow_msg}\n\
             : \"\"",
            empty = lit(&d.empty),
            sign = lit(&d.sign),
            decimal = lit(&d.decimal),
            iso = lit(&d.iso8601),
            no_number = lit(&d.no_number),
            units = list(&all_units),
            compound = lit(&d.compound),
            overflow_msg = lit(&d.overflow),
        ),
    )
}

/// Per-field RE2 patterns of the Quartz cron grammar (upper-cased input), field by field.
fn cron_fields() -> Vec<(&'static str, String)> {
    let set = |v: &str, s: &str| {
        let item = format!("(?:\\*|(?:{v})(?:-(?:{v}))?)(?:/(?:{s}))?|/(?:{s})");
        format!("(?:{item})(?:,(?:{item}))*")
    };
    let whole = |body: String| format!("^(?:{body})$");
    let sixty = ("0*[1-5]?[0-9]", "0*(?:[1-9]|[1-5][0-9])");
    let dom = "0*(?:[1-9]|[12][0-9]|3[01])";
    let months = "JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC";
    let weekdays = "SUN|MON|TUE|WED|THU|FRI|SAT";
    let dow = format!("0*[1-7]|{weekdays}");
    let year_step = "0*(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])";
    vec![
        ("seconds", whole(set(sixty.0, sixty.1))),
        ("minutes", whole(set(sixty.0, sixty.1))),
        (
            "hours",
            whole(set("0*(?:1?[0-9]|2[0-3])", "0*(?:[1-9]|1[0-9]|2[0-3])")),
        ),
        (
            "day-of-month",
            whole(format!(
                "\\?|L|LW|L-0*(?:[12]?[0-9]|30)W?|{dom}W|{}",
                set(dom, dom)
            )),
        ),
        (
            "month",
            whole(set(
                &format!("0*(?:[1-9]|1[0-2])|{months}"),
                "0*(?:[1-9]|1[0-2])",
            )),
        ),
        (
            "day-of-week",
            whole(format!(
                "\\?|L|(?:{dow})L|(?:{dow})#0*[1-5]|{}",
                set(&dow, "0*[1-7]")
            )),
        ),
        (
            "year",
            whole(set("0*(?:19[7-9][0-9]|2[01][0-9]{2})", year_step)),
        ),
    ]
}

/// `<p>_fields`, `<p>_cron`: the Quartz cron message for `source` ("" when valid). Field-count and
/// `?` messages are the webhook's; a bad field gets a generic message (see the README).
fn cron(vars: &mut Vars, m: &Messages, p: &str, source: &str) -> String {
    let f = vars.add(
        &format!("{p}_fields"),
        format!(
            "{source}.upperAscii().findAll({})",
            raw(&format!("[^{WHITESPACE}]+"))
        ),
    );
    let c = &m.cron;
    let mut expr = format!(
        "size({f}) == 0 ? {empty}\n: size({f}) == 5 ? {unix}\n: size({f}) < 6 ? {few}\n: size({f}) > 7 ? {many}",
        empty = lit(&c.empty),
        unix = lit(&c.unix),
        few = template(&c.too_few, &[(NUMBER, &format!("string(size({f}))"))]),
        many = template(&c.too_many, &[(NUMBER, &format!("string(size({f}))"))]),
    );
    for (index, (name, pattern)) in cron_fields().into_iter().enumerate() {
        let field = format!("{f}[{index}]");
        let mut bad = format!("!{field}.matches({})", raw(&pattern));
        if name == "year" {
            bad = format!(
                "size({f}) == 7 && ({bad} || !{field}.findAll(r\"[0-9]+-[0-9]+\").all(r, \
                 int(r.split(\"-\")[0].find(r\"[1-9][0-9]*\")) <= int(r.split(\"-\")[1].find(r\"[1-9][0-9]*\"))))"
            );
        }
        expr.push_str(&format!(
            "\n: {bad} ? {}",
            template(
                &format!(
                    "field {} ({name}): \"{VALUE}\" is not valid here",
                    index + 1
                ),
                &[(VALUE, &field)]
            )
        ));
    }
    expr.push_str(&format!(
        "\n: {f}[3] == \"?\" && {f}[5] == \"?\" ? {both}\n: {f}[3] != \"?\" && {f}[5] != \"?\" ? {neither}\n: \"\"",
        both = lit(&c.both_any),
        neither = lit(&c.neither_any),
    ));
    vars.add(&format!("{p}_cron"), expr)
}

/// The three value checks: `(option, text variable, old text variable, problem variable)`.
struct Checked {
    option: ConfigOption,
    text: String,
    old: String,
    problem: String,
}

/// Everything the validating policies share.
struct Validation {
    vars: Vars,
    forbidden: String,
    invalid: String,
    warnings: String,
    max_warnings: usize,
}

fn unchanged(text: &str, old: &str, blocked_by_marker: bool) -> String {
    let marker = if blocked_by_marker {
        " && !variables.oldMarker"
    } else {
        ""
    };
    format!("size({old}) > 0 && {old}[0] == {text}[0]{marker}")
}

/// Whether `obj` carries the opt-out marker as a label or an annotation.
fn marker(obj: &str) -> String {
    let key = lit(DEFAULT_OPT_OUT_KEY);
    let value = lit(DEFAULT_OPT_OUT_VALUE);
    let has = |field: &str| {
        format!(
            "(has({obj}.metadata.{field}) && {key} in {obj}.metadata.{field} && {obj}.metadata.{field}[{key}] == {value})"
        )
    };
    format!("{} || {}", has("labels"), has("annotations"))
}

fn common(vars: &mut Vars) {
    vars.add("isJob", "request.kind.kind == \"FlinkSessionJob\"");
    vars.add(
        "shape",
        "!has(object.spec) || !has(object.spec.flinkConfiguration) ? \"absent\"\n\
         : type(object.spec.flinkConfiguration) == map ? \"object\" : \"invalid\"",
    );
    vars.add(
        "cfg",
        "variables.shape == \"object\" ? object.spec.flinkConfiguration : {}",
    );
}

fn validation(m: &Messages) -> Validation {
    let mut vars = Vars::default();
    common(&mut vars);
    vars.add(
        "oldCfg",
        "request.operation == \"UPDATE\" && has(oldObject.spec) && has(oldObject.spec.flinkConfiguration)\n\
         && type(oldObject.spec.flinkConfiguration) == map ? oldObject.spec.flinkConfiguration : {}",
    );
    let display = vars.add(
        "display",
        "request.kind.kind + \" \" + request.namespace + \"/\"\n\
         + (has(object.metadata.name) && object.metadata.name != \"\" ? object.metadata.name\n\
         : has(object.metadata.generateName) ? object.metadata.generateName : request.name)",
    );
    if m.marker_blocks_grandfathering {
        vars.add(
            "oldMarker",
            format!(
                "request.operation == \"UPDATE\" && ({})",
                marker("oldObject")
            ),
        );
    }
    let cluster = vars.add(
        "cluster",
        "has(object.spec) && has(object.spec.deploymentName) && object.spec.deploymentName != \"\"\n\
         ? object.spec.deploymentName : \"<spec.deploymentName unset>\"",
    );

    // Rule: a session job must not set the savepoint directory (any spelling, any nesting).
    let mut dir_forbid = Vec::new();
    let mut dir_warn = Vec::new();
    let mut dir_texts = Vec::new();
    for key in SAVEPOINT_DIR.spellings() {
        let text = vars.texts("variables.cfg", "v", key);
        let old = vars.texts("variables.oldCfg", "old", key);
        let holes = [
            (DISPLAY, display.as_str()),
            (KEY, &lit(key)),
            (VALUE, &format!("{text}[0]")),
            (CLUSTER, cluster.as_str()),
        ];
        let same = unchanged(&text, &old, m.marker_blocks_grandfathering);
        dir_forbid.push(format!(
            "(variables.isJob && size({text}) > 0 && !({same}) ? [{}] : [])",
            template(&m.dir_forbid, &holes)
        ));
        dir_warn.push(format!(
            "(variables.isJob && size({text}) > 0 && ({same}) ? [{}] : [])",
            template(&m.dir_unchanged, &holes)
        ));
        dir_texts.push(text);
    }

    // Rule: retention and schedule values must parse like the operator reads them.
    let mut checked = Vec::new();
    for (option, p) in [
        (HISTORY_MAX_AGE, "age"),
        (HISTORY_MAX_COUNT, "count"),
        (PERIODIC_SAVEPOINT_INTERVAL, "interval"),
    ] {
        assert!(
            option.deprecated_keys.is_empty(),
            "{}: the generator assumes a single spelling",
            option.key
        );
        let text = vars.texts("variables.cfg", "v", option.key);
        let old = vars.texts("variables.oldCfg", "old", option.key);
        let s = vars.add(&format!("{p}_s"), first(&text));
        let problem = match p {
            "age" => {
                let problem = duration(&mut vars, m, "age", &s);
                vars.add(
                    "age_message",
                    format!(
                        "{problem} == \"\" ? \"\" : {}",
                        template(&m.duration, &[(VALUE, &s), (PROBLEM, &problem)])
                    ),
                )
            }
            "count" => count(&mut vars, m, &s),
            _ => interval(&mut vars, m, &s, &text),
        };
        checked.push(Checked {
            option,
            text,
            old,
            problem,
        });
    }
    let mut value_invalid = Vec::new();
    let mut value_warn = Vec::new();
    for c in &checked {
        let holes = [
            (DISPLAY, display.as_str()),
            (KEY, &lit(c.option.key)),
            (PROBLEM, c.problem.as_str()),
        ];
        let bad = format!("size({}) > 0 && {} != \"\"", c.text, c.problem);
        let same = unchanged(&c.text, &c.old, m.marker_blocks_grandfathering);
        value_invalid.push(format!(
            "({bad} && !({same}) ? [{}] : [])",
            template(&m.value_invalid, &holes)
        ));
        value_warn.push(format!(
            "({bad} && ({same}) ? [{}] : [])",
            template(&m.value_unchanged, &holes)
        ));
    }

    // Warning: a FlinkDeployment that needs savepoints but configures no directory.
    let no_dir = dir_texts
        .iter()
        .map(|t| format!("size({t}) == 0"))
        .collect::<Vec<_>>()
        .join(" && ");
    let reasons = vars.add(
        "dirReasons",
        "(has(object.spec) && has(object.spec.job) && has(object.spec.job.upgradeMode)\n\
         && object.spec.job.upgradeMode == \"savepoint\" ? [\"upgradeMode: savepoint\"] : [])\n\
         + (variables.interval_schedules ? [\"periodic savepoints\"] : [])\n\
         + (has(object.spec) && has(object.spec.job) && has(object.spec.job.savepointTriggerNonce)\n\
         ? [\"savepointTriggerNonce\"] : [])",
    );
    let missing = format!(
        "(!variables.isJob && size({reasons}) > 0 && {no_dir} ? [{}] : [])",
        template(
            &m.missing_dir,
            &[
                (DISPLAY, &display),
                (REASONS, &format!("{reasons}.join(\" and \")"))
            ]
        )
    );

    let forbidden = vars.add(
        "forbidden",
        format!(
            "variables.shape == \"invalid\" ? [] :\n{}",
            dir_forbid.join("\n+ ")
        ),
    );
    let invalid = vars.add(
        "invalid",
        format!(
            "variables.shape == \"invalid\" ? [{}] :\n{}",
            template(&m.shape, &[(DISPLAY, &display)]),
            value_invalid.join("\n+ ")
        ),
    );
    let marker_warning = m
        .marker_warning
        .as_ref()
        .map(|w| {
            format!(
                "\n+ ({} ? [{}] : [])",
                marker("object"),
                template(w, &[(DISPLAY, &display)])
            )
        })
        .unwrap_or_default();
    let max_warnings =
        dir_warn.len() + value_warn.len() + 1 + usize::from(m.marker_warning.is_some());
    let warnings = vars.add(
        "warnings",
        format!(
            "(variables.shape == \"invalid\" ? [] :\n{}\n+ {}\n+ {missing}){marker_warning}",
            dir_warn.join("\n+ "),
            value_warn.join("\n+ ")
        ),
    );
    Validation {
        vars,
        forbidden,
        invalid,
        warnings,
        max_warnings,
    }
}

/// `count_problem`: Java `Integer.parseInt` then `>= 1`, with the webhook's messages.
fn count(vars: &mut Vars, m: &Messages, s: &str) -> String {
    let d = vars.add(
        "count_digits",
        format!("{s}.startsWith(\"+\") || {s}.startsWith(\"-\") ? {s}.substring(1) : {s}"),
    );
    let nz = vars.add("count_nz", format!("{d}.find(r\"[1-9][0-9]*\")"));
    let r = &m.int_reasons;
    let edge = raw(&format!("^[{WHITESPACE}]|[{WHITESPACE}]$"));
    let reason = vars.add(
        "count_reason",
        format!(
            "{s} == \"\" ? {empty}\n: {d} == \"\" ? {sign}\n: {s}.matches({edge}) ? {ws}\n\
             : !{d}.matches(r\"^[0-9]+$\") ? ({d}.contains(\".\") ? {decimals} : {digits})\n\
             : size({nz}) > 10 || int({nz} == \"\" ? \"0\" : {nz}) > ({s}.startsWith(\"-\") ? 2147483648 : 2147483647) ? {range}\n\
             : \"\"",
            empty = lit(&r.empty),
            sign = lit(&r.sign_only),
            ws = lit(&r.whitespace),
            decimals = lit(&r.decimals),
            digits = lit(&r.digits),
            range = lit(&r.range),
        ),
    );
    let n = vars.add(
        "count_n",
        format!("({s}.startsWith(\"-\") ? -1 : 1) * int({nz} == \"\" ? \"0\" : {nz})"),
    );
    vars.add(
        "count_message",
        format!(
            "{reason} != \"\" ? {}\n: {n} < 1 ? {}\n: \"\"",
            template(&m.count_not_int, &[(VALUE, s), (PROBLEM, &reason)]),
            template(
                &m.count_below_one,
                &[(VALUE, s), (NUMBER, &format!("string({n})"))]
            ),
        ),
    )
}

/// `interval_message` (periodic interval: blank, duration or Quartz cron) and
/// `interval_schedules` (it schedules savepoints).
fn interval(vars: &mut Vars, m: &Messages, s: &str, text: &str) -> String {
    let blank = vars.add(
        "interval_blank",
        format!("{s}.matches({})", raw(&format!("^[{WHITESPACE}]*$"))),
    );
    let problem = duration(vars, m, "interval_d", s);
    let cron = cron(vars, m, "interval", s);
    vars.add(
        "interval_schedules",
        format!(
            "size({text}) > 0 && !{blank}\n\
             && (({problem} == \"\" && !variables.interval_d_num.matches(r\"^0+$\")) || ({problem} != \"\" && {cron} == \"\"))"
        ),
    );
    vars.add(
        "interval_message",
        format!(
            "{blank} || {problem} == \"\" || {cron} == \"\" ? \"\" : {}",
            template(
                &m.interval,
                &[(VALUE, s), (PROBLEM, &problem), (PROBLEM2, &cron)]
            )
        ),
    )
}

fn variables_json(vars: &Vars) -> Value {
    Value::Array(
        vars.list
            .iter()
            .map(|(name, expression)| json!({"name": name, "expression": expression}))
            .collect(),
    )
}

fn labels() -> Value {
    json!({
        "app.kubernetes.io/name": "savepoint-policy",
        "app.kubernetes.io/part-of": "flink-savepoint",
    })
}

/// The admin-controlled exemption (namespace label, like the webhook configurations).
fn namespace_selector() -> Value {
    json!({
        "matchExpressions": [
            {"key": "kubernetes.io/metadata.name", "operator": "NotIn",
             "values": ["kube-system", "flink-savepoint-system"]},
            {"key": DEFAULT_OPT_OUT_KEY, "operator": "NotIn", "values": [DEFAULT_OPT_OUT_VALUE]},
        ]
    })
}

fn match_constraints(resources: &[&str]) -> Value {
    json!({
        "resourceRules": [{
            "apiGroups": ["flink.apache.org"],
            "apiVersions": ["*"],
            "resources": resources,
            "operations": ["CREATE", "UPDATE"],
        }],
        "matchPolicy": "Equivalent",
    })
}

fn not_deleting() -> Value {
    json!([{"name": "not-being-deleted", "expression": "!has(object.metadata.deletionTimestamp)"}])
}

fn binding(kind: &str, name: &str, actions: Option<&[&str]>) -> Value {
    let mut spec = json!({
        "policyName": name,
        "matchResources": {"namespaceSelector": namespace_selector()},
    });
    if let Some(actions) = actions {
        spec["validationActions"] = json!(actions);
    }
    json!({
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": kind,
        "metadata": {"name": name, "labels": labels()},
        "spec": spec,
    })
}

fn validating_docs(m: &Messages) -> Vec<Value> {
    let v = validation(m);
    let vars = variables_json(&v.vars);
    let deny = json!({
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingAdmissionPolicy",
        "metadata": {"name": VALIDATING, "labels": labels()},
        "spec": {
            "failurePolicy": "Fail",
            "matchConstraints": match_constraints(&["flinkdeployments", "flinksessionjobs"]),
            "matchConditions": not_deleting(),
            "variables": vars.clone(),
            "validations": [
                {
                    "expression": format!("size({}) == 0", v.forbidden),
                    "messageExpression": format!("({} + {}).join(\"; \")", v.forbidden, v.invalid),
                    "message": FORBIDDEN_MESSAGE,
                    "reason": "Forbidden",
                },
                {
                    "expression": format!("size({}) > 0 || size({}) == 0", v.forbidden, v.invalid),
                    "messageExpression": format!("{}.join(\"; \")", v.invalid),
                    "message": INVALID_MESSAGE,
                    "reason": "Invalid",
                },
            ],
        },
    });
    let slots: Vec<Value> = (0..v.max_warnings)
        .map(|i| {
            json!({
                "expression": format!("size({}) <= {i}", v.warnings),
                "messageExpression": format!("{}[{i}]", v.warnings),
                "message": "savepoint policy warning",
            })
        })
        .collect();
    let warn = json!({
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingAdmissionPolicy",
        "metadata": {"name": WARNINGS, "labels": labels()},
        "spec": {
            "failurePolicy": "Ignore",
            "matchConstraints": match_constraints(&["flinkdeployments", "flinksessionjobs"]),
            "matchConditions": not_deleting(),
            "variables": vars,
            "validations": slots,
        },
    });
    vec![
        deny,
        binding(
            "ValidatingAdmissionPolicyBinding",
            VALIDATING,
            Some(&["Deny"]),
        ),
        warn,
        binding(
            "ValidatingAdmissionPolicyBinding",
            WARNINGS,
            Some(&["Warn"]),
        ),
    ]
}

fn mutating_docs() -> Vec<Value> {
    let defaults = Defaults::default();
    let mut vars = Vars::default();
    common(&mut vars);
    let mut missing = Vec::new();
    let mut values = serde_json::Map::new();
    let dir_set = SAVEPOINT_DIR
        .spellings()
        .map(|key| format!("size({}) > 0", vars.texts("variables.cfg", "v", key)))
        .collect::<Vec<_>>();
    for (option, value) in [
        (HISTORY_MAX_AGE, &defaults.history_max_age),
        (HISTORY_MAX_COUNT, &defaults.history_max_count),
        (PERIODIC_SAVEPOINT_INTERVAL, &defaults.periodic_interval),
    ] {
        let Some(value) = value else { continue };
        let unset = option
            .spellings()
            .map(|key| format!("size({}) == 0", vars.texts("variables.cfg", "v", key)))
            .collect::<Vec<_>>()
            .join(" && ");
        let guard = if option.key == PERIODIC_SAVEPOINT_INTERVAL.key {
            format!("{unset} && ({})", dir_set.join(" || "))
        } else {
            unset
        };
        missing.push(format!("({guard} ? [{}] : [])", lit(option.key)));
        values.insert(option.key.to_owned(), Value::String(value.clone()));
    }
    let values_cel = values
        .iter()
        .map(|(k, v)| format!("{}: {}", lit(k), lit(v.as_str().unwrap_or_default())))
        .collect::<Vec<_>>()
        .join(", ");
    vars.add(
        "missing",
        format!(
            "!has(object.spec) || variables.shape == \"invalid\" ? [] :\n{}",
            missing.join("\n+ ")
        ),
    );
    vars.add("defaults", format!("{{{values_cel}}}"));
    let map = json!({
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "MutatingAdmissionPolicy",
        "metadata": {"name": MUTATING, "labels": labels()},
        "spec": {
            "failurePolicy": "Ignore",
            "reinvocationPolicy": "Never",
            "matchConstraints": match_constraints(&["flinkdeployments"]),
            "matchConditions": not_deleting(),
            "variables": variables_json(&vars),
            "mutations": [{
                "patchType": "JSONPatch",
                "jsonPatch": {"expression":
                    "(variables.shape == \"absent\" && size(variables.missing) > 0\n\
                     ? [JSONPatch{op: \"add\", path: \"/spec/flinkConfiguration\", value: {}}] : [])\n\
                     + variables.missing.map(k, JSONPatch{op: \"add\",\n\
                     path: \"/spec/flinkConfiguration/\" + jsonpatch.escapeKey(k), value: variables.defaults[k]})"},
            }],
        },
    });
    vec![
        map,
        binding("MutatingAdmissionPolicyBinding", MUTATING, None),
    ]
}

fn yaml(header: &str, docs: &[Value]) -> String {
    let mut out = String::from(header);
    for (i, doc) in docs.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        out.push_str(&serde_yaml_ng::to_string(doc).expect("YAML"));
    }
    out
}

const GENERATED: &str = "# GENERATED by `cargo run -p flink-policy --bin gen-policy` from the flink-savepoint library\n\
# (key spellings, defaults and the webhook's own messages). Do not edit: change the library or\n\
# tests/policy/src and regenerate; `cargo test -p flink-policy --test generated` fails when stale.\n";

/// The generated files of `manifests/policy`, as `(file name, contents)`.
pub fn render() -> Vec<(&'static str, String)> {
    let m = Messages::collect();
    vec![
        (
            "validating.yaml",
            yaml(
                &format!(
                    "{GENERATED}#\n# {VALIDATING}: denies what the webhook denies on the object alone (403 savepoint directory\n\
                     # on a FlinkSessionJob, 422 invalid retention/schedule values), same messages.\n\
                     # {WARNINGS}: the webhook's object-local warnings (unchanged old values, savepoints\n\
                     # without a directory); its binding is always Warn.\n"
                ),
                &validating_docs(&m),
            ),
        ),
        (
            "mutating.yaml",
            yaml(
                &format!(
                    "{GENERATED}#\n# {MUTATING}: adds the retention defaults to FlinkDeployments that set neither\n\
                     # spelling of a key (session jobs need their session cluster: webhook only). Idempotent.\n"
                ),
                &mutating_docs(),
            ),
        ),
    ]
}
