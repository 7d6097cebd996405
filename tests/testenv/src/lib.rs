#![forbid(unsafe_code)]
//! # flink-testenv
//!
//! Test support for the end-to-end tiers:
//!
//! * [`RealCluster`]: a real etcd and kube-apiserver (built from their published Go modules by
//!   `make realk8s` into `target/realk8s/bin`), started once per test binary on free loopback ports, with
//!   RBAC, token users ([`User`]), the upstream Flink CRDs from `../shared/flink-crds/` installed and
//!   Established, and the plugin ClusterRoles from `manifests/plugin-rbac/` bound to the viewer and
//!   operator users. The processes run under a supervisor that kills them and removes their data directory
//!   when the test process exits for any reason (end of tests, panic, SIGKILL, Ctrl-C).
//! * [`Env`]: one fixture interface over either backend (the sandbox or the real API server): a namespace of
//!   its own per test, kubeconfigs per user, and object set-up through the API (create, then `/status`),
//!   never by reaching into a store.
//! * [`LiveFlink`]: a live Flink MiniCluster JobManager (`tests/flink-capture`, Java + Maven) in a network
//!   namespace of its own, once per test binary, for the live-Flink end-to-end tier; [`Env::serve_live_flink`]
//!   puts it behind a cluster's `<name>-rest` Service (Pod, Service, EndpointSlice) on either backend.

mod env;
mod live_flink;
mod real;

/// `sandbox::NAME` and `real::NAME` tests for each `async fn NAME(env: Env)` in the calling module: the
/// one suite on both backends (`make e2e-real` runs the `real::` ones).
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sandbox {
            $(
                #[tokio::test(flavor = "multi_thread")]
                async fn $name() {
                    super::$name($crate::Env::sandbox().await).await
                }
            )*
        }
        mod real {
            $(
                #[tokio::test(flavor = "multi_thread")]
                async fn $name() {
                    super::$name($crate::Env::real().await).await
                }
            )*
        }
    };
}

pub use env::{Backend, Env};
pub use live_flink::{CHECKPOINT_INTERVAL_MS, LiveFlink, SNAPSHOT_SLEEP_MS, class_path};
pub use real::{RealCluster, User};

/// `<workspace root>` (the directory holding the top-level `Cargo.toml`).
pub fn workspace_root() -> std::path::PathBuf {
    std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}
