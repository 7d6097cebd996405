//! `flinkConfiguration` semantics, exactly as the Flink Kubernetes operator applies them.
//!
//! * [`flatten`] turns the raw (possibly nested) `flinkConfiguration` object into the flat
//!   `key → string` view the operator works on (`ConfigObjectNode#asFlatMap`).
//! * [`options`] is a catalogue of the configuration options that matter for savepoints, with
//!   their deprecated spellings and defaults.
//! * [`FlatConfig::lookup`] resolves an option with Flink `Configuration` precedence, and
//!   [`Layered`] does the same for a session job on top of its session cluster while reporting
//!   where the value came from.
//! * [`ConfigOption::parse_value`] interprets a raw value with the option's grammar.
//! * [`set_option`] / [`remove_option`] edit the raw object in place, respecting the spelling and
//!   nesting already used by the author.

mod flat;
mod layered;
pub mod options;
mod value;
mod write;

pub use flat::{FlatConfig, Found, flatten, flatten_value, json_scalar_text};
pub use layered::{Layered, Resolved, ValueSource, effective_session_job_config};
pub use options::{ConfigOption, ValueKind};
pub use value::{TypedValue, ValueError, ValueProblem};
pub use write::{
    Location, WriteError, Written, effective_location, escape_pointer_token, json_pointer_for,
    locate_option, remove_option, set_option, set_option_adding,
};
