//! Warning: savepoints are scheduled or required (`upgradeMode: savepoint`, a periodic interval,
//! the deprecated trigger nonce) while no savepoint directory is configured for the resource
//! (for a session job: the session cluster's configuration overlaid by the job's).

use super::{
    context::SessionLookup,
    findings::Findings,
    view::{ResourceView, cluster_config},
};
use crate::config::{
    FlatConfig, effective_session_job_config,
    options::{PERIODIC_SAVEPOINT_INTERVAL, SAVEPOINT_DIR},
};
use crate::grammar::PeriodicInterval;

/// What makes the resource need a savepoint directory, if anything.
fn needs(resource: &ResourceView<'_>, effective: &FlatConfig) -> Vec<&'static str> {
    let mut reasons = Vec::new();
    if resource.upgrade_mode_savepoint() {
        reasons.push("upgradeMode: savepoint");
    }
    let periodic = effective
        .lookup(&PERIODIC_SAVEPOINT_INTERVAL)
        .map(|found| PeriodicInterval::parse(found.value));
    if matches!(
        periodic,
        Some(Ok(PeriodicInterval::Every(_) | PeriodicInterval::Cron(_)))
    ) {
        reasons.push("periodic savepoints");
    }
    if resource.has_savepoint_nonce() {
        reasons.push("savepointTriggerNonce");
    }
    reasons
}

fn warn_if_missing(resource: &ResourceView<'_>, effective: &FlatConfig, findings: &mut Findings) {
    let reasons = needs(resource, effective);
    if reasons.is_empty() || effective.lookup(&SAVEPOINT_DIR).is_some() {
        return;
    }
    findings.warn(format!(
        "{} uses {} but no savepoint directory ({}) is configured for it; the operator cannot take savepoints",
        resource.display,
        reasons.join(" and "),
        SAVEPOINT_DIR.key
    ));
}

/// FlinkDeployment: its own configuration.
pub fn check_deployment(resource: &ResourceView<'_>, findings: &mut Findings) {
    warn_if_missing(resource, &resource.config, findings);
}

/// FlinkSessionJob: the session cluster overlaid by the job (skipped when the cluster is not
/// known; [`super::review`] reports that separately).
pub fn check_session_job(
    job: &ResourceView<'_>,
    cluster: SessionLookup<'_>,
    findings: &mut Findings,
) {
    if let SessionLookup::Found(deployment) = cluster {
        let effective = effective_session_job_config(&cluster_config(deployment), &job.config);
        warn_if_missing(job, &effective, findings);
    }
}
