//! kubectl's JSONPath template dialect over `serde_json` values: the `-o jsonpath=…`,
//! `-o custom-columns=…` and `--sort-by` of `kubectl get`, with kubectl's semantics.
//!
//! A template is text with actions in braces: `{.items[*].metadata.name}`,
//! `{range .items[*]}{.id}{"\n"}{end}`. Inside an action:
//!
//! | syntax | meaning |
//! |---|---|
//! | `.field`, `['field']` | a key of an object (`\.` escapes a dot in a key) |
//! | `.*`, `[*]` | every value of an object, every element of an array |
//! | `[n]`, `[-1]`, `[a:b]`, `[a:b:step]` | array index and slice |
//! | `[a,b]` | union |
//! | `..field` | recursive descent |
//! | `[?(@.x == "y")]` | filter: `==`, `!=`, `<`, `>`, `<=`, `>=`, or `[?(@.x)]` (exists) |
//! | `"text"`, `'text'` | a literal (`{"\n"}`) |
//! | `range …` / `end` | iterate the results of `…` until `{end}` |
//! | `@`, `$` | the current object |
//!
//! Missing keys print nothing (kubectl's default `--allow-missing-template-keys=true`). Results
//! of one action are separated by a space; strings print raw, objects and arrays as compact JSON.

mod ast;
mod brackets;
mod columns;
mod eval;
mod parser;
mod sort;
mod template;

pub use ast::Error;
pub use columns::{Column, column_text, parse_custom_columns, parse_custom_columns_file};
pub use eval::go_text;
pub use sort::{natural_cmp, sort_order};
pub use template::{Template, relaxed_expression};

#[cfg(test)]
mod tests;
