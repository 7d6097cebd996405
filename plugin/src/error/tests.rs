use super::*;
use anyhow::Context;

#[test]
fn usage_errors_exit_2_even_when_wrapped_in_context() {
    let err = usage("bad target").context("trigger");
    assert_eq!(err.exit_code(), ExitCode::Usage);
}

#[test]
fn timeouts_exit_3() {
    let err = Error::Timeout("timed out after 5s".into());
    assert_eq!(err.exit_code(), ExitCode::Timeout);
    assert_eq!(ExitCode::Timeout.code(), 3);
}

#[test]
fn the_worst_outcome_is_failure_then_timeout_then_refusal() {
    use ExitCode::*;
    assert_eq!(Success.worst(Usage), Usage);
    assert_eq!(Usage.worst(Timeout), Timeout);
    assert_eq!(Timeout.worst(Failure), Failure);
    assert_eq!(Failure.worst(Usage), Failure);
    assert_eq!(Timeout.worst(Success), Timeout);
    let worst = [Success, Usage, Timeout, Success]
        .into_iter()
        .fold(Success, ExitCode::worst);
    assert_eq!(worst, Timeout);
    assert!(with_exit_code(Success, "x").is_none());
    assert_eq!(with_exit_code(Timeout, "x").unwrap().exit_code(), Timeout);
    assert_eq!(with_exit_code(Usage, "x").unwrap().exit_code(), Usage);
    assert_eq!(with_exit_code(Failure, "x").unwrap().exit_code(), Failure);
}

#[test]
fn other_errors_exit_1() {
    let err = Error::from(anyhow::anyhow!("connection refused"));
    assert_eq!(err.exit_code(), ExitCode::Failure);
}

#[test]
fn kube_errors_in_a_context_chain_are_kubectls_lines() {
    let connection = ConnectionError {
        server: "127.0.0.1:1".into(),
        cause: ConnectionCause::Refused,
    };
    let err = Err::<(), _>(::kube::Error::Service(Box::new(connection.clone())))
        .context("cannot read the server version")
        .unwrap_err();
    assert_eq!(render_error(&err.into()), connection.to_string());
    let status = ::kube::core::Status {
        code: 403,
        reason: "Forbidden".into(),
        message: "version is forbidden".into(),
        ..Default::default()
    };
    let err = Err::<(), _>(::kube::Error::Api(Box::new(status)))
        .context("cannot read the server version")
        .unwrap_err();
    assert_eq!(
        render_error(&err.into()),
        "error: cannot read the server version: Error from server (Forbidden): version is forbidden"
    );
}

#[test]
fn rendered_error_has_kubectl_prefix_and_skips_repeated_causes() {
    let err = Err::<(), _>(anyhow::anyhow!("inner"))
        .context("outer: inner")
        .unwrap_err();
    assert_eq!(render_error(&err.into()), "error: outer: inner");
    let err = Err::<(), _>(anyhow::anyhow!("refused"))
        .context("get app")
        .unwrap_err();
    assert_eq!(render_error(&err.into()), "error: get app: refused");
}
