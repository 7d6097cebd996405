//! Everything that talks to the API server: the client built from the kubectl flags
//! ([`Context`]), discovery, reads, the one write path with conflict retries ([`write`]),
//! events and watches. Errors come back as [`crate::error::Error`]; output is left to
//! `crate::render`, except progress lines on stderr while following a savepoint.

mod cache;
mod context;
mod discovery;
mod events;
mod flink_rest;
mod follow;
mod follow_probe;
mod follow_watch;
mod jobs;
mod loaded;
pub mod retry;
mod selection;
mod snapshots;
mod transport;
mod warnings;
mod watch;
pub mod write;

pub use context::{Context, apply_overrides, build_config, watch_timeout};
pub use discovery::{FlinkCrds, PAGE_SIZE, discover_flink, get, list_all};
pub use events::events;
pub use flink_rest::{FlinkRest, Unreachable, call_timeout};
pub use follow::{FollowSpec, Followed, follow};
pub use jobs::{CONCURRENCY, batch_targets, select_jobs};
pub use loaded::{Loaded, load};
pub use selection::{Objects, Selection};
pub use snapshots::{delete_snapshot, require_snapshot_crd, snapshot_crd_served, snapshots_in};
pub use transport::HTTP_TARGET;
pub use warnings::warning_text;
pub use watch::watch;
