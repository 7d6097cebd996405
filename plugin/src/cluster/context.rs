//! Kubernetes client construction from the global flags, and the command [`Context`].
//!
//! kube-rs only knows `--context/--cluster/--user`; the other kubectl flags are mapped by hand:
//! `--kubeconfig` / `KUBECONFIG` (a `:`-separated, merged list), `--server`, `--token`,
//! `--insecure-skip-tls-verify`, `--as`, `--as-group`, `--request-timeout`, `-n`.

use std::path::PathBuf;

use ::kube::client::ClientBuilder;
use ::kube::config::{AuthInfo, KubeConfigOptions, Kubeconfig};
use ::kube::{Client, Config};
use anyhow::{Context as _, Result};
use tokio::sync::OnceCell;

use super::transport::TransportLayer;
use crate::cli::GlobalArgs;
use crate::render::Sink;

/// Everything a command needs: the global flags, a lazily built client and the output sink.
pub struct Context {
    /// The global flags as given.
    pub global: GlobalArgs,
    /// Where command output goes (stdout, or a buffer in tests).
    pub out: Sink,
    connection: OnceCell<Connection>,
}

/// A client plus the namespace the flags resolve to.
#[derive(Clone)]
struct Connection {
    client: Client,
    /// The same connection without kube-rs's retries of 429/503/504: for calls through the
    /// service proxy, where a 503 means "no endpoint" and retrying only delays the answer.
    rest_client: Client,
    namespace: String,
}

impl Context {
    /// A context that connects on first use, using the global flags.
    pub fn new(global: GlobalArgs) -> Self {
        Context {
            global,
            out: Sink::stdout(),
            connection: OnceCell::new(),
        }
    }

    /// A context around an existing client (tests: a mocked API server). `-n` in `global`
    /// still wins over `default_namespace`.
    pub fn with_client(
        global: GlobalArgs,
        client: Client,
        default_namespace: &str,
        out: Sink,
    ) -> Self {
        let namespace = explicit_namespace(&global)
            .unwrap_or(default_namespace)
            .to_string();
        Context {
            global,
            out,
            connection: OnceCell::new_with(Some(Connection {
                rest_client: client.clone(),
                client,
                namespace,
            })),
        }
    }

    /// The API client (built on first call).
    pub async fn client(&self) -> Result<Client> {
        Ok(self.connection().await?.client.clone())
    }

    /// The client for the Flink REST API through the service proxy: no retries (a 503 from the
    /// proxy is a missing endpoint, not an overloaded API server).
    pub async fn rest_client(&self) -> Result<Client> {
        Ok(self.connection().await?.rest_client.clone())
    }

    /// The namespace: `-n`, else the kubeconfig context's namespace, else `default`.
    pub async fn namespace(&self) -> Result<String> {
        Ok(self.connection().await?.namespace.clone())
    }

    async fn connection(&self) -> Result<&Connection> {
        self.connection
            .get_or_try_init(|| async {
                let config = build_config(&self.global).await?;
                let namespace = config.default_namespace.clone();
                tracing::debug!(server = %config.cluster_url, namespace = %namespace, "client configuration");
                let transport = TransportLayer::new(config.cluster_url.clone(), request_timeout(&self.global));
                // The Flink REST calls go through the service proxy without kube-rs's 503 retries
                // (kube-apiserver answers 503 while a Service has no ready JobManager).
                let mut rest_config = config.clone();
                rest_config.default_retry = false;
                let build = |config: Config| -> Result<Client> {
                    Ok(ClientBuilder::try_from(config)
                        .context("cannot create a Kubernetes client from the configuration")?
                        .with_layer(&super::warnings::layer())
                        .with_layer(&transport)
                        .build())
                };
                Ok(Connection {
                    client: build(config)?,
                    rest_client: build(rest_config)?,
                    namespace,
                })
            })
            .await
    }
}

/// Builds the client configuration exactly as kubectl would from the standard flags.
pub async fn build_config(global: &GlobalArgs) -> Result<Config> {
    let options = KubeConfigOptions {
        context: global.context.clone(),
        cluster: global.cluster.clone(),
        user: global.user.clone(),
    };
    let mut config = match load_kubeconfig(global)? {
        Some(kubeconfig) => {
            check_names(&kubeconfig, &options)?;
            Config::from_custom_kubeconfig(kubeconfig, &options)
                .await
                .context("cannot use the kubeconfig")?
        }
        None => {
            // Named kubeconfig entries cannot exist without a kubeconfig.
            check_names(&Kubeconfig::default(), &options)?;
            match &global.server {
                Some(server) => Config::new(
                    server
                        .parse()
                        .with_context(|| format!("invalid --server URL {server:?}"))?,
                ),
                // kubectl: no kubeconfig at all means the in-cluster service account, else
                // http://localhost:8080 (and its "connection to the server localhost:8080 was
                // refused").
                None => match Config::incluster() {
                    Ok(config) => config,
                    Err(err) => {
                        tracing::debug!(error = %err, "no kubeconfig and not in a cluster: using http://localhost:8080 as kubectl does");
                        Config::new(http::Uri::from_static("http://localhost:8080"))
                    }
                },
            }
        }
    };
    apply_overrides(&mut config, global)?;
    Ok(config)
}

/// `--context`, `--cluster` and `--user` must name entries of the kubeconfig; kubectl's words
/// when they do not (kube-rs would silently ignore an unknown `--user`).
fn check_names(kubeconfig: &Kubeconfig, options: &KubeConfigOptions) -> Result<()> {
    if let Some(context) = &options.context
        && !kubeconfig.contexts.iter().any(|c| &c.name == context)
    {
        anyhow::bail!("context was not found for specified context: {context}");
    }
    if let Some(cluster) = &options.cluster
        && !kubeconfig.clusters.iter().any(|c| &c.name == cluster)
    {
        anyhow::bail!("no server found for cluster {cluster:?}");
    }
    if let Some(user) = &options.user
        && !kubeconfig.auth_infos.iter().any(|u| &u.name == user)
    {
        anyhow::bail!("auth info {user:?} does not exist");
    }
    Ok(())
}

/// Applies the flags that override the kubeconfig.
pub fn apply_overrides(config: &mut Config, global: &GlobalArgs) -> Result<()> {
    if let Some(server) = &global.server {
        config.cluster_url = server
            .parse()
            .with_context(|| format!("invalid --server URL {server:?}"))?;
    }
    if global.insecure_skip_tls_verify {
        config.accept_invalid_certs = true;
    }
    if let Some(token) = &global.token {
        // kubectl: an explicit token replaces the kubeconfig user's credentials.
        let auth: AuthInfo = serde_json::from_value(serde_json::json!({ "token": token }))
            .context("cannot use --token")?;
        config.auth_info = AuthInfo {
            impersonate: config.auth_info.impersonate.take(),
            impersonate_groups: config.auth_info.impersonate_groups.take(),
            ..auth
        };
    }
    if let Some(user) = &global.as_user {
        config.auth_info.impersonate = Some(user.clone());
    }
    if !global.as_group.is_empty() {
        config.auth_info.impersonate_groups = Some(global.as_group.clone());
    }
    if global.request_timeout.is_some() {
        let timeout = request_timeout(global);
        config.read_timeout = timeout;
        config.write_timeout = timeout;
        config.connect_timeout = timeout;
    }
    if let Some(namespace) = explicit_namespace(global) {
        config.default_namespace = namespace.to_string();
    }
    Ok(())
}

/// `-n NAMESPACE`, except `-n ""`, which kubectl reads as "the context's namespace".
fn explicit_namespace(global: &GlobalArgs) -> Option<&str> {
    global.namespace.as_deref().filter(|ns| !ns.is_empty())
}

/// `--request-timeout` as a limit (`0` and absent mean none, as in kubectl).
fn request_timeout(global: &GlobalArgs) -> Option<std::time::Duration> {
    global.request_timeout.filter(|t| !t.is_zero())
}

/// The server-side timeout for watch requests: half of `--request-timeout` (at least 1 s), so
/// the server ends a quiet watch (which the watcher then resumes) before the client's read
/// timeout would fail it. `None` without a request timeout (the watcher's default applies).
pub fn watch_timeout(global: &GlobalArgs) -> Option<u32> {
    let timeout = global.request_timeout.filter(|t| !t.is_zero())?;
    Some(
        u32::try_from(timeout.as_secs() / 2)
            .unwrap_or(u32::MAX)
            .max(1),
    )
}

/// `--kubeconfig`, else `$KUBECONFIG` (merged list), else `~/.kube/config` if it exists.
fn load_kubeconfig(global: &GlobalArgs) -> Result<Option<Kubeconfig>> {
    if let Some(path) = &global.kubeconfig {
        if !path.exists() {
            // kubectl's words for a missing --kubeconfig.
            anyhow::bail!("stat {}: no such file or directory", path.display());
        }
        return Kubeconfig::read_from(path)
            .map(Some)
            .with_context(|| format!("cannot read kubeconfig {}", path.display()));
    }
    // An empty KUBECONFIG is no KUBECONFIG (kubectl then reads ~/.kube/config).
    if let Some(list) = std::env::var_os("KUBECONFIG").filter(|v| !v.is_empty()) {
        return merge_kubeconfig_list(&list);
    }
    match default_kubeconfig_path() {
        Some(path) if path.exists() => Kubeconfig::read_from(&path)
            .map(Some)
            .with_context(|| format!("cannot read kubeconfig {}", path.display())),
        _ => Ok(None),
    }
}

/// `$KUBECONFIG`: the existing files of the list, merged (first value wins), as kubectl does:
/// missing files are skipped, and a list of only missing files is no kubeconfig at all (kubectl
/// then does not fall back to `~/.kube/config` either). A file that exists but does not parse is
/// an error, as in kubectl.
fn merge_kubeconfig_list(list: &std::ffi::OsStr) -> Result<Option<Kubeconfig>> {
    let mut merged: Option<Kubeconfig> = None;
    for path in std::env::split_paths(list).filter(|p| !p.as_os_str().is_empty()) {
        if !path.exists() {
            tracing::debug!(path = %path.display(), "skipping missing $KUBECONFIG file");
            continue;
        }
        let config = Kubeconfig::read_from(&path).with_context(|| {
            format!("error loading config file {:?}", path.display().to_string())
        })?;
        merged = Some(match merged {
            Some(m) => m
                .merge(config)
                .with_context(|| format!("cannot merge kubeconfig {}", path.display()))?,
            None => config,
        });
    }
    Ok(merged)
}

fn default_kubeconfig_path() -> Option<PathBuf> {
    std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".kube").join("config"))
}

#[cfg(test)]
#[path = "context_tests.rs"]
mod tests;
