//! The outcome of a review and its encoding as an `AdmissionResponse`.

use kube::core::{
    DynamicObject, Status,
    admission::{AdmissionRequest, AdmissionResponse, SerializePatchError},
};

/// HTTP-style code for policy violations (the request is well-formed but not permitted).
pub const CODE_FORBIDDEN: u16 = 403;
/// HTTP-style code for invalid values (retention/schedule values that do not parse).
pub const CODE_INVALID: u16 = 422;

/// Why a request was denied; also the `reason` field of the returned `Status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DenyReason {
    /// A policy violation (403 `Forbidden`).
    Forbidden,
    /// An invalid value (422 `Invalid`).
    Invalid,
}

impl DenyReason {
    /// The status code sent to the API server (always 4xx, never 0: kube's
    /// `AdmissionResponse::deny` leaves 0, which the API server turns into 400).
    pub fn code(self) -> u16 {
        match self {
            Self::Forbidden => CODE_FORBIDDEN,
            Self::Invalid => CODE_INVALID,
        }
    }

    /// The Kubernetes `StatusReason` spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Forbidden => "Forbidden",
            Self::Invalid => "Invalid",
        }
    }
}

/// The decision for one AdmissionRequest.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Admit, optionally with a JSON patch (mutating phase only) and warnings.
    Allow {
        /// JSON patch to apply; `None` when nothing changes.
        patch: Option<json_patch::Patch>,
        /// Warnings returned to the client (kubectl prints them).
        warnings: Vec<String>,
    },
    /// Reject.
    Deny {
        /// Human-readable reason shown to the user.
        message: String,
        /// Category, which fixes the 4xx code.
        reason: DenyReason,
        /// Warnings returned along with the denial.
        warnings: Vec<String>,
    },
}

impl Decision {
    /// A plain allow without patch or warnings.
    pub fn allow() -> Self {
        Self::Allow {
            patch: None,
            warnings: Vec::new(),
        }
    }

    /// The same decision with `warning` appended (deduplicated).
    pub fn with_warning(mut self, warning: String) -> Self {
        let (Self::Allow { warnings, .. } | Self::Deny { warnings, .. }) = &mut self;
        if !warnings.contains(&warning) {
            warnings.push(warning);
        }
        self
    }

    /// Whether the request is admitted.
    pub fn is_allowed(&self) -> bool {
        matches!(self, Self::Allow { .. })
    }

    /// Warnings attached to the decision.
    pub fn warnings(&self) -> &[String] {
        match self {
            Self::Allow { warnings, .. } | Self::Deny { warnings, .. } => warnings,
        }
    }

    /// The JSON patch, if any.
    pub fn patch(&self) -> Option<&json_patch::Patch> {
        match self {
            Self::Allow { patch, .. } => patch.as_ref(),
            Self::Deny { .. } => None,
        }
    }

    /// The denial message, if denied.
    pub fn denial(&self) -> Option<&str> {
        match self {
            Self::Deny { message, .. } => Some(message),
            Self::Allow { .. } => None,
        }
    }

    /// Encode as the response for `req` (uid copied, explicit 4xx code on denial).
    pub fn into_response(
        self,
        req: &AdmissionRequest<DynamicObject>,
    ) -> Result<AdmissionResponse, SerializePatchError> {
        let mut response = AdmissionResponse::from(req);
        let warnings = match self {
            Self::Allow { patch, warnings } => {
                if let Some(patch) = patch {
                    response = response.with_patch(patch)?;
                }
                warnings
            }
            Self::Deny {
                message,
                reason,
                warnings,
            } => {
                response = response.deny(&message);
                response.result =
                    Status::failure(&message, reason.as_str()).with_code(reason.code());
                warnings
            }
        };
        if !warnings.is_empty() {
            response.warnings = Some(warnings);
        }
        Ok(response)
    }
}
