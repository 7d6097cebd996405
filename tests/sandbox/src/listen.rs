//! Serving a router over TCP, with or without TLS; and [`TlsServer`] for in-test HTTPS servers.

use anyhow::Context;
use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::tls::TestCert;

/// A small HTTPS server for tests (e.g. an in-test admission webhook), with a freshly generated CA.
pub struct TlsServer {
    /// `https://127.0.0.1:PORT`
    pub url: String,
    pub cert: TestCert,
    shutdown: watch::Sender<bool>,
}

impl TlsServer {
    /// Serve `router` over HTTPS on 127.0.0.1 (certificate valid for `localhost` and `127.0.0.1`).
    pub async fn start(router: Router) -> anyhow::Result<Self> {
        let cert = TestCert::generate(&["localhost", "127.0.0.1"])?;
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .context("binding TLS test server")?;
        let addr = listener.local_addr().context("local address")?;
        let (tx, rx) = watch::channel(false);
        let acceptor = tokio_rustls::TlsAcceptor::from(cert.server_config()?);
        tokio::spawn(serve(listener, Some(acceptor), router, rx));
        Ok(Self {
            url: format!("https://{addr}"),
            cert,
            shutdown: tx,
        })
    }

    /// The CA as base64 PEM, ready for a webhook `clientConfig.caBundle`.
    pub fn ca_bundle(&self) -> String {
        self.cert.ca_bundle_b64()
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

pub(crate) async fn serve(
    listener: TcpListener,
    acceptor: Option<tokio_rustls::TlsAcceptor>,
    router: Router,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            _ = shutdown.changed() => break,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let svc = TowerToHyperService::new(router.clone());
                let acceptor = acceptor.clone();
                conns.spawn(async move {
                    let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
                    let result = match acceptor {
                        Some(acc) => match acc.accept(stream).await {
                            Ok(tls) => builder.serve_connection(TokioIo::new(tls), svc).await,
                            Err(e) => {
                                tracing::debug!(error = %e, "TLS handshake failed");
                                return;
                            }
                        },
                        None => builder.serve_connection(TokioIo::new(stream), svc).await,
                    };
                    if let Err(e) = result {
                        tracing::debug!(error = %e, "connection ended with error");
                    }
                });
            }
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
    conns.abort_all();
}
