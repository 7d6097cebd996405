//! Arbitrary JSON as `flinkConfiguration` → flattening, option lookup and spelling-preserving
//! writes. Properties: no panic; after `set_option` the flattened configuration resolves the
//! option to the written value; after `remove_option` no spelling of it remains.
#![no_main]

use flink_savepoint::config::{
    flatten, flatten_value, json_pointer_for, locate_option, options, remove_option, set_option,
};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let flat = flatten_value(&value);
    for (k, v) in flat.iter() {
        assert_eq!(flat.get(k), Some(v));
    }
    let Value::Object(conf) = value else {
        return;
    };
    let flat = flatten(&conf);
    for opt in options::ALL {
        let _ = flat.lookup(opt);
        let _ = flat.find_all_spellings(opt);
        let _ = locate_option(&conf, opt);
        let _ = json_pointer_for(&conf, opt);

        let mut written = conf.clone();
        if set_option(&mut written, opt, "fuzz-value").is_ok() {
            let found = flatten(&written).lookup(opt).map(|f| f.value.to_owned());
            assert_eq!(
                found.as_deref(),
                Some("fuzz-value"),
                "{} not readable after set_option",
                opt.key
            );
        }
        let mut removed = conf.clone();
        remove_option(&mut removed, opt);
        assert!(
            flatten(&removed).lookup(opt).is_none(),
            "{} still present after remove_option",
            opt.key
        );
    }
});
