//! Bad-input table against the running webhook binary over HTTPS, complementing the webhook's
//! own malformed-request tests (not JSON, `[]`, no request, wrong apiVersion, bad uid type,
//! unknown path, 4 MiB body with a length, GET, text/plain): truncated reviews, invalid UTF-8,
//! 10,000-deep nesting, chunked bodies over the limit, wrong kinds, non-object configurations,
//! hostile keys and names. Each gets a clear answer, nothing panics, the server keeps serving
//! correct decisions afterwards, and any patch it returns applies cleanly to the object.

use std::{collections::VecDeque, net::SocketAddr, pin::Pin, sync::Arc, task::Poll};

use base64::Engine as _;
use flink_savepoint_bench::{
    certs::Ca,
    fixtures::shared_dir,
    server::{Server, WebhookOptions, debug_binary, http_get_status},
    webhook_bench::start_sandbox_with_session,
};
use http_body_util::BodyExt;
use hyper::body::{Bytes, Frame};
use serde_json::{Value, json};

/// A body sent as given chunks; without a content-length header it goes out chunked.
struct Chunks(VecDeque<Bytes>);

impl hyper::body::Body for Chunks {
    type Data = Bytes;
    type Error = std::convert::Infallible;
    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        Poll::Ready(self.0.pop_front().map(|b| Ok(Frame::data(b))))
    }
}

#[derive(Debug)]
struct Answer {
    status: u16,
    json: Value,
}

async fn post(
    addr: SocketAddr,
    tls: Arc<rustls::ClientConfig>,
    path: &str,
    content_type: &str,
    body: &[u8],
    chunked: bool,
) -> Answer {
    let tcp = tokio::net::TcpStream::connect(addr).await.expect("tcp");
    let name = rustls::pki_types::ServerName::IpAddress(addr.ip().into());
    let stream = tokio_rustls::TlsConnector::from(tls)
        .connect(name, tcp)
        .await
        .expect("tls");
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake::<_, Chunks>(hyper_util::rt::TokioIo::new(stream))
            .await
            .expect("handshake");
    tokio::spawn(conn);
    let chunks: VecDeque<Bytes> = body.chunks(64 * 1024).map(Bytes::copy_from_slice).collect();
    let mut request = hyper::Request::post(path)
        .header("host", "localhost")
        .header("content-type", content_type);
    if !chunked {
        request = request.header("content-length", body.len());
    }
    let request = request.body(Chunks(chunks)).expect("request");
    let response = sender.send_request(request).await.expect("response");
    let status = response.status().as_u16();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let json = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    Answer { status, json }
}

fn fixture(name: &str) -> Value {
    let path = shared_dir().join("fixtures/admission-reviews").join(name);
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("fixture JSON")
}

fn nested_arrays(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

/// Expected outcome of a row.
enum Expect {
    /// An HTTP error status with a JSON `message` containing the needle.
    Http(u16, &'static str),
    /// A 200 AdmissionReview: allowed?, and a needle in the message or warnings ("" = any).
    Review { allowed: bool, needle: &'static str },
}

fn review_text(json: &Value) -> String {
    let r = &json["response"];
    format!(
        "{} {}",
        r["status"]["message"].as_str().unwrap_or(""),
        r["warnings"]
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_and_malformed_reviews_get_clear_answers_and_the_webhook_keeps_deciding() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let binary = debug_binary("savepoint-webhook", "savepoint-webhook").expect("webhook binary");
    let dir = tempfile::tempdir().expect("temp dir");
    let (cert, key) = (dir.path().join("tls.crt"), dir.path().join("tls.key"));
    let ca = Ca::generate().expect("CA");
    ca.leaf()
        .expect("leaf")
        .write_atomically(&cert, &key)
        .expect("pair");
    let sandbox = start_sandbox_with_session().await.expect("sandbox");
    let log = dir.path().join("webhook.log");
    let hook = Server::webhook(&WebhookOptions {
        binary: &binary,
        cert: &cert,
        key: &key,
        kubeconfig: sandbox.kubeconfig_path(),
        cert_reload_interval: "5s",
        log: "info",
        extra: &[],
        output: Some(&log),
    })
    .expect("webhook");
    let tls = ca.client_config().expect("client TLS");

    let rogue = fixture("007-validate-FlinkSessionJob-CREATE-rogue-job.json");
    let rogue_text = rogue.to_string();
    let bare = fixture("028-mutate-FlinkDeployment-CREATE-bare-app.json");
    let with = |base: &Value, edit: &dyn Fn(&mut Value)| {
        let mut v = base.clone();
        edit(&mut v);
        v.to_string().into_bytes()
    };
    let long = "k".repeat(10_000);
    let mut invalid_utf8 = rogue_text.clone().into_bytes();
    let at = rogue_text.find("rogue-job").expect("name in fixture");
    invalid_utf8.splice(at..at + 2, [0xff, 0xfe]);

    let rows: Vec<(&str, &str, Vec<u8>, bool, Expect)> = vec![
        (
            "truncated in the middle",
            "/validate",
            rogue_text.as_bytes()[..rogue_text.len() / 2].to_vec(),
            false,
            Expect::Http(400, "AdmissionReview"),
        ),
        (
            "truncated by one byte",
            "/validate",
            rogue_text.as_bytes()[..rogue_text.len() - 1].to_vec(),
            false,
            Expect::Http(400, "AdmissionReview"),
        ),
        (
            "empty body",
            "/mutate",
            Vec::new(),
            false,
            Expect::Http(400, ""),
        ),
        (
            "invalid UTF-8 inside a string",
            "/validate",
            invalid_utf8,
            false,
            Expect::Http(400, "AdmissionReview"),
        ),
        (
            "10,000 nested arrays as the body",
            "/validate",
            nested_arrays(10_000).into_bytes(),
            false,
            Expect::Http(400, "AdmissionReview"),
        ),
        (
            "10,000 nested arrays inside the object",
            "/mutate",
            rogue_text
                .replacen(
                    "\"spec\":{",
                    &format!("\"deep\":{},\"spec\":{{", nested_arrays(10_000)),
                    1,
                )
                .into_bytes(),
            false,
            Expect::Http(400, "AdmissionReview"),
        ),
        (
            "10,000 nested objects in flinkConfiguration",
            "/validate",
            rogue_text
                .replacen(
                    "\"flinkConfiguration\":{",
                    &format!(
                        "\"flinkConfiguration\":{{\"x\":{}null{},",
                        "{\"a\":".repeat(10_000),
                        "}".repeat(10_000)
                    ),
                    1,
                )
                .into_bytes(),
            false,
            Expect::Http(400, "AdmissionReview"),
        ),
        (
            "100-deep flinkConfiguration (under the parser limit)",
            "/mutate",
            with(&bare, &|v| {
                v["request"]["object"]["spec"]["flinkConfiguration"] = serde_json::from_str(
                    &format!("{}\"x\"{}", "{\"a\":".repeat(100), "}".repeat(100)),
                )
                .expect("deep")
            }),
            false,
            Expect::Review {
                allowed: true,
                needle: "",
            },
        ),
        (
            "4 MiB chunked body without a length",
            "/validate",
            format!("{{\"pad\":\"{}\"}}", "x".repeat(4 * 1024 * 1024)).into_bytes(),
            true,
            Expect::Http(413, ""),
        ),
        (
            "a core kind (Pod)",
            "/validate",
            with(&rogue, &|v| {
                v["request"]["kind"] = json!({"group": "", "version": "v1", "kind": "Pod"})
            }),
            false,
            Expect::Review {
                allowed: true,
                needle: "does not handle",
            },
        ),
        (
            "a Flink kind from another group",
            "/mutate",
            with(&bare, &|v| {
                v["request"]["kind"]["group"] = json!("flink.example.com")
            }),
            false,
            Expect::Review {
                allowed: true,
                needle: "does not handle",
            },
        ),
        (
            "flinkConfiguration is an array",
            "/validate",
            with(&rogue, &|v| {
                v["request"]["object"]["spec"]["flinkConfiguration"] =
                    json!(["state.savepoints.dir"])
            }),
            false,
            Expect::Review {
                allowed: false,
                needle: "flinkConfiguration",
            },
        ),
        (
            "flinkConfiguration is a string",
            "/validate",
            with(&rogue, &|v| {
                v["request"]["object"]["spec"]["flinkConfiguration"] =
                    json!("state.savepoints.dir: s3://x")
            }),
            false,
            Expect::Review {
                allowed: false,
                needle: "flinkConfiguration",
            },
        ),
        (
            "spec is a number",
            "/validate",
            with(&rogue, &|v| v["request"]["object"]["spec"] = json!(42)),
            false,
            Expect::Review {
                allowed: true,
                needle: "",
            },
        ),
        (
            "object is null on CREATE",
            "/mutate",
            with(&bare, &|v| v["request"]["object"] = Value::Null),
            false,
            Expect::Review {
                allowed: true,
                needle: "",
            },
        ),
        (
            "hostile configuration keys",
            "/mutate",
            with(
                &bare,
                &|v| v["request"]["object"]["spec"]["flinkConfiguration"] = json!({"a/b": "1", "~0~1": "2", "ключ.😀": "3", long.as_str(): "4", "kubernetes.operator.savepoint.history.max.age/": "5", "": "6"}),
            ),
            false,
            Expect::Review {
                allowed: true,
                needle: "",
            },
        ),
        (
            "hostile name and namespace",
            "/validate",
            with(&rogue, &|v| {
                let n = format!("évil/../{}~0", "n".repeat(300));
                v["request"]["name"] = json!(n);
                v["request"]["object"]["metadata"]["name"] = json!(n);
                v["request"]["namespace"] = json!("ns/../😀");
            }),
            false,
            // Still a session job setting its own savepoint directory: denied, names quoted as-is.
            Expect::Review {
                allowed: false,
                needle: "must not set the savepoint directory",
            },
        ),
        (
            "charset parameter in the content type",
            "/validate",
            rogue_text.clone().into_bytes(),
            false,
            Expect::Review {
                allowed: false,
                needle: "shared-session",
            },
        ),
    ];

    let mut problems = Vec::new();
    for (name, path, body, chunked, expect) in &rows {
        let content_type = if name.starts_with("charset") {
            "application/json; charset=utf-8"
        } else {
            "application/json"
        };
        let answer = post(hook.addr, tls.clone(), path, content_type, body, *chunked).await;
        match expect {
            Expect::Http(status, needle) => {
                // The webhook's JSON error, or the body limit's plain-text one.
                let message = answer.json["message"]
                    .as_str()
                    .or(answer.json.as_str())
                    .unwrap_or("");
                if answer.status != *status || message.is_empty() || !message.contains(needle) {
                    problems.push(format!(
                        "{name}: expected {status} with a message containing {needle:?}, got {} {}",
                        answer.status, answer.json
                    ));
                }
            }
            Expect::Review { allowed, needle } => {
                let response = &answer.json["response"];
                let ok = answer.status == 200
                    && response["allowed"].as_bool() == Some(*allowed)
                    && review_text(&answer.json).contains(needle)
                    && (*allowed
                        || response["status"]["code"]
                            .as_u64()
                            .is_some_and(|c| (400..500).contains(&c)));
                if !ok {
                    problems.push(format!(
                        "{name}: expected allowed={allowed} mentioning {needle:?}, got {} {}",
                        answer.status, answer.json
                    ));
                    continue;
                }
                // Any patch must apply to the object it was computed for.
                if let Some(patch) = response["patch"].as_str() {
                    let decoded = base64::engine::general_purpose::STANDARD
                        .decode(patch)
                        .expect("base64 patch");
                    let patch: json_patch::Patch =
                        serde_json::from_slice(&decoded).expect("JSON patch");
                    let mut object: Value = serde_json::from_slice::<Value>(body)
                        .expect("sent JSON")["request"]["object"]
                        .clone();
                    if let Err(e) = json_patch::patch(&mut object, &patch) {
                        problems.push(format!("{name}: patch does not apply: {e}: {patch:?}"));
                    }
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "bad-input table failures:\n{}",
        problems.join("\n")
    );

    // The server survived and still decides correctly.
    assert_eq!(
        http_get_status(hook.admin.expect("admin"), "/healthz"),
        Some(200)
    );
    let again = post(
        hook.addr,
        tls.clone(),
        "/validate",
        "application/json",
        rogue_text.as_bytes(),
        false,
    )
    .await;
    assert_eq!(again.status, 200);
    assert_eq!(
        again.json["response"]["allowed"],
        json!(false),
        "{:?}",
        again.json
    );
    let logs = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(!logs.contains("panicked"), "the webhook panicked:\n{logs}");
    drop(hook);
    sandbox.shutdown().await;
}
