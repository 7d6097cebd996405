//! In-memory object store: one global resourceVersion counter, metadata maintenance (uid,
//! resourceVersion, generation, creationTimestamp, generateName, finalizers) and a watch event log.
//!
//! The public methods bypass authentication and admission; tests use them for setup and asserts
//! (`Sandbox::store()`). Resources are named by plural (`"flinkdeployments"`, `"namespaces"`, `"events"`).

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{Map, Value, json};
use tokio::sync::broadcast;

use crate::resources::ResourceDef;

mod log;

use crate::util::{now_rfc3339, random_suffix, sort_keys, uuid_v4};
pub use log::{Change, EventType};

const HISTORY: usize = 50_000;

/// Store failures, mapped to API errors by the server.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StoreError {
    #[error("unknown resource {0:?}")]
    UnknownResource(String),
    #[error("not found")]
    NotFound,
    #[error("already exists")]
    AlreadyExists,
    #[error("conflict: stale resourceVersion")]
    Conflict,
    #[error("namespace {0:?} not found")]
    NamespaceNotFound(String),
    #[error("metadata.name: Required value: name or generateName is required")]
    NameRequired,
    #[error("malformed object: {0}")]
    Malformed(String),
}

/// Structural sanity every stored object needs: a JSON object whose `metadata` (if present) is an object
/// with string-map `labels`/`annotations` and a string-list `finalizers`.
pub fn check_shape(obj: &Value) -> Result<(), StoreError> {
    let bad = |m: &str| Err(StoreError::Malformed(m.to_string()));
    if !obj.is_object() {
        return bad("the object must be a JSON object");
    }
    let Some(meta) = obj.get("metadata") else {
        return Ok(());
    };
    if meta.is_null() {
        return Ok(());
    }
    if !meta.is_object() {
        return bad("metadata must be an object");
    }
    for f in ["labels", "annotations"] {
        if let Some(v) = meta.get(f).filter(|v| !v.is_null())
            && !v
                .as_object()
                .is_some_and(|m| m.values().all(Value::is_string))
        {
            return bad(&format!("metadata.{f} must be a map of strings"));
        }
    }
    if let Some(v) = meta.get("finalizers").filter(|v| !v.is_null())
        && !v.as_array().is_some_and(|a| a.iter().all(Value::is_string))
    {
        return bad("metadata.finalizers must be a list of strings");
    }
    Ok(())
}

type Key = (String, String, String);

struct Inner {
    rv: u64,
    objects: BTreeMap<Key, Value>,
    history: VecDeque<Arc<Change>>,
}

/// Shared handle to the object store (cheap to clone).
#[derive(Clone)]
pub struct Store {
    inner: Arc<Mutex<Inner>>,
    tx: broadcast::Sender<Arc<Change>>,
    defs: Arc<Vec<ResourceDef>>,
}

fn meta(obj: &Value, field: &str) -> Option<String> {
    obj.get("metadata")
        .and_then(|m| m.get(field))
        .and_then(Value::as_str)
        .map(str::to_string)
}

fn meta_mut(obj: &mut Value) -> &mut Map<String, Value> {
    if !obj.get("metadata").is_some_and(Value::is_object) {
        obj["metadata"] = json!({});
    }
    match obj.get_mut("metadata") {
        Some(Value::Object(m)) => m,
        _ => unreachable!("metadata was just made an object"),
    }
}

/// The parts of a custom resource whose change bumps `generation` (everything but metadata and status).
fn generation_relevant(obj: &Value) -> Value {
    let mut o = obj.clone();
    if let Some(m) = o.as_object_mut() {
        m.remove("metadata");
        m.remove("status");
    }
    o
}

impl Store {
    pub(crate) fn new(defs: Arc<Vec<ResourceDef>>) -> Self {
        let (tx, _) = broadcast::channel(8192);
        let store = Self {
            inner: Arc::new(Mutex::new(Inner {
                rv: 100,
                objects: BTreeMap::new(),
                history: VecDeque::new(),
            })),
            tx,
            defs,
        };
        for ns in ["default", "kube-system", "kube-public"] {
            store.ensure_namespace(ns);
        }
        store
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Definition of a served resource by plural.
    pub fn def(&self, plural: &str) -> Result<&ResourceDef, StoreError> {
        self.defs
            .iter()
            .find(|d| d.plural == plural)
            .ok_or_else(|| StoreError::UnknownResource(plural.to_string()))
    }

    pub(crate) fn defs(&self) -> &[ResourceDef] {
        &self.defs
    }

    /// Current global resourceVersion.
    pub fn resource_version(&self) -> u64 {
        self.lock().rv
    }

    fn record(&self, inner: &mut Inner, change: Change) {
        let change = Arc::new(change);
        inner.history.push_back(change.clone());
        if inner.history.len() > HISTORY {
            inner.history.pop_front();
        }
        let _ = self.tx.send(change);
    }

    /// Create namespace `ns` if it does not exist.
    pub fn ensure_namespace(&self, ns: &str) {
        if self.get("namespaces", "", ns).is_none() {
            let obj = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}});
            let _ = self.create("namespaces", "", obj);
        }
    }

    /// Get one object (`namespace` is ignored for cluster-scoped resources).
    pub fn get(&self, plural: &str, namespace: &str, name: &str) -> Option<Value> {
        let ns = self.scope_ns(plural, namespace).ok()?;
        self.lock()
            .objects
            .get(&(plural.to_string(), ns, name.to_string()))
            .cloned()
    }

    fn scope_ns(&self, plural: &str, namespace: &str) -> Result<String, StoreError> {
        Ok(if self.def(plural)?.namespaced {
            namespace.to_string()
        } else {
            String::new()
        })
    }

    /// List objects of a resource, in one namespace or all (`None`), in key order, with the list resourceVersion.
    pub fn list(&self, plural: &str, namespace: Option<&str>) -> (Vec<Value>, u64) {
        let inner = self.lock();
        let items = inner
            .objects
            .iter()
            .filter(|((p, ns, _), _)| p == plural && namespace.is_none_or(|n| n == ns))
            .map(|(_, v)| v.clone())
            .collect();
        (items, inner.rv)
    }

    /// Run `f` over the objects of `plural` (all namespaces when `namespace` is `None`) without
    /// cloning them, together with the current resourceVersion; the store stays locked meanwhile.
    /// LIST pages use this so that only the returned page is copied.
    pub fn visit<R>(
        &self,
        plural: &str,
        namespace: Option<&str>,
        f: impl FnOnce(&mut dyn Iterator<Item = &Value>, u64) -> R,
    ) -> R {
        let inner = self.lock();
        let mut iter = inner
            .objects
            .iter()
            .filter(|((p, ns, _), _)| p == plural && namespace.is_none_or(|n| n == ns))
            .map(|(_, v)| v);
        f(&mut iter, inner.rv)
    }

    /// Create an object, filling server-maintained metadata. Namespaced objects need an existing namespace
    /// (use [`Store::ensure_namespace`]); `metadata.generateName` is honoured.
    pub fn create(&self, plural: &str, namespace: &str, obj: Value) -> Result<Value, StoreError> {
        let def = self.def(plural)?.clone();
        check_shape(&obj)?;
        let mut obj = obj;
        let ns = if def.namespaced {
            namespace.to_string()
        } else {
            String::new()
        };
        let mut inner = self.lock();
        if def.namespaced
            && !inner
                .objects
                .contains_key(&("namespaces".into(), String::new(), ns.clone()))
        {
            return Err(StoreError::NamespaceNotFound(ns));
        }
        let name = match meta(&obj, "name").filter(|n| !n.is_empty()) {
            Some(n) => n,
            None => match meta(&obj, "generateName").filter(|n| !n.is_empty()) {
                Some(prefix) => format!("{prefix}{}", random_suffix(5)),
                None => return Err(StoreError::NameRequired),
            },
        };
        let key = (plural.to_string(), ns.clone(), name.clone());
        if inner.objects.contains_key(&key) {
            return Err(StoreError::AlreadyExists);
        }
        inner.rv += 1;
        let rv = inner.rv;
        obj["apiVersion"] = json!(def.api_version());
        obj["kind"] = json!(def.kind);
        let m = meta_mut(&mut obj);
        m.insert("name".into(), json!(name));
        if def.namespaced {
            m.insert("namespace".into(), json!(ns));
        } else {
            m.remove("namespace");
        }
        m.insert("uid".into(), json!(uuid_v4()));
        m.insert("resourceVersion".into(), json!(rv.to_string()));
        m.insert("creationTimestamp".into(), json!(now_rfc3339()));
        m.remove("deletionTimestamp");
        if def.custom {
            m.insert("generation".into(), json!(1));
        }
        if plural == "namespaces" {
            let labels = m.entry("labels").or_insert_with(|| json!({}));
            labels["kubernetes.io/metadata.name"] = json!(name);
            obj["spec"] = json!({"finalizers": ["kubernetes"]});
            obj["status"] = json!({"phase": "Active"});
        }
        let obj = if def.custom { sort_keys(obj) } else { obj };
        inner.objects.insert(key, obj.clone());
        let change = Change {
            rv,
            plural: plural.into(),
            namespace: ns,
            kind: EventType::Added,
            object: obj.clone(),
            old: None,
        };
        self.record(&mut inner, change);
        Ok(obj)
    }

    /// Replace an object. `expected_rv` (if `Some` and non-empty) must equal the current resourceVersion.
    /// uid/creationTimestamp are preserved, generation bumped on spec changes (custom resources), and an
    /// object being deleted is removed once its finalizers are empty. An update that changes nothing is a
    /// no-op, as on kube-apiserver: the current object comes back with its resourceVersion, and no event.
    pub fn update(
        &self,
        plural: &str,
        namespace: &str,
        obj: Value,
        expected_rv: Option<&str>,
    ) -> Result<Value, StoreError> {
        check_shape(&obj)?;
        let def = self.def(plural)?.clone();
        let ns = if def.namespaced {
            namespace.to_string()
        } else {
            String::new()
        };
        let name = meta(&obj, "name").ok_or(StoreError::NotFound)?;
        let key = (plural.to_string(), ns.clone(), name);
        let mut inner = self.lock();
        let current = inner
            .objects
            .get(&key)
            .cloned()
            .ok_or(StoreError::NotFound)?;
        if let Some(want) = expected_rv.filter(|r| !r.is_empty())
            && meta(&current, "resourceVersion").as_deref() != Some(want)
        {
            return Err(StoreError::Conflict);
        }
        let mut obj = obj;
        obj["apiVersion"] = json!(def.api_version());
        obj["kind"] = json!(def.kind);
        let cur_meta = current
            .get("metadata")
            .cloned()
            .unwrap_or_else(|| json!({}));
        let mut generation = cur_meta
            .get("generation")
            .and_then(Value::as_i64)
            .unwrap_or(1);
        if def.custom && generation_relevant(&obj) != generation_relevant(&current) {
            generation += 1;
        }
        let m = meta_mut(&mut obj);
        for f in [
            "uid",
            "creationTimestamp",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
            "namespace",
            "resourceVersion",
        ] {
            match cur_meta.get(f) {
                Some(v) => m.insert(f.into(), v.clone()),
                None => m.remove(f),
            };
        }
        if def.custom {
            m.insert("generation".into(), json!(generation));
        }
        let being_deleted = m.contains_key("deletionTimestamp");
        let finalizers_empty = m
            .get("finalizers")
            .and_then(Value::as_array)
            .is_none_or(Vec::is_empty);
        let mut obj = if def.custom { sort_keys(obj) } else { obj };
        // Like kube-apiserver: a write that changes nothing is not written (same resourceVersion, no
        // watch event).
        if obj == current && !(being_deleted && finalizers_empty) {
            return Ok(current);
        }
        inner.rv += 1;
        let rv = inner.rv;
        meta_mut(&mut obj).insert("resourceVersion".into(), json!(rv.to_string()));
        if being_deleted && finalizers_empty {
            inner.objects.remove(&key);
            let change = Change {
                rv,
                plural: plural.into(),
                namespace: ns,
                kind: EventType::Deleted,
                object: obj.clone(),
                old: Some(current),
            };
            self.record(&mut inner, change);
            return Ok(obj);
        }
        inner.objects.insert(key, obj.clone());
        let change = Change {
            rv,
            plural: plural.into(),
            namespace: ns,
            kind: EventType::Modified,
            object: obj.clone(),
            old: Some(current),
        };
        self.record(&mut inner, change);
        Ok(obj)
    }

    /// Delete an object: with finalizers it only gets `deletionTimestamp`; otherwise it is removed.
    /// Deleting a namespace removes every object in it. Returns the object as last seen.
    pub fn delete(&self, plural: &str, namespace: &str, name: &str) -> Result<Value, StoreError> {
        let def = self.def(plural)?.clone();
        let ns = if def.namespaced {
            namespace.to_string()
        } else {
            String::new()
        };
        let key = (plural.to_string(), ns.clone(), name.to_string());
        let mut inner = self.lock();
        let current = inner
            .objects
            .get(&key)
            .cloned()
            .ok_or(StoreError::NotFound)?;
        let has_finalizers = current
            .pointer("/metadata/finalizers")
            .and_then(Value::as_array)
            .is_some_and(|f| !f.is_empty());
        inner.rv += 1;
        let rv = inner.rv;
        let mut obj = current.clone();
        obj["metadata"]["resourceVersion"] = json!(rv.to_string());
        if has_finalizers && plural != "namespaces" {
            if current.pointer("/metadata/deletionTimestamp").is_none() {
                obj["metadata"]["deletionTimestamp"] = json!(now_rfc3339());
                obj["metadata"]["deletionGracePeriodSeconds"] = json!(0);
                let obj = if def.custom { sort_keys(obj) } else { obj };
                inner.objects.insert(key, obj.clone());
                let change = Change {
                    rv,
                    plural: plural.into(),
                    namespace: ns,
                    kind: EventType::Modified,
                    object: obj.clone(),
                    old: Some(current),
                };
                self.record(&mut inner, change);
                return Ok(obj);
            }
            return Ok(current);
        }
        if plural == "namespaces" {
            let doomed: Vec<Key> = inner
                .objects
                .keys()
                .filter(|(p, n, _)| p != "namespaces" && *n == name)
                .cloned()
                .collect();
            for k in doomed {
                if let Some(o) = inner.objects.remove(&k) {
                    inner.rv += 1;
                    let change = Change {
                        rv: inner.rv,
                        plural: k.0.clone(),
                        namespace: k.1.clone(),
                        kind: EventType::Deleted,
                        object: o,
                        old: None,
                    };
                    self.record(&mut inner, change);
                }
            }
            obj["status"] = json!({"phase": "Terminating"});
        }
        inner.objects.remove(&key);
        let change = Change {
            rv,
            plural: plural.into(),
            namespace: ns,
            kind: EventType::Deleted,
            object: obj.clone(),
            old: None,
        };
        self.record(&mut inner, change);
        Ok(obj)
    }

    /// Set an object's `status` (like a PUT on `/status`): everything else is kept.
    pub fn set_status(
        &self,
        plural: &str,
        namespace: &str,
        name: &str,
        status: Value,
    ) -> Result<Value, StoreError> {
        let mut cur = self
            .get(plural, namespace, name)
            .ok_or(StoreError::NotFound)?;
        cur["status"] = status;
        self.update(plural, namespace, cur, None)
    }
}
