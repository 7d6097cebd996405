//! Dynamic admission: calls the webhooks configured by the stored Mutating/ValidatingWebhookConfiguration
//! objects, over HTTPS, with AdmissionReview v1 bodies shaped like the real apiserver's.

use std::time::Duration;

use base64::Engine;
use serde_json::{Value, json};

use crate::auth::User;
use crate::resources::ResourceDef;
use crate::selector::LabelSelector;
use crate::status::ApiError;
use crate::store::Store;
use crate::util::{sort_keys, uuid_v4};

/// Which webhook configurations to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Mutating,
    Validating,
}

/// The request being admitted.
pub struct Attributes<'a> {
    pub def: &'a ResourceDef,
    pub subresource: Option<&'a str>,
    /// CREATE, UPDATE or DELETE.
    pub operation: &'a str,
    pub namespace: &'a str,
    pub name: &'a str,
    pub user: &'a User,
    pub dry_run: bool,
    /// `CreateOptions`/`UpdateOptions`/`DeleteOptions` object sent as `request.options`.
    pub options: Value,
    /// Extra trusted CAs (PEM) for webhook calls.
    pub extra_ca: &'a [String],
}

fn strs(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn rule_matches(rule: &Value, a: &Attributes) -> bool {
    let any = |list: Vec<String>, want: &str| list.iter().any(|x| x == "*" || x == want);
    let resource = match a.subresource {
        Some(s) => format!("{}/{s}", a.def.plural),
        None => a.def.plural.clone(),
    };
    let res_ok = strs(rule.get("resources")).iter().any(|r| {
        r == &resource
            || r == "*/*"
            || (r == "*" && a.subresource.is_none())
            || a.subresource
                .is_some_and(|s| *r == format!("*/{s}") || *r == format!("{}/*", a.def.plural))
    });
    let scope_ok = match rule.get("scope").and_then(Value::as_str) {
        Some("Namespaced") => a.def.namespaced,
        Some("Cluster") => !a.def.namespaced,
        _ => true,
    };
    res_ok
        && scope_ok
        && any(strs(rule.get("apiGroups")), &a.def.group)
        && any(strs(rule.get("apiVersions")), &a.def.version)
        && any(strs(rule.get("operations")), a.operation)
}

fn selector_matches(sel: Option<&Value>, labels: Option<&Value>) -> bool {
    match sel {
        None => true,
        Some(s) => LabelSelector::from_structured(s).is_ok_and(|ls| ls.matches(labels)),
    }
}

fn webhook_applies(
    store: &Store,
    hook: &Value,
    a: &Attributes,
    object: Option<&Value>,
    old: Option<&Value>,
) -> bool {
    let rules = hook
        .get("rules")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if !rules.iter().any(|r| rule_matches(r, a)) {
        return false;
    }
    if a.def.namespaced {
        let ns_labels = store
            .get("namespaces", "", a.namespace)
            .and_then(|n| n.pointer("/metadata/labels").cloned());
        if !selector_matches(hook.get("namespaceSelector"), ns_labels.as_ref()) {
            return false;
        }
    }
    let obj_sel = hook.get("objectSelector");
    let labels_of = |o: Option<&Value>| o.and_then(|o| o.pointer("/metadata/labels")).cloned();
    selector_matches(obj_sel, labels_of(object).as_ref())
        || (old.is_some() && selector_matches(obj_sel, labels_of(old).as_ref()))
}

fn review(a: &Attributes, uid: &str, object: Option<&Value>, old: Option<&Value>) -> Value {
    let gvk = json!({"group": a.def.group, "version": a.def.version, "kind": a.def.kind});
    let gvr = json!({"group": a.def.group, "version": a.def.version, "resource": a.def.plural});
    let mut req = serde_json::Map::new();
    req.insert("uid".into(), json!(uid));
    req.insert("kind".into(), gvk.clone());
    req.insert("resource".into(), gvr.clone());
    if let Some(s) = a.subresource {
        req.insert("subResource".into(), json!(s));
    }
    req.insert("requestKind".into(), gvk);
    req.insert("requestResource".into(), gvr);
    if let Some(s) = a.subresource {
        req.insert("requestSubResource".into(), json!(s));
    }
    if !a.name.is_empty() {
        req.insert("name".into(), json!(a.name));
    }
    if a.def.namespaced {
        req.insert("namespace".into(), json!(a.namespace));
    }
    req.insert("operation".into(), json!(a.operation));
    let mut user = json!({"username": a.user.name, "uid": a.user.name, "groups": a.user.groups});
    if a.user.groups.is_empty() {
        user["groups"] = json!(["system:authenticated"]);
    }
    req.insert("userInfo".into(), user);
    req.insert("object".into(), object.cloned().unwrap_or(Value::Null));
    req.insert("oldObject".into(), old.cloned().unwrap_or(Value::Null));
    req.insert("dryRun".into(), json!(a.dry_run));
    req.insert("options".into(), a.options.clone());
    json!({"kind": "AdmissionReview", "apiVersion": "admission.k8s.io/v1", "request": req})
}

async fn call(
    hook: &Value,
    body: &Value,
    timeout: Duration,
    extra_ca: &[String],
) -> Result<Value, String> {
    let cc = hook.get("clientConfig").cloned().unwrap_or(Value::Null);
    let base = match (cc.get("url").and_then(Value::as_str), cc.get("service")) {
        (Some(u), _) => u.to_string(),
        (None, Some(svc)) => format!(
            "https://{}.{}.svc:{}{}",
            svc.get("name").and_then(Value::as_str).unwrap_or_default(),
            svc.get("namespace")
                .and_then(Value::as_str)
                .unwrap_or_default(),
            svc.get("port").and_then(Value::as_u64).unwrap_or(443),
            svc.get("path").and_then(Value::as_str).unwrap_or("")
        ),
        _ => return Err("webhook has no clientConfig.url or clientConfig.service".into()),
    };
    let url = format!(
        "{base}{}timeout={}s",
        if base.contains('?') { '&' } else { '?' },
        timeout.as_secs()
    );
    let mut builder = reqwest::Client::builder()
        .use_rustls_tls()
        .timeout(timeout)
        .tls_built_in_root_certs(false);
    if let Some(ca) = cc
        .get("caBundle")
        .and_then(Value::as_str)
        .filter(|c| !c.is_empty())
    {
        let pem = base64::engine::general_purpose::STANDARD
            .decode(ca)
            .map_err(|e| format!("invalid caBundle: {e}"))?;
        for cert in reqwest::Certificate::from_pem_bundle(&pem)
            .map_err(|e| format!("invalid caBundle: {e}"))?
        {
            builder = builder.add_root_certificate(cert);
        }
    }
    for pem in extra_ca {
        for cert in reqwest::Certificate::from_pem_bundle(pem.as_bytes())
            .map_err(|e| format!("invalid extra CA: {e}"))?
        {
            builder = builder.add_root_certificate(cert);
        }
    }
    let client = builder.build().map_err(|e| e.to_string())?;
    let resp = client.post(&url).json(body).send().await.map_err(|e| {
        format!(
            "failed to call webhook: Post \"{url}\": {}",
            error_chain(&e)
        )
    })?;
    let status = resp.status();
    let bytes = resp
        .bytes()
        .await
        .map_err(|e| format!("failed to read webhook response: {e}"))?;
    if !status.is_success() {
        return Err(format!(
            "failed to call webhook: the server responded with status {}",
            status.as_u16()
        ));
    }
    serde_json::from_slice(&bytes).map_err(|e| format!("received invalid webhook response: {e}"))
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

/// The real server's error for a denial (`ToStatusErr`).
fn denial(name: &str, status: Option<&Value>) -> ApiError {
    let st = status.cloned().unwrap_or(json!({}));
    let code = st
        .get("code")
        .and_then(Value::as_u64)
        .filter(|c| *c >= 400)
        .unwrap_or(400) as u16;
    let reason = st.get("reason").and_then(Value::as_str).unwrap_or("");
    let msg = st.get("message").and_then(Value::as_str).unwrap_or("");
    let denied_by = format!("admission webhook \"{name}\" denied the request");
    let message = if !msg.is_empty() {
        format!("{denied_by}: {msg}")
    } else if !reason.is_empty() {
        format!("{denied_by}: {reason}")
    } else {
        format!("{denied_by} without explanation")
    };
    ApiError::new(code, reason, message, st.get("details").cloned())
}

/// Run one phase. Returns the (possibly mutated) object and any warnings, or the error to send.
pub async fn run(
    store: &Store,
    phase: Phase,
    a: &Attributes<'_>,
    object: Option<Value>,
    old: Option<&Value>,
) -> Result<(Option<Value>, Vec<String>), ApiError> {
    let plural = match phase {
        Phase::Mutating => "mutatingwebhookconfigurations",
        Phase::Validating => "validatingwebhookconfigurations",
    };
    if a.def.group == "admissionregistration.k8s.io" {
        return Ok((object, Vec::new()));
    }
    let (configs, _) = store.list(plural, None);
    let mut object = object;
    let mut warnings = Vec::new();
    for cfg in configs {
        for hook in cfg
            .get("webhooks")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
        {
            if !webhook_applies(store, &hook, a, object.as_ref(), old) {
                continue;
            }
            let name = hook
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let side_effects = hook
                .get("sideEffects")
                .and_then(Value::as_str)
                .unwrap_or("Unknown");
            if a.dry_run && !matches!(side_effects, "None" | "NoneOnDryRun") {
                return Err(ApiError::bad_request(format!(
                    "admission webhook \"{name}\" does not support dry run"
                )));
            }
            let fail_open = hook.get("failurePolicy").and_then(Value::as_str) == Some("Ignore");
            let timeout = Duration::from_secs(
                hook.get("timeoutSeconds")
                    .and_then(Value::as_u64)
                    .unwrap_or(10)
                    .clamp(1, 30),
            );
            let uid = uuid_v4();
            let sent = object.clone().map(sort_keys);
            let body = review(a, &uid, sent.as_ref(), old);
            let outcome = call(&hook, &body, timeout, a.extra_ca).await.and_then(|r| {
                let resp = r
                    .get("response")
                    .cloned()
                    .ok_or("webhook response was absent")?;
                if resp.get("uid").and_then(Value::as_str) != Some(uid.as_str()) {
                    return Err(format!(
                        "expected response.uid=\"{uid}\", got {}",
                        resp.get("uid").cloned().unwrap_or(Value::Null)
                    ));
                }
                Ok(resp)
            });
            let resp = match outcome {
                Ok(r) => r,
                Err(e) if fail_open => {
                    tracing::warn!(webhook = %name, error = %e, "webhook failed, failurePolicy Ignore");
                    continue;
                }
                Err(e) => {
                    return Err(ApiError::internal(format!(
                        "failed calling webhook \"{name}\": {e}"
                    )));
                }
            };
            warnings.extend(strs(resp.get("warnings")));
            if resp.get("allowed").and_then(Value::as_bool) != Some(true) {
                return Err(denial(&name, resp.get("status")));
            }
            if phase == Phase::Mutating
                && let Some(p) = resp.get("patch").and_then(Value::as_str)
                && let Some(obj) = object.as_mut()
            {
                let raw = base64::engine::general_purpose::STANDARD
                    .decode(p)
                    .map_err(|e| {
                        ApiError::internal(format!(
                            "failed calling webhook \"{name}\": invalid patch: {e}"
                        ))
                    })?;
                let patch: json_patch::Patch = serde_json::from_slice(&raw).map_err(|e| {
                    ApiError::internal(format!(
                        "failed calling webhook \"{name}\": invalid patch: {e}"
                    ))
                })?;
                json_patch::patch(obj, &patch).map_err(|e| {
                    ApiError::internal(format!(
                        "failed calling webhook \"{name}\": patch failed: {e}"
                    ))
                })?;
            }
        }
    }
    Ok((object, warnings))
}
