//! `kubectl-savepoint`: trigger, list and wait for Apache Flink savepoints managed by the Flink
//! Kubernetes operator. `main.rs` only parses the command line and calls [`run`].
//!
//! Layers, each importing only the ones after it: [`cli`] (argument types) ← [`commands`] (one
//! file per subcommand) → [`cluster`] (API calls) → [`render`] (output), with [`error`] a leaf
//! used by all. [`complete`] is the kubectl completion entry point beside [`commands`].
#![forbid(unsafe_code)]

pub mod cli;
pub mod cluster;
pub mod commands;
pub mod complete;
pub mod error;
pub mod render;

pub use cli::Cli;
pub use error::ExitCode;

/// Runs a parsed command line and returns the process exit code; errors are printed to stderr.
pub async fn run(cli: Cli) -> ExitCode {
    let Cli { global, command } = cli;
    let ctx = cluster::Context::new(global);
    run_in(command, &ctx).await
}

/// Runs a command in an existing context (tests use a context around a mocked client).
pub async fn run_in(command: cli::Command, ctx: &cluster::Context) -> ExitCode {
    match commands::run(command, ctx).await {
        Ok(()) => ExitCode::Success,
        Err(err) => {
            tracing::debug!(error = ?err, "command failed");
            eprintln!("{}", error::render_error(&err));
            err.exit_code()
        }
    }
}
