//! End to end with the sandbox API server and the real kubectl: the local overlay registers the
//! running webhook (URL + caBundle), the cache watches the sandbox, and kubectl requests are
//! denied, patched or allowed by the binary. The same flows run on the real kube-apiserver in
//! `real_e2e.rs` and `real_e2e_exemptions.rs`.

mod common;

use common::flows;
use flink_sandbox::Sandbox;

#[tokio::test(flavor = "multi_thread")]
async fn kubectl_through_the_sandbox_is_denied_patched_and_allowed_by_the_webhook() {
    let sandbox = Sandbox::builder().start().await.expect("sandbox");
    flows::denied_patched_and_allowed(sandbox.kubeconfig_path()).await;
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_object_label_cannot_opt_out_but_an_admin_exemption_can() {
    let sandbox = Sandbox::builder().start().await.expect("sandbox");
    flows::label_cannot_opt_out_but_admin_exemption_can(sandbox.kubeconfig_path()).await;
    sandbox.shutdown().await;
}
