//! API calls with user-facing errors, CRD discovery and paginated listing.
//!
//! Every request a command makes is described by an [`ApiOp`] (verb, resource, namespace, name),
//! so a failure can say *what* was denied or missing:
//!
//! * 403 → `forbidden: user "viewer" cannot patch flinkdeployments.flink.apache.org in namespace "flink" (verb patch)`
//! * 404 on a named object → `FlinkDeployment "orders" not found in namespace "flink"` plus a
//!   `kubectl get` hint; 404 because the CRD is absent → names the CRD and the operator release
//!   that introduced it.
//! * 401, 409, other statuses and transport errors get their own sentences.
//!

use std::fmt;

use ::kube::Resource;
use ::kube::core::Status;

use flink_savepoint::crd::GROUP as FLINK_GROUP;

/// One API request, for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiOp {
    /// RBAC verb: get, list, watch, patch, create, delete.
    pub verb: &'static str,
    /// Kind, e.g. `FlinkDeployment`.
    pub kind: String,
    /// Plural resource, e.g. `flinkdeployments`.
    pub plural: String,
    /// API group (empty for core).
    pub group: String,
    /// Namespace, if the request is namespaced.
    pub namespace: Option<String>,
    /// Object name, for single-object requests.
    pub name: Option<String>,
}

impl ApiOp {
    /// Describes a request on resource type `K`.
    pub fn of<K: Resource<DynamicType = ()>>(
        verb: &'static str,
        namespace: Option<&str>,
        name: Option<&str>,
    ) -> Self {
        ApiOp {
            verb,
            kind: K::kind(&()).into_owned(),
            plural: K::plural(&()).into_owned(),
            group: K::group(&()).into_owned(),
            namespace: namespace.map(str::to_owned),
            name: name.map(str::to_owned),
        }
    }

    /// `flinkdeployments.flink.apache.org` (as RBAC and kubectl spell it).
    pub fn resource(&self) -> String {
        if self.group.is_empty() {
            self.plural.clone()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    fn scope(&self) -> String {
        match &self.namespace {
            Some(ns) => format!(" in namespace {ns:?}"),
            None => " in any namespace".to_string(),
        }
    }

    /// Turns a kube error into a user-facing [`ApiError`].
    pub fn error(&self, source: ::kube::Error) -> ApiError {
        let status = match &source {
            ::kube::Error::Api(status) => Some(status.clone()),
            _ => None,
        };
        let message = match &status {
            Some(status) => self.describe_status(status),
            None => format!(
                "cannot {} {}{}: {}",
                self.verb,
                self.resource(),
                self.scope(),
                source
            ),
        };
        ApiError {
            op: self.clone(),
            status,
            message,
        }
    }

    fn describe_status(&self, status: &Status) -> String {
        let resource = self.resource();
        let scope = self.scope();
        match status.code {
            401 => format!(
                "unauthorized: the API server rejected the credentials while trying to {} {resource}; \
                 check --token, --user or the kubeconfig",
                self.verb
            ),
            403 => {
                let user = quoted_after(&status.message, "User \"")
                    .map(|u| format!("user {u:?}"))
                    .unwrap_or_else(|| "the current user".to_string());
                format!(
                    "forbidden: {user} cannot {verb} {resource}{scope} (verb {verb}); \
                     ask for RBAC permission to {verb} {resource}",
                    verb = self.verb
                )
            }
            404 if is_missing_resource_type(status) => {
                missing_crd_message(&self.kind, &self.plural)
            }
            404 => match &self.name {
                Some(name) => format!(
                    "{kind} {name:?} not found{scope}; check the name with: kubectl get {plural} -n {ns}",
                    kind = self.kind,
                    plural = self.plural,
                    ns = self.namespace.as_deref().unwrap_or("default"),
                ),
                None => format!("{} not found{scope}: {}", resource, status.message),
            },
            409 => format!(
                "conflict: {} {}{scope} was changed by someone else while we tried to {} it: {}",
                self.kind,
                self.name.as_deref().unwrap_or(""),
                self.verb,
                status.message
            ),
            code => format!(
                "cannot {} {resource}{}{scope}: {} (HTTP {code}{})",
                self.verb,
                self.name
                    .as_deref()
                    .map(|n| format!(" {n:?}"))
                    .unwrap_or_default(),
                status.message,
                if status.reason.is_empty() {
                    String::new()
                } else {
                    format!(", {}", status.reason)
                }
            ),
        }
    }
}

/// A failed API request with a user-facing message (exit code 1).
#[derive(Debug, Clone)]
pub struct ApiError {
    /// The request that failed.
    pub op: ApiOp,
    /// The API server's Status, when it answered with one.
    pub status: Option<Box<Status>>,
    /// The sentence shown to the user.
    pub message: String,
}

impl ApiError {
    /// The HTTP status code, when the API server answered.
    pub fn code(&self) -> Option<u16> {
        self.status.as_ref().map(|s| s.code)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {}

/// Extension: attach an [`ApiOp`] to a kube result.
pub trait ApiResultExt<T> {
    /// Maps a kube error to an [`super::Error::Api`] describing `op`.
    fn op(self, op: ApiOp) -> super::Result<T>;
}

impl<T> ApiResultExt<T> for Result<T, ::kube::Error> {
    fn op(self, op: ApiOp) -> super::Result<T> {
        self.map_err(|e| op.error(e).into())
    }
}

/// The HTTP status code of a kube error, if the API server answered.
pub fn status_code(err: &::kube::Error) -> Option<u16> {
    match err {
        ::kube::Error::Api(status) => Some(status.code),
        _ => None,
    }
}

/// A 404 that means "no such resource type" rather than "no such object": the API server then
/// answers without naming an object (`the server could not find the requested resource`).
fn is_missing_resource_type(status: &Status) -> bool {
    let names_object = status.details.as_ref().is_some_and(|d| !d.name.is_empty());
    !names_object
        && status
            .message
            .contains("could not find the requested resource")
}

/// The message for an absent Flink CRD: its full name and the operator release that added it.
pub fn missing_crd_message(kind: &str, plural: &str) -> String {
    let since = match kind {
        "FlinkStateSnapshot" => "1.10.0",
        "FlinkSessionJob" => "1.0.0",
        _ => "1.0.0 (v1beta1)",
    };
    format!(
        "the {kind} CRD ({plural}.{FLINK_GROUP}) is not installed in this cluster; \
         it was introduced in Flink Kubernetes operator {since} (install or upgrade the operator's CRDs)"
    )
}

fn quoted_after<'a>(text: &'a str, marker: &str) -> Option<&'a str> {
    let start = text.find(marker)? + marker.len();
    let len = text[start..].find('"')?;
    Some(&text[start..start + len])
}

#[cfg(test)]
#[path = "api_tests.rs"]
mod tests;
