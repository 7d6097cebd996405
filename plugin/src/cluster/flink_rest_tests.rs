use super::*;

fn endpoint() -> JobEndpoint {
    JobEndpoint {
        namespace: "flink".into(),
        cluster: "orders".into(),
        job_id: "abc".into(),
    }
}

#[test]
fn a_403_status_names_the_namespace_and_the_missing_permission() {
    let body = br#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"services \"orders-rest:rest\" is forbidden: User \"viewer\" cannot get resource \"services/proxy\" in API group \"\" in the namespace \"flink\"","reason":"Forbidden","code":403}"#;
    let err = classify(&endpoint(), 403, body).unwrap();
    assert!(matches!(&err, Unreachable::Forbidden { namespace, .. } if namespace == "flink"));
    assert!(
        err.notice()
            .contains("get services/proxy in namespace flink")
    );
}

#[test]
fn a_404_status_is_a_missing_service_but_a_flink_404_is_the_jobmanager() {
    let k8s = br#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"services \"orders-rest\" not found","reason":"NotFound","code":404}"#;
    assert_eq!(
        classify(&endpoint(), 404, k8s),
        Some(Unreachable::NoService {
            namespace: "flink".into(),
            service: "orders-rest".into()
        })
    );
    let flink = br#"{"errors":["Job abc not found"]}"#;
    assert!(matches!(
        classify(&endpoint(), 404, flink),
        Some(Unreachable::Flink { message, .. }) if message.contains("Job abc not found")
    ));
}

#[test]
fn no_endpoints_is_a_proxy_error_and_success_is_none() {
    let body = br#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"no endpoints available for service \"orders-rest:rest\"","reason":"ServiceUnavailable","code":503}"#;
    assert!(matches!(
        classify(&endpoint(), 503, body),
        Some(Unreachable::Proxy { code: 503, .. })
    ));
    assert_eq!(classify(&endpoint(), 200, b"{}"), None);
    assert!(matches!(
        classify(&endpoint(), 502, b"<html>bad gateway</html>"),
        Some(Unreachable::Flink { .. })
    ));
}

#[test]
fn the_call_timeout_is_the_request_timeout_else_a_default() {
    let mut global = GlobalArgs::default();
    assert_eq!(call_timeout(&global), DEFAULT_TIMEOUT);
    global.request_timeout = Some(Duration::ZERO);
    assert_eq!(call_timeout(&global), DEFAULT_TIMEOUT);
    global.request_timeout = Some(Duration::from_secs(3));
    assert_eq!(call_timeout(&global), Duration::from_secs(3));
}
