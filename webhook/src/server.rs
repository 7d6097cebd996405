//! Accept loops for the HTTPS port (rustls, then HTTP/1.1 or HTTP/2 by ALPN) and the plain-HTTP
//! admin port (HTTP/1.1), with the same connection limits on both:
//!
//! * every accepted socket sets `TCP_NODELAY`;
//! * the TLS handshake must finish within [`ConnLimits::handshake`];
//! * the first request must start within [`ConnLimits::first_request`] and a connection with no
//!   request in flight is closed after [`ConnLimits::idle`] (a watchdog per connection, so it
//!   also covers a silent client after the handshake, an idle HTTP/2 connection and HTTP/2
//!   HEADERS that never end);
//! * HTTP/1.1 request headers must arrive within [`ConnLimits::header_read`];
//! * HTTP/2 pings every [`ConnLimits::h2_keep_alive_interval`] (a peer that does not answer in
//!   [`ConnLimits::h2_keep_alive_timeout`] is dropped) and allows at most
//!   [`ConnLimits::h2_max_streams`] concurrent streams.
//!
//! The protocol is chosen from ALPN, never sniffed from the first bytes (hyper-util's
//! auto-detection has no timer).
//!
//! On shutdown in-flight requests finish and idle keep-alive connections are closed, all within
//! a deadline.

use std::{error::Error as StdError, future::Future, sync::Arc, time::Duration};

use hyper::{
    Request, Response,
    body::{Body, Incoming},
    server::conn::{http1, http2},
    service::Service,
};
use hyper_util::{
    rt::{TokioExecutor, TokioIo, TokioTimer},
    server::graceful::GracefulConnection,
};
use tokio::{
    net::{TcpListener, TcpStream},
    sync::{mpsc, watch},
    time::Instant,
};
use tokio_rustls::TlsAcceptor;

use crate::{
    activity::{Activity, Tracked},
    readiness::Readiness,
    shutdown::Signal,
};

/// After an idle close has been asked for (GOAWAY / `Connection: close`), the connection is
/// dropped outright if it has not ended within this time.
const IDLE_CLOSE_GRACE: Duration = Duration::from_secs(2);

/// Per-connection limits (see the module documentation).
#[derive(Debug, Clone, Copy)]
pub struct ConnLimits {
    /// Deadline for the TLS handshake.
    pub handshake: Duration,
    /// Deadline, from accept, for the first request to start.
    pub first_request: Duration,
    /// Close a connection that has had no request in flight for this long.
    pub idle: Duration,
    /// HTTP/1.1: deadline for a request's headers.
    pub header_read: Duration,
    /// HTTP/2: keep-alive ping interval.
    pub h2_keep_alive_interval: Duration,
    /// HTTP/2: the ping must be answered within this time.
    pub h2_keep_alive_timeout: Duration,
    /// HTTP/2: concurrent streams per connection.
    pub h2_max_streams: u32,
}

impl Default for ConnLimits {
    fn default() -> Self {
        Self {
            handshake: Duration::from_secs(10),
            first_request: Duration::from_secs(10),
            idle: Duration::from_secs(60),
            header_read: Duration::from_secs(10),
            h2_keep_alive_interval: Duration::from_secs(20),
            h2_keep_alive_timeout: Duration::from_secs(10),
            h2_max_streams: 64,
        }
    }
}

/// Timing of the shutdown sequence.
#[derive(Debug, Clone, Copy)]
pub struct Drain {
    /// Keep accepting this long after turning not-ready (endpoint propagation).
    pub delay: Duration,
    /// Then wait at most this long for open connections to finish.
    pub grace: Duration,
}

/// What runs on an accepted socket before HTTP.
#[derive(Clone)]
pub enum Transport {
    /// rustls; HTTP/2 when ALPN says `h2`, else HTTP/1.1.
    Tls(TlsAcceptor),
    /// Plain HTTP/1.1 (the admin port).
    Plain,
}

/// What a port serves: one clone per connection (the HTTPS port's
/// [`crate::routes::Reviews`], or the admin router through hyper-util's `TowerToHyperService`).
pub trait HttpService:
    Service<
        Request<Incoming>,
        Response = Response<Self::ResponseBody>,
        Error: Into<Box<dyn StdError + Send + Sync>>,
        Future: Send + 'static,
    > + Clone
    + Send
    + 'static
{
    /// The response body.
    type ResponseBody: Body<Data: Send, Error: Into<Box<dyn StdError + Send + Sync>>>
        + Send
        + 'static;
}

impl<S, B> HttpService for S
where
    S: Service<Request<Incoming>, Response = Response<B>> + Clone + Send + 'static,
    S::Error: Into<Box<dyn StdError + Send + Sync>>,
    S::Future: Send + 'static,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn StdError + Send + Sync>>,
{
    type ResponseBody = B;
}

/// Serves `app` over TLS on `listener` until `stop` fires, then drains.
pub async fn serve_https(
    listener: TcpListener,
    tls: Arc<rustls::ServerConfig>,
    app: impl HttpService,
    readiness: Arc<Readiness>,
    stop: Signal,
    drain: Drain,
    limits: ConnLimits,
) {
    let stopping = {
        let mut stop = stop;
        async move {
            crate::shutdown::wait(&mut stop).await;
            readiness.set_shutting_down();
            tracing::info!(delay = ?drain.delay, "not ready any more; still accepting during the shutdown delay");
            tokio::time::sleep(drain.delay).await;
        }
    };
    serve(
        listener,
        Transport::Tls(TlsAcceptor::from(tls)),
        app,
        stopping,
        drain.grace,
        limits,
    )
    .await;
}

/// Accepts on `listener` until `stopping` completes, then closes the listener and drains the
/// open connections for at most `grace`.
pub async fn serve(
    listener: TcpListener,
    transport: Transport,
    app: impl HttpService,
    stopping: impl Future<Output = ()>,
    grace: Duration,
    limits: ConnLimits,
) {
    let (close_tx, close_rx) = watch::channel(false);
    let (done_tx, mut done_rx) = mpsc::channel::<()>(1);
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
        let transport = transport.clone();
        let service = app.clone();
        let close = close_rx.clone();
        let done = done_tx.clone();
        tokio::spawn(async move {
            connection(tcp, peer, transport, service, limits, close).await;
            drop(done);
        });
    }
    drop(listener);
    drop(done_tx);
    close_tx.send_replace(true);
    tracing::info!(?grace, "listener closed; draining open connections");
    tokio::select! {
        _ = done_rx.recv() => tracing::info!("all connections drained"),
        _ = tokio::time::sleep(grace) => tracing::warn!("drain deadline reached; closing remaining connections"),
    }
}

async fn connection(
    tcp: TcpStream,
    peer: std::net::SocketAddr,
    transport: Transport,
    service: impl HttpService,
    limits: ConnLimits,
    close: watch::Receiver<bool>,
) {
    let accepted = Instant::now();
    if let Err(error) = tcp.set_nodelay(true) {
        tracing::debug!(%peer, %error, "cannot set TCP_NODELAY");
    }
    let activity = Arc::new(Activity::default());
    let service = Tracked {
        inner: service,
        activity: activity.clone(),
    };
    match transport {
        Transport::Plain => {
            let conn = h1_builder(&limits).serve_connection(TokioIo::new(tcp), service);
            drive(conn, peer, &activity, accepted, limits, close).await;
        }
        Transport::Tls(acceptor) => {
            let tls = match tokio::time::timeout(limits.handshake, acceptor.accept(tcp)).await {
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
            let h2 = tls.get_ref().1.alpn_protocol() == Some(b"h2");
            let io = TokioIo::new(tls);
            if h2 {
                let conn = http2::Builder::new(TokioExecutor::new())
                    .timer(TokioTimer::new())
                    .keep_alive_interval(Some(limits.h2_keep_alive_interval))
                    .keep_alive_timeout(limits.h2_keep_alive_timeout)
                    .max_concurrent_streams(limits.h2_max_streams)
                    .serve_connection(io, service);
                drive(conn, peer, &activity, accepted, limits, close).await;
            } else {
                let conn = h1_builder(&limits).serve_connection(io, service);
                drive(conn, peer, &activity, accepted, limits, close).await;
            }
        }
    }
}

fn h1_builder(limits: &ConnLimits) -> http1::Builder {
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(Some(limits.header_read))
        .keep_alive(true);
    builder
}

/// Runs `conn` until it ends, is idle too long (closed gracefully, then dropped), or shutdown
/// asks it to close (gracefully; the caller's drain deadline bounds the wait).
async fn drive<C>(
    conn: C,
    peer: std::net::SocketAddr,
    activity: &Activity,
    accepted: Instant,
    limits: ConnLimits,
    mut close: watch::Receiver<bool>,
) where
    C: GracefulConnection,
    C::Error: std::fmt::Display,
{
    tokio::pin!(conn);
    let idle = activity.idle_deadline(accepted, limits.first_request, limits.idle);
    tokio::pin!(idle);
    let idle_closed = tokio::select! {
        result = conn.as_mut() => {
            if let Err(error) = result {
                tracing::debug!(%peer, %error, "connection ended with an error");
            }
            return;
        }
        () = &mut idle => true,
        _ = close.wait_for(|closing| *closing) => false,
    };
    conn.as_mut().graceful_shutdown();
    if idle_closed {
        tracing::debug!(%peer, "closing an idle connection");
        if tokio::time::timeout(IDLE_CLOSE_GRACE, conn.as_mut())
            .await
            .is_err()
        {
            tracing::debug!(%peer, "idle connection did not close in time; dropped");
        }
    } else if let Err(error) = conn.as_mut().await {
        tracing::debug!(%peer, %error, "connection ended with an error while draining");
    }
}
