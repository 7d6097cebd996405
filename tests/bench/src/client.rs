//! Load generator: HTTP/1.1 over TLS with keep-alive connections (as the API server calls
//! webhooks), closed-loop at a fixed concurrency or open-loop at a fixed rate, bounded in time
//! and request count, loopback only.

use std::{
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use anyhow::{Context, Result};
use http_body_util::{BodyExt, Full};
use hyper::{Request, body::Bytes, client::conn::http1::SendRequest};
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use tokio::{net::TcpStream, sync::Barrier};
use tokio_rustls::TlsConnector;

use crate::stats::Samples;

/// One prepared request: path and JSON body.
#[derive(Debug, Clone)]
pub struct Payload {
    /// `/validate` or `/mutate`.
    pub path: String,
    /// AdmissionReview JSON.
    pub body: Bytes,
    /// `request.uid` of the review, checked in the response when verifying.
    pub uid: String,
}

/// Where to send, and how to trust it.
#[derive(Clone)]
pub struct Target {
    /// Loopback addresses of one or more server instances (workers spread over them and move to
    /// the next one when a connection cannot be made).
    pub addrs: Vec<SocketAddr>,
    /// Client TLS config (trusts the bench CA).
    pub tls: Arc<rustls::ClientConfig>,
    /// Optional readiness per address (same order), kept up to date by the caller as an
    /// endpoints controller would: new connections go only to ready addresses, and a connection
    /// to an address that turned not-ready is closed before its next request (an
    /// endpoint-aware client).
    pub ready: Option<Arc<Vec<AtomicBool>>>,
}

impl Target {
    /// One address, no readiness tracking.
    pub fn single(addr: SocketAddr, tls: Arc<rustls::ClientConfig>) -> Self {
        Self {
            addrs: vec![addr],
            tls,
            ready: None,
        }
    }

    fn is_ready(&self, index: usize) -> bool {
        self.ready
            .as_ref()
            .is_none_or(|r| r.get(index).is_none_or(|r| r.load(Ordering::Relaxed)))
    }

    /// The first ready address at or after `from` (or `from` itself if none is ready).
    fn pick(&self, from: usize) -> usize {
        let n = self.addrs.len();
        match &self.ready {
            Some(ready) => (0..n)
                .map(|k| (from + k) % n)
                .find(|&i| ready.get(i).is_some_and(|r| r.load(Ordering::Relaxed)))
                .unwrap_or(from % n),
            None => from % n,
        }
    }
}

/// Shape of a run.
#[derive(Debug, Clone, Copy)]
pub struct RunConfig {
    /// Connections, each sending one request at a time.
    pub connections: usize,
    /// Measurement time.
    pub duration: Duration,
    /// Hard cap on requests (bounds the run even on a very fast machine).
    pub max_requests: u64,
    /// `Some(rps)`: open loop, requests scheduled at this total rate and latency measured from the
    /// scheduled send time; `None`: closed loop, as fast as answers come back.
    pub rate: Option<f64>,
    /// Parse each response and check `response.uid` (costs client CPU; off for throughput runs).
    pub verify: bool,
    /// Close each connection after this many requests and open a new one (exercises TLS
    /// handshakes during a run); `None` keeps connections for the whole run.
    pub requests_per_connection: Option<u64>,
}

/// What went wrong with one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// A new connection was refused (nothing listening any more).
    Refused,
    /// Any other failure to connect or complete the TLS handshake.
    Connect(String),
    /// The request failed on an established connection after (part of) it was written.
    Request(String),
    /// The connection closed before any of the request was written; hyper hands the request
    /// back and it is re-sent on a new connection, as hyper-util's pool and Go's transport do.
    /// Never counted as a failure (nothing reached the server).
    NotSent,
    /// A non-200 status.
    Status(u16),
    /// A 200 whose body is not the matching AdmissionReview.
    Body(String),
}

/// A failure with the time it happened (since the run started).
#[derive(Debug, Clone)]
pub struct FailureAt {
    /// Offset from the start of the run.
    pub at: Duration,
    /// What happened.
    pub failure: Failure,
}

/// Result of one run.
#[derive(Debug, Default)]
pub struct RunResult {
    /// Latencies of successful requests.
    pub samples: Samples,
    /// Every failure.
    pub failures: Vec<FailureAt>,
    /// Measured time.
    pub elapsed: Duration,
    /// When the clock started (failure offsets count from here).
    pub started: Option<Instant>,
}

impl RunResult {
    /// Successful requests per second.
    pub fn throughput(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs <= 0.0 {
            0.0
        } else {
            self.samples.len() as f64 / secs
        }
    }
}

type Sender = SendRequest<Full<Bytes>>;

/// Opens one keep-alive HTTP/1.1 connection over TLS.
pub async fn connect(addr: SocketAddr, tls: Arc<rustls::ClientConfig>) -> Result<Sender, Failure> {
    let tcp = TcpStream::connect(addr).await.map_err(|e| {
        if e.kind() == std::io::ErrorKind::ConnectionRefused {
            Failure::Refused
        } else {
            Failure::Connect(format!("tcp: {e}"))
        }
    })?;
    let _ = tcp.set_nodelay(true);
    let name = ServerName::IpAddress(addr.ip().into());
    let stream = TlsConnector::from(tls)
        .connect(name, tcp)
        .await
        .map_err(|e| Failure::Connect(format!("tls: {e}")))?;
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| Failure::Connect(format!("http handshake: {e}")))?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok(sender)
}

/// Sends one review on `sender` and checks the answer.
pub async fn send(sender: &mut Sender, payload: &Payload, verify: bool) -> Result<(), Failure> {
    let request = Request::post(payload.path.as_str())
        .header(hyper::header::HOST, "localhost")
        .header(hyper::header::CONTENT_TYPE, "application/json")
        .header(hyper::header::ACCEPT, "application/json")
        .body(Full::new(payload.body.clone()))
        .map_err(|e| Failure::Request(format!("building request: {e}")))?;
    let response = match sender.try_send_request(request).await {
        Ok(response) => response,
        Err(mut e) => {
            return Err(if e.take_message().is_some() {
                Failure::NotSent
            } else {
                Failure::Request(e.into_error().to_string())
            });
        }
    };
    let status = response.status().as_u16();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| Failure::Request(format!("reading body: {e}")))?
        .to_bytes();
    if status != 200 {
        return Err(Failure::Status(status));
    }
    if verify {
        let value: serde_json::Value =
            serde_json::from_slice(&body).map_err(|e| Failure::Body(format!("not JSON: {e}")))?;
        let uid = value["response"]["uid"].as_str().unwrap_or_default();
        if uid != payload.uid || !value["response"]["allowed"].is_boolean() {
            return Err(Failure::Body(format!("uid {uid:?} / allowed missing")));
        }
    } else if body.is_empty() {
        return Err(Failure::Body("empty body".to_owned()));
    }
    Ok(())
}

/// Runs `config` against `target` cycling through `payloads`.
pub async fn run(
    target: &Target,
    payloads: Arc<Vec<Payload>>,
    config: RunConfig,
) -> Result<RunResult> {
    anyhow::ensure!(!payloads.is_empty(), "no payloads");
    anyhow::ensure!(!target.addrs.is_empty(), "no target address");
    let workers = config.connections.max(1);
    let barrier = Arc::new(Barrier::new(workers + 1));
    let start_cell = Arc::new(tokio::sync::OnceCell::<Instant>::new());
    let mut handles = Vec::with_capacity(workers);
    for w in 0..workers {
        let target = target.clone();
        let payloads = payloads.clone();
        let barrier = barrier.clone();
        let start_cell = start_cell.clone();
        handles.push(tokio::spawn(async move {
            worker(w, workers, target, payloads, config, barrier, start_cell).await
        }));
    }
    barrier.wait().await;
    let start = Instant::now();
    let _ = start_cell.set(start);
    let mut result = RunResult {
        started: Some(start),
        ..RunResult::default()
    };
    for handle in handles {
        let (samples, failures) = handle.await.context("load worker panicked")?;
        result.samples.merge(samples);
        result.failures.extend(failures);
    }
    result.elapsed = start.elapsed();
    result.failures.sort_by_key(|f| f.at);
    Ok(result)
}

async fn worker(
    w: usize,
    workers: usize,
    target: Target,
    payloads: Arc<Vec<Payload>>,
    config: RunConfig,
    barrier: Arc<Barrier>,
    start_cell: Arc<tokio::sync::OnceCell<Instant>>,
) -> (Samples, Vec<FailureAt>) {
    let per_worker = config.max_requests.div_ceil(workers as u64);
    let mut samples = Samples::with_capacity(per_worker.min(2_000_000) as usize);
    let mut failures = Vec::new();
    let mut addr_index = target.pick(w);
    let mut on_connection = 0u64;
    // Connect before the clock starts (a failure here is retried in the loop).
    let mut sender = connect(target.addrs[addr_index], target.tls.clone())
        .await
        .ok();
    barrier.wait().await;
    let start = start_cell.get().copied().unwrap_or_else(Instant::now);
    let deadline = start + config.duration;
    let period = config
        .rate
        .map(|r| Duration::from_secs_f64(workers as f64 / r.max(1e-3)));
    let mut i: u64 = 0;
    let mut retries = 0u32;
    while i < per_worker {
        let scheduled = match period {
            // Staggered schedule: worker w sends its k-th request at start + (k*workers + w)/rate.
            Some(p) => start + p.mul_f64(i as f64 + w as f64 / workers as f64),
            None => Instant::now(),
        };
        if scheduled >= deadline || Instant::now() >= deadline {
            break;
        }
        tokio::time::sleep_until(scheduled.into()).await;
        let payload = &payloads[(i as usize * workers + w) % payloads.len()];
        i += 1;
        // A connection the server closed cleanly (after `Connection: close`) is simply replaced:
        // no request was sent on it, as with any HTTP client's pool.
        if let Some(conn) = sender.as_mut()
            && conn.ready().await.is_err()
        {
            sender = None;
        }
        if config
            .requests_per_connection
            .is_some_and(|limit| on_connection >= limit)
            || !target.is_ready(addr_index)
        {
            sender = None;
        }
        if sender.is_none() {
            addr_index = target.pick(addr_index);
            on_connection = 0;
        }
        let conn = match sender.as_mut() {
            Some(conn) => conn,
            None => match connect(target.addrs[addr_index], target.tls.clone()).await {
                Ok(conn) => sender.insert(conn),
                Err(failure) => {
                    failures.push(FailureAt {
                        at: start.elapsed(),
                        failure,
                    });
                    sender = None;
                    addr_index = target.pick(addr_index + 1);
                    // Do not spin on a dead address.
                    tokio::time::sleep(Duration::from_millis(1)).await;
                    continue;
                }
            },
        };
        match send(conn, payload, config.verify).await {
            Ok(()) => {
                retries = 0;
                on_connection += 1;
                samples.record(scheduled.elapsed());
            }
            Err(Failure::NotSent) if retries < 3 => {
                // Re-send the same payload on a fresh connection.
                retries += 1;
                i -= 1;
                sender = None;
            }
            Err(failure) => {
                failures.push(FailureAt {
                    at: start.elapsed(),
                    failure,
                });
                sender = None;
            }
        }
    }
    (samples, failures)
}
