//! Arbitrary JSON → typed Flink models → unified savepoint history. The input is an array: the
//! first element is the target (FlinkDeployment or FlinkSessionJob by `kind`), the rest are
//! FlinkStateSnapshots (elements that do not decode are skipped, as a list decoder would).
//! Properties: no panic; history is sorted (requested first, then newest first) and every entry
//! comes from the target; the nonce lookup returns a snapshot of the target.
#![no_main]

use flink_savepoint::{
    crd::{FlinkDeployment, FlinkSessionJob, FlinkStateSnapshot, Target},
    history::{
        EntryState, find_nonce_snapshot, is_savepoint_of, latest_completed, savepoint_history,
    },
};
use jiff::Timestamp;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(Value::Array(items)) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let Some((first, rest)) = items.split_first() else {
        return;
    };
    let snapshots: Vec<FlinkStateSnapshot> = rest
        .iter()
        .filter_map(|v| serde_json::from_value(v.clone()).ok())
        .collect();
    let deployment;
    let job;
    let target = match first["kind"].as_str() {
        Some("FlinkSessionJob") => {
            let Ok(j) = serde_json::from_value::<FlinkSessionJob>(first.clone()) else {
                return;
            };
            job = j;
            Target::session_job(&job, None)
        }
        _ => {
            let Ok(d) = serde_json::from_value::<FlinkDeployment>(first.clone()) else {
                return;
            };
            deployment = d;
            Target::deployment(&deployment)
        }
    };
    let entries = savepoint_history(target, &snapshots);
    let requested: Vec<bool> = entries
        .iter()
        .map(|e| e.state == EntryState::Requested)
        .collect();
    assert!(
        requested.windows(2).all(|w| w[0] >= w[1]),
        "requested entries must come first"
    );
    let _ = latest_completed(&entries);
    let tref = target.target_ref();
    assert!(
        entries.iter().all(|e| e.target == tref),
        "an entry of another target"
    );
    let since = Timestamp::from_second(0).expect("epoch");
    if let Some(s) = find_nonce_snapshot(&tref, &snapshots, since) {
        assert!(is_savepoint_of(s, &tref));
    }
});
