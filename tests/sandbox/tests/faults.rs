//! Fault injection and the request log.

mod common;

use common::*;
use flink_sandbox::Fault;

#[tokio::test]
async fn injected_conflict_answers_409_for_the_requested_number_of_writes() {
    let sb = sandbox_with_orders_app().await;
    let http = Http::admin(&sb);
    sb.inject(Fault::ConflictOnNextWrite {
        resource: "flinkdeployments".into(),
        name: "orders-app".into(),
        times: 2,
    });
    let body = r#"{"spec":{"job":{"parallelism":5}}}"#;
    let path = format!("{FD}/orders-app");
    assert_eq!(http.get(&path).await.status, 200, "reads are not affected");
    assert_eq!(
        http.patch(&path, "application/merge-patch+json", body)
            .await
            .status,
        409
    );
    assert_eq!(
        http.patch(&path, "application/merge-patch+json", body)
            .await
            .body["reason"],
        "Conflict"
    );
    assert_eq!(
        http.patch(&path, "application/merge-patch+json", body)
            .await
            .status,
        200
    );
    let statuses: Vec<(String, u16)> = sb
        .requests()
        .iter()
        .filter(|r| r.method == "PATCH")
        .map(|r| (r.verb.clone().unwrap(), r.status))
        .collect();
    assert_eq!(
        statuses,
        [
            ("patch".to_string(), 409),
            ("patch".to_string(), 409),
            ("patch".to_string(), 200)
        ]
    );
    let last = sb.requests().pop().unwrap();
    assert_eq!(
        last.content_type.as_deref(),
        Some("application/merge-patch+json")
    );
    assert_eq!(last.user.as_deref(), Some("admin"));
    sb.shutdown().await;
}

#[tokio::test]
async fn injected_error_hits_only_the_matching_verb_and_resource() {
    let sb = sandbox_with_orders_app().await;
    let http = Http::admin(&sb);
    sb.inject(Fault::ErrorOnNext {
        verb: "list".into(),
        resource: "flinkdeployments".into(),
        code: 503,
        times: 1,
    });
    assert_eq!(http.get(&format!("{FD}/orders-app")).await.status, 200);
    assert_eq!(http.get(SNAP).await.status, 200);
    assert_eq!(http.get(FD).await.status, 503);
    assert_eq!(http.get(FD).await.status, 200);
    sb.shutdown().await;
}

#[tokio::test]
async fn malformed_writes_are_rejected_instead_of_crashing_the_server() {
    let sb = sandbox_with_orders_app().await;
    let http = Http::admin(&sb);
    let path = format!("{FD}/orders-app");
    let r = http
        .patch(
            &path,
            "application/merge-patch+json",
            r#"{"metadata":"oops"}"#,
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    let r = http
        .patch(
            &path,
            "application/json-patch+json",
            r#"[{"op":"replace","path":"","value":1}]"#,
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    let r = http
        .patch(
            &path,
            "application/merge-patch+json",
            r#"{"metadata":{"labels":{"a":1}}}"#,
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    let r = http
        .post(
            FD,
            &serde_json::json!({"metadata": {"name": "x", "finalizers": "f"}}),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert_eq!(http.get(&path).await.status, 200, "server still up");
    sb.shutdown().await;
}
