#![forbid(unsafe_code)]
//! flink-sandbox (docs below).

pub mod admission;
pub mod auth;
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
pub use sandbox::{Sandbox, SandboxBuilder, default_shared_dir};
pub use server::{Fault, RequestRecord};
pub use simulator::{Simulator, SimulatorConfig};
pub use store::{Store, StoreError};
pub use tls::TestCert;
