//! Quartz cron expressions: accepted and rejected syntax, fire-time evaluation.

use std::collections::BTreeSet;

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use proptest::prelude::*;

use super::*;

#[rstest]
#[case("0 0 */6 * * ?")]
#[case("0 0 12 ? * MON-FRI")]
#[case("0 15 10 L * ?")]
#[case("0 15 10 L-2 * ?")]
#[case("0 0 9 LW * ?")]
#[case("0 0 9 L-3W * ?")]
#[case("0 0 9 15W * ?")]
#[case("0 0 0 ? * 6L")]
#[case("0 0 0 ? * FRIL")]
#[case("0 0 0 ? * 6#3")]
#[case("0 0 0 ? * L")]
#[case("0 30 1 1 1 ? 2030")]
#[case("0 0 0 1 JAN-MAR,JUL ? 2026-2030/2")]
#[case("*/15 * * * * ?")]
#[case("/20 * * * * ?")]
#[case("0 0 22-2/2 * * ?")]
#[case("0 0 0 ? * sun,wed")]
#[case("0\t0\t0 ? * WED")]
fn cron_accepts_quartz_syntax(#[case] text: &str) {
    let expr = CronExpr::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    assert_eq!(expr.to_string(), text.trim());
}

#[rstest]
#[case("0 */6 * * *", None, "5 fields")]
#[case("0 0 0 * * *", None, "both a day-of-month and a day-of-week")]
#[case("0 0 0 1 * MON", None, "both a day-of-month and a day-of-week")]
#[case("0 0 0 ? * ?", None, "exactly one of them must be '?'")]
#[case("", None, "empty")]
#[case("0 0 0 ? *", None, "5 fields")]
#[case("0 0 0 ? * * 2030 extra", None, "at most 7")]
#[case(
    "60 0 0 * * ?",
    Some(CronField::Seconds),
    "value 60 is out of range 0-59"
)]
#[case(
    "0 60 0 * * ?",
    Some(CronField::Minutes),
    "value 60 is out of range 0-59"
)]
#[case(
    "0 0 24 * * ?",
    Some(CronField::Hours),
    "value 24 is out of range 0-23"
)]
#[case(
    "0 0 0 32 * ?",
    Some(CronField::DayOfMonth),
    "value 32 is out of range 1-31"
)]
#[case(
    "0 0 0 0 * ?",
    Some(CronField::DayOfMonth),
    "value 0 is out of range 1-31"
)]
#[case(
    "0 0 0 99999999 * ?",
    Some(CronField::DayOfMonth),
    "value 99999999 is out of range 1-31"
)]
#[case(
    "0 0 0 ? 13 *",
    Some(CronField::Month),
    "value 13 is out of range 1-12"
)]
#[case(
    "0 0 0 ? * 8",
    Some(CronField::DayOfWeek),
    "value 8 is out of range 1-7"
)]
#[case(
    "0 0 0 ? * 0",
    Some(CronField::DayOfWeek),
    "value 0 is out of range 1-7"
)]
#[case("0 0 0 ? * * 1969", Some(CronField::Year), "out of range 1970-2199")]
#[case("0 0 0 ? JANX *", Some(CronField::Month), "month name JAN-DEC")]
#[case("0 0 0 ? * FUN", Some(CronField::DayOfWeek), "weekday name SUN-SAT")]
#[case("0 */0 * * * ?", Some(CronField::Minutes), "step 0")]
#[case("0 */60 * * * ?", Some(CronField::Minutes), "between 1 and 59")]
#[case("0 0 ? * * *", Some(CronField::Hours), "'?' is only allowed")]
#[case("0 0 0 1,L * ?", Some(CronField::DayOfMonth), "must stand alone")]
#[case("0 0 0 ? * 6#6", Some(CronField::DayOfWeek), "must be 1-5")]
#[case("0 0 0 ? * MON,6L", Some(CronField::DayOfWeek), "must stand alone")]
#[case(
    "0 0 0 15W * ?x",
    Some(CronField::DayOfWeek),
    "'?' is only allowed (alone)"
)]
#[case(
    "0 0 0 ? * 1W",
    Some(CronField::DayOfWeek),
    "'W' is only allowed in day-of-month"
)]
#[case("0 0 0 L-31 * ?", Some(CronField::DayOfMonth), "0-30")]
#[case("0 0 0 1,,2 * ?", Some(CronField::DayOfMonth), "empty list element")]
#[case("0 0 0 ? * * 2030-2026", Some(CronField::Year), "backwards")]
fn cron_rejects_with_named_field(
    #[case] text: &str,
    #[case] field: Option<CronField>,
    #[case] reason: &str,
) {
    let err = CronExpr::parse(text).expect_err(text);
    assert_eq!(err.field, field, "{err}");
    let msg = err.to_string();
    assert!(msg.contains(reason), "{msg}");
    assert!(msg.contains(&format!("\"{text}\"")), "{msg}");
    if let Some(field) = field {
        assert!(
            msg.contains(&format!("field {} ({})", field.position(), field.name())),
            "{msg}"
        );
    }
    assert!(
        msg.contains("0 0 */6 * * ?"),
        "error lists an example: {msg}"
    );
}

#[rstest]
#[case("0 0 */6 * * ?", "2025-01-02T03:04:05Z", Some("2025-01-02T06:00:00Z"))]
#[case("0 0 */6 * * ?", "2025-01-02T06:00:00Z", Some("2025-01-02T12:00:00Z"))]
#[case(
    "0 0 */6 * * ?",
    "2025-01-02T05:59:59.999Z",
    Some("2025-01-02T06:00:00Z")
)]
#[case("0 0 */6 * * ?", "2025-12-31T23:00:00Z", Some("2026-01-01T00:00:00Z"))]
#[case(
    "0 0 12 ? * MON-FRI",
    "2025-01-03T13:00:00Z",
    Some("2025-01-06T12:00:00Z")
)]
#[case("0 15 10 L * ?", "2025-02-10T00:00:00Z", Some("2025-02-28T10:15:00Z"))]
#[case("0 15 10 L * ?", "2024-02-10T00:00:00Z", Some("2024-02-29T10:15:00Z"))]
#[case(
    "0 15 10 L-2 * ?",
    "2025-02-10T00:00:00Z",
    Some("2025-02-26T10:15:00Z")
)]
#[case("0 0 0 ? * 6#3", "2025-01-01T00:00:00Z", Some("2025-01-17T00:00:00Z"))]
#[case("0 0 0 ? * 6L", "2025-01-01T00:00:00Z", Some("2025-01-31T00:00:00Z"))]
#[case("0 0 9 15W * ?", "2025-03-01T00:00:00Z", Some("2025-03-14T09:00:00Z"))]
#[case("0 0 9 1W * ?", "2025-05-02T00:00:00Z", Some("2025-06-02T09:00:00Z"))]
#[case("0 0 9 LW * ?", "2025-08-01T00:00:00Z", Some("2025-08-29T09:00:00Z"))]
#[case("0 0 9 L-3W * ?", "2025-09-01T00:00:00Z", Some("2025-09-26T09:00:00Z"))]
#[case("0 0 9 L-3 * ?", "2025-09-01T00:00:00Z", Some("2025-09-27T09:00:00Z"))]
#[case("/20 * * * * ?", "2025-01-01T00:00:41Z", Some("2025-01-01T00:01:00Z"))]
#[case("0 0 0 ? * 2#5", "2025-01-01T00:00:00Z", Some("2025-03-31T00:00:00Z"))]
#[case(
    "0 30 1 1 1 ? 2030",
    "2025-06-01T00:00:00Z",
    Some("2030-01-01T01:30:00Z")
)]
#[case("0 30 1 1 1 ? 2030", "2030-01-01T01:30:00Z", None)]
#[case("0 0 0 31 2 ?", "2025-01-01T00:00:00Z", None)]
#[case("0 0 0 29 2 ?", "2025-03-01T00:00:00Z", Some("2028-02-29T00:00:00Z"))]
#[case(
    "*/15 * * * * ?",
    "2025-01-01T12:00:07.5Z",
    Some("2025-01-01T12:00:15Z")
)]
#[case(
    "0 0 22-2/2 * * ?",
    "2025-01-01T23:00:00Z",
    Some("2025-01-02T00:00:00Z")
)]
#[case(
    "0 0 0 ? * FRI-MON",
    "2025-01-07T00:00:00Z",
    Some("2025-01-10T00:00:00Z")
)]
#[case("0 0 0 ? * L", "2025-01-01T00:00:00Z", Some("2025-01-04T00:00:00Z"))]
fn cron_next_after_finds_next_fire_time(
    #[case] expr: &str,
    #[case] after: &str,
    #[case] expected: Option<&str>,
) {
    let cron = CronExpr::parse(expr).expect(expr);
    assert_eq!(
        cron.next_after(ts(after)),
        expected.map(ts),
        "{expr} after {after}"
    );
}

fn set_text(values: &BTreeSet<u8>) -> String {
    values
        .iter()
        .map(u8::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

proptest! {
    #[test]
    fn cron_parse_never_panics(text in "([0-9A-Z*?/,#LW\\-]{1,8} ){4,8}[0-9A-Z*?/,#LW\\-]{0,8}") {
        let _ = CronExpr::parse(&text);
    }

    #[test]
    fn cron_seconds_step_fires_at_next_multiple(step in 1i64..=59, epoch in 0i64..4_000_000_000) {
        let cron = CronExpr::parse(&format!("*/{step} * * * * ?")).unwrap();
        let next = cron.next_after(Timestamp::from_second(epoch).unwrap()).expect("fires");
        let minute = epoch - epoch.rem_euclid(60);
        let in_minute = (epoch.rem_euclid(60) / step + 1) * step;
        let expected = if in_minute < 60 { minute + in_minute } else { minute + 60 };
        prop_assert_eq!(next.as_second(), expected);
    }

    #[test]
    fn cron_minute_hour_lists_match_brute_force(
        minutes in prop::collection::btree_set(0u8..60, 1..4),
        hours in prop::collection::btree_set(0u8..24, 1..4),
        epoch in 0i64..4_000_000_000,
    ) {
        let expr = format!("0 {} {} * * ?", set_text(&minutes), set_text(&hours));
        let cron = CronExpr::parse(&expr).unwrap();
        let next = cron.next_after(Timestamp::from_second(epoch).unwrap()).expect("fires daily");
        let mut t = epoch - epoch.rem_euclid(60) + 60;
        let expected = loop {
            let civil = Timestamp::from_second(t).unwrap().to_zoned(TimeZone::UTC).datetime();
            if minutes.contains(&(civil.minute() as u8)) && hours.contains(&(civil.hour() as u8)) {
                break t;
            }
            t += 60;
        };
        prop_assert_eq!(next.as_second(), expected, "{}", expr);
    }

    #[test]
    fn cron_weekday_lists_match_brute_force(
        weekdays in prop::collection::btree_set(1u8..=7, 1..4),
        day in 0i64..40_000,
    ) {
        let expr = format!("0 0 0 ? * {}", set_text(&weekdays));
        let cron = CronExpr::parse(&expr).unwrap();
        let after: DateTime = jiff::civil::date(1990, 1, 1).at(12, 0, 0, 0)
            .checked_add(jiff::SignedDuration::from_hours(24 * day)).unwrap();
        let next = cron.next_after_civil(after).expect("fires weekly");
        let mut date = after.date().tomorrow().unwrap();
        while !weekdays.contains(&(date.weekday().to_sunday_one_offset() as u8)) {
            date = date.tomorrow().unwrap();
        }
        prop_assert_eq!(next, date.at(0, 0, 0, 0), "{}", expr);
    }
}
