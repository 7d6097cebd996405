//! Shared I/O for the lifecycle commands (schedule, restore, delete, prune, describe): load a
//! target with its session cluster, list its snapshots, fetch events, and retry on conflicts.

use ::kube::api::{Api, ListParams};
use ::kube::{Client, Resource};
use anyhow::{Context as _, Result};
use flink_savepoint::config::{FlatConfig, Layered, flatten};
use flink_savepoint::crd::{FlinkDeployment, FlinkSessionJob, FlinkStateSnapshot};
use flink_savepoint::history::{HistoryTarget, SavepointEntry, savepoint_history};
use flink_savepoint::lifecycle::{EventView, TargetKind as PlanKind};
use k8s_openapi::api::core::v1::Event;
use serde_json::{Map, Value};

use crate::api::{ApiOp, ApiResultExt, discover_flink, list_all, status_code};
use crate::exit::usage;
use crate::kube::Context;
use crate::output::{to_json, to_yaml};
use crate::progress::warn;
use crate::target::{Target, TargetKind};

/// How many times a write is re-planned after a 409 Conflict.
pub const CONFLICT_RETRIES: usize = 5;

/// `-o` for commands that print one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ObjectOutput {
    /// JSON.
    Json,
    /// YAML.
    Yaml,
}

/// Renders `value` in `format`.
pub fn render<T: serde::Serialize>(value: &T, format: ObjectOutput) -> Result<String> {
    match format {
        ObjectOutput::Json => to_json(value),
        ObjectOutput::Yaml => to_yaml(value),
    }
}

/// A loaded application, session cluster or session job.
pub struct Loaded {
    /// The target as given (kind corrected to `session` for a FlinkDeployment without a job).
    pub target: Target,
    /// Namespace.
    pub namespace: String,
    /// What the plans need to know about the kind.
    pub kind: PlanKind,
    /// The FlinkDeployment (applications and session clusters).
    pub deployment: Option<FlinkDeployment>,
    /// The FlinkSessionJob.
    pub session_job: Option<FlinkSessionJob>,
    /// The session cluster of a session job (if found).
    pub cluster: Option<FlinkDeployment>,
}

impl Loaded {
    /// The raw object as JSON.
    pub fn raw(&self) -> Result<Value> {
        match (&self.deployment, &self.session_job) {
            (Some(d), _) => serde_json::to_value(d),
            (_, Some(j)) => serde_json::to_value(j),
            _ => Ok(Value::Null),
        }
        .context("cannot serialize the target")
    }

    /// `spec.flinkConfiguration`.
    pub fn conf(&self) -> Option<&Map<String, Value>> {
        match (&self.deployment, &self.session_job) {
            (Some(d), _) => d.flink_configuration(),
            (_, Some(j)) => j.flink_configuration(),
            _ => None,
        }
    }

    /// The flattened configuration of the resource and of its session cluster.
    pub fn flat(&self) -> (FlatConfig, Option<FlatConfig>) {
        let own = self.conf().map(flatten).unwrap_or_default();
        let cluster = match self.kind {
            PlanKind::SessionJob => Some(
                self.cluster
                    .as_ref()
                    .and_then(FlinkDeployment::flink_configuration)
                    .map(flatten)
                    .unwrap_or_default(),
            ),
            _ => None,
        };
        (own, cluster)
    }

    /// The session cluster's name (session jobs), else "".
    pub fn cluster_name(&self) -> String {
        self.session_job
            .as_ref()
            .and_then(|j| j.deployment_name())
            .unwrap_or_default()
            .to_owned()
    }

    /// `metadata.resourceVersion`.
    pub fn resource_version(&self) -> String {
        match (&self.deployment, &self.session_job) {
            (Some(d), _) => d.meta().resource_version.clone(),
            (_, Some(j)) => j.meta().resource_version.clone(),
            _ => None,
        }
        .unwrap_or_default()
    }

    /// The history target (`None` for a session cluster).
    pub fn history_target(&self) -> Option<HistoryTarget<'_>> {
        match (&self.deployment, &self.session_job) {
            (Some(d), _) if !d.is_session_cluster() => Some(HistoryTarget::Deployment(d)),
            (_, Some(j)) => Some(HistoryTarget::SessionJob(j)),
            _ => None,
        }
    }

    /// The savepoint history from the status and `snapshots`.
    pub fn history(&self, snapshots: &[FlinkStateSnapshot]) -> Vec<SavepointEntry> {
        self.history_target()
            .map(|t| savepoint_history(t, snapshots))
            .unwrap_or_default()
    }
}

/// With `layers` borrowed from `flat`, runs `f`.
pub fn with_layers<R>(
    own: &FlatConfig,
    cluster: Option<&FlatConfig>,
    f: impl FnOnce(Layered<'_>) -> R,
) -> R {
    match cluster {
        Some(c) => f(Layered::session_job(own, c)),
        None => f(Layered::standalone(own)),
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

/// Loads an application, session cluster or session job (and a session job's cluster).
pub async fn load(ctx: &Context, target: &Target) -> Result<Loaded> {
    let client = ctx.client().await?;
    let namespace = ctx.namespace().await?;
    match target.kind {
        TargetKind::FlinkDeployment | TargetKind::Session => {
            let d: FlinkDeployment = get(&client, &namespace, &target.name).await?;
            let session = d.is_session_cluster();
            if target.kind == TargetKind::Session && !session {
                return Err(usage(format!(
                    "{target} has a job (spec.job is set): it is an application, use app/{}",
                    target.name
                )));
            }
            let kind = if session {
                PlanKind::SessionCluster
            } else {
                PlanKind::Application
            };
            let shown = Target {
                kind: if session {
                    TargetKind::Session
                } else {
                    TargetKind::FlinkDeployment
                },
                name: target.name.clone(),
            };
            Ok(Loaded {
                target: shown,
                namespace,
                kind,
                deployment: Some(d),
                session_job: None,
                cluster: None,
            })
        }
        TargetKind::FlinkSessionJob => {
            let j: FlinkSessionJob = get(&client, &namespace, &target.name).await?;
            let cluster = match j.deployment_name() {
                Some(name) => match get::<FlinkDeployment>(&client, &namespace, name).await {
                    Ok(c) => Some(c),
                    Err(err) => {
                        warn(&format!(
                            "cannot read session cluster {name:?}: {err}; its settings are not included"
                        ));
                        None
                    }
                },
                None => None,
            };
            Ok(Loaded {
                target: target.clone(),
                namespace,
                kind: PlanKind::SessionJob,
                deployment: None,
                session_job: Some(j),
                cluster,
            })
        }
        TargetKind::FlinkStateSnapshot => Err(usage(format!(
            "{target} is not an application or session job"
        ))),
    }
}

/// Whether the FlinkStateSnapshot CRD is served.
pub async fn snapshot_crd_served(client: &Client) -> Result<bool> {
    Ok(discover_flink(client).await?.has("flinkstatesnapshots"))
}

/// Every FlinkStateSnapshot in `namespace`; empty when the CRD is not served.
pub async fn snapshots(client: &Client, namespace: &str) -> Result<Vec<FlinkStateSnapshot>> {
    match list_all::<FlinkStateSnapshot>(client, Some(namespace), None).await {
        Ok(items) => Ok(items),
        Err(err) => {
            let missing = err
                .downcast_ref::<crate::api::ApiError>()
                .is_some_and(|e| e.code() == Some(404));
            if missing { Ok(Vec::new()) } else { Err(err) }
        }
    }
}

/// Events about the object `name` of `kind` (oldest first). Failures only warn: events are extra.
pub async fn events(client: &Client, namespace: &str, kind: &str, name: &str) -> Vec<EventView> {
    let api: Api<Event> = Api::namespaced(client.clone(), namespace);
    let params = ListParams::default().fields(&format!(
        "involvedObject.name={name},involvedObject.kind={kind}"
    ));
    let list = match api.list(&params).await {
        Ok(list) => list,
        Err(err) => {
            if status_code(&err) != Some(404) {
                warn(&format!(
                    "cannot list events of {kind} {name:?}: {}",
                    ApiOp::of::<Event>("list", Some(namespace), None).error(err)
                ));
            }
            return Vec::new();
        }
    };
    let mut items: Vec<(Option<String>, EventView)> = list
        .items
        .into_iter()
        .map(|e| {
            let last = e
                .last_timestamp
                .map(|t| t.0.to_string())
                .or_else(|| e.event_time.map(|t| t.0.to_string()))
                .or_else(|| e.first_timestamp.map(|t| t.0.to_string()));
            let view = EventView {
                type_: e.type_.unwrap_or_default(),
                reason: e.reason.unwrap_or_default(),
                message: e.message.unwrap_or_default(),
                count: e.count.unwrap_or(1),
                last_seen: last.clone(),
                source: e
                    .reporting_component
                    .or_else(|| e.source.and_then(|s| s.component)),
            };
            (last, view)
        })
        .collect();
    items.sort_by(|a, b| a.0.cmp(&b.0));
    items.into_iter().map(|(_, v)| v).collect()
}

/// Whether an error chain holds a 409 Conflict from the API server.
pub fn is_conflict(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<crate::api::ApiError>()
            .is_some_and(|e| e.code() == Some(409))
            || c.downcast_ref::<::kube::Error>()
                .is_some_and(|e| status_code(e) == Some(409))
    })
}
