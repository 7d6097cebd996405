//! HTTPS routes `/validate` and `/mutate`: decode, look up, `review`, encode. Nothing else.
//!
//! Malformed input never reaches the policy and never yields a 5xx: wrong method → 405, wrong
//! content type → 415, oversized body → 413, undecodable JSON / missing `request` / wrong
//! `apiVersion` → 400, slow clients → 408, any other path → 404. Every error carries a `Status`
//! body.
//!
//! At most `--max-in-flight` reviews are read and decided at once; a review beyond that is
//! answered 429 at once, before its body is read, so memory stays bounded and the API server's
//! `failurePolicy` decides (counted in `savepoint_webhook_admission_shed_total`).
//!
//! [`Reviews`] is a hyper service of its own rather than an axum router: two fixed paths need no
//! router, and going without one saves the router's per-request boxing and cloning and the boxed
//! request and response bodies, which a perf profile showed on every review.

use std::{convert::Infallible, future::Future, pin::Pin, sync::Arc, time::Instant};

use flink_savepoint::admission::{self, Decision, FlinkKind, Phase, ReviewContext, SessionLookup};
use http_body_util::{BodyExt, Full};
use hyper::{
    HeaderMap, Method, Request, Response, StatusCode,
    body::{Body, Bytes},
    header::{self, HeaderValue},
};
use serde_json::json;

use crate::{
    cache::Resolved,
    decoded::Decoded,
    metrics::{DecisionLabel, KindLabel, OperationLabel, RequestLabels},
    state::AppState,
    telemetry::{MAX_LOGGED_NAME, MAX_LOGGED_UID, printable},
};

/// Largest accepted request body. An UPDATE review carries `object` and `oldObject`, each up to
/// etcd's 1.5 MiB object limit, plus the request envelope: 2 × 1.5 MiB + 1 MiB of headroom.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;
/// An oversize body is read and discarded up to this many bytes before the 413 is sent, so that
/// HTTP/2 clients receive the Status rather than a stream reset while still sending.
pub const OVERSIZE_DRAIN_BYTES: usize = 4 * MAX_BODY_BYTES;
pub use crate::decode::ADMISSION_API_VERSION;
/// Paths served on the HTTPS port.
pub const VALIDATE_PATH: &str = "/validate";
/// Paths served on the HTTPS port.
pub const MUTATE_PATH: &str = "/mutate";

/// Every answer of the HTTPS port: a whole body, no boxing.
pub type ReviewResponse = Response<Full<Bytes>>;

/// The HTTPS service: `POST /validate`, `POST /mutate`, and 404 / 405 answers for anything else.
/// Load shedding and the request timeout run inside the review (one boxed future per request).
#[derive(Clone)]
pub struct Reviews {
    state: Arc<AppState>,
}

impl Reviews {
    /// The service over `state`.
    pub fn new(state: AppState) -> Self {
        Self {
            state: Arc::new(state),
        }
    }
}

impl<B> hyper::service::Service<Request<B>> for Reviews
where
    B: Body<Data = Bytes> + Unpin + Send + 'static,
    B::Error: std::fmt::Display + Send,
{
    type Response = ReviewResponse;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<ReviewResponse, Infallible>> + Send>>;

    fn call(&self, req: Request<B>) -> Self::Future {
        let state = self.state.clone();
        Box::pin(async move { Ok(route(&state, req).await) })
    }
}

/// Answers one request of the HTTPS port. The query string (the API server sends `?timeout=`)
/// plays no part.
async fn route<B>(state: &AppState, req: Request<B>) -> ReviewResponse
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: std::fmt::Display,
{
    let phase = match req.uri().path() {
        VALIDATE_PATH => Phase::Validate,
        MUTATE_PATH => Phase::Mutate,
        _ => return not_found(),
    };
    if req.method() != Method::POST {
        return method_not_allowed();
    }
    review_request(phase, state, req).await
}

async fn review_request<B>(phase: Phase, state: &AppState, req: Request<B>) -> ReviewResponse
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: std::fmt::Display,
{
    let Some(_in_flight) = InFlight::enter(state) else {
        return shed(state);
    };
    let timeout = state.request_timeout;
    let (parts, body) = req.into_parts();
    let review = async {
        match read_body(&parts.headers, body).await {
            Ok(bytes) => handle(phase, state, &parts.headers, &bytes),
            Err(response) => response,
        }
    };
    match tokio::time::timeout(timeout, review).await {
        Ok(response) => response,
        Err(_) => error_response(
            StatusCode::REQUEST_TIMEOUT,
            format!("request not completed within {timeout:?}"),
        ),
    }
}

/// One review's place among the `--max-in-flight`; the gauge goes down when it is dropped, also
/// when the client goes away mid-request.
struct InFlight<'a> {
    state: &'a AppState,
    _permit: tokio::sync::SemaphorePermit<'a>,
}

impl<'a> InFlight<'a> {
    fn enter(state: &'a AppState) -> Option<Self> {
        let permit = state.in_flight.try_acquire().ok()?;
        state.metrics.in_flight.inc();
        Some(Self {
            state,
            _permit: permit,
        })
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.state.metrics.in_flight.dec();
    }
}

/// Reads the whole body, or answers 413 (declared or actual size above [`MAX_BODY_BYTES`]) /
/// 400 (the client broke off). A body that arrives in one frame (the usual case: a review is a
/// few KiB and comes in one TLS record) is kept as that frame, not copied.
async fn read_body<B>(headers: &HeaderMap, body: B) -> Result<Bytes, ReviewResponse>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: std::fmt::Display,
{
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > MAX_BODY_BYTES as u64) {
        return Err(too_large(body).await);
    }
    let mut body = body;
    let mut first = Bytes::new();
    let mut joined: Option<Vec<u8>> = None;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|error| {
            error_response(
                StatusCode::BAD_REQUEST,
                format!("cannot read the request body: {error}"),
            )
        })?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        let read = joined.as_ref().map_or(first.len(), Vec::len);
        if read + data.len() > MAX_BODY_BYTES {
            return Err(too_large(body).await);
        }
        match &mut joined {
            Some(out) => out.extend_from_slice(&data),
            None if first.is_empty() => first = data,
            None => {
                let capacity = declared
                    .map_or(0, |len| len as usize)
                    .max(read + data.len());
                let mut out = Vec::with_capacity(capacity);
                out.extend_from_slice(&first);
                out.extend_from_slice(&data);
                joined = Some(out);
            }
        }
    }
    Ok(joined.map_or(first, Bytes::from))
}

/// Discards the rest of an oversize body (bounded by [`OVERSIZE_DRAIN_BYTES`]; nothing is
/// kept), then answers 413.
async fn too_large<B: Body<Data = Bytes> + Unpin>(mut body: B) -> ReviewResponse {
    let mut drained = 0usize;
    while drained < OVERSIZE_DRAIN_BYTES {
        match body.frame().await {
            Some(Ok(frame)) => drained += frame.data_ref().map_or(0, Bytes::len),
            Some(Err(_)) | None => break,
        }
    }
    error_response(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("request body larger than {MAX_BODY_BYTES} bytes"),
    )
}

/// The 429 for a review beyond `--max-in-flight`, sent before its body is read.
fn shed(state: &AppState) -> ReviewResponse {
    state.metrics.shed.inc();
    tracing::warn!(
        max_in_flight = state.max_in_flight,
        "too many admission reviews in flight; shedding with 429"
    );
    let mut response = error_response(
        StatusCode::TOO_MANY_REQUESTS,
        format!(
            "savepoint-webhook is reviewing {} requests already; retry",
            state.max_in_flight
        ),
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

/// A Kubernetes-style `Status` body for requests that are not valid AdmissionReviews.
pub fn error_response(code: StatusCode, message: impl Into<String>) -> ReviewResponse {
    let message = message.into();
    let body = json!({
        "kind": "Status",
        "apiVersion": "v1",
        "status": "Failure",
        "code": code.as_u16(),
        "reason": code.canonical_reason().unwrap_or("Error"),
        "message": message,
    });
    json_response(code, Bytes::from(body.to_string()))
}

/// `body` as `application/json` with status `code`.
fn json_response(code: StatusCode, body: Bytes) -> ReviewResponse {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = code;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

fn method_not_allowed() -> ReviewResponse {
    let mut response = error_response(
        StatusCode::METHOD_NOT_ALLOWED,
        "only POST is allowed on admission endpoints",
    );
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("POST"));
    response
}

fn not_found() -> ReviewResponse {
    error_response(
        StatusCode::NOT_FOUND,
        format!("no such endpoint; use POST {VALIDATE_PATH} or POST {MUTATE_PATH}"),
    )
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"))
}

/// Decodes the body into the request, or says why not (400/415).
fn decode<'a>(
    headers: &HeaderMap,
    body: &'a [u8],
    opt_out_key: &str,
) -> Result<Decoded<'a>, (StatusCode, String)> {
    if !is_json(headers) {
        return Err((
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type must be application/json".to_owned(),
        ));
    }
    crate::decode_fast::admission_request(body, opt_out_key)
        .map_err(|message| (StatusCode::BAD_REQUEST, message))
}

fn handle(phase: Phase, state: &AppState, headers: &HeaderMap, body: &[u8]) -> ReviewResponse {
    let started = Instant::now();
    let req = match decode(headers, body, &state.policy.opt_out.key) {
        Ok(req) => req,
        Err((code, message)) => {
            let labels = RequestLabels {
                endpoint: phase.into(),
                kind: KindLabel::Unknown,
                operation: OperationLabel::Unknown,
                decision: DecisionLabel::Rejected,
            };
            state.metrics.count_request(labels);
            tracing::info!(endpoint = phase.as_str(), status = code.as_u16(), message = %printable(&message, MAX_LOGGED_NAME), "rejected malformed admission request");
            return error_response(code, message);
        }
    };
    let request = req.request();
    let resolved = state.cache.resolve(&request.lookup_need());
    let session_cluster = match &resolved {
        Resolved::Found(deployment) => SessionLookup::Found(deployment),
        Resolved::NotFound => SessionLookup::NotFound,
        Resolved::Unknown => SessionLookup::Unknown,
        Resolved::NotNeeded => SessionLookup::NotNeeded,
    };
    let ctx = ReviewContext {
        phase,
        policy: &state.policy,
        session_cluster,
    };
    let decision = admission::review_request(&request, &ctx);
    let decision_label = DecisionLabel::of(&decision);
    if let Decision::Deny { message, .. } = &decision {
        tracing::debug!(uid = %printable(&req.uid, MAX_LOGGED_UID), %message, "denial message");
    }
    let body = crate::encode::review_body(&req.uid, &decision).unwrap_or_else(|error| {
        // Serialising a JSON patch cannot realistically fail; admit unchanged rather than 5xx.
        tracing::error!(uid = %printable(&req.uid, MAX_LOGGED_UID), %error, "cannot encode the patch; admitting without it");
        crate::encode::review_body(&req.uid, &Decision::allow()).unwrap_or_default()
    });
    let elapsed = started.elapsed();
    let operation = OperationLabel::of(&req.operation);
    let labels = RequestLabels {
        endpoint: phase.into(),
        kind: FlinkKind::named(&req.group, &req.kind).into(),
        operation,
        decision: decision_label,
    };
    state.metrics.observe_request(labels, elapsed);
    // One line per review: at info when it changed something (denied, patched or warned), at
    // debug when it allowed the object unchanged, which is the bulk of the traffic and is counted
    // in `savepoint_webhook_admission_requests_total` either way.
    macro_rules! review_line {
        ($level:ident) => {
            tracing::$level!(
                uid = %printable(&req.uid, MAX_LOGGED_UID),
                endpoint = phase.as_str(),
                kind = %printable(&req.kind, MAX_LOGGED_NAME),
                namespace = %printable(req.namespace.as_deref().unwrap_or(""), MAX_LOGGED_NAME),
                name = %printable(&req.name, MAX_LOGGED_NAME),
                operation = operation.as_str(),
                dry_run = req.dry_run,
                decision = decision_label.as_str(),
                warnings = decision.warnings().len(),
                latency_us = elapsed.as_micros() as u64,
                "admission review"
            )
        };
    }
    if matches!(decision_label, DecisionLabel::Allowed) {
        review_line!(debug);
    } else {
        review_line!(info);
    }
    json_response(StatusCode::OK, Bytes::from(body))
}
