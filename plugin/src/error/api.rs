//! API errors as kubectl prints them (`k8s.io/kubectl/pkg/cmd/util.StandardErrorMessage`).
//!
//! Every request a command makes is described by an [`ApiOp`] (verb, resource, namespace, name),
//! which turns a kube error into one line:
//!
//! * a `Status` → `Error from server (REASON): MESSAGE`, e.g.
//!   `Error from server (NotFound): flinkdeployments.flink.apache.org "x" not found`;
//!   401 → `error: You must be logged in to the server (Unauthorized)`;
//! * a 404 because the CRD is absent → names the CRD and the operator release that introduced it;
//! * no answer at all → [`super::ConnectionError`]'s kubectl line
//!   (`The connection to the server HOST:PORT was refused - …`, `Unable to connect to the server: …`).
//!
//! Whitespace in server messages is collapsed: an error is always one line.

use std::fmt;

use ::kube::Resource;
use ::kube::core::Status;

use flink_savepoint::crd::GROUP as FLINK_GROUP;

use super::connection::ConnectionError;

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
            None => match ConnectionError::find(&source) {
                Some(connection) => connection.to_string(),
                None => format!(
                    "error: cannot {} {}{}: {}",
                    self.verb,
                    self.resource(),
                    self.scope(),
                    one_line(&source.to_string())
                ),
            },
        };
        ApiError {
            op: self.clone(),
            status,
            message,
        }
    }

    /// kubectl's line for an API server `Status` (`Error from server (NotFound): …`), except a
    /// 404 for a missing Flink CRD, which names the CRD and the operator release that adds it.
    fn describe_status(&self, status: &Status) -> String {
        if status.code == 404 && is_missing_resource_type(status) {
            return format!("error: {}", missing_crd_message(&self.kind, &self.plural));
        }
        let message = if status.message.trim().is_empty() {
            self.default_message(status.code)
        } else {
            one_line(&status.message)
        };
        status_line(status, &message)
    }

    /// What the API server would have said, for a Status without a message.
    fn default_message(&self, code: u16) -> String {
        let resource = self.resource();
        let object = match &self.name {
            Some(name) => format!("{resource} {name:?}"),
            None => resource.clone(),
        };
        match code {
            403 => format!(
                "{object} is forbidden: cannot {} {resource}{}",
                self.verb,
                self.scope()
            ),
            404 => format!("{object} not found"),
            409 => format!("Operation cannot be fulfilled on {object}: conflict"),
            code => format!(
                "the server responded with HTTP {code} to {} {object}",
                self.verb
            ),
        }
    }
}

/// kubectl's line for a `Status` (`k8s.io/kubectl/pkg/cmd/util.StandardErrorMessage`):
/// `error: You must be logged in to the server (MESSAGE)` for Unauthorized, otherwise
/// `Error from server (REASON): MESSAGE` (or `Error from server: MESSAGE` without a reason).
fn status_line(status: &Status, message: &str) -> String {
    const UNPARSED: &str = "Failed to parse error data";
    let reason = if status.reason.is_empty() || status.reason == UNPARSED {
        reason_for_code(status.code).unwrap_or_default()
    } else {
        status.reason.as_str()
    };
    if reason == "Unauthorized" {
        return format!("error: You must be logged in to the server ({message})");
    }
    // kube-rs reconstructs a Status from a body that is not one (a proxy's HTML page…).
    let message = if status.reason == UNPARSED {
        format!(
            "an error on the server ({:?}) has prevented the request from succeeding",
            truncate(message, 200)
        )
    } else {
        message.to_string()
    };
    if reason.is_empty() {
        format!("Error from server: {message}")
    } else {
        format!("Error from server ({reason}): {message}")
    }
}

/// The Kubernetes `StatusReason` an API server uses for `code` when it gives none.
fn reason_for_code(code: u16) -> Option<&'static str> {
    Some(match code {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        406 => "NotAcceptable",
        409 => "Conflict",
        410 => "Expired",
        413 => "RequestEntityTooLarge",
        415 => "UnsupportedMediaType",
        422 => "Invalid",
        429 => "TooManyRequests",
        500 => "InternalError",
        503 => "ServiceUnavailable",
        504 => "Timeout",
        _ => return None,
    })
}

/// Collapses whitespace runs (newlines included): every error is one line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// The one-line, kubectl-style text of a kube error that reached the user without an
/// [`ApiOp`] (a safety net for [`super::render_error`]): never kube-rs's `Debug` dump.
pub fn kube_error_line(err: &::kube::Error) -> String {
    match err {
        ::kube::Error::Api(status) => {
            let message = if status.message.trim().is_empty() {
                format!("the server responded with HTTP {}", status.code)
            } else {
                one_line(&status.message)
            };
            status_line(status, &message)
        }
        other => match ConnectionError::find(other) {
            Some(connection) => connection.to_string(),
            None => format!("error: {}", one_line(&other.to_string())),
        },
    }
}

/// A failed API request with its user-facing line (exit code 1): kubectl's own wording
/// (`Error from server (Forbidden): …`, `The connection to the server … was refused …`), or
/// `error: …` for what kubectl has no line for.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// The request that failed.
    pub op: ApiOp,
    /// The API server's Status, when it answered with one.
    pub status: Option<Box<Status>>,
    /// The line shown to the user, complete with its `error: ` / `Error from server` prefix.
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

#[cfg(test)]
#[path = "api_tests.rs"]
mod tests;
