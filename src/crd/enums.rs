//! String enums of the Flink operator API.
//!
//! The operator mixes casings (`last-state`, `CANONICAL`, `FlinkDeployment`), so every variant
//! spells its wire text explicitly. Each enum also has an `Unknown(String)` variant that keeps
//! the original text of values this crate does not know (a newer operator, a typo in a manifest),
//! so deserialize → serialize returns the same string and nothing is lost on a patch.

/// Declares a string enum with explicit wire names plus an `Unknown(String)` catch-all.
///
/// Generated: `as_str()`, `Display`, `FromStr` (infallible), `Serialize`, `Deserialize`,
/// `JsonSchema` (a plain string) and `is_unknown()`.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this crate does not know; the original text is kept verbatim.
            Unknown(String),
        }

        impl $name {
            /// Every known variant, in declaration order.
            pub const KNOWN: &'static [$name] = &[ $( $name::$variant, )+ ];

            /// The exact text used on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $text, )+
                    $name::Unknown(text) => text.as_str(),
                }
            }

            /// Whether the value was not recognised (see `Unknown`).
            pub fn is_unknown(&self) -> bool {
                matches!(self, $name::Unknown(_))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            /// Exact (case-sensitive) match on the wire text; anything else becomes `Unknown`.
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(match s {
                    $( $text => $name::$variant, )+
                    other => $name::Unknown(other.to_owned()),
                })
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s.parse() {
                    Ok(v) => v,
                    Err(never) => match never {},
                }
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <String as ::serde::Deserialize>::deserialize(deserializer)?;
                Ok($name::from(text.as_str()))
            }
        }

        impl ::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(stringify!($name))
            }

            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                ::schemars::json_schema!({ "type": "string" })
            }
        }
    };
}

pub(crate) use string_enum;

string_enum! {
    /// `spec.job.upgradeMode`.
    pub enum UpgradeMode {
        /// Restart without state.
        Stateless = "stateless",
        /// Stop with a savepoint and restore from it.
        Savepoint = "savepoint",
        /// Restore from the latest checkpoint (HA metadata).
        LastState = "last-state",
    }
}

string_enum! {
    /// `spec.job.state`: the desired state of the job.
    pub enum JobState {
        /// The job should run.
        Running = "running",
        /// The job should be suspended.
        Suspended = "suspended",
    }
}

string_enum! {
    /// Savepoint format (`formatType` in spec and status).
    pub enum SavepointFormatType {
        /// Portable format.
        Canonical = "CANONICAL",
        /// State-backend specific format.
        Native = "NATIVE",
        /// Unknown to the operator itself.
        Unspecified = "UNKNOWN",
    }
}

string_enum! {
    /// Why a snapshot was taken (`triggerType`, label `snapshot.trigger-type`).
    pub enum SnapshotTriggerType {
        /// User requested (nonce or a user-created FlinkStateSnapshot).
        Manual = "MANUAL",
        /// `kubernetes.operator.periodic.savepoint.interval`.
        Periodic = "PERIODIC",
        /// Taken by the operator during an upgrade / stop.
        Upgrade = "UPGRADE",
        /// The operator's own "unknown" value.
        Unspecified = "UNKNOWN",
    }
}

string_enum! {
    /// `status.state` of a FlinkStateSnapshot.
    pub enum SnapshotState {
        /// Waiting to be triggered (also the state of a retried failure).
        TriggerPending = "TRIGGER_PENDING",
        /// Triggered, Flink is writing it.
        InProgress = "IN_PROGRESS",
        /// Done; `status.path` holds the location.
        Completed = "COMPLETED",
        /// Failed (may be retried per `backoffLimit`).
        Failed = "FAILED",
        /// The job was gone or not running; terminal.
        Abandoned = "ABANDONED",
    }
}

string_enum! {
    /// `spec.jobReference.kind` of a FlinkStateSnapshot.
    pub enum JobKind {
        /// An application-mode FlinkDeployment.
        FlinkDeployment = "FlinkDeployment",
        /// A FlinkSessionJob.
        FlinkSessionJob = "FlinkSessionJob",
    }
}

string_enum! {
    /// Label `snapshot.type`.
    pub enum SnapshotType {
        /// A savepoint.
        Savepoint = "SAVEPOINT",
        /// A checkpoint.
        Checkpoint = "CHECKPOINT",
    }
}

string_enum! {
    /// `status.jobStatus.state`: the Flink job status as reported by Flink.
    pub enum FlinkJobState {
        /// Initializing.
        Initializing = "INITIALIZING",
        /// Created.
        Created = "CREATED",
        /// Running.
        Running = "RUNNING",
        /// Failing.
        Failing = "FAILING",
        /// Failed (terminal).
        Failed = "FAILED",
        /// Cancelling.
        Cancelling = "CANCELLING",
        /// Canceled (terminal).
        Canceled = "CANCELED",
        /// Finished (terminal).
        Finished = "FINISHED",
        /// Restarting.
        Restarting = "RESTARTING",
        /// Suspended.
        Suspended = "SUSPENDED",
        /// Reconciling.
        Reconciling = "RECONCILING",
    }
}

string_enum! {
    /// `status.lifecycleState`.
    pub enum LifecycleState {
        /// Created.
        Created = "CREATED",
        /// Suspended.
        Suspended = "SUSPENDED",
        /// Upgrading.
        Upgrading = "UPGRADING",
        /// Deployed.
        Deployed = "DEPLOYED",
        /// Stable.
        Stable = "STABLE",
        /// Rolling back.
        RollingBack = "ROLLING_BACK",
        /// Rolled back.
        RolledBack = "ROLLED_BACK",
        /// Failed.
        Failed = "FAILED",
        /// Deleting.
        Deleting = "DELETING",
        /// Deleted.
        Deleted = "DELETED",
    }
}

string_enum! {
    /// `status.reconciliationStatus.state`.
    pub enum ReconciliationState {
        /// Deployed.
        Deployed = "DEPLOYED",
        /// Upgrading.
        Upgrading = "UPGRADING",
        /// Rolling back.
        RollingBack = "ROLLING_BACK",
        /// Rolled back.
        RolledBack = "ROLLED_BACK",
    }
}

string_enum! {
    /// `status.jobManagerDeploymentStatus` of a FlinkDeployment.
    pub enum JobManagerDeploymentStatus {
        /// Ready.
        Ready = "READY",
        /// Deployed, not ready yet.
        DeployedNotReady = "DEPLOYED_NOT_READY",
        /// Deploying.
        Deploying = "DEPLOYING",
        /// Missing.
        Missing = "MISSING",
        /// Error.
        Error = "ERROR",
    }
}

impl SnapshotState {
    /// Whether the operator will not change this state any more on its own
    /// (`COMPLETED`, `ABANDONED`; `FAILED` counts as terminal for waiting clients).
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Completed | Self::Failed | Self::Abandoned)
    }
}

impl FlinkJobState {
    /// Whether the job is `RUNNING` (the operator only triggers savepoints then).
    pub fn is_running(&self) -> bool {
        matches!(self, Self::Running)
    }

    /// Terminal states of Flink's state machine (`SUSPENDED` is locally terminal only).
    pub fn is_globally_terminal(&self) -> bool {
        matches!(self, Self::Failed | Self::Canceled | Self::Finished)
    }
}

impl JobKind {
    /// Lower-case kind as used in `kubectl` resource references (`flinkdeployment`).
    pub fn lowercase(&self) -> String {
        self.as_str().to_ascii_lowercase()
    }
}
