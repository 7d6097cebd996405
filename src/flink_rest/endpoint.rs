//! Where a job's JobManager REST API is, as the API server's service proxy reaches it.
//!
//! The operator (through Flink's native Kubernetes integration, `ExternalServiceDecorator`) creates
//! the Service `<cluster-id>-rest` whose REST port is named `rest`
//! (`org.apache.flink.kubernetes.utils.Constants.REST_PORT_NAME`, port 8081). The API server
//! forwards `GET /api/v1/namespaces/{ns}/services/{cluster}-rest:rest/proxy/<path>` to it
//! (RBAC: `get` on `services/proxy`).

use crate::crd::Target;

/// The port name of the `<cluster>-rest` Service.
pub const REST_PORT_NAME: &str = "rest";

/// A job's REST endpoint: the cluster serving it and the Flink job id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JobEndpoint {
    pub namespace: String,
    /// The FlinkDeployment running the job (a session job's `spec.deploymentName`).
    pub cluster: String,
    /// `status.jobStatus.jobId`.
    pub job_id: String,
}

impl JobEndpoint {
    /// `<cluster>-rest`.
    pub fn service(&self) -> String {
        format!("{}-rest", self.cluster)
    }

    /// The API server path that proxies `flink_path` (starting with `/`) to this JobManager.
    pub fn proxy_path(&self, flink_path: &str) -> String {
        service_proxy_path(&self.namespace, &self.cluster, flink_path)
    }

    /// `/jobs/<id>/checkpoints` through the proxy.
    pub fn checkpoints_path(&self) -> String {
        self.proxy_path(&format!("/jobs/{}/checkpoints", self.job_id))
    }
}

/// `/api/v1/namespaces/{ns}/services/{cluster}-rest:rest/proxy{flink_path}`.
pub fn service_proxy_path(namespace: &str, cluster: &str, flink_path: &str) -> String {
    let flink_path = if flink_path.starts_with('/') {
        flink_path.to_owned()
    } else {
        format!("/{flink_path}")
    };
    format!(
        "/api/v1/namespaces/{namespace}/services/{cluster}-rest:{REST_PORT_NAME}/proxy{flink_path}"
    )
}

/// The endpoint of `target`'s job: `None` without a namespace, a job id, or (session jobs) a
/// `spec.deploymentName`. Job ids and names are path segments: anything that could change the
/// path (`/`, `?`, `#`, `%`, `..`) is refused rather than escaped.
pub fn job_endpoint(target: Target<'_>) -> Option<JobEndpoint> {
    let tref = target.target_ref();
    let namespace = tref.namespace.clone()?;
    let cluster = match target {
        Target::Application(d) | Target::SessionCluster(d) => d.metadata.name.clone()?,
        Target::SessionJob { job, .. } => job.deployment_name()?.to_owned(),
    };
    let job_id = target.job_status()?.job_id.clone()?;
    [namespace.as_str(), cluster.as_str(), job_id.as_str()]
        .iter()
        .all(|s| safe_segment(s))
        .then_some(JobEndpoint {
            namespace,
            cluster,
            job_id,
        })
}

fn safe_segment(s: &str) -> bool {
    !s.is_empty()
        && s != "."
        && s != ".."
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crd::{FlinkDeployment, FlinkSessionJob};
    use serde_json::json;

    fn deployment(job_id: Option<&str>) -> FlinkDeployment {
        serde_json::from_value(json!({
            "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
            "metadata": {"name": "orders", "namespace": "flink"},
            "spec": {"job": {"jarURI": "local:///job.jar"}},
            "status": {"jobStatus": {"jobId": job_id}}
        }))
        .unwrap()
    }

    #[test]
    fn an_application_is_reached_through_its_own_rest_service() {
        let d = deployment(Some("f11c0000000000000000000000000001"));
        let e = job_endpoint(Target::deployment(&d)).unwrap();
        assert_eq!(e.service(), "orders-rest");
        assert_eq!(
            e.checkpoints_path(),
            "/api/v1/namespaces/flink/services/orders-rest:rest/proxy/jobs/f11c0000000000000000000000000001/checkpoints"
        );
    }

    #[test]
    fn a_session_job_is_reached_through_its_session_cluster() {
        let j: FlinkSessionJob = serde_json::from_value(json!({
            "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkSessionJob",
            "metadata": {"name": "etl", "namespace": "flink"},
            "spec": {"deploymentName": "session", "job": {"jarURI": "local:///job.jar"}},
            "status": {"jobStatus": {"jobId": "abc"}}
        }))
        .unwrap();
        let e = job_endpoint(Target::session_job(&j, None)).unwrap();
        assert_eq!(e.cluster, "session");
        assert_eq!(e.job_id, "abc");
    }

    #[test]
    fn no_job_id_or_a_path_changing_one_means_no_endpoint() {
        assert_eq!(job_endpoint(Target::deployment(&deployment(None))), None);
        for bad in ["../x", "a/b", "a?b", "a%2f", ""] {
            assert_eq!(
                job_endpoint(Target::deployment(&deployment(Some(bad)))),
                None,
                "{bad}"
            );
        }
    }
}
