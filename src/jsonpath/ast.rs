//! The parsed form of a template: its pieces and the steps of a path, and the one error type.

use serde_json::Value;

/// A template that does not parse, or cannot be applied to a document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Error(pub String);

pub(super) fn err<T>(message: impl Into<String>) -> Result<T, Error> {
    Err(Error(message.into()))
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Piece {
    Text(String),
    Action(Vec<Step>),
    Range { over: Vec<Step>, body: Vec<Piece> },
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Step {
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
pub(super) struct Slice {
    pub(super) start: Option<i64>,
    pub(super) end: Option<i64>,
    /// `[n]` is `[n:n+1]`; a derived end of 0 (from `[-1]`) means the length.
    pub(super) end_derived: bool,
    pub(super) step: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Filter {
    pub(super) left: Vec<Step>,
    pub(super) op: String,
    pub(super) right: Vec<Step>,
}
