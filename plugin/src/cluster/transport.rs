//! The outermost layer of the client stack: bounds each request by `--request-timeout` (until
//! the response headers arrive, so watches are not cut), turns transport failures into a
//! [`ConnectionError`] naming the server (kubectl's wording), and logs each request at `-v 6`.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};
use std::time::{Duration, Instant};

use http::{Request, Response};
use tower::{BoxError, Layer, Service};

use crate::error::{ConnectionCause, ConnectionError, server_name};

/// The tracing target of per-request lines (enabled from `-v 6`).
pub const HTTP_TARGET: &str = "kubectl_savepoint::http";

/// Builds [`Transport`] around the kube client stack.
#[derive(Clone)]
pub struct TransportLayer {
    server: Arc<http::Uri>,
    timeout: Option<Duration>,
}

impl TransportLayer {
    /// For the API server at `server`, with `timeout` per request (`None`: no limit).
    pub fn new(server: http::Uri, timeout: Option<Duration>) -> Self {
        TransportLayer {
            server: Arc::new(server),
            timeout,
        }
    }
}

impl<S> Layer<S> for TransportLayer {
    type Service = Transport<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Transport {
            inner,
            server: self.server.clone(),
            timeout: self.timeout,
        }
    }
}

/// See the module documentation.
#[derive(Clone)]
pub struct Transport<S> {
    inner: S,
    server: Arc<http::Uri>,
    timeout: Option<Duration>,
}

impl<S, B, R> Service<Request<B>> for Transport<S>
where
    S: Service<Request<B>, Response = Response<R>>,
    S::Error: Into<BoxError>,
    S::Future: Send + 'static,
{
    type Response = Response<R>;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Response<R>, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut TaskContext<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let method = request.method().clone();
        let path = request
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default();
        let server = self.server.clone();
        let timeout = self.timeout;
        let call = self.inner.call(request);
        Box::pin(async move {
            let started = Instant::now();
            let outcome = match timeout {
                Some(limit) => match tokio::time::timeout(limit, call).await {
                    Ok(result) => result.map_err(Into::into),
                    Err(_) => Err(Box::new(ConnectionError {
                        server: server_name(&server),
                        cause: ConnectionCause::Timeout(Some(limit)),
                    }) as BoxError),
                },
                None => call.await.map_err(Into::into),
            };
            let millis = started.elapsed().as_millis();
            let url = format!("{}{path}", server.to_string().trim_end_matches('/'));
            match outcome {
                Ok(response) => {
                    tracing::info!(target: HTTP_TARGET, "{method} {url} {} in {millis} milliseconds", response.status());
                    Ok(response)
                }
                Err(err) => {
                    let err: BoxError = if err.is::<ConnectionError>() {
                        err
                    } else {
                        Box::new(ConnectionError::classify(&server, timeout, &*err))
                    };
                    tracing::info!(target: HTTP_TARGET, "{method} {url} failed in {millis} milliseconds: {err}");
                    Err(err)
                }
            }
        })
    }
}
