//! Label selectors (string form `a=b,c!=d,e in (x,y),f notin (z),g,!h` and the structured
//! `matchLabels`/`matchExpressions` form) and field selectors (`path=value`, `path!=value`).

use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
enum Req {
    Eq(String, String),
    Ne(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
    Gt(String, i64),
    Lt(String, i64),
}

/// A parsed label selector; the empty selector matches everything.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabelSelector(Vec<Req>);

/// Splits a field selector at top-level commas.
fn split_top_level(s: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '(' => {
                depth += 1;
                cur.push(c);
            }
            ')' => {
                depth = depth.saturating_sub(1);
                cur.push(c);
            }
            ',' if depth == 0 => parts.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    parts.push(cur);
    parts
        .into_iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// Tokens of the label-selector lexer of k8s.io/apimachinery (`pkg/labels/selector.go`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    End,
    ClosedPar,
    Comma,
    DoesNotExist,
    DoubleEquals,
    Equals,
    GreaterThan,
    Identifier,
    In,
    LessThan,
    NotEquals,
    NotIn,
    OpenPar,
}

fn is_special(c: char) -> bool {
    matches!(c, '=' | '!' | '(' | ')' | ',' | '>' | '<')
}

fn lex(s: &str) -> Vec<(Tok, String)> {
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    loop {
        while i < chars.len() && matches!(chars[i], ' ' | '\t' | '\r' | '\n') {
            i += 1;
        }
        if i >= chars.len() {
            out.push((Tok::End, String::new()));
            return out;
        }
        let c = chars[i];
        if is_special(c) {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            let (tok, len) = match two.as_str() {
                "!=" => (Tok::NotEquals, 2),
                "==" => (Tok::DoubleEquals, 2),
                _ => (
                    match c {
                        '=' => Tok::Equals,
                        '!' => Tok::DoesNotExist,
                        '(' => Tok::OpenPar,
                        ')' => Tok::ClosedPar,
                        ',' => Tok::Comma,
                        '>' => Tok::GreaterThan,
                        _ => Tok::LessThan,
                    },
                    1,
                ),
            };
            out.push((tok, chars[i..i + len].iter().collect()));
            i += len;
        } else {
            let start = i;
            while i < chars.len()
                && !is_special(chars[i])
                && !matches!(chars[i], ' ' | '\t' | '\r' | '\n')
            {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let tok = match word.as_str() {
                "in" => Tok::In,
                "notin" => Tok::NotIn,
                _ => Tok::Identifier,
            };
            out.push((tok, word));
        }
    }
}

/// The apimachinery parser over [`lex`]'s tokens, with its error messages.
struct Parser {
    items: Vec<(Tok, String)>,
    pos: usize,
}

impl Parser {
    /// In the values context `in`/`notin` are identifiers.
    fn lookahead(&self, values: bool) -> (Tok, String) {
        let (tok, lit) = self.items[self.pos].clone();
        match tok {
            Tok::In | Tok::NotIn if values => (Tok::Identifier, lit),
            _ => (tok, lit),
        }
    }

    fn consume(&mut self, values: bool) -> (Tok, String) {
        let item = self.lookahead(values);
        if self.pos < self.items.len() - 1 {
            self.pos += 1;
        }
        item
    }

    fn parse(&mut self) -> Result<Vec<Req>, String> {
        let mut reqs = Vec::new();
        loop {
            let (tok, lit) = self.lookahead(true);
            match tok {
                Tok::Identifier | Tok::DoesNotExist => {
                    let r = self
                        .requirement()
                        .map_err(|e| format!("unable to parse requirement: {e}"))?;
                    reqs.push(r);
                    let (t, l) = self.consume(true);
                    match t {
                        Tok::End => return Ok(reqs),
                        Tok::Comma => {
                            let (t2, l2) = self.lookahead(true);
                            if t2 != Tok::Identifier && t2 != Tok::DoesNotExist {
                                return Err(format!(
                                    "found '{l2}', expected: identifier after ','"
                                ));
                            }
                        }
                        _ => return Err(format!("found '{l}', expected: ',' or 'end of string'")),
                    }
                }
                Tok::End => return Ok(reqs),
                _ => {
                    return Err(format!(
                        "found '{lit}', expected: !, identifier, or 'end of string'"
                    ));
                }
            }
        }
    }

    fn requirement(&mut self) -> Result<Req, String> {
        let (mut tok, mut lit) = self.consume(true);
        let not = tok == Tok::DoesNotExist;
        if not {
            (tok, lit) = self.consume(true);
        }
        if tok != Tok::Identifier {
            return Err(format!("found '{lit}', expected: identifier"));
        }
        let key = lit;
        let (next, _) = self.lookahead(true);
        if not {
            return Ok(Req::NotExists(key));
        }
        if next == Tok::End || next == Tok::Comma {
            return Ok(Req::Exists(key));
        }
        let (op, op_lit) = self.consume(false);
        Ok(match op {
            Tok::In => Req::In(key, self.values()?),
            Tok::NotIn => Req::NotIn(key, self.values()?),
            Tok::Equals | Tok::DoubleEquals => Req::Eq(key, self.exact_value()?),
            Tok::NotEquals => Req::Ne(key, self.exact_value()?),
            Tok::GreaterThan | Tok::LessThan => {
                let v = self.exact_value()?;
                let n: i64 = v.parse().map_err(|_| {
                    format!("for 'Gt', 'Lt' operators, the value must be an integer: {v:?}")
                })?;
                if op == Tok::GreaterThan {
                    Req::Gt(key, n)
                } else {
                    Req::Lt(key, n)
                }
            }
            _ => {
                return Err(format!(
                    "found '{op_lit}', expected: in, notin, =, ==, !=, gt, lt"
                ));
            }
        })
    }

    fn values(&mut self) -> Result<Vec<String>, String> {
        let (tok, lit) = self.consume(true);
        if tok != Tok::OpenPar {
            return Err(format!("found '{lit}' expected: '('"));
        }
        let (tok, lit) = self.lookahead(true);
        match tok {
            Tok::Identifier | Tok::Comma => {
                let s = self.identifiers()?;
                let (tok, _) = self.consume(true);
                if tok != Tok::ClosedPar {
                    return Err(format!("found '{lit}', expected: ')'"));
                }
                Ok(s)
            }
            Tok::ClosedPar => {
                self.consume(true);
                Ok(vec![String::new()])
            }
            _ => Err(format!("found '{lit}', expected: ',', ')' or identifier")),
        }
    }

    fn identifiers(&mut self) -> Result<Vec<String>, String> {
        let mut s: Vec<String> = Vec::new();
        loop {
            let (tok, lit) = self.consume(true);
            match tok {
                Tok::Identifier => {
                    s.push(lit);
                    let (t2, l2) = self.lookahead(true);
                    match t2 {
                        Tok::Comma => continue,
                        Tok::ClosedPar => return Ok(s),
                        _ => return Err(format!("found '{l2}', expected: ',' or ')'")),
                    }
                }
                Tok::Comma => {
                    if s.is_empty() {
                        s.push(String::new());
                    }
                    let (t2, _) = self.lookahead(true);
                    if t2 == Tok::ClosedPar {
                        s.push(String::new());
                        return Ok(s);
                    }
                    if t2 == Tok::Comma {
                        self.consume(true);
                        s.push(String::new());
                    }
                }
                _ => return Err(format!("found '{lit}', expected: ',', or identifier")),
            }
        }
    }

    fn exact_value(&mut self) -> Result<String, String> {
        let (tok, _) = self.lookahead(true);
        if tok == Tok::End || tok == Tok::Comma {
            return Ok(String::new());
        }
        let (tok, lit) = self.consume(true);
        if tok == Tok::Identifier {
            return Ok(lit);
        }
        Err(format!("found '{lit}', expected: identifier"))
    }
}

impl LabelSelector {
    /// Parse the query-string form with kube-apiserver's grammar and error messages (label key and value
    /// syntax are not validated).
    pub fn parse(s: &str) -> Result<Self, String> {
        let mut parser = Parser {
            items: lex(s),
            pos: 0,
        };
        Ok(Self(parser.parse()?))
    }

    /// Parse the structured form used by webhook `namespaceSelector`/`objectSelector`.
    pub fn from_structured(v: &Value) -> Result<Self, String> {
        let mut reqs = Vec::new();
        if let Some(ml) = v.get("matchLabels").and_then(Value::as_object) {
            for (k, val) in ml {
                reqs.push(Req::Eq(
                    k.clone(),
                    val.as_str().unwrap_or_default().to_string(),
                ));
            }
        }
        if let Some(exprs) = v.get("matchExpressions").and_then(Value::as_array) {
            for e in exprs {
                let key = e
                    .get("key")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                let values: Vec<String> = e
                    .get("values")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default();
                reqs.push(match e.get("operator").and_then(Value::as_str) {
                    Some("In") => Req::In(key, values),
                    Some("NotIn") => Req::NotIn(key, values),
                    Some("Exists") => Req::Exists(key),
                    Some("DoesNotExist") => Req::NotExists(key),
                    other => return Err(format!("unsupported selector operator {other:?}")),
                });
            }
        }
        Ok(Self(reqs))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Does the label map (an object's `metadata.labels`, possibly absent) satisfy every requirement?
    pub fn matches(&self, labels: Option<&Value>) -> bool {
        let get = |k: &str| labels.and_then(|l| l.get(k)).and_then(Value::as_str);
        self.0.iter().all(|r| match r {
            Req::Eq(k, v) => get(k) == Some(v.as_str()),
            Req::Ne(k, v) => get(k) != Some(v.as_str()),
            Req::In(k, vs) => get(k).is_some_and(|x| vs.iter().any(|v| v == x)),
            Req::NotIn(k, vs) => !get(k).is_some_and(|x| vs.iter().any(|v| v == x)),
            Req::Exists(k) => get(k).is_some(),
            Req::NotExists(k) => get(k).is_none(),
            Req::Gt(k, n) => get(k)
                .and_then(|x| x.parse::<i64>().ok())
                .is_some_and(|x| x > *n),
            Req::Lt(k, n) => get(k)
                .and_then(|x| x.parse::<i64>().ok())
                .is_some_and(|x| x < *n),
        })
    }
}

/// A parsed field selector (`a.b=c`, `a.b==c`, `a.b!=c`).
#[derive(Debug, Clone, Default)]
pub struct FieldSelector(Vec<(String, bool, String)>);

impl FieldSelector {
    /// Parse, accepting only `allowed` field paths (like the real server: "field label not supported").
    pub fn parse(s: &str, allowed: &[&str]) -> Result<Self, String> {
        let mut out = Vec::new();
        for part in split_top_level(s) {
            let (k, eq, v) = if let Some((k, v)) = part.split_once("!=") {
                (k, false, v)
            } else if let Some((k, v)) = part.split_once("==") {
                (k, true, v)
            } else if let Some((k, v)) = part.split_once('=') {
                (k, true, v)
            } else {
                return Err(format!(
                    "invalid selector: '{part}'; can't understand '{part}'"
                ));
            };
            let k = k.trim();
            if !allowed.contains(&k) {
                return Err(format!("field label not supported: {k}"));
            }
            out.push((k.to_string(), eq, v.trim().to_string()));
        }
        Ok(Self(out))
    }

    pub fn matches(&self, obj: &Value) -> bool {
        self.0.iter().all(|(path, eq, want)| {
            let mut cur = Some(obj);
            for seg in path.split('.') {
                cur = cur.and_then(|c| c.get(seg));
            }
            let actual = match cur {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Null) | None => String::new(),
                Some(other) => other.to_string(),
            };
            (actual == *want) == *eq
        })
    }

    /// The value required for `metadata.name`, if the selector pins it (single-object watches).
    pub fn pinned_name(&self) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, eq, _)| k == "metadata.name" && *eq)
            .map(|(_, _, v)| v.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_label_operator_is_honoured() {
        let labels = json!({"app": "orders", "tier": "gold", "env": "prod"});
        let yes = [
            "app=orders",
            "app==orders",
            "app!=clicks",
            "tier in (gold,silver)",
            "env notin (dev, qa)",
            "app",
            "!missing",
            "app=orders,tier in (gold)",
        ];
        for s in yes {
            assert!(
                LabelSelector::parse(s).unwrap().matches(Some(&labels)),
                "{s}"
            );
        }
        let no = [
            "app=clicks",
            "app!=orders",
            "tier in (silver)",
            "env notin (prod)",
            "missing",
            "!app",
        ];
        for s in no {
            assert!(
                !LabelSelector::parse(s).unwrap().matches(Some(&labels)),
                "{s}"
            );
        }
    }

    #[test]
    fn malformed_selectors_are_refused_with_the_apiserver_messages() {
        // As kube-apiserver v1.37 answers (HTTP 400).
        for (s, message) in [
            (
                "team in (",
                "unable to parse requirement: found '', expected: ',', ')' or identifier",
            ),
            ("a=b=c", "found '=', expected: ',' or 'end of string'"),
            ("a=b,", "found '', expected: identifier after ','"),
            (
                "=b",
                "found '=', expected: !, identifier, or 'end of string'",
            ),
        ] {
            assert_eq!(LabelSelector::parse(s).unwrap_err(), message, "{s}");
        }
        let labels = json!({"replicas": "3"});
        assert!(
            LabelSelector::parse("replicas>2")
                .unwrap()
                .matches(Some(&labels))
        );
        assert!(
            !LabelSelector::parse("replicas<3")
                .unwrap()
                .matches(Some(&labels))
        );
        assert!(LabelSelector::parse("").unwrap().is_empty());
    }

    #[test]
    fn field_selector_rejects_unsupported_labels_and_matches_paths() {
        assert!(FieldSelector::parse("spec.x=1", &["metadata.name"]).is_err());
        let f = FieldSelector::parse(
            "involvedObject.name=a,reason!=B",
            &["involvedObject.name", "reason"],
        )
        .unwrap();
        assert!(f.matches(&json!({"involvedObject": {"name": "a"}, "reason": "C"})));
        assert!(!f.matches(&json!({"involvedObject": {"name": "a"}, "reason": "B"})));
    }
}
