//! Mutation: add retention (and optionally schedule) defaults where neither the resource nor,
//! for a session job, its session cluster sets them under any spelling.
//!
//! Never changes a present value; writes flat string values (valid for both the old string-map
//! and the new free-form CRD schema); creates `spec.flinkConfiguration` first when it is absent;
//! reviewing the patched object again yields no patch.

use json_patch::{AddOperation, Patch, PatchOperation, jsonptr::PointerBuf};
use serde_json::{Value, json};

use super::{
    context::SessionLookup,
    decision::Decision,
    policy::Defaults,
    view::{RawConfig, ResourceView, cluster_config},
};
use crate::config::{
    ConfigOption, FlatConfig, effective_session_job_config,
    options::{HISTORY_MAX_AGE, HISTORY_MAX_COUNT, PERIODIC_SAVEPOINT_INTERVAL, SAVEPOINT_DIR},
};

/// Session-cluster layer for the defaults.
pub enum ClusterLayer {
    /// FlinkDeployment: nothing below the resource.
    None,
    /// FlinkSessionJob whose cluster is known.
    Session(FlatConfig),
}

/// The (option, value) pairs that would be added, in a stable order.
pub fn missing_defaults(
    resource: &FlatConfig,
    cluster: &ClusterLayer,
    defaults: &Defaults,
) -> Vec<(&'static str, String)> {
    let set_anywhere = |opt: &ConfigOption| {
        resource.lookup(opt).is_some()
            || matches!(cluster, ClusterLayer::Session(c) if c.lookup(opt).is_some())
    };
    let effective = match cluster {
        ClusterLayer::None => resource.clone(),
        ClusterLayer::Session(c) => effective_session_job_config(c, resource),
    };
    let mut out = Vec::new();
    for (option, value) in [
        (HISTORY_MAX_AGE, &defaults.history_max_age),
        (HISTORY_MAX_COUNT, &defaults.history_max_count),
        (PERIODIC_SAVEPOINT_INTERVAL, &defaults.periodic_interval),
    ] {
        let Some(value) = value else { continue };
        if set_anywhere(&option) {
            continue;
        }
        // The operator requires a savepoint directory as soon as the interval key exists.
        if option.key == PERIODIC_SAVEPOINT_INTERVAL.key
            && effective.lookup(&SAVEPOINT_DIR).is_none()
        {
            continue;
        }
        out.push((option.key, value.clone()));
    }
    out
}

fn add(tokens: &[&str], value: Value) -> PatchOperation {
    PatchOperation::Add(AddOperation {
        path: PointerBuf::from_tokens(tokens.iter().copied()),
        value,
    })
}

/// The JSON patch adding `entries` to `resource`'s `spec.flinkConfiguration`.
pub fn patch_for(resource: &ResourceView<'_>, entries: &[(&str, String)]) -> Option<Patch> {
    if entries.is_empty() || !resource.spec.is_object() {
        return None;
    }
    let mut ops = Vec::new();
    match resource.raw_config {
        RawConfig::Object(_) => {}
        RawConfig::Absent => ops.push(add(&["spec", "flinkConfiguration"], json!({}))),
        RawConfig::Invalid => return None,
    }
    for (key, value) in entries {
        ops.push(add(
            &["spec", "flinkConfiguration", key],
            Value::String(value.clone()),
        ));
    }
    Some(Patch(ops))
}

/// Mutating-phase decision for a FlinkDeployment (`cluster = None`) or a session job.
pub fn defaults(
    resource: &ResourceView<'_>,
    session_job: bool,
    cluster: SessionLookup<'_>,
    defaults: &Defaults,
) -> Decision {
    let layer = if session_job {
        match cluster {
            SessionLookup::Found(deployment) => ClusterLayer::Session(cluster_config(deployment)),
            SessionLookup::NotFound => {
                return warn_only(format!(
                    "{}: session cluster {} not found; savepoint retention defaults were not added",
                    resource.display,
                    resource.deployment_name().unwrap_or("<unset>")
                ));
            }
            SessionLookup::Unknown | SessionLookup::NotNeeded => {
                return warn_only(format!(
                    "{}: the session-cluster cache is not ready; savepoint retention defaults were not added \
                     (they must not shadow the session cluster's values)",
                    resource.display
                ));
            }
        }
    } else {
        ClusterLayer::None
    };
    let entries = missing_defaults(&resource.config, &layer, defaults);
    Decision::Allow {
        patch: patch_for(resource, &entries),
        warnings: Vec::new(),
    }
}

fn warn_only(message: String) -> Decision {
    Decision::Allow {
        patch: None,
        warnings: vec![message],
    }
}
