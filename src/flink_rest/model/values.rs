//! Value types the responses share: the tolerant enumerations and the `-1` "unknown" reader.

use serde::{Deserialize, Deserializer, Serialize};

/// Reads an integer where Flink uses `-1` (or any negative value) for "unknown": `None`.
pub(super) fn non_negative<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(Option::<i128>::deserialize(d)?.and_then(|v| u64::try_from(v).ok()))
}

/// A string enumeration that keeps values it does not know (newer Flink releases add some).
macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(from = "String", into = "String")]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this model does not know, verbatim.
            Other(String),
        }

        impl $name {
            /// The value as Flink spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)+
                    Self::Other(s) => s,
                }
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                match s.as_str() {
                    $($text => Self::$variant,)+
                    _ => Self::Other(s),
                }
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.as_str().to_owned()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// `org.apache.flink.api.common.JobStatus`: the same tolerant enum the CRD models use for
/// `status.jobStatus.state` (the operator copies it from this REST field).
pub use crate::crd::FlinkJobState as JobState;

open_enum! {
    /// `CheckpointStatsStatus`.
    CheckpointStatus {
        InProgress = "IN_PROGRESS",
        Completed = "COMPLETED",
        Failed = "FAILED",
    }
}

open_enum! {
    /// `SavepointFormatType`; `null` on periodic checkpoints.
    SavepointFormat {
        Canonical = "CANONICAL",
        Native = "NATIVE",
    }
}

open_enum! {
    /// `checkpoint_type` (`CheckpointStatistics.RestAPICheckpointType`).
    CheckpointType {
        Checkpoint = "CHECKPOINT",
        UnalignedCheckpoint = "UNALIGNED_CHECKPOINT",
        Savepoint = "SAVEPOINT",
        SyncSavepoint = "SYNC_SAVEPOINT",
    }
}

open_enum! {
    /// `QueueStatus.Id` of an asynchronous operation (savepoint trigger).
    QueueStatus {
        InProgress = "IN_PROGRESS",
        Completed = "COMPLETED",
    }
}
