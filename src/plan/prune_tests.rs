use super::*;

const DAY: i64 = 86_400_000;
const NOW: i64 = 100 * DAY;

fn item(name: &str, state: &str, age_days: i64) -> SnapshotItem {
    SnapshotItem {
        name: name.into(),
        uid: Some(format!("uid-{name}")),
        resource_version: Some("1".into()),
        state: state.into(),
        completed: state == "COMPLETED",
        active: matches!(state, "TRIGGER_PENDING" | "IN_PROGRESS"),
        time: crate::time::from_epoch_ms(NOW - age_days * DAY),
        location: (state == "COMPLETED").then(|| format!("s3://b/{name}")),
        dispose_on_delete: true,
    }
}

fn now() -> Timestamp {
    crate::time::from_epoch_ms(NOW).unwrap()
}

fn deleted(plan: &PrunePlan) -> Vec<&str> {
    plan.to_delete().map(|d| d.item.name.as_str()).collect()
}

fn items() -> Vec<SnapshotItem> {
    vec![
        item("c1", "COMPLETED", 10),
        item("c4", "COMPLETED", 1),
        item("f3", "FAILED", 2),
        item("c3", "COMPLETED", 3),
        item("p0", "IN_PROGRESS", 0),
        item("c2", "COMPLETED", 5),
        item("a9", "ABANDONED", 20),
    ]
}

#[test]
fn keep_n_keeps_the_newest_completed_and_removes_failed_ones() {
    let criteria = PruneCriteria {
        keep: Some(2),
        ..Default::default()
    };
    let plan = plan_prune(items(), &criteria, now(), "app/x").unwrap();
    assert_eq!(deleted(&plan), ["f3", "c2", "c1", "a9"]);
    // Newest first, the in-progress one is kept.
    assert_eq!(plan.decisions[0].item.name, "p0");
    assert!(!plan.decisions[0].delete);
}

#[test]
fn older_than_only_removes_old_snapshots() {
    let criteria = PruneCriteria {
        keep: Some(1),
        older_than: Some(Duration::from_secs(4 * 86_400)),
        include_latest: false,
    };
    let plan = plan_prune(items(), &criteria, now(), "app/x").unwrap();
    assert_eq!(deleted(&plan), ["c2", "c1", "a9"]);
}

#[test]
fn prune_that_would_remove_the_newest_completed_is_refused() {
    let criteria = PruneCriteria {
        keep: Some(0),
        ..Default::default()
    };
    let err = plan_prune(items(), &criteria, now(), "app/x").unwrap_err();
    assert_eq!(
        err,
        PruneError::WouldDeleteLatest {
            name: "c4".into(),
            target: "app/x".into()
        }
    );
    let criteria = PruneCriteria {
        older_than: Some(Duration::from_secs(3600)),
        ..Default::default()
    };
    assert!(plan_prune(items(), &criteria, now(), "app/x").is_err());
}

#[test]
fn include_latest_allows_removing_everything_but_active_ones() {
    let criteria = PruneCriteria {
        keep: Some(0),
        older_than: None,
        include_latest: true,
    };
    let plan = plan_prune(items(), &criteria, now(), "app/x").unwrap();
    assert_eq!(deleted(&plan).len(), 6);
    assert!(!deleted(&plan).contains(&"p0"));
}

#[test]
fn no_criteria_is_refused_and_unknown_age_is_kept() {
    assert_eq!(
        plan_prune(items(), &PruneCriteria::default(), now(), "app/x"),
        Err(PruneError::NoCriteria)
    );
    let mut list = vec![item("c4", "COMPLETED", 1), item("old", "COMPLETED", 9)];
    list[1].time = None;
    let criteria = PruneCriteria {
        keep: Some(1),
        older_than: Some(Duration::from_secs(1)),
        include_latest: false,
    };
    let plan = plan_prune(list, &criteria, now(), "app/x").unwrap();
    assert!(deleted(&plan).is_empty());
    assert_eq!(plan.decisions[1].reason, "age unknown");
}

#[test]
fn dispose_on_delete_defaults_to_true_when_absent() {
    let snapshot: FlinkStateSnapshot = serde_json::from_value(serde_json::json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkStateSnapshot",
        "metadata": {"name": "s", "namespace": "n", "uid": "u"},
        "spec": {"jobReference": {"kind": "FlinkDeployment", "name": "x"}, "savepoint": {}},
        "status": {"state": "COMPLETED", "path": "s3://b/s", "triggerTimestamp": "2025-01-02T03:04:05Z"}
    }))
    .unwrap();
    let item = SnapshotItem::from_snapshot(&snapshot);
    assert!(item.dispose_on_delete);
    assert!(item.completed);
    assert_eq!(item.location.as_deref(), Some("s3://b/s"));
    let mut explicit = snapshot.clone();
    explicit.spec.savepoint.as_mut().unwrap().dispose_on_delete = Some(false);
    assert!(!SnapshotItem::from_snapshot(&explicit).dispose_on_delete);
}
