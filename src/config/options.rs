//! Catalogue of the configuration options relevant to savepoints, as the operator defines them
//! (Flink 1.20 `ConfigOption`s and `KubernetesOperatorConfigOptions`).

/// The value grammar of an option (see [`crate::grammar`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// Free text (paths, URIs).
    String,
    /// Flink duration, [`crate::grammar::parse_duration`].
    Duration,
    /// Java `int`, [`crate::grammar::parse_int`].
    Integer,
    /// `true`/`false`, [`crate::grammar::parse_bool`].
    Boolean,
    /// One of the listed constants, case-insensitive, [`crate::grammar::parse_enum`].
    Enum(&'static [&'static str]),
    /// Periodic snapshot interval: duration or Quartz cron, [`crate::grammar::PeriodicInterval`].
    Interval,
}

/// A configuration option: canonical key, deprecated spellings still resolved, built-in default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfigOption {
    /// Canonical key.
    pub key: &'static str,
    /// Deprecated keys, consulted in this order only when `key` is absent.
    pub deprecated_keys: &'static [&'static str],
    /// The operator's built-in default (`None` = no default / unset).
    pub default: Option<&'static str>,
    /// One-line human description.
    pub description: &'static str,
    /// Grammar of the value.
    pub kind: ValueKind,
}

impl ConfigOption {
    /// The canonical key followed by the deprecated keys, in lookup order.
    pub fn spellings(&self) -> impl Iterator<Item = &'static str> + use<> {
        std::iter::once(self.key).chain(self.deprecated_keys.iter().copied())
    }

    /// Whether `key` is one of this option's spellings.
    pub fn has_spelling(&self, key: &str) -> bool {
        self.spellings().any(|s| s == key)
    }
}

macro_rules! option {
    ($name:ident, $key:literal, [$($alias:literal),*], $default:expr, $kind:expr, $desc:literal) => {
        #[doc = concat!("`", $key, "`: ", $desc)]
        pub const $name: ConfigOption = ConfigOption {
            key: $key,
            deprecated_keys: &[$($alias),*],
            default: $default,
            description: $desc,
            kind: $kind,
        };
    };
}

option!(
    SAVEPOINT_DIR,
    "execution.checkpointing.savepoint-dir",
    ["state.savepoints.dir", "savepoints.state.backend.fs.dir"],
    None,
    ValueKind::String,
    "Default target directory for savepoints."
);
option!(
    CHECKPOINT_DIR,
    "execution.checkpointing.dir",
    ["state.checkpoints.dir", "state.backend.fs.checkpointdir"],
    None,
    ValueKind::String,
    "Directory for checkpoint data and metadata."
);
option!(
    CHECKPOINTS_NUM_RETAINED,
    "execution.checkpointing.num-retained",
    ["state.checkpoints.num-retained"],
    Some("1"),
    ValueKind::Integer,
    "Maximum number of completed checkpoints to retain."
);
option!(
    STATE_RECOVERY_PATH,
    "execution.state-recovery.path",
    ["execution.savepoint.path"],
    None,
    ValueKind::String,
    "Path of the savepoint or checkpoint to restore the job from."
);
option!(
    IGNORE_UNCLAIMED_STATE,
    "execution.state-recovery.ignore-unclaimed-state",
    ["execution.savepoint.ignore-unclaimed-state"],
    Some("false"),
    ValueKind::Boolean,
    "Allow skipping state that cannot be mapped to the new program (allowNonRestoredState)."
);
option!(
    CLAIM_MODE,
    "execution.state-recovery.claim-mode",
    ["execution.savepoint-restore-mode"],
    Some("DEFAULT"),
    ValueKind::Enum(&["CLAIM", "NO_CLAIM", "LEGACY", "DEFAULT"]),
    "How the restored snapshot is claimed."
);
option!(
    PERIODIC_SAVEPOINT_INTERVAL,
    "kubernetes.operator.periodic.savepoint.interval",
    [],
    Some(""),
    ValueKind::Interval,
    "Periodic savepoint trigger: duration or Quartz cron; empty or 0 disables."
);
option!(
    PERIODIC_CHECKPOINT_INTERVAL,
    "kubernetes.operator.periodic.checkpoint.interval",
    [],
    Some(""),
    ValueKind::Interval,
    "Periodic checkpoint trigger: duration or Quartz cron; empty or 0 disables."
);
option!(
    HISTORY_MAX_AGE,
    "kubernetes.operator.savepoint.history.max.age",
    [],
    Some("24 h"),
    ValueKind::Duration,
    "Maximum age of savepoints kept in the history."
);
option!(
    HISTORY_MAX_COUNT,
    "kubernetes.operator.savepoint.history.max.count",
    [],
    Some("10"),
    ValueKind::Integer,
    "Maximum number of savepoints kept in the history (effective max(1, n))."
);
option!(
    HISTORY_MAX_AGE_THRESHOLD,
    "kubernetes.operator.savepoint.history.max.age.threshold",
    [],
    None,
    ValueKind::Duration,
    "Operator-wide upper bound for the per-resource history max age."
);
option!(
    HISTORY_MAX_COUNT_THRESHOLD,
    "kubernetes.operator.savepoint.history.max.count.threshold",
    [],
    None,
    ValueKind::Integer,
    "Operator-wide upper bound for the per-resource history max count."
);
option!(
    SAVEPOINT_CLEANUP_ENABLED,
    "kubernetes.operator.savepoint.cleanup.enabled",
    [],
    Some("true"),
    ValueKind::Boolean,
    "Whether the operator disposes savepoints beyond the history limits."
);
option!(
    DISPOSE_ON_DELETE,
    "kubernetes.operator.savepoint.dispose-on-delete",
    [],
    Some("false"),
    ValueKind::Boolean,
    "disposeOnDelete for savepoint resources the operator creates."
);
option!(
    SNAPSHOT_RESOURCE_ENABLED,
    "kubernetes.operator.snapshot.resource.enabled",
    [],
    Some("true"),
    ValueKind::Boolean,
    "Use FlinkStateSnapshot resources (per resource it can only disable them)."
);
option!(
    SAVEPOINT_FORMAT_TYPE,
    "kubernetes.operator.savepoint.format.type",
    [],
    Some("CANONICAL"),
    ValueKind::Enum(&["CANONICAL", "NATIVE"]),
    "Format of operator-triggered savepoints."
);
option!(
    SAVEPOINT_TRIGGER_GRACE_PERIOD,
    "kubernetes.operator.savepoint.trigger.grace-period",
    ["kubernetes.operator.observer.savepoint.trigger.grace-period"],
    Some("1 min"),
    ValueKind::Duration,
    "Grace period before a pending legacy savepoint trigger is failed."
);
option!(
    CHECKPOINT_TRIGGER_GRACE_PERIOD,
    "kubernetes.operator.checkpoint.trigger.grace-period",
    [],
    Some("1 min"),
    ValueKind::Duration,
    "Grace period before a pending legacy checkpoint trigger is failed."
);
option!(
    SAVEPOINT_ON_DELETION,
    "kubernetes.operator.job.savepoint-on-deletion",
    [],
    Some("false"),
    ValueKind::Boolean,
    "Take a savepoint when the resource is deleted."
);
option!(
    DRAIN_ON_SAVEPOINT_DELETION,
    "kubernetes.operator.job.drain-on-savepoint-deletion",
    [],
    Some("false"),
    ValueKind::Boolean,
    "Drain the job when taking the deletion savepoint."
);
option!(
    IGNORE_PENDING_SAVEPOINT,
    "kubernetes.operator.job.upgrade.ignore-pending-savepoint",
    [],
    Some("false"),
    ValueKind::Boolean,
    "Upgrade even while a savepoint is pending."
);
option!(
    LAST_STATE_MAX_CHECKPOINT_AGE,
    "kubernetes.operator.job.upgrade.last-state.max.allowed.checkpoint.age",
    [],
    None,
    ValueKind::Duration,
    "Maximum checkpoint age for last-state upgrades (requires a savepoint dir)."
);
option!(
    RECONCILE_INTERVAL,
    "kubernetes.operator.reconcile.interval",
    [],
    Some("60 s"),
    ValueKind::Duration,
    "Operator requeue period."
);

/// Every option in this catalogue.
pub const ALL: &[&ConfigOption] = &[
    &SAVEPOINT_DIR,
    &CHECKPOINT_DIR,
    &CHECKPOINTS_NUM_RETAINED,
    &STATE_RECOVERY_PATH,
    &IGNORE_UNCLAIMED_STATE,
    &CLAIM_MODE,
    &PERIODIC_SAVEPOINT_INTERVAL,
    &PERIODIC_CHECKPOINT_INTERVAL,
    &HISTORY_MAX_AGE,
    &HISTORY_MAX_COUNT,
    &HISTORY_MAX_AGE_THRESHOLD,
    &HISTORY_MAX_COUNT_THRESHOLD,
    &SAVEPOINT_CLEANUP_ENABLED,
    &DISPOSE_ON_DELETE,
    &SNAPSHOT_RESOURCE_ENABLED,
    &SAVEPOINT_FORMAT_TYPE,
    &SAVEPOINT_TRIGGER_GRACE_PERIOD,
    &CHECKPOINT_TRIGGER_GRACE_PERIOD,
    &SAVEPOINT_ON_DELETION,
    &DRAIN_ON_SAVEPOINT_DELETION,
    &IGNORE_PENDING_SAVEPOINT,
    &LAST_STATE_MAX_CHECKPOINT_AGE,
    &RECONCILE_INTERVAL,
];

/// The catalogued option that `key` is a spelling of, if any.
pub fn by_key(key: &str) -> Option<&'static ConfigOption> {
    ALL.iter().copied().find(|opt| opt.has_spelling(key))
}
