//! The webhook-free install (`manifests/policy`): ValidatingAdmissionPolicies and a
//! MutatingAdmissionPolicy generated from the library, so that the CEL rules, key spellings,
//! defaults and messages have one source of truth. `gen-policy` writes the files; the
//! `generated` test fails when the committed YAML is stale; the `policy` tests run the install
//! on a real kube-apiserver and compare every admission case with the webhook's decision.

pub mod cel;
pub mod messages;
mod render;

pub use render::{FORBIDDEN_MESSAGE, INVALID_MESSAGE, MUTATING, VALIDATING, WARNINGS, render};

/// `manifests/policy`, relative to this crate.
pub const POLICY_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../manifests/policy");
