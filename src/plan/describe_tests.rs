use serde_json::json;

use super::*;
use crate::config::FlatConfig;
use crate::crd::FlinkStateSnapshot;
use crate::crd::{JobKind, SnapshotTriggerType, TargetRef};
use crate::history::{EntrySource, EntryState};
use crate::plan::describe_snapshot::describe_snapshot;
use crate::plan::describe_text::{render_snapshot, render_target};
use crate::plan::settings::SettingSource;

fn entry(id: &str, state: EntryState, ms: i64, location: Option<&str>) -> SavepointEntry {
    let target = TargetRef::new(JobKind::FlinkDeployment, Some("flink".into()), "orders");
    let mut e = SavepointEntry::new(
        target,
        id,
        EntrySource::Snapshot,
        SnapshotTriggerType::Periodic,
        state,
    );
    e.triggered = crate::time::from_epoch_ms(ms);
    e.location = location.map(str::to_owned);
    e
}

fn facts<'a>(conf: &'a FlatConfig, history: &'a [SavepointEntry], crd: bool) -> TargetFacts<'a> {
    TargetFacts {
        target: "app/orders".into(),
        namespace: "flink".into(),
        session_cluster: None,
        job_state: Some("RUNNING".into()),
        lifecycle_state: Some("STABLE".into()),
        upgrade_mode: Some("savepoint".into()),
        layers: Layered::standalone(conf),
        crd_served: crd,
        history: Some(history),
        events: vec![EventView {
            type_: "Warning".into(),
            reason: "SavepointError".into(),
            message: "boom".into(),
            count: 2,
            last_seen: Some("2025-01-02T03:04:05Z".into()),
            source: None,
        }],
    }
}

#[test]
fn target_description_has_dir_source_mode_history_and_events() {
    let conf: FlatConfig = [
        ("state.savepoints.dir", "s3://b/sp"),
        ("kubernetes.operator.periodic.savepoint.interval", "6h"),
    ]
    .into_iter()
    .collect();
    let history = vec![
        entry("new-failed", EntryState::Failed, 3_000, None),
        entry("good", EntryState::Completed, 2_000, Some("s3://b/sp/1")),
    ];
    let d = describe_target(facts(&conf, &history, true));
    assert_eq!(d.settings.savepoint_dir.key, "state.savepoints.dir");
    assert_eq!(d.settings.savepoint_dir.source, SettingSource::Resource);
    assert_eq!(d.operator_mode.mode, "snapshot-resources");
    let h = d.history.as_ref().unwrap();
    assert_eq!(h.total, 2);
    assert_eq!(h.by_state["FAILED"], 1);
    assert_eq!(h.latest_completed.as_ref().unwrap().id, "good");
    let text = render_target(&d);
    assert!(
        text.contains(
            "s3://b/sp   (savepoint target directory; from resource as state.savepoints.dir)"
        ),
        "{text}"
    );
    assert!(text.contains("every 6 h"), "{text}");
    assert!(text.contains("SavepointError"), "{text}");
    let json = serde_json::to_value(&d).unwrap();
    assert_eq!(json["operatorMode"]["mode"], "snapshot-resources");
    assert_eq!(json["events"][0]["type"], "Warning");
}

#[test]
fn operator_mode_is_legacy_without_crd_or_when_disabled() {
    let conf: FlatConfig = [("kubernetes.operator.snapshot.resource.enabled", "false")]
        .into_iter()
        .collect();
    let d = describe_target(facts(&conf, &[], true));
    assert_eq!(d.operator_mode.mode, "legacy-status");
    assert!(
        d.operator_mode.reason.contains("is false (resource)"),
        "{}",
        d.operator_mode.reason
    );
    let empty = FlatConfig::new();
    let d = describe_target(facts(&empty, &[], false));
    assert_eq!(d.operator_mode.mode, "legacy-status");
    assert!(d.operator_mode.reason.contains("not served"));
}

#[test]
fn snapshot_description_reports_status_fields_and_disposal() {
    let snapshot: FlinkStateSnapshot = serde_json::from_value(json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkStateSnapshot",
        "metadata": {"name": "orders-savepoint-periodic-1735787045678", "namespace": "flink",
                     "labels": {"snapshot.trigger-type": "PERIODIC"}},
        "spec": {"backoffLimit": -1, "jobReference": {"kind": "FlinkDeployment", "name": "orders"},
                 "savepoint": {"path": "s3://b/sp", "formatType": "CANONICAL", "disposeOnDelete": false}},
        "status": {"state": "FAILED", "failures": 2, "error": "disk full",
                   "triggerTimestamp": "2025-01-02T03:04:05.678Z"}
    }))
    .unwrap();
    let d = describe_snapshot(&snapshot, Some(false), vec![]);
    assert_eq!(d.job.as_deref(), Some("app/orders"));
    assert_eq!(d.trigger_type, "PERIODIC");
    assert_eq!(d.state, "FAILED");
    assert_eq!(d.failures, Some(2));
    assert!(!d.dispose_on_delete);
    let text = render_snapshot(&d);
    assert!(text.contains("disk full"), "{text}");
    assert!(text.contains("keeps the savepoint data"), "{text}");
}
