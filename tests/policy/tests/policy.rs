//! The webhook-free install (`manifests/policy`) on the real kube-apiserver tier, without the
//! webhook: it renders and server-dry-run applies; it denies, warns and defaults as the README
//! table says (through `kubectl apply` and server dry-run); and on every admission case we have
//! (the captured reviews, the variant reviews and the value/spelling tables below) the API
//! server's answer is the webhook's decision from `flink_savepoint::admission::review`.
//!
//! The webhook side is reviewed with `SessionLookup::NotFound` (the webhook knowing nothing
//! about other objects, like CEL) and with the exemption model the policy implements (namespace
//! labels only). Cross-object rules are checked to stay webhook-only: snapshots are admitted by
//! the policy, session jobs get no defaults.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use flink_policy::messages::mirrored_policy;
use flink_policy::{
    FORBIDDEN_MESSAGE, INVALID_MESSAGE, MUTATING, POLICY_DIR, VALIDATING, WARNINGS,
};
use flink_savepoint::admission::{
    DEFAULT_OPT_OUT_KEY, DEFAULT_OPT_OUT_VALUE, Decision, Phase, ReviewContext, SessionLookup,
    review,
};
use flink_savepoint::config::options::SAVEPOINT_DIR;
use flink_testenv::Env;
use http_body_util::BodyExt;
use kube::core::{
    DynamicObject,
    admission::{AdmissionRequest, AdmissionReview, Operation},
};
use serde_json::{Value, json};
use tokio::sync::OnceCell;

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/fixtures");
const VARIANTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/admission");

/// The validations' static `message`s (sent when a `messageExpression` result is over 5 KiB).
const STATIC_MESSAGES: [&str; 2] = [FORBIDDEN_MESSAGE, INVALID_MESSAGE];

// === the cluster ===

static INSTALL: OnceCell<()> = OnceCell::const_new();
static NEXT_NS: AtomicUsize = AtomicUsize::new(0);

fn kubectl(env: &Env, args: &[&str], stdin: Option<&str>) -> (bool, String, String) {
    use std::io::Write;
    let mut cmd = Command::new("kubectl");
    cmd.arg("--kubeconfig").arg(env.kubeconfig()).args(args);
    cmd.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("kubectl runs");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().expect("kubectl output");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// One API request's outcome: HTTP status, body, `Warning` header texts.
#[derive(Debug)]
struct Outcome {
    status: u16,
    body: Value,
    warnings: Vec<String>,
}

impl Outcome {
    fn message(&self) -> &str {
        self.body["message"].as_str().unwrap_or_default()
    }
}

fn warning_text(header: &str) -> String {
    let quoted = header
        .splitn(3, ' ')
        .nth(2)
        .unwrap_or(header)
        .trim()
        .trim_start_matches('"')
        .trim_end_matches('"');
    let mut out = String::new();
    let mut chars = quoted.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}

async fn send(env: &Env, method: &str, uri: &str, body: Option<&Value>) -> Outcome {
    let (method, content_type) = match method {
        "PATCH_MERGE" => ("PATCH", "application/merge-patch+json"),
        other => (other, "application/json"),
    };
    let request = http::Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", content_type)
        .body(
            body.map(|b| serde_json::to_vec(b).expect("body JSON"))
                .unwrap_or_default()
                .into(),
        )
        .expect("request");
    let response = env
        .client()
        .await
        .send(request)
        .await
        .expect("API server answers");
    let status = response.status().as_u16();
    let warnings = response
        .headers()
        .get_all("warning")
        .iter()
        .map(|v| warning_text(&String::from_utf8_lossy(v.as_bytes())))
        .collect();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("response body")
        .to_bytes();
    Outcome {
        status,
        body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        warnings,
    }
}

fn collection(group: &str, version: &str, ns: &str, plural: &str) -> String {
    if group.is_empty() {
        format!("/api/{version}/namespaces/{ns}/{plural}")
    } else {
        format!("/apis/{group}/{version}/namespaces/{ns}/{plural}")
    }
}

fn flink_collection(ns: &str, plural: &str) -> String {
    collection("flink.apache.org", "v1beta1", ns, plural)
}

/// A namespace of this test binary's own; `exempt` sets the admin exemption label.
async fn namespace(env: &Env, tag: &str, exempt: bool) -> String {
    let name = format!(
        "pol{}-{}-{tag}",
        std::process::id() % 10_000,
        NEXT_NS.fetch_add(1, Ordering::Relaxed)
    );
    let labels = if exempt {
        json!({DEFAULT_OPT_OUT_KEY: DEFAULT_OPT_OUT_VALUE})
    } else {
        json!({})
    };
    let created = send(
        env,
        "POST",
        "/api/v1/namespaces",
        Some(&json!({"apiVersion": "v1", "kind": "Namespace",
                     "metadata": {"name": name, "labels": labels}})),
    )
    .await;
    assert_eq!(created.status, 201, "namespace {name}: {:?}", created.body);
    name
}

fn rogue_job(ns: &str) -> Value {
    json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkSessionJob",
        "metadata": {"name": "probe", "namespace": ns},
        "spec": {"deploymentName": "s", "flinkConfiguration": {"state.savepoints.dir": "s3://x"}}
    })
}

/// Waits until the policy is enforced in `ns` (the API server's policy and namespace caches are
/// eventually consistent): a probe that must be denied is retried until it is.
async fn wait_enforced(env: &Env, ns: &str) {
    for _ in 0..600 {
        let probe = send(
            env,
            "POST",
            &format!("{}?dryRun=All", flink_collection(ns, "flinksessionjobs")),
            Some(&rogue_job(ns)),
        )
        .await;
        let defaulted = send(
            env,
            "POST",
            &format!("{}?dryRun=All", flink_collection(ns, "flinkdeployments")),
            Some(
                &json!({"apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
                         "metadata": {"name": "probe", "namespace": ns},
                         "spec": {"job": {"upgradeMode": "savepoint"}}}),
            ),
        )
        .await;
        if probe.status == 403
            && defaulted.status == 201
            && defaulted.body["spec"]["flinkConfiguration"].is_object()
            && !defaulted.warnings.is_empty()
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the policy install is never enforced in namespace {ns}");
}

/// The real API server with `manifests/policy` applied (and no webhook), enforced. Each test
/// gets its own `Env` (its client lives on the test's runtime); the install happens once.
async fn installed() -> Env {
    let env = Env::real().await;
    INSTALL
        .get_or_init(|| async {
            let (ok, out, err) = kubectl(&env, &["apply", "-k", POLICY_DIR], None);
            assert!(ok, "kubectl apply -k manifests/policy: {out}{err}");
            let probe = namespace(&env, "probe", false).await;
            wait_enforced(&env, &probe).await;
        })
        .await;
    env
}

// === render and dry-run install ===

fn kinds_and_names(yaml: &str) -> Vec<(String, String)> {
    serde_yaml_ng::Deserializer::from_str(yaml)
        .map(|doc| {
            let v: Value = serde::Deserialize::deserialize(doc).expect("YAML document");
            (
                v["kind"].as_str().unwrap_or_default().to_owned(),
                v["metadata"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect()
}

fn expected_objects() -> Vec<(String, String)> {
    [
        ("ValidatingAdmissionPolicy", VALIDATING),
        ("ValidatingAdmissionPolicyBinding", VALIDATING),
        ("ValidatingAdmissionPolicy", WARNINGS),
        ("ValidatingAdmissionPolicyBinding", WARNINGS),
        ("MutatingAdmissionPolicy", MUTATING),
        ("MutatingAdmissionPolicyBinding", MUTATING),
    ]
    .iter()
    .map(|(k, n)| (k.to_string(), n.to_string()))
    .collect()
}

#[test]
fn kubectl_kustomize_renders_the_policy_install_and_its_overlays() {
    let render = |dir: &Path| {
        let out = Command::new("kubectl")
            .arg("kustomize")
            .arg(dir)
            .output()
            .expect("kubectl runs");
        assert!(
            out.status.success(),
            "kubectl kustomize {}: {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("UTF-8")
    };
    let base = render(Path::new(POLICY_DIR));
    let mut got = kinds_and_names(&base);
    let mut want = expected_objects();
    got.sort();
    want.sort();
    assert_eq!(got, want);
    assert!(!base.contains("kind: Deployment") && !base.contains("Webhook"));
    let warn = render(&PathBuf::from(POLICY_DIR).join("../overlays/policy-warn"));
    let docs: Vec<Value> = serde_yaml_ng::Deserializer::from_str(&warn)
        .map(|d| serde::Deserialize::deserialize(d).expect("doc"))
        .collect();
    let actions = |name: &str| {
        docs.iter()
            .find(|d| {
                d["kind"] == "ValidatingAdmissionPolicyBinding" && d["metadata"]["name"] == name
            })
            .map(|d| d["spec"]["validationActions"].clone())
    };
    assert_eq!(actions(VALIDATING), Some(json!(["Warn"])));
    assert_eq!(actions(WARNINGS), Some(json!(["Warn"])));
    let audit = render(&PathBuf::from(POLICY_DIR).join("../overlays/policy-audit"));
    let docs: Vec<Value> = serde_yaml_ng::Deserializer::from_str(&audit)
        .map(|d| serde::Deserialize::deserialize(d).expect("doc"))
        .collect();
    let binding = docs
        .iter()
        .find(|d| {
            d["kind"] == "ValidatingAdmissionPolicyBinding" && d["metadata"]["name"] == VALIDATING
        })
        .expect("binding");
    assert_eq!(binding["spec"]["validationActions"], json!(["Audit"]));
}

async fn server_dry_run_apply_of_the_policy_install_passes() {
    let env = Env::real().await;
    let (ok, out, err) = kubectl(&env, &["apply", "--dry-run=server", "-k", POLICY_DIR], None);
    assert!(
        ok,
        "kubectl apply --dry-run=server -k manifests/policy: {out}{err}"
    );
    for (kind, name) in expected_objects() {
        let line = format!(
            "{}.admissionregistration.k8s.io/{name}",
            kind.to_lowercase()
        );
        assert!(
            out.lines()
                .any(|l| l.starts_with(&line) && l.contains("(server dry run)")),
            "{line} missing in {out}"
        );
    }
    assert!(!err.contains("rror"), "{err}");
    for overlay in ["policy-warn", "policy-audit"] {
        let dir = PathBuf::from(POLICY_DIR).join("../overlays").join(overlay);
        let (ok, out, err) = kubectl(
            &env,
            &[
                "apply",
                "--dry-run=server",
                "-k",
                dir.to_str().expect("path"),
            ],
            None,
        );
        assert!(
            ok && out.matches("(server dry run)").count() == 6,
            "{overlay}: {out}{err}"
        );
    }
}

// === parity with the webhook ===

fn request_from(value: Value) -> AdmissionRequest<DynamicObject> {
    let review: AdmissionReview<DynamicObject> =
        serde_json::from_value(value).expect("an AdmissionReview");
    review.try_into().expect("a request")
}

fn load(path: &Path) -> AdmissionRequest<DynamicObject> {
    request_from(
        serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("JSON"),
    )
}

/// How closely the policy must match the webhook on a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Match {
    /// Same decision, code, message and warnings.
    Exact,
    /// Same decision and code; the message equals the webhook's up to `as cron: ` (the policy
    /// names a bad cron field generically, see the README).
    CronFieldMessage,
    /// Same decision and code; the webhook's message is over the API server's 5 KiB limit for
    /// `messageExpression`, so the policy's static message is sent instead.
    StaticMessage,
}

struct Case {
    name: String,
    req: AdmissionRequest<DynamicObject>,
    expect: Match,
}

fn synthetic(kind: &str, name: &str, spec: Value) -> AdmissionRequest<DynamicObject> {
    let resource = if kind == "FlinkDeployment" {
        "flinkdeployments"
    } else {
        "flinksessionjobs"
    };
    request_from(json!({
        "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
        "request": {
            "uid": "00000000-0000-4000-8000-0000000000aa",
            "kind": {"group": "flink.apache.org", "version": "v1beta1", "kind": kind},
            "resource": {"group": "flink.apache.org", "version": "v1beta1", "resource": resource},
            "name": name, "namespace": "placeholder", "operation": "CREATE",
            "userInfo": {"username": "tester"},
            "object": {"apiVersion": "flink.apache.org/v1beta1", "kind": kind,
                       "metadata": {"name": name, "namespace": "placeholder"}, "spec": spec},
            "oldObject": null, "dryRun": true,
        }
    }))
}

/// Every way of nesting `key` (flat, nested, mixed) holding `value`.
fn nestings(key: &str, value: Value) -> Vec<Value> {
    let segments: Vec<&str> = key.split('.').collect();
    (0..1u32 << (segments.len() - 1))
        .map(|mask| {
            let mut parts = vec![segments[0].to_owned()];
            for (i, s) in segments[1..].iter().enumerate() {
                if mask & (1 << i) != 0 {
                    parts.push((*s).to_owned());
                } else {
                    let last = parts.last_mut().expect("a part");
                    last.push('.');
                    last.push_str(s);
                }
            }
            parts
                .iter()
                .rev()
                .fold(value.clone(), |inner, part| json!({ part.as_str(): inner }))
        })
        .collect()
}

const AGE: &str = "kubernetes.operator.savepoint.history.max.age";
const COUNT: &str = "kubernetes.operator.savepoint.history.max.count";
const INTERVAL: &str = "kubernetes.operator.periodic.savepoint.interval";

fn table() -> Vec<Case> {
    let mut cases = Vec::new();
    let mut push = |name: String, req, expect| cases.push(Case { name, req, expect });
    for (i, key) in SAVEPOINT_DIR.spellings().enumerate() {
        for (j, config) in nestings(key, json!("s3://bucket/job-dir"))
            .into_iter()
            .enumerate()
        {
            push(
                format!("dir {key} nesting {j}"),
                synthetic(
                    "FlinkSessionJob",
                    &format!("dir-{i}-{j}"),
                    json!({"deploymentName": "shared-session", "flinkConfiguration": config}),
                ),
                Match::Exact,
            );
        }
    }
    push(
        "dir on a FlinkDeployment".into(),
        synthetic(
            "FlinkDeployment",
            "dir-deployment",
            json!({"flinkConfiguration": {"state.savepoints.dir": "s3://b/sp"}}),
        ),
        Match::Exact,
    );
    push(
        "two dir spellings and a bad count".into(),
        synthetic(
            "FlinkSessionJob",
            "two-dirs",
            json!({"flinkConfiguration": {"state.savepoints.dir": "s3://a",
                   "execution": {"checkpointing": {"savepoint-dir": 7}}, COUNT: "x"}}),
        ),
        Match::Exact,
    );
    let ages = [
        "72 h",
        "1d",
        "90 min",
        "900",
        "0",
        "",
        "  5s ",
        "5 S",
        "5 µs",
        "1 days",
        "1.5h",
        "-1h",
        "+1h",
        "PT1H",
        "h",
        "1h30m",
        "5 parsecs",
        "5,0s",
        "9223372036854775807 ms",
        "9223372036854775808 ms",
        "106751991167300 d",
        "106751991167301 d",
        "00000000000000000000001 d",
        "2562047788015216 h",
        "5\u{a0}s",
        "5\ts",
        "5 MIN",
        "0",
        "\u{1}5s",
    ];
    for (i, v) in ages.iter().enumerate() {
        push(
            format!("age {v:?}"),
            synthetic(
                "FlinkDeployment",
                &format!("age-{i}"),
                json!({"flinkConfiguration": {AGE: v}}),
            ),
            Match::Exact,
        );
    }
    let counts: Vec<Value> = [
        "5",
        "1",
        "0",
        "-3",
        "+7",
        "007",
        "",
        "+",
        " 5",
        "5 ",
        "1.5",
        "three",
        "2147483647",
        "2147483648",
        "-2147483648",
        "99999999999",
        "\u{a0}5",
    ]
    .iter()
    .map(|s| json!(s))
    .chain([
        json!(3),
        json!(0),
        json!(1.5),
        json!(true),
        json!(["4", "5"]),
    ])
    .collect();
    for (i, v) in counts.iter().enumerate() {
        push(
            format!("count {v}"),
            synthetic(
                "FlinkDeployment",
                &format!("count-{i}"),
                json!({"flinkConfiguration": {COUNT: v}}),
            ),
            Match::Exact,
        );
    }
    let exact_intervals = [
        "",
        "   ",
        "0",
        "0 ms",
        "6h",
        "6 hourz",
        "every 6 hours",
        "0 0 */6 * * ?",
        "0 0 12 ? * MON-FRI",
        "0 0 12 ? * mon-fri",
        "0 0 * * *",
        "0 0 0 ? * ?",
        "0 0 0 1 * 1",
        "0 0 0 ? * * 2030 9",
        "0 0 0 L * ?",
        "0 0 0 LW * ?",
        "0 0 0 L-3W * ?",
        "0 0 0 15W * ?",
        "0 0 0 ? * 6L",
        "0 0 0 ? * FRI#2",
        "0 0 0 ? * FRI-MON",
        "0 0 22-2 * * ?",
        "0 0 0 ? JAN-MAR *",
        "0/15 * * ? * *",
        "/5 * * ? * *",
        "0 0 0 ? * * 2000-2100",
        "0 0 0 ? * * 2000/5",
        "00 05 010 ? * *",
        "0 0 0 1-31/2 * ?",
        "0 0 0 ? * 1-7/2",
        "0 0 0 ? * SUN-SAT/2",
        "0 0 0 ? * 7L",
        "0 0 0 L-30 * ?",
        "0 0 0 31W * ?",
        "0 0 0 ? * 1#5",
        "0 0 0 ? JAN/2 *",
        "0 0 0 ? 1-12/12 *",
        "0 0 0 ? * * */200",
        "0 0 0 ? * * 1970-2199/300",
        "0\t0\t0 ? * *",
        "0 0 0 l * ?",
        "0 0 0 ? * sat#1",
    ];
    let cron_field_errors = [
        "0 0 0 ? * * 2100-2000",
        "0 61 0 ? * *",
        "0 0 0 ? * 8",
        "0 0 0 32 * ?",
        "0 */0 * ? * *",
        "0 0 0 ? * MON#6",
        "0 0 0 ? foo *",
        "0 0 0 1,L * ?",
        "0 0 0 ? * * 1969",
        "0 0 24 ? * *",
        "0 0 0 ? * MONDAY",
        "0 0 0 1W,2 * ?",
        "0 0 0 ? * 1-2L",
        "0 0 0 ? * L-3",
        "0 0 0 LW,L * ?",
        "0 0 0 ? * 0",
        "0 0 0 L-31 * ?",
        "0 0 0 W * ?",
        "0 0 0 0W * ?",
        "0 0 0 ? * 1#0",
        "0 0 0 ? */13 *",
        "60 0 0 ? * *",
        "0 0 0 ? * * 2200",
        "0 0 0 ? * * 1999,2100-2000",
        "0 0 0 1-31/40 * ?",
        "0 0 */24 ? * *",
        "*/60 0 0 ? * *",
        "0 0 0 ? ? *",
        "+5 0 0 ? * *",
        "1,,2 0 0 ? * *",
        "0 0 0 ? * * 2100-2000/5",
    ];
    for (i, v) in exact_intervals.iter().enumerate() {
        push(
            format!("interval {v:?}"),
            synthetic(
                "FlinkDeployment",
                &format!("interval-{i}"),
                json!({"flinkConfiguration": {INTERVAL: v, "state.savepoints.dir": "s3://b/sp"}}),
            ),
            Match::Exact,
        );
    }
    for (i, v) in cron_field_errors.iter().enumerate() {
        push(
            format!("interval {v:?}"),
            synthetic(
                "FlinkDeployment",
                &format!("cron-{i}"),
                json!({"flinkConfiguration": {INTERVAL: v}}),
            ),
            Match::CronFieldMessage,
        );
    }
    for (i, config) in nestings(AGE, json!("1.5h")).into_iter().enumerate() {
        push(
            format!("age nesting {i}"),
            synthetic(
                "FlinkDeployment",
                &format!("age-nest-{i}"),
                json!({"flinkConfiguration": config}),
            ),
            Match::Exact,
        );
    }
    for (i, spec) in [
        json!({"job": {"upgradeMode": "savepoint"}}),
        json!({"job": {"upgradeMode": "savepoint", "savepointTriggerNonce": 3},
               "flinkConfiguration": {INTERVAL: "6 h"}}),
        json!({"flinkConfiguration": {INTERVAL: "0 0 */6 * * ?"}}),
        json!({"flinkConfiguration": {INTERVAL: "0 s"}}),
        json!({"flinkConfiguration": {"state": {"savepoints": {"dir": "s3://b"}}, INTERVAL: "6 h"}}),
        json!({"flinkConfiguration": {"kubernetes.operator": {"savepoint.history.max": {"age": "1 d"}}}}),
        json!({"flinkConfiguration": {}}),
        json!({"job": {"upgradeMode": "savepoint"}, "flinkConfiguration": {COUNT: "0"}}),
        json!({}),
    ]
    .into_iter()
    .enumerate()
    {
        push(
            format!("deployment spec {spec}"),
            synthetic("FlinkDeployment", &format!("spec-{i}"), spec),
            Match::Exact,
        );
    }
    // Seeded pseudo-random cron-like texts built from grammar fragments: the decision must match.
    let sixty: &[&str] = &[
        "0", "5", "59", "60", "*/5", "/0", "1-5", "5/15", "1,2", "*", "L", "1,",
    ];
    let pools: [&[&str]; 7] = [
        sixty,
        sixty,
        &["0", "23", "24", "*/6", "22-2", "*", "1-5", "*/24"],
        &[
            "L", "LW", "L-3", "15W", "1", "31", "32", "1-5", "*", "L,1", "W", "1-31/2",
        ],
        &[
            "*", "JAN", "jan-mar", "12", "13", "*/2", "1,2", "?", "JAN/2",
        ],
        &[
            "MON", "FRI-MON", "6L", "FRI#2", "MON#6", "SAT", "7", "0", "*", "L", "1-7/2",
        ],
        &["2000", "2100-2000", "1970-2199/7", "*", "1969", "2199"],
    ];
    let mut seed: u64 = 0x5eed_cafe;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((seed >> 33) as usize) % n
    };
    for i in 0..300 {
        let fields = [5, 6, 6, 6, 7, 7, 7, 8][next(8)];
        let question = [3, 5][next(2)];
        let text: Vec<&str> = (0..fields)
            .map(|f| {
                let pool = pools[f.min(6)];
                if f == question && next(5) != 0 {
                    "?"
                } else {
                    pool[next(pool.len())]
                }
            })
            .collect();
        push(
            format!("random cron {:?}", text.join(" ")),
            synthetic(
                "FlinkDeployment",
                &format!("random-{i}"),
                json!({"flinkConfiguration": {INTERVAL: text.join(" "), "state.savepoints.dir": "s3://b"}}),
            ),
            Match::CronFieldMessage,
        );
    }
    // CEL cost: a large configuration and long values stay within the runtime budget.
    let mut big = serde_json::Map::new();
    for i in 0..2000 {
        big.insert(format!("user.key.{i}"), json!(format!("value-{i}")));
        big.insert(format!("nested{i}"), json!({"a": {"b": {"c": i}}}));
    }
    big.insert(AGE.into(), json!("1.5h"));
    big.insert("state.savepoints.dir".into(), json!("s3://b/x"));
    push(
        "large configuration".into(),
        synthetic(
            "FlinkSessionJob",
            "large-config",
            json!({"deploymentName": "s", "flinkConfiguration": big}),
        ),
        Match::Exact,
    );
    let long = json!({
        INTERVAL: "0 ".repeat(5000),
        AGE: format!("{} days", "9".repeat(2000)),
        COUNT: vec!["1"; 500],
    });
    push(
        "long values".into(),
        synthetic(
            "FlinkDeployment",
            "long-values",
            json!({"flinkConfiguration": long}),
        ),
        Match::StaticMessage,
    );
    cases
}

fn fixture_cases() -> Vec<Case> {
    let mut paths: Vec<PathBuf> = [
        PathBuf::from(SHARED).join("admission-reviews"),
        PathBuf::from(VARIANTS),
    ]
    .iter()
    .flat_map(|dir| {
        std::fs::read_dir(dir)
            .expect("fixture dir")
            .map(|e| e.expect("entry").path())
    })
    .filter(|p| p.extension().is_some_and(|e| e == "json"))
    .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| Case {
            name: path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned(),
            req: load(&path),
            expect: Match::Exact,
        })
        .collect()
}

fn webhook(req: &AdmissionRequest<DynamicObject>, phase: Phase) -> Decision {
    review(
        req,
        &ReviewContext {
            phase,
            policy: &mirrored_policy(),
            session_cluster: SessionLookup::NotFound,
        },
    )
}

/// The request with namespace `ns` (request, object, oldObject).
fn in_namespace(
    req: &AdmissionRequest<DynamicObject>,
    ns: &str,
) -> AdmissionRequest<DynamicObject> {
    let mut req = req.clone();
    req.namespace = Some(ns.to_owned());
    for obj in [req.object.as_mut(), req.old_object.as_mut()]
        .into_iter()
        .flatten()
    {
        obj.metadata.namespace = Some(ns.to_owned());
    }
    req
}

/// The object as a client would send it (server-owned metadata removed).
fn client_object(obj: &DynamicObject) -> Value {
    let mut v = serde_json::to_value(obj).expect("object JSON");
    if let Some(meta) = v["metadata"].as_object_mut() {
        for field in [
            "uid",
            "resourceVersion",
            "creationTimestamp",
            "generation",
            "managedFields",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
            "selfLink",
        ] {
            meta.remove(field);
        }
    }
    v
}

fn is_flink(req: &AdmissionRequest<DynamicObject>) -> bool {
    req.kind.group == "flink.apache.org"
}

/// What the policy install must answer, derived from the webhook's decisions.
struct Expected {
    denial: Option<(u16, String)>,
    warnings: Vec<String>,
    flink_configuration: Option<Value>,
}

fn expected(req: &AdmissionRequest<DynamicObject>) -> Expected {
    let validate = webhook(req, Phase::Validate);
    let mutate = webhook(req, Phase::Mutate);
    let object_local = is_flink(req) && req.kind.kind != "FlinkStateSnapshot";
    let warnings = if object_local {
        validate
            .warnings()
            .iter()
            .map(|w| {
                format!(
                    "Validation failed for ValidatingAdmissionPolicy '{WARNINGS}' with binding '{WARNINGS}': {w}"
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let denial = match &validate {
        Decision::Deny {
            message, reason, ..
        } => Some((reason.code(), message.clone())),
        Decision::Allow { .. } => None,
    };
    let mut object = serde_json::to_value(req.object.as_ref().expect("object")).expect("JSON");
    if let Some(patch) = mutate.patch() {
        json_patch::patch(&mut object, patch).expect("webhook patch applies");
    }
    Expected {
        denial,
        warnings,
        flink_configuration: object.pointer("/spec/flinkConfiguration").cloned(),
    }
}

fn compare(case: &Case, req: &AdmissionRequest<DynamicObject>, got: &Outcome) -> Vec<String> {
    let want = expected(req);
    let mut problems = Vec::new();
    let name = &case.name;
    match &want.denial {
        Some((code, message)) => {
            let prefix = format!(
                "ValidatingAdmissionPolicy '{VALIDATING}' with binding '{VALIDATING}' denied request: "
            );
            let got_message = got.message().split_once(&prefix).map(|(_, m)| m);
            if got.status != *code {
                problems.push(format!(
                    "{name}: status {} (want {code}): {}",
                    got.status,
                    got.message()
                ));
            }
            match (case.expect, got_message) {
                (_, None) => problems.push(format!(
                    "{name}: not denied by the policy: {}",
                    got.message()
                )),
                (Match::Exact, Some(m)) if m != message => problems.push(format!(
                    "{name}: message\n  policy:  {m}\n  webhook: {message}"
                )),
                (Match::StaticMessage, Some(m))
                    if message.len() <= 5 * 1024 || !STATIC_MESSAGES.contains(&m) =>
                {
                    problems.push(format!(
                        "{name}: expected the static message for a webhook message of {} bytes, got {m}",
                        message.len()
                    ));
                }
                (Match::CronFieldMessage, Some(m)) => {
                    let head = |s: &str| s.split_once("as cron: ").map(|(h, _)| h.to_owned());
                    if head(m).is_none() || head(m) != head(message) {
                        problems.push(format!(
                            "{name}: message head\n  policy:  {m}\n  webhook: {message}"
                        ));
                    }
                }
                _ => {}
            }
        }
        None => {
            if !(200..300).contains(&got.status) {
                problems.push(format!(
                    "{name}: policy answered {} {}, webhook allows",
                    got.status,
                    got.message()
                ));
            } else if is_flink(req) {
                let got_config = got.body.pointer("/spec/flinkConfiguration").cloned();
                if got_config != want.flink_configuration {
                    problems.push(format!(
                        "{name}: flinkConfiguration\n  policy:  {got_config:?}\n  webhook: {:?}",
                        want.flink_configuration
                    ));
                }
            }
        }
    }
    // Denials carry warnings too (the webhook's `Deny { warnings }`, the API server's headers).
    if got.warnings != want.warnings {
        problems.push(format!(
            "{name}: warnings\n  policy:  {:?}\n  webhook: {:?}",
            got.warnings, want.warnings
        ));
    }
    problems
}

/// Sends `case` to the API server (server dry-run) and compares; UPDATEs first store the old
/// object in an exempt namespace, then lift the exemption.
async fn run_case(env: &Env, case: &Case) -> Option<Vec<String>> {
    let (group, version, plural) = (
        case.req.resource.group.as_str(),
        case.req.resource.version.as_str(),
        case.req.resource.resource.as_str(),
    );
    match case.req.operation {
        Operation::Create => {
            let ns = namespace(env, "c", false).await;
            let req = in_namespace(&case.req, &ns);
            let body = client_object(req.object.as_ref().expect("object"));
            let got = send(
                env,
                "POST",
                &format!(
                    "{}?dryRun=All&fieldValidation=Ignore",
                    collection(group, version, &ns, plural)
                ),
                Some(&body),
            )
            .await;
            Some(compare(case, &req, &got))
        }
        Operation::Update => {
            let ns = namespace(env, "u", true).await;
            let req = in_namespace(&case.req, &ns);
            let old = req.old_object.as_ref().expect("oldObject");
            let mut old_body = client_object(old);
            let deleting = req
                .object
                .as_ref()
                .is_some_and(|o| o.metadata.deletion_timestamp.is_some());
            if deleting {
                old_body["metadata"]["finalizers"] = json!(["flink-savepoint.io/test"]);
            }
            let base = collection(group, version, &ns, plural);
            let created = send(
                env,
                "POST",
                &format!("{base}?fieldValidation=Ignore"),
                Some(&old_body),
            )
            .await;
            assert_eq!(
                created.status, 201,
                "{}: old object: {:?}",
                case.name, created.body
            );
            let name = created.body["metadata"]["name"]
                .as_str()
                .expect("name")
                .to_owned();
            if deleting {
                let deleted = send(env, "DELETE", &format!("{base}/{name}"), None).await;
                assert!(
                    deleted.status < 300,
                    "{}: delete: {:?}",
                    case.name,
                    deleted.body
                );
            }
            let lifted = send(
                env,
                "PATCH_MERGE",
                &format!("/api/v1/namespaces/{ns}"),
                Some(&json!({"metadata": {"labels": {DEFAULT_OPT_OUT_KEY: null}}})),
            )
            .await;
            assert_eq!(lifted.status, 200, "{}: {:?}", case.name, lifted.body);
            wait_enforced(env, &ns).await;
            let current = send(env, "GET", &format!("{base}/{name}"), None).await;
            let mut body = client_object(req.object.as_ref().expect("object"));
            body["metadata"]["resourceVersion"] =
                current.body["metadata"]["resourceVersion"].clone();
            if deleting {
                body["metadata"]["finalizers"] = json!(["flink-savepoint.io/test"]);
            }
            let got = send(
                env,
                "PUT",
                &format!("{base}/{name}?dryRun=All&fieldValidation=Ignore"),
                Some(&body),
            )
            .await;
            Some(compare(case, &req, &got))
        }
        _ => None,
    }
}

async fn policy_and_webhook_decide_alike_on_every_admission_case() {
    let env = &installed().await;
    let mut cases = fixture_cases();
    let fixtures = cases.len();
    cases.extend(table());
    let mut problems = Vec::new();
    let (mut compared, mut not_reviewed) = (0, Vec::new());
    let random_valid = cases
        .iter()
        .filter(|c| {
            c.name.starts_with("random cron") && webhook(&c.req, Phase::Validate).denial().is_none()
        })
        .count();
    assert!(
        random_valid >= 20,
        "the random cron texts are almost all invalid: {random_valid} valid"
    );
    for case in &cases {
        match run_case(env, case).await {
            Some(p) => {
                compared += 1;
                problems.extend(p);
            }
            None => {
                // DELETE/CONNECT: neither the webhook nor the policy reviews them.
                assert_eq!(
                    webhook(&case.req, Phase::Validate),
                    Decision::allow(),
                    "{}",
                    case.name
                );
                not_reviewed.push(case.name.clone());
            }
        }
    }
    eprintln!(
        "parity: {compared} cases compared on the API server ({fixtures} fixture files, {} table rows; \
         {random_valid} of the random cron texts are valid), \
         {} DELETE fixtures reviewed by neither: {not_reviewed:?}",
        cases.len() - fixtures,
        not_reviewed.len()
    );
    assert!(
        fixtures >= 38 && not_reviewed.len() == 2,
        "fixture set changed: {fixtures}, {not_reviewed:?}"
    );
    assert!(
        problems.is_empty(),
        "{} mismatches:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

// === behaviour through kubectl ===

fn manifest(name: &str, ns: &str, edit: impl FnOnce(&mut Value)) -> String {
    let text = std::fs::read_to_string(PathBuf::from(SHARED).join("manifests").join(name))
        .expect("manifest");
    let mut v: Value = serde_yaml_ng::from_str(&text).expect("manifest YAML");
    v["metadata"]["namespace"] = json!(ns);
    edit(&mut v);
    v.to_string()
}

/// The webhook's denial of `manifest` created in its namespace.
fn webhook_denial(manifest: &str) -> String {
    let v: Value = serde_json::from_str(manifest).expect("JSON");
    let kind = v["kind"].as_str().expect("kind");
    let mut req = synthetic(
        kind,
        v["metadata"]["name"].as_str().expect("name"),
        v["spec"].clone(),
    );
    req.object = Some(serde_json::from_value(v.clone()).expect("object"));
    let req = in_namespace(&req, v["metadata"]["namespace"].as_str().expect("ns"));
    webhook(&req, Phase::Validate)
        .denial()
        .expect("the webhook denies it")
        .to_owned()
}

async fn kubectl_apply_denies_warns_and_defaults_as_the_readme_table_says() {
    let env = &installed().await;
    let ns = namespace(env, "kubectl", false).await;
    let (ok, webhooks, err) = kubectl(
        env,
        &[
            "get",
            "validatingwebhookconfigurations,mutatingwebhookconfigurations",
            "-o",
            "name",
        ],
        None,
    );
    assert!(
        ok && webhooks.trim().is_empty(),
        "no webhook may be installed: {webhooks}{err}"
    );
    let prefix = format!(
        "ValidatingAdmissionPolicy '{VALIDATING}' with binding '{VALIDATING}' denied request: "
    );

    // 403: the session job's own savepoint directory, through apply and server dry-run.
    let rogue = manifest("flinksessionjob-savepoint-dir-override.yaml", &ns, |_| {});
    let message = webhook_denial(&rogue);
    for extra in [&[][..], &["--dry-run=server"][..]] {
        let mut args = vec!["apply", "-f", "-"];
        args.extend_from_slice(extra);
        let (ok, out, err) = kubectl(env, &args, Some(&rogue));
        assert!(!ok, "{out}");
        assert!(
            err.contains("(Forbidden)") && err.contains(&format!("{prefix}{message}")),
            "{err}"
        );
    }
    let (found, _, _) = kubectl(
        env,
        &["get", "-n", &ns, "flinksessionjob", "rogue-job"],
        None,
    );
    assert!(!found, "the denied session job must not exist");

    // An object label exempts nothing.
    let labelled = manifest("flinksessionjob-savepoint-dir-override.yaml", &ns, |v| {
        v["metadata"]["labels"] = json!({DEFAULT_OPT_OUT_KEY: DEFAULT_OPT_OUT_VALUE});
    });
    let (ok, _, err) = kubectl(env, &["apply", "-f", "-"], Some(&labelled));
    assert!(
        !ok && err.contains("must not set the savepoint directory"),
        "{err}"
    );

    // 422: an invalid value, quoted with the accepted forms.
    let invalid = manifest("flinkdeployment-no-config.yaml", &ns, |v| {
        v["metadata"]["name"] = json!("bad-count");
        v["spec"]["flinkConfiguration"] = json!({COUNT: "0"});
    });
    let message = webhook_denial(&invalid);
    assert!(
        message.contains("\"0\"") && message.contains("at least 1"),
        "{message}"
    );
    let (ok, _, err) = kubectl(
        env,
        &["apply", "--dry-run=server", "-f", "-"],
        Some(&invalid),
    );
    assert!(!ok && err.contains(&message), "{err}");
    assert!(
        err.contains("is invalid") || err.contains("(Invalid)"),
        "{err}"
    );

    // Defaults: added once, and a second apply changes nothing.
    let bare = manifest("flinkdeployment-no-config.yaml", &ns, |_| {});
    let (ok, out, err) = kubectl(env, &["apply", "-f", "-"], Some(&bare));
    assert!(ok && out.contains("created"), "{out}{err}");
    let get = |name: &str| {
        let (ok, out, err) = kubectl(
            env,
            &["get", "-n", &ns, "flinkdeployment", name, "-o", "json"],
            None,
        );
        assert!(ok, "{err}");
        serde_json::from_str::<Value>(&out).expect("JSON")
    };
    let stored = get("bare-app");
    assert_eq!(
        stored["spec"]["flinkConfiguration"],
        json!({AGE: "72 h", COUNT: "5"}),
        "{stored}"
    );
    let (ok, out, err) = kubectl(env, &["apply", "-f", "-"], Some(&bare));
    assert!(ok && out.contains("unchanged"), "second apply: {out}{err}");
    assert_eq!(
        get("bare-app")["metadata"]["resourceVersion"],
        stored["metadata"]["resourceVersion"]
    );

    // A set value is never replaced; a nested spelling counts as set.
    let nested = manifest("flinkdeployment-no-config.yaml", &ns, |v| {
        v["metadata"]["name"] = json!("nested-retention");
        v["spec"]["flinkConfiguration"] =
            json!({"kubernetes": {"operator": {"savepoint.history.max": {"age": "1 d"}}}});
    });
    let (ok, _, err) = kubectl(
        env,
        &["apply", "--dry-run=server", "-o", "json", "-f", "-"],
        Some(&nested),
    );
    assert!(ok, "{err}");
    let (ok, out, err) = kubectl(env, &["apply", "-f", "-"], Some(&nested));
    assert!(ok, "{out}{err}");
    assert_eq!(
        get("nested-retention")["spec"]["flinkConfiguration"],
        json!({"kubernetes": {"operator": {"savepoint.history.max": {"age": "1 d"}}}, COUNT: "5"})
    );

    // Warning: savepoints without a directory.
    let no_dir = manifest("flinkdeployment-no-config.yaml", &ns, |v| {
        v["metadata"]["name"] = json!("no-dir");
        v["spec"]["job"]["upgradeMode"] = json!("savepoint");
    });
    let (ok, out, err) = kubectl(env, &["apply", "-f", "-"], Some(&no_dir));
    assert!(ok, "{out}{err}");
    assert!(
        err.contains(&format!(
            "Warning: Validation failed for ValidatingAdmissionPolicy '{WARNINGS}'"
        )) && err.contains("uses upgradeMode: savepoint but no savepoint directory"),
        "{err}"
    );

    // Session jobs are admitted without defaults (session-aware defaults are webhook-only).
    let ok_job = manifest("flinksessionjob-ok.yaml", &ns, |_| {});
    let (ok, out, err) = kubectl(
        env,
        &["apply", "--dry-run=server", "-o", "json", "-f", "-"],
        Some(&ok_job),
    );
    assert!(ok, "{err}");
    let job: Value = serde_json::from_str(&out).expect("JSON");
    assert!(!job.to_string().contains(AGE), "{job}");

    // Snapshot paths are not checked by the policy (webhook-only).
    let snapshot = manifest("flinkstatesnapshot-manual.yaml", &ns, |v| {
        v["spec"]["savepoint"]["path"] = json!("s3://elsewhere/escape");
    });
    let (ok, _, err) = kubectl(
        env,
        &["apply", "--dry-run=server", "-f", "-"],
        Some(&snapshot),
    );
    assert!(ok, "{err}");
}

async fn namespace_label_exempts_and_the_warn_component_turns_denials_into_warnings() {
    let env = &installed().await;
    let exempt = namespace(env, "exempt", true).await;
    let rogue = manifest(
        "flinksessionjob-savepoint-dir-override.yaml",
        &exempt,
        |_| {},
    );
    let (ok, out, err) = kubectl(env, &["apply", "-f", "-"], Some(&rogue));
    assert!(
        ok && !err.contains("Warning"),
        "exempt namespace: {out}{err}"
    );
    let bare = manifest("flinkdeployment-no-config.yaml", &exempt, |_| {});
    let (ok, out, _) = kubectl(
        env,
        &["apply", "--dry-run=server", "-o", "json", "-f", "-"],
        Some(&bare),
    );
    assert!(
        ok && !out.contains(AGE),
        "exempt namespace gets no defaults: {out}"
    );

    // The warn component's binding, bound to this (otherwise exempt) namespace only.
    let (ok, rendered, err) = kubectl(
        env,
        &[
            "kustomize",
            PathBuf::from(POLICY_DIR)
                .join("../overlays/policy-warn")
                .to_str()
                .expect("path"),
        ],
        None,
    );
    assert!(ok, "{err}");
    let mut binding: Value = serde_yaml_ng::Deserializer::from_str(&rendered)
        .map(|d| serde::Deserialize::deserialize(d).expect("doc"))
        .find(|d: &Value| {
            d["kind"] == "ValidatingAdmissionPolicyBinding" && d["metadata"]["name"] == VALIDATING
        })
        .expect("the flink-savepoint binding");
    assert_eq!(binding["spec"]["validationActions"], json!(["Warn"]));
    let name = format!("{VALIDATING}-warn-{exempt}");
    binding["metadata"]["name"] = json!(name);
    binding["spec"]["matchResources"]["namespaceSelector"] =
        json!({"matchLabels": {"kubernetes.io/metadata.name": exempt}});
    let (ok, out, err) = kubectl(env, &["apply", "-f", "-"], Some(&binding.to_string()));
    assert!(ok, "{out}{err}");
    let message = webhook_denial(&manifest(
        "flinksessionjob-savepoint-dir-override.yaml",
        &exempt,
        |v| {
            v["metadata"]["name"] = json!("warned-job");
        },
    ));
    let expected = format!(
        "Validation failed for ValidatingAdmissionPolicy '{VALIDATING}' with binding '{name}': {message}"
    );
    let warned = manifest(
        "flinksessionjob-savepoint-dir-override.yaml",
        &exempt,
        |v| {
            v["metadata"]["name"] = json!("warned-job");
        },
    );
    let mut seen = None;
    for _ in 0..600 {
        let got = send(
            env,
            "POST",
            &format!(
                "{}?dryRun=All",
                flink_collection(&exempt, "flinksessionjobs")
            ),
            Some(&serde_json::from_str(&warned).expect("JSON")),
        )
        .await;
        assert_eq!(got.status, 201, "{:?}", got.body);
        if !got.warnings.is_empty() {
            seen = Some(got.warnings);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        seen,
        Some(vec![expected.clone()]),
        "the Warn binding never took effect"
    );
    let (ok, out, err) = kubectl(env, &["apply", "-f", "-"], Some(&warned));
    assert!(ok && out.contains("created"), "{out}{err}");
    assert!(err.contains(&format!("Warning: {expected}")), "{err}");
    let (ok, out, err) = kubectl(
        env,
        &["delete", "validatingadmissionpolicybinding", &name],
        None,
    );
    assert!(ok, "{out}{err}");
}

async fn audit_component_admits_silently_and_counts_the_violation() {
    let env = &installed().await;
    let exempt = namespace(env, "audit", true).await;
    let (ok, rendered, err) = kubectl(
        env,
        &[
            "kustomize",
            PathBuf::from(POLICY_DIR)
                .join("../overlays/policy-audit")
                .to_str()
                .expect("path"),
        ],
        None,
    );
    assert!(ok, "{err}");
    let mut binding: Value = serde_yaml_ng::Deserializer::from_str(&rendered)
        .map(|d| serde::Deserialize::deserialize(d).expect("doc"))
        .find(|d: &Value| {
            d["kind"] == "ValidatingAdmissionPolicyBinding" && d["metadata"]["name"] == VALIDATING
        })
        .expect("the flink-savepoint binding");
    assert_eq!(binding["spec"]["validationActions"], json!(["Audit"]));
    let name = format!("{VALIDATING}-audit-{exempt}");
    binding["metadata"]["name"] = json!(name);
    binding["spec"]["matchResources"]["namespaceSelector"] =
        json!({"matchLabels": {"kubernetes.io/metadata.name": exempt}});
    let (ok, out, err) = kubectl(env, &["apply", "-f", "-"], Some(&binding.to_string()));
    assert!(ok, "{out}{err}");
    // The only observable effect of Audit without an audit log: the API server's per-binding
    // check counter, with enforcement_action="audit". Requests are admitted without warnings.
    let series = "apiserver_validating_admission_policy_check_total{enforcement_action=\"audit\"";
    let binding_label = format!("policy=\"{VALIDATING}\",policy_binding=\"{name}\"}}");
    let mut counted = None;
    for _ in 0..600 {
        let got = send(
            env,
            "POST",
            &format!(
                "{}?dryRun=All",
                flink_collection(&exempt, "flinksessionjobs")
            ),
            Some(&rogue_job(&exempt)),
        )
        .await;
        assert_eq!(got.status, 201, "Audit never denies: {:?}", got.body);
        assert!(
            got.warnings.is_empty(),
            "Audit never warns: {:?}",
            got.warnings
        );
        let (ok, metrics, err) = kubectl(env, &["get", "--raw", "/metrics"], None);
        assert!(ok, "{err}");
        if let Some(line) = metrics
            .lines()
            .find(|l| l.starts_with(series) && l.contains(&binding_label))
        {
            counted = Some(line.to_owned());
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let line = counted.unwrap_or_else(|| panic!("{series} never appeared"));
    let count: f64 = line
        .rsplit(' ')
        .next()
        .and_then(|v| v.parse().ok())
        .expect("a counter value");
    assert!(count >= 1.0, "{line}");
    let (ok, out, err) = kubectl(
        env,
        &["delete", "validatingadmissionpolicybinding", &name],
        None,
    );
    assert!(ok, "{out}{err}");
}

/// The real kube-apiserver tier (`make e2e-real` runs `real::…`).
mod real {
    #[tokio::test]
    async fn server_dry_run_apply_of_the_policy_install_passes() {
        super::server_dry_run_apply_of_the_policy_install_passes().await
    }
    #[tokio::test]
    async fn policy_and_webhook_decide_alike_on_every_admission_case() {
        super::policy_and_webhook_decide_alike_on_every_admission_case().await
    }
    #[tokio::test]
    async fn kubectl_apply_denies_warns_and_defaults_as_the_readme_table_says() {
        super::kubectl_apply_denies_warns_and_defaults_as_the_readme_table_says().await
    }
    #[tokio::test]
    async fn namespace_label_exempts_and_the_warn_component_turns_denials_into_warnings() {
        super::namespace_label_exempts_and_the_warn_component_turns_denials_into_warnings().await
    }
    #[tokio::test]
    async fn audit_component_admits_silently_and_counts_the_violation() {
        super::audit_component_admits_silently_and_counts_the_violation().await
    }
}
