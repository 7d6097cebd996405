//! Certificate rotation while traffic flows: cert-manager replaces the mounted files with an
//! atomic `..data` symlink swap; new handshakes get the new certificate, established keep-alive
//! connections keep working, no request fails, and a broken new pair is rejected.

mod common;

use std::{
    os::unix::fs::symlink,
    path::Path,
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use common::*;
use rustls::pki_types::pem::PemObject;
use tokio::io::AsyncWriteExt;

/// Lays `dir` out like a kubelet-projected Secret: `cert.pem -> ..data/cert.pem`,
/// `..data -> <version>/`.
fn project(dir: &Path, version: &str, cert_pem: &str, key_pem: &str) {
    let versioned = dir.join(version);
    std::fs::create_dir(&versioned).expect("version dir");
    std::fs::write(versioned.join("cert.pem"), cert_pem).expect("cert");
    std::fs::write(versioned.join("key.pem"), key_pem).expect("key");
    let tmp = dir.join("..data_tmp");
    symlink(version, &tmp).expect("tmp link");
    std::fs::rename(&tmp, dir.join("..data")).expect("atomic swap");
    for file in ["cert.pem", "key.pem"] {
        let link = dir.join(file);
        if std::fs::symlink_metadata(&link).is_err() {
            symlink(format!("..data/{file}"), &link).expect("file link");
        }
    }
}

async fn served_leaf(
    hook: &Webhook,
    roots: &[rustls::pki_types::CertificateDer<'static>],
) -> Vec<u8> {
    let stream = tls_connect(hook.https, roots, rustls::ALL_VERSIONS)
        .await
        .expect("handshake");
    stream.get_ref().1.peer_certificates().expect("peer certs")[0].to_vec()
}

async fn wait_for_leaf(
    hook: &Webhook,
    roots: &[rustls::pki_types::CertificateDer<'static>],
    want: &[u8],
) {
    let deadline = Instant::now() + HANG_GUARD;
    while served_leaf(hook, roots).await != want {
        assert!(Instant::now() < deadline, "new certificate never served");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn metric(hook: &Webhook, needle: &str) -> bool {
    metrics_text(hook).await.expect("metrics").contains(needle)
}

#[tokio::test]
async fn rotation_under_traffic_serves_the_new_cert_without_failed_requests() {
    let (old_ca, new_ca) = (Ca::new("old-ca"), Ca::new("new-ca"));
    let roots = [old_ca.der(), new_ca.der()];
    let (first, second) = (old_ca.leaf(), new_ca.leaf());
    let dir = tempfile::tempdir().expect("tempdir");
    project(dir.path(), "..v1", &first.cert_pem, &first.key_pem);
    let kubeconfig = unreachable_kubeconfig(dir.path());
    let hook = Webhook::start(
        dir,
        &kubeconfig,
        &[
            "--cache-sync-timeout",
            "0s",
            "--cert-reload-interval",
            "100ms",
        ],
    );
    assert_eq!(served_leaf(&hook, &roots).await, first.der.to_vec());

    // An established keep-alive connection from before the rotation.
    let body = fixture("005-validate-FlinkSessionJob-CREATE-clicks-job.json");
    let mut before = tls_connect(hook.https, &roots, rustls::ALL_VERSIONS)
        .await
        .expect("connect");
    let request = format!("{}{body}", request_head("/validate", body.len(), ""));
    before.write_all(request.as_bytes()).await.expect("write");
    assert_eq!(read_response(&mut before).await.0, 200);

    // Continuous traffic on pooled and fresh connections during the rotation.
    let stop = Arc::new(AtomicBool::new(false));
    let (ok, failed) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let mut workers = Vec::new();
    for pooled in [true, false] {
        let (stop, ok, failed, url, body) = (
            stop.clone(),
            ok.clone(),
            failed.clone(),
            hook.url("/validate"),
            body.clone(),
        );
        let roots = roots.clone();
        workers.push(tokio::spawn(async move {
            let pooled_client = https_client(&roots);
            while !stop.load(Ordering::SeqCst) {
                let client = if pooled {
                    pooled_client.clone()
                } else {
                    https_client(&roots)
                };
                let (status, json) = post_json(&client, &url, body.clone()).await;
                if status == 200 && json["response"]["allowed"] == true {
                    ok.fetch_add(1, Ordering::SeqCst);
                } else {
                    failed.fetch_add(1, Ordering::SeqCst);
                }
            }
        }));
    }
    while ok.load(Ordering::SeqCst) < 5 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    project(hook.dir.path(), "..v2", &second.cert_pem, &second.key_pem);
    wait_for_leaf(&hook, &roots, &second.der).await;
    let after_rotation = ok.load(Ordering::SeqCst);
    while ok.load(Ordering::SeqCst) < after_rotation + 5 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop.store(true, Ordering::SeqCst);
    for worker in workers {
        worker.await.expect("worker");
    }
    assert_eq!(
        failed.load(Ordering::SeqCst),
        0,
        "requests failed during rotation"
    );

    // The pre-rotation connection is still usable.
    before
        .write_all(request.as_bytes())
        .await
        .expect("write after rotation");
    assert_eq!(read_response(&mut before).await.0, 200);
    assert!(
        metric(
            &hook,
            r#"savepoint_webhook_cert_reloads_total{result="success"} 1"#
        )
        .await
    );
}

#[tokio::test]
async fn a_broken_new_certificate_is_rejected_and_the_old_one_kept() {
    let ca = Ca::new("test-ca");
    let leaf = ca.leaf();
    let other = ca.leaf();
    let dir = tempfile::tempdir().expect("tempdir");
    project(dir.path(), "..v1", &leaf.cert_pem, &leaf.key_pem);
    let kubeconfig = unreachable_kubeconfig(dir.path());
    let hook = Webhook::start(
        dir,
        &kubeconfig,
        &[
            "--cache-sync-timeout",
            "0s",
            "--cert-reload-interval",
            "100ms",
        ],
    );
    // Mismatched pair: certificate of one key, private key of another.
    project(hook.dir.path(), "..v2", &other.cert_pem, &leaf.key_pem);
    let deadline = Instant::now() + HANG_GUARD;
    while !metric(
        &hook,
        r#"savepoint_webhook_cert_reloads_total{result="error"} 1"#,
    )
    .await
    {
        assert!(Instant::now() < deadline, "bad certificate never detected");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(served_leaf(&hook, &[ca.der()]).await, leaf.der.to_vec());
    let (status, _) = post_json(
        &https_client(&[ca.der()]),
        &hook.url("/validate"),
        fixture("005-validate-FlinkSessionJob-CREATE-clicks-job.json"),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        hook.logs()
            .iter()
            .any(|l| l.contains("new TLS certificate rejected"))
    );
}

/// `savepoint_webhook_tls_cert_not_after_timestamp_seconds` of `pem`'s leaf.
fn not_after_line(pem: &str) -> String {
    let der = rustls::pki_types::CertificateDer::from_pem_slice(pem.as_bytes()).expect("pem");
    let (_, cert) = x509_parser::parse_x509_certificate(der.as_ref()).expect("x509");
    format!(
        "savepoint_webhook_tls_cert_not_after_timestamp_seconds {}",
        cert.validity().not_after.timestamp()
    )
}

#[tokio::test]
async fn an_expired_or_not_yet_valid_new_certificate_is_refused_and_not_after_exported() {
    let ca = Ca::new("test-ca");
    let leaf = ca.leaf();
    let dir = tempfile::tempdir().expect("tempdir");
    project(dir.path(), "..v1", &leaf.cert_pem, &leaf.key_pem);
    let kubeconfig = unreachable_kubeconfig(dir.path());
    let hook = Webhook::start(
        dir,
        &kubeconfig,
        &[
            "--cache-sync-timeout",
            "0s",
            "--cert-reload-interval",
            "100ms",
        ],
    );
    wait_metric(&hook, &not_after_line(&leaf.cert_pem)).await;
    let expired = ca.leaf_valid((2000, 1, 1), (2001, 1, 1));
    project(hook.dir.path(), "..v2", &expired.cert_pem, &expired.key_pem);
    wait_metric(
        &hook,
        r#"savepoint_webhook_cert_reloads_total{result="error"} 1"#,
    )
    .await;
    assert_eq!(served_leaf(&hook, &[ca.der()]).await, leaf.der.to_vec());
    let future = ca.leaf_valid((2200, 1, 1), (2201, 1, 1));
    project(hook.dir.path(), "..v3", &future.cert_pem, &future.key_pem);
    wait_metric(
        &hook,
        r#"savepoint_webhook_cert_reloads_total{result="error"} 2"#,
    )
    .await;
    assert_eq!(served_leaf(&hook, &[ca.der()]).await, leaf.der.to_vec());
    assert!(metric(&hook, &not_after_line(&leaf.cert_pem)).await);
    // stderr is read by another thread: wait for both reasons to be logged.
    let deadline = Instant::now() + HANG_GUARD;
    loop {
        let logs = hook.logs().join("\n");
        if logs.contains("has expired") && logs.contains("not valid yet") {
            break;
        }
        assert!(Instant::now() < deadline, "{logs}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
