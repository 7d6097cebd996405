//! Applying parsed pieces and steps to a document, and how results print.

use std::cmp::Ordering;

use serde_json::Value;

use super::ast::{Error, Filter, Piece, Slice, Step, err};

pub(super) fn execute(pieces: &[Piece], data: &Value, out: &mut String) -> Result<(), Error> {
    for piece in pieces {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Action(steps) => {
                let results = eval(steps, vec![data.clone()])?;
                for (i, value) in results.iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    out.push_str(&print_text(value));
                }
            }
            Piece::Range { over, body } => {
                for item in eval(over, vec![data.clone()])? {
                    execute(body, &item, out)?;
                }
            }
        }
    }
    Ok(())
}

pub(super) fn find(pieces: &[Piece], data: &Value, found: &mut Vec<Value>) -> Result<(), Error> {
    for piece in pieces {
        match piece {
            Piece::Text(text) => found.push(Value::String(text.clone())),
            Piece::Action(steps) => found.extend(eval(steps, vec![data.clone()])?),
            Piece::Range { over, body } => {
                for item in eval(over, vec![data.clone()])? {
                    find(body, &item, found)?;
                }
            }
        }
    }
    Ok(())
}

/// How `-o jsonpath` prints one result: strings raw, `<nil>` for null, JSON for the rest.
fn print_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "<nil>".to_owned(),
        Value::Array(_) | Value::Object(_) => value.to_string(),
        other => other.to_string(),
    }
}

/// How custom columns print one value: Go's `%v` (`map[k:v]`, `[a b]`, `<nil>`).
pub fn go_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "<nil>".to_owned(),
        Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(go_text).collect();
            format!("[{}]", inner.join(" "))
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let inner: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{k}:{}", go_text(&map[k])))
                .collect();
            format!("map[{}]", inner.join(" "))
        }
        other => other.to_string(),
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "<nil>",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float64",
        Value::Number(_) => "int64",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

fn children(value: &Value) -> Vec<Value> {
    match value {
        Value::Object(map) => map.values().cloned().collect(),
        Value::Array(items) => items.clone(),
        _ => Vec::new(),
    }
}

fn eval(steps: &[Step], input: Vec<Value>) -> Result<Vec<Value>, Error> {
    let mut current = input;
    for step in steps {
        current = eval_step(step, current)?;
    }
    Ok(current)
}

fn eval_step(step: &Step, input: Vec<Value>) -> Result<Vec<Value>, Error> {
    Ok(match step {
        Step::Field(name) => input
            .iter()
            .filter_map(|v| v.as_object().and_then(|m| m.get(name)).cloned())
            .collect(),
        Step::Wildcard => input.iter().flat_map(children).collect(),
        Step::Recursive => {
            let mut out = Vec::new();
            for value in &input {
                recurse(value, &mut out);
            }
            out
        }
        Step::Slice(slice) => {
            let mut out = Vec::new();
            for value in &input {
                slice_into(slice, value, &mut out)?;
            }
            out
        }
        Step::Union(branches) => {
            let mut out = Vec::new();
            for branch in branches {
                out.extend(eval(branch, input.clone())?);
            }
            out
        }
        Step::Filter(filter) => {
            let mut out = Vec::new();
            for value in &input {
                filter_into(filter, value, &mut out)?;
            }
            out
        }
        Step::Text(text) => vec![Value::String(text.clone())],
        Step::Literal(value) => vec![value.clone(); input.len()],
        Step::Identifier(name) => return err(format!("unrecognized identifier {name}")),
    })
}

fn recurse(value: &Value, out: &mut Vec<Value>) {
    let kids = children(value);
    if !kids.is_empty() {
        out.push(value.clone());
        for kid in &kids {
            recurse(kid, out);
        }
    }
}

fn slice_into(slice: &Slice, value: &Value, out: &mut Vec<Value>) -> Result<(), Error> {
    let items = match value {
        Value::Null => return Ok(()),
        Value::Array(items) => items,
        other => return err(format!("{} is not array or slice", type_name(other))),
    };
    let len = items.len() as i64;
    let mut start = slice.start.unwrap_or(0);
    if start < 0 {
        start += len;
    }
    let mut end = slice.end.unwrap_or(len);
    if end < 0 || (end == 0 && slice.end_derived) {
        end += len;
    }
    if start == end {
        return Ok(());
    }
    if start < 0 || start >= len {
        return err(format!(
            "array index out of bounds: index {start}, length {len}"
        ));
    }
    if end < 0 || end > len {
        return err(format!(
            "array index out of bounds: index {}, length {len}",
            end - 1
        ));
    }
    if start > end {
        return err(format!(
            "starting index {start} is greater than ending index {end}"
        ));
    }
    let step = match slice.step {
        Some(step) if step <= 0 => return err("step must be > 0"),
        Some(step) => step as usize,
        None => 1,
    };
    out.extend(
        items[start as usize..end as usize]
            .iter()
            .step_by(step)
            .cloned(),
    );
    Ok(())
}

fn filter_into(filter: &Filter, value: &Value, out: &mut Vec<Value>) -> Result<(), Error> {
    let items = match value {
        Value::Null => return Ok(()),
        Value::Array(items) => items,
        other => {
            return err(format!(
                "{} is not array or slice and cannot be filtered",
                print_text(other)
            ));
        }
    };
    for item in items {
        let lefts = eval(&filter.left, vec![item.clone()]);
        if filter.op == "exists" {
            if lefts.is_ok_and(|l| !l.is_empty()) {
                out.push(item.clone());
            }
            continue;
        }
        let lefts = lefts?;
        let left = match lefts.as_slice() {
            [] => continue,
            [one] => one,
            _ => return err("can only compare one element at a time"),
        };
        let rights = eval(&filter.right, vec![item.clone()])?;
        let right = match rights.as_slice() {
            [] => continue,
            [one] => one,
            _ => return err("can only compare one element at a time"),
        };
        if compare_op(&filter.op, left, right)? {
            out.push(item.clone());
        }
    }
    Ok(())
}

fn compare_op(op: &str, left: &Value, right: &Value) -> Result<bool, Error> {
    let ordering = match (left, right) {
        (Value::Number(a), Value::Number(b)) => {
            let (a, b) = (a.as_f64().unwrap_or(0.0), b.as_f64().unwrap_or(0.0));
            a.partial_cmp(&b)
        }
        (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
        (Value::Bool(a), Value::Bool(b)) => {
            if !matches!(op, "==" | "!=") {
                return err("invalid type for comparison");
            }
            Some(a.cmp(b))
        }
        _ => return err("incompatible types for comparison"),
    };
    let Some(ordering) = ordering else {
        return Ok(op == "!=");
    };
    Ok(match op {
        "==" => ordering == Ordering::Equal,
        "!=" => ordering != Ordering::Equal,
        "<" => ordering == Ordering::Less,
        ">" => ordering == Ordering::Greater,
        "<=" => ordering != Ordering::Greater,
        ">=" => ordering != Ordering::Less,
        other => return err(format!("unrecognized filter operator {other}")),
    })
}
