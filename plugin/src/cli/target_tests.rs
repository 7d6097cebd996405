use super::*;

fn words(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn slash_and_space_forms_parse_to_the_same_target() {
    let all = &Kind::ALL;
    let a = parse_target(&words(&["app/orders"]), all).unwrap();
    let b = parse_target(&words(&["app", "orders"]), all).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.kind, Kind::Application);
    assert_eq!(a.name, "orders");
}

#[test]
fn every_documented_alias_resolves_to_its_kind() {
    let cases = [
        ("application", Kind::Application),
        ("FlinkDeployments", Kind::Application),
        ("flinkdep", Kind::Application),
        ("flinkdeployments.flink.apache.org", Kind::Application),
        ("job", Kind::SessionJob),
        ("sessionjob", Kind::SessionJob),
        ("flinksessionjobs", Kind::SessionJob),
        ("session", Kind::SessionCluster),
        ("flinksnp", Kind::Snapshot),
        ("savepoint", Kind::Snapshot),
        ("flinkstatesnapshots", Kind::Snapshot),
    ];
    for (alias, kind) in cases {
        assert_eq!(Kind::from_alias(alias), Some(kind), "{alias}");
    }
}

#[test]
fn unknown_kind_lists_the_accepted_kinds() {
    let err = parse_target(&words(&["pod/x"]), JOBS_AND_SESSIONS).unwrap_err();
    assert!(err.0.contains("\"pod\""), "{}", err.0);
    assert!(err.0.contains("app (application"), "{}", err.0);
    assert!(err.0.contains("job ("), "{}", err.0);
    assert!(err.0.contains("session"), "{}", err.0);
}

#[test]
fn kind_not_accepted_by_the_command_is_rejected() {
    let err = parse_target(&words(&["flinksnp/x"]), JOBS_AND_SESSIONS).unwrap_err();
    assert!(err.0.contains("accepted kinds"), "{}", err.0);
}

#[test]
fn a_kind_without_a_name_says_so() {
    let err = parse_target(&words(&["flinkdeployment/"]), &Kind::ALL).unwrap_err();
    assert!(
        err.0.contains("has no name: use flinkdeployment/NAME"),
        "{}",
        err.0
    );
}

#[test]
fn several_targets_parse_in_both_kubectl_forms_once_each() {
    let slash = parse_targets(&words(&["app/a", "job/b", "app/a"]), JOBS_AND_SESSIONS).unwrap();
    assert_eq!(
        slash.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["app/a", "job/b"]
    );
    let spaced = parse_targets(&words(&["app", "a", "b"]), JOBS_AND_SESSIONS).unwrap();
    assert_eq!(
        spaced.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["app/a", "app/b"]
    );
    assert_eq!(parse_targets(&[], JOBS_AND_SESSIONS).unwrap(), []);
    for mixed in [&["app/a", "b"][..], &["app", "a", "job/b"][..]] {
        let err = parse_targets(&words(mixed), JOBS_AND_SESSIONS).unwrap_err();
        assert!(err.0.contains("resource/name form"), "{}", err.0);
    }
    assert!(parse_targets(&words(&["app/a", "pod/b"]), JOBS_AND_SESSIONS).is_err());
}

#[test]
fn one_named_target_stays_the_single_target_command() {
    let jobs = JOBS_AND_SESSIONS;
    for form in [&["app/a"][..], &["app", "a"][..]] {
        assert_eq!(
            target_set(&words(form), jobs, None, false, false).unwrap(),
            TargetSet::One(Target {
                kind: Kind::Application,
                name: "a".into()
            })
        );
    }
    assert!(matches!(
        target_set(&words(&["app/a", "app/b"]), jobs, None, false, false).unwrap(),
        TargetSet::Named(t) if t.len() == 2
    ));
}

#[test]
fn selections_exclude_names_and_minus_a_needs_one() {
    let jobs = JOBS_AND_SESSIONS;
    assert_eq!(
        target_set(&[], jobs, Some("team=data"), false, true).unwrap(),
        TargetSet::Selected {
            kind: None,
            selector: Some("team=data".into()),
            all_namespaces: true
        }
    );
    assert_eq!(
        target_set(&words(&["job"]), jobs, None, true, false).unwrap(),
        TargetSet::Selected {
            kind: Some(Kind::SessionJob),
            selector: None,
            all_namespaces: false
        }
    );
    let refused = [
        target_set(&words(&["app/a"]), jobs, Some("x=y"), false, false),
        target_set(&words(&["app", "a"]), jobs, None, true, false),
        target_set(&[], jobs, Some("x=y"), true, false),
        target_set(&words(&["app/a"]), jobs, None, false, true),
        target_set(&[], jobs, None, false, false),
        target_set(&words(&["session"]), jobs, Some("x=y"), false, false),
    ];
    for result in refused {
        assert!(result.is_err(), "{result:?}");
    }
}

#[test]
fn bare_name_and_bad_names_are_usage_errors() {
    assert!(parse_target(&words(&["orders"]), &Kind::ALL).is_err());
    assert!(parse_target(&words(&["app/"]), &Kind::ALL).is_err());
    assert!(parse_target(&words(&["app/Orders"]), &Kind::ALL).is_err());
    assert!(parse_target(&words(&["app", "a", "b"]), &Kind::ALL).is_err());
    assert!(parse_target(&[], &Kind::ALL).is_err());
}
