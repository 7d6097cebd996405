//! Flink durations, Quartz cron expressions, periodic intervals and scalars from arbitrary text.
//! Properties: no panic; a parsed duration formats to text that parses back to the same value;
//! a cron expression's next fire time is strictly after the reference time.
#![no_main]

use flink_savepoint::grammar::{
    CronExpr, PeriodicInterval, format_duration, parse_bool, parse_duration, parse_int,
};
use jiff::Timestamp;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(d) = parse_duration(&text) {
        let formatted = format_duration(d);
        assert_eq!(
            parse_duration(&formatted).ok(),
            Some(d),
            "{text:?} → {formatted:?} does not round-trip"
        );
    }
    let reference = Timestamp::from_second(1_763_900_000).expect("fixed timestamp");
    if let Ok(cron) = CronExpr::parse(&text) {
        if let Some(next) = cron.next_after(reference) {
            assert!(
                next > reference,
                "{text:?}: next fire {next} not after {reference}"
            );
        }
    }
    if let Ok(interval) = PeriodicInterval::parse(&text) {
        let _ = interval.next_trigger(reference);
        let _ = interval.is_due(reference, reference);
    }
    let _ = parse_int(&text);
    let _ = parse_bool(&text);
});
