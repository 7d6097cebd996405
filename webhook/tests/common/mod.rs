//! Shared helpers for tests that run the real `savepoint-webhook` binary over HTTPS.
#![allow(dead_code)]

use std::{
    io::{BufRead, BufReader},
    net::SocketAddr,
    path::{Path, PathBuf},
    process::{Child, Command, ExitStatus, Stdio},
    sync::{Arc, Mutex, mpsc},
    time::{Duration, Instant},
};

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use rustls::{
    ClientConfig, RootCertStore, SupportedProtocolVersion,
    pki_types::{CertificateDer, ServerName},
};
use serde_json::Value;
use tempfile::TempDir;

/// Generous hang guard; never an assertion about speed.
pub const HANG_GUARD: Duration = Duration::from_secs(60);

pub const SHARED_REVIEWS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/fixtures/admission-reviews"
);

/// A test CA that issues serving certificates for `localhost` / `127.0.0.1`.
pub struct Ca {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

/// A serving certificate and key (PEM) plus the leaf DER for identification.
pub struct Leaf {
    pub cert_pem: String,
    pub key_pem: String,
    pub der: CertificateDer<'static>,
}

impl Ca {
    pub fn new(name: &str) -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("ca params");
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let key = KeyPair::generate().expect("ca key");
        Self {
            issuer: CertifiedIssuer::self_signed(params, key).expect("ca cert"),
        }
    }

    pub fn der(&self) -> CertificateDer<'static> {
        self.issuer.der().clone()
    }

    pub fn pem(&self) -> String {
        self.issuer.pem()
    }

    pub fn leaf(&self) -> Leaf {
        self.leaf_with(|_| {})
    }

    /// A leaf valid only from `not_before` to `not_after` (year, month, day).
    pub fn leaf_valid(&self, not_before: (i32, u8, u8), not_after: (i32, u8, u8)) -> Leaf {
        self.leaf_with(|params| {
            params.not_before = rcgen::date_time_ymd(not_before.0, not_before.1, not_before.2);
            params.not_after = rcgen::date_time_ymd(not_after.0, not_after.1, not_after.2);
        })
    }

    fn leaf_with(&self, adjust: impl FnOnce(&mut CertificateParams)) -> Leaf {
        let mut params =
            CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
                .expect("leaf params");
        adjust(&mut params);
        let key = KeyPair::generate().expect("leaf key");
        let cert = params.signed_by(&key, &self.issuer).expect("leaf cert");
        Leaf {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
            der: cert.der().clone(),
        }
    }
}

/// Writes `leaf` to `dir/cert.pem` and `dir/key.pem`.
pub fn write_leaf(dir: &Path, leaf: &Leaf) {
    std::fs::write(dir.join("cert.pem"), &leaf.cert_pem).expect("write cert");
    std::fs::write(dir.join("key.pem"), &leaf.key_pem).expect("write key");
}

/// rustls client trusting `roots`, restricted to `versions`.
pub fn client_config(
    roots: &[CertificateDer<'static>],
    versions: &[&'static SupportedProtocolVersion],
) -> ClientConfig {
    let mut store = RootCertStore::empty();
    for root in roots {
        store.add(root.clone()).expect("root cert");
    }
    ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_protocol_versions(versions)
        .expect("versions")
        .with_root_certificates(store)
        .with_no_client_auth()
}

/// reqwest client over HTTPS (HTTP/1.1, keep-alive) trusting `roots`.
pub fn https_client(roots: &[CertificateDer<'static>]) -> reqwest::Client {
    let mut tls = client_config(roots, rustls::ALL_VERSIONS);
    tls.alpn_protocols = vec![b"http/1.1".to_vec()];
    reqwest::Client::builder()
        .use_preconfigured_tls(tls)
        .timeout(HANG_GUARD)
        .build()
        .expect("client")
}

pub fn server_name() -> ServerName<'static> {
    ServerName::try_from("localhost").expect("server name")
}

/// A kubeconfig whose server refuses connections (the cache then never syncs).
pub fn unreachable_kubeconfig(dir: &Path) -> PathBuf {
    let path = dir.join("kubeconfig");
    std::fs::write(
        &path,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: nowhere\n  cluster:\n    server: https://127.0.0.1:1\n\
         contexts:\n- name: nowhere\n  context:\n    cluster: nowhere\n    user: nobody\n\
         current-context: nowhere\nusers:\n- name: nobody\n  user:\n    token: none\n",
    )
    .expect("write kubeconfig");
    path
}

/// A running `savepoint-webhook` process.
pub struct Webhook {
    child: Child,
    pub https: SocketAddr,
    pub admin: SocketAddr,
    logs: Arc<Mutex<Vec<String>>>,
    pub dir: TempDir,
}

impl Webhook {
    /// Starts the binary on ephemeral ports with certificates from `dir` and waits for its
    /// "listening" log line.
    pub fn start(dir: TempDir, kubeconfig: &Path, extra: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_savepoint-webhook"))
            .args([
                "--listen",
                "127.0.0.1:0",
                "--admin-listen",
                "127.0.0.1:0",
                "--log-format",
                "json",
            ])
            .arg("--tls-cert")
            .arg(dir.path().join("cert.pem"))
            .arg("--tls-key")
            .arg(dir.path().join("key.pem"))
            .args(extra)
            .env("KUBECONFIG", kubeconfig)
            .env("RUST_LOG", "info")
            .env_remove("KUBERNETES_SERVICE_HOST")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn savepoint-webhook");
        let stderr = child.stderr.take().expect("stderr");
        let logs = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel();
        let sink = logs.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Ok(json) = serde_json::from_str::<Value>(&line)
                    && json["message"] == "listening"
                {
                    let _ = tx.send((json["https"].clone(), json["admin"].clone()));
                }
                sink.lock().expect("logs").push(line);
            }
        });
        let (https, admin) = match rx.recv_timeout(HANG_GUARD) {
            Ok(addrs) => addrs,
            Err(_) => {
                let _ = child.kill();
                panic!("webhook did not start: {:?}", logs.lock().expect("logs"));
            }
        };
        let parse = |v: Value| {
            v.as_str()
                .expect("address")
                .parse()
                .expect("socket address")
        };
        Self {
            child,
            https: parse(https),
            admin: parse(admin),
            logs,
            dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("https://localhost:{}{path}", self.https.port())
    }

    pub fn admin_url(&self, path: &str) -> String {
        format!("http://{}{path}", self.admin)
    }

    pub fn logs(&self) -> Vec<String> {
        self.logs.lock().expect("logs").clone()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends a signal (`TERM`, `INT`) with kill(1).
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{name} failed");
    }

    /// Waits for the process to exit (panics after the hang guard).
    pub fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + HANG_GUARD;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "webhook did not exit: {:?}",
                self.logs()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Polls `/readyz` until it answers `code`.
    pub async fn wait_readyz(&self, code: u16) {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + HANG_GUARD;
        loop {
            if let Ok(resp) = client.get(self.admin_url("/readyz")).send().await
                && resp.status().as_u16() == code
            {
                return;
            }
            assert!(Instant::now() < deadline, "/readyz never answered {code}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Webhook {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh tempdir holding a leaf from `ca`, and a webhook started on it.
pub fn start_with(ca: &Ca, extra: &[&str]) -> Webhook {
    let dir = tempfile::tempdir().expect("tempdir");
    write_leaf(dir.path(), &ca.leaf());
    let kubeconfig = unreachable_kubeconfig(dir.path());
    Webhook::start(dir, &kubeconfig, extra)
}

/// Body of a captured AdmissionReview.
pub fn fixture(name: &str) -> String {
    std::fs::read_to_string(Path::new(SHARED_REVIEWS).join(name)).expect("fixture")
}

/// POSTs a JSON body and returns (status, JSON body).
pub async fn post_json(client: &reqwest::Client, url: &str, body: String) -> (u16, Value) {
    let resp = client
        .post(url)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("request");
    let status = resp.status().as_u16();
    let body = resp.json().await.unwrap_or(Value::Null);
    (status, body)
}

/// Standard base64 decoding (for `response.patch`).
pub fn base64_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut buffer = 0u32;
    let mut bits = 0;
    for byte in text.bytes().filter(|b| *b != b'=') {
        let value = ALPHABET
            .iter()
            .position(|c| *c == byte)
            .expect("base64 alphabet") as u32;
        buffer = (buffer << 6) | value;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    out
}

/// Opens a TLS connection to the webhook (fresh handshake).
pub async fn tls_connect(
    addr: SocketAddr,
    roots: &[CertificateDer<'static>],
    versions: &[&'static SupportedProtocolVersion],
) -> std::io::Result<tokio_rustls::client::TlsStream<tokio::net::TcpStream>> {
    let tcp = tokio::net::TcpStream::connect(addr).await?;
    let connector = tokio_rustls::TlsConnector::from(Arc::new(client_config(roots, versions)));
    connector.connect(server_name(), tcp).await
}

/// Raw HTTP/1.1 request head for POST `path` with a JSON body of `len` bytes.
pub fn request_head(path: &str, len: usize, extra: &str) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {len}\r\n{extra}\r\n"
    )
}

/// Reads one HTTP/1.1 response (head + Content-Length body) from `stream`.
pub async fn read_response<S: tokio::io::AsyncRead + Unpin>(stream: &mut S) -> (u16, String) {
    use tokio::io::AsyncReadExt;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(end) = find(&buf, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_string();
            let status: u16 = head
                .split_whitespace()
                .nth(1)
                .and_then(|s| s.parse().ok())
                .expect("status code");
            if status == 100 {
                buf.drain(..end + 4);
                return (100, String::new());
            }
            let len: usize = head
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse().ok())?
                })
                .unwrap_or(0);
            while buf.len() < end + 4 + len {
                let n = stream.read(&mut chunk).await.expect("read body");
                assert!(n > 0, "connection closed mid-body");
                buf.extend_from_slice(&chunk[..n]);
            }
            return (
                status,
                String::from_utf8_lossy(&buf[end + 4..end + 4 + len]).to_string(),
            );
        }
        let n = stream.read(&mut chunk).await.expect("read head");
        assert!(n > 0, "connection closed before a response");
        buf.extend_from_slice(&chunk[..n]);
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
pub mod flows;

/// The admin port's `/metrics` text (`None` while it cannot be read).
pub async fn metrics_text(hook: &Webhook) -> Option<String> {
    reqwest::get(hook.admin_url("/metrics"))
        .await
        .ok()?
        .text()
        .await
        .ok()
}

/// Polls `/metrics` until `found` holds for its text (hang guard: [`HANG_GUARD`]).
async fn wait_for_metrics(hook: &Webhook, what: &str, found: impl Fn(&str) -> bool) {
    let deadline = Instant::now() + HANG_GUARD;
    loop {
        let text = metrics_text(hook).await;
        if text.as_deref().is_some_and(&found) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "never saw {what} in\n{}",
            text.unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits until `/metrics` contains `needle`.
pub async fn wait_metric(hook: &Webhook, needle: &str) {
    wait_for_metrics(hook, needle, |text| text.contains(needle)).await
}

/// Waits until `/metrics` has the line `line`, exactly.
pub async fn wait_metric_line(hook: &Webhook, line: &str) {
    wait_for_metrics(hook, line, |text| text.lines().any(|l| l == line)).await
}
