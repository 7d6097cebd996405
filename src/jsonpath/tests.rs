use std::cmp::Ordering;

use serde_json::{Value, json};

use super::*;

fn doc() -> Value {
    json!({
        "kind": "List",
        "items": [
            { "metadata": { "name": "a", "labels": { "app.kubernetes.io/name": "x" } }, "n": 10, "state": "COMPLETED", "ok": true },
            { "metadata": { "name": "b" }, "n": 2, "state": "FAILED", "ok": false },
            { "metadata": { "name": "c10" }, "n": 30, "state": "COMPLETED", "tags": ["p", "q"] }
        ]
    })
}

fn run(template: &str) -> String {
    Template::parse(template).unwrap().execute(&doc()).unwrap()
}

#[test]
fn wildcard_results_of_one_action_are_space_separated() {
    assert_eq!(run("{.items[*].metadata.name}"), "a b c10");
    assert_eq!(run("names: {.items[*].metadata.name}!"), "names: a b c10!");
}

#[test]
fn range_repeats_its_body_per_result_and_quoted_text_is_unescaped() {
    assert_eq!(
        run(r#"{range .items[*]}{.metadata.name}{"\t"}{.n}{"\n"}{end}"#),
        "a\t10\nb\t2\nc10\t30\n"
    );
    assert_eq!(
        run(r#"{range .items[*]}[{range .tags[*]}{@}{end}]{end}"#),
        "[][][pq]"
    );
}

#[test]
fn indexes_slices_and_unions_follow_kubectl() {
    assert_eq!(run("{.items[0].metadata.name}"), "a");
    assert_eq!(run("{.items[-1].metadata.name}"), "c10");
    assert_eq!(run("{.items[1:].metadata.name}"), "b c10");
    assert_eq!(run("{.items[0:3:2].metadata.name}"), "a c10");
    assert_eq!(run("{.items[0]['n','state']}"), "10 COMPLETED");
    assert_eq!(run("{.items[0,2].n}"), "10 30");
    let e = Template::parse("{.items[5].n}")
        .unwrap()
        .execute(&doc())
        .unwrap_err();
    assert_eq!(e.0, "array index out of bounds: index 5, length 3");
}

#[test]
fn filters_compare_strings_numbers_and_booleans_and_test_existence() {
    assert_eq!(
        run(r#"{.items[?(@.state=="COMPLETED")].metadata.name}"#),
        "a c10"
    );
    assert_eq!(
        run(r#"{.items[?(@.state != 'COMPLETED')].metadata.name}"#),
        "b"
    );
    assert_eq!(run("{.items[?(@.n > 5)].metadata.name}"), "a c10");
    assert_eq!(run("{.items[?(@.n<=10)].metadata.name}"), "a b");
    assert_eq!(run("{.items[?(@.ok==true)].metadata.name}"), "a");
    assert_eq!(run("{.items[?(@.tags)].metadata.name}"), "c10");
    // kubectl has no regex operator: `=~` is `=` followed by a stray `~`.
    assert_eq!(
        Template::parse(r#"{.items[?(@.a=~"x")]}"#).unwrap_err().0,
        "unrecognized character in action: U+007E '~'"
    );
}

#[test]
fn missing_keys_print_nothing_and_objects_print_as_json() {
    assert_eq!(run("{.nothing.here}"), "");
    assert_eq!(run("{.items[2].tags}"), r#"["p","q"]"#);
    assert_eq!(
        run(r"{.items[0].metadata.labels.app\.kubernetes\.io/name}"),
        "x"
    );
    assert_eq!(run("{.items[0].ok}"), "true");
    assert_eq!(
        Template::parse("{.x}")
            .unwrap()
            .execute(&json!({"x": null}))
            .unwrap(),
        "<nil>"
    );
}

#[test]
fn recursive_descent_finds_every_matching_key() {
    assert_eq!(run("{..name}"), "a b c10");
}

#[test]
fn malformed_templates_are_rejected_with_kubectl_messages() {
    for (template, message) in [
        ("{.items", "unclosed action"),
        ("{.items[0}", "unterminated array"),
        ("{.items[x]}", "invalid array index x"),
        ("{end}", "not in range, nothing to end"),
        ("{.a..b....c}", "invalid multiple recursive descent"),
        ("{foo}", ""),
        ("{.a,.b}", "unrecognized character in action: U+002C ','"),
    ] {
        let parsed = Template::parse(template);
        if message.is_empty() {
            let e = parsed.unwrap().execute(&doc()).unwrap_err();
            assert_eq!(e.0, "unrecognized identifier foo");
        } else {
            assert_eq!(parsed.unwrap_err().0, message, "{template}");
        }
    }
}

#[test]
fn relaxed_paths_accept_kubectl_spellings() {
    for path in [
        ".metadata.name",
        "metadata.name",
        "{.metadata.name}",
        "{metadata.name}",
    ] {
        assert_eq!(relaxed_expression(path).unwrap(), "{.metadata.name}");
    }
    assert!(relaxed_expression("{.a}{.b}").is_err());
}

#[test]
fn custom_columns_join_multiple_values_and_show_none_for_missing() {
    let columns = parse_custom_columns("NAME:.metadata.name,TAGS:.tags[*],X:.x").unwrap();
    let item = &doc()["items"][2];
    let cells: Vec<String> = columns
        .iter()
        .map(|c| column_text(c, item).unwrap())
        .collect();
    assert_eq!(cells, ["c10", "p,q", "<none>"]);
    assert_eq!(columns[0].header, "NAME");
    assert_eq!(
        parse_custom_columns("NAME").unwrap_err().0,
        "unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>"
    );
    let file = parse_custom_columns_file("NAME   STATE\n.metadata.name .state\n").unwrap();
    assert_eq!(file.len(), 2);
    assert!(parse_custom_columns_file("A B\n.a\n").is_err());
    assert_eq!(go_text(&json!({"b": 1, "a": [1, "x"]})), "map[a:[1 x] b:1]");
}

#[test]
fn sort_order_is_natural_numeric_and_puts_missing_first() {
    let items = doc()["items"].as_array().unwrap().clone();
    let by_n = sort_order(&Template::relaxed(".n").unwrap(), &items).unwrap();
    assert_eq!(by_n, [1, 0, 2]);
    let by_tags = sort_order(&Template::relaxed(".tags[0]").unwrap(), &items).unwrap();
    assert_eq!(by_tags, [0, 1, 2]);
    let e = sort_order(&Template::relaxed(".nope").unwrap(), &items).unwrap_err();
    assert_eq!(
        e.0,
        "couldn't find any field with path \"{.nope}\" in the list of objects"
    );
    assert_eq!(natural_cmp("sp-9", "sp-10"), Ordering::Less);
    assert_eq!(natural_cmp("a", "a1"), Ordering::Less);
    assert_eq!(natural_cmp("b", "a10"), Ordering::Greater);
}
