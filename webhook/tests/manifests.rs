//! The rendered manifests (`kubectl kustomize manifests/`) agree with what the binary serves:
//! routes, ports, service and certificate names, rules, security settings.

use std::{collections::BTreeSet, path::Path, process::Command};

use clap::Parser;
use flink_savepoint::admission::{DEFAULT_OPT_OUT_KEY, DEFAULT_OPT_OUT_VALUE, Phase, handled};
use savepoint_webhook::{
    Args,
    admin::{HEALTHZ_PATH, READYZ_PATH},
    routes::{MUTATE_PATH, VALIDATE_PATH},
};
use serde::Deserialize;
use serde_json::Value;

const MANIFESTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../manifests");

fn render(dir: &str) -> Vec<Value> {
    let path = Path::new(MANIFESTS).join(dir);
    let output = Command::new("kubectl")
        .arg("kustomize")
        .arg(&path)
        .output()
        .expect("kubectl must be installed to check the manifests");
    assert!(
        output.status.success(),
        "kubectl kustomize {} failed: {}",
        path.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).expect("utf-8");
    serde_yaml_ng::Deserializer::from_str(&text)
        .map(|doc| Value::deserialize(doc).expect("YAML document"))
        .filter(|doc| !doc.is_null())
        .collect()
}

fn one<'a>(docs: &'a [Value], kind: &str) -> &'a Value {
    let found: Vec<&Value> = docs.iter().filter(|d| d["kind"] == kind).collect();
    assert_eq!(found.len(), 1, "expected exactly one {kind}");
    found[0]
}

/// The webhook's ServiceAccount (other components may add their own).
fn webhook_sa(docs: &[Value]) -> &Value {
    docs.iter()
        .find(|d| d["kind"] == "ServiceAccount" && d["metadata"]["name"] == "savepoint-webhook")
        .expect("webhook ServiceAccount")
}

fn default_args() -> Args {
    Args::try_parse_from(["savepoint-webhook", "--tls-cert", "c", "--tls-key", "k"])
        .expect("defaults")
}

/// containerPort for a probe/targetPort given by number or by name.
fn resolve_port(container: &Value, port: &Value) -> u64 {
    match port {
        Value::Number(n) => n.as_u64().expect("port number"),
        Value::String(name) => container["ports"]
            .as_array()
            .expect("container ports")
            .iter()
            .find(|p| p["name"] == name.as_str())
            .and_then(|p| p["containerPort"].as_u64())
            .unwrap_or_else(|| panic!("no container port named {name}")),
        other => panic!("bad port {other}"),
    }
}

fn strings(value: &Value) -> BTreeSet<String> {
    value
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// (resource, operation) pairs covered by a webhook's rules.
fn covered(webhook: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for rule in webhook["rules"].as_array().expect("rules") {
        assert_eq!(
            strings(&rule["apiGroups"]),
            BTreeSet::from(["flink.apache.org".to_owned()])
        );
        assert_eq!(rule["scope"], "Namespaced");
        for resource in strings(&rule["resources"]) {
            assert!(
                !resource.contains('/'),
                "subresources must not be matched: {resource}"
            );
            for op in strings(&rule["operations"]) {
                out.insert((resource.clone(), op));
            }
        }
    }
    out
}

fn handled_pairs(phase: Phase) -> BTreeSet<(String, String)> {
    handled(phase)
        .iter()
        .flat_map(|(kind, ops)| {
            ops.iter()
                .map(move |op| (kind.plural().to_owned(), (*op).to_owned()))
        })
        .collect()
}

#[test]
fn webhook_configurations_match_the_served_routes_rules_service_and_certificate() {
    let docs = render("");
    let service = one(&docs, "Service");
    let (svc_name, svc_ns) = (
        service["metadata"]["name"].as_str().expect("name"),
        service["metadata"]["namespace"].as_str().expect("ns"),
    );
    let certificate = docs
        .iter()
        .find(|d| d["kind"] == "Certificate" && d["spec"]["isCA"] != true)
        .expect("serving Certificate");
    let cert_ref = format!(
        "{}/{}",
        certificate["metadata"]["namespace"].as_str().expect("ns"),
        certificate["metadata"]["name"].as_str().expect("name")
    );
    for (kind, phase, path) in [
        ("MutatingWebhookConfiguration", Phase::Mutate, MUTATE_PATH),
        (
            "ValidatingWebhookConfiguration",
            Phase::Validate,
            VALIDATE_PATH,
        ),
    ] {
        let config = one(&docs, kind);
        assert_eq!(
            config["metadata"]["annotations"]["cert-manager.io/inject-ca-from"],
            cert_ref.as_str(),
            "{kind}"
        );
        let webhooks = config["webhooks"].as_array().expect("webhooks");
        assert_eq!(webhooks.len(), 1);
        let hook = &webhooks[0];
        let target = &hook["clientConfig"]["service"];
        assert_eq!(target["name"], svc_name, "{kind}");
        assert_eq!(target["namespace"], svc_ns, "{kind}");
        assert_eq!(target["path"], path, "{kind}");
        assert_eq!(target["port"], 443, "{kind}");
        assert_eq!(
            strings(&hook["admissionReviewVersions"]),
            BTreeSet::from(["v1".to_owned()])
        );
        assert_eq!(hook["sideEffects"], "None");
        let timeout = hook["timeoutSeconds"].as_u64().expect("timeoutSeconds");
        assert!((1..=10).contains(&timeout), "{kind}: timeout {timeout}");
        assert!(matches!(
            hook["failurePolicy"].as_str(),
            Some("Fail" | "Ignore")
        ));
        assert_eq!(
            covered(hook),
            handled_pairs(phase),
            "{kind}: rules must cover exactly what review() handles"
        );
        let excluded: BTreeSet<String> = hook["namespaceSelector"]["matchExpressions"]
            .as_array()
            .expect("namespaceSelector")
            .iter()
            .filter(|e| e["key"] == "kubernetes.io/metadata.name" && e["operator"] == "NotIn")
            .flat_map(|e| strings(&e["values"]))
            .collect();
        assert!(
            excluded.contains("kube-system") && excluded.contains(svc_ns),
            "{kind}: {excluded:?}"
        );
        assert!(
            hook["namespaceSelector"]["matchExpressions"]
                .as_array()
                .expect("namespaceSelector")
                .iter()
                .any(|e| e["key"] == DEFAULT_OPT_OUT_KEY
                    && e["operator"] == "NotIn"
                    && strings(&e["values"]).contains(DEFAULT_OPT_OUT_VALUE)),
            "{kind}: the namespaceSelector must honour the namespace opt-out label"
        );
        // Object labels are writable by whoever may write the object: they must never make the
        // API server skip the webhook.
        assert!(
            hook.get("objectSelector")
                .is_none_or(|s| s.as_object().is_some_and(serde_json::Map::is_empty)),
            "{kind}: no objectSelector (object self-opt-out is a policy bypass): {}",
            hook["objectSelector"]
        );
    }
    let dns = strings(&certificate["spec"]["dnsNames"]);
    assert_eq!(
        dns,
        BTreeSet::from([
            format!("{svc_name}.{svc_ns}.svc"),
            format!("{svc_name}.{svc_ns}.svc.cluster.local")
        ])
    );
}

#[test]
fn deployment_ports_probes_and_mounts_match_the_binary_defaults() {
    let docs = render("");
    let args = default_args();
    let deployment = one(&docs, "Deployment");
    let service = one(&docs, "Service");
    let pod = &deployment["spec"]["template"]["spec"];
    let container = &pod["containers"][0];
    let https = service["spec"]["ports"]
        .as_array()
        .expect("ports")
        .iter()
        .find(|p| p["port"] == 443)
        .expect("port 443");
    assert_eq!(
        resolve_port(container, &https["targetPort"]),
        u64::from(args.listen.port())
    );
    for (probe, path) in [
        ("livenessProbe", HEALTHZ_PATH),
        ("readinessProbe", READYZ_PATH),
        ("startupProbe", HEALTHZ_PATH),
    ] {
        let get = &container[probe]["httpGet"];
        assert_eq!(get["path"], path, "{probe}");
        assert_eq!(
            resolve_port(container, &get["port"]),
            u64::from(args.admin_listen.port()),
            "{probe}"
        );
    }
    let selector = &service["spec"]["selector"];
    for (key, value) in selector.as_object().expect("selector") {
        assert_eq!(
            &deployment["spec"]["template"]["metadata"]["labels"][key],
            value
        );
    }
    // The flags in the manifest parse with the real Args and point into the mounted secret.
    let flags: Vec<String> = container["args"]
        .as_array()
        .expect("args")
        .iter()
        .map(|a| a.as_str().expect("arg").to_owned())
        .collect();
    let parsed = Args::try_parse_from(std::iter::once("savepoint-webhook".to_owned()).chain(flags))
        .expect("manifest args parse");
    assert_eq!(parsed.listen, args.listen);
    assert_eq!(parsed.admin_listen.port(), args.admin_listen.port());
    let certificate = docs
        .iter()
        .find(|d| d["kind"] == "Certificate" && d["spec"]["isCA"] != true)
        .expect("serving Certificate");
    let tls_volume = pod["volumes"]
        .as_array()
        .expect("volumes")
        .iter()
        .find(|v| v["secret"]["secretName"] == certificate["spec"]["secretName"])
        .expect("volume from the cert-manager secret");
    let mount = container["volumeMounts"]
        .as_array()
        .expect("mounts")
        .iter()
        .find(|m| m["name"] == tls_volume["name"])
        .expect("tls mount");
    let dir = mount["mountPath"].as_str().expect("mountPath");
    assert_eq!(parsed.tls_cert, Path::new(dir).join("tls.crt"));
    assert_eq!(parsed.tls_key, Path::new(dir).join("tls.key"));
    let grace = pod["terminationGracePeriodSeconds"]
        .as_u64()
        .expect("grace");
    assert!(
        grace > (parsed.shutdown_delay + parsed.shutdown_grace).as_secs(),
        "pod grace must exceed the drain"
    );
    let config = parsed.config.expect("--config");
    let policy_volume = pod["volumes"]
        .as_array()
        .expect("volumes")
        .iter()
        .find(|v| v["configMap"].is_object())
        .expect("policy volume");
    let policy_mount = container["volumeMounts"]
        .as_array()
        .expect("mounts")
        .iter()
        .find(|m| m["name"] == policy_volume["name"])
        .expect("policy mount");
    assert!(config.starts_with(policy_mount["mountPath"].as_str().expect("path")));
    let configmap = docs
        .iter()
        .find(|d| {
            d["kind"] == "ConfigMap" && d["metadata"]["name"] == policy_volume["configMap"]["name"]
        })
        .expect("policy ConfigMap");
    let file = config
        .file_name()
        .and_then(|f| f.to_str())
        .expect("file name");
    let policy: flink_savepoint::admission::Policy =
        serde_yaml_ng::from_str(configmap["data"][file].as_str().expect("policy text"))
            .expect("policy parses");
    assert_eq!(flink_savepoint::admission::check_policy(&policy), Ok(()));
}

#[test]
fn deployment_is_replicated_hardened_and_resource_bounded() {
    let docs = render("");
    let deployment = one(&docs, "Deployment");
    assert!(deployment["spec"]["replicas"].as_u64().expect("replicas") >= 2);
    let pod = &deployment["spec"]["template"]["spec"];
    assert_eq!(pod["securityContext"]["runAsNonRoot"], true);
    assert_eq!(
        pod["securityContext"]["seccompProfile"]["type"],
        "RuntimeDefault"
    );
    let container = &pod["containers"][0];
    let security = &container["securityContext"];
    assert_eq!(security["readOnlyRootFilesystem"], true);
    assert_eq!(security["allowPrivilegeEscalation"], false);
    assert_eq!(
        strings(&security["capabilities"]["drop"]),
        BTreeSet::from(["ALL".to_owned()])
    );
    for field in ["requests", "limits"] {
        assert!(
            container["resources"][field]["memory"].is_string(),
            "memory {field}"
        );
    }
    assert!(container["resources"]["requests"]["cpu"].is_string());
    let pdb = one(&docs, "PodDisruptionBudget");
    assert_eq!(
        pdb["spec"]["selector"]["matchLabels"],
        deployment["spec"]["selector"]["matchLabels"]
    );
    assert_eq!(
        pod["serviceAccountName"],
        webhook_sa(&docs)["metadata"]["name"]
    );
}

#[test]
fn rbac_is_read_only_and_limited_to_what_the_cache_watches() {
    let docs = render("");
    let role = docs
        .iter()
        .find(|d| d["kind"] == "ClusterRole" && d["metadata"]["name"] == "savepoint-webhook")
        .expect("webhook ClusterRole");
    for rule in role["rules"].as_array().expect("rules") {
        assert_eq!(
            strings(&rule["apiGroups"]),
            BTreeSet::from(["flink.apache.org".to_owned()])
        );
        assert_eq!(
            strings(&rule["resources"]),
            BTreeSet::from(["flinkdeployments".to_owned(), "flinksessionjobs".to_owned()])
        );
        assert_eq!(
            strings(&rule["verbs"]),
            BTreeSet::from(["get".to_owned(), "list".to_owned(), "watch".to_owned()])
        );
    }
    let binding = docs
        .iter()
        .find(|d| d["kind"] == "ClusterRoleBinding" && d["roleRef"]["name"] == "savepoint-webhook")
        .expect("binding");
    let sa = webhook_sa(&docs);
    assert_eq!(binding["subjects"][0]["name"], sa["metadata"]["name"]);
    assert_eq!(
        binding["subjects"][0]["namespace"],
        sa["metadata"]["namespace"]
    );
}

#[test]
fn local_overlay_points_both_webhooks_at_a_url_with_a_ca_bundle() {
    let docs = render("overlays/local");
    assert_eq!(
        docs.len(),
        2,
        "the local overlay renders only the webhook configurations"
    );
    let args = default_args();
    for (kind, path) in [
        ("MutatingWebhookConfiguration", MUTATE_PATH),
        ("ValidatingWebhookConfiguration", VALIDATE_PATH),
    ] {
        let config = one(&docs, kind);
        assert!(
            config["metadata"]["annotations"]
                .get("cert-manager.io/inject-ca-from")
                .is_none()
        );
        let client = &config["webhooks"][0]["clientConfig"];
        assert!(client.get("service").is_none(), "{kind}");
        assert_eq!(
            client["url"],
            format!("https://127.0.0.1:{}{path}", args.listen.port()),
            "{kind}"
        );
        assert!(!client["caBundle"].as_str().expect("caBundle").is_empty());
    }
}

#[test]
fn the_admin_port_is_off_the_service_and_reachable_only_from_monitoring() {
    let docs = render("");
    let service = one(&docs, "Service");
    let deployment = one(&docs, "Deployment");
    let container = &deployment["spec"]["template"]["spec"]["containers"][0];
    let args = default_args();
    let admin_port = u64::from(args.admin_listen.port());
    let https_port = u64::from(args.listen.port());
    for port in service["spec"]["ports"].as_array().expect("ports") {
        assert_ne!(
            resolve_port(container, &port["targetPort"]),
            admin_port,
            "the webhook Service must not expose the admin port: {port}"
        );
    }
    let policy = one(&docs, "NetworkPolicy");
    assert_eq!(
        policy["spec"]["podSelector"]["matchLabels"],
        deployment["spec"]["selector"]["matchLabels"]
    );
    assert!(strings(&policy["spec"]["policyTypes"]).contains("Ingress"));
    let rules = policy["spec"]["ingress"].as_array().expect("ingress rules");
    let rules_for = |port: u64| -> Vec<&Value> {
        rules
            .iter()
            .filter(|r| {
                r["ports"].as_array().is_some_and(|ps| {
                    ps.iter()
                        .any(|p| resolve_port(container, &p["port"]) == port)
                })
            })
            .collect()
    };
    // The API server's source addresses are cluster-specific: HTTPS is open to all sources.
    assert!(
        rules_for(https_port)
            .iter()
            .any(|r| r.get("from").is_none()),
        "{policy}"
    );
    let admin = rules_for(admin_port);
    assert!(!admin.is_empty(), "no rule admits the admin port: {policy}");
    for rule in admin {
        let from = rule["from"]
            .as_array()
            .expect("admin rule must restrict its sources");
        assert!(
            !from.is_empty()
                && from
                    .iter()
                    .all(|peer| peer.as_object().is_some_and(|p| !p.is_empty()
                        && p.values()
                            .all(|v| v.as_object().is_some_and(|m| !m.is_empty())))),
            "admin sources must be selected, not open: {rule}"
        );
    }
}
