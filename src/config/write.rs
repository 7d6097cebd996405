//! Pure edits of a raw `flinkConfiguration` object that keep the author's spelling and nesting.

use serde_json::{Map, Value};
use thiserror::Error;

use super::flat::join_key;
use super::options::ConfigOption;

/// Where one spelling of an option sits inside a raw `flinkConfiguration` object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The flattened key (one of the option's spellings).
    pub key: String,
    /// Object keys from the `flinkConfiguration` root down to the leaf.
    pub path: Vec<String>,
    /// JSON pointer of the leaf, relative to the `flinkConfiguration` object (prefix it with
    /// `/spec/flinkConfiguration` for a patch on the resource).
    pub pointer: String,
}

/// Result of [`set_option`].
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    /// Where the value was written.
    pub location: Location,
    /// The value that was replaced, `None` if the key was added.
    pub previous: Option<Value>,
}

/// Why [`set_option`] refused to write.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WriteError {
    /// The canonical key is used as a non-empty object, so a flat value cannot be added without
    /// destroying the keys below it.
    #[error(
        "cannot set \"{key}\": flinkConfiguration already has an object with other keys under \"{key}\"; \
         move those keys or set the value manually"
    )]
    KeyIsObject {
        /// The conflicting key.
        key: String,
    },
}

/// Escapes one JSON-pointer reference token (`~` → `~0`, `/` → `~1`).
pub fn escape_pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn pointer_of(path: &[String]) -> String {
    path.iter()
        .map(|segment| format!("/{}", escape_pointer_token(segment)))
        .collect()
}

/// Every location of every spelling of `opt` in document order (leaves only: a spelling that is
/// an object with children is not a value of the option).
pub fn locate_option(conf: &Map<String, Value>, opt: &ConfigOption) -> Vec<Location> {
    let mut found = Vec::new();
    let mut path = Vec::new();
    walk(conf, "", &mut path, opt, &mut found);
    found
}

fn walk(
    map: &Map<String, Value>,
    parent: &str,
    path: &mut Vec<String>,
    opt: &ConfigOption,
    found: &mut Vec<Location>,
) {
    for (key, value) in map {
        let full = join_key(parent, key);
        path.push(key.clone());
        match value {
            Value::Object(child) => walk(child, &full, path, opt, found),
            _ if opt.has_spelling(&full) => found.push(Location {
                pointer: pointer_of(path),
                path: path.clone(),
                key: full,
            }),
            _ => {}
        }
        path.pop();
    }
}

/// The location whose value the operator uses for `opt`: the spelling [`super::FlatConfig::lookup`]
/// picks on the flattened object, at its last occurrence in document order (later wins).
pub fn effective_location(conf: &Map<String, Value>, opt: &ConfigOption) -> Option<Location> {
    let locations = locate_option(conf, opt);
    let spelling = opt
        .spellings()
        .find(|s| locations.iter().any(|l| l.key == *s))?;
    locations.into_iter().rev().find(|l| l.key == spelling)
}

/// JSON pointer (relative to the `flinkConfiguration` object) of the effective spelling of
/// `opt`, see [`effective_location`].
pub fn json_pointer_for(conf: &Map<String, Value>, opt: &ConfigOption) -> Option<String> {
    effective_location(conf, opt).map(|l| l.pointer)
}

fn leaf_mut<'m>(conf: &'m mut Map<String, Value>, path: &[String]) -> Option<&'m mut Value> {
    let (last, parents) = path.split_last()?;
    let mut map = conf;
    for segment in parents {
        map = map.get_mut(segment)?.as_object_mut()?;
    }
    map.get_mut(last)
}

fn parent_mut<'m>(
    conf: &'m mut Map<String, Value>,
    parents: &[String],
) -> Option<&'m mut Map<String, Value>> {
    let mut map = conf;
    for segment in parents {
        map = map.get_mut(segment)?.as_object_mut()?;
    }
    Some(map)
}

/// Sets `opt` to the string `value`, touching nothing else.
///
/// * If a spelling is present (flat, nested or mixed), the value at its effective location
///   ([`effective_location`]) is replaced in place, keeping that spelling and nesting.
/// * Otherwise the canonical key is appended as a flat key with a JSON **string** value (valid on
///   both the old string-map CRD and the nested one).
///
/// Fails only if the canonical key already exists as a non-empty object.
pub fn set_option(
    conf: &mut Map<String, Value>,
    opt: &ConfigOption,
    value: &str,
) -> Result<Written, WriteError> {
    set_option_adding(conf, opt, value, opt.key)
}

/// [`set_option`], but when no spelling of `opt` is present the value is added under
/// `new_key` (one of `opt`'s spellings, e.g. the deprecated key an older Flink version reads)
/// instead of the canonical key. A present spelling is always updated in place.
pub fn set_option_adding(
    conf: &mut Map<String, Value>,
    opt: &ConfigOption,
    value: &str,
    new_key: &str,
) -> Result<Written, WriteError> {
    if let Some(location) = effective_location(conf, opt)
        && let Some(slot) = leaf_mut(conf, &location.path)
    {
        let previous = std::mem::replace(slot, Value::String(value.to_owned()));
        return Ok(Written {
            location,
            previous: Some(previous),
        });
    }
    let new_key = if opt.has_spelling(new_key) {
        new_key
    } else {
        opt.key
    };
    match conf.get(new_key) {
        Some(Value::Object(children)) if !children.is_empty() => {
            return Err(WriteError::KeyIsObject {
                key: new_key.to_owned(),
            });
        }
        _ => {}
    }
    let previous = conf.insert(new_key.to_owned(), Value::String(value.to_owned()));
    let path = vec![new_key.to_owned()];
    Ok(Written {
        location: Location {
            key: new_key.to_owned(),
            pointer: pointer_of(&path),
            path,
        },
        previous,
    })
}

/// Removes every spelling of `opt` at every location, returning what was removed in document
/// order. Nothing else changes: parent objects left empty stay (they flatten to nothing), and
/// the order of the remaining keys is preserved.
pub fn remove_option(conf: &mut Map<String, Value>, opt: &ConfigOption) -> Vec<Location> {
    let locations = locate_option(conf, opt);
    let mut removed = Vec::with_capacity(locations.len());
    for location in locations {
        let Some((last, parents)) = location.path.split_last() else {
            continue;
        };
        if let Some(parent) = parent_mut(conf, parents)
            && parent.shift_remove(last).is_some()
        {
            removed.push(location);
        }
    }
    removed
}
