//! The JobManager REST API of the simulated clusters, as the API server's service proxy reaches it
//! (`/api/v1/namespaces/{ns}/services/{cluster}-rest:rest/proxy/<flink path>`).
//!
//! The simulator records here what its Flink clusters do while it writes the CR statuses: a job per
//! running FlinkDeployment/FlinkSessionJob (the `jobId` of `status.jobStatus`), a savepoint entry per
//! FlinkStateSnapshot it moves to IN_PROGRESS (acknowledged subtasks and bytes persisted advance with
//! simulated time), completed with the same `path` it writes to the snapshot's status, or failed with its
//! error; periodic checkpoints when the job sets `execution.checkpointing.interval`. Answers are shaped
//! like the responses captured from Flink 1.20.3 / 2.1.1 (`tests/fixtures/flink-rest/`), including the
//! `web.checkpoints.history` bound (10 entries) and `{"errors": [...]}` bodies for unknown jobs.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Subtasks every simulated job has (the captured job: 4).
pub const SUBTASKS: u64 = 4;
/// `web.checkpoints.history` default.
pub const HISTORY: usize = 10;

#[derive(Debug, Clone)]
enum EntryStatus {
    InProgress,
    Completed { path: String, at: i64 },
    Failed { at: i64, message: String },
}

#[derive(Debug, Clone)]
struct Entry {
    id: u64,
    savepoint: bool,
    format: Option<String>,
    trigger_ms: i64,
    /// Simulated time the savepoint takes (progress runs over it).
    expected_ms: i64,
    /// Full state size once complete.
    size: u64,
    status: EntryStatus,
    /// The FlinkStateSnapshot name (savepoints), to find the entry again.
    key: Option<String>,
}

#[derive(Debug, Clone)]
struct Job {
    id: String,
    name: String,
    state: String,
    start_ms: i64,
    next_id: u64,
    history: VecDeque<Entry>,
    latest_completed: Option<Entry>,
    latest_savepoint: Option<Entry>,
    latest_failed: Option<Entry>,
    counts: (u64, u64),
    last_checkpoint_ms: i64,
    checkpoint_interval_ms: Option<i64>,
}

#[derive(Debug, Default)]
struct Cluster {
    /// Jobs by job id, in submission order.
    jobs: BTreeMap<String, Job>,
}

/// `(namespace, cluster, path)` of a cached answer.
type CacheKey = (String, String, String);

#[derive(Debug, Default)]
struct State {
    now_ms: i64,
    clusters: BTreeMap<(String, String), Cluster>,
    /// Like Flink's `rest.cache.checkpoint-statistics.timeout`: `/jobs/:jobid/checkpoints` answers
    /// are reused for this long (wall-clock, as Flink's) after they were made (zero: never).
    stats_cache: Duration,
    stats_cached: BTreeMap<CacheKey, (Instant, (u16, Value))>,
}

/// The simulated JobManagers of every cluster the simulator runs.
#[derive(Debug, Default)]
pub struct JobManagers {
    state: Mutex<State>,
}

impl JobManagers {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn set_now(&self, now_ms: i64) {
        self.lock().now_ms = now_ms;
    }

    /// Answers of `/jobs/:jobid/checkpoints` are reused for `ttl` (wall-clock), as Flink does.
    pub(crate) fn set_stats_cache(&self, ttl: Duration) {
        let mut st = self.lock();
        st.stats_cache = ttl;
        st.stats_cached.clear();
    }

    /// The cluster `ns/cluster` is deployed (its `-rest` Service exists).
    pub(crate) fn cluster_up(&self, ns: &str, cluster: &str) {
        self.lock()
            .clusters
            .entry((ns.to_string(), cluster.to_string()))
            .or_default();
    }

    /// Only the clusters in `present` (namespace, name) still exist.
    pub(crate) fn retain_clusters(&self, present: &[(String, String)]) {
        self.lock().clusters.retain(|k, _| present.contains(k));
    }

    /// Job `job_id` of `ns/cluster` is in `state`; periodic checkpoints every `checkpoint_interval_ms`
    /// while RUNNING. Returns the state size of its latest completed checkpoint, if any.
    pub(crate) fn observe_job(
        &self,
        ns: &str,
        cluster: &str,
        job: (&str, &str, &str, i64),
        checkpoint_interval_ms: Option<i64>,
    ) -> Option<u64> {
        let (job_id, name, state, start_ms) = job;
        let mut st = self.lock();
        let now = st.now_ms;
        let c = st
            .clusters
            .entry((ns.to_string(), cluster.to_string()))
            .or_default();
        let j = c.jobs.entry(job_id.to_string()).or_insert_with(|| Job {
            id: job_id.to_string(),
            name: name.to_string(),
            state: state.to_string(),
            start_ms,
            next_id: 1,
            history: VecDeque::new(),
            latest_completed: None,
            latest_savepoint: None,
            latest_failed: None,
            counts: (0, 0),
            last_checkpoint_ms: start_ms,
            checkpoint_interval_ms,
        });
        j.state = state.to_string();
        j.checkpoint_interval_ms = checkpoint_interval_ms;
        if state == "RUNNING"
            && let Some(interval) = checkpoint_interval_ms.filter(|i| *i > 0)
        {
            // At most a history's worth per pass: a big jump in simulated time does not loop long.
            let mut added = 0;
            while j.last_checkpoint_ms + interval <= now && added < HISTORY {
                let at = j.last_checkpoint_ms + interval;
                let id = take_id(j);
                let size = state_size(id);
                // checkpoints take a few simulated milliseconds, like the captured ones (24-117 ms)
                let entry = Entry {
                    id,
                    savepoint: false,
                    format: None,
                    trigger_ms: at,
                    expected_ms: 30,
                    size,
                    status: EntryStatus::Completed {
                        path: format!("s3://flink/checkpoints/{}/chk-{id}", j.id),
                        at: at + 30,
                    },
                    key: None,
                };
                push(j, entry);
                j.last_checkpoint_ms = at;
                added += 1;
            }
            if added == HISTORY {
                j.last_checkpoint_ms = now;
            }
        }
        j.latest_completed.as_ref().map(|e| e.size)
    }

    /// A savepoint of job `job_id` started (the snapshot `key` went IN_PROGRESS); it is expected to take
    /// `expected_ms` of simulated time.
    pub(crate) fn savepoint_started(
        &self,
        ns: &str,
        cluster: &str,
        job_id: &str,
        key: &str,
        format: &str,
        expected_ms: i64,
    ) {
        let mut st = self.lock();
        let now = st.now_ms;
        let Some(j) = job_mut(&mut st, ns, cluster, job_id) else {
            return;
        };
        if j.history.iter().any(|e| e.key.as_deref() == Some(key)) {
            return;
        }
        let id = take_id(j);
        let entry = Entry {
            id,
            savepoint: true,
            format: Some(format.to_string()),
            trigger_ms: now,
            expected_ms: expected_ms.max(1),
            size: state_size(id),
            status: EntryStatus::InProgress,
            key: Some(key.to_string()),
        };
        j.history.push_front(entry);
        j.history.truncate(HISTORY);
    }

    /// The savepoint `key` completed at `path` (what the simulator writes to the snapshot status).
    pub(crate) fn savepoint_completed(
        &self,
        ns: &str,
        cluster: &str,
        job_id: &str,
        key: &str,
        path: &str,
    ) {
        self.finish(ns, cluster, job_id, key, |now| EntryStatus::Completed {
            path: path.to_string(),
            at: now,
        });
    }

    /// The savepoint `key` failed with `message`.
    pub(crate) fn savepoint_failed(
        &self,
        ns: &str,
        cluster: &str,
        job_id: &str,
        key: &str,
        message: &str,
    ) {
        self.finish(ns, cluster, job_id, key, |now| EntryStatus::Failed {
            at: now,
            message: message.to_string(),
        });
    }

    fn finish(
        &self,
        ns: &str,
        cluster: &str,
        job_id: &str,
        key: &str,
        status: impl FnOnce(i64) -> EntryStatus,
    ) {
        let mut st = self.lock();
        let now = st.now_ms;
        let Some(j) = job_mut(&mut st, ns, cluster, job_id) else {
            return;
        };
        let Some(pos) = j.history.iter().position(|e| {
            e.key.as_deref() == Some(key) && matches!(e.status, EntryStatus::InProgress)
        }) else {
            return;
        };
        let mut entry = j.history.remove(pos).unwrap_or_else(|| unreachable!());
        entry.status = status(now);
        // keep the history newest first by id
        push(j, entry);
    }

    /// The answer to `GET <flink_path>` on `ns/<cluster>-rest`: `None` when there is no such Service.
    /// With a statistics cache ([`crate::SimulatorConfig::rest_stats_cache`]), a job's
    /// `/checkpoints` answer is the one made within that time, if any.
    pub fn answer(&self, ns: &str, cluster: &str, flink_path: &str) -> Option<(u16, Value)> {
        let path = flink_path.split('?').next().unwrap_or("");
        let cacheable = matches!(
            path.split('/')
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .as_slice(),
            ["jobs", _, "checkpoints"]
        );
        let mut st = self.lock();
        if !cacheable || st.stats_cache.is_zero() {
            return Self::answer_now(&st, ns, cluster, flink_path);
        }
        let key = (ns.to_string(), cluster.to_string(), path.to_string());
        if let Some((at, answer)) = st.stats_cached.get(&key)
            && at.elapsed() < st.stats_cache
        {
            return Some(answer.clone());
        }
        let answer = Self::answer_now(&st, ns, cluster, flink_path)?;
        st.stats_cached
            .insert(key, (Instant::now(), answer.clone()));
        Some(answer)
    }

    fn answer_now(st: &State, ns: &str, cluster: &str, flink_path: &str) -> Option<(u16, Value)> {
        let c = st.clusters.get(&(ns.to_string(), cluster.to_string()))?;
        let now = st.now_ms;
        let path = flink_path.split('?').next().unwrap_or("");
        let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let not_found = |what: String| (404, json!({ "errors": [what] }));
        let job = |id: &str| c.jobs.get(id);
        Some(match segs.as_slice() {
            ["overview"] => (200, overview(c)),
            ["jobs", "overview"] => (
                200,
                json!({ "jobs": c.jobs.values().map(|j| job_overview(j, now)).collect::<Vec<_>>() }),
            ),
            ["jobs", id] => match job(id) {
                Some(j) => (200, job_details(j, now)),
                None => not_found(format!("Job {id} not found")),
            },
            ["jobs", id, "checkpoints"] => match job(id) {
                Some(j) => (200, checkpoints(j, now)),
                None => not_found(format!("Job {id} not found")),
            },
            ["jobs", id, "checkpoints", "config"] => match job(id) {
                Some(j) => (200, checkpoint_config(j)),
                None => not_found(format!("Job {id} not found")),
            },
            ["jobs", id, "checkpoints", "details", cid] => {
                let entry = job(id).and_then(|j| {
                    let cid: u64 = cid.parse().ok()?;
                    all_entries(j).find(|e| e.id == cid).cloned()
                });
                match entry {
                    Some(e) => (200, entry_json(&e, now)),
                    None => not_found(format!(
                        "Could not find checkpointing statistics for checkpoint {cid}."
                    )),
                }
            }
            _ => not_found("Not found: /".to_string() + &segs.join("/")),
        })
    }
}

fn job_mut<'a>(st: &'a mut State, ns: &str, cluster: &str, job_id: &str) -> Option<&'a mut Job> {
    st.clusters
        .get_mut(&(ns.to_string(), cluster.to_string()))?
        .jobs
        .get_mut(job_id)
}

fn take_id(j: &mut Job) -> u64 {
    let id = j.next_id;
    j.next_id += 1;
    id
}

/// A deterministic, growing state size (the captured job: 10-20 KB).
fn state_size(id: u64) -> u64 {
    10_240 + 1_536 * id
}

/// Adds a finished entry: history (newest first by id, bounded), counts and `latest`.
fn push(j: &mut Job, entry: Entry) {
    match &entry.status {
        EntryStatus::Completed { .. } => {
            j.counts.0 += 1;
            // CheckpointStatsHistory: savepoints are `latest.savepoint`, checkpoints `latest.completed`
            if entry.savepoint {
                j.latest_savepoint = Some(entry.clone());
            } else {
                j.latest_completed = Some(entry.clone());
            }
        }
        EntryStatus::Failed { .. } => {
            j.counts.1 += 1;
            j.latest_failed = Some(entry.clone());
        }
        EntryStatus::InProgress => {}
    }
    let pos = j
        .history
        .iter()
        .position(|e| e.id < entry.id)
        .unwrap_or(j.history.len());
    j.history.insert(pos, entry);
    j.history.truncate(HISTORY);
}

fn all_entries(j: &Job) -> impl Iterator<Item = &Entry> {
    j.history.iter().chain(
        [&j.latest_completed, &j.latest_savepoint, &j.latest_failed]
            .into_iter()
            .flatten(),
    )
}

fn overview(c: &Cluster) -> Value {
    let running = c.jobs.values().filter(|j| j.state == "RUNNING").count();
    json!({
        "taskmanagers": 1, "slots-total": 4, "slots-available": 0,
        "jobs-running": running, "jobs-finished": 0, "jobs-cancelled": c.jobs.len() - running, "jobs-failed": 0,
        "flink-version": "1.20.3", "flink-commit": "sandbox"
    })
}

fn job_overview(j: &Job, now: i64) -> Value {
    json!({
        "jid": j.id, "name": j.name, "state": j.state,
        "start-time": j.start_ms, "end-time": -1, "duration": (now - j.start_ms).max(0),
        "last-modification": j.start_ms,
        "tasks": { "running": SUBTASKS, "total": SUBTASKS }
    })
}

fn job_details(j: &Job, now: i64) -> Value {
    let mut v = job_overview(j, now);
    v["isStoppable"] = json!(false);
    v["job-type"] = json!("STREAMING");
    v["vertices"] = json!([
        { "id": "cbc357ccb763df2852fee8c4fc7d55f2", "name": "Source: numbers", "parallelism": 2, "status": j.state },
        { "id": "90bea66de1c231edf33913ecd54406c1", "name": "keyed-counter", "parallelism": 2, "status": j.state }
    ]);
    v
}

fn checkpoint_config(j: &Job) -> Value {
    json!({
        "mode": "exactly_once",
        "interval": j.checkpoint_interval_ms.unwrap_or(i64::MAX),
        "timeout": 600_000, "min_pause": 0, "max_concurrent": 1,
        "externalization": { "enabled": true, "delete_on_cancellation": false },
        "state_backend": "HashMapStateBackend", "checkpoint_storage": "FileSystemCheckpointStorage",
        "unaligned_checkpoints": false, "tolerable_failed_checkpoints": 0
    })
}

/// Acknowledged subtasks of an in-progress entry: advances with simulated time, never all of them.
fn acknowledged(e: &Entry, now: i64) -> u64 {
    let elapsed = (now - e.trigger_ms).max(0);
    let done = u64::try_from(elapsed).unwrap_or(0) * SUBTASKS
        / u64::try_from(e.expected_ms).unwrap_or(1).max(1);
    done.min(SUBTASKS - 1)
}

fn entry_json(e: &Entry, now: i64) -> Value {
    let kind = if e.savepoint {
        "SAVEPOINT"
    } else {
        "CHECKPOINT"
    };
    let base = |class: &str, status: &str| {
        json!({
            "className": class, "id": e.id, "status": status, "is_savepoint": e.savepoint,
            "savepointFormat": e.format, "trigger_timestamp": e.trigger_ms,
            "alignment_buffered": 0, "processed_data": 0, "persisted_data": 0,
            "num_subtasks": SUBTASKS, "checkpoint_type": kind, "tasks": {}
        })
    };
    match &e.status {
        EntryStatus::InProgress => {
            let acked = acknowledged(e, now);
            let persisted = e.size * acked / SUBTASKS;
            let mut v = base("in_progress", "IN_PROGRESS");
            let elapsed = (now - e.trigger_ms).max(0);
            v["latest_ack_timestamp"] = json!(if acked > 0 {
                e.trigger_ms + elapsed
            } else {
                -1
            });
            v["checkpointed_size"] = json!(persisted);
            v["state_size"] = json!(persisted);
            v["end_to_end_duration"] = json!(elapsed);
            v["num_acknowledged_subtasks"] = json!(acked);
            v
        }
        EntryStatus::Completed { path, at } => {
            let mut v = base("completed", "COMPLETED");
            v["latest_ack_timestamp"] = json!(at);
            v["checkpointed_size"] = json!(e.size);
            v["state_size"] = json!(e.size);
            v["end_to_end_duration"] = json!(at - e.trigger_ms);
            v["num_acknowledged_subtasks"] = json!(SUBTASKS);
            v["external_path"] = json!(path);
            v["discarded"] = json!(false);
            v
        }
        EntryStatus::Failed { at, message } => {
            let acked = acknowledged(e, *at);
            let mut v = base("failed", "FAILED");
            v["latest_ack_timestamp"] = json!(-1);
            v["checkpointed_size"] = json!(0);
            v["state_size"] = json!(0);
            v["end_to_end_duration"] = json!(at - e.trigger_ms);
            v["num_acknowledged_subtasks"] = json!(acked);
            v["failure_timestamp"] = json!(at);
            v["failure_message"] = json!(message);
            v
        }
    }
}

fn checkpoints(j: &Job, now: i64) -> Value {
    let in_progress = j
        .history
        .iter()
        .filter(|e| matches!(e.status, EntryStatus::InProgress))
        .count();
    let completed: Vec<&Entry> = all_entries(j)
        .filter(|e| matches!(e.status, EntryStatus::Completed { .. }))
        .collect();
    let stat = |f: &dyn Fn(&Entry) -> i64| {
        let values: Vec<i64> = completed.iter().map(|e| f(e)).collect();
        match (values.iter().min(), values.iter().max()) {
            (Some(min), Some(max)) => {
                let avg = values.iter().sum::<i64>() / i64::try_from(values.len()).unwrap_or(1);
                json!({ "min": min, "max": max, "avg": avg, "p50": *max as f64, "p90": *max as f64, "p95": *max as f64, "p99": *max as f64, "p999": *max as f64 })
            }
            _ => {
                json!({ "min": 0, "max": 0, "avg": 0, "p50": 0.0, "p90": 0.0, "p95": 0.0, "p99": 0.0, "p999": 0.0 })
            }
        }
    };
    let size = |e: &Entry| i64::try_from(e.size).unwrap_or(i64::MAX);
    let duration = |e: &Entry| match &e.status {
        EntryStatus::Completed { at, .. } => at - e.trigger_ms,
        _ => 0,
    };
    let latest = |e: &Option<Entry>| e.as_ref().map(|e| entry_json(e, now));
    json!({
        "counts": {
            "restored": 0,
            "total": j.counts.0 + j.counts.1 + in_progress as u64,
            "in_progress": in_progress,
            "completed": j.counts.0,
            "failed": j.counts.1
        },
        "summary": {
            "checkpointed_size": stat(&size),
            "state_size": stat(&size),
            "end_to_end_duration": stat(&duration),
        },
        "latest": {
            "completed": latest(&j.latest_completed),
            "savepoint": latest(&j.latest_savepoint),
            "failed": latest(&j.latest_failed),
            "restored": null
        },
        "history": j.history.iter().map(|e| entry_json(e, now)).collect::<Vec<_>>()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use flink_savepoint::flink_rest::{CheckpointStatus, parse_checkpointing_statistics};

    fn decode(v: &Value) -> flink_savepoint::flink_rest::CheckpointingStatistics {
        parse_checkpointing_statistics(&serde_json::to_vec(v).unwrap()).unwrap()
    }

    #[test]
    fn a_savepoint_advances_then_completes_at_the_recorded_path_with_size_and_duration() {
        let jm = JobManagers::default();
        jm.set_now(1_000);
        jm.observe_job("ns", "orders", ("j1", "orders", "RUNNING", 1_000), None);
        jm.savepoint_started("ns", "orders", "j1", "snap-1", "CANONICAL", 4_000);
        jm.set_now(2_000);
        let (code, body) = jm.answer("ns", "orders", "/jobs/j1/checkpoints").unwrap();
        assert_eq!(code, 200);
        let stats = decode(&body);
        let running = stats.savepoints_in_progress().next().unwrap();
        let p = running.progress().unwrap();
        assert_eq!((p.acknowledged_subtasks, p.total_subtasks), (1, SUBTASKS));
        assert_eq!(p.elapsed_ms, Some(1_000));
        jm.set_now(3_500);
        let later = decode(&jm.answer("ns", "orders", "/jobs/j1/checkpoints").unwrap().1);
        let p2 = later
            .savepoints_in_progress()
            .next()
            .unwrap()
            .progress()
            .unwrap();
        assert!(p2.acknowledged_subtasks > p.acknowledged_subtasks);
        assert!(
            p2.acknowledged_subtasks < SUBTASKS,
            "never all while in progress"
        );
        jm.set_now(5_000);
        jm.savepoint_completed("ns", "orders", "j1", "snap-1", "s3://b/savepoint-1");
        let done = decode(&jm.answer("ns", "orders", "/jobs/j1/checkpoints").unwrap().1);
        let e = done.find_by_external_path("s3://b/savepoint-1").unwrap();
        assert_eq!(e.status, Some(CheckpointStatus::Completed));
        let c = e.completed().unwrap();
        assert_eq!(c.duration_ms, 4_000);
        assert_eq!(c.state_size, state_size(e.id));
        assert_eq!(done.latest.savepoint.as_ref().unwrap().id, e.id);
    }

    #[test]
    fn periodic_checkpoints_follow_the_interval_and_the_history_is_bounded() {
        let jm = JobManagers::default();
        jm.set_now(0);
        assert_eq!(
            jm.observe_job("ns", "a", ("j", "a", "RUNNING", 0), Some(1_000)),
            None
        );
        jm.set_now(30_500);
        let size = jm.observe_job("ns", "a", ("j", "a", "RUNNING", 0), Some(1_000));
        let stats = decode(&jm.answer("ns", "a", "/jobs/j/checkpoints").unwrap().1);
        assert_eq!(stats.history.len(), HISTORY);
        let latest = stats.latest.completed.unwrap();
        assert_eq!(size, latest.state_size);
        assert!(!latest.is_savepoint);
    }

    #[test]
    fn with_a_statistics_cache_checkpoints_answers_are_reused_until_it_expires() {
        let jm = JobManagers::default();
        jm.set_stats_cache(Duration::from_secs(3600));
        jm.set_now(1_000);
        jm.observe_job("ns", "orders", ("j1", "orders", "RUNNING", 1_000), None);
        jm.savepoint_started("ns", "orders", "j1", "snap-1", "CANONICAL", 1_000);
        let first = jm.answer("ns", "orders", "/jobs/j1/checkpoints").unwrap();
        jm.set_now(2_500);
        jm.savepoint_completed("ns", "orders", "j1", "snap-1", "s3://b/savepoint-1");
        let stale = jm.answer("ns", "orders", "/jobs/j1/checkpoints").unwrap();
        assert_eq!(stale, first, "within the cache time: the cached answer");
        assert!(decode(&stale.1).savepoints_in_progress().next().is_some());
        assert_eq!(
            jm.answer("ns", "orders", "/jobs/j1").unwrap().1["state"],
            "RUNNING",
            "other paths are not cached"
        );
        jm.set_stats_cache(Duration::from_millis(1));
        std::thread::sleep(Duration::from_millis(5));
        let fresh = decode(&jm.answer("ns", "orders", "/jobs/j1/checkpoints").unwrap().1);
        assert!(fresh.find_by_external_path("s3://b/savepoint-1").is_some());
    }

    #[test]
    fn unknown_services_jobs_and_paths() {
        let jm = JobManagers::default();
        assert!(jm.answer("ns", "nope", "/overview").is_none());
        jm.cluster_up("ns", "session");
        let (code, body) = jm.answer("ns", "session", "/jobs/x/checkpoints").unwrap();
        assert_eq!(code, 404);
        assert_eq!(body["errors"][0], "Job x not found");
        assert_eq!(jm.answer("ns", "session", "/overview").unwrap().0, 200);
        jm.retain_clusters(&[("ns".into(), "other".into())]);
        assert!(jm.answer("ns", "session", "/overview").is_none());
    }
}
