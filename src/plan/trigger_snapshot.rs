//! FlinkStateSnapshot objects created by the plugin (`trigger --method snapshot`).
//!
//! Names are `<job>-sp-<epoch ms>`: time-sortable, and distinct from the operator's own
//! `<job>-savepoint-manual-<epoch ms>` (which the operator creates when a nonce changes), so
//! `list`/`wait` can tell who requested a savepoint. Both patterns are parsed here.

use std::collections::BTreeMap;

use kube::core::ObjectMeta;

use crate::crd::{
    FlinkStateSnapshot, FlinkStateSnapshotSpec, JobReference, LABEL_JOB_REF_KIND,
    LABEL_JOB_REF_NAME, LABEL_SNAPSHOT_TYPE, LABEL_TRIGGER_TYPE, SavepointFormatType,
    SavepointSpec, SnapshotTriggerType, SnapshotType, TargetRef, parse_operator_snapshot_name,
};

/// Label marking objects created by the plugin.
pub const LABEL_CREATED_BY: &str = "app.kubernetes.io/created-by";
/// Value of [`LABEL_CREATED_BY`].
pub const CREATED_BY: &str = "kubectl-savepoint";

/// Infix of plugin-created snapshot names.
const INFIX: &str = "-sp-";
use crate::crd::MAX_NAME_LEN as MAX_NAME;
/// Longest label value.
const MAX_LABEL_VALUE: usize = 63;

/// What the user chose for the snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotOptions {
    /// `spec.savepoint.formatType`.
    pub format: SavepointFormatType,
    /// `spec.savepoint.disposeOnDelete` (always written explicitly).
    pub dispose_on_delete: bool,
    /// `spec.backoffLimit` (always written explicitly: the implicit `-1` meant "never retry" up
    /// to operator 1.15 and "retry forever" after).
    pub backoff_limit: i64,
}

impl Default for SnapshotOptions {
    fn default() -> Self {
        SnapshotOptions {
            format: SavepointFormatType::Canonical,
            dispose_on_delete: true,
            backoff_limit: 3,
        }
    }
}

/// `<job>-sp-<epoch ms>`, with the job part shortened if the name would exceed 253 characters.
pub fn plugin_snapshot_name(job_name: &str, epoch_ms: i64) -> String {
    let suffix = format!("{INFIX}{epoch_ms}");
    let room = MAX_NAME.saturating_sub(suffix.len());
    let mut base: String = job_name.chars().take(room).collect();
    while base.ends_with(['-', '.']) {
        base.pop();
    }
    format!("{base}{suffix}")
}

/// Parses `<job>-sp-<epoch ms>` into `(job, epoch ms)`.
pub fn parse_plugin_snapshot_name(name: &str) -> Option<(&str, i64)> {
    let (rest, ms) = name.rsplit_once('-')?;
    if ms.is_empty() || !ms.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let job = rest.strip_suffix("-sp")?;
    (!job.is_empty()).then_some(())?;
    Some((job, ms.parse().ok()?))
}

/// The epoch ms encoded in a snapshot name (plugin or operator pattern).
pub fn name_epoch_ms(name: &str) -> Option<i64> {
    parse_plugin_snapshot_name(name)
        .map(|(_, ms)| ms)
        .or_else(|| parse_operator_snapshot_name(name).map(|n| n.epoch_ms))
}

/// Builds the FlinkStateSnapshot for a manual savepoint of `target`, in its namespace.
///
/// `spec.savepoint.path` is left unset so the job's configured directory is used (per-job
/// directories are the cluster administrator's business). The operator's labels are set up
/// front so label selectors find the object before the operator's first reconcile.
pub fn build_snapshot(
    target: &TargetRef,
    options: &SnapshotOptions,
    epoch_ms: i64,
) -> FlinkStateSnapshot {
    let mut labels = BTreeMap::new();
    labels.insert(
        LABEL_SNAPSHOT_TYPE.to_owned(),
        SnapshotType::Savepoint.as_str().to_owned(),
    );
    labels.insert(
        LABEL_TRIGGER_TYPE.to_owned(),
        SnapshotTriggerType::Manual.as_str().to_owned(),
    );
    labels.insert(
        LABEL_JOB_REF_KIND.to_owned(),
        target.kind.as_str().to_owned(),
    );
    if target.name.len() <= MAX_LABEL_VALUE {
        labels.insert(LABEL_JOB_REF_NAME.to_owned(), target.name.clone());
    }
    labels.insert(LABEL_CREATED_BY.to_owned(), CREATED_BY.to_owned());
    FlinkStateSnapshot {
        metadata: ObjectMeta {
            name: Some(plugin_snapshot_name(&target.name, epoch_ms)),
            namespace: target.namespace.clone(),
            labels: Some(labels),
            ..ObjectMeta::default()
        },
        spec: FlinkStateSnapshotSpec {
            job_reference: Some(JobReference {
                kind: Some(target.kind.clone()),
                name: Some(target.name.clone()),
                ..JobReference::default()
            }),
            savepoint: Some(SavepointSpec {
                format_type: Some(options.format.clone()),
                dispose_on_delete: Some(options.dispose_on_delete),
                already_exists: Some(false),
                ..SavepointSpec::default()
            }),
            backoff_limit: Some(options.backoff_limit),
            ..FlinkStateSnapshotSpec::default()
        },
        status: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crd::JobKind;

    fn target() -> TargetRef {
        TargetRef::new(JobKind::FlinkSessionJob, Some("flink".into()), "orders")
    }

    #[test]
    fn name_is_time_sortable_and_distinct_from_operator_names() {
        let name = plugin_snapshot_name("orders", 1_735_787_045_678);
        assert_eq!(name, "orders-sp-1735787045678");
        assert!(parse_operator_snapshot_name(&name).is_none());
        assert_eq!(
            parse_plugin_snapshot_name(&name),
            Some(("orders", 1_735_787_045_678))
        );
        assert!(parse_plugin_snapshot_name("orders-savepoint-manual-5").is_none());
        assert_eq!(name_epoch_ms("orders-savepoint-manual-5"), Some(5));
    }

    #[test]
    fn long_job_names_are_shortened_to_a_valid_object_name() {
        let long = "a".repeat(300);
        let name = plugin_snapshot_name(&long, 1);
        assert_eq!(name.len(), MAX_NAME.min(300 + 5));
        assert!(name.ends_with("-sp-1"));
    }

    #[test]
    fn snapshot_has_explicit_retry_disposal_and_operator_labels() {
        let snapshot = build_snapshot(&target(), &SnapshotOptions::default(), 42);
        let value = serde_json::to_value(&snapshot).unwrap();
        assert_eq!(value["metadata"]["name"], "orders-sp-42");
        assert_eq!(value["metadata"]["namespace"], "flink");
        assert_eq!(value["spec"]["backoffLimit"], 3);
        assert_eq!(value["spec"]["savepoint"]["disposeOnDelete"], true);
        assert_eq!(value["spec"]["savepoint"]["formatType"], "CANONICAL");
        assert_eq!(value["spec"]["jobReference"]["kind"], "FlinkSessionJob");
        assert_eq!(value["spec"]["jobReference"]["name"], "orders");
        let labels = &value["metadata"]["labels"];
        assert_eq!(labels["snapshot.trigger-type"], "MANUAL");
        assert_eq!(labels["snapshot.type"], "SAVEPOINT");
        assert_eq!(labels["job-reference.kind"], "FlinkSessionJob");
        assert_eq!(labels["job-reference.name"], "orders");
        assert!(value["spec"]["savepoint"].get("path").is_none());
    }

    #[test]
    fn job_reference_name_label_is_omitted_when_too_long_for_a_label() {
        let t = TargetRef::new(JobKind::FlinkDeployment, None, "x".repeat(64));
        let snapshot = build_snapshot(&t, &SnapshotOptions::default(), 1);
        let labels = snapshot.metadata.labels.unwrap();
        assert!(!labels.contains_key(LABEL_JOB_REF_NAME));
        assert_eq!(snapshot.spec.job_reference.unwrap().name.unwrap().len(), 64);
    }
}
