//! Label selectors (`-l`), checked before any request with the grammar and messages of
//! `k8s.io/apimachinery/pkg/labels` (the parser kubectl and the API server use):
//!
//! ```text
//! selector    := requirement ( ',' requirement )*
//! requirement := [ '!' ] KEY
//!              | KEY ( '=' | '==' | '!=' ) VALUE
//!              | KEY ( 'in' | 'notin' ) '(' VALUE ( ',' VALUE )* ')'
//!              | KEY ( '>' | '<' ) INTEGER
//! ```
//! KEY is a qualified name (`[prefix/]name`), VALUE a label value (may be empty after `=`).

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Ident(String),
    Not,
    Eq,
    DoubleEq,
    NotEq,
    Gt,
    Lt,
    In,
    NotIn,
    Open,
    Close,
    Comma,
    End,
}

impl Token {
    /// The literal, as apimachinery quotes it in errors (`''` at the end).
    fn literal(&self) -> &str {
        match self {
            Token::Ident(s) => s,
            Token::Not => "!",
            Token::Eq => "=",
            Token::DoubleEq => "==",
            Token::NotEq => "!=",
            Token::Gt => ">",
            Token::Lt => "<",
            Token::In => "in",
            Token::NotIn => "notin",
            Token::Open => "(",
            Token::Close => ")",
            Token::Comma => ",",
            Token::End => "",
        }
    }
}

fn is_special(c: char) -> bool {
    matches!(c, '=' | '!' | '(' | ')' | ',' | '>' | '<')
}

fn lex(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        if is_special(c) {
            chars.next();
            let next_is_eq = chars.peek() == Some(&'=');
            let token = match (c, next_is_eq) {
                ('=', true) => Token::DoubleEq,
                ('!', true) => Token::NotEq,
                ('=', false) => Token::Eq,
                ('!', false) => Token::Not,
                ('>', _) => Token::Gt,
                ('<', _) => Token::Lt,
                ('(', _) => Token::Open,
                (')', _) => Token::Close,
                _ => Token::Comma,
            };
            if matches!(token, Token::DoubleEq | Token::NotEq) {
                chars.next();
            }
            tokens.push(token);
            continue;
        }
        let mut word = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() || is_special(c) {
                break;
            }
            word.push(c);
            chars.next();
        }
        tokens.push(match word.as_str() {
            "in" => Token::In,
            "notin" => Token::NotIn,
            _ => Token::Ident(word),
        });
    }
    tokens.push(Token::End);
    tokens
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> &Token {
        &self.tokens[self.pos.min(self.tokens.len() - 1)]
    }

    fn next(&mut self) -> Token {
        let token = self.peek().clone();
        self.pos += 1;
        token
    }

    fn selector(&mut self) -> Result<(), String> {
        if *self.peek() == Token::End {
            return Ok(());
        }
        loop {
            self.requirement()
                .map_err(|e| format!("unable to parse requirement: {e}"))?;
            match self.next() {
                Token::End => return Ok(()),
                Token::Comma => {
                    if matches!(self.peek(), Token::End | Token::Comma) {
                        return Err(format!(
                            "found '{}', expected: identifier after ','",
                            self.peek().literal()
                        ));
                    }
                }
                other => {
                    return Err(format!(
                        "found '{}', expected: ',' or 'end of string'",
                        other.literal()
                    ));
                }
            }
        }
    }

    fn requirement(&mut self) -> Result<(), String> {
        let negated = *self.peek() == Token::Not;
        if negated {
            self.next();
        }
        let key = match self.next() {
            Token::Ident(key) => key,
            other => {
                return Err(format!("found '{}', expected: identifier", other.literal()));
            }
        };
        validate_key(&key)?;
        if matches!(self.peek(), Token::End | Token::Comma) {
            return Ok(());
        }
        if negated {
            return Err(format!(
                "found '{}', expected: ',' or 'end of string' after '!{key}'",
                self.peek().literal()
            ));
        }
        match self.next() {
            Token::Eq | Token::DoubleEq | Token::NotEq => match self.peek().clone() {
                Token::Ident(value) => {
                    self.next();
                    validate_value(&value)
                }
                Token::End | Token::Comma => Ok(()),
                other => Err(format!("found '{}', expected: identifier", other.literal())),
            },
            Token::Gt | Token::Lt => match self.next() {
                Token::Ident(value) if value.parse::<i64>().is_ok() => Ok(()),
                Token::Ident(value) => Err(format!(
                    "for 'gt', 'lt' operators, the value must be an integer, not {value:?}"
                )),
                other => Err(format!("found '{}', expected: identifier", other.literal())),
            },
            Token::In | Token::NotIn => self.values(),
            other => Err(format!(
                "found '{}', expected: in, notin, =, ==, !=, gt, lt",
                other.literal()
            )),
        }
    }

    fn values(&mut self) -> Result<(), String> {
        match self.next() {
            Token::Open => {}
            other => return Err(format!("found '{}', expected:'('", other.literal())),
        }
        let mut count = 0;
        loop {
            match self.next() {
                Token::Ident(value) => {
                    validate_value(&value)?;
                    count += 1;
                    match self.next() {
                        Token::Comma => {}
                        Token::Close => break,
                        other => {
                            return Err(format!(
                                "found '{}', expected: ',' or ')'",
                                other.literal()
                            ));
                        }
                    }
                }
                Token::Close if count == 0 => break,
                other => {
                    return Err(format!(
                        "found '{}', expected: ',', ')' or identifier",
                        other.literal()
                    ));
                }
            }
        }
        if count == 0 {
            return Err("for 'in', 'notin' operators, values set can't be empty".into());
        }
        Ok(())
    }
}

/// `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`, at most 63 characters (empty allowed if `empty`).
fn is_label_name(text: &str) -> bool {
    let bytes = text.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes[0].is_ascii_alphanumeric()
        && bytes[bytes.len() - 1].is_ascii_alphanumeric()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

const NAME_RULE: &str = "must be 63 characters or less, consist of alphanumeric characters, '-', '_' \
                         or '.', and start and end with an alphanumeric character";

fn validate_key(key: &str) -> Result<(), String> {
    let (prefix, name) = match key.split_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    if let Some(prefix) = prefix
        && !flink_savepoint::crd::is_object_name(prefix)
    {
        return Err(format!(
            "invalid label key {key:?}: the prefix must be a DNS subdomain (lower-case \
             alphanumerics, '-' and '.')"
        ));
    }
    if !is_label_name(name) {
        return Err(format!(
            "invalid label key {key:?}: the name part {NAME_RULE}"
        ));
    }
    Ok(())
}

fn validate_value(value: &str) -> Result<(), String> {
    if value.is_empty() || is_label_name(value) {
        Ok(())
    } else {
        Err(format!(
            "invalid label value {value:?}: a label value {NAME_RULE}"
        ))
    }
}

/// The `value_parser` of `-l/--selector`: the selector unchanged, or kubectl's parse error.
pub fn parse_label_selector(text: &str) -> Result<String, String> {
    let mut parser = Parser {
        tokens: lex(text),
        pos: 0,
    };
    parser.selector()?;
    Ok(text.to_string())
}

#[cfg(test)]
#[path = "selector_tests.rs"]
mod tests;
