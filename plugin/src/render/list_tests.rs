use super::*;
use flink_savepoint::crd::{JobKind, SnapshotTriggerType, TargetRef};
use flink_savepoint::history::EntryState;

fn entry() -> SavepointEntry {
    let mut e = SavepointEntry::new(
        TargetRef::new(JobKind::FlinkDeployment, Some("flink".into()), "orders"),
        "orders-sp-1",
        EntrySource::Snapshot,
        SnapshotTriggerType::Manual,
        EntryState::Completed,
    );
    e.snapshot_name = Some("orders-sp-1".into());
    e.location = Some("s3://b/sp".into());
    e.triggered = Some(Timestamp::from_second(1_000).unwrap());
    e.labels.insert("snapshot.type".into(), "SAVEPOINT".into());
    e.labels.insert("team".into(), "data".into());
    e
}

fn legacy() -> SavepointEntry {
    let mut e = entry();
    e.source = EntrySource::Legacy;
    e.id = "legacy-5".into();
    e.snapshot_name = None;
    e.labels.clear();
    e.triggered = None;
    e
}

fn opts(format: OutputFormat, all_namespaces: bool) -> RenderOptions {
    RenderOptions {
        format,
        no_headers: false,
        all_namespaces,
        show_labels: false,
        now: Timestamp::from_second(1_330).unwrap(),
    }
}

#[test]
fn table_has_the_documented_columns_and_a_kubectl_age() {
    let text = render(&[entry()], &opts(OutputFormat::Table, true), "").unwrap();
    let header = text.lines().next().unwrap();
    let columns: Vec<&str> = header.split_whitespace().collect();
    assert_eq!(
        columns,
        [
            "NAMESPACE",
            "TARGET",
            "SAVEPOINT",
            "TYPE",
            "STATE",
            "AGE",
            "LOCATION"
        ]
    );
    assert!(
        text.contains(
            "flink       app/orders   orders-sp-1   MANUAL   COMPLETED   5m30s   s3://b/sp"
        ),
        "{text}"
    );
}

#[test]
fn wide_keeps_age_and_adds_exact_timestamps() {
    let mut e = entry();
    e.completed = Some("2026-01-02T03:04:05.678901Z".parse().unwrap());
    let text = render(&[e], &opts(OutputFormat::Wide, false), "").unwrap();
    let mut lines = text.lines();
    assert!(
            lines
                .next()
                .unwrap()
                .ends_with("AGE     LOCATION    SOURCE     FORMAT   NONCE    TRIGGERED              COMPLETED                     SIZE     DURATION   ERROR"),
            "{text}"
        );
    let row = lines.next().unwrap();
    assert!(row.contains(" 5m30s "), "{row}");
    assert!(
        row.contains("1970-01-01T00:16:40Z   2026-01-02T03:04:05.678901Z"),
        "{row}"
    );
}

#[test]
fn show_labels_adds_the_snapshot_labels_and_none_for_records_without_an_object() {
    let mut o = opts(OutputFormat::Table, false);
    o.show_labels = true;
    let text = render(&[entry(), legacy()], &o, "").unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].ends_with("LOCATION    LABELS"), "{text}");
    assert!(
        lines[1].ends_with("snapshot.type=SAVEPOINT,team=data"),
        "{text}"
    );
    assert!(lines[2].ends_with("<none>"), "{text}");
    assert!(
        lines[2].contains("<unknown>"),
        "an entry without a time: {text}"
    );
}

#[test]
fn name_output_prints_kubectls_resource_names_and_skips_records_without_an_object() {
    assert_eq!(
        name_of(&entry()).as_deref(),
        Some("flinkstatesnapshot.flink.apache.org/orders-sp-1")
    );
    assert_eq!(name_of(&legacy()), None);
    let text = render(&[legacy(), entry()], &opts(OutputFormat::Name, false), "").unwrap();
    assert_eq!(text, "flinkstatesnapshot.flink.apache.org/orders-sp-1\n");
}

#[test]
fn json_is_a_kubectl_list_and_templates_apply_to_the_same_document() {
    let text = render(&[entry()], &opts(OutputFormat::Json, false), "").unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["kind"], "List");
    assert_eq!(value["items"][0]["id"], "orders-sp-1");
    assert_eq!(value["items"][0]["location"], "s3://b/sp");
    assert!(value["items"][0].get("error").is_none(), "no nulls: {text}");
    let template =
        Template::parse(r#"{.kind}:{range .items[*]}{.id}={.location}{"\n"}{end}"#).unwrap();
    let text = render(
        &[entry(), legacy()],
        &opts(OutputFormat::JsonPath(template), false),
        "",
    )
    .unwrap();
    assert_eq!(text, "List:orders-sp-1=s3://b/sp\nlegacy-5=s3://b/sp\n");
}

#[test]
fn custom_columns_print_headers_as_given_and_none_for_missing_values() {
    let columns =
        flink_savepoint::jsonpath::parse_custom_columns("Id:.id,WHERE:.location,Err:.error")
            .unwrap();
    let text = render(
        &[entry()],
        &opts(OutputFormat::CustomColumns(columns), false),
        "",
    )
    .unwrap();
    assert_eq!(
        text,
        "Id            WHERE       Err\norders-sp-1   s3://b/sp   <none>\n"
    );
}

#[test]
fn sort_by_orders_entries_by_a_field_of_their_json() {
    let mut b = entry();
    b.id = "orders-sp-10".into();
    let mut a = entry();
    a.id = "orders-sp-9".into();
    let sorted = sort_entries(vec![b, a, legacy()], &Template::relaxed(".id").unwrap()).unwrap();
    let ids: Vec<&str> = sorted.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["legacy-5", "orders-sp-9", "orders-sp-10"]);
    let missing = sort_entries(vec![entry()], &Template::relaxed(".nope").unwrap()).unwrap_err();
    assert_eq!(
        missing.to_string(),
        "couldn't find any field with path \"{.nope}\" in the list of objects"
    );
}

#[test]
fn watch_changes_apply_templates_to_the_changed_entry() {
    let template = Template::parse("{.id} {.state}\n").unwrap();
    let text = render_change(
        &entry(),
        &opts(OutputFormat::JsonPath(template), false),
        &[],
    )
    .unwrap();
    assert_eq!(text, "orders-sp-1 COMPLETED\n");
    let name = render_change(&legacy(), &opts(OutputFormat::Name, false), &[]).unwrap();
    assert_eq!(name, "", "no object, no name line");
    let columns = flink_savepoint::jsonpath::parse_custom_columns("ID:.id,STATE:.state").unwrap();
    let row = render_change(
        &entry(),
        &opts(OutputFormat::CustomColumns(columns), false),
        &[13, 5],
    )
    .unwrap();
    assert_eq!(row, "orders-sp-1     COMPLETED\n");
}
