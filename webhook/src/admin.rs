//! Plain-HTTP admin router: `/healthz` (alive), `/readyz` (ready to serve), `/metrics`.

use axum::{
    Router,
    extract::State,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};

use crate::state::AppState;

/// Liveness path.
pub const HEALTHZ_PATH: &str = "/healthz";
/// Readiness path.
pub const READYZ_PATH: &str = "/readyz";
/// Prometheus path.
pub const METRICS_PATH: &str = "/metrics";

/// The admin router.
pub fn admin_router(state: AppState) -> Router {
    Router::new()
        .route(HEALTHZ_PATH, get(|| async { "ok\n" }))
        .route(READYZ_PATH, get(readyz))
        .route(METRICS_PATH, get(metrics))
        .with_state(state)
}

async fn readyz(State(state): State<AppState>) -> Response {
    match state.readiness.not_ready_reason() {
        None => {
            state.metrics.ready.set(1);
            (StatusCode::OK, "ready\n").into_response()
        }
        Some(reason) => {
            state.metrics.ready.set(0);
            (
                StatusCode::SERVICE_UNAVAILABLE,
                format!("not ready: {reason}\n"),
            )
                .into_response()
        }
    }
}

async fn metrics(State(state): State<AppState>) -> Response {
    state
        .metrics
        .cache_sync_age
        .set(state.cache.sync_age().map_or(-1.0, |age| age.as_secs_f64()));
    match state.metrics.render() {
        Ok(text) => (
            StatusCode::OK,
            [(
                header::CONTENT_TYPE,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            )],
            text,
        )
            .into_response(),
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "cannot encode metrics\n").into_response(),
    }
}
