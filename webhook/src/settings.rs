//! Builds the admission [`Policy`] from the optional YAML file and the flag overrides.

use std::path::Path;

use anyhow::{Context, Result};
use flink_savepoint::admission::Policy;

use crate::Args;

/// Reads `--config` (if any) and applies the flag overrides on top.
pub fn load_policy(args: &Args) -> Result<Policy> {
    let mut policy = match &args.config {
        Some(path) => read_policy_file(path)?,
        None => Policy::default(),
    };
    if let Some(mode) = args.enforcement {
        policy.enforcement = mode.into();
    }
    if let Some(direction) = args.fail_safe {
        policy.fail_safe = direction.into();
    }
    if let Some(key) = &args.opt_out_key {
        policy.opt_out.key.clone_from(key);
    }
    override_default(
        &mut policy.defaults.history_max_age,
        &args.default_history_max_age,
    );
    override_default(
        &mut policy.defaults.history_max_count,
        &args.default_history_max_count,
    );
    override_default(
        &mut policy.defaults.periodic_interval,
        &args.default_periodic_interval,
    );
    flink_savepoint::admission::check_policy(&policy).context("invalid policy")?;
    Ok(policy)
}

/// An empty flag value disables the default; any other value replaces it.
fn override_default(slot: &mut Option<String>, flag: &Option<String>) {
    if let Some(value) = flag {
        *slot = (!value.trim().is_empty()).then(|| value.trim().to_owned());
    }
}

fn read_policy_file(path: &Path) -> Result<Policy> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading policy file {}", path.display()))?;
    if text.trim().is_empty() {
        return Ok(Policy::default());
    }
    serde_yaml_ng::from_str(&text)
        .with_context(|| format!("parsing policy file {} as YAML", path.display()))
}
