//! Memory under hostile load: peak RSS while 40 clients each send a 2.5 MB review at once, and
//! the size of `/metrics` after 20,000 reviews whose `request.kind.kind` is different every time.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use anyhow::{Context, Result};
use hyper::body::Bytes;
use serde_json::{Value, json};

use crate::{
    client::{self, Failure, Payload, RunConfig, Target},
    fixtures::ReviewFixture,
    procinfo,
};

/// Size of one large review (`flinkConfiguration` in both `object` and `oldObject`).
pub const LARGE_REVIEW_BYTES: usize = 2_500_000;

/// An UPDATE of a FlinkDeployment whose object and old object each carry about half of
/// `target_bytes` of `flinkConfiguration` entries (the policy reads every key of that map).
pub fn large_update(fixtures: &[ReviewFixture], target_bytes: usize) -> Result<Payload> {
    let fixture = fixtures
        .iter()
        .find(|f| f.name.contains("-validate-FlinkDeployment-UPDATE-"))
        .context("no captured FlinkDeployment UPDATE review")?;
    let mut review: Value = serde_json::from_str(&fixture.json).context("parsing the capture")?;
    let entry = 100usize;
    let per_side = target_bytes / 2 / entry;
    let mut config = serde_json::Map::new();
    for i in 0..per_side {
        // ~100 bytes per entry once quoted: a 40-byte key and a 50-byte value.
        config.insert(
            format!("bench.large.key.{i:020}.padding"),
            json!(format!("{i:050}")),
        );
    }
    for side in ["object", "oldObject"] {
        review["request"][side]["spec"]["flinkConfiguration"] = Value::Object(config.clone());
    }
    let uid = review["request"]["uid"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let body = serde_json::to_vec(&review).context("encoding the large review")?;
    Ok(Payload {
        path: fixture.path.to_owned(),
        body: Bytes::from(body),
        uid,
    })
}

/// What a burst of concurrent large reviews got back.
#[derive(Debug, Default, Clone)]
pub struct Burst {
    /// Answered 200 with the matching review.
    pub answered: usize,
    /// Shed with 429.
    pub shed: usize,
    /// Anything else (connection errors, other statuses).
    pub other: usize,
    /// What the `other` ones were, by kind, with how many of each.
    pub other_kinds: std::collections::BTreeMap<String, usize>,
}

/// `rounds` times: `clients` connections opened first, then every one sends `payload` at the same
/// moment (one request each).
pub async fn burst(
    addr: SocketAddr,
    tls: Arc<rustls::ClientConfig>,
    payload: &Payload,
    clients: usize,
    rounds: usize,
) -> Result<Burst> {
    let mut out = Burst::default();
    for _ in 0..rounds {
        let mut senders = Vec::with_capacity(clients);
        for _ in 0..clients {
            senders.push(
                client::connect(addr, tls.clone())
                    .await
                    .map_err(|f| anyhow::anyhow!("connecting: {f:?}"))?,
            );
        }
        let barrier = Arc::new(tokio::sync::Barrier::new(clients));
        let mut tasks = Vec::with_capacity(clients);
        for mut sender in senders {
            let payload = payload.clone();
            let barrier = barrier.clone();
            tasks.push(tokio::spawn(async move {
                barrier.wait().await;
                client::send(&mut sender, &payload, true).await
            }));
        }
        for task in tasks {
            match task.await.context("joining a client")? {
                Ok(()) => out.answered += 1,
                Err(Failure::Status(429)) => out.shed += 1,
                Err(failure) => {
                    out.other += 1;
                    *out.other_kinds.entry(format!("{failure:?}")).or_default() += 1;
                }
            }
        }
    }
    Ok(out)
}

/// `n` small reviews, each with a different made-up `request.kind.kind` (what an attacker who
/// can send reviews, or a misconfigured webhook registration, produces).
pub fn hostile_kinds(fixtures: &[ReviewFixture], n: usize) -> Result<Vec<Payload>> {
    let fixture = fixtures
        .iter()
        .find(|f| f.path == "/validate")
        .context("no captured validate review")?;
    let template: Value = serde_json::from_str(&fixture.json).context("parsing the capture")?;
    (0..n)
        .map(|i| {
            let mut review = template.clone();
            let kind = format!("HostileKind{i:08}x{}", "k".repeat(40));
            review["request"]["kind"]["kind"] = json!(kind);
            review["request"]["resource"]["resource"] = json!(format!("hostile{i}s"));
            review["request"]["uid"] = json!(format!("00000000-0000-0000-0000-{i:012}"));
            let uid = review["request"]["uid"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            Ok(Payload {
                path: fixture.path.to_owned(),
                body: Bytes::from(serde_json::to_vec(&review)?),
                uid,
            })
        })
        .collect()
}

/// Sends every payload once (8 connections), returning how many were answered 200.
pub async fn send_all(target: &Target, payloads: Vec<Payload>) -> Result<usize> {
    let n = payloads.len() as u64;
    let config = RunConfig {
        connections: 8,
        duration: Duration::from_secs(600),
        max_requests: n,
        rate: None,
        verify: false,
        requests_per_connection: None,
    };
    let result = client::run(target, Arc::new(payloads), config).await?;
    Ok(result.samples.len())
}

/// Peak RSS (VmHWM) of `pid` after resetting it, around `f`.
pub async fn peak_during<F, T>(pid: u32, f: F) -> Result<(T, u64)>
where
    F: std::future::Future<Output = Result<T>>,
{
    procinfo::reset_hwm(pid);
    let out = f.await?;
    Ok((out, procinfo::vm_hwm_kib(pid).unwrap_or(0)))
}
