use super::*;
use crate::crd::{JobKind, SnapshotTriggerType};
use crate::history::{EntrySource, EntryState};
use serde_json::json;

fn job(kind: JobKind, name: &str, dir: Option<&str>, locations: &[&str]) -> JobSavepoints {
    let job = TargetRef::new(kind, Some("ns".into()), name);
    let history = locations
        .iter()
        .enumerate()
        .map(|(i, loc)| {
            let mut e = SavepointEntry::new(
                job.clone(),
                format!("legacy-{i}"),
                EntrySource::Legacy,
                SnapshotTriggerType::Manual,
                EntryState::Completed,
            );
            e.location = Some((*loc).to_owned());
            e
        })
        .collect();
    JobSavepoints {
        job,
        dir: dir.map(str::to_owned),
        history,
    }
}

fn orders() -> TargetRef {
    TargetRef::new(JobKind::FlinkDeployment, Some("ns".into()), "orders")
}

fn jobs() -> Vec<JobSavepoints> {
    vec![
        job(
            JobKind::FlinkDeployment,
            "orders",
            Some("s3://b/sp/orders"),
            &["s3://b/sp/orders/sp-1"],
        ),
        job(
            JobKind::FlinkDeployment,
            "billing",
            Some("s3://b/sp/billing"),
            &["s3://b/sp/billing/sp-9"],
        ),
        // Same name, other kind: a different job.
        job(
            JobKind::FlinkSessionJob,
            "orders",
            Some("s3://b/shared"),
            &["s3://b/shared/sp-3"],
        ),
    ]
}

#[test]
fn a_snapshot_named_for_another_job_is_foreign() {
    let billing = TargetRef::new(JobKind::FlinkDeployment, Some("ns".into()), "billing");
    let check = check_origin(
        &orders(),
        "s3://b/sp/billing/x",
        Some(("billing-sp", &billing)),
        &jobs(),
    );
    let foreign = check.foreign.unwrap();
    assert_eq!(foreign.owner, billing);
    assert!(
        foreign.evidence.contains("FlinkStateSnapshot billing-sp"),
        "{}",
        foreign.evidence
    );
    let check = check_origin(
        &orders(),
        "s3://b/sp/orders/x",
        Some(("orders-sp", &orders())),
        &jobs(),
    );
    assert_eq!(check, OriginCheck::default());
}

#[test]
fn a_path_recorded_in_another_jobs_history_is_foreign_and_in_its_own_is_not() {
    let check = check_origin(&orders(), "s3://b/sp/billing/sp-9/", None, &jobs());
    let foreign = check.foreign.unwrap();
    assert_eq!(foreign.owner.name, "billing");
    assert!(
        foreign.evidence.contains("legacy-0"),
        "{}",
        foreign.evidence
    );
    assert_eq!(check.outside_dir.as_deref(), Some("s3://b/sp/orders"));
    // Kind matters: the session job "orders" is another job.
    let check = check_origin(&orders(), "s3://b/shared/sp-3", None, &jobs());
    assert_eq!(check.foreign.unwrap().owner.kind, JobKind::FlinkSessionJob);
    // Recorded for the target itself (also recorded elsewhere): not foreign.
    let mut all = jobs();
    let billing_history = all[1].history.clone();
    all[0]
        .history
        .extend(billing_history.into_iter().map(|mut e| {
            e.target = orders();
            e
        }));
    assert_eq!(
        check_origin(&orders(), "s3://b/sp/billing/sp-9", None, &all).foreign,
        None
    );
}

#[test]
fn an_unrecorded_path_under_a_more_specific_directory_of_another_job_is_foreign() {
    let check = check_origin(&orders(), "s3://b/sp/billing/savepoint-77", None, &jobs());
    let foreign = check.foreign.unwrap();
    assert_eq!(foreign.owner.name, "billing");
    assert!(
        foreign.evidence.contains("s3://b/sp/billing"),
        "{}",
        foreign.evidence
    );
    // A directory shared by every job proves nothing.
    let shared = vec![
        job(JobKind::FlinkDeployment, "orders", Some("s3://b/sp"), &[]),
        job(JobKind::FlinkDeployment, "billing", Some("s3://b/sp"), &[]),
    ];
    let check = check_origin(&orders(), "s3://b/sp/savepoint-1", None, &shared);
    assert_eq!(check, OriginCheck::default());
    // The target's own directory being the more specific one: its own.
    let nested = vec![
        job(
            JobKind::FlinkDeployment,
            "orders",
            Some("s3://b/sp/orders"),
            &[],
        ),
        job(JobKind::FlinkDeployment, "billing", Some("s3://b/sp"), &[]),
    ];
    assert_eq!(
        check_origin(&orders(), "s3://b/sp/orders/s-1", None, &nested),
        OriginCheck::default()
    );
}

#[test]
fn a_path_outside_the_targets_directory_only_warns() {
    let check = check_origin(&orders(), "s3://elsewhere/sp-7", None, &jobs());
    assert_eq!(check.foreign, None);
    assert_eq!(check.outside_dir.as_deref(), Some("s3://b/sp/orders"));
    // file:/x and file:///x are the same place.
    let local = vec![job(
        JobKind::FlinkDeployment,
        "orders",
        Some("file:///data/sp"),
        &[],
    )];
    assert_eq!(
        check_origin(&orders(), "file:/data/sp/savepoint-1", None, &local),
        OriginCheck::default()
    );
    // Without a directory there is nothing to compare with.
    let bare = vec![job(JobKind::FlinkDeployment, "orders", None, &[])];
    assert_eq!(
        check_origin(&orders(), "s3://x/y", None, &bare),
        OriginCheck::default()
    );
}

#[test]
fn the_directory_is_the_resources_own_else_its_session_clusters() {
    let own = json!({"state": {"savepoints.dir": "s3://job"}});
    let cluster = json!({"execution.checkpointing.savepoint-dir": "s3://cluster"});
    let (own, cluster) = (own.as_object().unwrap(), cluster.as_object().unwrap());
    assert_eq!(
        savepoint_dir_of(Some(own), None).as_deref(),
        Some("s3://job")
    );
    // The canonical key wins over a deprecated one, wherever it is set.
    assert_eq!(
        savepoint_dir_of(Some(own), Some(cluster)).as_deref(),
        Some("s3://cluster")
    );
    assert_eq!(
        savepoint_dir_of(None, Some(cluster)).as_deref(),
        Some("s3://cluster")
    );
    let blank = json!({"state.savepoints.dir": " "});
    assert_eq!(savepoint_dir_of(blank.as_object(), None), None);
}
