//! The bracketed parts of a path: `[…]` indexes, slices and unions, `[?(…)]` filters, quotes.

use super::ast::{Error, Filter, Slice, Step, err};
use super::parser::Parser;

impl Parser {
    /// After `[`: an index, slice, `*`, `'key'` or union, through `]`.
    pub(super) fn array(&mut self) -> Result<Vec<Step>, Error> {
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
    pub(super) fn filter(&mut self) -> Result<Step, Error> {
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
    pub(super) fn quoted(&mut self, quote: char) -> Result<String, Error> {
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
