//! FlinkStateSnapshots: whether the CRD is served, listing a namespace's, deleting one.

use ::kube::Client;
use ::kube::api::{Api, DeleteParams, Preconditions};
use flink_savepoint::crd::FlinkStateSnapshot;
use flink_savepoint::plan::SnapshotItem;

use super::discovery::{discover_flink, list_all};
use crate::cli::DryRun;
use crate::error::{ApiOp, ApiResultExt, Result, usage};

/// Whether the FlinkStateSnapshot CRD is served.
pub async fn snapshot_crd_served(client: &Client) -> Result<bool> {
    Ok(discover_flink(client).await?.has("flinkstatesnapshots"))
}

/// Every FlinkStateSnapshot in `ns` (one paginated LIST); none when the CRD is not `served`
/// (as discovered) or turns out to be absent (404).
pub async fn snapshots_in(
    client: &Client,
    ns: &str,
    served: bool,
) -> Result<Vec<FlinkStateSnapshot>> {
    if !served {
        return Ok(Vec::new());
    }
    match list_all::<FlinkStateSnapshot>(client, Some(ns), None).await {
        Err(err) if err.status() == Some(404) => Ok(Vec::new()),
        other => other,
    }
}

/// Deletes one snapshot with uid/resourceVersion preconditions.
pub async fn delete_snapshot(
    client: &Client,
    namespace: &str,
    item: &SnapshotItem,
    mode: DryRun,
) -> Result<()> {
    if mode == DryRun::Client {
        return Ok(());
    }
    let api: Api<FlinkStateSnapshot> = Api::namespaced(client.clone(), namespace);
    let params = DeleteParams {
        dry_run: mode == DryRun::Server,
        preconditions: Some(Preconditions {
            uid: item.uid.clone(),
            resource_version: item.resource_version.clone(),
        }),
        ..DeleteParams::default()
    };
    api.delete(&item.name, &params)
        .await
        .op(ApiOp::of::<FlinkStateSnapshot>(
            "delete",
            Some(namespace),
            Some(&item.name),
        ))?;
    Ok(())
}

/// Refuses (exit 2) when the FlinkStateSnapshot CRD is not served: there is nothing to delete.
pub async fn require_snapshot_crd(client: &Client) -> Result<()> {
    if snapshot_crd_served(client).await? {
        return Ok(());
    }
    Err(usage(
        "this cluster does not serve the FlinkStateSnapshot CRD (Flink operator < 1.10): savepoints live only \
         in the resources' status, whose history the operator trims itself \
         (kubernetes.operator.savepoint.history.max.age/max.count; see: kubectl savepoint schedule TARGET)",
    ))
}
