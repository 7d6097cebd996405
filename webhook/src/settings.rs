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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;
    use flink_savepoint::admission::{EnforcementMode, FailSafe};

    fn args(extra: &[&str]) -> Args {
        let mut argv = vec!["savepoint-webhook", "--tls-cert", "c", "--tls-key", "k"];
        argv.extend(extra);
        Args::try_parse_from(argv).expect("args")
    }

    #[test]
    fn file_values_apply_and_flags_override_them() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("policy.yaml");
        std::fs::write(
            &path,
            "enforcement: warn\nfail-safe: deny\ndefaults:\n  history-max-age: 2 d\n  periodic-interval: 6 h\n",
        )
        .expect("write");
        let path = path.to_str().expect("utf-8");
        let from_file = load_policy(&args(&["--config", path])).expect("policy");
        assert_eq!(from_file.enforcement, EnforcementMode::Warn);
        assert_eq!(from_file.fail_safe, FailSafe::Deny);
        assert_eq!(from_file.defaults.history_max_age.as_deref(), Some("2 d"));
        assert_eq!(from_file.defaults.history_max_count.as_deref(), Some("5"));
        let overridden = load_policy(&args(&[
            "--config",
            path,
            "--enforcement",
            "deny",
            "--default-periodic-interval",
            "",
            "--opt-out-key",
            "example.org/skip",
        ]))
        .expect("policy");
        assert_eq!(overridden.enforcement, EnforcementMode::Deny);
        assert_eq!(overridden.defaults.periodic_interval, None);
        assert_eq!(overridden.opt_out.key, "example.org/skip");
    }

    #[test]
    fn unreadable_or_invalid_files_are_errors_naming_the_file() {
        let missing = load_policy(&args(&["--config", "/nonexistent/policy.yaml"]));
        assert!(
            format!("{:#}", missing.expect_err("missing")).contains("/nonexistent/policy.yaml")
        );
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("bad.yaml");
        std::fs::write(&path, "enforcement: sometimes\n").expect("write");
        let bad = load_policy(&args(&["--config", path.to_str().expect("utf-8")]));
        assert!(format!("{:#}", bad.expect_err("bad")).contains("parsing policy file"));
    }
}
