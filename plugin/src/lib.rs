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
///
/// Ctrl-C ends the process with exit code 130: the progress line is cleared and, when a
/// savepoint was being waited for, the `kubectl savepoint wait …` that resumes is printed.
pub async fn run(cli: Cli) -> ExitCode {
    let Cli { global, command } = cli;
    tokio::spawn(async {
        if tokio::signal::ctrl_c().await.is_ok() {
            render::progress::interrupted();
            std::process::exit(i32::from(ExitCode::Interrupted.code()));
        }
    });
    let ctx = cluster::Context::new(global);
    run_in(command, &ctx).await
}

/// Runs a command in an existing context (tests use a context around a mocked client).
pub async fn run_in(command: cli::Command, ctx: &cluster::Context) -> ExitCode {
    match commands::run(command, ctx).await {
        Ok(()) => ExitCode::Success,
        Err(err) => {
            tracing::debug!(error = %error::render_error(&err), "command failed");
            // `list | head -1`: the reader is gone; say nothing (kubectl dies of SIGPIPE).
            if !err.is_broken_pipe() {
                eprintln!("{}", error::render_error(&err));
            }
            err.exit_code()
        }
    }
}

/// The `tracing` filter for kubectl's `-v LEVEL`: 0 nothing; 1-3 warnings; 4-5 the plugin's
/// debug lines (its decisions, no object contents); 6-7 also one line per request (method, URL,
/// status, time); 8 also kube-rs debug; 9 everything at trace level.
pub fn log_filter(verbosity: u8) -> String {
    let http = cluster::HTTP_TARGET;
    match verbosity {
        0 => "off".to_string(),
        // kube-rs logs each failed request as an ERROR; the plugin's own line says it better.
        1..=3 => "warn,kube_client=off".to_string(),
        4..=5 => {
            format!("warn,kube_client=off,kubectl_savepoint=debug,flink_savepoint=debug,{http}=off")
        }
        6..=7 => format!(
            "warn,kube_client=off,kubectl_savepoint=debug,flink_savepoint=debug,{http}=info"
        ),
        8 => format!(
            "info,kubectl_savepoint=debug,flink_savepoint=debug,kube=debug,kube_client=debug,kube_runtime=debug,{http}=info"
        ),
        _ => "trace".to_string(),
    }
}
