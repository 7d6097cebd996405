//! Operator simulator, driven deterministically with `step()`/`advance()` (plus one autonomous-mode test).

mod common;

use std::time::Duration;

use common::*;
use flink_sandbox::{Sandbox, SimulatorConfig};
use serde_json::{Value, json};

async fn sandbox(cfg: SimulatorConfig, without_snapshots: bool) -> Sandbox {
    let mut b = Sandbox::builder().simulator(SimulatorConfig {
        autonomous: false,
        ..cfg
    });
    if without_snapshots {
        b = b.without_crd("flinkstatesnapshots");
    }
    let sb = b.start().await.unwrap();
    sb.store().ensure_namespace("analytics");
    sb
}

fn fd(sb: &Sandbox, name: &str) -> Value {
    sb.store()
        .get("flinkdeployments", "analytics", name)
        .unwrap()
}

fn set_nonce(sb: &Sandbox, name: &str, nonce: i64) {
    let mut o = fd(sb, name);
    o["spec"]["job"]["savepointTriggerNonce"] = json!(nonce);
    sb.store()
        .update("flinkdeployments", "analytics", o, None)
        .unwrap();
}

fn snapshots(sb: &Sandbox) -> Vec<Value> {
    sb.store().list("flinkstatesnapshots", Some("analytics")).0
}

fn reconciled(o: &Value) -> Value {
    serde_json::from_str(
        o["status"]["reconciliationStatus"]["lastReconciledSpec"]
            .as_str()
            .unwrap(),
    )
    .unwrap()
}

fn events(sb: &Sandbox, reason: &str) -> Vec<Value> {
    sb.store()
        .list("events", Some("analytics"))
        .0
        .into_iter()
        .filter(|e| e["reason"] == reason)
        .collect()
}

fn app_with(conf: Value) -> Value {
    let mut o = manifest("flinkdeployment-application.yaml");
    if let Some(m) = o["spec"]["flinkConfiguration"].as_object_mut() {
        m.remove("kubernetes.operator.periodic.savepoint.interval");
        m.extend(conf.as_object().unwrap().clone());
    }
    o
}

#[tokio::test]
async fn new_deployment_is_deployed_running_with_the_operator_status_fields() {
    let sb = sandbox(SimulatorConfig::default(), false).await;
    sb.store()
        .create("flinkdeployments", "analytics", app_with(json!({})))
        .unwrap();
    sb.simulator().unwrap().step();
    let o = fd(&sb, "orders-app");
    let st = &o["status"];
    assert_eq!(
        (
            st["lifecycleState"].as_str(),
            st["jobStatus"]["state"].as_str()
        ),
        (Some("STABLE"), Some("RUNNING"))
    );
    assert_eq!(st["jobStatus"]["jobId"].as_str().unwrap().len(), 32);
    assert!(
        st["jobStatus"]["startTime"]
            .as_str()
            .unwrap()
            .parse::<i64>()
            .is_ok(),
        "startTime is epoch-ms text"
    );
    assert_eq!(st["observedGeneration"], o["metadata"]["generation"]);
    let rec = reconciled(&o);
    assert_eq!(rec["spec"], o["spec"]);
    assert_eq!(rec["resource_metadata"]["firstDeployment"], true);
    sb.shutdown().await;
}

#[tokio::test]
async fn nonce_change_creates_a_manual_snapshot_that_completes_under_the_savepoint_dir() {
    let sb = sandbox(SimulatorConfig::default(), false).await;
    let sim = sb.simulator().unwrap();
    sb.store()
        .create("flinkdeployments", "analytics", app_with(json!({})))
        .unwrap();
    sim.step();
    set_nonce(&sb, "orders-app", 42);
    sim.step();
    let snaps = snapshots(&sb);
    assert_eq!(snaps.len(), 1);
    let snap = &snaps[0];
    let name = snap["metadata"]["name"].as_str().unwrap();
    assert!(
        name.strip_prefix("orders-app-savepoint-manual-")
            .is_some_and(|ms| ms.parse::<i64>().is_ok()),
        "{name}"
    );
    assert_eq!(
        snap["metadata"]["labels"]["snapshot.trigger-type"],
        "MANUAL"
    );
    assert_eq!(
        snap["spec"]["jobReference"],
        json!({"kind": "FlinkDeployment", "name": "orders-app"})
    );
    assert_eq!(
        snap["spec"]["savepoint"]["path"],
        "s3://my-bucket/flink-savepoints"
    );
    assert_eq!(snap["status"]["state"], "IN_PROGRESS");
    assert_eq!(
        reconciled(&fd(&sb, "orders-app"))["spec"]["job"]["savepointTriggerNonce"],
        42,
        "nonce handled once the CR exists"
    );
    assert!(
        fd(&sb, "orders-app")["status"]["jobStatus"]["savepointInfo"]
            .get("triggerId")
            .is_none()
    );

    sim.advance(Duration::from_secs(3));
    let snap = &snapshots(&sb)[0];
    assert_eq!(snap["status"]["state"], "COMPLETED");
    assert_eq!(snap["metadata"]["labels"]["snapshot.state"], "COMPLETED");
    let job_id = fd(&sb, "orders-app")["status"]["jobStatus"]["jobId"]
        .as_str()
        .unwrap()
        .to_string();
    let path = snap["status"]["path"].as_str().unwrap();
    assert!(
        path.starts_with(&format!(
            "s3://my-bucket/flink-savepoints/savepoint-{}-",
            &job_id[..6]
        )),
        "{path}"
    );
    assert!(
        snap["status"]["resultTimestamp"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn legacy_mode_records_trigger_then_last_savepoint_and_history() {
    let sb = sandbox(SimulatorConfig::default(), false).await;
    let sim = sb.simulator().unwrap();
    sb.store()
        .create(
            "flinkdeployments",
            "analytics",
            app_with(json!({"kubernetes.operator.snapshot.resource.enabled": "false"})),
        )
        .unwrap();
    sim.step();
    set_nonce(&sb, "orders-app", 7);
    sim.step();
    let info = fd(&sb, "orders-app")["status"]["jobStatus"]["savepointInfo"].clone();
    assert_eq!(info["triggerType"], "MANUAL");
    assert!(info["triggerId"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(info["triggerTimestamp"].is_i64());
    assert!(
        snapshots(&sb).is_empty(),
        "no snapshot resources in legacy mode"
    );
    assert_ne!(
        reconciled(&fd(&sb, "orders-app"))["spec"]["job"]["savepointTriggerNonce"],
        7,
        "not handled until completion"
    );

    sim.advance(Duration::from_secs(3));
    let o = fd(&sb, "orders-app");
    let info = &o["status"]["jobStatus"]["savepointInfo"];
    assert!(info["triggerId"].is_null());
    assert_eq!(info["lastSavepoint"]["triggerNonce"], 7);
    assert_eq!(info["lastSavepoint"]["triggerType"], "MANUAL");
    assert!(
        info["lastSavepoint"]["location"]
            .as_str()
            .unwrap()
            .starts_with("s3://my-bucket/flink-savepoints/savepoint-")
    );
    assert_eq!(info["savepointHistory"].as_array().unwrap().len(), 1);
    assert_eq!(reconciled(&o)["spec"]["job"]["savepointTriggerNonce"], 7);
    sb.shutdown().await;
}

#[tokio::test]
async fn missing_snapshot_crd_forces_legacy_mode() {
    let sb = sandbox(SimulatorConfig::default(), true).await;
    let sim = sb.simulator().unwrap();
    sb.store()
        .create("flinkdeployments", "analytics", app_with(json!({})))
        .unwrap();
    sim.step();
    set_nonce(&sb, "orders-app", 9);
    sim.advance(Duration::from_secs(5));
    assert_eq!(
        fd(&sb, "orders-app")["status"]["jobStatus"]["savepointInfo"]["lastSavepoint"]["triggerNonce"],
        9
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn failing_savepoints_respect_backoff_limit_and_emit_savepoint_error_events() {
    let sb = sandbox(SimulatorConfig::default(), false).await;
    let sim = sb.simulator().unwrap();
    let mut app = app_with(json!({}));
    app["metadata"]["annotations"] = json!({"sandbox.flink-savepoint.io/fail-savepoints": "true"});
    sb.store()
        .create("flinkdeployments", "analytics", app)
        .unwrap();
    sim.step();
    let mut snap = manifest("flinkstatesnapshot-manual.yaml");
    snap["spec"]["backoffLimit"] = json!(0);
    sb.store()
        .create("flinkstatesnapshots", "analytics", snap)
        .unwrap();
    sim.step();
    sim.advance(Duration::from_secs(3));
    let s = sb
        .store()
        .get("flinkstatesnapshots", "analytics", "orders-app-manual-1")
        .unwrap();
    assert_eq!(
        (
            s["status"]["state"].as_str(),
            s["status"]["failures"].as_i64()
        ),
        (Some("FAILED"), Some(1))
    );
    sim.advance(Duration::from_secs(120));
    let s = sb
        .store()
        .get("flinkstatesnapshots", "analytics", "orders-app-manual-1")
        .unwrap();
    assert_eq!(
        (
            s["status"]["state"].as_str(),
            s["status"]["failures"].as_i64()
        ),
        (Some("FAILED"), Some(1)),
        "backoffLimit 0: no retry"
    );
    let ev = events(&sb, "SavepointError");
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0]["involvedObject"]["name"], "orders-app-manual-1");
    assert_eq!(ev[0]["type"], "Warning");

    let mut retrying = manifest("flinkstatesnapshot-manual.yaml");
    retrying["metadata"]["name"] = json!("retrying");
    retrying["spec"]["backoffLimit"] = json!(2);
    sb.store()
        .create("flinkstatesnapshots", "analytics", retrying)
        .unwrap();
    sim.advance(Duration::from_secs(300));
    let s = sb
        .store()
        .get("flinkstatesnapshots", "analytics", "retrying")
        .unwrap();
    assert_eq!(
        (
            s["status"]["state"].as_str(),
            s["status"]["failures"].as_i64()
        ),
        (Some("FAILED"), Some(3)),
        "retried until failures > backoffLimit"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn snapshot_for_missing_or_stopped_job_is_abandoned_with_an_event_found_by_field_selector() {
    let sb = sandbox(SimulatorConfig::default(), false).await;
    let mut snap = manifest("flinkstatesnapshot-manual.yaml");
    snap["spec"]["jobReference"]["name"] = json!("ghost");
    sb.store()
        .create("flinkstatesnapshots", "analytics", snap)
        .unwrap();
    sb.simulator().unwrap().step();
    let s = sb
        .store()
        .get("flinkstatesnapshots", "analytics", "orders-app-manual-1")
        .unwrap();
    assert_eq!(s["status"]["state"], "ABANDONED");
    assert!(
        s["metadata"]["labels"].get("job-reference.name").is_some(),
        "labels from the manifest are kept"
    );
    let r = Http::admin(&sb)
        .get("/api/v1/namespaces/analytics/events?fieldSelector=involvedObject.name%3Dorders-app-manual-1,involvedObject.kind%3DFlinkStateSnapshot")
        .await;
    let items = r.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", r.text);
    assert_eq!(items[0]["reason"], "SnapshotAbandoned");
    sb.shutdown().await;
}

#[tokio::test]
async fn periodic_savepoints_follow_the_interval_and_retention_never_touches_manual_ones() {
    let sb = sandbox(SimulatorConfig::default(), false).await;
    let sim = sb.simulator().unwrap();
    let conf = json!({"kubernetes.operator.periodic.savepoint.interval": "1 min", "kubernetes.operator.savepoint.history.max.count": "2"});
    sb.store()
        .create("flinkdeployments", "analytics", app_with(conf))
        .unwrap();
    sim.step();
    set_nonce(&sb, "orders-app", 1);
    sim.advance(Duration::from_secs(5 * 60 + 30));
    let snaps = snapshots(&sb);
    let of = |t: &str, state: &str| {
        snaps
            .iter()
            .filter(|s| {
                s["metadata"]["labels"]["snapshot.trigger-type"] == t
                    && s["status"]["state"] == state
            })
            .count()
    };
    assert_eq!(of("MANUAL", "COMPLETED"), 1);
    assert_eq!(
        of("PERIODIC", "COMPLETED"),
        2,
        "completed periodic savepoints trimmed to max.count 2"
    );
    let periodic_ms: Vec<i64> = snaps
        .iter()
        .filter_map(|s| {
            s["metadata"]["name"]
                .as_str()
                .unwrap()
                .strip_prefix("orders-app-savepoint-periodic-")
        })
        .map(|ms| ms.parse().unwrap())
        .collect();
    let first_possible = sim.now().as_millisecond() - (5 * 60 + 30) * 1000 + 60_000;
    assert!(
        periodic_ms.iter().all(|ms| *ms > first_possible + 60_000),
        "the oldest periodic savepoints were deleted: {periodic_ms:?}"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn legacy_history_is_trimmed_by_max_age_for_periodic_entries_only() {
    let sb = sandbox(SimulatorConfig::default(), false).await;
    let sim = sb.simulator().unwrap();
    let conf = json!({"kubernetes.operator.snapshot.resource.enabled": "false", "kubernetes.operator.periodic.savepoint.interval": "10 min",
        "kubernetes.operator.savepoint.history.max.age": "25 min"});
    sb.store()
        .create("flinkdeployments", "analytics", app_with(conf))
        .unwrap();
    sim.step();
    set_nonce(&sb, "orders-app", 1);
    sim.advance(Duration::from_secs(65 * 60));
    let info = fd(&sb, "orders-app")["status"]["jobStatus"]["savepointInfo"].clone();
    let history = info["savepointHistory"].as_array().unwrap();
    let manual = history
        .iter()
        .filter(|h| h["triggerType"] == "MANUAL")
        .count();
    let periodic: Vec<i64> = history
        .iter()
        .filter(|h| h["triggerType"] == "PERIODIC")
        .map(|h| h["timeStamp"].as_i64().unwrap())
        .collect();
    assert_eq!(manual, 1, "manual entry kept although older than max.age");
    assert!(!periodic.is_empty() && periodic.len() <= 3, "{periodic:?}");
    let now = sim.now().as_millisecond();
    assert!(
        periodic.iter().all(|t| now - t <= 25 * 60 * 1000 + 60_000),
        "{periodic:?}"
    );
    assert!(info["lastPeriodicSavepointTimestamp"].as_i64().unwrap() > 0);
    sb.shutdown().await;
}

#[tokio::test]
async fn redeploy_nonce_restarts_from_initial_savepoint_and_suspend_takes_an_upgrade_savepoint() {
    let sb = sandbox(SimulatorConfig::default(), false).await;
    let sim = sb.simulator().unwrap();
    sb.store()
        .create("flinkdeployments", "analytics", app_with(json!({})))
        .unwrap();
    sim.step();
    let first_job = fd(&sb, "orders-app")["status"]["jobStatus"]["jobId"].clone();
    let mut o = fd(&sb, "orders-app");
    o["spec"]["job"]["initialSavepointPath"] =
        json!("s3://my-bucket/flink-savepoints/savepoint-abc");
    o["spec"]["job"]["savepointRedeployNonce"] = json!(1);
    o["spec"]["job"]["upgradeMode"] = json!("stateless");
    sb.store()
        .update("flinkdeployments", "analytics", o, None)
        .unwrap();
    sim.step();
    let st = fd(&sb, "orders-app")["status"].clone();
    assert_ne!(st["jobStatus"]["jobId"], first_job);
    assert_eq!(
        st["jobStatus"]["upgradeSavepointPath"],
        "s3://my-bucket/flink-savepoints/savepoint-abc"
    );
    assert_eq!(st["jobStatus"]["state"], "RUNNING");

    let mut o = fd(&sb, "orders-app");
    o["spec"]["job"]["upgradeMode"] = json!("savepoint");
    o["spec"]["job"]["state"] = json!("suspended");
    sb.store()
        .update("flinkdeployments", "analytics", o, None)
        .unwrap();
    sim.step();
    let st = fd(&sb, "orders-app")["status"].clone();
    assert_eq!(
        (
            st["lifecycleState"].as_str(),
            st["jobStatus"]["state"].as_str()
        ),
        (Some("SUSPENDED"), Some("SUSPENDED"))
    );
    let upgrade: Vec<Value> = snapshots(&sb)
        .into_iter()
        .filter(|s| s["metadata"]["labels"]["snapshot.trigger-type"] == "UPGRADE")
        .collect();
    assert_eq!(upgrade.len(), 1);
    assert_eq!(upgrade[0]["spec"]["savepoint"]["alreadyExists"], true);
    assert_eq!(upgrade[0]["status"]["state"], "COMPLETED");
    assert_eq!(
        upgrade[0]["status"]["path"],
        st["jobStatus"]["upgradeSavepointPath"]
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn missing_savepoint_dir_is_an_error_and_the_nonce_stays_pending() {
    let sb = sandbox(SimulatorConfig::default(), false).await;
    let sim = sb.simulator().unwrap();
    let mut app = app_with(json!({}));
    app["spec"]["flinkConfiguration"]
        .as_object_mut()
        .unwrap()
        .remove("state.savepoints.dir");
    sb.store()
        .create("flinkdeployments", "analytics", app)
        .unwrap();
    sim.step();
    set_nonce(&sb, "orders-app", 3);
    sim.step();
    let o = fd(&sb, "orders-app");
    assert!(o["status"]["error"].as_str().unwrap().contains("savepoint"));
    assert!(snapshots(&sb).is_empty());
    assert_ne!(reconciled(&o)["spec"]["job"]["savepointTriggerNonce"], 3);
    assert_eq!(events(&sb, "SavepointError").len(), 1);
    sb.shutdown().await;
}

#[tokio::test]
async fn session_job_snapshot_uses_the_merged_cluster_and_job_configuration() {
    let sb = sandbox(SimulatorConfig::default(), false).await;
    let sim = sb.simulator().unwrap();
    sb.store()
        .create(
            "flinkdeployments",
            "analytics",
            manifest("flinkdeployment-session.yaml"),
        )
        .unwrap();
    sb.store()
        .create(
            "flinksessionjobs",
            "analytics",
            manifest("flinksessionjob-savepoint-dir-override.yaml"),
        )
        .unwrap();
    sim.step();
    let job = sb
        .store()
        .list("flinksessionjobs", Some("analytics"))
        .0
        .remove(0);
    let name = job["metadata"]["name"].as_str().unwrap().to_string();
    assert_eq!(job["status"]["jobStatus"]["state"], "RUNNING");
    let cluster_dir = sb
        .store()
        .get("flinkdeployments", "analytics", "shared-session")
        .unwrap()["spec"]["flinkConfiguration"]
        .clone();
    let mut j = job.clone();
    j["spec"]["job"]["savepointTriggerNonce"] = json!(11);
    sb.store()
        .update("flinksessionjobs", "analytics", j, None)
        .unwrap();
    sim.step();
    let snap = snapshots(&sb)
        .into_iter()
        .find(|s| s["spec"]["jobReference"]["kind"] == "FlinkSessionJob")
        .expect("snapshot for the session job");
    assert_eq!(
        cluster_dir["state.savepoints.dir"],
        "s3://my-bucket/flink-savepoints"
    );
    assert_eq!(
        snap["spec"]["savepoint"]["path"], "s3://other-bucket/mine",
        "same spelling on both: the session job's value wins"
    );
    assert!(
        snap["metadata"]["name"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{name}-savepoint-manual-"))
    );
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn autonomous_mode_deploys_and_completes_savepoints_without_manual_steps() {
    let sb = Sandbox::builder()
        .simulator(SimulatorConfig {
            time_scale: 20.0,
            ..Default::default()
        })
        .start()
        .await
        .unwrap();
    sb.store().ensure_namespace("analytics");
    sb.store()
        .create("flinkdeployments", "analytics", app_with(json!({})))
        .unwrap();
    let wait = |pred: Box<dyn Fn(&Sandbox) -> bool>| {
        let sb = &sb;
        async move {
            tokio::time::timeout(Duration::from_secs(30), async {
                while !pred(sb) {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            })
            .await
            .expect("hang guard: simulator never reached the expected state");
        }
    };
    wait(Box::new(|sb| {
        fd(sb, "orders-app")["status"]["jobStatus"]["state"] == "RUNNING"
    }))
    .await;
    set_nonce(&sb, "orders-app", 5);
    wait(Box::new(|sb| {
        snapshots(sb)
            .iter()
            .any(|s| s["status"]["state"] == "COMPLETED")
    }))
    .await;
    sb.shutdown().await;
}

#[tokio::test]
async fn deletion_goes_through_the_operator_finalizers() {
    let sb = sandbox(SimulatorConfig::default(), false).await;
    let sim = sb.simulator().unwrap();
    sb.store()
        .create("flinkdeployments", "analytics", app_with(json!({})))
        .unwrap();
    sim.step();
    assert_eq!(
        fd(&sb, "orders-app")["metadata"]["finalizers"],
        json!(["flinkdeployments.flink.apache.org/finalizer"])
    );
    let mut snap = manifest("flinkstatesnapshot-manual.yaml");
    snap["spec"]["savepoint"]["disposeOnDelete"] = json!(true);
    sb.store()
        .create("flinkstatesnapshots", "analytics", snap)
        .unwrap();
    sim.advance(Duration::from_secs(6));
    let http = Http::admin(&sb);
    let mut o = fd(&sb, "orders-app");
    o["spec"]["job"]["state"] = json!("suspended");
    o["spec"]["job"]["upgradeMode"] = json!("stateless");
    sb.store()
        .update("flinkdeployments", "analytics", o, None)
        .unwrap();
    sim.step();

    let before = sb
        .store()
        .get("flinkstatesnapshots", "analytics", "orders-app-manual-1")
        .unwrap();
    assert_eq!(before["status"]["state"], "COMPLETED", "{before}");
    assert_eq!(
        fd(&sb, "orders-app")["status"]["jobStatus"]["state"],
        "SUSPENDED"
    );
    let r = http.delete(&format!("{SNAP}/orders-app-manual-1")).await;
    assert_eq!(r.status, 202, "{}", r.text);
    sim.step();
    assert!(
        sb.store()
            .get("flinkstatesnapshots", "analytics", "orders-app-manual-1")
            .is_some(),
        "disposal needs a running job"
    );
    sim.step();
    assert_eq!(
        events(&sb, "CleanupFailed").len(),
        1,
        "one event, not one per pass"
    );

    let mut o = fd(&sb, "orders-app");
    o["spec"]["job"]["state"] = json!("running");
    sb.store()
        .update("flinkdeployments", "analytics", o, None)
        .unwrap();
    sim.step();
    assert!(
        sb.store()
            .get("flinkstatesnapshots", "analytics", "orders-app-manual-1")
            .is_none(),
        "disposed once the job runs"
    );

    assert_eq!(http.delete(&format!("{FD}/orders-app")).await.status, 202);
    assert!(
        sb.store()
            .get("flinkdeployments", "analytics", "orders-app")
            .is_some()
    );
    sim.step();
    assert!(
        sb.store()
            .get("flinkdeployments", "analytics", "orders-app")
            .is_none()
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn cron_schedule_triggers_periodic_snapshots() {
    let sb = sandbox(SimulatorConfig::default(), false).await;
    let sim = sb.simulator().unwrap();
    let conf = json!({"kubernetes.operator.periodic.savepoint.interval": "0 * * * * ?", "kubernetes.operator.savepoint.history.max.count": "100"});
    sb.store()
        .create("flinkdeployments", "analytics", app_with(conf))
        .unwrap();
    sim.step();
    sim.advance(Duration::from_secs(3 * 60 + 30));
    let periodic = snapshots(&sb)
        .into_iter()
        .filter(|s| s["metadata"]["labels"]["snapshot.trigger-type"] == "PERIODIC")
        .count();
    assert!(
        (2..=4).contains(&periodic),
        "every minute for 3.5 minutes: {periodic}"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn legacy_savepoint_pending_when_the_job_stops_is_cancelled_and_the_nonce_handled() {
    let sb = sandbox(SimulatorConfig::default(), true).await;
    let sim = sb.simulator().unwrap();
    sb.store()
        .create("flinkdeployments", "analytics", app_with(json!({})))
        .unwrap();
    sim.step();
    set_nonce(&sb, "orders-app", 4);
    sim.step();
    assert!(fd(&sb, "orders-app")["status"]["jobStatus"]["savepointInfo"]["triggerId"].is_string());
    let mut o = fd(&sb, "orders-app");
    o["spec"]["job"]["state"] = json!("suspended");
    o["spec"]["job"]["upgradeMode"] = json!("stateless");
    sb.store()
        .update("flinkdeployments", "analytics", o, None)
        .unwrap();
    sim.step();
    let o = fd(&sb, "orders-app");
    assert!(o["status"]["jobStatus"]["savepointInfo"]["triggerId"].is_null());
    assert_eq!(reconciled(&o)["spec"]["job"]["savepointTriggerNonce"], 4);
    assert_eq!(events(&sb, "SavepointError").len(), 1);
    sb.shutdown().await;
}

#[tokio::test]
async fn hand_made_objects_with_impossible_status_shapes_are_skipped() {
    let sb = sandbox(SimulatorConfig::default(), false).await;
    let mut weird = app_with(json!({}));
    weird["metadata"]["name"] = json!("weird");
    weird["status"] = json!({"jobStatus": "RUNNING", "reconciliationStatus": 3});
    sb.store()
        .create("flinkdeployments", "analytics", weird)
        .unwrap();
    sb.store()
        .create("flinkdeployments", "analytics", app_with(json!({})))
        .unwrap();
    sb.simulator().unwrap().step();
    assert_eq!(
        fd(&sb, "weird")["status"]["jobStatus"],
        "RUNNING",
        "left untouched"
    );
    assert_eq!(
        fd(&sb, "orders-app")["status"]["jobStatus"]["state"],
        "RUNNING",
        "others still reconciled"
    );
    sb.shutdown().await;
}
