//! JSON merge patches (RFC 7386) guarded by a resourceVersion precondition.
//!
//! Custom resources accept merge patches; putting `metadata.resourceVersion` into the body makes
//! the API server reject the write with 409 Conflict if the object changed since it was read.

use serde_json::{Map, Value};

/// A merge patch under construction: leaves set or removed at object paths.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MergePatch {
    root: Map<String, Value>,
}

impl MergePatch {
    /// An empty patch.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the leaf at `path` (object keys from the root) to `value`; `Value::Null` removes it.
    /// Later calls on the same path win; an intermediate non-object is replaced by an object.
    pub fn set(&mut self, path: &[&str], value: Value) {
        let Some((last, parents)) = path.split_last() else {
            return;
        };
        let mut map = &mut self.root;
        for segment in parents {
            let slot = map
                .entry((*segment).to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if !slot.is_object() {
                *slot = Value::Object(Map::new());
            }
            let Value::Object(child) = slot else {
                return;
            };
            map = child;
        }
        map.insert((*last).to_owned(), value);
    }

    /// Adds the `metadata.resourceVersion` precondition.
    pub fn with_resource_version(mut self, resource_version: &str) -> Self {
        self.set(
            &["metadata", "resourceVersion"],
            Value::String(resource_version.to_owned()),
        );
        self
    }

    /// The patch body.
    pub fn into_value(self) -> Value {
        Value::Object(self.root)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_paths_build_nested_objects_and_null_removes() {
        let mut patch = MergePatch::new();
        patch.set(&["spec", "flinkConfiguration", "a.b"], json!("1"));
        patch.set(&["spec", "flinkConfiguration", "x", "y"], Value::Null);
        let body = patch.with_resource_version("42").into_value();
        assert_eq!(
            body,
            json!({"spec": {"flinkConfiguration": {"a.b": "1", "x": {"y": null}}},
                   "metadata": {"resourceVersion": "42"}})
        );
        let mut doc = json!({"metadata": {"resourceVersion": "42"},
                             "spec": {"flinkConfiguration": {"x": {"y": "v", "z": "keep"}, "other": "o"}}});
        json_patch::merge(&mut doc, &body);
        assert_eq!(
            doc["spec"]["flinkConfiguration"],
            json!({"x": {"z": "keep"}, "other": "o", "a.b": "1"})
        );
    }
}
