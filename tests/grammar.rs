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
}

#[path = "grammar/cron.rs"]
mod cron;
