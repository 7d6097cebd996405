//! Rule: a FlinkSessionJob must not set the savepoint directory (any spelling, flat, nested or
//! mixed); savepoints of session jobs belong in the session cluster's directory.

use super::{
    context::SessionLookup,
    findings::Findings,
    view::{ResourceView, cluster_config},
};
use crate::config::options::SAVEPOINT_DIR;

/// Checks `job` (and, for UPDATE, `old`): an unchanged pre-existing override is only warned
/// about, so that old jobs can still be suspended, updated or deleted.
pub fn check(
    job: &ResourceView<'_>,
    old: Option<&ResourceView<'_>>,
    cluster: SessionLookup<'_>,
    findings: &mut Findings,
) {
    let cluster_name = job
        .deployment_name()
        .unwrap_or("<spec.deploymentName unset>");
    let cluster_dir = match cluster {
        SessionLookup::Found(deployment) => cluster_config(deployment)
            .lookup(&SAVEPOINT_DIR)
            .map(|found| format!(" (currently \"{}\")", found.value)),
        _ => None,
    }
    .unwrap_or_default();
    for (key, value) in job.config.find_all_spellings(&SAVEPOINT_DIR) {
        let unchanged = old.is_some_and(|old| old.config.get(key) == Some(value));
        if unchanged {
            findings.warn(format!(
                "{} keeps spec.flinkConfiguration key {key} = \"{value}\", which overrides the savepoint \
                 directory of session cluster {cluster_name}; it is tolerated only because it is unchanged — remove it",
                job.display
            ));
        } else {
            findings.forbid(format!(
                "{} must not set the savepoint directory: spec.flinkConfiguration key {key} = \"{value}\" \
                 overrides it; session jobs write savepoints to the directory configured on session cluster \
                 {cluster_name}{cluster_dir}. Remove {key}",
                job.display
            ));
        }
    }
}
