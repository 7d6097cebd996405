//! A fresh nonce (`savepointTriggerNonce` for `trigger`, `savepointRedeployNonce` for
//! `restore`) and the patch that sets the trigger nonce.
//!
//! The operator acts when a spec nonce is non-null and differs from the nonce in
//! `status.reconciliationStatus.lastReconciledSpec`. Setting it back to either the current
//! spec value or the reconciled value does nothing, so the new value must differ from both.

use serde_json::Value;

use crate::patch::MergePatch;

/// Chooses a nonce: the time in epoch milliseconds (readable, roughly monotonic), bumped until
/// it differs from the spec's current nonce and the last reconciled one. Always positive (an
/// unset nonce is sometimes written as 0 by tools).
pub fn choose_nonce(spec_nonce: Option<i64>, reconciled_nonce: Option<i64>, now_ms: i64) -> i64 {
    let mut candidate = now_ms.max(1);
    while Some(candidate) == spec_nonce || Some(candidate) == reconciled_nonce {
        candidate = candidate.wrapping_add(1).max(1);
    }
    candidate
}

/// The JSON merge patch (`application/merge-patch+json`) that sets the nonce, guarded by the
/// object's `resourceVersion`: the API server rejects it with 409 Conflict if the object changed
/// since it was read, so a concurrent edit can never be overwritten or mis-computed.
pub fn nonce_merge_patch(resource_version: &str, nonce: i64) -> Value {
    let mut patch = MergePatch::new();
    patch.set(
        &["metadata", "resourceVersion"],
        Value::String(resource_version.to_owned()),
    );
    patch.set(
        &["spec", "job", "savepointTriggerNonce"],
        Value::from(nonce),
    );
    patch.into_value()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nonce_is_the_trigger_time_when_free() {
        assert_eq!(choose_nonce(Some(5), Some(4), 1_000), 1_000);
        assert_eq!(choose_nonce(None, None, 1_000), 1_000);
    }

    #[test]
    fn nonce_differs_from_spec_and_reconciled_values() {
        assert_eq!(choose_nonce(Some(1_000), Some(1_001), 1_000), 1_002);
        assert_eq!(choose_nonce(Some(1_001), Some(1_000), 1_000), 1_002);
        let n = choose_nonce(Some(7), Some(7), 7);
        assert!(n != 7);
    }

    #[test]
    fn nonce_is_never_zero() {
        assert_eq!(choose_nonce(None, None, 0), 1);
        assert_eq!(choose_nonce(Some(1), None, 0), 2);
    }

    #[test]
    fn patch_carries_resource_version_and_nonce_only() {
        let patch = nonce_merge_patch("42", 9);
        assert_eq!(
            patch,
            json!({"metadata": {"resourceVersion": "42"}, "spec": {"job": {"savepointTriggerNonce": 9}}})
        );
    }
}
