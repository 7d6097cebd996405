//! `schedule`: validate the requested periodic-savepoint interval and retention, then compute the
//! minimal edit of `spec.flinkConfiguration` (keeping the author's spelling and nesting).

use serde::Serialize;
use serde_json::{Map, Value};

use crate::config::options::{
    HISTORY_MAX_AGE, HISTORY_MAX_COUNT, PERIODIC_SAVEPOINT_INTERVAL, SAVEPOINT_DIR,
};
use crate::config::{ConfigOption, FlatConfig, Layered, flatten, remove_option, set_option_adding};
use crate::crd::Kind;
use crate::grammar::{PeriodicInterval, parse_duration, parse_fs_uri, parse_int};
use crate::patch::MergePatch;

/// The flags of `schedule`, as typed by the user (validated by [`plan_schedule`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScheduleRequest {
    /// `--interval DUR|CRON`.
    pub interval: Option<String>,
    /// `--max-age DUR`.
    pub max_age: Option<String>,
    /// `--max-count N`.
    pub max_count: Option<String>,
    /// `--disable`.
    pub disable: bool,
    /// `--savepoint-dir DIR` (refused on session jobs).
    pub savepoint_dir: Option<String>,
    /// `spec.flinkVersion` of the resource (`v1_19`): decides which key a savepoint directory is
    /// added under when the resource sets none ([`savepoint_dir_key`]).
    pub flink_version: Option<String>,
}

impl ScheduleRequest {
    /// Whether the request changes anything (otherwise `schedule` only shows the settings).
    pub fn is_change(&self) -> bool {
        self.interval.is_some()
            || self.max_age.is_some()
            || self.max_count.is_some()
            || self.disable
            || self.savepoint_dir.is_some()
    }
}

pub use super::schedule_dir::{PRE_1_20_SAVEPOINT_DIR_KEY, parse_flink_version, savepoint_dir_key};
pub use super::schedule_error::ScheduleError;

/// One edited option.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigChange {
    /// Canonical option key.
    pub option: &'static str,
    /// The spelling written or removed.
    pub key: String,
    /// Object keys from `flinkConfiguration` down to the leaf.
    pub path: Vec<String>,
    /// Previous value, if any.
    pub previous: Option<Value>,
    /// New value; `None` = removed.
    pub value: Option<String>,
}

/// The result of [`plan_schedule`]: the edited configuration and what changed.
#[derive(Debug, Clone, PartialEq)]
pub struct SchedulePlan {
    /// The full `flinkConfiguration` after the edit.
    pub conf: Map<String, Value>,
    /// Each change, in the order made; empty if nothing changes.
    pub changes: Vec<ConfigChange>,
}

impl SchedulePlan {
    /// Whether nothing would change.
    pub fn is_noop(&self) -> bool {
        self.changes.is_empty()
    }

    /// The merge patch that applies exactly [`Self::changes`], guarded by `resource_version`.
    pub fn merge_patch(&self, resource_version: &str) -> Value {
        let mut patch = MergePatch::new();
        for change in &self.changes {
            let mut path: Vec<&str> = vec!["spec", "flinkConfiguration"];
            path.extend(change.path.iter().map(String::as_str));
            let value = change.value.clone().map_or(Value::Null, Value::String);
            patch.set(&path, value);
        }
        patch.with_resource_version(resource_version).into_value()
    }
}

/// Validates the values of `request` with the operator's grammars.
pub fn validate(request: &ScheduleRequest) -> Result<(), ScheduleError> {
    if let Some(dir) = &request.savepoint_dir {
        parse_fs_uri(dir).map_err(|problem| ScheduleError::SavepointDir {
            value: dir.clone(),
            problem,
        })?;
    }
    if let Some(text) = &request.interval {
        match PeriodicInterval::parse(text) {
            Ok(PeriodicInterval::Disabled) => {
                return Err(ScheduleError::IntervalDisables(text.clone()));
            }
            Ok(_) => {}
            Err(e) => return Err(ScheduleError::Interval(Box::new(e))),
        }
    }
    if let Some(text) = &request.max_age {
        let age = parse_duration(text).map_err(|e| ScheduleError::MaxAge(Box::new(e)))?;
        if age.is_zero() {
            return Err(ScheduleError::MaxAgeZero(text.clone()));
        }
    }
    if let Some(text) = &request.max_count {
        let count = parse_int(text).map_err(|e| ScheduleError::MaxCount(Box::new(e)))?;
        if count < 1 {
            return Err(ScheduleError::MaxCountTooSmall(text.clone()));
        }
    }
    Ok(())
}

/// Plans the edit of a resource's raw `flinkConfiguration` (`conf`, `None` if absent).
///
/// `session_cluster` is the flattened configuration of the session cluster for session jobs
/// (`None` if unknown or not a session job) and `cluster_name` its name (for messages).
/// Validation happens first; nothing is edited on error.
pub fn plan_schedule(
    kind: Kind,
    conf: Option<&Map<String, Value>>,
    session_cluster: Option<&FlatConfig>,
    cluster_name: &str,
    request: &ScheduleRequest,
) -> Result<SchedulePlan, ScheduleError> {
    validate(request)?;
    if kind == Kind::SessionJob && request.savepoint_dir.is_some() {
        return Err(ScheduleError::SessionJobSavepointDir {
            cluster: cluster_name.to_owned(),
        });
    }
    let mut edited = conf.cloned().unwrap_or_default();
    let before = flatten(&edited);
    let layers = Layered::of(&before, session_cluster);
    let has_dir = layers
        .resolve_explicit(&SAVEPOINT_DIR)
        .is_some_and(|r| !r.value.trim().is_empty());
    if request.interval.is_some() && !has_dir && request.savepoint_dir.is_none() {
        return Err(no_dir_error(kind, cluster_name));
    }
    let mut changes = Vec::new();
    if let Some(dir) = &request.savepoint_dir {
        let new_key = savepoint_dir_key(request.flink_version.as_deref());
        write_adding(&mut edited, &SAVEPOINT_DIR, dir, new_key, &mut changes)?;
    }
    if let Some(interval) = &request.interval {
        write(
            &mut edited,
            &PERIODIC_SAVEPOINT_INTERVAL,
            interval,
            &mut changes,
        )?;
    }
    if request.disable {
        disable(&mut edited, &layers, has_dir, &mut changes)?;
    }
    if let Some(age) = &request.max_age {
        write(&mut edited, &HISTORY_MAX_AGE, age, &mut changes)?;
    }
    if let Some(count) = &request.max_count {
        write(&mut edited, &HISTORY_MAX_COUNT, count, &mut changes)?;
    }
    Ok(SchedulePlan {
        conf: edited,
        changes,
    })
}

fn no_dir_error(kind: Kind, cluster_name: &str) -> ScheduleError {
    let keys = SAVEPOINT_DIR
        .spellings()
        .map(|k| format!("\"{k}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let (places, hint) = match kind {
        Kind::SessionJob => (
            format!("the session job and its session cluster \"{cluster_name}\""),
            format!(
                "configure it on the session cluster: kubectl savepoint schedule session/{cluster_name} --savepoint-dir DIR"
            ),
        ),
        _ => (
            "the resource's flinkConfiguration".to_owned(),
            "add --savepoint-dir DIR".to_owned(),
        ),
    };
    ScheduleError::NoSavepointDir { keys, places, hint }
}

fn write(
    conf: &mut Map<String, Value>,
    opt: &'static ConfigOption,
    value: &str,
    changes: &mut Vec<ConfigChange>,
) -> Result<(), ScheduleError> {
    write_adding(conf, opt, value, opt.key, changes)
}

fn write_adding(
    conf: &mut Map<String, Value>,
    opt: &'static ConfigOption,
    value: &str,
    new_key: &str,
    changes: &mut Vec<ConfigChange>,
) -> Result<(), ScheduleError> {
    let mut probe = conf.clone();
    let written = set_option_adding(&mut probe, opt, value, new_key)?;
    if written.previous.as_ref().and_then(Value::as_str) == Some(value) {
        return Ok(());
    }
    *conf = probe;
    changes.push(ConfigChange {
        option: opt.key,
        key: written.location.key,
        path: written.location.path,
        previous: written.previous,
        value: Some(value.to_owned()),
    });
    Ok(())
}

/// `--disable`: an explicit `0` when the interval would otherwise come from the session cluster or
/// the resource sets it and has a savepoint directory; removal when the resource sets it without a
/// savepoint directory (the operator requires one whenever the key is present); nothing when
/// periodic savepoints are already off.
fn disable(
    conf: &mut Map<String, Value>,
    layers: &Layered<'_>,
    has_dir: bool,
    changes: &mut Vec<ConfigChange>,
) -> Result<(), ScheduleError> {
    let opt = &PERIODIC_SAVEPOINT_INTERVAL;
    let in_resource = layers.resource.lookup(opt).is_some();
    let effective = layers.resolve_explicit(opt);
    let enabled = effective.is_some_and(|r| {
        !matches!(
            PeriodicInterval::parse(r.value),
            Ok(PeriodicInterval::Disabled)
        )
    });
    if !in_resource && !enabled {
        return Ok(());
    }
    if in_resource && !enabled {
        return Ok(());
    }
    if in_resource && !has_dir {
        for removed in remove_option(conf, opt) {
            let previous = layers
                .resource
                .get(&removed.key)
                .map(|v| Value::String(v.to_owned()));
            changes.push(ConfigChange {
                option: opt.key,
                key: removed.key,
                path: removed.path,
                previous,
                value: None,
            });
        }
        return Ok(());
    }
    write(conf, opt, "0", changes)
}

#[cfg(test)]
#[path = "schedule_tests.rs"]
mod tests;
