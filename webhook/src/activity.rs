//! Requests in flight per connection, for the idle watchdog of [`crate::server`]: a connection
//! is idle once its first request has not started in time, or once no request has been in
//! flight for the idle timeout.

use std::{
    future::Future,
    pin::Pin,
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    task::{Context, Poll},
    time::Duration,
};

use tokio::time::Instant;

/// Requests in flight on one connection and when the last one ended.
#[derive(Debug, Default)]
pub struct Activity {
    active: AtomicUsize,
    last_end: Mutex<Option<Instant>>,
}

impl Activity {
    /// Completes once the connection has gone `first_request` without any request, or `idle`
    /// without a request in flight.
    pub async fn idle_deadline(&self, accepted: Instant, first_request: Duration, idle: Duration) {
        let mut deadline = accepted + first_request;
        loop {
            tokio::time::sleep_until(deadline).await;
            if self.active.load(Ordering::SeqCst) > 0 {
                deadline = Instant::now() + idle;
                continue;
            }
            let last = *self.last_end.lock().unwrap_or_else(|e| e.into_inner());
            let due = match last {
                None => accepted + first_request,
                Some(ended) => ended + idle,
            };
            if Instant::now() >= due {
                return;
            }
            deadline = due;
        }
    }
}

/// One request in flight; when dropped, the request has ended.
struct ActiveGuard(Arc<Activity>);

impl ActiveGuard {
    fn new(activity: Arc<Activity>) -> Self {
        activity.active.fetch_add(1, Ordering::SeqCst);
        Self(activity)
    }
}

impl Drop for ActiveGuard {
    fn drop(&mut self) {
        *self.0.last_end.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
        self.0.active.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A service, counting requests in flight on its connection.
#[derive(Clone)]
pub struct Tracked<S> {
    /// The wrapped service.
    pub inner: S,
    /// The connection's activity.
    pub activity: Arc<Activity>,
}

impl<S, R> hyper::service::Service<R> for Tracked<S>
where
    S: hyper::service::Service<R>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = TrackedFuture<S::Future>;

    fn call(&self, req: R) -> Self::Future {
        TrackedFuture {
            guard: Some(ActiveGuard::new(self.activity.clone())),
            inner: self.inner.call(req),
        }
    }
}

pin_project_lite::pin_project! {
    /// A request's future; the request counts as in flight until it completes or is dropped.
    pub struct TrackedFuture<F> {
        #[pin]
        inner: F,
        guard: Option<ActiveGuard>,
    }
}

impl<F: Future> Future for TrackedFuture<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let output = std::task::ready!(this.inner.poll(cx));
        this.guard.take();
        Poll::Ready(output)
    }
}
