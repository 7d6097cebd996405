//! The pure admission decision alone: `flink_savepoint::admission::review` over the captured
//! review mix, with the session cluster answered from memory as the webhook's cache would.

use std::{
    hint::black_box,
    time::{Duration, Instant},
};

use anyhow::{Context, Result};
use flink_savepoint::{
    admission::{LookupNeed, Phase, Policy, Request, ReviewContext, SessionLookup, review_request},
    crd::FlinkDeployment,
};
use kube::core::{
    DynamicObject,
    admission::{AdmissionRequest, AdmissionReview},
};

use crate::{fixtures::ReviewFixture, stats::median};

/// A decoded review ready for [`review`].
pub struct Case {
    /// Endpoint phase.
    pub phase: Phase,
    /// The request.
    pub request: AdmissionRequest<DynamicObject>,
    /// Raw JSON (for the decode + decide + encode measurement).
    pub json: String,
}

/// The session cluster of the captures (`analytics/shared-session`).
pub fn session_cluster() -> Result<FlinkDeployment> {
    let path =
        crate::fixtures::shared_dir().join("fixtures/manifests/flinkdeployment-session.yaml");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    serde_yaml_ng::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

/// The same session cluster as raw JSON (for loading into the sandbox).
pub fn session_cluster_json() -> Result<serde_json::Value> {
    let path =
        crate::fixtures::shared_dir().join("fixtures/manifests/flinkdeployment-session.yaml");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    serde_yaml_ng::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

/// Decodes the fixtures.
pub fn cases(fixtures: &[ReviewFixture]) -> Result<Vec<Case>> {
    fixtures
        .iter()
        .map(|f| {
            let phase = if f.path == "/mutate" {
                Phase::Mutate
            } else {
                Phase::Validate
            };
            Ok(Case {
                phase,
                request: decode(&f.json).with_context(|| format!("decoding {}", f.name))?,
                json: f.json.clone(),
            })
        })
        .collect()
}

/// Bytes → AdmissionRequest, as the webhook does.
pub fn decode(json: &str) -> Result<AdmissionRequest<DynamicObject>> {
    let review: AdmissionReview<DynamicObject> = serde_json::from_str(json)?;
    Ok(review.try_into()?)
}

/// The review of one request with the session cluster found (or not needed).
pub fn decide(
    phase: Phase,
    request: &Request<'_>,
    policy: &Policy,
    cluster: &FlinkDeployment,
) -> flink_savepoint::admission::Decision {
    let session_cluster = match request.lookup_need() {
        LookupNeed::None => SessionLookup::NotNeeded,
        LookupNeed::SessionCluster { .. } | LookupNeed::SessionJobCluster { .. } => {
            SessionLookup::Found(cluster)
        }
    };
    let ctx = ReviewContext {
        phase,
        policy,
        session_cluster,
    };
    review_request(request, &ctx)
}

/// Nanoseconds per review: medians over `batches` batches of `rounds` passes over the mix,
/// for the decision alone and for decode + decision + response encoding.
pub struct DecisionTimes {
    /// `review` only.
    pub decide_ns: f64,
    /// JSON bytes → AdmissionRequest → review → AdmissionReview JSON, with kube's whole decode.
    pub full_ns: f64,
    /// The same as the webhook does it: its decode (one streaming pass into the request) and its
    /// response encoding (written straight from the decision).
    pub webhook_ns: f64,
    /// Reviews in the mix.
    pub mix: usize,
}

/// Runs the measurement.
pub fn measure(cases: &[Case], batches: usize, rounds: usize) -> Result<DecisionTimes> {
    let policy = Policy::default();
    let cluster = session_cluster()?;
    let per_batch = (cases.len() * rounds) as f64;
    let mut decide_ns = Vec::with_capacity(batches);
    let mut full_ns = Vec::with_capacity(batches);
    let mut webhook_ns = Vec::with_capacity(batches);
    let opt_out_key = policy.opt_out.key.clone();
    for _ in 0..batches {
        let start = Instant::now();
        for _ in 0..rounds {
            for case in cases {
                let request = Request::of(black_box(&case.request), &opt_out_key);
                black_box(decide(case.phase, &request, &policy, &cluster));
            }
        }
        decide_ns.push(nanos(start.elapsed()) / per_batch);

        let start = Instant::now();
        for _ in 0..rounds {
            for case in cases {
                let request = decode(black_box(&case.json))?;
                let decision = decide(
                    case.phase,
                    &Request::of(&request, &opt_out_key),
                    &policy,
                    &cluster,
                );
                let response = decision
                    .into_response(&request)
                    .context("encoding the patch")?;
                black_box(serde_json::to_vec(&response.into_review())?);
            }
        }
        full_ns.push(nanos(start.elapsed()) / per_batch);

        let start = Instant::now();
        for _ in 0..rounds {
            for case in cases {
                let decoded = savepoint_webhook::decode_fast::admission_request(
                    black_box(case.json.as_bytes()),
                    &opt_out_key,
                )
                .map_err(anyhow::Error::msg)?;
                let decision = decide(case.phase, &decoded.request(), &policy, &cluster);
                black_box(
                    savepoint_webhook::encode::review_body(&decoded.uid, &decision)
                        .context("encoding the patch")?,
                );
            }
        }
        webhook_ns.push(nanos(start.elapsed()) / per_batch);
    }
    Ok(DecisionTimes {
        decide_ns: median(&decide_ns),
        full_ns: median(&full_ns),
        webhook_ns: median(&webhook_ns),
        mix: cases.len(),
    })
}

fn nanos(d: Duration) -> f64 {
    d.as_secs_f64() * 1e9
}
