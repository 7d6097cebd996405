//! Throw-away certificates: one CA, leaf certificates for `localhost`/`127.0.0.1` signed by it
//! (so a client trusting the CA keeps working across rotations), and TLS configs for both ends.

use std::{path::Path, sync::Arc};

use anyhow::{Context, Result};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, pem::PemObject};

/// A CA able to sign any number of server certificates.
pub struct Ca {
    params: CertificateParams,
    key: KeyPair,
    /// The CA certificate, PEM.
    pub pem: String,
}

/// A server certificate chain and its key, PEM.
#[derive(Debug, Clone)]
pub struct Leaf {
    /// Certificate, PEM.
    pub cert_pem: String,
    /// Private key, PEM (PKCS#8).
    pub key_pem: String,
}

impl Ca {
    /// A fresh CA.
    pub fn generate() -> Result<Self> {
        let mut params = CertificateParams::new(Vec::<String>::new()).context("CA params")?;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(DnType::CommonName, "flink-savepoint-bench-ca");
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let key = KeyPair::generate().context("CA key")?;
        let pem = params
            .self_signed(&key)
            .context("self-signing the CA")?
            .pem();
        Ok(Self { params, key, pem })
    }

    /// A new server certificate for `localhost` and `127.0.0.1` (new key every time).
    pub fn leaf(&self) -> Result<Leaf> {
        let names = vec!["localhost".to_owned(), "127.0.0.1".to_owned()];
        let mut params = CertificateParams::new(names).context("leaf params")?;
        params
            .distinguished_name
            .push(DnType::CommonName, "savepoint-webhook-bench");
        let key = KeyPair::generate().context("leaf key")?;
        let issuer = Issuer::from_params(&self.params, &self.key);
        let cert = params.signed_by(&key, &issuer).context("signing leaf")?;
        Ok(Leaf {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        })
    }

    /// rustls client config trusting only this CA, HTTP/1.1 via ALPN (as the API server uses).
    pub fn client_config(&self) -> Result<Arc<rustls::ClientConfig>> {
        let mut roots = rustls::RootCertStore::empty();
        let ca = CertificateDer::from_pem_slice(self.pem.as_bytes()).context("CA PEM")?;
        roots.add(ca).context("adding the CA")?;
        let mut config = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .context("TLS versions")?
        .with_root_certificates(roots)
        .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

impl Leaf {
    /// Writes the pair to `cert` and `key` atomically (write a sibling temp file, then rename),
    /// as cert-manager's symlink swap appears to a reader: never a half-written file.
    pub fn write_atomically(&self, cert: &Path, key: &Path) -> Result<()> {
        // Key first: a reader seeing the new key with the old cert rejects the pair and keeps the
        // previous one, then picks up the matching pair on its next poll.
        replace_file(key, self.key_pem.as_bytes())?;
        replace_file(cert, self.cert_pem.as_bytes())
    }

    /// rustls server config with the webhook's TLS settings: TLS 1.3 and 1.2, ring provider,
    /// ALPN h2 and http/1.1 (only HTTP/1.1 is served by the floor).
    pub fn server_config(&self) -> Result<Arc<rustls::ServerConfig>> {
        let chain = CertificateDer::pem_slice_iter(self.cert_pem.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .context("certificate PEM")?;
        let key = PrivateKeyDer::from_pem_slice(self.key_pem.as_bytes()).context("key PEM")?;
        let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .context("TLS versions")?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .context("server certificate")?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

fn replace_file(path: &Path, contents: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp-rotate");
    std::fs::write(&tmp, contents).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("renaming onto {}", path.display()))
}
