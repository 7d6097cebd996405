//! `restore --new-name`: plan a copy of the target that starts from the savepoint.

use serde_json::{Map, Value};

use super::restore::{RestoreError, job_of};

/// The copy created by `restore --as`.
#[derive(Debug, Clone, PartialEq)]
pub struct CopyPlan {
    /// The object to create.
    pub object: Value,
    /// The savepoint it starts from.
    pub path: String,
}

const DROPPED_METADATA: &[&str] = &[
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "managedFields",
    "ownerReferences",
    "finalizers",
    "selfLink",
    "generateName",
];
const DROPPED_NONCES: &[&str] = &[
    "savepointTriggerNonce",
    "checkpointTriggerNonce",
    "savepointRedeployNonce",
];
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Validates a new object name. FlinkDeployment names must match the operator's
/// `[a-z]([-a-z\d]{0,43}[a-z\d])?`; session jobs are DNS-1123 subdomains.
pub fn validate_new_name(name: &str, kind: &str) -> Result<(), RestoreError> {
    let bad = |reason| RestoreError::BadName {
        name: name.to_owned(),
        reason,
    };
    let charset_ok = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if kind == "FlinkDeployment" {
        let starts = name.starts_with(|c: char| c.is_ascii_lowercase());
        let ends = name.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit());
        if name.is_empty() || name.len() > 45 || !charset_ok || !starts || !ends {
            return Err(bad(
                "a FlinkDeployment name must start with a lower-case letter, contain only \
                 lower-case letters, digits and '-', end with a letter or digit and be at most 45 characters",
            ));
        }
    } else {
        if !crate::crd::is_object_name(name) {
            return Err(bad(
                "object names are lower-case alphanumerics, '-' and '.', at most 253 characters",
            ));
        }
    }
    Ok(())
}

/// Plans `restore --as NEW_NAME`: a copy of `object` (the raw target) named `new_name`, with
/// server-owned metadata, status and trigger nonces removed, starting from `path`.
pub fn plan_copy(
    object: &Value,
    target: &str,
    new_name: &str,
    path: &str,
    allow_non_restored_state: bool,
) -> Result<CopyPlan, RestoreError> {
    job_of(object, target)?;
    let kind = object
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or_default();
    validate_new_name(new_name, kind)?;
    let mut copy = object.clone();
    let Some(root) = copy.as_object_mut() else {
        return Err(RestoreError::NoJob {
            target: target.to_owned(),
        });
    };
    root.remove("status");
    if let Some(Value::Object(meta)) = root.get_mut("metadata") {
        for key in DROPPED_METADATA {
            meta.remove(*key);
        }
        meta.insert("name".into(), Value::String(new_name.to_owned()));
        if let Some(Value::Object(annotations)) = meta.get_mut("annotations") {
            annotations.remove(LAST_APPLIED);
        }
        if meta
            .get("annotations")
            .and_then(Value::as_object)
            .is_some_and(Map::is_empty)
        {
            meta.remove("annotations");
        }
    }
    if let Some(Value::Object(job)) = copy.pointer_mut("/spec/job") {
        for key in DROPPED_NONCES {
            job.remove(*key);
        }
        job.insert(
            "initialSavepointPath".into(),
            Value::String(path.to_owned()),
        );
        if allow_non_restored_state {
            job.insert("allowNonRestoredState".into(), Value::Bool(true));
        }
    }
    Ok(CopyPlan {
        object: copy,
        path: path.to_owned(),
    })
}
