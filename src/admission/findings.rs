//! Accumulates rule results and turns them into a [`Decision`] according to the enforcement mode.

use super::decision::{Decision, DenyReason};
use super::policy::EnforcementMode;

/// One violated rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// User-facing explanation (what, where, how to fix).
    pub message: String,
    /// 403 policy violation or 422 invalid value.
    pub reason: DenyReason,
}

/// Violations and warnings gathered by the rules of one review.
#[derive(Debug, Default)]
pub struct Findings {
    /// Rules violated.
    pub violations: Vec<Violation>,
    /// Warnings (never block).
    pub warnings: Vec<String>,
}

impl Findings {
    /// Records a policy violation (403).
    pub fn forbid(&mut self, message: String) {
        self.violations.push(Violation {
            message,
            reason: DenyReason::Forbidden,
        });
    }

    /// Records an invalid value (422).
    pub fn invalid(&mut self, message: String) {
        self.violations.push(Violation {
            message,
            reason: DenyReason::Invalid,
        });
    }

    /// Records a warning (deduplicated).
    pub fn warn(&mut self, message: String) {
        if !self.warnings.contains(&message) {
            self.warnings.push(message);
        }
    }

    /// `deny` mode: any violation denies (403 if any policy violation, else 422), all messages
    /// joined. `warn` mode: violations become warnings prefixed with `policy violation`.
    pub fn into_decision(self, mode: EnforcementMode) -> Decision {
        let Self {
            violations,
            mut warnings,
        } = self;
        if violations.is_empty() {
            return Decision::Allow {
                patch: None,
                warnings,
            };
        }
        match mode {
            EnforcementMode::Deny => {
                let reason = if violations.iter().any(|v| v.reason == DenyReason::Forbidden) {
                    DenyReason::Forbidden
                } else {
                    DenyReason::Invalid
                };
                let message = violations
                    .into_iter()
                    .map(|v| v.message)
                    .collect::<Vec<_>>()
                    .join("; ");
                Decision::Deny {
                    message,
                    reason,
                    warnings,
                }
            }
            EnforcementMode::Warn => {
                let mut all: Vec<String> = violations
                    .into_iter()
                    .map(|v| format!("policy violation (enforcement=warn): {}", v.message))
                    .collect();
                all.append(&mut warnings);
                Decision::Allow {
                    patch: None,
                    warnings: all,
                }
            }
        }
    }
}
