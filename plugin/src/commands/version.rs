//! `version`: plugin version, server version and whether the FlinkStateSnapshot CRD is served.

use anyhow::Context as _;
use serde_json::json;

use crate::cli::VersionArgs;
use crate::cluster::{Context, discover_flink};
use crate::error::Result;
use crate::render::object;

/// The plugin's version.
pub const PLUGIN_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Runs the command.
pub async fn run(args: VersionArgs, ctx: &Context) -> Result<()> {
    if args.client {
        let text = match &args.output {
            Some(format) => object(&json!({"clientVersion": PLUGIN_VERSION}), format)?,
            None => format!("Plugin version: v{PLUGIN_VERSION}\n"),
        };
        return ctx.out.write(&text);
    }
    let client = ctx.client().await?;
    let info = client
        .apiserver_version()
        .await
        .context("cannot read the server version (GET /version)")?;
    let crds = discover_flink(&client).await?;
    let served = |plural: &str| crds.has(plural);
    if let Some(format) = &args.output {
        let doc = json!({
            "clientVersion": PLUGIN_VERSION,
            "serverVersion": info.git_version,
            "flinkResources": {
                "flinkdeployments": served("flinkdeployments"),
                "flinksessionjobs": served("flinksessionjobs"),
                "flinkstatesnapshots": served("flinkstatesnapshots"),
            },
        });
        return ctx.out.write(&object(&doc, format)?);
    }
    let yes_no = |b: bool| if b { "served" } else { "not served" };
    let mut text = format!(
        "Plugin version: v{PLUGIN_VERSION}\nServer version: {}\n",
        info.git_version
    );
    text.push_str(&format!(
        "FlinkDeployment CRD: {}\n",
        yes_no(served("flinkdeployments"))
    ));
    text.push_str(&format!(
        "FlinkSessionJob CRD: {}\n",
        yes_no(served("flinksessionjobs"))
    ));
    text.push_str(&format!(
        "FlinkStateSnapshot CRD: {}",
        yes_no(served("flinkstatesnapshots"))
    ));
    if !served("flinkstatesnapshots") {
        text.push_str(" (operator < 1.10 or CRD not installed: savepoints are tracked in the legacy status only)");
    }
    text.push('\n');
    ctx.out.write(&text)
}
