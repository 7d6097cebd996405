use super::*;
use std::time::Duration;

const KUBECONFIG: &str = r#"
apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: c1
  cluster: { server: "https://one.example:6443" }
- name: c2
  cluster: { server: "https://two.example:6443" }
users:
- name: u1
  user: { token: "tok1" }
contexts:
- name: dev
  context: { cluster: c1, user: u1, namespace: flink }
- name: other
  context: { cluster: c2, user: u1 }
"#;

fn write_kubeconfig() -> tempfile::NamedTempFile {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), KUBECONFIG).unwrap();
    file
}

#[tokio::test]
async fn namespace_defaults_to_the_contexts_then_default_and_n_wins() {
    let file = write_kubeconfig();
    let mut global = GlobalArgs {
        kubeconfig: Some(file.path().to_path_buf()),
        ..GlobalArgs::default()
    };
    assert_eq!(
        build_config(&global).await.unwrap().default_namespace,
        "flink"
    );
    global.context = Some("other".into());
    let config = build_config(&global).await.unwrap();
    assert_eq!(config.default_namespace, "default");
    assert_eq!(config.cluster_url.host(), Some("two.example"));
    global.namespace = Some("team".into());
    assert_eq!(
        build_config(&global).await.unwrap().default_namespace,
        "team"
    );
}

#[tokio::test]
async fn connection_flags_override_the_kubeconfig() {
    let file = write_kubeconfig();
    let global = GlobalArgs {
        kubeconfig: Some(file.path().to_path_buf()),
        server: Some("https://override.example:443".into()),
        insecure_skip_tls_verify: true,
        as_user: Some("alice".into()),
        as_group: vec!["ops".into()],
        request_timeout: Some(Duration::from_secs(7)),
        ..GlobalArgs::default()
    };
    let config = build_config(&global).await.unwrap();
    assert_eq!(config.cluster_url.host(), Some("override.example"));
    assert!(config.accept_invalid_certs);
    assert_eq!(config.auth_info.impersonate.as_deref(), Some("alice"));
    assert_eq!(
        config.auth_info.impersonate_groups,
        Some(vec!["ops".to_string()])
    );
    assert_eq!(config.read_timeout, Some(Duration::from_secs(7)));
}

#[test]
fn watches_end_before_the_request_timeout() {
    let mut global = GlobalArgs::default();
    assert_eq!(watch_timeout(&global), None);
    global.request_timeout = Some(Duration::from_secs(30));
    assert_eq!(watch_timeout(&global), Some(15));
    global.request_timeout = Some(Duration::from_millis(500));
    assert_eq!(watch_timeout(&global), Some(1));
}

#[tokio::test]
async fn zero_request_timeout_means_none() {
    let file = write_kubeconfig();
    let global = GlobalArgs {
        kubeconfig: Some(file.path().to_path_buf()),
        request_timeout: Some(Duration::ZERO),
        ..GlobalArgs::default()
    };
    assert_eq!(build_config(&global).await.unwrap().read_timeout, None);
}

#[test]
fn kubeconfig_lists_skip_missing_files_and_reject_unparsable_ones() {
    let file = write_kubeconfig();
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing");
    let list = std::env::join_paths([missing.as_path(), file.path()]).unwrap();
    let merged = merge_kubeconfig_list(&list)
        .unwrap()
        .expect("the existing file");
    assert_eq!(merged.current_context.as_deref(), Some("dev"));
    let none =
        std::env::join_paths([missing.as_path(), dir.path().join("gone").as_path()]).unwrap();
    assert!(
        merge_kubeconfig_list(&none).unwrap().is_none(),
        "all missing: no kubeconfig"
    );
    let bad = dir.path().join("bad");
    std::fs::write(&bad, "garbage: [").unwrap();
    let with_bad = std::env::join_paths([missing.as_path(), bad.as_path()]).unwrap();
    let err = merge_kubeconfig_list(&with_bad).unwrap_err();
    assert!(
        err.to_string().contains("error loading config file"),
        "{err}"
    );
}

#[tokio::test]
async fn empty_namespace_flag_is_the_contexts_namespace() {
    let file = write_kubeconfig();
    let global = GlobalArgs {
        kubeconfig: Some(file.path().to_path_buf()),
        namespace: Some(String::new()),
        ..GlobalArgs::default()
    };
    assert_eq!(
        build_config(&global).await.unwrap().default_namespace,
        "flink"
    );
}

#[tokio::test]
async fn unknown_context_cluster_or_user_is_kubectls_error() {
    let file = write_kubeconfig();
    let global = |context: Option<&str>, cluster: Option<&str>, user: Option<&str>| GlobalArgs {
        kubeconfig: Some(file.path().to_path_buf()),
        context: context.map(Into::into),
        cluster: cluster.map(Into::into),
        user: user.map(Into::into),
        ..GlobalArgs::default()
    };
    let message = |g: GlobalArgs| async move { build_config(&g).await.unwrap_err().to_string() };
    assert_eq!(
        message(global(Some("nope"), None, None)).await,
        "context was not found for specified context: nope"
    );
    assert_eq!(
        message(global(None, Some("nope"), None)).await,
        "no server found for cluster \"nope\""
    );
    assert_eq!(
        message(global(None, None, Some("nope"))).await,
        "auth info \"nope\" does not exist"
    );
    assert!(
        build_config(&global(Some("other"), Some("c1"), Some("u1")))
            .await
            .is_ok()
    );
}
