//! Every write the plugin makes: merge patches and creates that record the plugin's field
//! manager, and the one retry loop for 409 Conflict.
//!
//! Patches carry `metadata.resourceVersion` (built by the library's planners), so a concurrent
//! change makes the API server answer 409; [`retry_on_conflict`] then runs the whole
//! read-plan-write step again with a fresh read.

use std::fmt;
use std::time::Duration;

use ::kube::api::{Patch, PatchParams, PostParams};
use ::kube::{Api, Client, Resource};
use flink_savepoint::crd::{FlinkDeployment, FlinkSessionJob};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::cli::{Kind, Target};
use crate::error::{ApiOp, ApiResultExt, Result, failed};

/// Field manager recorded on every write of the plugin.
pub const FIELD_MANAGER: &str = "kubectl-savepoint";

/// Attempts before giving up when the object keeps changing (409 Conflict).
pub const MAX_ATTEMPTS: u32 = 5;

/// Runs `step(attempt)` (attempt = 1, 2, …) until it ends with anything but a 409 Conflict;
/// `step` must re-read what it writes. After [`MAX_ATTEMPTS`] conflicts it gives up (exit 1).
pub async fn retry_on_conflict<T>(
    target: &dyn fmt::Display,
    ns: &str,
    mut step: impl AsyncFnMut(u32) -> Result<T>,
) -> Result<T> {
    for attempt in 1..=MAX_ATTEMPTS {
        match step(attempt).await {
            Err(err) if err.is_conflict() => {
                tracing::info!(attempt, target = %target, "conflict, re-reading and retrying");
                tokio::time::sleep(Duration::from_millis(20 * u64::from(attempt))).await;
            }
            other => return other,
        }
    }
    Err(failed(format!(
        "gave up after {MAX_ATTEMPTS} attempts: {target} in namespace {ns} changed every time between \
         reading it and updating it (409 Conflict); nothing was changed, try again"
    )))
}

fn patch_params(server_dry_run: bool) -> PatchParams {
    let params = PatchParams {
        field_manager: Some(FIELD_MANAGER.to_owned()),
        ..PatchParams::default()
    };
    if server_dry_run {
        params.dry_run()
    } else {
        params
    }
}

/// Merge-patches the FlinkDeployment or FlinkSessionJob `target` names with `body`.
pub async fn merge_patch(
    client: &Client,
    ns: &str,
    target: &Target,
    body: &Value,
    server_dry_run: bool,
) -> Result<()> {
    match target.kind {
        Kind::SessionJob => {
            patch::<FlinkSessionJob>(client, ns, &target.name, body, server_dry_run).await
        }
        _ => patch::<FlinkDeployment>(client, ns, &target.name, body, server_dry_run).await,
    }
}

async fn patch<K>(
    client: &Client,
    ns: &str,
    name: &str,
    body: &Value,
    server_dry_run: bool,
) -> Result<()>
where
    K: Resource<DynamicType = (), Scope = ::kube::core::NamespaceResourceScope>,
    K: Clone + DeserializeOwned + fmt::Debug,
{
    Api::<K>::namespaced(client.clone(), ns)
        .patch(name, &patch_params(server_dry_run), &Patch::Merge(body))
        .await
        .op(ApiOp::of::<K>("patch", Some(ns), Some(name)))
        .map(drop)
}

/// Creates `object` (named `name`, for messages) in `ns`.
pub async fn create<K>(
    client: &Client,
    ns: &str,
    name: Option<&str>,
    object: &K,
    server_dry_run: bool,
) -> Result<()>
where
    K: Resource<DynamicType = (), Scope = ::kube::core::NamespaceResourceScope>,
    K: Clone + DeserializeOwned + Serialize + fmt::Debug,
{
    let params = PostParams {
        dry_run: server_dry_run,
        field_manager: Some(FIELD_MANAGER.to_owned()),
    };
    Api::<K>::namespaced(client.clone(), ns)
        .create(&params, object)
        .await
        .op(ApiOp::of::<K>("create", Some(ns), name))
        .map(drop)
}
