#![forbid(unsafe_code)]
//! # flink-sandbox
//!
//! A local stand-in for the parts of kube-apiserver that `kubectl-savepoint` and `savepoint-webhook` touch,
//! plus an optional Flink operator simulator. Test and demo tooling only (not shipped).
//!
//! ## Usage from tests
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use flink_sandbox::{Fault, Permissions, Sandbox, SimulatorConfig};
//!
//! let sb = Sandbox::builder()
//!     // .shared_dir("/path/to/shared")        // default: $FLINK_SANDBOX_SHARED or <repo>/../shared
//!     // .tls(false)                           // plain HTTP; default is HTTPS with a generated CA
//!     // .without_crd("flinkstatesnapshots")   // mimic an operator < 1.10 cluster
//!     .user("viewer", "viewer-token", Permissions::read_only())
//!     .simulator(SimulatorConfig { autonomous: false, ..Default::default() })
//!     .start()
//!     .await?;
//!
//! let kubeconfig = sb.kubeconfig_path();               // admin, context "sandbox", namespace "default"
//! let viewer_kc = sb.kubeconfig_for_user("viewer")?;   // same cluster, viewer's token
//!
//! // Test setup/asserts bypassing auth and admission (resources named by plural):
//! sb.store().ensure_namespace("analytics");
//! let obj = serde_json::json!({"apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
//!     "metadata": {"name": "orders-app"}, "spec": {"job": {"jarURI": "local:///x.jar"}}});
//! sb.store().create("flinkdeployments", "analytics", obj)?;
//! let got = sb.store().get("flinkdeployments", "analytics", "orders-app");
//!
//! // Deterministic operator simulation (autonomous: false): run reconcile passes / move the clock.
//! let sim = sb.simulator().expect("enabled");
//! sim.step();                                        // reconcile at the current simulated time
//! sim.advance(std::time::Duration::from_secs(5));    // move simulated time, reconciling on the way
//!
//! // Request log and fault injection:
//! let lists = sb.requests().iter().filter(|r| r.verb.as_deref() == Some("list")).count();
//! sb.inject(Fault::ConflictOnNextWrite { resource: "flinkdeployments".into(), name: "orders-app".into(), times: 1 });
//! sb.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! Other builder options: `.listen(addr)`, `.kubeconfig_out(path)` (also write the admin kubeconfig there),
//! `.webhook_ca(pem)` (a CA trusted for every webhook call, like the apiserver's system trust store).
//! Faults: [`Fault::ConflictOnNextWrite`] (409 on the next N PUT/PATCH/DELETE of one object) and
//! [`Fault::ErrorOnNext`] (status `code` on the next N requests with a verb on a resource).
//!
//! With kube-rs: `kube::Config::from_custom_kubeconfig(Kubeconfig::read_from(sb.kubeconfig_path())?, &Default::default())`.
//! For an in-test HTTPS webhook use [`TlsServer::start`] with an axum `Router` and put
//! [`TlsServer::ca_bundle`] into the webhook configuration's `clientConfig.caBundle`.
//!
//! ## What the API server does
//!
//! Discovery (`/version`, `/api`, `/api/v1`, `/apis`, group and group-version documents, `/openapi/v3`),
//! namespaces, core/v1 events, admissionregistration.k8s.io/v1 webhook configurations and the Flink CRDs from
//! `<shared>/flink-crds/`. GET, LIST (label/field selectors, `limit`/`continue`, all namespaces, `Table` for
//! `kubectl get`), WATCH (from a resourceVersion or now, bookmarks, `sendInitialEvents`, `timeoutSeconds`),
//! create (`generateName`, `dryRun=All`), update with resourceVersion preconditions, delete (finalizers),
//! `/status`, JSON/merge patch, server-side apply (deep merge; `fieldManager` required), strategic merge → 415.
//! Schema validation (types, required, enums, pruning with `fieldValidation`), bearer-token users with
//! per-verb permissions (403s worded like RBAC), mutating then validating admission webhooks over HTTPS.
//! Errors and bodies are shaped like `shared/fixtures/apiserver-responses/` (see `tests/fidelity.rs`).
//! Not implemented: managedFields, SSA field ownership/conflicts (apply is a deep merge; fields dropped from
//! an applied configuration are not removed), deletecollection, aggregated discovery (kubectl falls back to
//! the legacy documents), protobuf except `kubectl create namespace`, webhook `matchConditions` and
//! `reinvocationPolicy`. The binary `flink-sandbox --help` lists the command-line equivalents.
//!
//! ## Operator simulator
//!
//! See [`simulator`]: reacts to FlinkDeployment/FlinkSessionJob/FlinkStateSnapshot changes like the Flink
//! operator. Failing savepoints on demand: annotate the FlinkDeployment/FlinkSessionJob (or the snapshot)
//! with `sandbox.flink-savepoint.io/fail-savepoints: "true"`, or set [`SimulatorConfig::fail_savepoints`].
//! With [`SimulatorConfig::finalizers`] (default) the simulator adds the operator's finalizers, so a DELETE
//! answers 202 and the object disappears on the simulator's next pass (immediately in autonomous mode,
//! on `step()` otherwise). Simulated timestamps (status fields, snapshot names) run on the simulated clock,
//! which is ahead of the wall clock when `time_scale > 1`; metadata and event timestamps are wall-clock.

pub mod admission;
pub mod auth;
mod listen;
pub mod patch;
pub mod resources;
mod sandbox;
pub mod schema;
pub mod selector;
mod server;
pub mod simulator;
pub mod status;
pub mod store;
pub mod tls;
mod util;

pub use auth::{ADMIN_TOKEN, ADMIN_USER, Permissions};
pub use listen::TlsServer;
pub use sandbox::{Sandbox, SandboxBuilder, default_shared_dir};
pub use server::{Fault, RequestRecord};
pub use simulator::{Simulator, SimulatorConfig};
pub use store::{Store, StoreError};
pub use tls::TestCert;
