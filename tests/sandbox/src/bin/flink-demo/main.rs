#![forbid(unsafe_code)]
//! `flink-demo` (`make demo`): the whole product on the sandbox, driven with the real `kubectl`.
//!
//! Starts the sandbox API server and the operator emulator (a controller talking to it over HTTPS), runs `savepoint-webhook` on loopback
//! with a generated certificate, registers it through `manifests/overlays/local`, then walks
//! through the plugin. Every step states what it expects; a step that behaves otherwise fails the
//! demo (exit 1), so `tests/demo.rs` keeps it honest. Ctrl-C stops everything cleanly.

mod env;
mod script;

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let env = match env::DemoEnv::start().await {
        Ok(env) => env,
        Err(e) => {
            eprintln!("demo: could not start: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = tokio::select! {
        r = script::run(&env) => r,
        _ = tokio::signal::ctrl_c() => Err(anyhow::anyhow!("interrupted")),
    };
    env.stop().await;
    match outcome {
        Ok(()) => {
            println!("\nDemo complete: sandbox, operator emulator and webhook stopped.");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("\ndemo: {e:#}");
            ExitCode::FAILURE
        }
    }
}
