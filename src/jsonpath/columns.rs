//! `-o custom-columns=…` and `-o custom-columns-file=…`.

use serde_json::Value;

use super::ast::{Error, err};
use super::eval::go_text;
use super::template::Template;

/// One column of `-o custom-columns`: a header and the path of its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Printed as given.
    pub header: String,
    /// Relaxed path applied to each item.
    pub path: Template,
}

/// Parses `HEADER:PATH,HEADER:PATH` (`-o custom-columns=`).
pub fn parse_custom_columns(spec: &str) -> Result<Vec<Column>, Error> {
    if spec.is_empty() {
        return err("custom-columns format specified but no custom columns given");
    }
    spec.split(',')
        .map(|part| match part.split_once(':') {
            Some((header, path)) => Ok(Column {
                header: header.to_owned(),
                path: Template::relaxed(path)?,
            }),
            None => err(format!(
                "unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>"
            )),
        })
        .collect()
}

/// Parses a custom-columns template file: a line of headers, then a line of paths
/// (`-o custom-columns-file=`).
pub fn parse_custom_columns_file(text: &str) -> Result<Vec<Column>, Error> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let headers: Vec<&str> = lines
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    let paths: Vec<&str> = lines
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    if headers.len() != paths.len() {
        return err(format!(
            "number of headers ({}) does not match number of specs ({})",
            headers.len(),
            paths.len()
        ));
    }
    if headers.is_empty() {
        return err("custom-columns format specified but no custom columns given");
    }
    headers
        .into_iter()
        .zip(paths)
        .map(|(header, path)| {
            Ok(Column {
                header: header.to_owned(),
                path: Template::relaxed(path)?,
            })
        })
        .collect()
}

/// The text of one custom-columns cell: the values joined by `,`, `<none>` when there are none.
pub fn column_text(column: &Column, item: &Value) -> Result<String, Error> {
    let values = column.path.find(item)?;
    if values.is_empty() {
        return Ok("<none>".to_owned());
    }
    Ok(values.iter().map(go_text).collect::<Vec<_>>().join(","))
}
