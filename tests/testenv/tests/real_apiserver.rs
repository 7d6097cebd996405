//! The real API server tier itself: the harness starts a real kube-apiserver with the upstream Flink CRDs,
//! RBAC users that behave as the real authorizer says, and the `/status` subresource the fixtures rely on.

mod real {
    use flink_testenv::{Env, RealCluster, User};
    use serde_json::json;

    fn app(name: &str, ns: &str) -> serde_json::Value {
        json!({
            "apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
            "metadata": { "name": name, "namespace": ns },
            "spec": { "image": "flink:1.20", "flinkVersion": "v1_20", "serviceAccount": "flink",
                      "job": { "jarURI": "local:///opt/flink/job.jar", "upgradeMode": "savepoint" } }
        })
    }

    /// Start-up gives a v1.36+ server whose discovery serves all three Flink kinds.
    #[tokio::test]
    async fn real_server_is_at_least_1_36_and_serves_the_flink_kinds() {
        let cluster = tokio::task::spawn_blocking(RealCluster::shared)
            .await
            .unwrap();
        let minor: u32 = cluster
            .version()
            .trim_start_matches('v')
            .split('.')
            .nth(1)
            .and_then(|m| m.parse().ok())
            .expect("a vMAJOR.MINOR version");
        assert!(minor >= 36, "version {}", cluster.version());
        let out = std::process::Command::new("kubectl")
            .arg("--kubeconfig")
            .arg(cluster.kubeconfig())
            .args([
                "api-resources",
                "--api-group=flink.apache.org",
                "-o",
                "name",
            ])
            .output()
            .unwrap();
        let names = String::from_utf8_lossy(&out.stdout);
        for plural in [
            "flinkdeployments",
            "flinksessionjobs",
            "flinkstatesnapshots",
        ] {
            assert!(
                names.contains(&format!("{plural}.flink.apache.org")),
                "{names}"
            );
        }
    }

    /// Fixtures: create ignores status (the CRDs have a status subresource), `set_status` writes it, and the
    /// real server prunes fields the upstream schema does not know.
    #[tokio::test]
    async fn status_goes_through_the_subresource_and_unknown_fields_are_pruned() {
        let env = Env::real().await;
        let ns = env.ns().to_string();
        let mut obj = app("orders", &ns);
        obj["status"] = json!({ "lifecycleState": "STABLE" });
        obj["spec"]["notAField"] = json!(1);
        let created = env.create("flinkdeployments", &ns, obj).await;
        assert!(
            created.get("status").is_none() || created["status"].get("lifecycleState").is_none(),
            "{created}"
        );
        assert!(
            created["spec"].get("notAField").is_none(),
            "pruned: {created}"
        );
        env.set_status(
            "flinkdeployments",
            &ns,
            "orders",
            json!({ "lifecycleState": "STABLE", "jobStatus": { "state": "RUNNING" } }),
        )
        .await;
        env.set_status(
            "flinkdeployments",
            &ns,
            "orders",
            json!({ "lifecycleState": "DEPLOYED" }),
        )
        .await;
        let got = env.get("flinkdeployments", &ns, "orders").await.unwrap();
        assert_eq!(
            got["status"],
            json!({ "lifecycleState": "DEPLOYED" }),
            "status replaced as a whole"
        );
    }

    /// The viewer may read but the real RBAC authorizer refuses its writes; the operator may patch.
    #[tokio::test]
    async fn viewer_is_refused_writes_by_rbac_and_operator_may_patch() {
        let env = Env::real().await;
        let ns = env.ns().to_string();
        env.create("flinkdeployments", &ns, app("orders", &ns))
            .await;
        let cluster = RealCluster::shared();
        let patch = |user: User| {
            std::process::Command::new("kubectl")
                .arg("--kubeconfig")
                .arg(cluster.kubeconfig_for(user))
                .args([
                    "patch",
                    "flinkdeployment",
                    "orders",
                    "-n",
                    &ns,
                    "--type=merge",
                    "-p",
                    r#"{"spec":{"job":{"savepointTriggerNonce":7}}}"#,
                ])
                .output()
                .unwrap()
        };
        let denied = patch(User::Viewer);
        assert!(!denied.status.success());
        let stderr = String::from_utf8_lossy(&denied.stderr);
        assert!(
            stderr.contains("forbidden")
                && stderr.contains("User \"viewer\" cannot patch resource \"flinkdeployments\""),
            "{stderr}"
        );
        let allowed = patch(User::Operator);
        assert!(
            allowed.status.success(),
            "{}",
            String::from_utf8_lossy(&allowed.stderr)
        );
        let got = env.get("flinkdeployments", &ns, "orders").await.unwrap();
        assert_eq!(got["spec"]["job"]["savepointTriggerNonce"], 7);
    }
}
