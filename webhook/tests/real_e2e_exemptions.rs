//! On the real kube-apiserver, an object label cannot opt out of the webhook (there is no objectSelector
//! any more), and an admin exemption in the policy file admits the named object (`common/flows.rs`).

mod common;

mod real {
    use super::common::flows;

    #[tokio::test(flavor = "multi_thread")]
    async fn an_object_label_cannot_opt_out_but_an_admin_exemption_can() {
        let cluster = tokio::task::spawn_blocking(flink_testenv::RealCluster::shared)
            .await
            .expect("real cluster");
        flows::label_cannot_opt_out_but_admin_exemption_can(&cluster.kubeconfig()).await;
    }
}
