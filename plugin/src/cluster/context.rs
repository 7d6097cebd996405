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
        let namespace = global
            .namespace
            .clone()
            .unwrap_or_else(|| default_namespace.to_string());
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
                let mut rest_config = config.clone();
                rest_config.default_retry = false;
                let build = |config: Config| -> Result<Client> {
                    Ok(ClientBuilder::try_from(config)
                        .context("cannot create a Kubernetes client from the configuration")?
                        .with_layer(&super::warnings::layer())
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
        Some(kubeconfig) => Config::from_custom_kubeconfig(kubeconfig, &options)
            .await
            .context("cannot use the kubeconfig")?,
        None => match &global.server {
            Some(server) => Config::new(
                server
                    .parse()
                    .with_context(|| format!("invalid --server URL {server:?}"))?,
            ),
            None => Config::incluster().context(
                "no kubeconfig found (--kubeconfig, $KUBECONFIG, ~/.kube/config) \
                 and not running inside a cluster",
            )?,
        },
    };
    apply_overrides(&mut config, global)?;
    Ok(config)
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
    if let Some(timeout) = global.request_timeout {
        let timeout = (!timeout.is_zero()).then_some(timeout);
        config.read_timeout = timeout;
        config.write_timeout = timeout;
        config.connect_timeout = timeout;
    }
    if let Some(namespace) = &global.namespace {
        config.default_namespace = namespace.clone();
    }
    Ok(())
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
        return Kubeconfig::read_from(path)
            .map(Some)
            .with_context(|| format!("cannot read kubeconfig {}", path.display()));
    }
    if let Some(merged) = Kubeconfig::from_env().context("cannot read the files in $KUBECONFIG")? {
        return Ok(Some(merged));
    }
    match default_kubeconfig_path() {
        Some(path) if path.exists() => Kubeconfig::read_from(&path)
            .map(Some)
            .with_context(|| format!("cannot read kubeconfig {}", path.display())),
        _ => Ok(None),
    }
}

fn default_kubeconfig_path() -> Option<PathBuf> {
    std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".kube").join("config"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const KUBECONFIG: &str = r#"
apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: c1
  cluster: { server: "https://one.example:6443" }
- name: c2
  cluster: { server: "https://two.example:6443" }
users:
- name: u1
  user: { token: "tok1" }
contexts:
- name: dev
  context: { cluster: c1, user: u1, namespace: flink }
- name: other
  context: { cluster: c2, user: u1 }
"#;

    fn write_kubeconfig() -> tempfile::NamedTempFile {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), KUBECONFIG).unwrap();
        file
    }

    #[tokio::test]
    async fn namespace_defaults_to_the_contexts_then_default_and_n_wins() {
        let file = write_kubeconfig();
        let mut global = GlobalArgs {
            kubeconfig: Some(file.path().to_path_buf()),
            ..GlobalArgs::default()
        };
        assert_eq!(
            build_config(&global).await.unwrap().default_namespace,
            "flink"
        );
        global.context = Some("other".into());
        let config = build_config(&global).await.unwrap();
        assert_eq!(config.default_namespace, "default");
        assert_eq!(config.cluster_url.host(), Some("two.example"));
        global.namespace = Some("team".into());
        assert_eq!(
            build_config(&global).await.unwrap().default_namespace,
            "team"
        );
    }

    #[tokio::test]
    async fn connection_flags_override_the_kubeconfig() {
        let file = write_kubeconfig();
        let global = GlobalArgs {
            kubeconfig: Some(file.path().to_path_buf()),
            server: Some("https://override.example:443".into()),
            insecure_skip_tls_verify: true,
            as_user: Some("alice".into()),
            as_group: vec!["ops".into()],
            request_timeout: Some(Duration::from_secs(7)),
            ..GlobalArgs::default()
        };
        let config = build_config(&global).await.unwrap();
        assert_eq!(config.cluster_url.host(), Some("override.example"));
        assert!(config.accept_invalid_certs);
        assert_eq!(config.auth_info.impersonate.as_deref(), Some("alice"));
        assert_eq!(
            config.auth_info.impersonate_groups,
            Some(vec!["ops".to_string()])
        );
        assert_eq!(config.read_timeout, Some(Duration::from_secs(7)));
    }

    #[test]
    fn watches_end_before_the_request_timeout() {
        let mut global = GlobalArgs::default();
        assert_eq!(watch_timeout(&global), None);
        global.request_timeout = Some(Duration::from_secs(30));
        assert_eq!(watch_timeout(&global), Some(15));
        global.request_timeout = Some(Duration::from_millis(500));
        assert_eq!(watch_timeout(&global), Some(1));
    }

    #[tokio::test]
    async fn zero_request_timeout_means_none() {
        let file = write_kubeconfig();
        let global = GlobalArgs {
            kubeconfig: Some(file.path().to_path_buf()),
            request_timeout: Some(Duration::ZERO),
            ..GlobalArgs::default()
        };
        assert_eq!(build_config(&global).await.unwrap().read_timeout, None);
    }

    #[tokio::test]
    async fn unknown_context_is_an_error() {
        let file = write_kubeconfig();
        let global = GlobalArgs {
            kubeconfig: Some(file.path().to_path_buf()),
            context: Some("nope".into()),
            ..GlobalArgs::default()
        };
        assert!(build_config(&global).await.is_err());
    }
}
