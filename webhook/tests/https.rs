//! The running binary over HTTPS: decisions, patches, warnings, malformed input, TLS versions,
//! health, metrics and logs.

mod common;

use common::*;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const READY_NOW: &[&str] = &["--cache-sync-timeout", "0s"];

#[tokio::test]
async fn validate_denies_a_session_job_savepoint_dir_with_403_naming_key_and_cluster() {
    let ca = Ca::new("test-ca");
    let hook = start_with(&ca, READY_NOW);
    let client = https_client(&[ca.der()]);
    let (status, body) = post_json(
        &client,
        &hook.url("/validate"),
        fixture("007-validate-FlinkSessionJob-CREATE-rogue-job.json"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["apiVersion"], "admission.k8s.io/v1");
    assert_eq!(body["kind"], "AdmissionReview");
    let response = &body["response"];
    assert_eq!(response["uid"], "63378d74-4928-48cc-b94c-4dd774761a8a");
    assert_eq!(response["allowed"], false);
    assert_eq!(response["status"]["code"], 403);
    let message = response["status"]["message"].as_str().expect("message");
    assert!(
        message.contains("state.savepoints.dir") && message.contains("shared-session"),
        "{message}"
    );
}

#[tokio::test]
async fn validate_allows_a_clean_job_with_a_warning_while_the_cache_is_unknown() {
    let ca = Ca::new("test-ca");
    let hook = start_with(&ca, READY_NOW);
    let client = https_client(&[ca.der()]);
    let (status, body) = post_json(
        &client,
        &hook.url("/validate"),
        fixture("005-validate-FlinkSessionJob-CREATE-clicks-job.json"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["response"]["allowed"], true);
    let warnings = body["response"]["warnings"].as_array().expect("warnings");
    assert!(
        warnings[0]
            .as_str()
            .expect("text")
            .contains("cache is not ready"),
        "{warnings:?}"
    );
}

#[tokio::test]
async fn mutate_returns_a_base64_json_patch_with_the_retention_defaults() {
    let ca = Ca::new("test-ca");
    let hook = start_with(
        &ca,
        &[
            "--cache-sync-timeout",
            "0s",
            "--default-history-max-count",
            "7",
        ],
    );
    let client = https_client(&[ca.der()]);
    let (status, body) = post_json(
        &client,
        &hook.url("/mutate"),
        fixture("028-mutate-FlinkDeployment-CREATE-bare-app.json"),
    )
    .await;
    assert_eq!(status, 200);
    let response = &body["response"];
    assert_eq!(response["allowed"], true);
    assert_eq!(response["patchType"], "JSONPatch");
    let patch: Value = serde_json::from_slice(&base64_decode(
        response["patch"].as_str().expect("base64 patch"),
    ))
    .expect("patch is JSON");
    assert_eq!(
        patch,
        json!([
            {"op": "add", "path": "/spec/flinkConfiguration", "value": {}},
            {"op": "add", "path": "/spec/flinkConfiguration/kubernetes.operator.savepoint.history.max.age", "value": "72 h"},
            {"op": "add", "path": "/spec/flinkConfiguration/kubernetes.operator.savepoint.history.max.count", "value": "7"},
        ])
    );
}

#[tokio::test]
async fn warn_enforcement_admits_violations_with_a_warning() {
    let ca = Ca::new("test-ca");
    let hook = start_with(
        &ca,
        &["--cache-sync-timeout", "0s", "--enforcement", "warn"],
    );
    let client = https_client(&[ca.der()]);
    let (_, body) = post_json(
        &client,
        &hook.url("/validate"),
        fixture("009-validate-FlinkSessionJob-CREATE-nested-job.json"),
    )
    .await;
    assert_eq!(body["response"]["allowed"], true);
    let first = body["response"]["warnings"][0].as_str().expect("warning");
    assert!(
        first.contains("policy violation")
            && first.contains("execution.checkpointing.savepoint-dir"),
        "{first}"
    );
}

#[tokio::test]
async fn malformed_requests_get_a_4xx_with_a_message_and_the_server_survives() {
    let ca = Ca::new("test-ca");
    let hook = start_with(&ca, READY_NOW);
    let client = https_client(&[ca.der()]);
    let get = client.get(hook.url("/validate")).send().await.expect("GET");
    assert_eq!(get.status().as_u16(), 405);
    assert_eq!(get.headers()["allow"], "POST");
    let text = client
        .post(hook.url("/validate"))
        .header("content-type", "text/plain")
        .body(fixture(
            "005-validate-FlinkSessionJob-CREATE-clicks-job.json",
        ))
        .send()
        .await
        .expect("text/plain");
    assert_eq!(text.status().as_u16(), 415);
    let huge = format!("{{\"pad\":\"{}\"}}", "x".repeat(5 * 1024 * 1024));
    let cases: Vec<(&str, String, u16, &str)> = vec![
        ("/validate", "{not json".into(), 400, "not a valid AdmissionReview"),
        ("/mutate", "[]".into(), 400, "not a valid AdmissionReview"),
        ("/validate", json!({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview"}).to_string(), 400, "no `request`"),
        ("/validate", fixture("005-validate-FlinkSessionJob-CREATE-clicks-job.json").replace("admission.k8s.io/v1", "admission.k8s.io/v1beta1"), 400, "apiVersion"),
        ("/validate", json!({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": 5}}).to_string(), 400, "not a valid AdmissionReview"),
        ("/elsewhere", "{}".into(), 404, "no such endpoint"),
        ("/validate", huge, 413, "larger than"),
    ];
    for (path, body, expected, needle) in cases {
        let (status, json) = post_json(&client, &hook.url(path), body).await;
        assert_eq!(status, expected, "{path} {json}");
        assert!(
            json["message"].as_str().unwrap_or("").contains(needle),
            "{path}: {json}"
        );
    }
    let health = reqwest::get(hook.admin_url("/healthz"))
        .await
        .expect("healthz");
    assert_eq!(health.status().as_u16(), 200);
    assert!(!hook.logs().iter().any(|l| l.contains("panicked")));
}

/// The API server calls `<path>?timeout=10s`: the query plays no part in routing, and only the
/// two exact paths are served (no trailing slash, no other case, nothing below them).
#[tokio::test]
async fn reviews_are_routed_by_exact_path_whatever_the_query() {
    let ca = Ca::new("test-ca");
    let hook = start_with(&ca, READY_NOW);
    let client = https_client(&[ca.der()]);
    let review = fixture("007-validate-FlinkSessionJob-CREATE-rogue-job.json");
    let (status, body) =
        post_json(&client, &hook.url("/validate?timeout=10s"), review.clone()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["response"]["uid"],
        "63378d74-4928-48cc-b94c-4dd774761a8a"
    );
    assert_eq!(body["response"]["allowed"], false);
    let (status, body) = post_json(
        &client,
        &hook.url("/mutate?timeout=30s"),
        fixture("028-mutate-FlinkDeployment-CREATE-bare-app.json"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["response"]["allowed"], true);
    for path in [
        "/validate/",
        "/Validate",
        "/validate/x",
        "/mutatex",
        "/",
        "//validate",
    ] {
        let (status, body) = post_json(&client, &hook.url(path), review.clone()).await;
        assert_eq!(status, 404, "{path}: {body}");
        assert_eq!(body["kind"], "Status", "{path}: {body}");
    }
    for method in [
        reqwest::Method::PUT,
        reqwest::Method::DELETE,
        reqwest::Method::PATCH,
    ] {
        let answer = client
            .request(method.clone(), hook.url("/mutate?timeout=10s"))
            .header("content-type", "application/json")
            .body(review.clone())
            .send()
            .await
            .expect("send");
        assert_eq!(answer.status().as_u16(), 405, "{method}");
        assert_eq!(answer.headers()["allow"], "POST", "{method}");
    }
}

#[tokio::test]
async fn a_request_whose_body_never_arrives_gets_408_after_the_request_timeout() {
    let ca = Ca::new("test-ca");
    let hook = start_with(
        &ca,
        &["--cache-sync-timeout", "0s", "--request-timeout", "1s"],
    );
    let mut stream = tls_connect(hook.https, &[ca.der()], rustls::ALL_VERSIONS)
        .await
        .expect("connect");
    stream
        .write_all(request_head("/validate", 100, "").as_bytes())
        .await
        .expect("head");
    let (status, body) = read_response(&mut stream).await;
    assert_eq!(status, 408, "{body}");
}

#[tokio::test]
async fn tls_1_2_and_1_3_are_accepted() {
    let ca = Ca::new("test-ca");
    let hook = start_with(&ca, READY_NOW);
    for version in [&rustls::version::TLS12, &rustls::version::TLS13] {
        let stream = tls_connect(hook.https, &[ca.der()], &[version])
            .await
            .expect("handshake");
        assert_eq!(stream.get_ref().1.protocol_version(), Some(version.version));
    }
}

/// A ClientHello with `client_version` and no supported_versions extension, otherwise acceptable
/// to a TLS 1.2 server (GCM suites, groups, point formats, signature algorithms).
fn client_hello(client_version: u8) -> Vec<u8> {
    let mut body = vec![0x03, client_version];
    body.extend([0x5a; 32]); // random
    body.push(0); // session id
    body.extend([0x00, 0x04, 0xc0, 0x2b, 0xc0, 0x2f]); // ECDHE-{ECDSA,RSA}-AES128-GCM-SHA256
    body.extend([0x01, 0x00]); // null compression
    let extensions: Vec<u8> = [
        &[0x00, 0x0a, 0x00, 0x06, 0x00, 0x04, 0x00, 0x1d, 0x00, 0x17][..], // groups x25519, P-256
        &[0x00, 0x0b, 0x00, 0x02, 0x01, 0x00][..],                         // point formats
        &[
            0x00, 0x0d, 0x00, 0x08, 0x00, 0x06, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01,
        ][..], // sig algs
    ]
    .concat();
    body.extend([(extensions.len() >> 8) as u8, extensions.len() as u8]);
    body.extend(extensions);
    let mut handshake = vec![0x01, 0x00, (body.len() >> 8) as u8, body.len() as u8];
    handshake.extend(body);
    let mut record = vec![
        0x16,
        0x03,
        0x01,
        (handshake.len() >> 8) as u8,
        handshake.len() as u8,
    ];
    record.extend(handshake);
    record
}

async fn first_reply(addr: std::net::SocketAddr, hello: &[u8]) -> Vec<u8> {
    let mut tcp = tokio::net::TcpStream::connect(addr).await.expect("connect");
    tcp.write_all(hello).await.expect("hello");
    let mut reply = vec![0u8; 16];
    let mut got = 0;
    while got < 7 {
        match tokio::time::timeout(HANG_GUARD, tcp.read(&mut reply[got..])).await {
            Ok(Ok(0)) | Err(_) => break,
            Ok(Ok(n)) => got += n,
            Ok(Err(_)) => break,
        }
    }
    reply.truncate(got);
    reply
}

#[tokio::test]
async fn tls_1_1_clients_are_refused_with_a_protocol_version_alert() {
    let ca = Ca::new("test-ca");
    let hook = start_with(&ca, READY_NOW);
    // Control: the same hello claiming TLS 1.2 gets a ServerHello.
    let tls12 = first_reply(hook.https, &client_hello(0x03)).await;
    assert_eq!(
        (tls12[0], tls12[5]),
        (0x16, 0x02),
        "expected a ServerHello, got {tls12:?}"
    );
    let tls11 = first_reply(hook.https, &client_hello(0x02)).await;
    assert_eq!(tls11.len(), 7, "expected one alert record, got {tls11:?}");
    assert_eq!(tls11[0], 0x15, "record type must be alert, got {tls11:?}");
    assert_eq!(
        tls11[6], 70,
        "alert must be protocol_version, got {tls11:?}"
    );
}

#[tokio::test]
async fn readiness_waits_for_the_cache_and_liveness_does_not() {
    let ca = Ca::new("test-ca");
    let waiting = start_with(&ca, &["--cache-sync-timeout", "1h"]);
    let ready = reqwest::get(waiting.admin_url("/readyz"))
        .await
        .expect("readyz");
    assert_eq!(ready.status().as_u16(), 503);
    assert!(ready.text().await.expect("text").contains("cache"));
    let live = reqwest::get(waiting.admin_url("/healthz"))
        .await
        .expect("healthz");
    assert_eq!(live.status().as_u16(), 200);
    let gave_up = start_with(&ca, READY_NOW);
    gave_up.wait_readyz(200).await;
}

#[tokio::test]
async fn by_default_readiness_needs_a_synced_cache_and_its_state_is_exported() {
    let ca = Ca::new("test-ca");
    // No --cache-sync-timeout: the unreachable cluster never syncs, so never ready.
    let hook = start_with(&ca, &[]);
    let ready = reqwest::get(hook.admin_url("/readyz"))
        .await
        .expect("readyz");
    assert_eq!(ready.status().as_u16(), 503);
    assert!(ready.text().await.expect("text").contains("cache"));
    let text = reqwest::get(hook.admin_url("/metrics"))
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    assert!(
        text.lines()
            .any(|l| l == "savepoint_webhook_cache_synced 0"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("savepoint_webhook_cache_sync_age_seconds -1")),
        "{text}"
    );
}

#[test]
fn an_expired_certificate_stops_the_process_at_startup() {
    let ca = Ca::new("test-ca");
    let dir = tempfile::tempdir().expect("tempdir");
    write_leaf(dir.path(), &ca.leaf_valid((2000, 1, 1), (2001, 1, 1)));
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_savepoint-webhook"))
        .args(["--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0"])
        .arg("--tls-cert")
        .arg(dir.path().join("cert.pem"))
        .arg("--tls-key")
        .arg(dir.path().join("key.pem"))
        .output()
        .expect("run");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("has expired"));
}

#[tokio::test]
async fn metrics_count_reviews_by_kind_operation_and_decision_with_sub_ms_buckets() {
    let ca = Ca::new("test-ca");
    let hook = start_with(&ca, READY_NOW);
    let client = https_client(&[ca.der()]);
    post_json(
        &client,
        &hook.url("/validate"),
        fixture("007-validate-FlinkSessionJob-CREATE-rogue-job.json"),
    )
    .await;
    post_json(
        &client,
        &hook.url("/mutate"),
        fixture("000-mutate-FlinkDeployment-CREATE-orders-app.json"),
    )
    .await;
    post_json(&client, &hook.url("/validate"), "{".into()).await;
    let text = reqwest::get(hook.admin_url("/metrics"))
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    for needle in [
        r#"savepoint_webhook_admission_requests_total{endpoint="validate",kind="FlinkSessionJob",operation="CREATE",decision="denied"} 1"#,
        r#"savepoint_webhook_admission_requests_total{endpoint="mutate",kind="FlinkDeployment",operation="CREATE",decision="patched"} 1"#,
        r#"savepoint_webhook_admission_requests_total{endpoint="validate",kind="unknown",operation="unknown",decision="rejected"} 1"#,
        r#"savepoint_webhook_admission_duration_seconds_bucket{le="0.0001","#,
        "savepoint_webhook_cache_synced 0",
    ] {
        assert!(text.contains(needle), "missing {needle} in\n{text}");
    }
}

#[tokio::test]
async fn each_review_that_changes_something_is_logged_with_uid_kind_operation_decision_but_no_object_contents()
 {
    let ca = Ca::new("test-ca");
    let hook = start_with(&ca, READY_NOW);
    let client = https_client(&[ca.der()]);
    // Allowed unchanged (a DELETE): counted in the metrics, logged at debug only (RUST_LOG=info
    // here).
    let (status, _) = post_json(
        &client,
        &hook.url("/validate"),
        fixture("018-validate-FlinkSessionJob-DELETE-rogue-job.json"),
    )
    .await;
    assert_eq!(status, 200);
    post_json(
        &client,
        &hook.url("/validate"),
        fixture("007-validate-FlinkSessionJob-CREATE-rogue-job.json"),
    )
    .await;
    // stderr is read by another thread: wait for the line rather than racing it.
    let deadline = std::time::Instant::now() + HANG_GUARD;
    let (logs, line) = loop {
        let logs = hook.logs();
        let found = logs
            .iter()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .find(|l| l["message"] == "admission review");
        if let Some(line) = found {
            break (logs, line);
        }
        assert!(std::time::Instant::now() < deadline, "no review log line");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert_eq!(line["uid"], "63378d74-4928-48cc-b94c-4dd774761a8a");
    assert!(
        !logs
            .iter()
            .any(|l| l.contains("084e501b-b966-4670-9dd9-c21256b3fe60")),
        "an allowed-unchanged review was logged at info: {logs:?}"
    );
    assert_eq!(line["kind"], "FlinkSessionJob");
    assert_eq!(line["operation"], "CREATE");
    assert_eq!(line["decision"], "denied");
    assert_eq!(line["namespace"], "analytics");
    assert_eq!(line["name"], "rogue-job");
    assert!(line["latency_us"].is_u64());
    assert!(
        !logs.iter().any(|l| l.contains("s3://other-bucket/mine")),
        "object contents leaked into info logs"
    );
}

#[test]
fn invalid_policy_defaults_stop_the_process_at_startup_with_a_clear_error() {
    let ca = Ca::new("test-ca");
    let dir = tempfile::tempdir().expect("tempdir");
    write_leaf(dir.path(), &ca.leaf());
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_savepoint-webhook"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--admin-listen",
            "127.0.0.1:0",
            "--default-history-max-count",
            "0",
        ])
        .arg("--tls-cert")
        .arg(dir.path().join("cert.pem"))
        .arg("--tls-key")
        .arg(dir.path().join("key.pem"))
        .output()
        .expect("run");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("kubernetes.operator.savepoint.history.max.count"),
        "{stderr}"
    );
}

/// Threads of the process named as the runtime names its threads.
fn runtime_threads(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/task"))
        .expect("/proc task list")
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
        .filter(|comm| comm.trim() == "webhook-worker")
        .count()
}

/// `--worker-threads` sets the runtime's threads: one by default whatever the machine's core
/// count (a pod without a CPU limit would otherwise start one per node core), N when asked, and
/// 0 is refused at startup with the flag named.
#[tokio::test]
async fn the_runtime_runs_as_many_workers_as_worker_threads_asks() {
    let ca = Ca::new("test-ca");
    let body = fixture("005-validate-FlinkSessionJob-CREATE-clicks-job.json");
    for (extra, workers) in [(&[][..], 1), (&["--worker-threads", "3"][..], 3)] {
        let hook = start_with(&ca, &[READY_NOW, extra].concat());
        let (status, json) = post_json(
            &https_client(&[ca.der()]),
            &hook.url("/validate"),
            body.clone(),
        )
        .await;
        assert_eq!(status, 200, "{json}");
        assert_eq!(runtime_threads(hook.pid()), workers, "{extra:?}");
    }
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_savepoint-webhook"))
        .args([
            "--tls-cert",
            "/nonexistent",
            "--tls-key",
            "/nonexistent",
            "--worker-threads",
            "0",
        ])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("--worker-threads"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn a_key_that_does_not_match_the_certificate_stops_the_process_at_startup() {
    let ca = Ca::new("test-ca");
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = (ca.leaf(), ca.leaf());
    std::fs::write(dir.path().join("cert.pem"), &a.cert_pem).expect("cert");
    std::fs::write(dir.path().join("key.pem"), &b.key_pem).expect("key");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_savepoint-webhook"))
        .args(["--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0"])
        .arg("--tls-cert")
        .arg(dir.path().join("cert.pem"))
        .arg("--tls-key")
        .arg(dir.path().join("key.pem"))
        .output()
        .expect("run");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("do not form a usable pair"));
}

fn variant(name: &str) -> Value {
    let path = format!(
        "{}/../tests/fixtures/admission/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("variant")).expect("JSON")
}

#[tokio::test]
async fn an_opt_out_label_on_the_object_or_its_old_version_exempts_nothing() {
    let ca = Ca::new("test-ca");
    let hook = start_with(&ca, READY_NOW);
    let client = https_client(&[ca.der()]);
    let url = hook.url("/validate");
    // CREATE carrying the marker: reviewed and denied, with a warning saying why.
    let (_, body) = post_json(
        &client,
        &url,
        variant("sessionjob-create-opted-out").to_string(),
    )
    .await;
    assert_eq!(body["response"]["allowed"], false, "{body}");
    assert_eq!(body["response"]["status"]["code"], 403);
    let mut labelled = variant("sessionjob-update-unchanged-dir");
    let (_, body) = post_json(&client, &url, labelled.to_string()).await;
    assert_eq!(
        body["response"]["allowed"], true,
        "control: an unchanged dir is grandfathered: {body}"
    );
    labelled["request"]["oldObject"]["metadata"]["labels"] =
        json!({"flink-savepoint.io/policy": "disabled"});
    let (_, body) = post_json(&client, &url, labelled.to_string()).await;
    assert_eq!(body["response"]["allowed"], false, "{body}");
    assert_eq!(body["response"]["status"]["code"], 403);
    labelled["request"]["object"]["metadata"]["labels"] =
        json!({"flink-savepoint.io/policy": "disabled"});
    let (_, body) = post_json(&client, &url, labelled.to_string()).await;
    assert_eq!(body["response"]["allowed"], false, "{body}");
    assert!(
        body["response"]["warnings"].as_array().is_some_and(|w| w
            .iter()
            .any(|w| w.as_str().unwrap_or("").contains("does not exempt"))),
        "{body}"
    );
}

#[tokio::test]
async fn metric_labels_come_from_a_closed_set_whatever_kinds_are_sent() {
    let ca = Ca::new("test-ca");
    let hook = start_with(&ca, READY_NOW);
    let client = https_client(&[ca.der()]);
    let template: Value = serde_json::from_str(&fixture(
        "005-validate-FlinkSessionJob-CREATE-clicks-job.json",
    ))
    .expect("fixture");
    let hostile = 40;
    for i in 0..hostile {
        let mut review = template.clone();
        // Half in our group with an invented kind, half in another group.
        review["request"]["kind"]["kind"] = json!(format!("Hostile{i}Kind"));
        if i % 2 == 0 {
            review["request"]["kind"]["group"] = json!(format!("evil{i}.example.com"));
        }
        let (status, _) = post_json(&client, &hook.url("/validate"), review.to_string()).await;
        assert_eq!(status, 200);
    }
    let text = reqwest::get(hook.admin_url("/metrics"))
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    assert!(
        !text.contains("Hostile"),
        "request kinds leaked into labels:\n{text}"
    );
    assert!(
        text.contains(&format!(
            r#"savepoint_webhook_admission_requests_total{{endpoint="validate",kind="other",operation="CREATE",decision="warned"}} {hostile}"#
        )),
        "{text}"
    );
}

/// An UPDATE review whose `object` and `oldObject` each carry `pad` bytes of annotation.
fn update_review_of(pad: usize) -> String {
    let mut review = variant("sessionjob-update-unchanged-dir");
    let filler = "x".repeat(pad);
    for side in ["object", "oldObject"] {
        review["request"][side]["metadata"]["annotations"] = json!({"example.com/pad": filler});
    }
    review.to_string()
}

#[tokio::test]
async fn an_update_with_object_and_old_object_near_the_etcd_limit_is_reviewed() {
    let ca = Ca::new("test-ca");
    let hook = start_with(&ca, READY_NOW);
    let client = https_client(&[ca.der()]);
    // etcd refuses requests above 1.5 MiB: each side is about that size.
    let body = update_review_of(1_536 * 1024 - 512);
    assert!(body.len() > 3 * 1024 * 1024, "{}", body.len());
    let (status, json) = post_json(&client, &hook.url("/validate"), body).await;
    assert_eq!(status, 200, "{json}");
    assert_eq!(json["response"]["allowed"], true);
}

/// A body that reaches the server in several pieces (separate TLS records, so separate body
/// frames) is joined in order and reviewed exactly as the same body sent at once; the
/// one-frame case is kept without a copy, the joined case must not lose or reorder bytes.
#[tokio::test]
async fn a_body_sent_in_pieces_is_reviewed_exactly_as_the_whole() {
    let ca = Ca::new("test-ca");
    let hook = start_with(&ca, READY_NOW);
    let body = fixture("007-validate-FlinkSessionJob-CREATE-rogue-job.json");
    let (status, whole) = post_json(
        &https_client(&[ca.der()]),
        &hook.url("/validate"),
        body.clone(),
    )
    .await;
    assert_eq!(status, 200, "{whole}");
    assert_eq!(whole["response"]["allowed"], false, "{whole}");
    let mut tls = tls_connect(hook.https, &[ca.der()], rustls::ALL_VERSIONS)
        .await
        .expect("connect");
    tls.write_all(request_head("/validate", body.len(), "").as_bytes())
        .await
        .expect("head");
    let bytes = body.as_bytes();
    let cuts = [0, 1, bytes.len() / 3, bytes.len() - 1, bytes.len()];
    for piece in cuts.windows(2) {
        tls.write_all(&bytes[piece[0]..piece[1]])
            .await
            .expect("piece");
        tls.flush().await.expect("flush");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let (status, text) = read_response(&mut tls).await;
    assert_eq!(status, 200, "{text}");
    let pieces: Value = serde_json::from_str(&text).expect("review JSON");
    assert_eq!(pieces, whole);
}

/// POSTs `body` over HTTP/2 (ALPN h2) and returns (status, Status-or-review JSON).
async fn post_h2(hook: &Webhook, ca: &Ca, path: &str, body: String) -> (u16, Value) {
    use http_body_util::{BodyExt, Full};
    let mut config = client_config(&[ca.der()], rustls::ALL_VERSIONS);
    config.alpn_protocols = vec![b"h2".to_vec()];
    let tcp = tokio::net::TcpStream::connect(hook.https)
        .await
        .expect("tcp");
    let tls = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config))
        .connect(server_name(), tcp)
        .await
        .expect("tls");
    assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"h2"[..]));
    let (mut sender, conn) = hyper::client::conn::http2::handshake(
        hyper_util::rt::TokioExecutor::new(),
        hyper_util::rt::TokioIo::new(tls),
    )
    .await
    .expect("h2 handshake");
    tokio::spawn(conn);
    let request = hyper::Request::post(format!("https://localhost{path}"))
        .header("content-type", "application/json")
        .header("content-length", body.len())
        .body(Full::new(hyper::body::Bytes::from(body)))
        .expect("request");
    let response = tokio::time::timeout(HANG_GUARD, sender.send_request(request))
        .await
        .expect("hang guard")
        .expect("an HTTP/2 response, not a reset");
    let status = response.status().as_u16();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("response body")
        .to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn an_oversize_body_gets_413_with_a_status_body_over_http1_and_http2() {
    let ca = Ca::new("test-ca");
    let hook = start_with(&ca, READY_NOW);
    let huge = update_review_of(2_600 * 1024);
    let (status, json) = post_json(
        &https_client(&[ca.der()]),
        &hook.url("/validate"),
        huge.clone(),
    )
    .await;
    assert_eq!(
        (status, &json["kind"], &json["code"]),
        (413, &json!("Status"), &json!(413)),
        "{json}"
    );
    let (status, json) = post_h2(&hook, &ca, "/validate", huge).await;
    assert_eq!(
        (status, &json["kind"], &json["code"]),
        (413, &json!("Status"), &json!(413)),
        "{json}"
    );
    // Control: the same connection type reviews a normal request.
    let (status, json) = post_h2(
        &hook,
        &ca,
        "/validate",
        fixture("005-validate-FlinkSessionJob-CREATE-clicks-job.json"),
    )
    .await;
    assert_eq!(status, 200, "{json}");
}

/// A webhook with `--max-in-flight 1` whose only slot is held by a review on the returned
/// connection: headers sent, body withheld, the in-flight gauge at 1.
async fn only_slot_taken() -> (
    Ca,
    Webhook,
    tokio_rustls::client::TlsStream<tokio::net::TcpStream>,
) {
    let ca = Ca::new("test-ca");
    let hook = start_with(
        &ca,
        &[
            "--cache-sync-timeout",
            "0s",
            "--max-in-flight",
            "1",
            "--request-timeout",
            "1h",
        ],
    );
    let mut stalled = tls_connect(hook.https, &[ca.der()], rustls::ALL_VERSIONS)
        .await
        .expect("connect");
    stalled
        .write_all(request_head("/validate", 2, "").as_bytes())
        .await
        .expect("head");
    wait_metric_line(&hook, "savepoint_webhook_admission_in_flight 1").await;
    (ca, hook, stalled)
}

#[tokio::test]
async fn reviews_beyond_max_in_flight_are_shed_with_429_and_counted() {
    let (ca, hook, mut stalled) = only_slot_taken().await;
    let client = https_client(&[ca.der()]);
    let shed = client
        .post(hook.url("/validate"))
        .header("content-type", "application/json")
        .body(fixture(
            "005-validate-FlinkSessionJob-CREATE-clicks-job.json",
        ))
        .send()
        .await
        .expect("request");
    assert_eq!(shed.status().as_u16(), 429);
    assert_eq!(shed.headers()["retry-after"], "1");
    let status: Value = shed.json().await.expect("Status body");
    assert_eq!(
        (&status["kind"], &status["code"]),
        (&json!("Status"), &json!(429))
    );
    wait_metric_line(&hook, "savepoint_webhook_admission_shed_total 1").await;
    // Finish the stalled request; its slot is released and the next review is served.
    stalled.write_all(b"{}").await.expect("body");
    let (code, _) = read_response(&mut stalled).await;
    assert_eq!(code, 400);
    wait_metric_line(&hook, "savepoint_webhook_admission_in_flight 0").await;
    let (code, _) = post_json(
        &client,
        &hook.url("/validate"),
        fixture("005-validate-FlinkSessionJob-CREATE-clicks-job.json"),
    )
    .await;
    assert_eq!(code, 200);
}

#[tokio::test]
async fn a_client_that_leaves_mid_body_frees_its_slot_and_the_in_flight_gauge() {
    let (ca, hook, leaving) = only_slot_taken().await;
    // Gone before the body: hyper ends the review with a body error.
    drop(leaving);
    wait_metric_line(&hook, "savepoint_webhook_admission_in_flight 0").await;
    let (code, _) = post_json(
        &https_client(&[ca.der()]),
        &hook.url("/validate"),
        fixture("005-validate-FlinkSessionJob-CREATE-clicks-job.json"),
    )
    .await;
    assert_eq!(code, 200, "the slot was not released");
}

/// Reads and discards until the server closes the connection (EOF or error); panics after the
/// hang guard.
async fn wait_closed<S: tokio::io::AsyncRead + Unpin>(stream: &mut S, what: &str) {
    let mut buf = [0u8; 4096];
    let closed = tokio::time::timeout(HANG_GUARD, async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
    assert!(
        closed.is_ok(),
        "{what}: the server never closed the connection"
    );
}

const SHORT_TIMEOUTS: &[&str] = &[
    "--cache-sync-timeout",
    "0s",
    "--header-timeout",
    "1s",
    "--idle-timeout",
    "1s",
];

async fn tls_with_alpn(
    hook: &Webhook,
    ca: &Ca,
    alpn: &[u8],
) -> tokio_rustls::client::TlsStream<tokio::net::TcpStream> {
    let mut config = client_config(&[ca.der()], rustls::ALL_VERSIONS);
    config.alpn_protocols = vec![alpn.to_vec()];
    let tcp = tokio::net::TcpStream::connect(hook.https)
        .await
        .expect("tcp");
    let tls = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config))
        .connect(server_name(), tcp)
        .await
        .expect("tls");
    assert_eq!(tls.get_ref().1.alpn_protocol(), Some(alpn));
    tls
}

#[tokio::test]
async fn a_client_silent_after_the_handshake_is_disconnected_on_http1_and_http2() {
    let ca = Ca::new("test-ca");
    let hook = start_with(&ca, SHORT_TIMEOUTS);
    let mut plain = tls_connect(hook.https, &[ca.der()], rustls::ALL_VERSIONS)
        .await
        .expect("connect");
    wait_closed(&mut plain, "no ALPN, nothing sent").await;
    let mut h1 = tls_with_alpn(&hook, &ca, b"http/1.1").await;
    wait_closed(&mut h1, "http/1.1, nothing sent").await;
    let mut h2 = tls_with_alpn(&hook, &ca, b"h2").await;
    wait_closed(&mut h2, "h2, nothing sent").await;
}

#[tokio::test]
async fn http2_headers_without_end_headers_do_not_hold_a_connection_open() {
    let ca = Ca::new("test-ca");
    let hook = start_with(&ca, SHORT_TIMEOUTS);
    let mut h2 = tls_with_alpn(&hook, &ca, b"h2").await;
    let mut bytes = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec();
    bytes.extend([0, 0, 0, 0x4, 0, 0, 0, 0, 0]); // empty SETTINGS
    // HEADERS on stream 1, flags 0 (no END_HEADERS): ":method: POST" (indexed 3), and the
    // CONTINUATION that would finish the block never comes.
    bytes.extend([0, 0, 1, 0x1, 0, 0, 0, 0, 1, 0x83]);
    h2.write_all(&bytes).await.expect("frames");
    wait_closed(&mut h2, "h2 HEADERS without END_HEADERS").await;
}

#[tokio::test]
async fn an_idle_http2_connection_is_closed_after_its_request() {
    use http_body_util::Full;
    let ca = Ca::new("test-ca");
    let hook = start_with(&ca, SHORT_TIMEOUTS);
    let tls = tls_with_alpn(&hook, &ca, b"h2").await;
    let (mut sender, conn) = hyper::client::conn::http2::handshake(
        hyper_util::rt::TokioExecutor::new(),
        hyper_util::rt::TokioIo::new(tls),
    )
    .await
    .expect("h2 handshake");
    let conn = tokio::spawn(conn);
    let request = hyper::Request::post("https://localhost/validate")
        .header("content-type", "application/json")
        .body(Full::new(hyper::body::Bytes::from(fixture(
            "005-validate-FlinkSessionJob-CREATE-clicks-job.json",
        ))))
        .expect("request");
    let response = sender.send_request(request).await.expect("response");
    assert_eq!(response.status().as_u16(), 200);
    drop(response);
    // The client keeps the connection open; the server must end it.
    let ended = tokio::time::timeout(HANG_GUARD, conn).await;
    assert!(ended.is_ok(), "the idle HTTP/2 connection was never closed");
}

#[tokio::test]
async fn the_admin_port_closes_silent_and_idle_connections_too() {
    let ca = Ca::new("test-ca");
    let hook = start_with(&ca, SHORT_TIMEOUTS);
    let mut silent = tokio::net::TcpStream::connect(hook.admin)
        .await
        .expect("tcp");
    wait_closed(&mut silent, "admin, nothing sent").await;
    let mut idle = tokio::net::TcpStream::connect(hook.admin)
        .await
        .expect("tcp");
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("request");
    let (status, _) = read_response(&mut idle).await;
    assert_eq!(status, 200);
    wait_closed(&mut idle, "admin, idle after a request").await;
}

#[tokio::test]
async fn plain_logs_escape_control_characters_and_truncate_long_uids() {
    use std::io::BufRead;
    let ca = Ca::new("test-ca");
    let dir = tempfile::tempdir().expect("tempdir");
    write_leaf(dir.path(), &ca.leaf());
    let kubeconfig = unreachable_kubeconfig(dir.path());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_savepoint-webhook"))
        .args(["--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0"])
        .args(["--log-format", "plain", "--cache-sync-timeout", "0s"])
        .arg("--tls-cert")
        .arg(dir.path().join("cert.pem"))
        .arg("--tls-key")
        .arg(dir.path().join("key.pem"))
        .env("KUBECONFIG", &kubeconfig)
        // The review below is allowed unchanged, which is logged at debug.
        .env("RUST_LOG", "info,savepoint_webhook=debug")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let (tx, rx) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().expect("stderr");
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let _ = tx.send(line);
        }
    });
    let next_line = |what: &str| {
        rx.recv_timeout(HANG_GUARD)
            .unwrap_or_else(|_| panic!("no log line ({what})"))
    };
    let listening = loop {
        let line = next_line("listening");
        if line.contains("listening") {
            break line;
        }
    };
    let https: std::net::SocketAddr = listening
        .split_whitespace()
        .find_map(|w| w.strip_prefix("https="))
        .expect("https= field")
        .parse()
        .expect("address");
    let mut review: Value = serde_json::from_str(&fixture(
        "005-validate-FlinkSessionJob-CREATE-clicks-job.json",
    ))
    .expect("fixture");
    let hostile = format!("evil\nINFO forged line\u{1b}[31m{}", "u".repeat(500));
    review["request"]["uid"] = json!(hostile);
    let (status, _) = post_json(
        &https_client(&[ca.der()]),
        &format!("https://localhost:{}/validate", https.port()),
        review.to_string(),
    )
    .await;
    assert_eq!(status, 200);
    let line = loop {
        let line = next_line("admission review");
        assert!(
            !line.starts_with("INFO forged"),
            "a forged log line: {line:?}"
        );
        if line.contains("admission review") {
            break line;
        }
    };
    let _ = child.kill();
    let _ = child.wait();
    assert!(!line.chars().any(char::is_control), "{line:?}");
    assert!(line.contains(r"evil\u{a}INFO forged line\u{1b}"), "{line}");
    assert!(
        !line.contains(&"u".repeat(100)),
        "uid not truncated: {line}"
    );
}
