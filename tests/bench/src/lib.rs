//! Benchmark and robustness harness for flink-savepoint (`make bench`, fault and bad-input
//! tests). Not shipped; performance is measured here and never asserted in tests.
#![forbid(unsafe_code)]

pub mod certs;
pub mod client;
pub mod dataset;
pub mod decision;
pub mod fixtures;
pub mod floor;
pub mod memory_bench;
pub mod plugin_bench;
pub mod procinfo;
pub mod report;
pub mod server;
pub mod stats;
pub mod webhook_bench;
