//! `kubectl-savepoint`: trigger, list and wait for Apache Flink savepoints managed by the Flink
//! Kubernetes operator. `main.rs` only parses the command line and calls [`run`].
#![forbid(unsafe_code)]

pub mod api;
pub mod cli;
pub mod commands;
pub mod complete;
pub mod discovery;
pub mod exit;
pub mod fetch;
pub mod follow;
pub mod kube;
pub mod output;
pub mod progress;
pub mod target;
pub mod warnings;
pub mod watch_cache;

pub use cli::Cli;
pub use exit::ExitCode;

/// Runs a parsed command line and returns the process exit code; errors are printed to stderr.
pub async fn run(cli: Cli) -> ExitCode {
    let Cli { global, command } = cli;
    let ctx = kube::Context::new(global);
    run_in(command, &ctx).await
}

/// Runs a command in an existing context (tests use a context around a mocked client).
pub async fn run_in(command: cli::Command, ctx: &kube::Context) -> ExitCode {
    match command.run(ctx).await {
        Ok(()) => ExitCode::Success,
        Err(err) => {
            tracing::debug!(error = ?err, "command failed");
            eprintln!("{}", exit::render_error(&err));
            exit::exit_code_for(&err)
        }
    }
}
