//! Serde structs for the responses; see the module docs for the tolerance rules.

mod checkpoints;
mod jobs;
mod savepoint;
mod values;

pub use checkpoints::*;
pub use jobs::*;
pub use savepoint::*;
pub use values::{CheckpointStatus, CheckpointType, JobState, QueueStatus, SavepointFormat};
