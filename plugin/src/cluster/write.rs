//! Every write the plugin makes: merge patches and creates that record the plugin's field
//! manager. A 409 Conflict is retried by [`super::retry::retry_on_conflict`].

use std::fmt;

use ::kube::api::{Patch, PatchParams, PostParams};
use ::kube::{Api, Client, Resource};
use flink_savepoint::crd::{FlinkDeployment, FlinkSessionJob};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::cli::{Kind, Target};
use crate::error::{ApiOp, ApiResultExt, Result};

/// Field manager recorded on every write of the plugin.
pub const FIELD_MANAGER: &str = "kubectl-savepoint";

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
