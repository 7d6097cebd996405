//! `savepoint-webhook` entry point: parse flags, init logs, run.
#![forbid(unsafe_code)]

use clap::Parser;
use savepoint_webhook::{Args, run, telemetry};

/// mimalloc: under load, glibc malloc/free was the largest share of the webhook's CPU (perf).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // One explicit process-wide provider (ring), whatever other crates enable.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let args = Args::parse();
    telemetry::init(args.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(usize::from(args.worker_threads))
        .thread_name("webhook-worker")
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return fail(&anyhow::Error::new(error).context("starting the runtime")),
    };
    match runtime.block_on(run(args)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => fail(&error),
    }
}

fn fail(error: &anyhow::Error) -> std::process::ExitCode {
    tracing::error!(error = format!("{error:#}"), "savepoint-webhook failed");
    eprintln!("savepoint-webhook: {error:#}");
    std::process::ExitCode::FAILURE
}
