//! Parser and validator for Quartz cron expressions.

use std::collections::BTreeSet;

use super::{CronError, CronExpr, CronField, DomSpec, DowSpec};

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const WEEKDAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

pub(super) fn parse(text: &str) -> Result<CronExpr, CronError> {
    let err = |field: Option<CronField>, message: String| CronError {
        input: text.to_owned(),
        field,
        message,
    };
    let upper = text.to_uppercase();
    let fields: Vec<&str> = upper.split_whitespace().collect();
    match fields.len() {
        0 => return Err(err(None, "the expression is empty".to_owned())),
        5 => {
            return Err(err(
                None,
                "it has 5 fields, which looks like a Unix cron expression; Quartz cron starts with \
                 a seconds field and needs '?' in day-of-month or day-of-week"
                    .to_owned(),
            ));
        }
        n if n < 6 => return Err(err(None, format!("it has only {n} field(s)"))),
        n if n > 7 => {
            return Err(err(
                None,
                format!("it has {n} fields, at most 7 are allowed"),
            ));
        }
        _ => {}
    }
    let set = |index: usize, field: CronField| {
        parse_set(fields[index], field).map_err(|m| err(Some(field), m))
    };
    let seconds = set(0, CronField::Seconds)?;
    let minutes = set(1, CronField::Minutes)?;
    let hours = set(2, CronField::Hours)?;
    let dom = parse_dom(fields[3]).map_err(|m| err(Some(CronField::DayOfMonth), m))?;
    let months = set(4, CronField::Month)?;
    let dow = parse_dow(fields[5]).map_err(|m| err(Some(CronField::DayOfWeek), m))?;
    let years = match fields.get(6) {
        Some(_) => set(6, CronField::Year)?,
        None => full(CronField::Year),
    };
    match (&dom, &dow) {
        (DomSpec::Any, DowSpec::Any) => {
            return Err(err(
                None,
                "'?' is given for both day-of-month and day-of-week; exactly one of them must be '?'"
                    .to_owned(),
            ));
        }
        (DomSpec::Any, _) | (_, DowSpec::Any) => {}
        _ => {
            return Err(err(
                None,
                "specifying both a day-of-month and a day-of-week is not supported; put '?' in \
                 one of them"
                    .to_owned(),
            ));
        }
    }
    Ok(CronExpr {
        source: text.trim().to_owned(),
        seconds,
        minutes,
        hours,
        dom,
        months,
        dow,
        years,
    })
}

fn full(field: CronField) -> BTreeSet<u16> {
    let (min, max) = field.range();
    (min..=max).collect()
}

fn max_step(field: CronField) -> u16 {
    match field {
        CronField::Seconds | CronField::Minutes => 59,
        CronField::Hours => 23,
        CronField::DayOfMonth => 31,
        CronField::Month => 12,
        CronField::DayOfWeek => 7,
        CronField::Year => u16::MAX,
    }
}

fn parse_set(text: &str, field: CronField) -> Result<BTreeSet<u16>, String> {
    if text.contains('?') {
        return Err("'?' is only allowed (alone) in day-of-month or day-of-week".to_owned());
    }
    if let Some(c) = ['L', 'W', '#'].into_iter().find(|c| has_special(text, *c)) {
        return Err(format!(
            "'{c}' is not allowed here ('L', 'W' only in day-of-month/day-of-week, '#' only in \
             day-of-week, each alone)"
        ));
    }
    let mut set = BTreeSet::new();
    for item in text.split(',') {
        parse_item(item, field, &mut set)?;
    }
    Ok(set)
}

fn parse_item(item: &str, field: CronField, set: &mut BTreeSet<u16>) -> Result<(), String> {
    let (min, max) = field.range();
    if item.is_empty() {
        return Err("empty list element".to_owned());
    }
    let (base, step) = match item.split_once('/') {
        Some((base, step_text)) => {
            let step = parse_number(step_text)
                .ok_or_else(|| format!("step \"{step_text}\" in \"{item}\" must be a number"))?;
            if step == 0 || step > max_step(field) {
                return Err(format!(
                    "step {step} in \"{item}\" must be between 1 and {}",
                    max_step(field)
                ));
            }
            // Quartz reads a bare "/n" as "*/n".
            (if base.is_empty() { "*" } else { base }, Some(step))
        }
        None => (item, None),
    };
    let (start, end) = if base == "*" {
        (min, max)
    } else if let Some((a, b)) = base.split_once('-') {
        (value(a, field)?, value(b, field)?)
    } else {
        let start = value(base, field)?;
        (start, if step.is_some() { max } else { start })
    };
    let step = step.unwrap_or(1);
    if end >= start {
        set.extend((start..=end).step_by(step as usize));
        return Ok(());
    }
    if field == CronField::Year {
        return Err(format!("range \"{base}\" goes backwards"));
    }
    // Quartz wraps reversed ranges around the field (`FRI-MON`, `22-2`).
    let size = max - min + 1;
    let mut i = start - min;
    let stop = end - min + size;
    while i <= stop {
        set.insert(min + i % size);
        i += step;
    }
    Ok(())
}

/// Whether `c` occurs in `text` outside month/weekday names.
fn has_special(text: &str, c: char) -> bool {
    text.split([',', '-', '/'])
        .any(|token| token.contains(c) && !MONTHS.contains(&token) && !WEEKDAYS.contains(&token))
}

fn parse_number(text: &str) -> Option<u16> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// A single value: a number or (month/day-of-week) a three-letter name; range-checked.
fn value(text: &str, field: CronField) -> Result<u16, String> {
    let (min, max) = field.range();
    let names: &[&str] = match field {
        CronField::Month => &MONTHS,
        CronField::DayOfWeek => &WEEKDAYS,
        _ => &[],
    };
    if let Some(pos) = names.iter().position(|n| *n == text) {
        return Ok(pos as u16 + 1);
    }
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) && parse_number(text).is_none()
    {
        return Err(format!("value {text} is out of range {min}-{max}"));
    }
    let number = parse_number(text).ok_or_else(|| match field {
        CronField::Month => format!("\"{text}\" is not a number 1-12 or a month name JAN-DEC"),
        CronField::DayOfWeek => {
            format!("\"{text}\" is not a number 1-7 (1 = SUN) or a weekday name SUN-SAT")
        }
        _ => format!("\"{text}\" is not a number"),
    })?;
    if number < min || number > max {
        return Err(format!("value {number} is out of range {min}-{max}"));
    }
    Ok(number)
}

fn parse_dom(text: &str) -> Result<DomSpec, String> {
    let field = CronField::DayOfMonth;
    if text == "?" {
        return Ok(DomSpec::Any);
    }
    if text == "L" {
        return Ok(DomSpec::Last { offset: 0 });
    }
    if text == "LW" {
        return Ok(DomSpec::LastWeekday { offset: 0 });
    }
    if let Some(rest) = text.strip_prefix("L-") {
        let (digits, weekday) = match rest.strip_suffix('W') {
            Some(digits) => (digits, true),
            None => (rest, false),
        };
        let offset = parse_number(digits)
            .filter(|n| *n <= 30)
            .ok_or_else(|| format!("offset in \"{text}\" must be a number 0-30"))?;
        return Ok(if weekday {
            DomSpec::LastWeekday { offset }
        } else {
            DomSpec::Last { offset }
        });
    }
    if let Some(day) = text.strip_suffix('W')
        && !day.contains([',', '-', '/', '*', 'L'])
    {
        return Ok(DomSpec::NearestWeekday(value(day, field)?));
    }
    if text.contains('#') {
        return Err("'#' is only allowed in day-of-week".to_owned());
    }
    if text.contains(['L', 'W']) {
        return Err(format!(
            "\"{text}\": 'L', 'L-n', 'LW' and 'nW' must stand alone (no lists, ranges or steps)"
        ));
    }
    parse_set(text, field).map(DomSpec::Days)
}

fn parse_dow(text: &str) -> Result<DowSpec, String> {
    let field = CronField::DayOfWeek;
    if text == "?" {
        return Ok(DowSpec::Any);
    }
    if text == "L" {
        return Ok(DowSpec::Days(BTreeSet::from([7])));
    }
    if let Some(day) = text.strip_suffix('L')
        && !day.contains([',', '-', '/', '*', '#'])
    {
        return Ok(DowSpec::LastOfMonth(value(day, field)?));
    }
    if let Some((day, nth)) = text.split_once('#')
        && !day.contains([',', '-', '/', '*', 'L'])
    {
        let weekday = value(day, field)?;
        let nth = parse_number(nth)
            .filter(|n| (1..=5).contains(n))
            .ok_or_else(|| format!("\"{text}\": the number after '#' must be 1-5"))?;
        return Ok(DowSpec::Nth { weekday, nth });
    }
    if has_special(text, 'W') {
        return Err("'W' is only allowed in day-of-month".to_owned());
    }
    if has_special(text, 'L') || has_special(text, '#') {
        return Err(format!(
            "\"{text}\": 'nL' and 'n#k' must stand alone (no lists, ranges or steps)"
        ));
    }
    parse_set(text, field).map(DowSpec::Days)
}
