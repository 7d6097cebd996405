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

use std::cmp::Ordering;

use serde_json::Value;

/// A template that does not parse, or cannot be applied to a document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Error(pub String);

fn err<T>(message: impl Into<String>) -> Result<T, Error> {
    Err(Error(message.into()))
}

/// A parsed template.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    source: String,
    pieces: Vec<Piece>,
}

#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Text(String),
    Action(Vec<Step>),
    Range { over: Vec<Step>, body: Vec<Piece> },
}

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Field(String),
    Wildcard,
    Recursive,
    Slice(Slice),
    Union(Vec<Vec<Step>>),
    Filter(Box<Filter>),
    /// A quoted string: one result whatever the input.
    Text(String),
    /// A number or boolean: one result per input.
    Literal(Value),
    /// `range` or `end`.
    Identifier(String),
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Slice {
    start: Option<i64>,
    end: Option<i64>,
    /// `[n]` is `[n:n+1]`; a derived end of 0 (from `[-1]`) means the length.
    end_derived: bool,
    step: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
struct Filter {
    left: Vec<Step>,
    op: String,
    right: Vec<Step>,
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

fn execute(pieces: &[Piece], data: &Value, out: &mut String) -> Result<(), Error> {
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

fn find(pieces: &[Piece], data: &Value, found: &mut Vec<Value>) -> Result<(), Error> {
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

/// The template parser.
struct Parser {
    chars: Vec<char>,
    pos: usize,
}

fn is_terminator(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => matches!(
            c,
            ' ' | '\t' | '\r' | '\n' | '.' | ',' | '[' | ']' | '$' | '@' | '{' | '}'
        ),
    }
}

fn is_alphanumeric(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

impl Parser {
    fn new(text: &str) -> Self {
        Parser {
            chars: text.chars().collect(),
            pos: 0,
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn starts_with(&self, prefix: &str) -> bool {
        prefix
            .chars()
            .enumerate()
            .all(|(i, c)| self.chars.get(self.pos + i) == Some(&c))
    }

    /// Text and actions; `range … end` become nested pieces.
    fn template(&mut self) -> Result<Vec<Piece>, Error> {
        let mut stack: Vec<(Vec<Step>, Vec<Piece>)> = Vec::new();
        let mut pieces: Vec<Piece> = Vec::new();
        let mut text = String::new();
        while let Some(c) = self.peek() {
            if c != '{' {
                text.push(c);
                self.pos += 1;
                continue;
            }
            if !text.is_empty() {
                pieces.push(Piece::Text(std::mem::take(&mut text)));
            }
            self.pos += 1;
            let steps = self.action()?;
            match steps.first() {
                Some(Step::Identifier(id)) if id == "range" => {
                    stack.push((steps[1..].to_vec(), std::mem::take(&mut pieces)));
                }
                Some(Step::Identifier(id)) if id == "end" => {
                    if steps.len() > 1 {
                        return err("unexpected input after end");
                    }
                    let Some((over, outer)) = stack.pop() else {
                        return err("not in range, nothing to end");
                    };
                    let body = std::mem::replace(&mut pieces, outer);
                    pieces.push(Piece::Range { over, body });
                }
                _ => pieces.push(Piece::Action(steps)),
            }
        }
        if !text.is_empty() {
            pieces.push(Piece::Text(text));
        }
        // A range without `{end}` runs to the end of the template.
        while let Some((over, outer)) = stack.pop() {
            let body = std::mem::replace(&mut pieces, outer);
            pieces.push(Piece::Range { over, body });
        }
        Ok(pieces)
    }

    /// The steps of one action, after its `{`, through its `}`.
    fn action(&mut self) -> Result<Vec<Step>, Error> {
        let mut steps = Vec::new();
        loop {
            if self.starts_with("}") {
                self.pos += 1;
                return Ok(steps);
            }
            if self.starts_with("[?(") {
                self.pos += 3;
                steps.push(self.filter()?);
                continue;
            }
            if self.starts_with("..") {
                if matches!(steps.last(), Some(Step::Recursive)) {
                    return err("invalid multiple recursive descent");
                }
                self.pos += 2;
                steps.push(Step::Recursive);
                if self.peek().is_some_and(is_alphanumeric) {
                    steps.push(self.field());
                }
                continue;
            }
            match self.peek() {
                None | Some('\r' | '\n') => return err("unclosed action"),
                Some(' ' | '@' | '$') => self.pos += 1,
                Some('[') => {
                    self.pos += 1;
                    steps.extend(self.array()?);
                }
                Some(q @ ('"' | '\'')) => {
                    self.pos += 1;
                    steps.push(Step::Text(self.quoted(q)?));
                }
                Some('.') => {
                    self.pos += 1;
                    steps.push(self.field());
                }
                Some(c) if c == '+' || c == '-' || c.is_ascii_digit() => {
                    steps.push(self.number()?);
                }
                Some(c) if is_alphanumeric(c) => {
                    let start = self.pos;
                    while !is_terminator(self.peek()) {
                        self.pos += 1;
                    }
                    let word: String = self.chars[start..self.pos].iter().collect();
                    steps.push(match word.as_str() {
                        "true" => Step::Literal(Value::Bool(true)),
                        "false" => Step::Literal(Value::Bool(false)),
                        _ => Step::Identifier(word),
                    });
                }
                Some(c) => {
                    return err(format!(
                        "unrecognized character in action: U+{:04X} '{c}'",
                        c as u32
                    ));
                }
            }
        }
    }

    /// A field name up to the next unescaped terminator; `\` escapes the next character.
    fn field(&mut self) -> Step {
        let mut name = String::new();
        loop {
            match self.peek() {
                Some('\\') => {
                    self.pos += 1;
                    if let Some(c) = self.peek() {
                        name.push(c);
                        self.pos += 1;
                    }
                }
                c if is_terminator(c) => break,
                Some(c) => {
                    name.push(c);
                    self.pos += 1;
                }
                None => break,
            }
        }
        if name == "*" {
            Step::Wildcard
        } else {
            Step::Field(name)
        }
    }

    fn number(&mut self) -> Result<Step, Error> {
        let start = self.pos;
        if matches!(self.peek(), Some('+' | '-')) {
            self.pos += 1;
        }
        while self.peek().is_some_and(|c| c == '.' || c.is_ascii_digit()) {
            self.pos += 1;
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        let trimmed = text.strip_prefix('+').unwrap_or(&text);
        if let Ok(i) = trimmed.parse::<i64>() {
            return Ok(Step::Literal(Value::from(i)));
        }
        match trimmed.parse::<f64>() {
            Ok(f) => Ok(Step::Literal(Value::from(f))),
            Err(_) => err(format!("cannot parse number {text}")),
        }
    }

    /// After `[`: an index, slice, `*`, `'key'` or union, through `]`.
    fn array(&mut self) -> Result<Vec<Step>, Error> {
        let start = self.pos;
        loop {
            match self.peek() {
                None | Some('\n') => return err("unterminated array"),
                Some(']') => break,
                Some(_) => self.pos += 1,
            }
        }
        let inner: String = self.chars[start..self.pos].iter().collect();
        self.pos += 1;
        let inner = if inner == "*" { ":".to_owned() } else { inner };
        if inner.contains(',') {
            let branches = inner
                .split(',')
                .map(|part| sub_action(&format!("[{}]", part.trim_matches(' '))))
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(vec![Step::Union(branches)]);
        }
        if let Some(key) = inner
            .strip_prefix('\'')
            .and_then(|k| k.strip_suffix('\''))
            .filter(|k| !k.contains('\''))
        {
            return sub_action(&format!(".{key}"));
        }
        Ok(vec![Step::Slice(parse_slice(&inner)?)])
    }

    /// After `[?(`: the condition through `)]`.
    fn filter(&mut self) -> Result<Step, Error> {
        let start = self.pos;
        let mut quote: Option<char> = None;
        let mut closed_quote = false;
        loop {
            let Some(c) = self.peek() else {
                return err("unterminated filter");
            };
            self.pos += 1;
            match c {
                '\n' => return err("unterminated filter"),
                '"' | '\'' if quote.is_none() => quote = Some(c),
                '"' | '\'' if Some(c) == quote && self.chars[self.pos - 2] != '\\' => {
                    closed_quote = true;
                }
                ')' if quote.is_some() == closed_quote => break,
                _ => {}
            }
        }
        if self.peek() != Some(']') {
            return err("unclosed array expect ]");
        }
        let text: String = self.chars[start..self.pos - 1].iter().collect();
        self.pos += 1;
        let left_len = text.find(['!', '<', '>', '=']).unwrap_or(text.len());
        let op_len = text[left_len..]
            .find(|c: char| !matches!(c, '!' | '<' | '>' | '='))
            .unwrap_or(text.len() - left_len);
        let (left, rest) = text.split_at(left_len);
        let (op, right) = rest.split_at(op_len);
        if left.is_empty() || op.is_empty() || right.is_empty() {
            return Ok(Step::Filter(Box::new(Filter {
                left: sub_action(&text)?,
                op: "exists".to_owned(),
                right: Vec::new(),
            })));
        }
        let (left, right) = (sub_action(left)?, sub_action(right)?);
        if !matches!(op, "==" | "!=" | "<" | ">" | "<=" | ">=") {
            return err(format!("unrecognized filter operator {op}"));
        }
        Ok(Step::Filter(Box::new(Filter {
            left,
            op: op.to_owned(),
            right,
        })))
    }

    /// After an opening quote: the unescaped string through the closing one.
    fn quoted(&mut self, quote: char) -> Result<String, Error> {
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return err("unterminated quoted string");
            };
            self.pos += 1;
            match c {
                '\n' => return err("unterminated quoted string"),
                c if c == quote => return Ok(out),
                '\\' => {
                    let Some(e) = self.peek() else {
                        return err("unterminated quoted string");
                    };
                    self.pos += 1;
                    out.push(match e {
                        'n' => '\n',
                        't' => '\t',
                        'r' => '\r',
                        '0' => '\0',
                        'a' => '\u{7}',
                        'b' => '\u{8}',
                        'f' => '\u{c}',
                        'v' => '\u{b}',
                        '\\' | '"' | '\'' => e,
                        other => return err(format!("invalid escape \\{other} in quoted string")),
                    });
                }
                c => out.push(c),
            }
        }
    }
}

/// Parses the inside of one action (`[0]`, `.a.b`, `@.x`) into steps.
fn sub_action(text: &str) -> Result<Vec<Step>, Error> {
    let mut parser = Parser::new(&format!("{text}}}"));
    let steps = parser.action()?;
    if parser.pos != parser.chars.len() {
        return err(format!("unexpected input in {text:?}"));
    }
    Ok(steps)
}

fn parse_slice(text: &str) -> Result<Slice, Error> {
    let parts: Vec<&str> = text.split(':').collect();
    let valid = parts.len() <= 3
        && parts.iter().all(|p| {
            let digits = p.strip_prefix('-').unwrap_or(p);
            digits.chars().all(|c| c.is_ascii_digit())
        });
    if !valid {
        return err(format!("invalid array index {text}"));
    }
    let number = |p: &str| {
        p.parse::<i64>()
            .map_err(|_| Error(format!("array index {p} is not a number")))
    };
    let start = match parts[0] {
        "" => None,
        p => Some(number(p)?),
    };
    let (end, end_derived) = match parts.get(1) {
        None => (Some(start.unwrap_or(0) + 1), true),
        Some(&"") => (None, false),
        Some(p) => (Some(number(p)?), false),
    };
    let step = match parts.get(2) {
        None | Some(&"") => None,
        Some(p) => Some(number(p)?),
    };
    Ok(Slice {
        start,
        end,
        end_derived,
        step,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "kind": "List",
            "items": [
                { "metadata": { "name": "a", "labels": { "app.kubernetes.io/name": "x" } }, "n": 10, "state": "COMPLETED", "ok": true },
                { "metadata": { "name": "b" }, "n": 2, "state": "FAILED", "ok": false },
                { "metadata": { "name": "c10" }, "n": 30, "state": "COMPLETED", "tags": ["p", "q"] }
            ]
        })
    }

    fn run(template: &str) -> String {
        Template::parse(template).unwrap().execute(&doc()).unwrap()
    }

    #[test]
    fn wildcard_results_of_one_action_are_space_separated() {
        assert_eq!(run("{.items[*].metadata.name}"), "a b c10");
        assert_eq!(run("names: {.items[*].metadata.name}!"), "names: a b c10!");
    }

    #[test]
    fn range_repeats_its_body_per_result_and_quoted_text_is_unescaped() {
        assert_eq!(
            run(r#"{range .items[*]}{.metadata.name}{"\t"}{.n}{"\n"}{end}"#),
            "a\t10\nb\t2\nc10\t30\n"
        );
        assert_eq!(
            run(r#"{range .items[*]}[{range .tags[*]}{@}{end}]{end}"#),
            "[][][pq]"
        );
    }

    #[test]
    fn indexes_slices_and_unions_follow_kubectl() {
        assert_eq!(run("{.items[0].metadata.name}"), "a");
        assert_eq!(run("{.items[-1].metadata.name}"), "c10");
        assert_eq!(run("{.items[1:].metadata.name}"), "b c10");
        assert_eq!(run("{.items[0:3:2].metadata.name}"), "a c10");
        assert_eq!(run("{.items[0]['n','state']}"), "10 COMPLETED");
        assert_eq!(run("{.items[0,2].n}"), "10 30");
        let e = Template::parse("{.items[5].n}")
            .unwrap()
            .execute(&doc())
            .unwrap_err();
        assert_eq!(e.0, "array index out of bounds: index 5, length 3");
    }

    #[test]
    fn filters_compare_strings_numbers_and_booleans_and_test_existence() {
        assert_eq!(
            run(r#"{.items[?(@.state=="COMPLETED")].metadata.name}"#),
            "a c10"
        );
        assert_eq!(
            run(r#"{.items[?(@.state != 'COMPLETED')].metadata.name}"#),
            "b"
        );
        assert_eq!(run("{.items[?(@.n > 5)].metadata.name}"), "a c10");
        assert_eq!(run("{.items[?(@.n<=10)].metadata.name}"), "a b");
        assert_eq!(run("{.items[?(@.ok==true)].metadata.name}"), "a");
        assert_eq!(run("{.items[?(@.tags)].metadata.name}"), "c10");
        // kubectl has no regex operator: `=~` is `=` followed by a stray `~`.
        assert_eq!(
            Template::parse(r#"{.items[?(@.a=~"x")]}"#).unwrap_err().0,
            "unrecognized character in action: U+007E '~'"
        );
    }

    #[test]
    fn missing_keys_print_nothing_and_objects_print_as_json() {
        assert_eq!(run("{.nothing.here}"), "");
        assert_eq!(run("{.items[2].tags}"), r#"["p","q"]"#);
        assert_eq!(
            run(r"{.items[0].metadata.labels.app\.kubernetes\.io/name}"),
            "x"
        );
        assert_eq!(run("{.items[0].ok}"), "true");
        assert_eq!(
            Template::parse("{.x}")
                .unwrap()
                .execute(&json!({"x": null}))
                .unwrap(),
            "<nil>"
        );
    }

    #[test]
    fn recursive_descent_finds_every_matching_key() {
        assert_eq!(run("{..name}"), "a b c10");
    }

    #[test]
    fn malformed_templates_are_rejected_with_kubectl_messages() {
        for (template, message) in [
            ("{.items", "unclosed action"),
            ("{.items[0}", "unterminated array"),
            ("{.items[x]}", "invalid array index x"),
            ("{end}", "not in range, nothing to end"),
            ("{.a..b....c}", "invalid multiple recursive descent"),
            ("{foo}", ""),
            ("{.a,.b}", "unrecognized character in action: U+002C ','"),
        ] {
            let parsed = Template::parse(template);
            if message.is_empty() {
                let e = parsed.unwrap().execute(&doc()).unwrap_err();
                assert_eq!(e.0, "unrecognized identifier foo");
            } else {
                assert_eq!(parsed.unwrap_err().0, message, "{template}");
            }
        }
    }

    #[test]
    fn relaxed_paths_accept_kubectl_spellings() {
        for path in [
            ".metadata.name",
            "metadata.name",
            "{.metadata.name}",
            "{metadata.name}",
        ] {
            assert_eq!(relaxed_expression(path).unwrap(), "{.metadata.name}");
        }
        assert!(relaxed_expression("{.a}{.b}").is_err());
    }

    #[test]
    fn custom_columns_join_multiple_values_and_show_none_for_missing() {
        let columns = parse_custom_columns("NAME:.metadata.name,TAGS:.tags[*],X:.x").unwrap();
        let item = &doc()["items"][2];
        let cells: Vec<String> = columns
            .iter()
            .map(|c| column_text(c, item).unwrap())
            .collect();
        assert_eq!(cells, ["c10", "p,q", "<none>"]);
        assert_eq!(columns[0].header, "NAME");
        assert_eq!(
            parse_custom_columns("NAME").unwrap_err().0,
            "unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>"
        );
        let file = parse_custom_columns_file("NAME   STATE\n.metadata.name .state\n").unwrap();
        assert_eq!(file.len(), 2);
        assert!(parse_custom_columns_file("A B\n.a\n").is_err());
        assert_eq!(go_text(&json!({"b": 1, "a": [1, "x"]})), "map[a:[1 x] b:1]");
    }

    #[test]
    fn sort_order_is_natural_numeric_and_puts_missing_first() {
        let items = doc()["items"].as_array().unwrap().clone();
        let by_n = sort_order(&Template::relaxed(".n").unwrap(), &items).unwrap();
        assert_eq!(by_n, [1, 0, 2]);
        let by_tags = sort_order(&Template::relaxed(".tags[0]").unwrap(), &items).unwrap();
        assert_eq!(by_tags, [0, 1, 2]);
        let e = sort_order(&Template::relaxed(".nope").unwrap(), &items).unwrap_err();
        assert_eq!(
            e.0,
            "couldn't find any field with path \"{.nope}\" in the list of objects"
        );
        assert_eq!(natural_cmp("sp-9", "sp-10"), Ordering::Less);
        assert_eq!(natural_cmp("a", "a1"), Ordering::Less);
        assert_eq!(natural_cmp("b", "a10"), Ordering::Greater);
    }
}
