//! Generated certificates: a throw-away CA and a server certificate signed by it (for the sandbox itself and
//! for in-test webhooks), plus rustls server/client configuration with the ring provider.

use std::sync::Arc;

use anyhow::Context;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};

/// A CA plus one server certificate for `names` (DNS names and/or IP addresses), all PEM.
#[derive(Debug, Clone)]
pub struct TestCert {
    pub ca_pem: String,
    pub cert_pem: String,
    pub key_pem: String,
}

impl TestCert {
    /// Generate a fresh CA and a server certificate for `names` (e.g. `["localhost", "127.0.0.1"]`).
    pub fn generate(names: &[&str]) -> anyhow::Result<Self> {
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).context("CA params")?;
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "flink-sandbox-ca");
        ca_params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let ca_key = KeyPair::generate().context("CA key")?;
        let ca_cert = ca_params.self_signed(&ca_key).context("self-signing CA")?;

        let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        let mut params = CertificateParams::new(names).context("server cert params")?;
        params
            .distinguished_name
            .push(DnType::CommonName, "flink-sandbox");
        let key = KeyPair::generate().context("server key")?;
        let issuer = Issuer::from_params(&ca_params, &ca_key);
        let cert = params
            .signed_by(&key, &issuer)
            .context("signing server cert")?;
        Ok(Self {
            ca_pem: ca_cert.pem(),
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        })
    }

    /// rustls server configuration serving this certificate (ALPN h2 + http/1.1).
    pub fn server_config(&self) -> anyhow::Result<Arc<rustls::ServerConfig>> {
        let certs = rustls_pemfile::certs(&mut self.cert_pem.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .context("parsing certificate PEM")?;
        let key = rustls_pemfile::private_key(&mut self.key_pem.as_bytes())
            .context("parsing key PEM")?
            .context("no private key in PEM")?;
        let mut cfg = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .context("TLS versions")?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .context("server certificate")?;
        cfg.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(Arc::new(cfg))
    }

    /// The CA as base64 PEM, as used in kubeconfig `certificate-authority-data` and webhook `caBundle`.
    pub fn ca_bundle_b64(&self) -> String {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(self.ca_pem.as_bytes())
    }
}
