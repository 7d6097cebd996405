//! The committed `manifests/policy` YAML is what the generator produces from the library now.

use std::path::Path;

#[test]
fn committed_policy_yaml_is_up_to_date() {
    let dir = Path::new(flink_policy::POLICY_DIR);
    let rendered = flink_policy::render();
    assert_eq!(rendered.len(), 2, "validating.yaml and mutating.yaml");
    for (name, text) in rendered {
        let committed = std::fs::read_to_string(dir.join(name))
            .unwrap_or_else(|e| panic!("manifests/policy/{name}: {e}"));
        assert!(
            committed == text,
            "manifests/policy/{name} is stale: run `cargo run -p flink-policy --bin gen-policy`"
        );
    }
}

#[test]
fn kustomization_lists_the_generated_files() {
    let kustomization =
        std::fs::read_to_string(Path::new(flink_policy::POLICY_DIR).join("kustomization.yaml"))
            .expect("kustomization.yaml");
    for (name, _) in flink_policy::render() {
        assert!(kustomization.contains(&format!("- {name}")), "{name}");
    }
}
