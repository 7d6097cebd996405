//! Admission policy for Flink resources: pure decisions over `AdmissionRequest`s.
//!
//! The webhook binary only decodes the AdmissionReview, looks the session cluster up in its
//! watch-backed cache, calls [`review`] and encodes the [`Decision`].

mod decision;
mod policy;

pub use decision::{CODE_FORBIDDEN, CODE_INVALID, Decision, DenyReason};
pub use policy::{
    DEFAULT_HISTORY_MAX_AGE, DEFAULT_HISTORY_MAX_COUNT, DEFAULT_OPT_OUT_KEY, DEFAULT_OPT_OUT_VALUE,
    Defaults, EnforcementMode, FailSafe, OptOut, Policy,
};
