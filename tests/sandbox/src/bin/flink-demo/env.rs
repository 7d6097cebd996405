//! The demo's moving parts: the sandbox API server, the operator emulator connected to it over HTTPS (the
//! same controller the real kube-apiserver tier runs), the webhook process, its registration.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, bail};
use flink_sandbox::tls::TestCert;
use flink_sandbox::{Sandbox, Simulator, SimulatorConfig};
use tokio::io::AsyncWriteExt;
use tokio::process::{Child, Command};

/// Placeholder `caBundle` in `manifests/overlays/local` (base64 of "REPLACE-ME-WITH-THE-CA-PEM").
const CA_PLACEHOLDER: &str = "UkVQTEFDRS1NRS1XSVRILVRIRS1DQS1QRU0=";
const OVERLAY_URL: &str = "https://127.0.0.1:8443/";

pub struct DemoEnv {
    sandbox: Sandbox,
    emulator: Option<Simulator>,
    webhook: Child,
    /// Directory holding kubectl-savepoint and savepoint-webhook (this binary's own directory).
    pub bin_dir: PathBuf,
    pub repo: PathBuf,
    pub shared: PathBuf,
    pub work: PathBuf,
    pub kubeconfig: PathBuf,
}

impl DemoEnv {
    pub async fn start() -> anyhow::Result<Self> {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let repo = repo.canonicalize().context("locating the repository")?;
        let shared = std::env::var_os("FLINK_SANDBOX_SHARED")
            .map(PathBuf::from)
            .unwrap_or_else(|| repo.join("../shared"));
        let exe = std::env::current_exe().context("locating flink-demo")?;
        let bin_dir = exe
            .parent()
            .context("flink-demo has no directory")?
            .to_path_buf();
        for bin in ["kubectl-savepoint", "savepoint-webhook"] {
            if !bin_dir.join(bin).is_file() {
                bail!(
                    "{bin} is not built next to flink-demo; run `make demo` (it builds all three)"
                );
            }
        }
        let work = repo.join(".demo");
        std::fs::create_dir_all(&work).context("creating .demo/")?;
        let kubeconfig = work.join("kubeconfig");

        let sandbox = Sandbox::builder()
            .shared_dir(&shared)
            .kubeconfig_out(&kubeconfig)
            .start()
            .await
            .context("starting the sandbox API server")?;
        let kube_config = kube::Config::from_custom_kubeconfig(
            kube::config::Kubeconfig::read_from(&kubeconfig).context("reading the kubeconfig")?,
            &Default::default(),
        )
        .await
        .context("kubeconfig")?;
        let client = kube::Client::try_from(kube_config).context("kube client")?;
        let emulator = Simulator::connect(
            client,
            SimulatorConfig {
                time_scale: 20.0,
                // a minute of simulated time (3 s real): long enough to show the JobManager's progress
                savepoint_duration: std::time::Duration::from_secs(60),
                ..SimulatorConfig::default()
            },
            None,
        );
        // the sandbox's service proxy route answers from the emulator's simulated JobManagers
        sandbox.serve_job_managers(emulator.job_managers());

        let cert = TestCert::generate(&["127.0.0.1", "localhost"])?;
        std::fs::write(work.join("tls.crt"), &cert.cert_pem)?;
        std::fs::write(work.join("tls.key"), &cert.key_pem)?;
        let (listen, admin) = (free_port()?, free_port()?);
        let log = std::fs::File::create(work.join("webhook.log"))?;
        let webhook = Command::new(bin_dir.join("savepoint-webhook"))
            .arg("--listen")
            .arg(format!("127.0.0.1:{listen}"))
            .arg("--admin-listen")
            .arg(format!("127.0.0.1:{admin}"))
            .arg("--tls-cert")
            .arg(work.join("tls.crt"))
            .arg("--tls-key")
            .arg(work.join("tls.key"))
            .env("KUBECONFIG", &kubeconfig)
            .stdout(Stdio::null())
            .stderr(log)
            .kill_on_drop(true)
            .spawn()
            .context("starting savepoint-webhook")?;
        let env = Self {
            sandbox,
            emulator: Some(emulator),
            webhook,
            bin_dir,
            repo,
            shared,
            work,
            kubeconfig,
        };
        env.wait_ready(admin).await?;
        env.register_webhook(listen, &cert.ca_bundle_b64()).await?;
        Ok(env)
    }

    async fn wait_ready(&self, admin: u16) -> anyhow::Result<()> {
        let url = format!("http://127.0.0.1:{admin}/readyz");
        let client = reqwest::Client::new();
        for _ in 0..300 {
            if let Ok(r) = client.get(&url).send().await
                && r.status().is_success()
            {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("savepoint-webhook did not become ready (see .demo/webhook.log)")
    }

    /// `kubectl kustomize manifests/overlays/local`, with our CA and port, piped to `kubectl apply`.
    async fn register_webhook(&self, port: u16, ca_b64: &str) -> anyhow::Result<()> {
        let out = Command::new("kubectl")
            .arg("kustomize")
            .arg(self.repo.join("manifests/overlays/local"))
            .output()
            .await
            .context("running kubectl kustomize")?;
        if !out.status.success() {
            bail!(
                "kubectl kustomize failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let rendered = String::from_utf8(out.stdout)?
            .replace(CA_PLACEHOLDER, ca_b64)
            .replace(OVERLAY_URL, &format!("https://127.0.0.1:{port}/"));
        let mut apply = Command::new("kubectl")
            .args(["apply", "-f", "-"])
            .env("KUBECONFIG", &self.kubeconfig)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .context("running kubectl apply")?;
        let mut stdin = apply.stdin.take().context("kubectl stdin")?;
        stdin.write_all(rendered.as_bytes()).await?;
        drop(stdin);
        if !apply.wait().await?.success() {
            bail!("registering the webhook configurations failed");
        }
        Ok(())
    }

    pub async fn stop(mut self) {
        let _ = self.webhook.start_kill();
        let _ = self.webhook.wait().await;
        if let Some(emulator) = self.emulator.take() {
            emulator.stop().await;
        }
        self.sandbox.shutdown().await;
        let _ = std::fs::remove_dir_all(&self.work);
    }
}

fn free_port() -> anyhow::Result<u16> {
    let l = TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(l.local_addr()?.port())
}
