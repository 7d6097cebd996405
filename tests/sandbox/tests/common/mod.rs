//! Shared test helpers: raw HTTP client against a sandbox, fixtures, shape comparison.
#![allow(dead_code)]

use std::path::PathBuf;

use flink_sandbox::Sandbox;
use serde_json::Value;

pub fn shared() -> PathBuf {
    flink_sandbox::default_shared_dir()
}

pub fn fixture(name: &str) -> Value {
    let p = shared().join("fixtures/apiserver-responses").join(name);
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap()
}

pub fn manifest(name: &str) -> Value {
    let p = shared().join("fixtures/manifests").join(name);
    serde_yaml_ng::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap()
}

/// A raw HTTP client for one sandbox user.
pub struct Http {
    pub base: String,
    pub token: String,
    pub client: reqwest::Client,
}

pub struct Resp {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Http {
    pub fn new(sb: &Sandbox, token: &str) -> Self {
        let mut b = reqwest::Client::builder()
            .use_rustls_tls()
            .tls_built_in_root_certs(false);
        if let Some(ca) = sb.ca_pem() {
            b = b.add_root_certificate(reqwest::Certificate::from_pem(ca.as_bytes()).unwrap());
        }
        Self {
            base: sb.url().to_string(),
            token: token.to_string(),
            client: b.build().unwrap(),
        }
    }

    pub fn admin(sb: &Sandbox) -> Self {
        Self::new(sb, sb.admin_token())
    }

    pub async fn send(
        &self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: Option<String>,
    ) -> Resp {
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut r = self
            .client
            .request(m, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(ct) = content_type {
            r = r.header("content-type", ct);
        }
        if let Some(b) = body {
            r = r.body(b);
        }
        let resp = r.send().await.unwrap();
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Resp {
            status,
            headers,
            body,
            text,
        }
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.send("GET", path, None, None).await
    }
    pub async fn post(&self, path: &str, body: &Value) -> Resp {
        self.send(
            "POST",
            path,
            Some("application/json"),
            Some(body.to_string()),
        )
        .await
    }
    pub async fn put(&self, path: &str, body: &Value) -> Resp {
        self.send(
            "PUT",
            path,
            Some("application/json"),
            Some(body.to_string()),
        )
        .await
    }
    pub async fn patch(&self, path: &str, ct: &str, body: &str) -> Resp {
        self.send("PATCH", path, Some(ct), Some(body.to_string()))
            .await
    }
    pub async fn delete(&self, path: &str) -> Resp {
        self.send("DELETE", path, None, None).await
    }
}

pub const FD: &str = "/apis/flink.apache.org/v1beta1/namespaces/analytics/flinkdeployments";
pub const SNAP: &str = "/apis/flink.apache.org/v1beta1/namespaces/analytics/flinkstatesnapshots";

/// Start a plain sandbox with namespace `analytics` and the `orders-app` deployment from the fixtures.
pub async fn sandbox_with_orders_app() -> Sandbox {
    let sb = Sandbox::builder().start().await.unwrap();
    sb.store().ensure_namespace("analytics");
    sb.store()
        .create(
            "flinkdeployments",
            "analytics",
            manifest("flinkdeployment-application.yaml"),
        )
        .unwrap();
    sb
}

/// Recursively compare the *shape* of two JSON values: same object keys (except `ignore`), same value types,
/// array elements compared against the expected first element.
pub fn assert_same_shape(actual: &Value, expected: &Value, path: &str, ignore: &[&str]) {
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => {
            let ak: Vec<&String> = a.keys().filter(|k| !ignore.contains(&k.as_str())).collect();
            let ek: Vec<&String> = e.keys().filter(|k| !ignore.contains(&k.as_str())).collect();
            assert_eq!(ak, ek, "keys differ at {path}");
            for k in ek {
                assert_same_shape(&a[k], &e[k], &format!("{path}.{k}"), ignore);
            }
        }
        (Value::Array(a), Value::Array(e)) => {
            if let (Some(first), false) = (e.first(), a.is_empty()) {
                for (i, x) in a.iter().enumerate() {
                    assert_same_shape(x, first, &format!("{path}[{i}]"), ignore);
                }
            }
        }
        (a, e) => {
            let kind = |v: &Value| std::mem::discriminant(v);
            assert_eq!(kind(a), kind(e), "type differs at {path}: {a} vs {e}");
        }
    }
}
