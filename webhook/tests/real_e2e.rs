//! The webhook on the real kube-apiserver: registered from `manifests/overlays/local` by URL with a
//! caBundle, the API server calls /mutate then /validate; kubectl sees the defaults, the denial as it
//! prints it, and server dry-run reviewed the same (the flow in `common/flows.rs`).

mod common;

mod real {
    use super::common::flows;

    #[tokio::test(flavor = "multi_thread")]
    async fn kubectl_through_the_real_api_server_is_denied_patched_and_allowed_by_the_webhook() {
        let cluster = tokio::task::spawn_blocking(flink_testenv::RealCluster::shared)
            .await
            .expect("real cluster");
        flows::denied_patched_and_allowed(&cluster.kubeconfig()).await;
    }
}
