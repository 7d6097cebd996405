//! Object names: the one DNS-1123 subdomain check ([`is_object_name`]), and names of
//! operator-created snapshots: `<resource>-<savepoint|checkpoint>-<manual|periodic|upgrade>-<ms>`.

use super::enums::{SnapshotTriggerType, SnapshotType};

/// Longest object name (DNS-1123 subdomain).
pub const MAX_NAME_LEN: usize = 253;

/// Whether `name` is a valid Kubernetes object name (DNS-1123 subdomain): 1 to 253
/// lower-case alphanumerics, `-` and `.`, starting and ending with an alphanumeric.
pub fn is_object_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME_LEN
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric())
}

/// The parts of an operator-created snapshot name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorSnapshotName {
    /// Name of the FlinkDeployment / FlinkSessionJob.
    pub resource: String,
    /// Savepoint or checkpoint.
    pub snapshot_type: SnapshotType,
    /// Manual, periodic or upgrade.
    pub trigger_type: SnapshotTriggerType,
    /// Epoch ms at creation (`System.currentTimeMillis()`).
    pub epoch_ms: i64,
}

/// Builds the name the operator gives a snapshot it creates.
pub fn operator_snapshot_name(
    resource: &str,
    snapshot_type: &SnapshotType,
    trigger_type: &SnapshotTriggerType,
    epoch_ms: i64,
) -> String {
    format!(
        "{resource}-{}-{}-{epoch_ms}",
        snapshot_type.as_str().to_ascii_lowercase(),
        trigger_type.as_str().to_ascii_lowercase()
    )
}

/// Parses an operator-created snapshot name; `None` if the name does not follow the pattern
/// (e.g. user-created snapshots).
pub fn parse_operator_snapshot_name(name: &str) -> Option<OperatorSnapshotName> {
    let (rest, ms) = name.rsplit_once('-')?;
    if ms.is_empty() || !ms.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let epoch_ms: i64 = ms.parse().ok()?;
    let (rest, trigger) = rest.rsplit_once('-')?;
    let trigger_type = match trigger {
        "manual" => SnapshotTriggerType::Manual,
        "periodic" => SnapshotTriggerType::Periodic,
        "upgrade" => SnapshotTriggerType::Upgrade,
        _ => return None,
    };
    let (resource, kind) = rest.rsplit_once('-')?;
    let snapshot_type = match kind {
        "savepoint" => SnapshotType::Savepoint,
        "checkpoint" => SnapshotType::Checkpoint,
        _ => return None,
    };
    if resource.is_empty() {
        return None;
    }
    Some(OperatorSnapshotName {
        resource: resource.to_owned(),
        snapshot_type,
        trigger_type,
        epoch_ms,
    })
}
