//! API server `Warning:` headers (deprecations, admission webhook warnings), printed to stderr
//! the way kubectl does. kube-rs drops them, so a response-mapping tower layer reads them.

use http::Response;
use http::header::WARNING;
use tower::util::MapResponseLayer;

/// The layer to add to the client stack (`ClientBuilder::with_layer`).
pub fn layer<B>() -> MapResponseLayer<fn(Response<B>) -> Response<B>> {
    MapResponseLayer::new(print_warnings::<B>)
}

fn print_warnings<B>(response: Response<B>) -> Response<B> {
    for value in response.headers().get_all(WARNING) {
        if let Some(text) = value.to_str().ok().and_then(warning_text) {
            crate::render::progress::warn(&text);
        }
    }
    response
}

/// The text of an RFC 7234 warning value: `299 - "text"` → `text` (escapes undone).
pub fn warning_text(value: &str) -> Option<String> {
    let mut parts = value.trim().splitn(3, ' ');
    let code = parts.next()?;
    if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let _agent = parts.next()?;
    let quoted = parts.next()?.trim();
    let inner = quoted.strip_prefix('"')?;
    let mut text = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => text.push(chars.next()?),
            '"' => return Some(text),
            other => text.push(other),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warning_values_are_unquoted() {
        assert_eq!(
            warning_text("299 - \"savepoint dir set on a session job\""),
            Some("savepoint dir set on a session job".into())
        );
        assert_eq!(
            warning_text("299 - \"say \\\"hi\\\"\" \"Mon, 01 Jan 2026 00:00:00 GMT\""),
            Some("say \"hi\"".into())
        );
        assert_eq!(warning_text("garbage"), None);
        assert_eq!(warning_text("299 - unquoted"), None);
    }

    #[test]
    fn responses_pass_through_unchanged() {
        let response = Response::builder()
            .header(WARNING, "299 - \"x\"")
            .body(7)
            .unwrap();
        assert_eq!(*print_warnings(response).body(), 7);
    }
}
