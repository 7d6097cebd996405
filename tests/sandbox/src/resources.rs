//! Resource definitions served by the sandbox: the Flink CRDs (loaded from `flink-crds/*.yml`) and the few
//! built-in kinds the tools touch (namespaces, events, admission webhook configurations).

use std::path::Path;

use anyhow::Context;
use base64::Engine;
use serde_json::{Value, json};

/// One served resource (a kind in one group/version).
#[derive(Debug, Clone)]
pub struct ResourceDef {
    /// API group, `""` for the core group.
    pub group: String,
    pub version: String,
    pub plural: String,
    pub singular: String,
    pub kind: String,
    pub list_kind: String,
    pub short_names: Vec<String>,
    pub namespaced: bool,
    /// True for custom resources (generation/status semantics, sorted-key JSON, 415 on strategic merge).
    pub custom: bool,
    pub status_subresource: bool,
    /// The CRD declares `subresources.scale` (listed in discovery; requests to it answer 404).
    pub scale_subresource: bool,
    /// The CRD's `openAPIV3Schema`, when the kind is validated.
    pub schema: Option<Value>,
    /// The CRD's `additionalPrinterColumns`.
    pub printer_columns: Vec<Value>,
}

impl ResourceDef {
    /// `group/version`, or `v1` for the core group.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// `plural.group` as used in error messages (`flinkdeployments.flink.apache.org`), `plural` for core.
    pub fn qualified_plural(&self) -> String {
        if self.group.is_empty() {
            self.plural.clone()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    /// `Kind.group` as used in 422 messages (`FlinkStateSnapshot.flink.apache.org`), `Kind` for core.
    pub fn qualified_kind(&self) -> String {
        if self.group.is_empty() {
            self.kind.clone()
        } else {
            format!("{}.{}", self.kind, self.group)
        }
    }

    /// The `storageVersionHash` the real apiserver publishes: base64(sha256("group/version/Kind")[..8]).
    pub fn storage_version_hash(&self) -> String {
        let input = format!("{}/{}", self.api_version(), self.kind);
        let digest = ring::digest::digest(&ring::digest::SHA256, input.as_bytes());
        base64::engine::general_purpose::STANDARD.encode(&digest.as_ref()[..8])
    }

    /// Parse one `CustomResourceDefinition` (YAML) into the served version's definition.
    pub fn from_crd(crd: &Value) -> anyhow::Result<Self> {
        let spec = crd.get("spec").context("CRD has no spec")?;
        let names = spec.get("names").context("CRD has no spec.names")?;
        let s = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or_default().to_string();
        let versions = spec
            .get("versions")
            .and_then(Value::as_array)
            .context("CRD has no spec.versions")?;
        let version = versions
            .iter()
            .find(|v| v.get("storage").and_then(Value::as_bool) == Some(true))
            .or_else(|| versions.first())
            .context("CRD has no version")?;
        let kind = s(names.get("kind"));
        Ok(Self {
            group: s(spec.get("group")),
            version: s(version.get("name")),
            plural: s(names.get("plural")),
            singular: s(names.get("singular")),
            list_kind: names
                .get("listKind")
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| format!("{kind}List")),
            kind,
            short_names: names
                .get("shortNames")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
            namespaced: s(spec.get("scope")) != "Cluster",
            custom: true,
            status_subresource: version.pointer("/subresources/status").is_some(),
            scale_subresource: version.pointer("/subresources/scale").is_some(),
            schema: version.pointer("/schema/openAPIV3Schema").cloned(),
            printer_columns: version
                .get("additionalPrinterColumns")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
        })
    }

    fn builtin(group: &str, plural: &str, kind: &str, namespaced: bool, short: &[&str]) -> Self {
        Self {
            group: group.to_string(),
            version: "v1".to_string(),
            plural: plural.to_string(),
            singular: kind.to_lowercase(),
            kind: kind.to_string(),
            list_kind: format!("{kind}List"),
            short_names: short.iter().map(|s| s.to_string()).collect(),
            namespaced,
            custom: false,
            status_subresource: matches!(plural, "namespaces" | "pods" | "services"),
            scale_subresource: false,
            schema: None,
            printer_columns: Vec::new(),
        }
    }

    /// Discovery entry (`APIResource`) for the main resource, shaped like the real apiserver's.
    pub fn discovery_entries(&self) -> Vec<Value> {
        let mut main = json!({
            "name": self.plural,
            "singularName": self.singular,
            "namespaced": self.namespaced,
            "kind": self.kind,
            "verbs": ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"],
        });
        if !self.short_names.is_empty() {
            main["shortNames"] = json!(self.short_names);
        }
        main["storageVersionHash"] = json!(self.storage_version_hash());
        let mut out = vec![main];
        if self.status_subresource {
            out.push(json!({
                "name": format!("{}/status", self.plural),
                "singularName": "",
                "namespaced": self.namespaced,
                "kind": self.kind,
                "verbs": ["get", "patch", "update"],
            }));
        }
        if self.scale_subresource {
            out.push(json!({
                "name": format!("{}/scale", self.plural),
                "singularName": "",
                "namespaced": self.namespaced,
                "group": "autoscaling",
                "version": "v1",
                "kind": "Scale",
                "verbs": ["get", "patch", "update"],
            }));
        }
        out
    }
}

/// Names of the Flink CRD files, by plural.
pub const FLINK_PLURALS: [&str; 3] = [
    "flinkdeployments",
    "flinksessionjobs",
    "flinkstatesnapshots",
];

/// Load the served resources: the Flink CRDs in `<shared>/flink-crds/` (minus `without`) plus built-ins.
pub fn load(shared_dir: &Path, without: &[String]) -> anyhow::Result<Vec<ResourceDef>> {
    let mut defs = vec![
        ResourceDef::builtin("", "namespaces", "Namespace", false, &["ns"]),
        ResourceDef::builtin("", "events", "Event", true, &["ev"]),
        // What the service proxy route resolves, like kube-apiserver: a Service's EndpointSlices and the
        // Pods they point at (the live-JobManager tier creates them; nothing else does).
        ResourceDef::builtin("", "pods", "Pod", true, &["po"]),
        ResourceDef::builtin("", "services", "Service", true, &["svc"]),
        ResourceDef::builtin(
            "discovery.k8s.io",
            "endpointslices",
            "EndpointSlice",
            true,
            &[],
        ),
        ResourceDef::builtin(
            "admissionregistration.k8s.io",
            "mutatingwebhookconfigurations",
            "MutatingWebhookConfiguration",
            false,
            &[],
        ),
        ResourceDef::builtin(
            "admissionregistration.k8s.io",
            "validatingwebhookconfigurations",
            "ValidatingWebhookConfiguration",
            false,
            &[],
        ),
    ];
    for plural in FLINK_PLURALS {
        if without.iter().any(|w| w == plural) {
            continue;
        }
        let path = shared_dir.join("flink-crds").join(format!("{plural}.yml"));
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading CRD {}", path.display()))?;
        let crd: Value = serde_yaml_ng::from_str(&text)
            .with_context(|| format!("parsing CRD {}", path.display()))?;
        defs.push(ResourceDef::from_crd(&crd).with_context(|| format!("CRD {}", path.display()))?);
    }
    Ok(defs)
}
