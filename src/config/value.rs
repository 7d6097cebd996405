//! Typed interpretation of an option's raw string value, per its [`ValueKind`].

use std::time::Duration;

use thiserror::Error;

use super::options::{ConfigOption, ValueKind};
use crate::grammar::{
    BoolError, DurationError, EnumError, IntError, IntervalError, PeriodicInterval, parse_bool,
    parse_duration, parse_enum, parse_int,
};

/// A raw value interpreted with its option's grammar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypedValue {
    /// [`ValueKind::String`]: the text unchanged.
    String(String),
    /// [`ValueKind::Duration`].
    Duration(Duration),
    /// [`ValueKind::Integer`].
    Integer(i32),
    /// [`ValueKind::Boolean`].
    Boolean(bool),
    /// [`ValueKind::Enum`]: the canonical constant name.
    Enum(&'static str),
    /// [`ValueKind::Interval`].
    Interval(PeriodicInterval),
}

/// Why a value does not fit its option's grammar.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ValueProblem {
    /// Not a duration.
    #[error(transparent)]
    Duration(#[from] DurationError),
    /// Not an integer.
    #[error(transparent)]
    Integer(#[from] IntError),
    /// Not a boolean.
    #[error(transparent)]
    Boolean(#[from] BoolError),
    /// Not one of the enum constants.
    #[error(transparent)]
    Enum(#[from] EnumError),
    /// Neither a duration nor a cron expression.
    #[error(transparent)]
    Interval(#[from] Box<IntervalError>),
}

/// A value that does not fit its option's grammar, with the key spelling it was found under.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("flinkConfiguration \"{key}\": {problem}")]
pub struct ValueError {
    /// The key spelling the value was given under.
    pub key: String,
    /// What is wrong.
    pub problem: ValueProblem,
}

impl ConfigOption {
    /// Interprets `value` (given under the spelling `key`) with this option's grammar.
    pub fn parse_value(&self, key: &str, value: &str) -> Result<TypedValue, ValueError> {
        let typed = match self.kind {
            ValueKind::String => Ok(TypedValue::String(value.to_owned())),
            ValueKind::Duration => parse_duration(value)
                .map(TypedValue::Duration)
                .map_err(ValueProblem::from),
            ValueKind::Integer => parse_int(value)
                .map(TypedValue::Integer)
                .map_err(ValueProblem::from),
            ValueKind::Boolean => parse_bool(value)
                .map(TypedValue::Boolean)
                .map_err(ValueProblem::from),
            ValueKind::Enum(allowed) => parse_enum(value, allowed)
                .map(TypedValue::Enum)
                .map_err(ValueProblem::from),
            ValueKind::Interval => PeriodicInterval::parse(value)
                .map(TypedValue::Interval)
                .map_err(|e| ValueProblem::from(Box::new(e))),
        };
        typed.map_err(|problem| ValueError {
            key: key.to_owned(),
            problem,
        })
    }
}
