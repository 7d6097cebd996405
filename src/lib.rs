//! Shared library for `kubectl-savepoint` and `savepoint-webhook`.
//!
//! Pure decision logic lives here; the binaries are thin I/O shells around it.
#![forbid(unsafe_code)]
pub mod admission;
pub mod config;
pub mod crd;
pub mod flink_rest;
pub mod grammar;
pub mod history;
pub mod jsonpath;
pub mod location;
pub mod patch;
pub mod plan;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod time;
