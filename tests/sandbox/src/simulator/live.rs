//! Live JobManagers: a real Flink REST endpoint behind a cluster's `<cluster>-rest` Service.
//!
//! A FlinkDeployment whose `<name>-rest` Service has an EndpointSlice (label
//! `kubernetes.io/service-name`) with a ready endpoint on port `rest`, pointing at a Pod whose
//! `status.podIPs` holds the address, is served by that JobManager, as in a real cluster (the
//! live-Flink end-to-end tier creates the three objects for a MiniCluster): the sandbox's service
//! proxy route forwards there ([`resolve_service`], the lookup kube-apiserver 1.37 does), and the
//! emulator reaches it directly like the operator reaches `<cluster>-rest:8081`, reports its job's
//! id and state, and takes savepoints through its REST API (`POST /jobs/:jobid/savepoints`, then
//! polls the trigger), instead of simulating them ([`super::rest`]).
//!
//! Live mode covers FlinkDeployments in snapshot-resource mode (manual and periodic
//! FlinkStateSnapshots); session jobs, legacy `savepointInfo` triggers, upgrade savepoints and
//! disposal on delete stay simulated, and spec changes do not restart the live job.
//!
//! The HTTP client is deliberately small and blocking (reconcile passes run on blocking threads,
//! in-process or over HTTP): HTTP/1.1, `Connection: close`, a timeout on every step.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use flink_savepoint::flink_rest::{
    JobOverview, JobState, JobsOverview, QueueStatus, SavepointOutcome, SavepointStatus,
    TriggerResponse,
};

use super::api::ClusterApi;
use super::support::s;

/// The label linking an EndpointSlice to its Service.
pub const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";

/// Connect, read and write timeout of one call.
const TIMEOUT: Duration = Duration::from_secs(5);

/// Largest answer read (a checkpoint history is a few hundred KiB at most).
const MAX_ANSWER: u64 = 16 * 1024 * 1024;

/// Where Service `service`'s port `port` is served, resolved like kube-apiserver's service proxy
/// (`pkg/registry/core/service/storage#ResourceLocation`): the EndpointSlices labelled with the
/// Service name, the port of that name (a number is mapped to its name through the Service; none
/// means the first port), a ready endpoint whose `targetRef` is a Pod in the namespace whose
/// `status.podIPs` holds the endpoint's first address. `None` when nothing serves it.
pub fn resolve_service(
    api: &dyn ClusterApi,
    ns: &str,
    service: &str,
    port: Option<&str>,
) -> Option<SocketAddr> {
    let port_name = match port {
        Some(p) if p.parse::<u16>().is_ok() => {
            let svc = api.get("services", ns, service)?;
            let ports = svc.pointer("/spec/ports")?.as_array()?;
            let named = ports
                .iter()
                .find(|sp| sp.get("port").and_then(Value::as_u64) == p.parse().ok())?;
            Some(s(named, "/name").unwrap_or("").to_string())
        }
        Some(p) => Some(p.to_string()),
        None => None,
    };
    let slices = api.list("endpointslices", Some(ns));
    for slice in slices.iter().filter(|sl| {
        s(
            sl,
            &format!("/metadata/labels/{}", escape(SERVICE_NAME_LABEL)),
        ) == Some(service)
    }) {
        let ports = slice.get("ports").and_then(Value::as_array);
        let Some(number) = ports.and_then(|ports| {
            ports
                .iter()
                .find(|p| match &port_name {
                    Some(name) => s(p, "/name").unwrap_or("") == name,
                    None => true,
                })?
                .get("port")?
                .as_u64()
        }) else {
            continue;
        };
        let Ok(number) = u16::try_from(number) else {
            continue;
        };
        let endpoints = slice.get("endpoints").and_then(Value::as_array);
        for ep in endpoints.into_iter().flatten() {
            let ready = ep.pointer("/conditions/ready").and_then(Value::as_bool) != Some(false);
            let Some(address) = s(ep, "/addresses/0").and_then(|a| a.parse::<IpAddr>().ok()) else {
                continue;
            };
            if ready && backed_by_pod(api, ns, ep, &address.to_string()) {
                return Some(SocketAddr::new(address, number));
            }
        }
    }
    None
}

/// `/` and `~` in a JSON pointer segment.
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// "We only proxy to addresses that are actually pods" (kube-apiserver's `isValidAddress`).
fn backed_by_pod(api: &dyn ClusterApi, ns: &str, ep: &Value, address: &str) -> bool {
    if s(ep, "/targetRef/kind").is_some_and(|k| k != "Pod")
        || s(ep, "/targetRef/namespace").is_some_and(|n| n != ns)
    {
        return false;
    }
    let Some(pod) = s(ep, "/targetRef/name").and_then(|name| api.get("pods", ns, name)) else {
        return false;
    };
    let ips = pod
        .pointer("/status/podIPs")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|ip| s(ip, "/ip"));
    ips.chain(s(&pod, "/status/podIP")).any(|ip| ip == address)
}

/// The live JobManager of cluster `ns/cluster`, when its `-rest` Service resolves.
pub fn job_manager(api: &dyn ClusterApi, ns: &str, cluster: &str) -> Option<JobManager> {
    resolve_service(api, ns, &format!("{cluster}-rest"), Some("rest"))
        .map(|addr| JobManager { addr })
}

/// How long a lookup is reused: reconcile passes run every tick, the lookups cost API and REST calls.
const CACHE_TTL: Duration = Duration::from_secs(1);

type Key = (String, String);
/// Lookups by cluster, with when they were made.
type Lookups<T> = Mutex<HashMap<Key, (Instant, T)>>;

/// Per-cluster lookups of the last [`CACHE_TTL`]: the live JobManager (or none) and its job.
#[derive(Debug, Default)]
pub(crate) struct Cache {
    managers: Lookups<Option<JobManager>>,
    jobs: Lookups<Result<LiveJob, String>>,
}

fn cached<T: Clone>(
    map: &Mutex<HashMap<Key, (Instant, T)>>,
    key: Key,
    fetch: impl FnOnce() -> T,
) -> T {
    let fresh = |at: &Instant| at.elapsed() < CACHE_TTL;
    if let Some((at, v)) = map.lock().unwrap_or_else(|p| p.into_inner()).get(&key)
        && fresh(at)
    {
        return v.clone();
    }
    let v = fetch();
    map.lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(key, (Instant::now(), v.clone()));
    v
}

impl Cache {
    /// [`job_manager`], reused for a second.
    pub(crate) fn job_manager(
        &self,
        api: &dyn ClusterApi,
        ns: &str,
        cluster: &str,
    ) -> Option<JobManager> {
        cached(
            &self.managers,
            (ns.to_string(), cluster.to_string()),
            || job_manager(api, ns, cluster),
        )
    }

    /// [`JobManager::job`], reused for a second.
    pub(crate) fn job(&self, jm: JobManager, ns: &str, cluster: &str) -> Result<LiveJob, String> {
        cached(&self.jobs, (ns.to_string(), cluster.to_string()), || {
            jm.job()
        })
    }
}

/// A live JobManager's REST API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobManager {
    /// Its REST address.
    pub addr: SocketAddr,
}

/// What the emulator reads of a live job (`GET /jobs/overview`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveJob {
    pub id: String,
    pub name: String,
    pub state: String,
    pub start_ms: i64,
}

impl JobManager {
    /// `GET path`: the status code and the JSON body.
    pub fn get(&self, path: &str) -> Result<(u16, Value), String> {
        call(self.addr, "GET", path, None)
    }

    /// `POST path` with a JSON body.
    pub fn post(&self, path: &str, body: &Value) -> Result<(u16, Value), String> {
        call(self.addr, "POST", path, Some(body))
    }

    /// `GET path` decoded into `T` (one of the library's Flink REST models).
    fn get_as<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T, String> {
        let (code, body) = self.get(path)?;
        if code != 200 {
            return Err(format!("GET {path} answered {code}: {body}"));
        }
        serde_json::from_value(body).map_err(|e| format!("GET {path}: not Flink's answer: {e}"))
    }

    /// The job of an application cluster: the newest RUNNING one, else the newest.
    pub fn job(&self) -> Result<LiveJob, String> {
        let overview: JobsOverview = self.get_as("/jobs/overview")?;
        let start = |j: &&JobOverview| j.start_time.unwrap_or(0);
        let newest_running = overview
            .jobs
            .iter()
            .filter(|j| j.state == Some(JobState::Running))
            .max_by_key(start);
        let job = newest_running
            .or_else(|| overview.jobs.iter().max_by_key(start))
            .ok_or("the JobManager runs no job")?;
        Ok(LiveJob {
            id: job.jid.clone(),
            name: job.name.clone().unwrap_or_default(),
            state: job
                .state
                .as_ref()
                .map_or("CREATED", |state| state.as_str())
                .to_string(),
            start_ms: i64::try_from(job.start_time.unwrap_or(0)).unwrap_or(i64::MAX),
        })
    }

    /// Triggers a savepoint the way the operator does; returns the trigger (request) id.
    pub fn trigger_savepoint(
        &self,
        job_id: &str,
        dir: &str,
        format: &str,
    ) -> Result<String, String> {
        let body = json!({ "target-directory": dir, "cancel-job": false, "formatType": format });
        let (code, answer) = self.post(&format!("/jobs/{job_id}/savepoints"), &body)?;
        match serde_json::from_value::<TriggerResponse>(answer.clone()) {
            Ok(trigger) if code / 100 == 2 => Ok(trigger.request_id),
            _ => Err(format!(
                "POST /jobs/{job_id}/savepoints answered {code}: {answer}"
            )),
        }
    }

    /// Where the savepoint `trigger_id` of `job_id` stands (the library's reading of Flink's
    /// answer, as the plugin has it).
    pub fn savepoint_status(
        &self,
        job_id: &str,
        trigger_id: &str,
    ) -> Result<SavepointOutcome, String> {
        let path = format!("/jobs/{job_id}/savepoints/{trigger_id}");
        let status: SavepointStatus = self.get_as(&path)?;
        Ok(match status.outcome() {
            Ok(outcome) => outcome,
            // Completed with neither a location nor a cause: still a failed savepoint.
            Err(_) if status.status.id == QueueStatus::Completed => SavepointOutcome::Failed {
                class: None,
                message: "savepoint failed without a cause".to_owned(),
            },
            // A queue status this Flink does not have yet: ask again later.
            Err(_) => SavepointOutcome::InProgress,
        })
    }
}

/// One HTTP/1.1 exchange with `Connection: close`.
fn call(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> Result<(u16, Value), String> {
    let fail = |e: std::io::Error| format!("{method} http://{addr}{path}: {e}");
    let mut stream = TcpStream::connect_timeout(&addr, TIMEOUT).map_err(fail)?;
    stream.set_read_timeout(Some(TIMEOUT)).map_err(fail)?;
    stream.set_write_timeout(Some(TIMEOUT)).map_err(fail)?;
    let payload = body.map(Value::to_string).unwrap_or_default();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json\r\nConnection: close\r\n"
    );
    if body.is_some() {
        request.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            payload.len()
        ));
    }
    request.push_str("\r\n");
    request.push_str(&payload);
    stream.write_all(request.as_bytes()).map_err(fail)?;
    let mut raw = Vec::new();
    stream
        .take(MAX_ANSWER)
        .read_to_end(&mut raw)
        .map_err(fail)?;
    parse_response(&raw).map_err(|e| format!("{method} http://{addr}{path}: {e}"))
}

/// Status code and JSON body of a raw HTTP/1.1 response (`Content-Length`, chunked, or until close).
fn parse_response(raw: &[u8]) -> Result<(u16, Value), String> {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("no end of headers")?;
    let head = String::from_utf8_lossy(&raw[..split]);
    let mut lines = head.lines();
    let code: u16 = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .ok_or("no status line")?;
    let header = |name: &str| {
        head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    };
    let rest = &raw[split + 4..];
    let body: Vec<u8> =
        if header("transfer-encoding").is_some_and(|t| t.eq_ignore_ascii_case("chunked")) {
            dechunk(rest)?
        } else if let Some(len) = header("content-length").and_then(|l| l.parse::<usize>().ok()) {
            rest.get(..len)
                .ok_or("body shorter than Content-Length")?
                .to_vec()
        } else {
            rest.to_vec()
        };
    if body.is_empty() {
        return Ok((code, Value::Null));
    }
    let value = serde_json::from_slice(&body).map_err(|e| format!("not JSON ({e})"))?;
    Ok((code, value))
}

fn dechunk(mut rest: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        let line_end = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or("truncated chunk")?;
        let size_text = String::from_utf8_lossy(&rest[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| "bad chunk size")?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Ok(out);
        }
        out.extend_from_slice(rest.get(..size).ok_or("truncated chunk")?);
        rest = rest.get(size + 2..).unwrap_or_default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn responses_with_a_length_chunked_or_until_close_decode() {
        let sized = b"HTTP/1.1 200 OK\r\ncontent-length: 8\r\n\r\n{\"a\": 1}";
        assert_eq!(parse_response(sized).unwrap(), (200, json!({"a": 1})));
        let chunked = b"HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n3\r\n: 2\r\n1\r\n}\r\n0\r\n\r\n";
        assert_eq!(parse_response(chunked).unwrap(), (404, json!({"a": 2})));
        let closed = b"HTTP/1.0 202 Accepted\r\n\r\n{\"request-id\":\"x\"}";
        assert_eq!(
            parse_response(closed).unwrap(),
            (202, json!({"request-id": "x"}))
        );
        assert!(parse_response(b"garbage").is_err());
        assert!(parse_response(b"HTTP/1.1 200 OK\r\n\r\n<html>").is_err());
    }

    fn store() -> Store {
        let shared = crate::default_shared_dir();
        let st = Store::new(std::sync::Arc::new(
            crate::resources::load(&shared, &[]).unwrap(),
        ));
        for ns in ["ns", "other"] {
            st.create(
                "namespaces",
                "",
                json!({ "apiVersion": "v1", "kind": "Namespace", "metadata": { "name": ns } }),
            )
            .unwrap();
        }
        st
    }

    fn slice(ip: &str, pod: &str, ready: bool) -> Value {
        json!({
            "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": { "name": "orders-rest-1", "namespace": "ns",
                          "labels": { SERVICE_NAME_LABEL: "orders-rest" } },
            "addressType": "IPv4",
            "ports": [{ "name": "rest", "port": 8081, "protocol": "TCP" }],
            "endpoints": [{ "addresses": [ip], "conditions": { "ready": ready },
                            "targetRef": { "kind": "Pod", "namespace": "ns", "name": pod } }]
        })
    }

    fn pod(name: &str, ip: &str) -> Value {
        json!({ "apiVersion": "v1", "kind": "Pod", "metadata": { "name": name, "namespace": "ns" },
                "spec": { "containers": [{ "name": "jm", "image": "flink" }] },
                "status": { "podIP": ip, "podIPs": [{ "ip": ip }] } })
    }

    #[test]
    fn a_service_resolves_to_a_ready_endpoint_backed_by_its_pod_only() {
        let st = store();
        assert_eq!(
            resolve_service(&st, "ns", "orders-rest", Some("rest")),
            None
        );
        st.create("endpointslices", "ns", slice("10.1.2.3", "jm", true))
            .unwrap();
        assert_eq!(
            resolve_service(&st, "ns", "orders-rest", Some("rest")),
            None,
            "no pod behind the endpoint"
        );
        st.create("pods", "ns", pod("jm", "10.9.9.9")).unwrap();
        assert_eq!(
            resolve_service(&st, "ns", "orders-rest", Some("rest")),
            None,
            "the pod has another address"
        );
        st.delete("pods", "ns", "jm").unwrap();
        st.create("pods", "ns", pod("jm", "10.1.2.3")).unwrap();
        let addr: SocketAddr = "10.1.2.3:8081".parse().unwrap();
        assert_eq!(
            resolve_service(&st, "ns", "orders-rest", Some("rest")),
            Some(addr)
        );
        assert_eq!(resolve_service(&st, "ns", "orders-rest", None), Some(addr));
        assert_eq!(resolve_service(&st, "ns", "orders-rest", Some("web")), None);
        assert_eq!(
            resolve_service(&st, "other", "orders-rest", Some("rest")),
            None
        );
        assert_eq!(job_manager(&st, "ns", "orders"), Some(JobManager { addr }));
        st.delete("endpointslices", "ns", "orders-rest-1").unwrap();
        st.create("endpointslices", "ns", slice("10.1.2.3", "jm", false))
            .unwrap();
        assert_eq!(
            resolve_service(&st, "ns", "orders-rest", Some("rest")),
            None,
            "not ready"
        );
    }
}
