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

#[test]
fn forbidden_names_user_verb_and_resource() {
    let err = op().error(status(
        403,
        "flinkdeployments.flink.apache.org \"orders\" is forbidden: User \"viewer\" cannot patch \
         resource \"flinkdeployments\" in API group \"flink.apache.org\" in the namespace \"flink\"",
        "orders",
    ));
    assert!(
        err.message.starts_with(
            "forbidden: user \"viewer\" cannot patch flinkdeployments.flink.apache.org \
             in namespace \"flink\" (verb patch)"
        ),
        "{}",
        err.message
    );
    assert_eq!(err.code(), Some(403));
}

#[test]
fn not_found_names_kind_name_namespace_and_suggests_kubectl_get() {
    let err = op().error(status(
        404,
        "flinkdeployments \"orders\" not found",
        "orders",
    ));
    assert!(
        err.message
            .contains("FlinkDeployment \"orders\" not found in namespace \"flink\"")
    );
    assert!(
        err.message
            .contains("kubectl get flinkdeployments -n flink")
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
}

#[test]
fn other_statuses_keep_the_server_message_and_code() {
    let err = op().error(status(422, "spec.job: Invalid value", ""));
    assert!(err.message.contains("spec.job: Invalid value"));
    assert!(err.message.contains("HTTP 422"));
}
