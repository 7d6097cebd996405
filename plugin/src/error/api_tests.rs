use super::*;
use ::kube::core::response::StatusDetails;

fn op() -> ApiOp {
    ApiOp {
        verb: "patch",
        kind: "FlinkDeployment".into(),
        plural: "flinkdeployments".into(),
        group: FLINK_GROUP.into(),
        namespace: Some("flink".into()),
        name: Some("orders".into()),
    }
}

fn status(code: u16, message: &str, name: &str) -> ::kube::Error {
    ::kube::Error::Api(Box::new(Status {
        code,
        message: message.into(),
        details: Some(StatusDetails {
            name: name.into(),
            group: String::new(),
            kind: String::new(),
            uid: String::new(),
            causes: Vec::new(),
            retry_after_seconds: 0,
        }),
        ..Status::default()
    }))
}

fn status_with_reason(code: u16, reason: &str, message: &str, name: &str) -> ::kube::Error {
    match status(code, message, name) {
        ::kube::Error::Api(mut s) => {
            s.reason = reason.into();
            ::kube::Error::Api(s)
        }
        other => other,
    }
}

#[test]
fn forbidden_reads_like_kubectl() {
    let message = "flinkdeployments.flink.apache.org \"orders\" is forbidden: User \"viewer\" cannot patch \
         resource \"flinkdeployments\" in API group \"flink.apache.org\" in the namespace \"flink\"";
    let err = op().error(status_with_reason(403, "Forbidden", message, "orders"));
    assert_eq!(
        err.message,
        format!("Error from server (Forbidden): {message}")
    );
    assert_eq!(err.code(), Some(403));
}

#[test]
fn not_found_reads_like_kubectl() {
    let err = op().error(status_with_reason(
        404,
        "NotFound",
        "flinkdeployments.flink.apache.org \"orders\" not found",
        "orders",
    ));
    assert_eq!(
        err.message,
        "Error from server (NotFound): flinkdeployments.flink.apache.org \"orders\" not found"
    );
}

#[test]
fn already_exists_and_a_missing_reason_read_like_kubectl() {
    let err = op().error(status_with_reason(
        409,
        "AlreadyExists",
        "flinkstatesnapshots.flink.apache.org \"s\" already exists",
        "s",
    ));
    assert_eq!(
        err.message,
        "Error from server (AlreadyExists): flinkstatesnapshots.flink.apache.org \"s\" already exists"
    );
    // No reason and no message: the reason from the code, the message kubectl would get.
    let err = op().error(status(404, "", ""));
    assert_eq!(
        err.message,
        "Error from server (NotFound): flinkdeployments.flink.apache.org \"orders\" not found"
    );
}

#[test]
fn unauthorized_reads_like_kubectl() {
    let err = op().error(status_with_reason(401, "Unauthorized", "Unauthorized", ""));
    assert_eq!(
        err.message,
        "error: You must be logged in to the server (Unauthorized)"
    );
}

#[test]
fn missing_resource_type_names_the_crd_and_operator_release() {
    let mut op = op();
    op.kind = "FlinkStateSnapshot".into();
    op.plural = "flinkstatesnapshots".into();
    let err = op.error(status(
        404,
        "the server could not find the requested resource",
        "",
    ));
    assert!(
        err.message.contains("flinkstatesnapshots.flink.apache.org"),
        "{}",
        err.message
    );
    assert!(err.message.contains("1.10.0"), "{}", err.message);
    assert!(err.message.starts_with("error: "), "{}", err.message);
}

#[test]
fn other_statuses_are_one_line_with_the_servers_message() {
    let err = op().error(status_with_reason(
        422,
        "Invalid",
        "FlinkDeployment.flink.apache.org \"orders\" is invalid:\n spec.job: Invalid value",
        "",
    ));
    assert_eq!(
        err.message,
        "Error from server (Invalid): FlinkDeployment.flink.apache.org \"orders\" is invalid: spec.job: Invalid value"
    );
}

#[test]
fn a_body_that_is_not_a_status_is_summarised_on_one_line() {
    let err = op().error(status_with_reason(
        502,
        "Failed to parse error data",
        "<html>\n<body>Bad Gateway</body>\n</html>",
        "",
    ));
    assert_eq!(
        err.message,
        "Error from server: an error on the server (\"<html> <body>Bad Gateway</body> </html>\") \
         has prevented the request from succeeding"
    );
}

#[test]
fn kube_errors_without_an_op_are_never_debug_dumps() {
    let line = kube_error_line(&status_with_reason(
        409,
        "Conflict",
        "Operation cannot be fulfilled on flinkdeployments.flink.apache.org \"orders\": the object has been modified",
        "orders",
    ));
    assert_eq!(
        line,
        "Error from server (Conflict): Operation cannot be fulfilled on flinkdeployments.flink.apache.org \"orders\": the object has been modified"
    );
    assert!(!line.contains("Status {"), "{line}");
}
