//! `savepoint-webhook` entry point: parse flags, init logs, run.
#![forbid(unsafe_code)]

use clap::Parser;
use savepoint_webhook::{Args, run, telemetry};

/// mimalloc: under load, glibc malloc/free was the largest share of the webhook's CPU (perf).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // One explicit process-wide provider (ring), whatever other crates enable.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let args = Args::parse();
    telemetry::init(args.log_format);
    match run(args).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "savepoint-webhook failed");
            eprintln!("savepoint-webhook: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
