//! CRD discovery, single GETs and paginated listing.

use std::fmt;

use ::kube::api::{ListParams, ObjectList};
use ::kube::{Api, Client, Resource};
use flink_savepoint::crd::{API_VERSION as FLINK_API_VERSION, GROUP as FLINK_GROUP};
use serde::de::DeserializeOwned;

use crate::error::{ApiOp, ApiResultExt, Result, status_code};

/// Page size of LIST requests (`?limit=`): 500, the same as kubectl's default `--chunk-size`.
pub const PAGE_SIZE: u32 = 500;

/// Which Flink resource types the API server serves (one discovery request).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlinkCrds {
    /// Plural names served under `flink.apache.org/v1beta1`.
    pub plurals: Vec<String>,
}

impl FlinkCrds {
    /// Whether `plural` (e.g. `flinkstatesnapshots`) is served.
    pub fn has(&self, plural: &str) -> bool {
        self.plurals.iter().any(|p| p == plural)
    }
}

/// Discovers the Flink resources (`GET /apis/flink.apache.org/v1beta1`); a 404 means none.
pub async fn discover_flink(client: &Client) -> Result<FlinkCrds> {
    match client.list_api_group_resources(FLINK_API_VERSION).await {
        Ok(list) => {
            let crds = FlinkCrds {
                plurals: list
                    .resources
                    .into_iter()
                    .map(|r| r.name)
                    .filter(|n| !n.contains('/'))
                    .collect(),
            };
            tracing::debug!(served = ?crds.plurals, "Flink resources served (FlinkStateSnapshot or legacy mode follows from this)");
            Ok(crds)
        }
        Err(err) if status_code(&err) == Some(404) => {
            tracing::debug!("the {FLINK_API_VERSION} API group is not served: no Flink CRDs");
            Ok(FlinkCrds::default())
        }
        Err(err) => Err(ApiOp {
            verb: "get",
            kind: "APIResourceList".into(),
            plural: "v1beta1".into(),
            group: FLINK_GROUP.into(),
            namespace: None,
            name: None,
        }
        .error(err)
        .into()),
    }
}

/// Lists every object of `K` in `namespace` (or all namespaces), following `continue` pages.
/// This is one logical LIST: `?limit=PAGE_SIZE` plus continue requests, never per-object GETs.
pub async fn list_all<K>(
    client: &Client,
    namespace: Option<&str>,
    selector: Option<&str>,
) -> Result<Vec<K>>
where
    K: Resource<DynamicType = ()> + Clone + DeserializeOwned + fmt::Debug,
    K: Resource<Scope = ::kube::core::NamespaceResourceScope>,
{
    let api: Api<K> = match namespace {
        Some(ns) => Api::namespaced(client.clone(), ns),
        None => Api::all(client.clone()),
    };
    let op = ApiOp::of::<K>("list", namespace, None);
    let mut items = Vec::new();
    let mut params = ListParams::default().limit(PAGE_SIZE);
    if let Some(selector) = selector {
        params = params.labels(selector);
    }
    loop {
        let page: ObjectList<K> = api.list(&params).await.op(op.clone())?;
        items.extend(page.items);
        match page.metadata.continue_.filter(|c| !c.is_empty()) {
            Some(token) => params = params.continue_token(&token),
            None => return Ok(items),
        }
    }
}

/// GETs one namespaced object with a user-facing error.
pub async fn get<K>(client: &Client, namespace: &str, name: &str) -> Result<K>
where
    K: Resource<DynamicType = (), Scope = ::kube::core::NamespaceResourceScope>,
    K: Clone + serde::de::DeserializeOwned + std::fmt::Debug,
{
    let api: Api<K> = Api::namespaced(client.clone(), namespace);
    api.get(name)
        .await
        .op(ApiOp::of::<K>("get", Some(namespace), Some(name)))
}
