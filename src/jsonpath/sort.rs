//! The `--sort-by` order.

use std::cmp::Ordering;

use serde_json::Value;

use super::ast::{Error, err};
use super::eval::go_text;
use super::template::Template;

/// `--sort-by`: the order of `items` by the first value `path` finds in each (missing values
/// first, strings in natural order, numbers by value). Stable. Fails when no item has the field.
pub fn sort_order(path: &Template, items: &[Value]) -> Result<Vec<usize>, Error> {
    let keys: Vec<Option<Value>> = items
        .iter()
        .map(|item| path.find(item).map(|v| v.into_iter().next()))
        .collect::<Result<_, _>>()?;
    if !items.is_empty() && keys.iter().all(Option::is_none) {
        return err(format!(
            "couldn't find any field with path {:?} in the list of objects",
            path.source()
        ));
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| sort_cmp(keys[a].as_ref(), keys[b].as_ref()));
    Ok(order)
}

fn sort_cmp(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, _) => Ordering::Less,
        (_, None) => Ordering::Greater,
        (Some(Value::Number(x)), Some(Value::Number(y))) => x
            .as_f64()
            .unwrap_or(0.0)
            .partial_cmp(&y.as_f64().unwrap_or(0.0))
            .unwrap_or(Ordering::Equal),
        (Some(Value::String(x)), Some(Value::String(y))) => natural_cmp(x, y),
        (Some(Value::Bool(x)), Some(Value::Bool(y))) => x.cmp(y),
        (Some(x), Some(y)) => natural_cmp(&go_text(x), &go_text(y)),
    }
}

/// Natural order (kubectl's `sortorder.NaturalLess`): runs of digits compare by value.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i].is_ascii_digit() && b[j].is_ascii_digit() {
            let (si, sj) = (i, j);
            while i < a.len() && a[i].is_ascii_digit() {
                i += 1;
            }
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            let x = trim_zeros(&a[si..i]);
            let y = trim_zeros(&b[sj..j]);
            let by_value = x.len().cmp(&y.len()).then_with(|| x.cmp(y));
            if by_value != Ordering::Equal {
                return by_value;
            }
            // Equal values: fewer leading zeros first.
            let by_width = (i - si).cmp(&(j - sj));
            if by_width != Ordering::Equal {
                return by_width;
            }
        } else {
            if a[i] != b[j] {
                return a[i].cmp(&b[j]);
            }
            i += 1;
            j += 1;
        }
    }
    (a.len() - i).cmp(&(b.len() - j))
}

fn trim_zeros(digits: &[u8]) -> &[u8] {
    let first = digits
        .iter()
        .position(|&d| d != b'0')
        .unwrap_or(digits.len());
    &digits[first..]
}
