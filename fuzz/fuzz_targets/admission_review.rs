//! AdmissionReview bytes → decode → `admission::review` (both phases, every session-cluster
//! lookup outcome) → response encoding. Properties: no panic; denials carry a 4xx code; a
//! mutation's patch applies to the object it was computed for, and reviewing the patched object
//! again produces no further patch (the documented idempotence).
#![no_main]

use std::sync::LazyLock;

use flink_savepoint::{
    admission::{Decision, Phase, Policy, ReviewContext, SessionLookup, review},
    crd::FlinkDeployment,
};
use kube::core::{
    DynamicObject,
    admission::{AdmissionRequest, AdmissionReview},
};
use libfuzzer_sys::fuzz_target;

static CLUSTER: LazyLock<FlinkDeployment> = LazyLock::new(|| {
    serde_json::from_str(
        r#"{"apiVersion":"flink.apache.org/v1beta1","kind":"FlinkDeployment",
            "metadata":{"name":"shared-session","namespace":"analytics"},
            "spec":{"flinkConfiguration":{"state.savepoints.dir":"s3://my-bucket/flink-savepoints",
                    "kubernetes.operator.savepoint.history.max.count":"3"}}}"#,
    )
    .expect("static session cluster")
});

fn check(req: &AdmissionRequest<DynamicObject>, ctx: &ReviewContext<'_>) {
    let decision = review(req, ctx);
    if let Decision::Deny { reason, .. } = &decision {
        assert!(
            (400..500).contains(&reason.code()),
            "denial without a 4xx code"
        );
        assert_eq!(
            ctx.phase,
            Phase::Validate,
            "the mutating phase never denies"
        );
    }
    if ctx.phase == Phase::Validate {
        assert!(
            decision.patch().is_none(),
            "the validating phase never patches"
        );
    }
    let patch = decision.patch().cloned();
    let response = decision
        .clone()
        .into_response(req)
        .expect("encoding the response");
    serde_json::to_vec(&response.into_review()).expect("serialising the response");

    if let (Some(patch), Some(object)) = (patch, req.object.as_ref()) {
        let mut value = serde_json::to_value(object).expect("object to JSON");
        json_patch::patch(&mut value, &patch).expect("the patch must apply to its own object");
        let Ok(patched) = serde_json::from_value::<DynamicObject>(value) else {
            panic!("patched object no longer decodes");
        };
        let mut again = req.clone();
        again.object = Some(patched);
        let second = review(&again, ctx);
        assert!(
            second.patch().is_none(),
            "second review still patches: {:?}",
            second.patch()
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(review_doc) = serde_json::from_slice::<AdmissionReview<DynamicObject>>(data) else {
        return;
    };
    let Ok(req): Result<AdmissionRequest<DynamicObject>, _> = review_doc.try_into() else {
        return;
    };
    let policy = Policy::default();
    let lookups = [
        SessionLookup::Found(&CLUSTER),
        SessionLookup::NotFound,
        SessionLookup::Unknown,
        SessionLookup::NotNeeded,
    ];
    for phase in [Phase::Mutate, Phase::Validate] {
        for session_cluster in lookups {
            check(
                &req,
                &ReviewContext {
                    phase,
                    policy: &policy,
                    session_cluster,
                },
            );
        }
    }
});
