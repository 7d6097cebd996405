//! `bench-floor --listen ADDR --cert PEM --key PEM`: the comparison server for `make bench`.
//! Prints `listening on ADDR` once bound.
#![forbid(unsafe_code)]

use std::{net::SocketAddr, path::PathBuf};

use anyhow::{Context, Result, bail};
use flink_savepoint_bench::{certs::Leaf, floor};

/// mimalloc: under load, glibc malloc/free was the largest share of the webhook's CPU (perf).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> Result<()> {
    let mut listen: SocketAddr = "127.0.0.1:0".parse().context("default address")?;
    let mut cert = None;
    let mut key = None;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .with_context(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--listen" => {
                listen = value
                    .parse()
                    .with_context(|| format!("bad --listen {value:?}"))?
            }
            "--cert" => cert = Some(PathBuf::from(value)),
            "--key" => key = Some(PathBuf::from(value)),
            other => bail!("unknown flag {other:?} (expected --listen, --cert, --key)"),
        }
    }
    let (Some(cert), Some(key)) = (cert, key) else {
        bail!("usage: bench-floor --listen ADDR --cert PEM --key PEM");
    };
    let leaf = Leaf {
        cert_pem: std::fs::read_to_string(&cert)
            .with_context(|| format!("reading {}", cert.display()))?,
        key_pem: std::fs::read_to_string(&key)
            .with_context(|| format!("reading {}", key.display()))?,
    };
    let (listener, addr) = floor::bind(listen).await?;
    println!("listening on {addr}");
    floor::serve(listener, leaf.server_config()?).await
}
