use super::*;

#[test]
fn the_kubernetes_selector_forms_parse() {
    for ok in [
        "",
        "team=data",
        "team==data,tier!=web",
        "team in (data, ml),env notin (dev)",
        "app.kubernetes.io/name=orders",
        "!legacy",
        "managed",
        "a=",
        "rank>3,rank<10",
    ] {
        assert_eq!(parse_label_selector(ok), Ok(ok.to_string()), "{ok}");
    }
}

#[test]
fn malformed_selectors_get_the_api_servers_message() {
    let cases = [
        ("a=b=c", "found '=', expected: ',' or 'end of string'"),
        (
            "team in (",
            "unable to parse requirement: found '', expected: ',', ')' or identifier",
        ),
        (
            "team data",
            "found 'data', expected: in, notin, =, ==, !=, gt, lt",
        ),
        ("a=b,", "found '', expected: identifier after ','"),
        ("=x", "found '=', expected: identifier"),
        ("team in ()", "values set can't be empty"),
        ("n>x", "must be an integer"),
        ("Bad_/x=y", "prefix must be a DNS subdomain"),
        ("a=-b", "invalid label value \"-b\""),
    ];
    for (selector, message) in cases {
        let err = parse_label_selector(selector).unwrap_err();
        assert!(err.contains(message), "{selector}: {err}");
    }
}
