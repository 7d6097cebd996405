//! What the operator emulator reads and writes, behind one trait: the sandbox's own store (in-process,
//! deterministic `step`/`advance`), or any Kubernetes API server over HTTP through kube-rs ([`HttpApi`]:
//! the real kube-apiserver tier, the sandbox over its own HTTPS port, or a kind cluster). Over HTTP, status
//! goes through the `/status` subresource and every write carries the emulator's field manager.

use kube::api::{Api, ApiResource, DeleteParams, DynamicObject, ListParams, PostParams};
use serde_json::Value;

use crate::store::Store;

/// The field manager of every emulator write.
pub const FIELD_MANAGER: &str = "flink-operator-emulator";

/// The API operations the emulator's reconcile passes use (synchronous: passes run on blocking threads).
pub trait ClusterApi: Send + Sync {
    /// Every object of `plural` in `namespace` (all namespaces when `None`).
    fn list(&self, plural: &str, namespace: Option<&str>) -> Vec<Value>;
    /// One object, or `None`.
    fn get(&self, plural: &str, namespace: &str, name: &str) -> Option<Value>;
    /// Creates `obj`; returns the stored object.
    fn create(&self, plural: &str, namespace: &str, obj: Value) -> Result<Value, String>;
    /// Replaces metadata/spec and status of `obj` with the resourceVersion precondition `rv`.
    fn update(
        &self,
        plural: &str,
        namespace: &str,
        obj: Value,
        rv: Option<&str>,
    ) -> Result<Value, String>;
    /// Deletes an object.
    fn delete(&self, plural: &str, namespace: &str, name: &str) -> Result<(), String>;
    /// Whether the API server serves `plural` (e.g. the FlinkStateSnapshot CRD of operator ≥ 1.10).
    fn served(&self, plural: &str) -> bool;
}

impl ClusterApi for Store {
    fn list(&self, plural: &str, namespace: Option<&str>) -> Vec<Value> {
        Store::list(self, plural, namespace).0
    }
    fn get(&self, plural: &str, namespace: &str, name: &str) -> Option<Value> {
        Store::get(self, plural, namespace, name)
    }
    fn create(&self, plural: &str, namespace: &str, obj: Value) -> Result<Value, String> {
        Store::create(self, plural, namespace, obj).map_err(|e| e.to_string())
    }
    fn update(
        &self,
        plural: &str,
        namespace: &str,
        obj: Value,
        rv: Option<&str>,
    ) -> Result<Value, String> {
        Store::update(self, plural, namespace, obj, rv).map_err(|e| e.to_string())
    }
    fn delete(&self, plural: &str, namespace: &str, name: &str) -> Result<(), String> {
        Store::delete(self, plural, namespace, name)
            .map(drop)
            .map_err(|e| e.to_string())
    }
    fn served(&self, plural: &str) -> bool {
        self.def(plural).is_ok()
    }
}

/// [`ClusterApi`] over HTTP. Calls block on `handle`, so passes must run outside the runtime's worker
/// threads (`spawn_blocking`).
pub struct HttpApi {
    client: kube::Client,
    handle: tokio::runtime::Handle,
    scope: Option<String>,
}

impl HttpApi {
    /// Uses `client` on the runtime of `handle`; `scope` limits every list to one namespace (an operator
    /// with `watchNamespaces`).
    pub fn new(
        client: kube::Client,
        handle: tokio::runtime::Handle,
        scope: Option<String>,
    ) -> Self {
        Self {
            client,
            handle,
            scope,
        }
    }

    /// The kube-rs resource for a plural the emulator touches.
    pub fn resource(plural: &str) -> ApiResource {
        let (group, kind) = match plural {
            "events" => ("", "Event"),
            "pods" => ("", "Pod"),
            "services" => ("", "Service"),
            "endpointslices" => ("discovery.k8s.io", "EndpointSlice"),
            "flinkdeployments" => ("flink.apache.org", "FlinkDeployment"),
            "flinksessionjobs" => ("flink.apache.org", "FlinkSessionJob"),
            _ => ("flink.apache.org", "FlinkStateSnapshot"),
        };
        let version = if group == "flink.apache.org" {
            "v1beta1"
        } else {
            "v1"
        };
        ApiResource {
            group: group.into(),
            version: version.into(),
            api_version: if group.is_empty() {
                version.into()
            } else {
                format!("{group}/{version}")
            },
            kind: kind.into(),
            plural: plural.into(),
        }
    }

    fn api(&self, plural: &str, namespace: Option<&str>) -> Api<DynamicObject> {
        let ar = Self::resource(plural);
        match namespace.or(self.scope.as_deref()) {
            Some(ns) => Api::namespaced_with(self.client.clone(), ns, &ar),
            None => Api::all_with(self.client.clone(), &ar),
        }
    }

    fn params() -> PostParams {
        PostParams {
            field_manager: Some(FIELD_MANAGER.into()),
            ..Default::default()
        }
    }
}

fn to_value(obj: DynamicObject) -> Value {
    serde_json::to_value(obj).unwrap_or(Value::Null)
}

fn from_value(obj: Value) -> Result<DynamicObject, String> {
    serde_json::from_value(obj).map_err(|e| format!("not an object: {e}"))
}

impl ClusterApi for HttpApi {
    fn list(&self, plural: &str, namespace: Option<&str>) -> Vec<Value> {
        let api = self.api(plural, namespace);
        match self.handle.block_on(api.list(&ListParams::default())) {
            Ok(list) => list.items.into_iter().map(to_value).collect(),
            Err(e) => {
                tracing::debug!(plural, error = %e, "emulator list failed");
                Vec::new()
            }
        }
    }

    fn get(&self, plural: &str, namespace: &str, name: &str) -> Option<Value> {
        let api = self.api(plural, Some(namespace));
        self.handle
            .block_on(api.get_opt(name))
            .ok()
            .flatten()
            .map(to_value)
    }

    fn create(&self, plural: &str, namespace: &str, obj: Value) -> Result<Value, String> {
        let api = self.api(plural, Some(namespace));
        let status = obj.get("status").cloned();
        let created = self
            .handle
            .block_on(api.create(&Self::params(), &from_value(obj)?))
            .map_err(|e| e.to_string())?;
        let mut created = to_value(created);
        // The API server drops status on create; the operator writes it right after through /status.
        match status {
            Some(status) if plural != "events" => {
                created["status"] = status;
                let rv = created
                    .pointer("/metadata/resourceVersion")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                self.update(plural, namespace, created, rv.as_deref())
            }
            _ => Ok(created),
        }
    }

    fn update(
        &self,
        plural: &str,
        namespace: &str,
        mut obj: Value,
        rv: Option<&str>,
    ) -> Result<Value, String> {
        let api = self.api(plural, Some(namespace));
        let name = obj
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .ok_or("no metadata.name")?
            .to_string();
        if let Some(rv) = rv {
            obj["metadata"]["resourceVersion"] = Value::String(rv.to_string());
        }
        let status = obj.get("status").cloned();
        // Main resource first (metadata such as finalizers; the server ignores status here), then status.
        let main = self
            .handle
            .block_on(api.replace(&name, &Self::params(), &from_value(obj.clone())?))
            .map_err(|e| e.to_string())?;
        let mut main = to_value(main);
        if main.get("status") == status.as_ref() || status.is_none() {
            return Ok(main);
        }
        let Some(status) = status else {
            return Ok(main);
        };
        main["status"] = status;
        let body = from_value(main)?;
        self.handle
            .block_on(api.replace_status(&name, &Self::params(), &body))
            .map(to_value)
            .map_err(|e| e.to_string())
    }

    fn delete(&self, plural: &str, namespace: &str, name: &str) -> Result<(), String> {
        let api = self.api(plural, Some(namespace));
        self.handle
            .block_on(api.delete(name, &DeleteParams::default()))
            .map(drop)
            .map_err(|e| e.to_string())
    }

    fn served(&self, plural: &str) -> bool {
        let api = self.api(plural, None);
        self.handle
            .block_on(api.list(&ListParams::default().limit(1)))
            .is_ok()
    }
}
