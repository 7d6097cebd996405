//! HTTPS accept loop: rustls handshake, hyper (HTTP/1.1 + h2) connections tracked by
//! `GracefulShutdown`, so that on shutdown in-flight requests finish and idle keep-alive
//! connections are closed, all within a deadline.

use std::{sync::Arc, time::Duration};

use axum::Router;
use hyper_util::{
    rt::{TokioExecutor, TokioIo, TokioTimer},
    server::{conn::auto, graceful::GracefulShutdown},
    service::TowerToHyperService,
};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use crate::{shutdown::Signal, state::Readiness};

/// Clients must finish the TLS handshake within this time.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Clients must send the request headers within this time (slowloris guard).
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Timing of the shutdown sequence.
#[derive(Debug, Clone, Copy)]
pub struct Drain {
    /// Keep accepting this long after turning not-ready (endpoint propagation).
    pub delay: Duration,
    /// Then wait at most this long for open connections to finish.
    pub grace: Duration,
}

/// Serves `app` over TLS on `listener` until `stop` fires, then drains.
pub async fn serve_https(
    listener: TcpListener,
    tls: Arc<rustls::ServerConfig>,
    app: Router,
    readiness: Arc<Readiness>,
    mut stop: Signal,
    drain: Drain,
) {
    let acceptor = TlsAcceptor::from(tls);
    let graceful = GracefulShutdown::new();
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(Some(HEADER_READ_TIMEOUT))
        .keep_alive(true);
    builder.http2().timer(TokioTimer::new());
    let builder = Arc::new(builder);

    let stopping = async {
        crate::shutdown::wait(&mut stop).await;
        readiness.set_shutting_down();
        tracing::info!(delay = ?drain.delay, "not ready any more; still accepting during the shutdown delay");
        tokio::time::sleep(drain.delay).await;
    };
    tokio::pin!(stopping);
    loop {
        let (tcp, peer) = tokio::select! {
            biased;
            _ = &mut stopping => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // EMFILE and friends: back off instead of spinning.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let acceptor = acceptor.clone();
        let builder = builder.clone();
        let service = TowerToHyperService::new(app.clone());
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            let tls = match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
                Ok(Ok(tls)) => tls,
                Ok(Err(error)) => {
                    tracing::debug!(%peer, %error, "TLS handshake failed");
                    return;
                }
                Err(_) => {
                    tracing::debug!(%peer, "TLS handshake timed out");
                    return;
                }
            };
            let conn = builder.serve_connection_with_upgrades(TokioIo::new(tls), service);
            if let Err(error) = watcher.watch(conn.into_owned()).await {
                tracing::debug!(%peer, error = %error, "connection ended with an error");
            }
        });
    }
    drop(listener);
    tracing::info!(grace = ?drain.grace, "listener closed; draining open connections");
    tokio::select! {
        _ = graceful.shutdown() => tracing::info!("all connections drained"),
        _ = tokio::time::sleep(drain.grace) => tracing::warn!("drain deadline reached; closing remaining connections"),
    }
}
