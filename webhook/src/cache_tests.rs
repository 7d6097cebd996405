use super::*;
use flink_savepoint::config::flatten;
use kube::runtime::watcher::Event;

fn stores(
    deployments: Vec<FlinkDeployment>,
    jobs: Vec<FlinkSessionJob>,
) -> (Store<FlinkDeployment>, Store<FlinkSessionJob>) {
    let (d_reader, mut d_writer) = reflector::store();
    let (j_reader, mut j_writer) = reflector::store();
    d_writer.apply_watcher_event(&Event::Init);
    for d in deployments {
        d_writer.apply_watcher_event(&Event::InitApply(d));
    }
    d_writer.apply_watcher_event(&Event::InitDone);
    j_writer.apply_watcher_event(&Event::Init);
    for j in jobs {
        j_writer.apply_watcher_event(&Event::InitApply(j));
    }
    j_writer.apply_watcher_event(&Event::InitDone);
    (d_reader, j_reader)
}

fn parse<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
    serde_json::from_value(value).expect("valid object")
}

fn fixture_cache(synced: bool) -> SessionCache {
    let deployment: FlinkDeployment = parse(serde_json::json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
        "metadata": {"name": "shared-session", "namespace": "analytics"},
        "spec": {"flinkConfiguration": {"state.savepoints.dir": "s3://b/sp"}}
    }));
    let job: FlinkSessionJob = parse(serde_json::json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkSessionJob",
        "metadata": {"name": "clicks-job", "namespace": "analytics"},
        "spec": {"deploymentName": "shared-session"}
    }));
    let (d, j) = stores(vec![deployment], vec![job]);
    SessionCache::from_stores(d, j, synced)
}

#[test]
fn synced_cache_resolves_clusters_directly_and_through_session_jobs() {
    let cache = fixture_cache(true);
    let cluster = LookupNeed::SessionCluster {
        namespace: "analytics",
        name: "shared-session",
    };
    assert!(
        matches!(cache.resolve(&cluster), Resolved::Found(d) if d.metadata.name.as_deref() == Some("shared-session"))
    );
    let via_job = LookupNeed::SessionJobCluster {
        namespace: "analytics",
        job: "clicks-job",
    };
    assert!(matches!(cache.resolve(&via_job), Resolved::Found(_)));
    let other_ns = LookupNeed::SessionCluster {
        namespace: "elsewhere",
        name: "shared-session",
    };
    assert!(matches!(cache.resolve(&other_ns), Resolved::NotFound));
    let missing_job = LookupNeed::SessionJobCluster {
        namespace: "analytics",
        job: "nope",
    };
    assert!(matches!(cache.resolve(&missing_job), Resolved::NotFound));
    assert!(matches!(
        cache.resolve(&LookupNeed::None),
        Resolved::NotNeeded
    ));
}

#[test]
fn trimming_keeps_every_savepoint_spelling_and_drops_everything_else() {
    use flink_savepoint::admission::{Phase, Policy, ReviewContext, SessionLookup, review};
    let mut deployment: FlinkDeployment = parse(serde_json::json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
        "metadata": {"name": "shared-session", "namespace": "analytics",
                     "annotations": {"big": "x".repeat(10_000)}, "resourceVersion": "7"},
        "spec": {
            "flinkConfiguration": {
                "state": {"savepoints": {"dir": "s3://b/sp"}},
                "kubernetes.operator.savepoint.history.max.count": 3,
                "taskmanager.numberOfTaskSlots": "4",
            },
            "podTemplate": {"spec": {"containers": [{"name": "x".repeat(10_000)}]}},
            "image": "flink:1.20",
        },
        "status": {"jobStatus": {"state": "RUNNING"}},
    }));
    let full_config = cluster_config_of(&deployment);
    trim_deployment(&mut deployment);
    let config = deployment.flink_configuration().expect("kept");
    let mut keys: Vec<&String> = config.keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "kubernetes.operator.savepoint.history.max.count",
            "state.savepoints.dir"
        ]
    );
    assert!(deployment.spec.pod_template.is_none() && deployment.spec.image.is_none());
    assert!(deployment.status.is_none() && deployment.metadata.annotations.is_none());
    assert_eq!(deployment.metadata.resource_version.as_deref(), Some("7"));
    for option in &CLUSTER_OPTIONS {
        assert_eq!(
            cluster_config_of(&deployment)
                .lookup(option)
                .map(|f| f.value.to_owned()),
            full_config.lookup(option).map(|f| f.value.to_owned()),
            "{}",
            option.key
        );
    }
    // The trimmed cluster still drives the policy: a job overriding the dir is denied.
    let req: kube::core::admission::AdmissionRequest<kube::core::DynamicObject> = {
        let review: kube::core::admission::AdmissionReview<kube::core::DynamicObject> = parse(
            serde_json::json!({
                "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
                "request": {
                    "uid": "u", "kind": {"group": "flink.apache.org", "version": "v1beta1", "kind": "FlinkSessionJob"},
                    "resource": {"group": "flink.apache.org", "version": "v1beta1", "resource": "flinksessionjobs"},
                    "name": "j", "namespace": "analytics", "operation": "CREATE", "userInfo": {},
                    "object": {"apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkSessionJob",
                               "metadata": {"name": "j", "namespace": "analytics"},
                               "spec": {"deploymentName": "shared-session",
                                        "flinkConfiguration": {"state.savepoints.dir": "s3://mine"}}}
                }
            }),
        );
        review.try_into().expect("request")
    };
    let decision = review(
        &req,
        &ReviewContext {
            phase: Phase::Validate,
            policy: &Policy::default(),
            session_cluster: SessionLookup::Found(&deployment),
        },
    );
    assert!(
        decision.denial().is_some_and(|m| m.contains("s3://b/sp")),
        "{decision:?}"
    );
    let mut job: FlinkSessionJob = parse(serde_json::json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkSessionJob",
        "metadata": {"name": "clicks-job", "namespace": "analytics"},
        "spec": {"deploymentName": "shared-session", "job": {"jarURI": "x".repeat(1000)},
                 "flinkConfiguration": {"a": "b"}}
    }));
    trim_session_job(&mut job);
    assert_eq!(job.spec.deployment_name.as_deref(), Some("shared-session"));
    assert!(job.spec.job.is_none() && job.spec.flink_configuration.is_none());
}

fn cluster_config_of(deployment: &FlinkDeployment) -> flink_savepoint::config::FlatConfig {
    deployment
        .flink_configuration()
        .map(flatten)
        .unwrap_or_default()
}

#[test]
fn unsynced_or_unavailable_cache_answers_unknown() {
    let need = LookupNeed::SessionCluster {
        namespace: "analytics",
        name: "shared-session",
    };
    assert!(matches!(
        fixture_cache(false).resolve(&need),
        Resolved::Unknown
    ));
    assert!(matches!(
        SessionCache::unavailable().resolve(&need),
        Resolved::Unknown
    ));
}
