//! `savepoint-webhook`: a thin hyper + rustls shell around
//! [`flink_savepoint::admission::review`].
//!
//! * HTTPS (`--listen`, default `0.0.0.0:8443`): `POST /validate`, `POST /mutate`.
//! * Plain HTTP admin (`--admin-listen`, default `127.0.0.1:8080`): `/healthz`, `/readyz`, `/metrics`.
#![forbid(unsafe_code)]

pub mod activity;
pub mod admin;
pub mod args;
pub mod cache;
mod cache_trim;
pub mod decode;
pub mod decode_fast;
pub mod decoded;
pub mod encode;
mod log_json;
pub mod metrics;
mod metrics_labels;
pub mod readiness;
pub mod routes;
pub mod server;
pub mod settings;
pub mod shutdown;
pub mod state;
pub mod telemetry;
pub mod tls;

use std::{sync::Arc, time::Duration};

use anyhow::{Context, Result};
use tokio::net::TcpListener;

pub use admin::admin_router;
pub use args::Args;
pub use routes::Reviews;
pub use state::AppState;

/// How long the admin port waits for its connections once the HTTPS port has drained.
const ADMIN_DRAIN: Duration = Duration::from_secs(1);

/// Runs until SIGTERM/SIGINT (a second signal aborts).
pub async fn run(args: Args) -> Result<()> {
    let (trigger, signal) = shutdown::channel();
    shutdown::spawn_signal_listener(trigger)?;
    run_until(args, signal).await
}

/// Runs until `signal` fires, then drains and returns.
pub async fn run_until(args: Args, signal: shutdown::Signal) -> Result<()> {
    let policy = settings::load_policy(&args)?;
    let Args {
        listen,
        admin_listen,
        tls_cert,
        tls_key,
        cert_reload_interval,
        namespace,
        cache_sync_timeout,
        shutdown_grace,
        shutdown_delay,
        request_timeout,
        max_in_flight,
        header_timeout,
        idle_timeout,
        // Consumed by `settings::load_policy` / `telemetry::init` / `main` (the runtime).
        worker_threads: _,
        config: _,
        log_format: _,
        enforcement: _,
        fail_safe: _,
        opt_out_key: _,
        default_history_max_age: _,
        default_history_max_count: _,
        default_periodic_interval: _,
    } = args;

    let provider = tls::provider();
    let files = tls::CertFiles {
        cert: tls_cert,
        key: tls_key,
    };
    let loaded = files
        .load(&provider)
        .context("loading the initial TLS certificate")?;
    let resolver = Arc::new(tls::ReloadingResolver::new(loaded.key));
    let tls_config = Arc::new(tls::server_config(provider.clone(), resolver.clone())?);

    let state = AppState::new(policy, request_timeout, max_in_flight as usize);
    state.metrics.cert_not_after.set(loaded.not_after);
    state.readiness.set_tls_loaded();
    let cache = Arc::new(cache::SessionCache::default());
    let state = AppState {
        cache: cache.clone(),
        ..state
    };

    let https = TcpListener::bind(listen)
        .await
        .with_context(|| format!("binding the HTTPS listener on {listen}"))?;
    let admin = TcpListener::bind(admin_listen)
        .await
        .with_context(|| format!("binding the admin listener on {admin_listen}"))?;
    let https_addr = https.local_addr().context("reading the HTTPS address")?;
    let admin_addr = admin.local_addr().context("reading the admin address")?;
    tracing::info!(https = %https_addr, admin = %admin_addr, enforcement = ?state.policy.enforcement, fail_safe = ?state.policy.fail_safe, "listening");

    tokio::spawn(tls::watch_files(
        files,
        provider,
        resolver,
        loaded.fingerprint,
        cert_reload_interval,
        state.metrics.clone(),
        signal.clone(),
    ));
    tokio::spawn(cache::start(
        cache,
        namespace,
        cache_sync_timeout.0,
        state.readiness.clone(),
        state.metrics.clone(),
        signal.clone(),
    ));

    let limits = server::ConnLimits {
        first_request: header_timeout,
        header_read: header_timeout,
        idle: idle_timeout,
        ..server::ConnLimits::default()
    };
    // The admin port outlives the HTTPS drain so /readyz reports 503 meanwhile.
    let (admin_stop, mut admin_signal) = shutdown::channel();
    let admin_task = tokio::spawn(server::serve(
        admin,
        server::Transport::Plain,
        hyper_util::service::TowerToHyperService::new(admin_router(state.clone())),
        async move { shutdown::wait(&mut admin_signal).await },
        ADMIN_DRAIN,
        limits,
    ));

    server::serve_https(
        https,
        tls_config,
        Reviews::new(state.clone()),
        state.readiness.clone(),
        signal,
        server::Drain {
            delay: shutdown_delay,
            grace: shutdown_grace,
        },
        limits,
    )
    .await;
    admin_stop.fire();
    if let Err(error) = admin_task.await {
        tracing::warn!(%error, "admin server task failed");
    }
    tracing::info!("shut down");
    Ok(())
}
