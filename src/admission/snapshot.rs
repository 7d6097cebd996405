//! Rule: a FlinkStateSnapshot for a FlinkSessionJob must not redirect the savepoint with
//! `spec.savepoint.path` (the same override by another door). The operator's own snapshot
//! objects carry exactly the session cluster's directory and pass; `alreadyExists: true`
//! registrations of existing savepoints are allowed.

use super::{context::SessionLookup, findings::Findings, policy::FailSafe, view::cluster_config};
use crate::config::options::SAVEPOINT_DIR;
use crate::location::same_location;
use serde_json::Value;

/// Checks a CREATE of the snapshot `display` with raw `spec`.
pub fn check(
    display: &dyn std::fmt::Display,
    spec: &Value,
    cluster: SessionLookup<'_>,
    fail_safe: FailSafe,
    findings: &mut Findings,
) {
    let reference = &spec["jobReference"];
    if reference["kind"].as_str() != Some("FlinkSessionJob") {
        return;
    }
    let savepoint = &spec["savepoint"];
    if savepoint["alreadyExists"].as_bool() == Some(true) {
        return;
    }
    let Some(path) = savepoint["path"].as_str().filter(|p| !p.trim().is_empty()) else {
        return;
    };
    let job = reference["name"].as_str().unwrap_or("<unnamed>");
    match cluster {
        SessionLookup::Found(deployment) => {
            let config = cluster_config(deployment);
            let cluster_name = deployment.metadata.name.as_deref().unwrap_or("<unnamed>");
            let dir = config.lookup(&SAVEPOINT_DIR).map(|found| found.value);
            if dir.is_some_and(|dir| same_location(dir, path)) {
                return;
            }
            let expected = match dir {
                Some(dir) => format!("\"{dir}\""),
                None => "none is configured".to_owned(),
            };
            findings.forbid(format!(
                "{display} sets spec.savepoint.path = \"{path}\", but savepoints of session job {job} belong \
                 in the savepoint directory of session cluster {cluster_name} ({expected}); omit spec.savepoint.path"
            ));
        }
        SessionLookup::NotFound => findings.warn(format!(
            "{display}: session job {job} or its session cluster does not exist; spec.savepoint.path was not checked"
        )),
        SessionLookup::Unknown | SessionLookup::NotNeeded => match fail_safe {
            FailSafe::Allow => findings.warn(format!(
                "{display}: the session-cluster cache is not ready, so spec.savepoint.path = \"{path}\" was not \
                 checked (fail-safe: allow)"
            )),
            FailSafe::Deny => findings.forbid(format!(
                "{display}: the session-cluster cache is not ready, so spec.savepoint.path = \"{path}\" cannot be \
                 checked against session job {job}'s savepoint directory (fail-safe: deny); retry shortly"
            )),
        },
    }
}
