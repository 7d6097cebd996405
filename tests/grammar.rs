//! Value grammars: Flink durations, Quartz cron, periodic intervals, scalars.

use std::time::Duration;

use flink_savepoint::grammar::{
    CronExpr, CronField, DurationProblem, PeriodicInterval, format_duration, parse_bool,
    parse_duration, parse_enum, parse_int,
};
use jiff::Timestamp;
use proptest::prelude::*;
use rstest::rstest;

fn ts(s: &str) -> Timestamp {
    s.parse().expect("test timestamp")
}

const MS: u64 = 1;
const S: u64 = 1_000;
const MIN: u64 = 60 * S;
const H: u64 = 60 * MIN;
const D: u64 = 24 * H;

#[rstest]
#[case("900s", 900 * S)]
#[case("1 h", H)]
#[case("1h", H)]
#[case("24 h", 24 * H)]
#[case("10M", 10 * MIN)]
#[case("5 MINUTE", 5 * MIN)]
#[case("90 min", 90 * MIN)]
#[case("2 minutes", 2 * MIN)]
#[case("900", 900 * MS)]
#[case("1d", D)]
#[case("3 Days", 3 * D)]
#[case("  7  sec  ", 7 * S)]
#[case("15 seconds", 15 * S)]
#[case("250ms", 250 * MS)]
#[case("5 millis", 5 * MS)]
#[case("0", 0)]
fn duration_accepts_flink_forms(#[case] text: &str, #[case] millis: u64) {
    assert_eq!(
        parse_duration(text),
        Ok(Duration::from_millis(millis)),
        "{text}"
    );
}

#[rstest]
#[case("1500µs", Duration::from_micros(1500))]
#[case("2 micros", Duration::from_micros(2))]
#[case("7ns", Duration::from_nanos(7))]
#[case("3 NANOSECONDS", Duration::from_nanos(3))]
#[case("9223372036854775807s", Duration::from_secs(i64::MAX as u64))]
#[case("9223372036854775807ns", Duration::from_nanos(i64::MAX as u64))]
#[case("106751991167300d", Duration::from_secs(106_751_991_167_300 * 86_400))]
fn duration_accepts_sub_millisecond_and_extreme_values(#[case] text: &str, #[case] d: Duration) {
    assert_eq!(parse_duration(text), Ok(d));
}

#[rstest]
#[case("1.5h", DurationProblem::Decimal, "decimals are not allowed")]
#[case("-1s", DurationProblem::Sign, "signs are not allowed")]
#[case("+1s", DurationProblem::Sign, "signs are not allowed")]
#[case("1h30m", DurationProblem::Compound, "compound values")]
#[case("PT1H", DurationProblem::Iso8601, "ISO-8601")]
#[case("", DurationProblem::Empty, "empty")]
#[case("   ", DurationProblem::Empty, "empty")]
#[case("h", DurationProblem::NoNumber, "does not start with a number")]
#[case("10 fortnights", DurationProblem::UnknownUnit("fortnights".into()), "unknown unit \"fortnights\"")]
#[case("9223372036854775808s", DurationProblem::Overflow, "too large")]
#[case("106751991167301d", DurationProblem::Overflow, "too large")]
#[case("9223372036854775808ns", DurationProblem::Overflow, "too large")]
#[case(
    "999999999999999999999999999999999999999999",
    DurationProblem::Overflow,
    "too large"
)]
fn duration_rejects_with_reason(
    #[case] text: &str,
    #[case] problem: DurationProblem,
    #[case] reason: &str,
) {
    let err = parse_duration(text).expect_err(text);
    assert_eq!(err.problem, problem);
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!("invalid duration \"{text}\": ")),
        "{msg}"
    );
    assert!(msg.contains(reason), "{msg}");
    assert!(
        msg.contains("90 min") && msg.contains("no unit = milliseconds"),
        "{msg}"
    );
}

#[test]
fn duration_error_message_matches_documented_shape() {
    let msg = parse_duration("1.5h").unwrap_err().to_string();
    assert!(
        msg.starts_with(
            "invalid duration \"1.5h\": decimals are not allowed; use a whole number with a unit \
             such as 90 min, 900s, 24 h, 1d"
        ),
        "{msg}"
    );
}

#[rstest]
#[case(Duration::from_secs(86_400), "1 d")]
#[case(Duration::from_secs(72 * 3600), "3 d")]
#[case(Duration::from_secs(25 * 3600), "25 h")]
#[case(Duration::from_secs(90 * 60), "90 min")]
#[case(Duration::from_secs(61), "61 s")]
#[case(Duration::from_millis(900), "900 ms")]
#[case(Duration::from_micros(3), "3 µs")]
#[case(Duration::from_nanos(1_000_000_001), "1000000001 ns")]
#[case(Duration::ZERO, "0 ms")]
fn format_duration_uses_highest_exact_unit(#[case] d: Duration, #[case] text: &str) {
    assert_eq!(format_duration(d), text);
}

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

#[rstest]
#[case("", PeriodicInterval::Disabled)]
#[case("   ", PeriodicInterval::Disabled)]
#[case("0", PeriodicInterval::Disabled)]
#[case("0 h", PeriodicInterval::Disabled)]
#[case("6h", PeriodicInterval::Every(Duration::from_secs(6 * 3600)))]
#[case("10M", PeriodicInterval::Every(Duration::from_secs(600)))]
#[case("900", PeriodicInterval::Every(Duration::from_millis(900)))]
fn interval_parses_blank_zero_and_durations(
    #[case] text: &str,
    #[case] expected: PeriodicInterval,
) {
    assert_eq!(PeriodicInterval::parse(text), Ok(expected));
}

#[test]
fn interval_falls_back_to_cron() {
    let parsed = PeriodicInterval::parse("0 0 */6 * * ?").expect("cron");
    assert_eq!(
        parsed,
        PeriodicInterval::Cron(CronExpr::parse("0 0 */6 * * ?").unwrap())
    );
}

#[test]
fn interval_error_explains_both_forms() {
    let err = PeriodicInterval::parse("every 6 hours").unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.starts_with("invalid periodic interval \"every 6 hours\""),
        "{msg}"
    );
    assert!(
        msg.contains("as a duration: it does not start with a number"),
        "{msg}"
    );
    assert!(msg.contains("as cron: it has only 3 field(s)"), "{msg}");
    assert!(msg.contains("6h") && msg.contains("0 0 */6 * * ?"), "{msg}");
    let unix = PeriodicInterval::parse("0 */6 * * *").unwrap_err();
    assert!(unix.to_string().contains("Unix cron"), "{unix}");
}

#[rstest]
#[case("1h", "2025-01-01T10:00:00Z", "2025-01-01T11:00:00Z", false)]
#[case("1h", "2025-01-01T10:00:00Z", "2025-01-01T11:00:01Z", true)]
#[case("0 0 */6 * * ?", "2025-01-01T03:00:00Z", "2025-01-01T06:00:00Z", false)]
#[case("0 0 */6 * * ?", "2025-01-01T03:00:00Z", "2025-01-01T06:00:01Z", true)]
#[case("", "2020-01-01T00:00:00Z", "2025-01-01T00:00:00Z", false)]
#[case("0", "2020-01-01T00:00:00Z", "2025-01-01T00:00:00Z", false)]
fn interval_is_due_strictly_after_next_trigger(
    #[case] text: &str,
    #[case] last: &str,
    #[case] now: &str,
    #[case] due: bool,
) {
    let interval = PeriodicInterval::parse(text).expect(text);
    assert_eq!(interval.is_due(ts(last), ts(now)), due);
}

#[rstest]
#[case("5", Ok(5))]
#[case("-3", Ok(-3))]
#[case("+7", Ok(7))]
#[case("2147483647", Ok(i32::MAX))]
#[case("-2147483648", Ok(i32::MIN))]
#[case("2147483648", Err("out of range"))]
#[case("", Err("empty"))]
#[case("-", Err("sign must be followed"))]
#[case(" 5", Err("whitespace"))]
#[case("1.0", Err("decimals"))]
#[case("ten", Err("only digits"))]
#[case("--1", Err("only digits"))]
fn int_follows_java_parse_int(#[case] text: &str, #[case] expected: Result<i32, &str>) {
    match (parse_int(text), expected) {
        (Ok(v), Ok(e)) => assert_eq!(v, e),
        (Err(err), Err(reason)) => {
            let msg = err.to_string();
            assert!(
                msg.starts_with(&format!("invalid integer \"{text}\": ")),
                "{msg}"
            );
            assert!(msg.contains(reason), "{msg}");
        }
        (got, want) => panic!("{text}: got {got:?}, want {want:?}"),
    }
}

#[rstest]
#[case("true", Some(true))]
#[case("TRUE", Some(true))]
#[case("False", Some(false))]
#[case("yes", None)]
#[case("1", None)]
#[case(" true", None)]
fn bool_accepts_only_true_false_ignoring_case(#[case] text: &str, #[case] expected: Option<bool>) {
    let got = parse_bool(text);
    assert_eq!(got.as_ref().ok().copied(), expected);
    if let Err(err) = got {
        assert!(err.to_string().contains("expected true or false"), "{err}");
    }
}

#[test]
fn enum_matches_constant_ignoring_case_and_lists_choices() {
    assert_eq!(parse_enum("native", &["CANONICAL", "NATIVE"]), Ok("NATIVE"));
    let err = parse_enum("binary", &["CANONICAL", "NATIVE"]).unwrap_err();
    assert!(
        err.to_string().contains("one of CANONICAL, NATIVE"),
        "{err}"
    );
}

const UNIT_LABELS: &[(&str, u64)] = &[
    ("d", 86_400_000_000_000),
    ("day", 86_400_000_000_000),
    ("days", 86_400_000_000_000),
    ("h", 3_600_000_000_000),
    ("hours", 3_600_000_000_000),
    ("m", 60_000_000_000),
    ("min", 60_000_000_000),
    ("minute", 60_000_000_000),
    ("s", 1_000_000_000),
    ("secs", 1_000_000_000),
    ("second", 1_000_000_000),
    ("ms", 1_000_000),
    ("milliseconds", 1_000_000),
    ("micro", 1_000),
    ("nanos", 1),
    ("", 1_000_000),
];

proptest! {
    #[test]
    fn parse_duration_never_panics(text in any::<String>()) {
        let _ = parse_duration(&text);
    }

    #[test]
    fn parse_duration_never_panics_on_near_miss_text(
        text in "[ +\\-.0-9]{0,3}[0-9]{0,30}[ \\t.]{0,2}[a-zA-Zµ0-9]{0,12}"
    ) {
        let _ = parse_duration(&text);
    }

    #[test]
    fn format_duration_reparses_to_same_value(
        d in prop_oneof![
            (0u64..=(i64::MAX as u64)).prop_map(Duration::from_secs),
            (0u64..=(i64::MAX as u64)).prop_map(Duration::from_nanos),
            (0u64..=(i64::MAX as u64 / 1_000_000)).prop_map(Duration::from_millis),
        ],
    ) {
        prop_assert_eq!(parse_duration(&format_duration(d)), Ok(d));
    }

    #[test]
    fn number_with_any_unit_spelling_scales(
        n in 0u64..1_000_000,
        unit in proptest::sample::select(UNIT_LABELS),
        upper in any::<bool>(),
        space in "[ \\t]{0,2}",
    ) {
        let (label, nanos) = unit;
        let label = if upper { label.to_uppercase() } else { label.to_owned() };
        let text = format!("{n}{space}{label}");
        let total = u128::from(n) * u128::from(nanos);
        let expected = Duration::new((total / 1_000_000_000) as u64, (total % 1_000_000_000) as u32);
        prop_assert_eq!(parse_duration(&text), Ok(expected));
    }

    #[test]
    fn cron_parse_never_panics(text in "([0-9A-Z*?/,#LW\\-]{1,8} ){4,8}[0-9A-Z*?/,#LW\\-]{0,8}") {
        let _ = CronExpr::parse(&text);
    }

    #[test]
    fn cron_seconds_step_fires_within_one_step(
        step in 1u32..=59,
        epoch in 0i64..4_000_000_000,
    ) {
        let cron = CronExpr::parse(&format!("*/{step} * * * * ?")).unwrap();
        let after = Timestamp::from_second(epoch).unwrap();
        let next = cron.next_after(after).expect("fires");
        prop_assert!(next > after);
        let second = next.as_second().rem_euclid(60) as u32;
        prop_assert_eq!(second % step, 0);
        // No earlier fire time in between: the next multiple of `step` in this minute or :00.
        prop_assert!(next.as_second() - epoch <= i64::from(step.max(60 - (epoch.rem_euclid(60) as u32))));
    }
}
