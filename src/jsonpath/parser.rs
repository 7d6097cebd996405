//! The template parser: text, actions and the steps of a path.

use serde_json::Value;

use super::ast::{Error, Piece, Step, err};

/// The template parser.
pub(super) struct Parser {
    pub(super) chars: Vec<char>,
    pub(super) pos: usize,
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
    pub(super) fn new(text: &str) -> Self {
        Parser {
            chars: text.chars().collect(),
            pos: 0,
        }
    }

    pub(super) fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    pub(super) fn starts_with(&self, prefix: &str) -> bool {
        prefix
            .chars()
            .enumerate()
            .all(|(i, c)| self.chars.get(self.pos + i) == Some(&c))
    }

    /// Text and actions; `range … end` become nested pieces.
    pub(super) fn template(&mut self) -> Result<Vec<Piece>, Error> {
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
    pub(super) fn action(&mut self) -> Result<Vec<Step>, Error> {
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
    pub(super) fn field(&mut self) -> Step {
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

    pub(super) fn number(&mut self) -> Result<Step, Error> {
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
}
