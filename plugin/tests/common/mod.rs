//! Shared test helpers: a recording mock API server (tower-test) and Flink object fixtures.
#![allow(dead_code)]

pub mod e2e;
pub mod env;
pub mod fixtures;

use std::sync::{Arc, Mutex};

use http::{Request, Response};
use kube::Client;
use kube::client::Body;
use kubectl_savepoint::ExitCode;
use kubectl_savepoint::render::Sink;
use serde_json::Value;

/// One request the plugin sent.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: String,
    pub content_type: Option<String>,
    pub body: Option<Value>,
}

impl Recorded {
    /// `METHOD path?query` for assertions and messages.
    pub fn line(&self) -> String {
        if self.query.is_empty() {
            format!("{} {}", self.method, self.path)
        } else {
            format!("{} {}?{}", self.method, self.path, self.query)
        }
    }

    /// A query parameter's value.
    pub fn param(&self, key: &str) -> Option<String> {
        self.query.split('&').find_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            (k == key).then(|| v.to_string())
        })
    }
}

/// The requests recorded so far.
pub type Log = Arc<Mutex<Vec<Recorded>>>;

/// A client whose requests are recorded and answered by `respond` (status code, JSON body).
pub fn mock_client<F>(respond: F) -> (Client, Log)
where
    F: Fn(&Recorded) -> (u16, Value) + Send + 'static,
{
    let (service, mut handle) = tower_test::mock::pair::<Request<Body>, Response<Body>>();
    let log: Log = Arc::default();
    let task_log = log.clone();
    tokio::spawn(async move {
        while let Some((request, send)) = handle.next_request().await {
            let (parts, body) = request.into_parts();
            let bytes = body.collect_bytes().await.unwrap_or_default();
            let recorded = Recorded {
                method: parts.method.to_string(),
                path: parts.uri.path().to_string(),
                query: parts.uri.query().unwrap_or("").to_string(),
                content_type: parts
                    .headers
                    .get(http::header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string),
                body: serde_json::from_slice(&bytes).ok(),
            };
            let (code, reply) = respond(&recorded);
            task_log.lock().unwrap().push(recorded);
            let response = Response::builder()
                .status(code)
                .header("content-type", "application/json")
                .body(Body::from(serde_json::to_vec(&reply).unwrap()))
                .unwrap();
            send.send_response(response);
        }
    });
    (Client::new(service, "default"), log)
}

/// Runs `kubectl savepoint ARGS` in-process against `client`; returns the exit code and stdout.
pub async fn run(client: Client, args: &[&str]) -> (ExitCode, String) {
    let cli = kubectl_savepoint::cli::try_parse_from(
        std::iter::once("kubectl-savepoint").chain(args.iter().copied()),
    )
    .expect("valid command line");
    let out = Sink::buffer();
    let ctx = kubectl_savepoint::cluster::Context::with_client(
        cli.global,
        client,
        "default",
        out.clone(),
    );
    let code = tokio::time::timeout(
        std::time::Duration::from_secs(60),
        kubectl_savepoint::run_in(cli.command, &ctx),
    )
    .await
    .expect("command finished (hang guard)");
    (code, out.captured())
}

/// A `Status` failure body as the API server sends it.
pub fn status(code: u16, reason: &str, message: &str) -> Value {
    serde_json::json!({
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": message, "reason": reason, "code": code
    })
}
