//! Graceful shutdown of the running binary: not ready first, listener closed, in-flight
//! requests complete, idle keep-alive connections are closed, exit within the deadline; a second
//! signal aborts.

mod common;

use common::*;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

type Tls = tokio_rustls::client::TlsStream<tokio::net::TcpStream>;

/// Sends the head of a `/validate` request with `Expect: 100-continue` and waits for the
/// `100 Continue`, which hyper only sends once the handler is reading the body: from then on
/// the request is provably in flight.
async fn start_in_flight(hook: &Webhook, ca: &Ca, body: &str) -> Tls {
    let mut stream = tls_connect(hook.https, &[ca.der()], rustls::ALL_VERSIONS)
        .await
        .expect("connect");
    let head = request_head("/validate", body.len(), "Expect: 100-continue\r\n");
    stream.write_all(head.as_bytes()).await.expect("head");
    let (status, _) = read_response(&mut stream).await;
    assert_eq!(status, 100, "expected 100 Continue");
    stream
}

/// A keep-alive connection that has completed one request and is now idle.
async fn idle_keep_alive(hook: &Webhook, ca: &Ca, body: &str) -> Tls {
    let mut stream = tls_connect(hook.https, &[ca.der()], rustls::ALL_VERSIONS)
        .await
        .expect("connect");
    let request = format!("{}{body}", request_head("/validate", body.len(), ""));
    stream.write_all(request.as_bytes()).await.expect("request");
    assert_eq!(read_response(&mut stream).await.0, 200);
    stream
}

async fn wait_until_refused(addr: std::net::SocketAddr) {
    let deadline = std::time::Instant::now() + HANG_GUARD;
    while tokio::net::TcpStream::connect(addr).await.is_ok() {
        assert!(
            std::time::Instant::now() < deadline,
            "listener never closed"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

async fn read_eof(stream: &mut Tls) {
    let mut rest = Vec::new();
    let read = tokio::time::timeout(HANG_GUARD, stream.read_to_end(&mut rest)).await;
    // Either a clean close (Ok) or a reset after close_notify; never a hang or more data.
    if let Ok(Ok(_)) = read {
        assert!(rest.is_empty(), "unexpected data after shutdown: {rest:?}");
    }
    assert!(read.is_ok(), "connection was not closed");
}

#[tokio::test]
async fn sigterm_turns_unready_closes_idle_connections_and_completes_in_flight_requests() {
    let ca = Ca::new("test-ca");
    let mut hook = start_with(
        &ca,
        &[
            "--cache-sync-timeout",
            "0s",
            "--shutdown-grace",
            "60s",
            "--request-timeout",
            "120s",
        ],
    );
    hook.wait_readyz(200).await;
    let body = fixture("007-validate-FlinkSessionJob-CREATE-rogue-job.json");
    let mut idle = idle_keep_alive(&hook, &ca, &body).await;
    let mut in_flight = start_in_flight(&hook, &ca, &body).await;

    hook.signal("TERM");
    hook.wait_readyz(503).await;
    wait_until_refused(hook.https).await;
    read_eof(&mut idle).await;

    // The in-flight request still completes with a real decision.
    in_flight.write_all(body.as_bytes()).await.expect("body");
    let (status, response) = read_response(&mut in_flight).await;
    assert_eq!(status, 200);
    let review: Value = serde_json::from_str(&response).expect("AdmissionReview");
    assert_eq!(review["response"]["allowed"], false);
    assert_eq!(review["response"]["status"]["code"], 403);
    read_eof(&mut in_flight).await;

    let status = hook.wait_exit();
    assert!(status.success(), "exit status {status:?}");
    assert!(
        hook.logs()
            .iter()
            .any(|l| l.contains("all connections drained"))
    );
}

#[tokio::test]
async fn a_stuck_request_does_not_delay_exit_beyond_the_shutdown_grace() {
    let ca = Ca::new("test-ca");
    let mut hook = start_with(
        &ca,
        &["--cache-sync-timeout", "0s", "--shutdown-grace", "1s"],
    );
    let body = fixture("005-validate-FlinkSessionJob-CREATE-clicks-job.json");
    let _stuck = start_in_flight(&hook, &ca, &body).await;
    hook.signal("TERM");
    let status = hook.wait_exit();
    assert!(status.success(), "exit status {status:?}");
    assert!(
        hook.logs()
            .iter()
            .any(|l| l.contains("drain deadline reached"))
    );
}

#[tokio::test]
async fn a_second_signal_aborts_the_drain() {
    let ca = Ca::new("test-ca");
    let mut hook = start_with(
        &ca,
        &["--cache-sync-timeout", "0s", "--shutdown-grace", "1h"],
    );
    let body = fixture("005-validate-FlinkSessionJob-CREATE-clicks-job.json");
    let _stuck = start_in_flight(&hook, &ca, &body).await;
    hook.signal("TERM");
    hook.wait_readyz(503).await;
    hook.signal("INT");
    let status = hook.wait_exit();
    assert_eq!(status.code(), Some(130), "{:?}", hook.logs());
}
