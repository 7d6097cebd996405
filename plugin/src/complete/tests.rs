use super::*;
use crate::cli::Kind;

fn words(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn offline(items: &[&str]) -> Completion {
    complete_offline(&analyze(&words(items))).expect("offline")
}

fn values(c: &Completion) -> Vec<&str> {
    c.candidates.iter().map(|(v, _)| v.as_str()).collect()
}

#[test]
fn entry_point_is_recognised_by_file_name() {
    assert!(is_entry_point("/usr/local/bin/kubectl_complete-savepoint"));
    assert!(is_entry_point("kubectl_complete-savepoint.exe"));
    assert!(!is_entry_point("/usr/local/bin/kubectl-savepoint"));
}

#[test]
fn first_word_completes_subcommands_with_descriptions() {
    let c = offline(&[""]);
    for sub in [
        "trigger",
        "list",
        "wait",
        "status",
        "schedule",
        "restore",
        "delete",
        "prune",
        "describe",
        "version",
        "completion",
    ] {
        assert!(
            values(&c).contains(&sub),
            "{sub} missing in {:?}",
            values(&c)
        );
    }
    assert!(!values(&c).contains(&"help"));
    assert_eq!(c.directive, directive::NO_FILE_COMP);
    let c = offline(&["re"]);
    assert_eq!(values(&c), ["restore"]);
    assert!(c.render().starts_with("restore\t"), "{}", c.render());
    assert!(c.render().ends_with("\n:4\n"));
}

#[test]
fn target_position_offers_kinds_without_trailing_space() {
    let c = offline(&["trigger", ""]);
    assert_eq!(values(&c), ["app/", "job/"]);
    assert_eq!(c.directive, directive::NO_SPACE | directive::NO_FILE_COMP);
    let c = offline(&["describe", "-n", "flink", "f"]);
    assert_eq!(values(&c), ["flinkstatesnapshot/"]);
}

#[test]
fn names_are_wanted_after_a_kind_and_flags_are_parsed() {
    let a = analyze(&words(&[
        "-n",
        "flink",
        "--kubeconfig=/tmp/kc",
        "schedule",
        "app/or",
    ]));
    assert_eq!(
        a.want,
        Want::Names {
            kind: Kind::Application,
            qualified: Some("app".into())
        }
    );
    assert_eq!(a.global.namespace.as_deref(), Some("flink"));
    assert_eq!(
        a.global.kubeconfig.as_deref(),
        Some(std::path::Path::new("/tmp/kc"))
    );
    let a = analyze(&words(&["wait", "job", ""]));
    assert_eq!(
        a.want,
        Want::Names {
            kind: Kind::SessionJob,
            qualified: None
        }
    );
    let a = analyze(&words(&["delete", "a", ""]));
    assert_eq!(
        a.want,
        Want::Names {
            kind: Kind::Snapshot,
            qualified: None
        }
    );
    assert!(complete_offline(&a).is_none());
}

#[test]
fn flag_values_and_flags_complete() {
    assert_eq!(
        values(&offline(&["completion", ""])),
        ["bash", "zsh", "fish"]
    );
    assert_eq!(
        values(&offline(&["describe", "app/x", "-o", "y"])),
        ["yaml"]
    );
    assert_eq!(analyze(&words(&["-n", ""])).want, Want::Namespaces);
    assert_eq!(
        analyze(&words(&["restore", "app/x", "--from", ""])).want,
        Want::RestoreSources(Some("x".into()))
    );
    assert_eq!(
        analyze(&words(&["restore", "--from", ""])).want,
        Want::RestoreSources(None)
    );
    let c = offline(&["prune", "app/x", "--k"]);
    assert!(values(&c).contains(&"--keep"), "{:?}", values(&c));
    assert!(values(&c).contains(&"--kubeconfig"), "{:?}", values(&c));
    assert_eq!(values(&offline(&["version", ""])), Vec::<&str>::new());
}
