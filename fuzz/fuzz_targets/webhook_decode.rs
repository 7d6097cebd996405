//! AdmissionReview bytes → the webhook's decode (`decode_fast::admission_request`: the one-pass
//! decode with the trimmed decode behind it) → `admission::review_request` (both phases, every
//! session-cluster lookup outcome) → the response it writes. Properties: no panic; the webhook's
//! decode answers every body exactly as the trimmed decode alone (kube's types) does, the same
//! request or the same 400 message; the response is an AdmissionReview for the request's uid.
#![no_main]

use std::sync::LazyLock;

use flink_savepoint::{
    admission::{DEFAULT_OPT_OUT_KEY, Phase, Policy, ReviewContext, SessionLookup, review_request},
    crd::FlinkDeployment,
};
use libfuzzer_sys::fuzz_target;
use savepoint_webhook::{
    decode::trimmed_request, decode_fast::admission_request, decoded::Decoded, encode::review_body,
};

static CLUSTER: LazyLock<FlinkDeployment> = LazyLock::new(|| {
    serde_json::from_str(
        r#"{"apiVersion":"flink.apache.org/v1beta1","kind":"FlinkDeployment",
            "metadata":{"name":"shared-session","namespace":"analytics"},
            "spec":{"flinkConfiguration":{"state.savepoints.dir":"s3://my-bucket/flink-savepoints"}}}"#,
    )
    .expect("static session cluster")
});

fuzz_target!(|data: &[u8]| {
    let ours = admission_request(data, DEFAULT_OPT_OUT_KEY);
    let reference = trimmed_request(data, DEFAULT_OPT_OUT_KEY)
        .map(|request| Decoded::from_request(request, DEFAULT_OPT_OUT_KEY));
    match (&ours, &reference) {
        (Ok(ours), Ok(reference)) => assert_eq!(ours, reference, "decoded requests differ"),
        (Err(ours), Err(reference)) => assert_eq!(ours, reference, "400 messages differ"),
        _ => panic!(
            "the webhook's decode and the trimmed decode disagree: {ours:?} vs {reference:?}"
        ),
    }
    let Ok(decoded) = ours else {
        return;
    };
    let request = decoded.request();
    let policy = Policy::default();
    for phase in [Phase::Mutate, Phase::Validate] {
        for session_cluster in [
            SessionLookup::Found(&CLUSTER),
            SessionLookup::NotFound,
            SessionLookup::Unknown,
            SessionLookup::NotNeeded,
        ] {
            let ctx = ReviewContext {
                phase,
                policy: &policy,
                session_cluster,
            };
            let decision = review_request(&request, &ctx);
            let body = review_body(&decoded.uid, &decision).expect("encoding the response");
            let answer: serde_json::Value =
                serde_json::from_slice(&body).expect("the response is JSON");
            assert_eq!(answer["response"]["uid"], *decoded.uid, "uid not echoed");
        }
    }
});
