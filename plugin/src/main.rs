#![forbid(unsafe_code)]
//! Entry point of `kubectl-savepoint` (see the library for everything else).

fn main() -> std::process::ExitCode {
    let argv0 = std::env::args_os().next().unwrap_or_default();
    if kubectl_savepoint::complete::is_entry_point(&argv0.to_string_lossy()) {
        return complete_main();
    }
    let cli = kubectl_savepoint::cli::parse_from(std::env::args_os());
    init_logging(cli.global.verbosity);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return kubectl_savepoint::ExitCode::Failure.into();
        }
    };
    runtime.block_on(kubectl_savepoint::run(cli)).into()
}

/// Diagnostics on stderr: none by default; `-v N` as in kubectl ([`kubectl_savepoint::log_filter`]);
/// `KUBECTL_SAVEPOINT_LOG` (an `EnvFilter` directive) overrides it.
fn init_logging(verbosity: u8) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("KUBECTL_SAVEPOINT_LOG")
        .unwrap_or_else(|_| {
            tracing_subscriber::EnvFilter::new(kubectl_savepoint::log_filter(verbosity))
        });
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(filter)
        .init();
}

/// `kubectl_complete-savepoint WORDS…`: print Cobra completion output; never fails loudly.
fn complete_main() -> std::process::ExitCode {
    let words: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|w| w.to_string_lossy().into_owned())
        .collect();
    let output = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(kubectl_savepoint::complete::run(&words)),
        Err(_) => ":4\n".to_owned(),
    };
    print!("{output}");
    std::process::ExitCode::SUCCESS
}
