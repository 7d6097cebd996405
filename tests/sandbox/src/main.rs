#![forbid(unsafe_code)]
//! `flink-sandbox`: serve the sandbox API server (and optionally the operator simulator) until SIGINT/SIGTERM.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;
use flink_sandbox::{Permissions, Sandbox, SimulatorConfig};

/// Local stand-in for kube-apiserver serving the Flink CRDs, plus a Flink operator simulator.
#[derive(Debug, Parser)]
#[command(name = "flink-sandbox", version)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// Serve HTTPS with a generated CA (default).
    #[arg(long, overrides_with = "no_tls")]
    tls: bool,
    /// Serve plain HTTP.
    #[arg(long)]
    no_tls: bool,
    /// Write the admin kubeconfig here (default: a temporary directory).
    #[arg(long)]
    kubeconfig_out: Option<PathBuf>,
    /// Directory containing `flink-crds/` (default: $FLINK_SANDBOX_SHARED or <repo>/../shared).
    #[arg(long, env = "FLINK_SANDBOX_SHARED")]
    shared: Option<PathBuf>,
    /// Do not serve this Flink CRD (plural), e.g. flinkstatesnapshots (mimics operator < 1.10).
    #[arg(long)]
    without_crd: Vec<String>,
    /// Run the Flink operator simulator.
    #[arg(long)]
    simulate: bool,
    /// Simulated seconds per real second.
    #[arg(long, default_value_t = 1.0)]
    time_scale: f64,
    /// Extra CA certificate (PEM file) trusted for admission webhook calls, besides each `caBundle`.
    #[arg(long, value_name = "PEM")]
    webhook_ca: Option<PathBuf>,
    /// Add a read-only token user NAME=TOKEN (repeatable).
    #[arg(long, value_name = "NAME=TOKEN")]
    viewer: Vec<String>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let mut b = Sandbox::builder().listen(args.listen).tls(!args.no_tls);
    if let Some(dir) = args.shared {
        b = b.shared_dir(dir);
    }
    if let Some(out) = args.kubeconfig_out {
        b = b.kubeconfig_out(out);
    }
    for crd in &args.without_crd {
        b = b.without_crd(crd);
    }
    for v in &args.viewer {
        let (name, token) = v.split_once('=').context("--viewer expects NAME=TOKEN")?;
        b = b.user(name, token, Permissions::read_only());
    }
    if let Some(p) = &args.webhook_ca {
        let pem = std::fs::read_to_string(p)
            .with_context(|| format!("reading --webhook-ca {}", p.display()))?;
        b = b.webhook_ca(pem);
    }
    if args.simulate {
        b = b.simulator(SimulatorConfig {
            time_scale: args.time_scale,
            ..SimulatorConfig::default()
        });
    }
    let sb = b.start().await.context("starting the sandbox")?;
    println!("{}", sb.kubeconfig_path().display());
    wait_for_signal().await?;
    tracing::info!("shutting down");
    sb.shutdown().await;
    Ok(())
}

async fn wait_for_signal() -> anyhow::Result<()> {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("SIGTERM handler")?;
    tokio::select! {
        r = tokio::signal::ctrl_c() => r.context("SIGINT handler")?,
        _ = term.recv() => {}
    }
    Ok(())
}
