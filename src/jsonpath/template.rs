//! A parsed template and the relaxed path spelling of custom columns and `--sort-by`.

use serde_json::Value;

use super::ast::{Error, Piece, err};
use super::eval::{execute, find};
use super::parser::Parser;

/// A parsed template.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    source: String,
    pieces: Vec<Piece>,
}

impl Template {
    /// Parses a template (`{.items[*].id}`, text outside braces is printed as is).
    pub fn parse(text: &str) -> Result<Self, Error> {
        let mut parser = Parser::new(text);
        let pieces = parser.template()?;
        Ok(Template {
            source: text.to_owned(),
            pieces,
        })
    }

    /// Parses the relaxed path of custom columns and `--sort-by`: `.a.b`, `a.b`, `{.a.b}`
    /// and `{a.b}` all mean `{.a.b}`.
    pub fn relaxed(path: &str) -> Result<Self, Error> {
        Self::parse(&relaxed_expression(path)?)
    }

    /// The text the template was parsed from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Applies the template to `data` and returns the printed text, as `kubectl -o jsonpath`.
    pub fn execute(&self, data: &Value) -> Result<String, Error> {
        let mut out = String::new();
        execute(&self.pieces, data, &mut out)?;
        Ok(out)
    }

    /// The values every action of the template finds in `data` (custom columns and `--sort-by`).
    pub fn find(&self, data: &Value) -> Result<Vec<Value>, Error> {
        let mut found = Vec::new();
        find(&self.pieces, data, &mut found)?;
        Ok(found)
    }
}

/// kubectl's relaxed path: `.a.b`, `a.b`, `{.a.b}` or `{a.b}` become `{.a.b}`.
pub fn relaxed_expression(path: &str) -> Result<String, Error> {
    if path.is_empty() {
        return Ok(String::new());
    }
    let inner = path
        .strip_prefix('{')
        .and_then(|p| p.strip_suffix('}'))
        .unwrap_or(path);
    let inner = inner.strip_prefix('.').unwrap_or(inner);
    if inner.is_empty() || inner.contains(['{', '}']) {
        return err(
            "unexpected path string, expected a 'name1.name2' or '.name1.name2' or \
             '{name1.name2}' or '{.name1.name2}'",
        );
    }
    Ok(format!("{{.{inner}}}"))
}
