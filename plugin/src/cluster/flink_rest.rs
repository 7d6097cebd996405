//! The Flink JobManager REST API, reached through the API server's service proxy
//! (`/api/v1/namespaces/{ns}/services/{cluster}-rest:rest/proxy/…`, see
//! [`flink_savepoint::flink_rest::JobEndpoint`]): thin I/O, the decoding is the library's.
//!
//! Every call has a timeout (`--request-timeout` when set, else [`DEFAULT_TIMEOUT`]) and at
//! most [`MAX_IN_FLIGHT`] calls run at once. Nothing here is needed for a command to work: a
//! call that fails returns [`Unreachable`], the caller goes on without the data, and
//! [`FlinkRest::notice`] prints one warning per command naming the cause (the missing
//! `services/proxy` permission, the missing Service, a timeout, …).

use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use ::kube::Client;
use ::kube::client::Body;
use flink_savepoint::flink_rest::{
    CheckpointingStatistics, FlinkRestError, JobEndpoint, parse_checkpointing_statistics,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Status;
use tokio::sync::Semaphore;

use crate::cli::GlobalArgs;
use crate::render::wait::humantime;

/// Per-call timeout without a (non-zero) `--request-timeout`.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Concurrent REST calls at most.
pub const MAX_IN_FLIGHT: usize = 4;

/// Bodies larger than this are not read (a checkpoint history is a few hundred KiB at most).
const MAX_BODY: usize = 16 * 1024 * 1024;

/// Why the REST data of a job could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreachable {
    /// 403 from the API server: the user may not `get` `services/proxy` in the namespace.
    Forbidden { namespace: String, message: String },
    /// 404 from the API server: no `<cluster>-rest` Service (the JobManager is not deployed).
    NoService { namespace: String, service: String },
    /// The API server could not forward the call: 503 `no endpoints available for service` (no
    /// JobManager pod ready, or no such Service: kube-apiserver answers the same), dial errors…
    Proxy {
        service: String,
        code: u16,
        message: String,
    },
    /// No answer within the timeout.
    Timeout { service: String, after: Duration },
    /// The connection to the API server failed.
    Transport { service: String, message: String },
    /// The JobManager answered, but not with what was asked for (or with its error body).
    Flink { service: String, message: String },
}

impl Unreachable {
    /// A short cause, for `status` reasons (`forbidden: get services/proxy`).
    pub fn short(&self) -> String {
        match self {
            Self::Forbidden { .. } => "forbidden (needs get on services/proxy)".to_owned(),
            Self::NoService { service, .. } => format!("no Service {service}"),
            Self::Proxy { code, message, .. } => format!("proxy error {code}: {message}"),
            Self::Timeout { after, .. } => format!("timed out after {}", humantime(*after)),
            Self::Transport { .. } => "connection failed".to_owned(),
            Self::Flink { .. } => "unexpected JobManager answer".to_owned(),
        }
    }

    /// The one-line notice naming the cause and what to do.
    pub fn notice(&self) -> String {
        let what = "Flink REST data (progress, sizes, checkpoints) is not available";
        match self {
            Self::Forbidden { namespace, message } => format!(
                "{what}: you may not get services/proxy in namespace {namespace} \
                 (grant it, e.g. with the flink-savepoint-viewer ClusterRole); \
                 continuing without it. The API server said: {message}"
            ),
            Self::NoService { namespace, service } => format!(
                "{what}: Service {service} not found in namespace {namespace} \
                 (is the JobManager deployed?); continuing without it"
            ),
            Self::Proxy {
                service,
                code,
                message,
            } => format!(
                "{what}: the API server could not reach Service {service} ({code}: {message}); \
                 continuing without it"
            ),
            Self::Timeout { service, after } => format!(
                "{what}: Service {service} did not answer within {} \
                 (set --request-timeout to wait longer); continuing without it",
                humantime(*after)
            ),
            Self::Transport { service, message } => format!(
                "{what}: calling Service {service} failed ({message}); continuing without it"
            ),
            Self::Flink { service, message } => format!(
                "{what}: the JobManager behind Service {service} answered unexpectedly \
                 ({message}); continuing without it"
            ),
        }
    }
}

/// A REST client for one command.
pub struct FlinkRest {
    client: Client,
    timeout: Duration,
    permits: Semaphore,
    noticed: AtomicBool,
    /// Namespaces that answered 403: not asked again.
    forbidden: Mutex<HashSet<String>>,
}

impl FlinkRest {
    /// A client over `client` with the timeout the global flags give.
    pub fn new(client: Client, global: &GlobalArgs) -> Self {
        Self {
            client,
            timeout: call_timeout(global),
            permits: Semaphore::new(MAX_IN_FLIGHT),
            noticed: AtomicBool::new(false),
            forbidden: Mutex::new(HashSet::new()),
        }
    }

    /// `GET /jobs/:jobid/checkpoints` of `endpoint`'s job.
    pub async fn checkpoints(
        &self,
        endpoint: &JobEndpoint,
    ) -> Result<CheckpointingStatistics, Unreachable> {
        let body = self.get(endpoint, &endpoint.checkpoints_path()).await?;
        parse_checkpointing_statistics(&body).map_err(|e| flink_error(endpoint, &e))
    }

    /// `checkpoints` of every endpoint, concurrently (at most [`MAX_IN_FLIGHT`] at once), in
    /// the order given, each with its key.
    pub async fn checkpoints_all<K>(
        &self,
        endpoints: Vec<(K, JobEndpoint)>,
    ) -> Vec<(K, Result<CheckpointingStatistics, Unreachable>)> {
        futures::future::join_all(endpoints.into_iter().map(|(key, endpoint)| async move {
            let result = self.checkpoints(&endpoint).await;
            (key, result)
        }))
        .await
    }

    /// The notice for `err` on stderr, the first time only (`Warning: …`); later failures are
    /// logged at debug level.
    pub fn notice(&self, err: &Unreachable) -> Option<String> {
        if self.noticed.swap(true, Ordering::SeqCst) {
            tracing::debug!(cause = %err.short(), "Flink REST call failed (already noticed)");
            return None;
        }
        Some(err.notice())
    }

    async fn get(&self, endpoint: &JobEndpoint, path: &str) -> Result<Vec<u8>, Unreachable> {
        let service = endpoint.service();
        if self
            .forbidden
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains(&endpoint.namespace)
        {
            return Err(Unreachable::Forbidden {
                namespace: endpoint.namespace.clone(),
                message: "(forbidden earlier in this command)".to_owned(),
            });
        }
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| Unreachable::Transport {
                service: service.clone(),
                message: e.to_string(),
            })?;
        let request = http::Request::get(path)
            .header(http::header::ACCEPT, "application/json")
            .body(Body::from(Vec::new()))
            .map_err(|e| Unreachable::Transport {
                service: service.clone(),
                message: e.to_string(),
            })?;
        let call = async {
            let response = self.client.send(request).await?;
            let code = response.status().as_u16();
            let body = response.into_body().collect_bytes().await?;
            Ok::<_, ::kube::Error>((code, body))
        };
        tracing::debug!(path, "Flink REST call");
        let (code, body) = match tokio::time::timeout(self.timeout, call).await {
            Err(_) => {
                return Err(Unreachable::Timeout {
                    service,
                    after: self.timeout,
                });
            }
            Ok(Err(e)) => {
                return Err(Unreachable::Transport {
                    service,
                    message: e.to_string(),
                });
            }
            Ok(Ok(answer)) => answer,
        };
        if body.len() > MAX_BODY {
            return Err(Unreachable::Flink {
                service,
                message: format!("a {} byte answer", body.len()),
            });
        }
        let err = classify(endpoint, code, &body);
        if let Some(Unreachable::Forbidden { namespace, .. }) = &err {
            self.forbidden
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(namespace.clone());
        }
        match err {
            Some(err) => Err(err),
            None => Ok(body.to_vec()),
        }
    }
}

impl std::fmt::Debug for FlinkRest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FlinkRest")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// `--request-timeout` when set and non-zero, else [`DEFAULT_TIMEOUT`].
pub fn call_timeout(global: &GlobalArgs) -> Duration {
    global
        .request_timeout
        .filter(|t| !t.is_zero())
        .unwrap_or(DEFAULT_TIMEOUT)
}

fn flink_error(endpoint: &JobEndpoint, err: &FlinkRestError) -> Unreachable {
    Unreachable::Flink {
        service: endpoint.service(),
        message: err.to_string(),
    }
}

/// What an answer means: `None` for a success, else why the data is unreachable.
///
/// The API server's own errors are `Status` objects; anything else with an error code came from
/// the JobManager (a Flink `{"errors": […]}` body for an unknown job, say).
fn classify(endpoint: &JobEndpoint, code: u16, body: &[u8]) -> Option<Unreachable> {
    if (200..300).contains(&code) {
        return None;
    }
    let service = endpoint.service();
    let status = serde_json::from_slice::<Status>(body)
        .ok()
        .filter(|s| s.message.is_some() && s.code.is_some());
    let message = match &status {
        Some(s) => s.message.clone().unwrap_or_default(),
        None => {
            let text = String::from_utf8_lossy(body);
            let text = text.trim();
            text.chars().take(200).collect()
        }
    };
    Some(match (code, status.is_some()) {
        (403, true) => Unreachable::Forbidden {
            namespace: endpoint.namespace.clone(),
            message,
        },
        (404, true) => Unreachable::NoService {
            namespace: endpoint.namespace.clone(),
            service,
        },
        (_, true) => Unreachable::Proxy {
            service,
            code,
            message,
        },
        (_, false) => Unreachable::Flink {
            service,
            message: format!("HTTP {code}: {message}"),
        },
    })
}

#[cfg(test)]
#[path = "flink_rest_tests.rs"]
mod tests;
