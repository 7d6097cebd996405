//! The flattened `key → string` view of a `flinkConfiguration` object.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::options::ConfigOption;

/// A flattened `flinkConfiguration`: every leaf as a `dotted.key → string` pair.
///
/// Built with [`flatten`] / [`flatten_value`] (mirroring the operator's
/// `ConfigObjectNode#asFlatMap`) or collected from `(key, value)` pairs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FlatConfig(BTreeMap<String, String>);

/// One option value found in a [`FlatConfig`]: the spelling that matched and its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found<'a> {
    /// The key spelling present in the configuration (canonical key or a deprecated alias).
    pub key: &'a str,
    /// The raw string value.
    pub value: &'a str,
}

impl FlatConfig {
    /// An empty configuration.
    pub fn new() -> Self {
        Self::default()
    }

    /// The raw value stored under exactly `key` (no alias resolution).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    /// Whether exactly `key` is present (no alias resolution).
    pub fn contains_key(&self, key: &str) -> bool {
        self.0.contains_key(key)
    }

    /// Iterates `(key, value)` pairs in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no keys.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Sets `key` to `value` (Flink `Configuration#setString`): replaces only this exact spelling.
    pub fn set(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.0.insert(key.into(), value.into());
    }

    /// The underlying map.
    pub fn as_map(&self) -> &BTreeMap<String, String> {
        &self.0
    }

    /// Resolves `opt` with Flink `Configuration` precedence: the canonical key wins; the
    /// deprecated keys are consulted only when the canonical key is absent, in declaration
    /// order. Defaults are *not* applied (see [`ConfigOption::default`] or
    /// [`super::Layered`]).
    pub fn lookup(&self, opt: &ConfigOption) -> Option<Found<'_>> {
        opt.spellings().find_map(|spelling| {
            self.0.get_key_value(spelling).map(|(key, value)| Found {
                key: key.as_str(),
                value: value.as_str(),
            })
        })
    }

    /// Every spelling of `opt` present, canonical first then aliases in declaration order.
    /// The first element (if any) is what [`FlatConfig::lookup`] returns.
    pub fn find_all_spellings(&self, opt: &ConfigOption) -> Vec<(&str, &str)> {
        opt.spellings()
            .filter_map(|spelling| {
                self.0
                    .get_key_value(spelling)
                    .map(|(k, v)| (k.as_str(), v.as_str()))
            })
            .collect()
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for FlatConfig {
    fn from_iter<T: IntoIterator<Item = (K, V)>>(iter: T) -> Self {
        Self(
            iter.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}

impl IntoIterator for FlatConfig {
    type Item = (String, String);
    type IntoIter = std::collections::btree_map::IntoIter<String, String>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a FlatConfig {
    type Item = (&'a String, &'a String);
    type IntoIter = std::collections::btree_map::Iter<'a, String, String>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// Flattens a raw `flinkConfiguration` object exactly like the operator's
/// `ConfigObjectNode#asFlatMap`:
///
/// * nested objects are joined with `.` (`{state: {savepoints.dir: X}}` → `state.savepoints.dir`);
///   an empty parent key contributes nothing (Jackson's `parentKey.isEmpty()` check), and empty
///   objects produce no entry;
/// * arrays become one `;`-joined string of their elements' texts (objects/arrays inside an
///   array have the text `""`, like Jackson's `asText()`);
/// * scalars use Jackson `asText()`, see [`json_scalar_text`] (`null` becomes `"null"`);
/// * duplicate keys after flattening: the later one in document order wins.
pub fn flatten(value: &Map<String, Value>) -> FlatConfig {
    let mut out = BTreeMap::new();
    flatten_into(value, "", &mut out);
    FlatConfig(out)
}

/// [`flatten`] for any JSON value; anything but an object flattens to an empty configuration.
pub fn flatten_value(value: &Value) -> FlatConfig {
    match value {
        Value::Object(map) => flatten(map),
        _ => FlatConfig::default(),
    }
}

fn flatten_into(map: &Map<String, Value>, parent: &str, out: &mut BTreeMap<String, String>) {
    for (key, value) in map {
        let full = join_key(parent, key);
        match value {
            Value::Object(child) => flatten_into(child, &full, out),
            other => {
                out.insert(full, json_scalar_text(other));
            }
        }
    }
}

/// Joins a parent key and a child key like the operator (`parent.isEmpty() ? child : parent + "." + child`).
pub(crate) fn join_key(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

/// Jackson `JsonNode#asText()` for a leaf value (arrays are `;`-joined element texts, objects
/// are `""`, `null` is `"null"`, floating-point numbers use Java `Double.toString` notation such
/// as `1.5`, `100.0` or `1.0E20`).
pub fn json_scalar_text(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::String(s) => s.clone(),
        Value::Number(n) => {
            if n.is_i64() || n.is_u64() {
                n.to_string()
            } else {
                n.as_f64()
                    .map(java_double_text)
                    .unwrap_or_else(|| n.to_string())
            }
        }
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::Array(_) | Value::Object(_) => String::new(),
                scalar => json_scalar_text(scalar),
            })
            .collect::<Vec<_>>()
            .join(";"),
        Value::Object(_) => String::new(),
    }
}

/// Java `Double.toString`: plain notation for `1e-3 <= |d| < 1e7`, otherwise `d.dddE±n`; always
/// at least one fractional digit.
fn java_double_text(d: f64) -> String {
    if d == 0.0 {
        return if d.is_sign_negative() { "-0.0" } else { "0.0" }.to_owned();
    }
    let abs = d.abs();
    if (1e-3..1e7).contains(&abs) {
        let plain = format!("{d}");
        if plain.contains('.') {
            plain
        } else {
            format!("{plain}.0")
        }
    } else {
        let sci = format!("{d:e}");
        let (mantissa, exponent) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
        let mantissa = if mantissa.contains('.') {
            mantissa.to_owned()
        } else {
            format!("{mantissa}.0")
        };
        format!("{mantissa}E{exponent}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_double_text_matches_java_notation() {
        assert_eq!(java_double_text(1.5), "1.5");
        assert_eq!(java_double_text(100.0), "100.0");
        assert_eq!(java_double_text(1e20), "1.0E20");
        assert_eq!(java_double_text(1.25e-5), "1.25E-5");
        assert_eq!(java_double_text(-2.5e7), "-2.5E7");
        assert_eq!(java_double_text(0.001), "0.001");
        assert_eq!(java_double_text(0.0), "0.0");
    }
}
