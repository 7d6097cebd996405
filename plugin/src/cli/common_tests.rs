use super::*;
use std::time::Duration;

#[test]
fn output_format_names_ignore_case_and_templates_keep_theirs() {
    assert_eq!(parse_output("JSON"), Ok(OutputFormat::Json));
    assert_eq!(parse_output("Wide"), Ok(OutputFormat::Wide));
    assert_eq!(parse_output("yaml"), Ok(OutputFormat::Yaml));
    assert_eq!(parse_output("NAME"), Ok(OutputFormat::Name));
    assert_eq!(
        parse_output("JsonPath={.items[*].ID}"),
        Ok(OutputFormat::JsonPath(
            Template::parse("{.items[*].ID}").unwrap()
        ))
    );
    assert_eq!(
        parse_output("custom-columns=ID:.id")
            .map(|f| matches!(f, OutputFormat::CustomColumns(c) if c[0].header == "ID")),
        Ok(true)
    );
    assert_eq!(parse_object_format("YAML"), Ok(ObjectFormat::Yaml));
}

#[test]
fn bad_output_formats_and_templates_are_usage_errors_in_kubectls_words() {
    assert_eq!(
        parse_output("xml").unwrap_err(),
        "unable to match a printer suitable for the output format \"xml\", allowed formats are: \
             custom-columns,custom-columns-file,json,jsonpath,jsonpath-file,name,wide,yaml"
    );
    assert_eq!(
        parse_object_format("wide").unwrap_err(),
        "unable to match a printer suitable for the output format \"wide\", allowed formats are: \
             json,jsonpath,jsonpath-file,yaml"
    );
    assert_eq!(
        parse_output("jsonpath").unwrap_err(),
        "template format specified but no template given"
    );
    assert_eq!(
        parse_output("jsonpath={.items").unwrap_err(),
        "error parsing jsonpath {.items, unclosed action"
    );
    assert_eq!(
        parse_output("custom-columns=").unwrap_err(),
        "custom-columns format specified but no custom columns given"
    );
    assert!(
        parse_output("jsonpath-file=/nonexistent/t")
            .unwrap_err()
            .starts_with("error reading template file /nonexistent/t: ")
    );
}

#[test]
fn template_files_are_read_for_jsonpath_and_custom_columns() {
    let dir = tempfile::tempdir().unwrap();
    let jp = dir.path().join("t.jsonpath");
    std::fs::write(&jp, "{.kind}").unwrap();
    let cc = dir.path().join("t.columns");
    std::fs::write(&cc, "ID   STATE\n.id  .state\n").unwrap();
    assert_eq!(
        parse_output(&format!("jsonpath-file={}", jp.display())),
        Ok(OutputFormat::JsonPath(Template::parse("{.kind}").unwrap()))
    );
    match parse_output(&format!("custom-columns-file={}", cc.display())) {
        Ok(OutputFormat::CustomColumns(c)) => {
            assert_eq!(
                c.iter().map(|c| c.header.as_str()).collect::<Vec<_>>(),
                ["ID", "STATE"]
            )
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn kubectl_durations_parse() {
    assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
    assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
    assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
    assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
    assert_eq!(parse_duration("45"), Ok(Duration::from_secs(45)));
    assert_eq!(parse_duration("5 min"), Ok(Duration::from_secs(300)));
    assert!(parse_duration("soon").is_err());
}
