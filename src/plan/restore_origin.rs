//! `restore --from`: whose savepoint is it? Restoring one job from another job's savepoint is
//! almost always a mistake (wrong operator state, or a job that fails on its first checkpoint), so
//! it needs `--force`; a savepoint outside the target's savepoint directory only warns.

use serde_json::{Map, Value};

use crate::config::options::SAVEPOINT_DIR;
use crate::config::{Layered, flatten};
use crate::crd::{FlinkDeployment, FlinkSessionJob, FlinkStateSnapshot, TargetRef};
use crate::grammar::{is_under_dir, parse_fs_uri};
use crate::history::{SavepointEntry, savepoint_history};
use crate::location::normalize_location;

/// One job of the namespace, as the origin check sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct JobSavepoints {
    /// The job.
    pub job: TargetRef,
    /// Its effective savepoint directory ([`savepoint_dir_of`]).
    pub dir: Option<String>,
    /// Its savepoint history (status and FlinkStateSnapshots).
    pub history: Vec<SavepointEntry>,
}

/// The evidence that a savepoint belongs to another job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignSavepoint {
    /// The job it belongs to.
    pub owner: TargetRef,
    /// Why we think so, as a phrase (`FlinkStateSnapshot x references it`).
    pub evidence: String,
}

/// What the origin check found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OriginCheck {
    /// The savepoint belongs to another job: refuse without `--force`, warn with it.
    pub foreign: Option<ForeignSavepoint>,
    /// The target's savepoint directory, when the path is not under it: a warning.
    pub outside_dir: Option<String>,
}

/// The effective savepoint directory of a resource with raw `flinkConfiguration` `own`, over
/// its session cluster's `cluster` (session jobs), as the operator resolves it (canonical key
/// first, the resource before the cluster). Blank values count as unset.
pub fn savepoint_dir_of(
    own: Option<&Map<String, Value>>,
    cluster: Option<&Map<String, Value>>,
) -> Option<String> {
    let own = own.map(flatten).unwrap_or_default();
    let cluster = cluster.map(flatten);
    Layered::of(&own, cluster.as_ref())
        .resolve_explicit(&SAVEPOINT_DIR)
        .map(|r| r.value.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// Every job of a namespace (applications, not session clusters, and session jobs) with its
/// savepoint directory and history, from the namespace's objects.
pub fn namespace_jobs(
    deployments: &[FlinkDeployment],
    session_jobs: &[FlinkSessionJob],
    snapshots: &[FlinkStateSnapshot],
) -> Vec<JobSavepoints> {
    let applications = deployments
        .iter()
        .filter(|d| !d.is_session_cluster())
        .map(|d| JobSavepoints {
            job: d.target_ref(),
            dir: savepoint_dir_of(d.flink_configuration(), None),
            history: savepoint_history(d, snapshots),
        });
    let jobs = session_jobs.iter().map(|j| {
        let cluster = deployments.iter().find(|d| {
            d.metadata.name.as_deref() == j.deployment_name() && j.deployment_name().is_some()
        });
        JobSavepoints {
            job: j.target_ref(),
            dir: savepoint_dir_of(
                j.flink_configuration(),
                cluster.and_then(FlinkDeployment::flink_configuration),
            ),
            history: savepoint_history(j, snapshots),
        }
    });
    applications.chain(jobs).collect()
}

/// Decides whether `path`, the savepoint `restore --from` resolved for `target`, belongs to
/// another job.
///
/// * `named`: the FlinkStateSnapshot `--from` named, when it is not in the target's history,
///   with the job its `jobReference` names: another job ⇒ foreign.
/// * Otherwise a location recorded in another job's history (and not in the target's) ⇒ foreign.
/// * A location recorded nowhere that lies under another job's savepoint directory which is more
///   specific than any directory of the target containing it ⇒ foreign (a shared directory proves
///   nothing).
///
/// `jobs` are the jobs of the namespace (the target's own entry gives its history and directory).
/// Independently, a path that is not under the target's own savepoint directory sets
/// [`OriginCheck::outside_dir`].
pub fn check_origin(
    target: &TargetRef,
    path: &str,
    named: Option<(&str, &TargetRef)>,
    jobs: &[JobSavepoints],
) -> OriginCheck {
    let own = jobs.iter().find(|j| j.job.same_resource(target));
    let own_dir = own.and_then(|j| j.dir.as_deref());
    let outside_dir = own_dir
        .filter(|dir| is_under_dir(path, dir) != Some(true))
        .map(str::to_owned);
    OriginCheck {
        foreign: foreign(target, path, named, jobs, own_dir),
        outside_dir,
    }
}

fn foreign(
    target: &TargetRef,
    path: &str,
    named: Option<(&str, &TargetRef)>,
    jobs: &[JobSavepoints],
    own_dir: Option<&str>,
) -> Option<ForeignSavepoint> {
    if let Some((name, owner)) = named {
        return (!owner.same_resource(target)).then(|| ForeignSavepoint {
            owner: owner.clone(),
            evidence: format!("FlinkStateSnapshot {name} references {owner}"),
        });
    }
    let wanted = normalize_location(path);
    fn recorded<'j>(j: &'j JobSavepoints, wanted: &str) -> Option<&'j SavepointEntry> {
        j.history.iter().find(|e| {
            e.location
                .as_deref()
                .is_some_and(|l| normalize_location(l) == wanted)
        })
    }
    let mut recorded_elsewhere = None;
    for job in jobs {
        if let Some(entry) = recorded(job, &wanted) {
            if job.job.same_resource(target) {
                return None;
            }
            recorded_elsewhere.get_or_insert((job, entry));
        }
    }
    if let Some((job, entry)) = recorded_elsewhere {
        return Some(ForeignSavepoint {
            owner: job.job.clone(),
            evidence: format!(
                "recorded in the savepoint history of {} as {}",
                job.job, entry.id
            ),
        });
    }
    let depth = |dir: &str| parse_fs_uri(dir).map(|u| u.segments.len()).unwrap_or(0);
    let own_depth = own_dir
        .filter(|d| is_under_dir(path, d) == Some(true))
        .map(depth);
    jobs.iter()
        .filter(|j| !j.job.same_resource(target))
        .filter_map(|j| j.dir.as_deref().map(|d| (j, d)))
        .filter(|(_, d)| is_under_dir(path, d) == Some(true))
        .filter(|(_, d)| own_depth.is_none_or(|own| depth(d) > own))
        .max_by_key(|(_, d)| depth(d))
        .map(|(j, d)| ForeignSavepoint {
            owner: j.job.clone(),
            evidence: format!("it lies under {d}, the savepoint directory of {}", j.job),
        })
}

#[cfg(test)]
#[path = "restore_origin_tests.rs"]
mod tests;
