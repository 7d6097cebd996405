//! Scalar conversions of Flink `ConfigurationUtils` (no trimming, like Flink).

use thiserror::Error;

/// A text that is not a Java `int`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error(
    "invalid integer \"{input}\": {reason}; use a whole number between -2147483648 and 2147483647 \
     such as 5 (no spaces, decimals or units)"
)]
pub struct IntError {
    /// The text as given.
    pub input: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

/// A text that is not `true`/`false`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("invalid boolean \"{input}\": expected true or false (case-insensitive, no spaces)")]
pub struct BoolError {
    /// The text as given.
    pub input: String,
}

/// A text that is not one of an enum's constants.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("invalid value \"{input}\": expected one of {} (case-insensitive)", .allowed.join(", "))]
pub struct EnumError {
    /// The text as given.
    pub input: String,
    /// The accepted constants.
    pub allowed: Vec<&'static str>,
}

/// Java `Integer.parseInt` (ASCII digits): an optional single `+`/`-` then at least one digit,
/// within `i32`; no surrounding whitespace.
pub fn parse_int(text: &str) -> Result<i32, IntError> {
    let fail = |reason| IntError {
        input: text.to_owned(),
        reason,
    };
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if text.is_empty() {
        return Err(fail("the value is empty"));
    }
    if digits.is_empty() {
        return Err(fail("a sign must be followed by digits"));
    }
    if text.trim() != text {
        return Err(fail("surrounding whitespace is not allowed"));
    }
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(fail(if digits.contains('.') {
            "decimals are not allowed"
        } else {
            "only digits are allowed"
        }));
    }
    text.parse::<i32>().map_err(|_| fail("out of range"))
}

/// Flink boolean conversion: `true`/`false`, case-insensitive, nothing else.
pub fn parse_bool(text: &str) -> Result<bool, BoolError> {
    if text.eq_ignore_ascii_case("true") {
        Ok(true)
    } else if text.eq_ignore_ascii_case("false") {
        Ok(false)
    } else {
        Err(BoolError {
            input: text.to_owned(),
        })
    }
}

/// Flink enum conversion: the constant whose name equals `text` ignoring case.
pub fn parse_enum(text: &str, allowed: &[&'static str]) -> Result<&'static str, EnumError> {
    allowed
        .iter()
        .copied()
        .find(|constant| constant.eq_ignore_ascii_case(text))
        .ok_or_else(|| EnumError {
            input: text.to_owned(),
            allowed: allowed.to_vec(),
        })
}
