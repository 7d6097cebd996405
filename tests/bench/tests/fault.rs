//! Fault test: two webhook instances under sustained HTTPS load (connections recycled so TLS
//! handshakes keep happening) while the certificate files are rotated repeatedly and one
//! instance receives SIGTERM. The client routes like an endpoints-aware API server: new
//! connections only to ready instances, connections to an instance that turned not-ready are
//! closed before their next request. No request may fail, except a refused new connection after
//! shutdown began. The webhook's own tests cover single-request rotation and shutdown; this is
//! the sustained-load version.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use flink_savepoint_bench::{
    certs::{Ca, Leaf},
    client::{Failure, RunConfig, Target, run},
    fixtures,
    server::{Server, WebhookOptions, debug_binary, http_get_status},
    webhook_bench::start_sandbox_with_session,
};
use rustls::pki_types::{CertificateDer, ServerName, pem::PemObject};

/// Hang guard only; never an assertion about speed.
const HANG_GUARD: Duration = Duration::from_secs(60);

async fn served_leaf(addr: std::net::SocketAddr, ca: &Ca) -> Option<Vec<u8>> {
    let tcp = tokio::net::TcpStream::connect(addr).await.ok()?;
    let name = ServerName::IpAddress(addr.ip().into());
    let tls = tokio_rustls::TlsConnector::from(ca.client_config().ok()?)
        .connect(name, tcp)
        .await
        .ok()?;
    let (_, conn) = tls.get_ref();
    conn.peer_certificates()?.first().map(|c| c.to_vec())
}

fn der(leaf: &Leaf) -> Vec<u8> {
    CertificateDer::from_pem_slice(leaf.cert_pem.as_bytes())
        .expect("leaf PEM")
        .to_vec()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sustained_load_survives_certificate_rotation_and_sigterm_of_one_instance() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let binary = debug_binary("savepoint-webhook", "savepoint-webhook").expect("webhook binary");
    let dir = tempfile::tempdir().expect("temp dir");
    let (cert, key) = (dir.path().join("tls.crt"), dir.path().join("tls.key"));
    let ca = Arc::new(Ca::generate().expect("CA"));
    ca.leaf()
        .expect("leaf")
        .write_atomically(&cert, &key)
        .expect("first pair");
    let sandbox = start_sandbox_with_session().await.expect("sandbox");
    let options = WebhookOptions {
        binary: &binary,
        cert: &cert,
        key: &key,
        kubeconfig: sandbox.kubeconfig_path(),
        cert_reload_interval: "100ms",
        log: "warn",
        // Not ready first, keep serving while the endpoint is withdrawn, then drain.
        extra: &["--shutdown-delay", "3s"],
        output: None,
    };
    let mut a = Server::webhook(&options).expect("instance A");
    let b = Server::webhook(&options).expect("instance B");
    let admins = [a.admin.expect("admin A"), b.admin.expect("admin B")];

    let ready = Arc::new(vec![AtomicBool::new(true), AtomicBool::new(true)]);
    let stop = Arc::new(AtomicBool::new(false));
    // Endpoints controller: readiness of each instance, every 50 ms.
    let poller = {
        let (ready, stop) = (ready.clone(), stop.clone());
        tokio::task::spawn_blocking(move || {
            while !stop.load(Ordering::Relaxed) {
                for (i, admin) in admins.iter().enumerate() {
                    let up = http_get_status(*admin, "/readyz") == Some(200);
                    ready[i].store(up, Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        })
    };
    // cert-manager: a new certificate with a new key every 300 ms.
    let rotator = {
        let (stop, ca, cert, key) = (stop.clone(), ca.clone(), cert.clone(), key.clone());
        tokio::task::spawn_blocking(move || {
            let mut last = None;
            let mut rotations = 0u32;
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(300));
                let leaf = ca.leaf().expect("rotated leaf");
                leaf.write_atomically(&cert, &key).expect("rotating");
                rotations += 1;
                last = Some(leaf);
            }
            (rotations, last)
        })
    };

    let payloads = Arc::new(
        fixtures::payloads(&fixtures::admission_reviews().expect("fixtures")).expect("payloads"),
    );
    let target = Target {
        addrs: vec![a.addr, b.addr],
        tls: ca.client_config().expect("client TLS"),
        ready: Some(ready.clone()),
    };
    let config = RunConfig {
        connections: 6,
        duration: Duration::from_secs(8),
        max_requests: 100_000,
        rate: Some(300.0),
        verify: true,
        requests_per_connection: Some(25),
    };
    let load = tokio::spawn(async move { run(&target, payloads, config).await });
    tokio::time::sleep(Duration::from_secs(3)).await;
    let sigterm_at = Instant::now();
    a.terminate().expect("SIGTERM to instance A");
    let result = tokio::time::timeout(HANG_GUARD, load)
        .await
        .expect("load hung")
        .expect("load task")
        .expect("load run");
    stop.store(true, Ordering::Relaxed);
    let (rotations, last) = rotator.await.expect("rotator");
    poller.await.expect("poller");

    eprintln!(
        "fault test: {} requests ok, {} failures, {rotations} rotations",
        result.samples.len(),
        result.failures.len()
    );
    // Every failure must be a refused new connection after SIGTERM was sent.
    let started = result.started.expect("run started");
    let unexpected: Vec<_> = result
        .failures
        .iter()
        .filter(|f| !(f.failure == Failure::Refused && started + f.at >= sigterm_at))
        .collect();
    assert!(unexpected.is_empty(), "requests failed: {unexpected:#?}");
    assert!(!result.samples.is_empty(), "no request succeeded");
    assert!(
        rotations >= 2,
        "the certificate was not rotated during the load"
    );

    let status = a.wait_exit(HANG_GUARD).expect("waiting for A");
    assert!(
        status.is_some_and(|s| s.success()),
        "instance A did not exit cleanly after SIGTERM: {status:?}"
    );
    // B serves the last rotated certificate to new handshakes.
    let last = der(&last.expect("at least one rotation"));
    let deadline = Instant::now() + HANG_GUARD;
    while served_leaf(b.addr, &ca).await.as_deref() != Some(last.as_slice()) {
        assert!(
            Instant::now() < deadline,
            "B never served the last certificate"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        http_get_status(b.admin.expect("admin B"), "/readyz"),
        Some(200)
    );
    sandbox.shutdown().await;
}
