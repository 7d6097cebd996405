//! [`Env`]: one test's view of a backend, with fixtures set up through the API.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Context;
use flink_sandbox::{Permissions, Sandbox, SandboxBuilder};
use k8s_openapi::api::core::v1::{Namespace, Pod, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use kube::api::{Api, ApiResource, DynamicObject, Patch, PatchParams, PostParams};
use serde_json::{Value, json};
use tokio::sync::OnceCell;

use crate::real::{RealCluster, User, client_from_kubeconfig};

/// Which API server a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// `tests/sandbox`: this project's API server (fault injection, request log).
    Sandbox,
    /// The real kube-apiserver + etcd ([`RealCluster`]).
    Real,
}

impl Backend {
    /// `sandbox` or `real`.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sandbox => "sandbox",
            Backend::Real => "real",
        }
    }
}

/// The field manager of every fixture write.
pub const FIELD_MANAGER: &str = "flink-testenv";

static NEXT_TEST: AtomicUsize = AtomicUsize::new(0);

/// One test's environment: a backend, a namespace of its own (`ns()`), kubeconfigs for the admin, the
/// viewer (read-only) and the operator (the plugin's `flink-savepoint-operator` role), and fixture writes
/// through the API as the admin.
pub struct Env {
    backend: Backend,
    /// Namespace prefix unique to this test on the real server (`""` on a per-test sandbox).
    prefix: String,
    ns: String,
    admin: PathBuf,
    viewer: PathBuf,
    operator: PathBuf,
    sandbox: Option<Sandbox>,
    client: OnceCell<kube::Client>,
}

const FLINK_KINDS: [&str; 3] = [
    "flinkdeployments",
    "flinksessionjobs",
    "flinkstatesnapshots",
];

/// The sandbox twin of the `flink-savepoint-viewer` ClusterRole (`manifests/plugin-rbac/viewer.yaml`),
/// which the real tier binds to the viewer: read the Flink kinds, list events and namespaces, get
/// `services/proxy` (the JobManager REST API).
fn viewer_permissions() -> Permissions {
    Permissions::none()
        .allow(&["get", "list", "watch"], &FLINK_KINDS)
        .allow(&["list"], &["events", "namespaces"])
        .allow(&["get"], &["services/proxy"])
}

/// The sandbox twin of the `flink-savepoint-operator` ClusterRole (`manifests/plugin-rbac/operator.yaml`):
/// the viewer's reads, patch/create of deployments and session jobs, create/delete of snapshots (no
/// delete of deployments or session jobs, no `/status`).
fn operator_permissions() -> Permissions {
    viewer_permissions()
        .allow(
            &["patch", "create"],
            &["flinkdeployments", "flinksessionjobs"],
        )
        .allow(&["create", "delete"], &["flinkstatesnapshots"])
}

impl Env {
    /// A fresh sandbox with namespace `flink` and the viewer/operator users.
    pub async fn sandbox() -> Env {
        Self::sandbox_with(Sandbox::builder()).await
    }

    /// A fresh sandbox from `builder` (e.g. `.without_crd("flinkstatesnapshots")`), plus the users.
    pub async fn sandbox_with(builder: SandboxBuilder) -> Env {
        let sb = builder
            .user("viewer", "viewer-token", viewer_permissions())
            .user("operator", "operator-token", operator_permissions())
            .start()
            .await
            .expect("sandbox starts");
        let env = Env {
            backend: Backend::Sandbox,
            prefix: String::new(),
            ns: "flink".into(),
            admin: sb.kubeconfig_path().to_path_buf(),
            viewer: sb.kubeconfig_for_user("viewer").expect("viewer kubeconfig"),
            operator: sb
                .kubeconfig_for_user("operator")
                .expect("operator kubeconfig"),
            sandbox: Some(sb),
            client: OnceCell::new(),
        };
        env.ensure_namespace("flink").await;
        env
    }

    /// A namespace of this test's own on the real API server of this test binary.
    pub async fn real() -> Env {
        let cluster = tokio::task::spawn_blocking(RealCluster::shared)
            .await
            .expect("real cluster start-up thread");
        let n = NEXT_TEST.fetch_add(1, Ordering::Relaxed);
        let prefix = format!("t{}-{n}", std::process::id() % 10_000);
        let ns = format!("{prefix}-flink");
        let env = Env {
            backend: Backend::Real,
            admin: cluster.kubeconfig(),
            viewer: cluster.kubeconfig_for(User::Viewer),
            operator: cluster.kubeconfig_for(User::Operator),
            prefix,
            ns: ns.clone(),
            sandbox: None,
            client: OnceCell::new(),
        };
        env.ensure_namespace(&ns).await;
        env
    }

    /// A fresh environment on `backend`.
    pub async fn on(backend: Backend) -> Env {
        match backend {
            Backend::Sandbox => Env::sandbox().await,
            Backend::Real => Env::real().await,
        }
    }

    /// The backend.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// This test's main namespace.
    pub fn ns(&self) -> &str {
        &self.ns
    }

    /// Another namespace of this test's own, called `name` on the sandbox and `<prefix>-name` on the real
    /// server (tests there share one API server). Not created: see [`Env::ensure_namespace`].
    pub fn other_ns(&self, name: &str) -> String {
        if self.prefix.is_empty() {
            name.to_string()
        } else {
            format!("{}-{name}", self.prefix)
        }
    }

    /// The admin kubeconfig.
    pub fn kubeconfig(&self) -> &Path {
        &self.admin
    }

    /// The read-only user's kubeconfig.
    pub fn viewer_kubeconfig(&self) -> &Path {
        &self.viewer
    }

    /// The operator user's kubeconfig (the plugin's operator role).
    pub fn operator_kubeconfig(&self) -> &Path {
        &self.operator
    }

    /// The sandbox, for tests that need its request log or fault injection (sandbox-only tests).
    pub fn sandbox_ref(&self) -> Option<&Sandbox> {
        self.sandbox.as_ref()
    }

    /// An admin kube-rs client (one per environment).
    pub async fn client(&self) -> kube::Client {
        self.client
            .get_or_try_init(|| client_from_kubeconfig(&self.admin))
            .await
            .expect("admin client")
            .clone()
    }

    fn resource(plural: &str) -> ApiResource {
        let kind = match plural {
            "flinkdeployments" => "FlinkDeployment",
            "flinksessionjobs" => "FlinkSessionJob",
            "flinkstatesnapshots" => "FlinkStateSnapshot",
            other => panic!("not a Flink resource: {other}"),
        };
        ApiResource {
            group: "flink.apache.org".into(),
            version: "v1beta1".into(),
            api_version: "flink.apache.org/v1beta1".into(),
            kind: kind.into(),
            plural: plural.into(),
        }
    }

    async fn api(&self, plural: &str, ns: &str) -> Api<DynamicObject> {
        Api::namespaced_with(self.client().await, ns, &Self::resource(plural))
    }

    /// Creates namespace `ns` if it does not exist.
    pub async fn ensure_namespace(&self, ns: &str) {
        let api: Api<Namespace> = Api::all(self.client().await);
        let obj: Namespace =
            serde_json::from_value(json!({ "metadata": { "name": ns } })).expect("namespace");
        match api
            .create(
                &PostParams {
                    field_manager: Some(FIELD_MANAGER.into()),
                    ..Default::default()
                },
                &obj,
            )
            .await
        {
            Ok(_) => {}
            Err(kube::Error::Api(e)) if e.code == 409 => {}
            Err(e) => panic!("creating namespace {ns}: {e}"),
        }
    }

    /// Creates `obj` (a Flink resource named by `plural`) in `ns`; returns the stored object.
    pub async fn create(&self, plural: &str, ns: &str, obj: Value) -> Value {
        self.ensure_namespace(ns).await;
        let obj: DynamicObject = serde_json::from_value(obj).expect("a Kubernetes object");
        let created = self
            .api(plural, ns)
            .await
            .create(
                &PostParams {
                    field_manager: Some(FIELD_MANAGER.into()),
                    ..Default::default()
                },
                &obj,
            )
            .await
            .unwrap_or_else(|e| panic!("creating {plural} in {ns}: {e}"));
        serde_json::to_value(created).expect("object JSON")
    }

    /// Replaces `status` through the `/status` subresource (a merge patch; `null`s in `status` delete).
    pub async fn set_status(&self, plural: &str, ns: &str, name: &str, status: Value) {
        self.try_set_status(plural, ns, name, status)
            .await
            .unwrap_or_else(|e| panic!("setting status of {plural}/{name}: {e:#}"));
    }

    /// [`Env::set_status`], returning the error.
    pub async fn try_set_status(
        &self,
        plural: &str,
        ns: &str,
        name: &str,
        status: Value,
    ) -> anyhow::Result<()> {
        let api = self.api(plural, ns).await;
        // Clear what is there first, so the new status replaces it as a whole (like the store did).
        let current = api.get_status(name).await.context("reading status")?;
        let mut body = json!({ "status": status });
        if let Some(old) = current.data.get("status").and_then(Value::as_object) {
            for key in old.keys() {
                if body["status"].get(key).is_none() {
                    body["status"][key] = Value::Null;
                }
            }
        }
        api.patch_status(
            name,
            &PatchParams {
                field_manager: Some(FIELD_MANAGER.into()),
                ..Default::default()
            },
            &Patch::Merge(body),
        )
        .await
        .context("patching status")?;
        Ok(())
    }

    /// Replaces `status` with a PUT to `/status` (the whole object, as controllers write it; unlike a merge
    /// patch, a `null` in it is a value, not a deletion).
    pub async fn replace_status(
        &self,
        plural: &str,
        ns: &str,
        name: &str,
        status: Value,
    ) -> anyhow::Result<Value> {
        let api = self.api(plural, ns).await;
        let mut current = serde_json::to_value(api.get(name).await.context("reading")?)?;
        current["status"] = status;
        let obj: DynamicObject = serde_json::from_value(current)?;
        let written = api
            .replace_status(
                name,
                &PostParams {
                    field_manager: Some(FIELD_MANAGER.into()),
                    ..Default::default()
                },
                &obj,
            )
            .await
            .context("PUT status")?;
        Ok(serde_json::to_value(written)?)
    }

    /// Creates `obj` in `ns` and sets its `status`.
    pub async fn put(&self, plural: &str, ns: &str, obj: Value, status: Value) {
        let name = obj["metadata"]["name"]
            .as_str()
            .expect("metadata.name")
            .to_string();
        self.create(plural, ns, obj).await;
        self.set_status(plural, ns, &name, status).await;
    }

    /// Every `plural` object in `ns`, as the admin.
    pub async fn list(&self, plural: &str, ns: &str) -> Vec<Value> {
        self.api(plural, ns)
            .await
            .list(&Default::default())
            .await
            .unwrap_or_else(|e| panic!("listing {plural} in {ns}: {e}"))
            .items
            .into_iter()
            .map(|o| serde_json::to_value(o).expect("object JSON"))
            .collect()
    }

    /// The stored object, or `None` when it does not exist.
    pub async fn get(&self, plural: &str, ns: &str, name: &str) -> Option<Value> {
        match self.api(plural, ns).await.get(name).await {
            Ok(obj) => Some(serde_json::to_value(obj).expect("object JSON")),
            Err(kube::Error::Api(e)) if e.code == 404 => None,
            Err(e) => panic!("reading {plural}/{name}: {e}"),
        }
    }

    /// Applies a merge patch to the spec/metadata (not status) as the admin.
    pub async fn merge_patch(&self, plural: &str, ns: &str, name: &str, patch: Value) -> Value {
        let patched = self
            .api(plural, ns)
            .await
            .patch(
                name,
                &PatchParams {
                    field_manager: Some(FIELD_MANAGER.into()),
                    ..Default::default()
                },
                &Patch::Merge(patch),
            )
            .await
            .unwrap_or_else(|e| panic!("patching {plural}/{name}: {e}"));
        serde_json::to_value(patched).expect("object JSON")
    }

    /// Puts the live JobManager `flink` behind cluster `cluster`'s `<cluster>-rest` Service in this test's
    /// namespace, as a Flink cluster on Kubernetes has it: a Pod `<cluster>-jobmanager` whose
    /// `status.podIPs` is the JobManager's address, the Service (port `rest`, 8081, no selector) and an
    /// EndpointSlice of it with that Pod's address and the JobManager's port. Both API servers' service
    /// proxies and the operator emulator resolve the Service through them.
    pub async fn serve_live_flink(&self, cluster: &str, flink: &crate::LiveFlink) {
        let ns = self.ns();
        let client = self.client().await;
        let ip = flink.addr().ip().to_string();
        let port = flink.addr().port();
        let pod_name = format!("{cluster}-jobmanager");
        let service = format!("{cluster}-rest");
        let pp = PostParams {
            field_manager: Some(FIELD_MANAGER.into()),
            ..Default::default()
        };
        let pods: Api<Pod> = Api::namespaced(client.clone(), ns);
        let pod: Pod = serde_json::from_value(json!({
            "metadata": { "name": pod_name, "labels": { "app": cluster, "component": "jobmanager" } },
            "spec": { "containers": [{ "name": "flink-main-container", "image": "flink:1.20" }] }
        }))
        .expect("pod");
        pods.create(&pp, &pod)
            .await
            .unwrap_or_else(|e| panic!("creating pod {pod_name}: {e}"));
        pods.patch_status(
            &pod_name,
            &PatchParams {
                field_manager: Some(FIELD_MANAGER.into()),
                ..Default::default()
            },
            &Patch::Merge(json!({ "status": {
                "phase": "Running", "hostIP": ip, "hostIPs": [{ "ip": ip }],
                "podIP": ip, "podIPs": [{ "ip": ip }]
            } })),
        )
        .await
        .unwrap_or_else(|e| panic!("setting the address of pod {pod_name}: {e}"));
        let svc: Service = serde_json::from_value(json!({
            "metadata": { "name": service, "labels": { "app": cluster } },
            "spec": { "ports": [{ "name": "rest", "port": 8081, "targetPort": port, "protocol": "TCP" }] }
        }))
        .expect("service");
        Api::<Service>::namespaced(client.clone(), ns)
            .create(&pp, &svc)
            .await
            .unwrap_or_else(|e| panic!("creating service {service}: {e}"));
        let slice: EndpointSlice = serde_json::from_value(json!({
            "metadata": { "name": format!("{service}-live"),
                          "labels": { "kubernetes.io/service-name": service } },
            "addressType": "IPv4",
            "ports": [{ "name": "rest", "port": port, "protocol": "TCP" }],
            "endpoints": [{ "addresses": [ip], "conditions": { "ready": true },
                            "targetRef": { "kind": "Pod", "namespace": ns, "name": pod_name } }]
        }))
        .expect("endpointslice");
        Api::<EndpointSlice>::namespaced(client, ns)
            .create(&pp, &slice)
            .await
            .unwrap_or_else(|e| panic!("creating the EndpointSlice of {service}: {e}"));
    }

    /// Deletes an object (ignores NotFound).
    pub async fn delete(&self, plural: &str, ns: &str, name: &str) {
        match self
            .api(plural, ns)
            .await
            .delete(name, &Default::default())
            .await
        {
            Ok(_) => {}
            Err(kube::Error::Api(e)) if e.code == 404 => {}
            Err(e) => panic!("deleting {plural}/{name}: {e}"),
        }
    }
}
