//! Child processes under test: the webhook, the floor server; free ports, readiness, SIGTERM.

use std::{
    io::{Read, Write},
    net::{SocketAddr, TcpListener, TcpStream},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::{Context, Result, bail};

/// `<workspace>/target` (honours `CARGO_TARGET_DIR`).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../target")))
}

/// `<workspace>/target/<profile>/<name>`.
pub fn built_binary(profile: &str, name: &str) -> PathBuf {
    target_dir().join(profile).join(name)
}

/// The debug build of `bin` from `package`, built on demand (`make unit` builds every binary
/// first, so this is normally a no-op).
pub fn debug_binary(package: &str, bin: &str) -> Result<PathBuf> {
    let path = built_binary("debug", bin);
    if !path.exists() {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "-p", package, "--bin", bin])
            .status()
            .with_context(|| format!("building {bin}"))?;
        anyhow::ensure!(status.success(), "cargo build -p {package} failed");
    }
    anyhow::ensure!(path.exists(), "{} missing after the build", path.display());
    Ok(path)
}

/// A loopback port nobody is listening on right now.
pub fn free_port() -> Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").context("binding an ephemeral port")?;
    listener.local_addr().context("ephemeral port address")
}

/// A running child server, killed on drop.
pub struct Server {
    child: Child,
    /// HTTPS address.
    pub addr: SocketAddr,
    /// Plain-HTTP admin address (webhook only).
    pub admin: Option<SocketAddr>,
}

/// Webhook settings for one instance.
pub struct WebhookOptions<'a> {
    /// The binary.
    pub binary: &'a Path,
    /// Certificate and key files.
    pub cert: &'a Path,
    /// Private key file.
    pub key: &'a Path,
    /// KUBECONFIG for the session-cluster cache.
    pub kubeconfig: &'a Path,
    /// How often the certificate files are polled.
    pub cert_reload_interval: &'a str,
    /// RUST_LOG.
    pub log: &'a str,
    /// Further flags.
    pub extra: &'a [&'a str],
    /// File receiving the process's stdout and stderr (logs); `None` discards them.
    pub output: Option<&'a Path>,
}

impl Server {
    /// Starts `savepoint-webhook` on fresh loopback ports and waits for `/readyz`.
    pub fn webhook(opts: &WebhookOptions<'_>) -> Result<Self> {
        let addr = free_port()?;
        let admin = free_port()?;
        let child = Command::new(opts.binary)
            .arg("--listen")
            .arg(addr.to_string())
            .arg("--admin-listen")
            .arg(admin.to_string())
            .arg("--tls-cert")
            .arg(opts.cert)
            .arg("--tls-key")
            .arg(opts.key)
            .arg("--cert-reload-interval")
            .arg(opts.cert_reload_interval)
            .arg("--cache-sync-timeout")
            .arg("10s")
            .arg("--shutdown-grace")
            .arg("10s")
            .args(opts.extra)
            .env("KUBECONFIG", opts.kubeconfig)
            .env("RUST_LOG", opts.log)
            // As the Deployment and the image set it (manifests/webhook/deployment.yaml).
            .env("MIMALLOC_PURGE_DELAY", "0")
            .stdin(Stdio::null())
            .stdout(log_sink(opts.output)?)
            .stderr(log_sink(opts.output)?)
            .spawn()
            .with_context(|| format!("starting {}", opts.binary.display()))?;
        let mut server = Self {
            child,
            addr,
            admin: Some(admin),
        };
        server.wait_ready(Duration::from_secs(30))?;
        Ok(server)
    }

    /// Starts the floor server and waits until it accepts connections.
    pub fn floor(binary: &Path, cert: &Path, key: &Path) -> Result<Self> {
        let addr = free_port()?;
        let child = Command::new(binary)
            .arg("--listen")
            .arg(addr.to_string())
            .arg("--cert")
            .arg(cert)
            .arg("--key")
            .arg(key)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let mut server = Self {
            child,
            addr,
            admin: None,
        };
        server.wait_ready(Duration::from_secs(30))?;
        Ok(server)
    }

    /// Process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    fn wait_ready(&mut self, limit: Duration) -> Result<()> {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().context("polling the child")? {
                bail!("server exited during start-up with {status}");
            }
            let ready = match self.admin {
                Some(admin) => http_get_status(admin, "/readyz") == Some(200),
                None => TcpStream::connect(self.addr).is_ok(),
            };
            if ready {
                return Ok(());
            }
            if start.elapsed() > limit {
                bail!("server not ready after {limit:?}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends SIGTERM (via `kill`, keeping this crate free of `unsafe`).
    pub fn terminate(&self) -> Result<()> {
        let status = Command::new("kill")
            .arg("-TERM")
            .arg(self.pid().to_string())
            .status()
            .context("running kill -TERM")?;
        anyhow::ensure!(status.success(), "kill -TERM {} failed", self.pid());
        Ok(())
    }

    /// Waits for exit up to `limit`; `None` if still running.
    pub fn wait_exit(&mut self, limit: Duration) -> Result<Option<std::process::ExitStatus>> {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().context("polling the child")? {
                return Ok(Some(status));
            }
            if start.elapsed() > limit {
                return Ok(None);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn log_sink(path: Option<&Path>) -> Result<Stdio> {
    Ok(match path {
        Some(path) => Stdio::from(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .with_context(|| format!("opening {}", path.display()))?,
        ),
        None => Stdio::null(),
    })
}

/// Status code of a plain-HTTP GET, or `None` when the server does not answer.
pub fn http_get_status(addr: SocketAddr, path: &str) -> Option<u16> {
    http_get(addr, path).map(|(status, _)| status)
}

/// Status code and body of a plain-HTTP GET (`Connection: close`, read to the end), or `None`
/// when the server does not answer.
pub fn http_get(addr: SocketAddr, path: &str) -> Option<(u16, Vec<u8>)> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).ok()?;
    let head_end = response.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&response[..head_end]).ok()?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    let chunked = head.lines().any(|l| {
        l.to_ascii_lowercase()
            .starts_with("transfer-encoding: chunked")
    });
    let body = &response[head_end + 4..];
    Some((
        status,
        if chunked {
            dechunk(body)?
        } else {
            body.to_vec()
        },
    ))
}

/// Decodes an HTTP/1.1 chunked body.
fn dechunk(mut body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = body.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&body[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        body = &body[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(body.get(..size)?);
        body = body.get(size + 2..)?;
    }
}
