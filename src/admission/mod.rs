//! Admission policy for Flink resources: pure decisions over admission requests.
//!
//! The policy reads a [`Request`]: the few parts of an AdmissionRequest it needs, borrowed from
//! whatever decoded the review ([`Request::of`] views kube's `AdmissionRequest`; the webhook
//! decodes straight into its own borrowed types). The webhook binary only decodes the
//! AdmissionReview, asks [`Request::lookup_need`] what to look up, answers from its watch-backed
//! cache, calls [`review_request`] and encodes the [`Decision`]. [`review`] and [`lookup_need`]
//! are the same over kube's `AdmissionRequest`.
//!
//! Documented decisions:
//! * Policy violations are denied with **403** (`Forbidden`); values that do not parse with
//!   **422** (`Invalid`). Codes are always set explicitly (never 0 → 400).
//! * `/mutate` ([`Phase::Mutate`]) only adds defaults and never denies; `/validate`
//!   ([`Phase::Validate`]) only validates and never patches, so it sees the final object.
//! * `DELETE`/`CONNECT` and objects being deleted (`deletionTimestamp` set) are allowed
//!   untouched. Exemptions belong to cluster admins: the opt-out label on the Namespace
//!   (`flink-savepoint.io/policy: disabled`, applied by the API server through the webhook
//!   configurations' `namespaceSelector`) or [`Exemptions`] in the policy file. The same marker on
//!   an object exempts nothing (it only earns a warning), and on UPDATE an old object carrying it
//!   grandfathers no values: it may never have been reviewed.
//! * Unsupported kinds (a misconfigured `rules` list) are **allowed with a warning**, so a
//!   configuration mistake can never block unrelated resources.
//! * When the session cluster cannot be looked up (cache not synced), snapshot-path checks follow
//!   [`FailSafe`] (default: allow with a warning) and session-job defaults are not added.
//! * Dry-run requests are reviewed exactly like real ones.

mod context;
mod decision;
mod dir_override;
mod findings;
mod kinds;
mod missing_dir;
mod mutate;
mod policy;
mod request;
mod snapshot;
mod values;
mod view;

use kube::core::{
    DynamicObject,
    admission::{AdmissionRequest, Operation},
};
use thiserror::Error;

pub use context::{LookupNeed, Phase, ReviewContext, SessionLookup, lookup_need};
pub use decision::{CODE_FORBIDDEN, CODE_INVALID, Decision, DenyReason};
pub use kinds::FlinkKind;
pub use policy::{
    DEFAULT_HISTORY_MAX_AGE, DEFAULT_HISTORY_MAX_COUNT, DEFAULT_OPT_OUT_KEY, DEFAULT_OPT_OUT_VALUE,
    Defaults, EnforcementMode, ExemptObject, Exemptions, FailSafe, OptOut, Policy,
};
pub use request::{Object, Request};

use findings::Findings;
use view::ResourceView;

/// Kinds and operations each phase acts on; the webhook configurations' `rules` must match.
/// FlinkStateSnapshots are checked on CREATE only: their spec is fixed at creation, and UPDATEs
/// (labels, finalizer removal by the operator) must never be blocked.
pub fn handled(phase: Phase) -> &'static [(FlinkKind, &'static [&'static str])] {
    const CREATE_UPDATE: &[&str] = &["CREATE", "UPDATE"];
    match phase {
        Phase::Mutate => &[
            (FlinkKind::Deployment, CREATE_UPDATE),
            (FlinkKind::SessionJob, CREATE_UPDATE),
        ],
        Phase::Validate => &[
            (FlinkKind::Deployment, CREATE_UPDATE),
            (FlinkKind::SessionJob, CREATE_UPDATE),
            (FlinkKind::StateSnapshot, &["CREATE"]),
        ],
    }
}

/// A policy whose defaults would themselves be rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("default for {key} is invalid: {problem}")]
pub struct PolicyError {
    /// The configuration key of the default.
    pub key: &'static str,
    /// What is wrong with the configured default.
    pub problem: String,
}

/// Checks that the configured defaults pass the policy's own value rules.
pub fn check_policy(policy: &Policy) -> Result<(), PolicyError> {
    let d = &policy.defaults;
    for (option, value) in values::CHECKED.iter().zip([
        &d.history_max_age,
        &d.history_max_count,
        &d.periodic_interval,
    ]) {
        if let Some(problem) = value.as_deref().and_then(|v| values::problem(option, v)) {
            return Err(PolicyError {
                key: option.key,
                problem,
            });
        }
    }
    if policy.opt_out.allow_object {
        return Err(PolicyError {
            key: "opt-out.allow-object",
            problem:
                "object self-opt-out is no longer supported (anyone who may write an object could \
                      exempt it); set it to false and list admin-approved exemptions under \
                      exemptions.namespaces / exemptions.objects, or label the Namespace"
                    .to_owned(),
        });
    }
    if let Some(bad) = policy
        .exemptions
        .objects
        .iter()
        .find(|o| !FlinkKind::ALL.iter().any(|k| k.as_str() == o.kind))
    {
        return Err(PolicyError {
            key: "exemptions.objects",
            problem: format!(
                "kind {:?} of {}/{} is not FlinkDeployment, FlinkSessionJob or FlinkStateSnapshot",
                bad.kind, bad.namespace, bad.name
            ),
        });
    }
    if policy.opt_out.key.trim().is_empty() {
        return Err(PolicyError {
            key: "opt-out.key",
            problem: "the opt-out key must not be empty".to_owned(),
        });
    }
    Ok(())
}

/// Reviews one of kube's requests: [`review_request`] over its [`Request`] view.
pub fn review(req: &AdmissionRequest<DynamicObject>, ctx: &ReviewContext<'_>) -> Decision {
    review_request(&Request::of(req, &ctx.policy.opt_out.key), ctx)
}

/// Reviews one request. Pure: everything external comes in through `ctx`.
pub fn review_request(req: &Request<'_>, ctx: &ReviewContext<'_>) -> Decision {
    if !matches!(req.operation, Operation::Create | Operation::Update) {
        return Decision::allow();
    }
    let Some(kind) = FlinkKind::named(req.group, req.kind) else {
        return Decision::Allow {
            patch: None,
            warnings: vec![format!(
                "savepoint-webhook does not handle {}/{} {}; check the webhook configuration rules",
                req.group, req.version, req.kind
            )],
        };
    };
    let Some(obj) = req.object.as_ref() else {
        return Decision::allow();
    };
    if obj.deleting {
        return Decision::allow();
    }
    let name = obj.name.or(obj.generate_name).unwrap_or(req.name);
    let namespace = req.namespace;
    let exempt_name = obj.name.unwrap_or(req.name);
    if ctx
        .policy
        .exemptions
        .covers(kind.as_str(), namespace, exempt_name)
    {
        return Decision::allow();
    }
    let view = ResourceView::new(kind.as_str(), namespace, name, obj.spec);
    let opt_out = &ctx.policy.opt_out;
    // An old object that carried the marker may have been admitted unreviewed (the shipped
    // objectSelector used to skip it): nothing it holds is grandfathered.
    let old_view = match (req.operation, &req.old_object) {
        (Operation::Update, Some(old)) if !old.has_marker(&opt_out.value) => {
            Some(ResourceView::new(kind.as_str(), namespace, name, old.spec))
        }
        _ => None,
    };
    let marker_warning = obj.has_marker(&opt_out.value).then(|| {
        format!(
            "{}: {}={} on the object does not exempt it from the savepoint policy; exemptions are \
             granted by cluster admins (Namespace label or the webhook's policy exemptions)",
            view.display, opt_out.key, opt_out.value
        )
    });
    let decision = match ctx.phase {
        Phase::Mutate => mutate_phase(kind, &view, ctx),
        Phase::Validate => validate_phase(kind, req.operation, &view, old_view.as_ref(), ctx)
            .into_decision(ctx.policy.enforcement),
    };
    match marker_warning {
        Some(warning) if ctx.phase == Phase::Validate => decision.with_warning(warning),
        _ => decision,
    }
}

fn mutate_phase(kind: FlinkKind, view: &ResourceView<'_>, ctx: &ReviewContext<'_>) -> Decision {
    match kind {
        FlinkKind::Deployment => {
            mutate::defaults(view, false, SessionLookup::NotNeeded, &ctx.policy.defaults)
        }
        FlinkKind::SessionJob if view.deployment_name().is_none() => Decision::Allow {
            patch: None,
            warnings: vec![format!(
                "{}: spec.deploymentName is not set; savepoint retention defaults were not added",
                view.display
            )],
        },
        FlinkKind::SessionJob => {
            mutate::defaults(view, true, ctx.session_cluster, &ctx.policy.defaults)
        }
        FlinkKind::StateSnapshot => Decision::allow(),
    }
}

fn validate_phase(
    kind: FlinkKind,
    operation: &Operation,
    view: &ResourceView<'_>,
    old: Option<&ResourceView<'_>>,
    ctx: &ReviewContext<'_>,
) -> Findings {
    let mut findings = Findings::default();
    if kind != FlinkKind::StateSnapshot && view.raw_config == view::RawConfig::Invalid {
        findings.invalid(format!(
            "{}: spec.flinkConfiguration must be an object of configuration keys (flat or nested)",
            view.display
        ));
        return findings;
    }
    match kind {
        FlinkKind::Deployment => {
            values::check(view, old, &mut findings);
            missing_dir::check_deployment(view, &mut findings);
        }
        FlinkKind::SessionJob => {
            dir_override::check(view, old, ctx.session_cluster, &mut findings);
            values::check(view, old, &mut findings);
            missing_dir::check_session_job(view, ctx.session_cluster, &mut findings);
            if matches!(ctx.session_cluster, SessionLookup::Unknown) {
                findings.warn(format!(
                    "{}: the session-cluster cache is not ready; the session cluster's savepoint settings were not checked",
                    view.display
                ));
            }
        }
        FlinkKind::StateSnapshot => {
            if *operation == Operation::Create {
                snapshot::check(
                    &view.display,
                    view.spec,
                    ctx.session_cluster,
                    ctx.policy.fail_safe,
                    &mut findings,
                );
            }
        }
    }
    findings
}
