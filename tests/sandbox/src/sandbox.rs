//! `Sandbox`: builder, listener (HTTP or HTTPS), kubeconfig files, shutdown.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::Context;
use axum::Router;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::auth::{ADMIN_TOKEN, ADMIN_USER, Permissions, User};
use crate::server::{AppState, Fault, RequestRecord};
use crate::store::Store;
use crate::tls::TestCert;
use crate::util::random_hex;

/// Default location of the shared reference directory (`flink-crds/`, fixtures).
pub fn default_shared_dir() -> PathBuf {
    match std::env::var_os("FLINK_SANDBOX_SHARED") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")),
    }
}

/// Configures and starts a [`Sandbox`].
pub struct SandboxBuilder {
    shared_dir: Option<PathBuf>,
    tls: bool,
    without: Vec<String>,
    users: Vec<User>,
    listen: SocketAddr,
    kubeconfig_out: Option<PathBuf>,
    simulator: Option<crate::simulator::SimulatorConfig>,
    webhook_ca: Vec<String>,
}

impl Default for SandboxBuilder {
    fn default() -> Self {
        Self {
            shared_dir: None,
            tls: true,
            without: Vec::new(),
            users: Vec::new(),
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            kubeconfig_out: None,
            simulator: None,
            webhook_ca: Vec::new(),
        }
    }
}

impl SandboxBuilder {
    /// Directory holding `flink-crds/` (default: `FLINK_SANDBOX_SHARED` or `<repo>/../shared`).
    pub fn shared_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.shared_dir = Some(dir.into());
        self
    }
    /// HTTPS with a generated CA (default `true`) or plain HTTP.
    pub fn tls(mut self, tls: bool) -> Self {
        self.tls = tls;
        self
    }
    /// Do not serve this Flink CRD (plural), e.g. `"flinkstatesnapshots"` to mimic an operator < 1.10.
    pub fn without_crd(mut self, plural: &str) -> Self {
        self.without.push(plural.to_string());
        self
    }
    /// Add a token user with the given permissions.
    pub fn user(mut self, name: &str, token: &str, permissions: Permissions) -> Self {
        self.users.push(User {
            name: name.to_string(),
            token: token.to_string(),
            groups: vec!["system:authenticated".to_string()],
            permissions,
        });
        self
    }
    /// Listen address (default `127.0.0.1:0`).
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }
    /// Also write the admin kubeconfig to this path.
    pub fn kubeconfig_out(mut self, path: impl Into<PathBuf>) -> Self {
        self.kubeconfig_out = Some(path.into());
        self
    }
    /// Trust this CA (PEM) for every admission webhook call, in addition to each webhook's `caBundle`
    /// (like adding it to the apiserver's system trust store).
    pub fn webhook_ca(mut self, pem: impl Into<String>) -> Self {
        self.webhook_ca.push(pem.into());
        self
    }
    /// Run the Flink operator simulator in-process.
    pub fn simulator(mut self, config: crate::simulator::SimulatorConfig) -> Self {
        self.simulator = Some(config);
        self
    }

    /// Bind, write the kubeconfig and start serving.
    pub async fn start(self) -> anyhow::Result<Sandbox> {
        let shared = self.shared_dir.unwrap_or_else(default_shared_dir);
        let defs = crate::resources::load(&shared, &self.without)?;
        let store = Store::new(Arc::new(defs));
        let mut users = vec![User {
            name: ADMIN_USER.to_string(),
            token: ADMIN_TOKEN.to_string(),
            groups: vec![
                "system:masters".to_string(),
                "system:authenticated".to_string(),
            ],
            permissions: Permissions::admin(),
        }];
        users.extend(self.users);
        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let state = Arc::new(AppState {
            store: store.clone(),
            users: users.clone(),
            log: Mutex::new(Vec::new()),
            faults: Mutex::new(Vec::new()),
            shutdown: shutdown_rx.clone(),
            webhook_ca: self.webhook_ca,
            job_managers: Mutex::new(Vec::new()),
        });
        let listener = TcpListener::bind(self.listen)
            .await
            .with_context(|| format!("binding {}", self.listen))?;
        let addr = listener.local_addr().context("local address")?;
        let cert = if self.tls {
            Some(TestCert::generate(&["localhost", "127.0.0.1"])?)
        } else {
            None
        };
        let acceptor = match &cert {
            Some(c) => Some(tokio_rustls::TlsAcceptor::from(c.server_config()?)),
            None => None,
        };
        let router = Router::new()
            .fallback(crate::server::handle)
            .with_state(state.clone());
        let server = tokio::spawn(crate::listen::serve(
            listener,
            acceptor,
            router,
            shutdown_rx,
        ));
        let scheme = if self.tls { "https" } else { "http" };
        let url = format!("{scheme}://{addr}");
        let dir = std::env::temp_dir().join(format!("flink-sandbox-{}", random_hex(12)));
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let mut sb = Sandbox {
            url,
            addr,
            dir: dir.clone(),
            kubeconfig: dir.join("kubeconfig"),
            cert,
            store,
            state,
            users,
            shutdown_tx,
            server: Some(server),
            simulator: None,
        };
        sb.write_kubeconfig(ADMIN_USER, &sb.kubeconfig.clone())?;
        if let Some(out) = self.kubeconfig_out {
            sb.write_kubeconfig(ADMIN_USER, &out)?;
            sb.kubeconfig = out;
        }
        if let Some(cfg) = self.simulator {
            let job_managers = std::sync::Arc::new(crate::simulator::JobManagers::default());
            sb.serve_job_managers(job_managers.clone());
            sb.simulator = Some(crate::simulator::Simulator::start(
                sb.store.clone(),
                cfg,
                job_managers,
            ));
        }
        tracing::info!(url = %sb.url, kubeconfig = %sb.kubeconfig.display(), "sandbox API server started");
        Ok(sb)
    }
}

/// A running sandbox API server (and optional operator simulator).
pub struct Sandbox {
    url: String,
    addr: SocketAddr,
    dir: PathBuf,
    kubeconfig: PathBuf,
    cert: Option<TestCert>,
    store: Store,
    state: Arc<AppState>,
    users: Vec<User>,
    shutdown_tx: watch::Sender<bool>,
    server: Option<JoinHandle<()>>,
    simulator: Option<crate::simulator::Simulator>,
}

impl Sandbox {
    /// Start configuring a sandbox.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder::default()
    }

    /// Answer the service proxy route (`/api/v1/namespaces/{ns}/services/{cluster}-rest:rest/proxy/…`)
    /// from `job_managers` (a simulator's [`crate::Simulator::job_managers`]; the in-process simulator's
    /// are registered at start). Without any, that route answers 404 like a missing Service.
    pub fn serve_job_managers(&self, job_managers: Arc<crate::simulator::JobManagers>) {
        self.state
            .job_managers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(job_managers);
    }

    /// Base URL (`https://127.0.0.1:PORT`).
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Admin kubeconfig (context `sandbox`, namespace `default`).
    pub fn kubeconfig_path(&self) -> &Path {
        &self.kubeconfig
    }

    /// The admin bearer token.
    pub fn admin_token(&self) -> &str {
        ADMIN_TOKEN
    }

    /// The CA certificate (PEM) clients must trust, when serving HTTPS.
    pub fn ca_pem(&self) -> Option<&str> {
        self.cert.as_ref().map(|c| c.ca_pem.as_str())
    }

    /// Write (once) and return a kubeconfig authenticating as token user `name`.
    pub fn kubeconfig_for_user(&self, name: &str) -> anyhow::Result<PathBuf> {
        let path = self.dir.join(format!("kubeconfig-{name}"));
        self.write_kubeconfig(name, &path)?;
        Ok(path)
    }

    fn write_kubeconfig(&self, user: &str, path: &Path) -> anyhow::Result<()> {
        let u = self
            .users
            .iter()
            .find(|u| u.name == user)
            .with_context(|| format!("no sandbox user {user:?}"))?;
        let mut cluster = json!({"server": self.url});
        if let Some(c) = &self.cert {
            cluster["certificate-authority-data"] = json!(c.ca_bundle_b64());
        }
        let cfg: Value = json!({
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": "sandbox", "cluster": cluster}],
            "users": [{"name": u.name, "user": {"token": u.token}}],
            "contexts": [{"name": "sandbox", "context": {"cluster": "sandbox", "user": u.name, "namespace": "default"}}],
            "current-context": "sandbox",
            "preferences": {},
        });
        let text = serde_yaml_ng::to_string(&cfg).context("serialising kubeconfig")?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(path, text).with_context(|| format!("writing kubeconfig {}", path.display()))
    }

    /// Direct store access (bypasses authentication and admission).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Requests served so far, in order.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.state
            .log
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Forget the request log.
    pub fn clear_requests(&self) {
        self.state
            .log
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }

    /// Inject a fault consumed by matching future requests.
    pub fn inject(&self, fault: Fault) {
        self.state
            .faults
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(fault);
    }

    /// The operator simulator, if enabled.
    pub fn simulator(&self) -> Option<&crate::simulator::Simulator> {
        self.simulator.as_ref()
    }

    /// Stop the simulator and the server, end watches, remove the temp directory.
    pub async fn shutdown(mut self) {
        if let Some(sim) = self.simulator.take() {
            sim.stop().await;
        }
        let _ = self.shutdown_tx.send(true);
        if let Some(h) = self.server.take() {
            let _ = h.await;
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.shutdown_tx.send(true);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
