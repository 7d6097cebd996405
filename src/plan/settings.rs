//! The effective savepoint settings of a resource with the source of each value
//! (`kubectl savepoint schedule TARGET` without flags, and `describe`).

use serde::Serialize;

use crate::config::options::{
    HISTORY_MAX_AGE, HISTORY_MAX_COUNT, PERIODIC_SAVEPOINT_INTERVAL, SAVEPOINT_CLEANUP_ENABLED,
    SAVEPOINT_DIR, SNAPSHOT_RESOURCE_ENABLED,
};
use crate::config::{ConfigOption, Layered, ValueSource};
use crate::grammar::{PeriodicInterval, format_duration, parse_duration, parse_int};

/// Where a value comes from, for display and JSON output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SettingSource {
    /// The resource's own `flinkConfiguration`.
    Resource,
    /// The session cluster a session job runs on.
    SessionCluster,
    /// The operator's built-in default (operator-wide configuration is not visible here).
    OperatorDefault,
    /// Not set anywhere and no default.
    Unset,
}

impl SettingSource {
    /// Human text (`resource`, `session cluster`, `operator default`, `unset`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Resource => "resource",
            Self::SessionCluster => "session cluster",
            Self::OperatorDefault => "operator default",
            Self::Unset => "unset",
        }
    }
}

impl From<ValueSource> for SettingSource {
    fn from(source: ValueSource) -> Self {
        match source {
            ValueSource::Resource => Self::Resource,
            ValueSource::SessionCluster => Self::SessionCluster,
            ValueSource::OperatorDefault => Self::OperatorDefault,
        }
    }
}

/// One resolved option: canonical key, the spelling that supplied it, value, source and meaning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Setting {
    /// Canonical option key.
    pub option: &'static str,
    /// The key spelling that supplied the value (canonical key for defaults).
    pub key: String,
    /// The raw value (`None` when unset without default).
    pub value: Option<String>,
    /// Where the value comes from.
    pub source: SettingSource,
    /// What the operator makes of it (`every 6h`, `cron 0 0 * * * ?`, `disabled`, `keeps 5`).
    pub meaning: String,
}

/// Resolves `opt` on `layers` and interprets the value with `interpret`.
pub fn setting(layers: &Layered<'_>, opt: &ConfigOption, interpret: fn(&str) -> String) -> Setting {
    match layers.resolve(opt) {
        Some(resolved) => Setting {
            option: opt.key,
            key: resolved.key.to_owned(),
            value: Some(resolved.value.to_owned()),
            source: resolved.source.into(),
            meaning: interpret(resolved.value),
        },
        None => Setting {
            option: opt.key,
            key: opt.key.to_owned(),
            value: None,
            source: SettingSource::Unset,
            meaning: "not configured".to_owned(),
        },
    }
}

/// Meaning of a periodic interval value as the operator evaluates it.
pub fn interval_meaning(value: &str) -> String {
    match PeriodicInterval::parse(value) {
        Ok(PeriodicInterval::Disabled) => "disabled".to_owned(),
        Ok(PeriodicInterval::Every(d)) => format!("every {}", format_duration(d)),
        Ok(PeriodicInterval::Cron(_)) => format!("cron \"{}\" (operator time zone)", value.trim()),
        Err(_) => "invalid: the operator ignores it (no periodic savepoints)".to_owned(),
    }
}

fn age_meaning(value: &str) -> String {
    match parse_duration(value) {
        Ok(d) => format!("keep savepoints up to {} old", format_duration(d)),
        Err(_) => "invalid duration: the operator rejects it".to_owned(),
    }
}

fn count_meaning(value: &str) -> String {
    match parse_int(value) {
        Ok(n) => format!("keep at most {}", n.max(1)),
        Err(_) => "invalid integer: the operator rejects it".to_owned(),
    }
}

fn dir_meaning(value: &str) -> String {
    if value.trim().is_empty() {
        "empty: no savepoint directory".to_owned()
    } else {
        "savepoint target directory".to_owned()
    }
}

fn bool_meaning(value: &str) -> String {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" => "enabled".to_owned(),
        "false" => "disabled".to_owned(),
        _ => "invalid boolean".to_owned(),
    }
}

/// The effective schedule, retention and savepoint directory of a resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleView {
    /// `kubernetes.operator.periodic.savepoint.interval`.
    pub interval: Setting,
    /// `kubernetes.operator.savepoint.history.max.age`.
    pub max_age: Setting,
    /// `kubernetes.operator.savepoint.history.max.count`.
    pub max_count: Setting,
    /// `kubernetes.operator.savepoint.cleanup.enabled`.
    pub cleanup: Setting,
    /// The savepoint directory (any spelling).
    pub savepoint_dir: Setting,
    /// `kubernetes.operator.snapshot.resource.enabled`.
    pub snapshot_resources: Setting,
}

/// Computes the [`ScheduleView`] of `layers`.
pub fn schedule_view(layers: &Layered<'_>) -> ScheduleView {
    ScheduleView {
        interval: setting(layers, &PERIODIC_SAVEPOINT_INTERVAL, interval_meaning),
        max_age: setting(layers, &HISTORY_MAX_AGE, age_meaning),
        max_count: setting(layers, &HISTORY_MAX_COUNT, count_meaning),
        cleanup: setting(layers, &SAVEPOINT_CLEANUP_ENABLED, bool_meaning),
        savepoint_dir: setting(layers, &SAVEPOINT_DIR, dir_meaning),
        snapshot_resources: setting(layers, &SNAPSHOT_RESOURCE_ENABLED, bool_meaning),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::FlatConfig;

    fn flat(pairs: &[(&str, &str)]) -> FlatConfig {
        pairs.iter().copied().collect()
    }

    #[test]
    fn each_value_reports_resource_session_cluster_or_operator_default() {
        let job = flat(&[("kubernetes.operator.savepoint.history.max.count", "3")]);
        let cluster = flat(&[
            ("kubernetes.operator.periodic.savepoint.interval", "6h"),
            ("state.savepoints.dir", "s3://b/sp"),
        ]);
        let view = schedule_view(&Layered::session_job(&job, &cluster));
        assert_eq!(view.max_count.source, SettingSource::Resource);
        assert_eq!(view.max_count.meaning, "keep at most 3");
        assert_eq!(view.interval.source, SettingSource::SessionCluster);
        assert_eq!(view.interval.meaning, "every 6 h");
        assert_eq!(view.max_age.source, SettingSource::OperatorDefault);
        assert_eq!(view.max_age.value.as_deref(), Some("24 h"));
        assert_eq!(view.savepoint_dir.key, "state.savepoints.dir");
        assert_eq!(view.savepoint_dir.source, SettingSource::SessionCluster);
    }

    #[test]
    fn missing_savepoint_dir_is_unset_and_default_interval_is_disabled() {
        let conf = flat(&[]);
        let view = schedule_view(&Layered::standalone(&conf));
        assert_eq!(view.savepoint_dir.source, SettingSource::Unset);
        assert_eq!(view.savepoint_dir.value, None);
        assert_eq!(view.interval.meaning, "disabled");
        assert_eq!(view.max_count.meaning, "keep at most 10");
    }

    #[test]
    fn cron_and_invalid_intervals_are_explained() {
        assert!(interval_meaning("0 0 */6 * * ?").starts_with("cron"));
        assert!(interval_meaning("every day").starts_with("invalid"));
        assert_eq!(count_meaning("0"), "keep at most 1");
    }
}
