//! The `list -A` data set: namespaces, applications, session clusters and jobs, snapshots,
//! loaded straight into the sandbox store (no HTTP).

use anyhow::{Result, anyhow};
use flink_sandbox::Store;
use serde_json::{Value, json};

/// Sizes of the data set.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    /// Namespaces.
    pub namespaces: usize,
    /// Application-mode FlinkDeployments.
    pub applications: usize,
    /// FlinkSessionJobs (one session cluster per namespace runs them).
    pub session_jobs: usize,
    /// FlinkStateSnapshots, spread evenly over applications and session jobs.
    pub snapshots: usize,
}

impl Size {
    /// The size: 50 namespaces, 1,000 applications, 1,000 session jobs, 20,000 snapshots.
    pub const FULL: Size = Size {
        namespaces: 50,
        applications: 1000,
        session_jobs: 1000,
        snapshots: 20_000,
    };
}

/// Counts of what was loaded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Loaded {
    /// FlinkDeployments (applications + session clusters).
    pub deployments: usize,
    /// FlinkSessionJobs.
    pub session_jobs: usize,
    /// FlinkStateSnapshots.
    pub snapshots: usize,
}

pub fn ns_name(i: usize) -> String {
    format!("team-{i:02}")
}

/// Every object of the data set in creation order, as `(plural, namespace, object with status)`; the
/// namespaces are `ns_name(0..size.namespaces)`.
pub fn objects(size: Size) -> Vec<(&'static str, String, Value)> {
    let mut out = Vec::new();
    for n in 0..size.namespaces {
        out.push(("flinkdeployments", ns_name(n), session_cluster(&ns_name(n))));
    }
    let targets = size.applications + size.session_jobs;
    let per_target = size.snapshots.checked_div(targets).unwrap_or(0);
    let mut extra = size.snapshots - per_target * targets;
    for t in 0..targets {
        let ns = ns_name(t % size.namespaces.max(1));
        let (kind, name) = if t < size.applications {
            ("FlinkDeployment", format!("app-{t:04}"))
        } else {
            (
                "FlinkSessionJob",
                format!("job-{:04}", t - size.applications),
            )
        };
        if kind == "FlinkDeployment" {
            out.push(("flinkdeployments", ns.clone(), application(&ns, &name, t)));
        } else {
            out.push(("flinksessionjobs", ns.clone(), session_job(&ns, &name, t)));
        }
        let count = per_target + usize::from(extra > 0);
        extra = extra.saturating_sub(1);
        for k in 0..count {
            out.push((
                "flinkstatesnapshots",
                ns.clone(),
                snapshot(&ns, kind, &name, t, k),
            ));
        }
    }
    out
}

impl Loaded {
    /// Counts one object of `plural`.
    pub fn count(&mut self, plural: &str) {
        match plural {
            "flinkdeployments" => self.deployments += 1,
            "flinksessionjobs" => self.session_jobs += 1,
            _ => self.snapshots += 1,
        }
    }
}

/// Loads the data set into `store`.
pub fn load(store: &Store, size: Size) -> Result<Loaded> {
    let mut loaded = Loaded::default();
    for n in 0..size.namespaces {
        store.ensure_namespace(&ns_name(n));
    }
    for (plural, ns, mut obj) in objects(size) {
        let status = obj.as_object_mut().and_then(|o| o.remove("status"));
        let name = obj["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        store
            .create(plural, &ns, obj)
            .map_err(|e| anyhow!("creating {plural} {ns}/{name}: {e}"))?;
        if let Some(status) = status {
            store
                .set_status(plural, &ns, &name, status)
                .map_err(|e| anyhow!("status of {plural} {ns}/{name}: {e}"))?;
        }
        loaded.count(plural);
    }
    Ok(loaded)
}

fn session_cluster(ns: &str) -> Value {
    json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
        "metadata": {"name": "session", "namespace": ns},
        "spec": {
            "image": "flink:1.20", "flinkVersion": "v1_20", "serviceAccount": "flink",
            "flinkConfiguration": {"state.savepoints.dir": format!("s3://bucket/{ns}/savepoints")},
            "jobManager": {"resource": {"memory": "2048m", "cpu": 1}},
            "taskManager": {"resource": {"memory": "2048m", "cpu": 1}}
        },
        "status": {"lifecycleState": "STABLE", "jobManagerDeploymentStatus": "READY"}
    })
}

fn epoch_ms(t: usize, k: usize) -> i64 {
    1_763_900_000_000 + (t as i64) * 60_000 + (k as i64) * 900_000
}

fn application(ns: &str, name: &str, t: usize) -> Value {
    json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
        "metadata": {"name": name, "namespace": ns, "labels": {"team": ns}},
        "spec": {
            "image": "flink:1.20", "flinkVersion": "v1_20", "serviceAccount": "flink",
            "flinkConfiguration": {
                "state.savepoints.dir": format!("s3://bucket/{ns}/{name}"),
                "kubernetes.operator.periodic.savepoint.interval": "1h",
                "kubernetes.operator.savepoint.history.max.count": "10"
            },
            "jobManager": {"resource": {"memory": "2048m", "cpu": 1}},
            "taskManager": {"resource": {"memory": "2048m", "cpu": 1}},
            "job": {"jarURI": "local:///opt/flink/job.jar", "parallelism": 2, "upgradeMode": "savepoint", "state": "running", "savepointTriggerNonce": t}
        },
        "status": job_status(t)
    })
}

fn session_job(ns: &str, name: &str, t: usize) -> Value {
    json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkSessionJob",
        "metadata": {"name": name, "namespace": ns},
        "spec": {
            "deploymentName": "session",
            "job": {"jarURI": "https://repo.example.com/job.jar", "parallelism": 2, "upgradeMode": "savepoint", "state": "running"}
        },
        "status": job_status(t)
    })
}

fn job_status(t: usize) -> Value {
    json!({
        "lifecycleState": "STABLE",
        "jobStatus": {
            "jobId": format!("{t:032x}"), "jobName": "job", "state": "RUNNING",
            "startTime": epoch_ms(t, 0).to_string(),
            "savepointInfo": {"lastPeriodicSavepointTimestamp": epoch_ms(t, 9), "savepointHistory": []}
        }
    })
}

fn snapshot(ns: &str, kind: &str, target: &str, t: usize, k: usize) -> Value {
    let ms = epoch_ms(t, k);
    let trigger = if k.is_multiple_of(3) {
        "MANUAL"
    } else {
        "PERIODIC"
    };
    let state = match k % 10 {
        9 => "FAILED",
        8 => "IN_PROGRESS",
        _ => "COMPLETED",
    };
    let iso =
        jiff::Timestamp::from_millisecond(ms).map_or_else(|_| String::new(), |ts| ts.to_string());
    let mut status = json!({
        "state": state, "triggerId": format!("{t:016x}{k:016x}"), "failures": 0,
        "triggerTimestamp": iso
    });
    match state {
        "COMPLETED" => {
            status["path"] = json!(format!(
                "s3://bucket/{ns}/{target}/savepoint-{t:04x}-{k:08x}"
            ));
            status["resultTimestamp"] = json!(iso);
        }
        "FAILED" => {
            status["failures"] = json!(1);
            status["error"] = json!("java.util.concurrent.TimeoutException: savepoint timed out");
            status["resultTimestamp"] = json!(iso);
        }
        _ => {}
    }
    json!({
        "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkStateSnapshot",
        "metadata": {
            "name": format!("{target}-savepoint-{}-{ms}", trigger.to_ascii_lowercase()),
            "namespace": ns,
            "labels": {
                "snapshot.trigger-type": trigger, "snapshot.type": "SAVEPOINT", "snapshot.state": state,
                "job-reference.kind": kind, "job-reference.name": target
            }
        },
        "spec": {
            "backoffLimit": -1,
            "jobReference": {"kind": kind, "name": target},
            "savepoint": {"path": format!("s3://bucket/{ns}/{target}"), "formatType": "CANONICAL", "disposeOnDelete": false, "alreadyExists": false}
        },
        "status": status
    })
}
