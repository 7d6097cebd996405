//! Small helpers to write CEL source text.

/// A CEL string literal for `s` (double-quoted, escaped).
pub fn lit(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A CEL raw string literal (for RE2 patterns); `pattern` must not contain `"`.
pub fn raw(pattern: &str) -> String {
    assert!(
        !pattern.contains('"'),
        "raw CEL string with a quote: {pattern}"
    );
    format!("r\"{pattern}\"")
}

/// A CEL list of string literals.
pub fn list(items: &[&str]) -> String {
    let items: Vec<String> = items.iter().map(|s| lit(s)).collect();
    format!("[{}]", items.join(", "))
}

/// Turns a message rendered by the library with hole markers into a CEL string concatenation:
/// each `(marker, expression)` is replaced by the CEL expression, everything else is literal.
pub fn template(text: &str, holes: &[(&str, &str)]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut rest = text;
    loop {
        let next = holes
            .iter()
            .filter_map(|(marker, expr)| rest.find(marker).map(|at| (at, *marker, *expr)))
            .min_by_key(|(at, _, _)| *at);
        match next {
            Some((at, marker, expr)) => {
                if at > 0 {
                    parts.push(lit(&rest[..at]));
                }
                parts.push(format!("({expr})"));
                rest = &rest[at + marker.len()..];
            }
            None => {
                if !rest.is_empty() || parts.is_empty() {
                    parts.push(lit(rest));
                }
                break;
            }
        }
    }
    parts.join(" + ")
}

/// A CEL identifier derived from a dotted configuration key (prefix).
pub fn ident(prefix: &str, key: &str) -> String {
    let body: String = key
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("{prefix}{body}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_alternate_literals_and_holes() {
        assert_eq!(
            template(
                "a \u{E000}X b \u{E000}Y",
                &[("\u{E000}X", "x"), ("\u{E000}Y", "y")]
            ),
            "\"a \" + (x) + \" b \" + (y)"
        );
        assert_eq!(template("plain", &[]), "\"plain\"");
        assert_eq!(lit("q\"\\\u{1}"), "\"q\\\"\\\\\\u0001\"");
    }
}
