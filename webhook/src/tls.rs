//! TLS: rustls server config (TLS 1.2 and 1.3, ring provider) whose certificate is swapped in
//! place when the PEM files change, as cert-manager rotates them (atomic symlink swap).
//!
//! New handshakes pick up the new certificate; established connections are untouched, so a
//! rotation never drops a connection. A bad new pair (unparsable, key not matching, or a leaf
//! that is expired or not yet valid) is logged and the old one kept; a not-yet-valid pair is
//! tried again on every tick, so it is picked up once it becomes valid. The serving leaf's
//! notAfter is exported as `savepoint_webhook_tls_cert_not_after_timestamp_seconds`.

use std::{
    collections::hash_map::DefaultHasher,
    hash::{Hash, Hasher},
    path::{Path, PathBuf},
    sync::Arc,
    time::Duration,
};

use anyhow::{Context, Result, bail};
use arc_swap::ArcSwap;
use rustls::{
    ServerConfig,
    crypto::CryptoProvider,
    pki_types::{CertificateDer, PrivateKeyDer, pem::PemObject},
    server::{ClientHello, ResolvesServerCert},
    sign::CertifiedKey,
};
use tokio::sync::watch;

use crate::metrics::Metrics;

/// The crypto provider used everywhere in the process (ring).
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Paths of the certificate chain and private key.
#[derive(Debug, Clone)]
pub struct CertFiles {
    /// PEM certificate chain, leaf first.
    pub cert: PathBuf,
    /// PEM private key.
    pub key: PathBuf,
}

/// A loaded pair plus a fingerprint of the file contents, for change detection.
pub struct Loaded {
    /// Ready-to-serve key.
    pub key: CertifiedKey,
    /// Hash of the raw file bytes.
    pub fingerprint: u64,
    /// The leaf's notAfter, Unix seconds.
    pub not_after: i64,
}

/// Unix seconds now.
fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// The leaf's validity window (Unix seconds), refused unless `now` lies inside it.
fn check_validity(leaf: &CertificateDer<'_>, now: i64, path: &Path) -> Result<i64> {
    let (_, cert) = x509_parser::parse_x509_certificate(leaf.as_ref()).map_err(|error| {
        anyhow::anyhow!(
            "parsing the leaf certificate in {}: {error}",
            path.display()
        )
    })?;
    let validity = cert.validity();
    let (not_before, not_after) = (
        validity.not_before.timestamp(),
        validity.not_after.timestamp(),
    );
    if now < not_before {
        bail!(
            "certificate {} is not valid yet (notBefore {}, now {now} Unix seconds)",
            path.display(),
            validity.not_before
        );
    }
    if now > not_after {
        bail!(
            "certificate {} has expired (notAfter {}, now {now} Unix seconds)",
            path.display(),
            validity.not_after
        );
    }
    Ok(not_after)
}

impl CertFiles {
    fn read(&self) -> Result<(Vec<u8>, Vec<u8>)> {
        let cert = std::fs::read(&self.cert)
            .with_context(|| format!("reading certificate {}", self.cert.display()))?;
        let key = std::fs::read(&self.key)
            .with_context(|| format!("reading private key {}", self.key.display()))?;
        Ok((cert, key))
    }

    /// Fingerprint of the current file contents.
    pub fn fingerprint(&self) -> Result<u64> {
        let (cert, key) = self.read()?;
        Ok(fingerprint(&cert, &key))
    }

    /// Reads and validates the pair (parses, key matches the leaf certificate, the leaf is
    /// valid now).
    pub fn load(&self, provider: &CryptoProvider) -> Result<Loaded> {
        let (cert_pem, key_pem) = self.read()?;
        let key = parse_pair(&cert_pem, &key_pem, provider, &self.cert, &self.key)?;
        let leaf = key
            .cert
            .first()
            .with_context(|| format!("no certificate in {}", self.cert.display()))?;
        let not_after = check_validity(leaf, unix_now(), &self.cert)?;
        Ok(Loaded {
            key,
            fingerprint: fingerprint(&cert_pem, &key_pem),
            not_after,
        })
    }
}

fn fingerprint(cert: &[u8], key: &[u8]) -> u64 {
    let mut hasher = DefaultHasher::new();
    cert.hash(&mut hasher);
    key.hash(&mut hasher);
    hasher.finish()
}

fn parse_pair(
    cert_pem: &[u8],
    key_pem: &[u8],
    provider: &CryptoProvider,
    cert_path: &Path,
    key_path: &Path,
) -> Result<CertifiedKey> {
    let chain = CertificateDer::pem_slice_iter(cert_pem)
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("parsing PEM certificates in {}", cert_path.display()))?;
    if chain.is_empty() {
        bail!("no CERTIFICATE block found in {}", cert_path.display());
    }
    let key = PrivateKeyDer::from_pem_slice(key_pem)
        .with_context(|| format!("parsing PEM private key in {}", key_path.display()))?;
    CertifiedKey::from_der(chain, key, provider).with_context(|| {
        format!(
            "certificate {} and key {} do not form a usable pair",
            cert_path.display(),
            key_path.display()
        )
    })
}

/// `ResolvesServerCert` over an atomically swappable key.
#[derive(Debug)]
pub struct ReloadingResolver {
    current: ArcSwap<CertifiedKey>,
}

impl ReloadingResolver {
    /// Starts serving `key`.
    pub fn new(key: CertifiedKey) -> Self {
        Self {
            current: ArcSwap::from_pointee(key),
        }
    }

    /// Serves `key` for every new handshake from now on.
    pub fn swap(&self, key: CertifiedKey) {
        self.current.store(Arc::new(key));
    }
}

impl ResolvesServerCert for ReloadingResolver {
    fn resolve(&self, _client_hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.current.load_full())
    }
}

/// TLS 1.2 + 1.3 only, ALPN h2 and http/1.1, certificate from `resolver`.
pub fn server_config(
    provider: Arc<CryptoProvider>,
    resolver: Arc<ReloadingResolver>,
) -> Result<ServerConfig> {
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .context("configuring TLS 1.2/1.3")?
        .with_no_client_auth()
        .with_cert_resolver(resolver);
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// Polls the files every `interval` and swaps in a changed, valid pair. Stops when `stop` flips.
pub async fn watch_files(
    files: CertFiles,
    provider: Arc<CryptoProvider>,
    resolver: Arc<ReloadingResolver>,
    mut last: u64,
    interval: Duration,
    metrics: Arc<Metrics>,
    mut stop: watch::Receiver<bool>,
) {
    let mut rejected: Option<u64> = None;
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            _ = stop.wait_for(|stopped| *stopped) => return,
        }
        let current = match files.fingerprint() {
            Ok(current) => current,
            Err(error) => {
                // Mid-swap or temporarily missing: keep serving, try again next tick.
                tracing::warn!(
                    error = format!("{error:#}"),
                    "cannot read TLS files; keeping the current certificate"
                );
                continue;
            }
        };
        if current == last {
            continue;
        }
        match files.load(&provider) {
            Ok(loaded) => {
                resolver.swap(loaded.key);
                last = loaded.fingerprint;
                rejected = None;
                metrics.cert_not_after.set(loaded.not_after);
                metrics.cert_reload(true);
                tracing::info!(cert = %files.cert.display(), not_after = loaded.not_after, "reloaded TLS certificate");
            }
            Err(error) => {
                // Report the bad content once, not every tick; keep trying it (a not-yet-valid
                // certificate becomes acceptable later).
                if rejected != Some(current) {
                    rejected = Some(current);
                    metrics.cert_reload(false);
                    tracing::error!(
                        error = format!("{error:#}"),
                        "new TLS certificate rejected; keeping the previous one"
                    );
                }
            }
        }
    }
}
