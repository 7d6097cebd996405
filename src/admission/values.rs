//! Rule: retention and schedule values must parse the way the operator reads them (the operator
//! itself never checks the periodic interval, so a typo silently disables periodic savepoints).

use super::{findings::Findings, view::ResourceView};
use crate::config::{
    ConfigOption,
    options::{HISTORY_MAX_AGE, HISTORY_MAX_COUNT, PERIODIC_SAVEPOINT_INTERVAL},
};
use crate::grammar::{PeriodicInterval, parse_duration, parse_int};

/// Options checked by this rule.
pub const CHECKED: [ConfigOption; 3] = [
    HISTORY_MAX_AGE,
    HISTORY_MAX_COUNT,
    PERIODIC_SAVEPOINT_INTERVAL,
];

/// Why `value` is not acceptable for `option`, quoting the value and the accepted forms.
pub fn problem(option: &ConfigOption, value: &str) -> Option<String> {
    if option.key == HISTORY_MAX_AGE.key {
        parse_duration(value).err().map(|e| e.to_string())
    } else if option.key == HISTORY_MAX_COUNT.key {
        match parse_int(value) {
            Ok(n) if n >= 1 => None,
            Ok(n) => Some(format!(
                "invalid count \"{value}\": {n} is below 1; use a whole number of at least 1 such as 5"
            )),
            Err(e) => Some(format!("{e}; use a whole number of at least 1 such as 5")),
        }
    } else if option.key == PERIODIC_SAVEPOINT_INTERVAL.key {
        PeriodicInterval::parse(value).err().map(|e| e.to_string())
    } else {
        None
    }
}

/// Checks every spelling of every [`CHECKED`] option; an invalid value already present
/// unchanged in `old` (UPDATE) is only warned about.
pub fn check(resource: &ResourceView<'_>, old: Option<&ResourceView<'_>>, findings: &mut Findings) {
    for option in &CHECKED {
        for (key, value) in resource.config.find_all_spellings(option) {
            let Some(problem) = problem(option, value) else {
                continue;
            };
            let unchanged = old.is_some_and(|old| old.config.get(key) == Some(value));
            let message = format!(
                "{}: spec.flinkConfiguration key {key}: {problem}",
                resource.display
            );
            if unchanged {
                findings.warn(format!("{message} (tolerated because it is unchanged)"));
            } else {
                findings.invalid(message);
            }
        }
    }
}
