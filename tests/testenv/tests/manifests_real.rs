//! `kubectl kustomize manifests/` on the real kube-apiserver: everything a cluster admin applies is
//! accepted by `kubectl apply --server-side --dry-run=server` (schema, RBAC objects, webhook
//! configurations). The cert-manager kinds (Issuer, Certificate) are left out and counted: their CRDs are
//! not in this tier (cert-manager is not fetched from outside the project's registries).

mod real {
    use std::io::Write;
    use std::process::{Command, Stdio};

    use flink_testenv::{RealCluster, workspace_root};
    use serde_json::Value;

    fn render(dir: &str) -> Vec<Value> {
        let out = Command::new("kubectl")
            .arg("kustomize")
            .arg(workspace_root().join(dir))
            .output()
            .expect("kubectl kustomize");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).expect("utf-8");
        serde_yaml_ng::Deserializer::from_str(&text)
            .map(|doc| serde::Deserialize::deserialize(doc).expect("YAML document"))
            .collect()
    }

    fn name(obj: &Value) -> String {
        format!(
            "{}/{}",
            obj["kind"].as_str().unwrap_or_default().to_lowercase(),
            obj["metadata"]["name"].as_str().unwrap_or_default()
        )
    }

    #[test]
    fn the_whole_install_passes_server_side_dry_run_on_the_real_api_server() {
        let cluster = RealCluster::shared();
        let docs = render("manifests");
        let (cert_manager, rest): (Vec<Value>, Vec<Value>) = docs.into_iter().partition(|d| {
            d["apiVersion"]
                .as_str()
                .is_some_and(|v| v.starts_with("cert-manager.io/"))
        });
        let mut left_out: Vec<String> = cert_manager.iter().map(name).collect();
        left_out.sort();
        assert_eq!(
            left_out,
            [
                "certificate/savepoint-webhook-ca",
                "certificate/savepoint-webhook-tls",
                "issuer/savepoint-webhook-ca",
                "issuer/savepoint-webhook-selfsigned"
            ],
            "only the cert-manager objects are left out"
        );
        // Namespaced objects of a dry-run need their namespace to exist: create the namespaces for real.
        for ns in rest.iter().filter(|d| d["kind"] == "Namespace") {
            let ns = ns["metadata"]["name"].as_str().unwrap();
            let _ = Command::new("kubectl")
                .arg("--kubeconfig")
                .arg(cluster.kubeconfig())
                .args(["create", "namespace", ns])
                .output();
        }
        let body: String = rest
            .iter()
            .map(|d| format!("---\n{}", serde_yaml_ng::to_string(d).unwrap()))
            .collect();
        let mut child = Command::new("kubectl")
            .arg("--kubeconfig")
            .arg(cluster.kubeconfig())
            .args([
                "apply",
                "--server-side",
                "--field-manager=flink-savepoint-install-test",
                "--dry-run=server",
                "-f",
                "-",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("kubectl apply");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(body.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        for obj in &rest {
            let kind = obj["kind"].as_str().unwrap().to_lowercase();
            let n = obj["metadata"]["name"].as_str().unwrap();
            assert!(
                stdout.lines().any(|l| l.contains(&kind)
                    && l.contains(&format!("/{n} "))
                    && l.contains("(server dry run)")),
                "{kind}/{n} not accepted:\n{stdout}"
            );
        }
        // Nothing was written by the dry run.
        let hooks = Command::new("kubectl")
            .arg("--kubeconfig")
            .arg(cluster.kubeconfig())
            .args(["get", "validatingwebhookconfigurations", "-o", "name"])
            .output()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&hooks.stdout).trim(), "");
    }
}
