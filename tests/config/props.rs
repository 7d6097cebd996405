//! Property tests: flattening invariants, layered resolution, write locality.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::*;

fn dotted_key() -> impl Strategy<Value = String> {
    prop::collection::vec("[a-z]{1,3}", 1..5).prop_map(|segments| segments.join("."))
}

/// Drops keys that are a dotted prefix of another key (they cannot all be nested).
fn prefix_free(map: BTreeMap<String, String>) -> BTreeMap<String, String> {
    let keys: Vec<String> = map.keys().cloned().collect();
    map.into_iter()
        .filter(|(k, _)| {
            !keys.iter().any(|o| {
                o != k && (o.starts_with(&format!("{k}.")) || k.starts_with(&format!("{o}.")))
            })
        })
        .collect()
}

/// Renders `key` with its segments grouped into nested objects according to `cuts` bits.
fn insert_rendered(map: &mut Map<String, Value>, key: &str, value: &str, cuts: u32) {
    let segments: Vec<&str> = key.split('.').collect();
    let mut path = vec![segments[0].to_owned()];
    for (i, segment) in segments.iter().enumerate().skip(1) {
        if cuts & (1 << i) != 0 {
            path.push((*segment).to_owned());
        } else {
            let last = path.last_mut().unwrap();
            last.push('.');
            last.push_str(segment);
        }
    }
    let (leaf, parents) = path.split_last().unwrap();
    let mut current = map;
    for parent in parents {
        current = current
            .entry(parent.clone())
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()
            .expect("prefix-free keys never collide with leaves");
    }
    current.insert(leaf.clone(), Value::String(value.to_owned()));
}

fn render(pairs: &BTreeMap<String, String>, cuts: &[u32]) -> Map<String, Value> {
    let mut map = Map::new();
    for ((key, value), cut) in pairs.iter().zip(cuts.iter().cycle()) {
        insert_rendered(&mut map, key, value, *cut);
    }
    map
}

const SP_SPELLINGS: [&str; 3] = [
    "execution.checkpointing.savepoint-dir",
    "state.savepoints.dir",
    "savepoints.state.backend.fs.dir",
];

fn config_with_spellings() -> impl Strategy<Value = BTreeMap<String, String>> {
    (
        prop::collection::btree_map(dotted_key(), "[a-z0-9:/ ]{0,8}", 0..6),
        prop::collection::vec(
            (prop::sample::select(&SP_SPELLINGS[..]), "[a-z0-9:/]{1,8}"),
            0..3,
        ),
    )
        .prop_map(|(mut map, spellings)| {
            map.extend(spellings.into_iter().map(|(k, v)| (k.to_owned(), v)));
            prefix_free(map)
        })
}

proptest! {
    #[test]
    fn flat_string_map_flattens_to_itself(map in prop::collection::btree_map(any::<String>(), any::<String>(), 0..12)) {
        let raw: Map<String, Value> = map.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
        let expected: FlatConfig = map.into_iter().collect();
        prop_assert_eq!(flatten(&raw), expected);
    }

    #[test]
    fn nested_mixed_and_flat_renderings_flatten_equal(
        map in prop::collection::btree_map(dotted_key(), "[ -~]{0,10}", 0..10).prop_map(prefix_free),
        cuts in prop::collection::vec(any::<u32>(), 1..10),
    ) {
        let expected: FlatConfig = map.clone().into_iter().collect();
        prop_assert_eq!(flatten(&render(&map, &[0])), expected.clone());
        prop_assert_eq!(flatten(&render(&map, &[u32::MAX])), expected.clone());
        prop_assert_eq!(flatten(&render(&map, &cuts)), expected);
    }

    #[test]
    fn layered_resolution_equals_lookup_on_merged_config(
        cluster in config_with_spellings(),
        job in config_with_spellings(),
    ) {
        let cluster: FlatConfig = cluster.into_iter().collect();
        let job: FlatConfig = job.into_iter().collect();
        let merged = effective_session_job_config(&cluster, &job);
        let resolved = Layered::session_job(&job, &cluster).resolve_explicit(SP);
        prop_assert_eq!(resolved.map(|r| (r.key, r.value)), merged.lookup(SP).map(|f| (f.key, f.value)));
        if let Some(r) = resolved {
            let from = if r.source == ValueSource::Resource { &job } else { &cluster };
            prop_assert_eq!(from.get(r.key), Some(r.value));
        }
    }

    #[test]
    fn set_then_remove_touch_only_the_option(
        map in config_with_spellings(),
        cuts in prop::collection::vec(any::<u32>(), 1..8),
        value in "[a-z0-9:/]{1,12}",
    ) {
        let mut conf = render(&map, &cuts);
        let before = flatten(&conf);
        let written = set_option(&mut conf, SP, &value).expect("no object at canonical key");
        let after = flatten(&conf);
        let mut expected = before.clone();
        expected.set(written.location.key.clone(), value.clone());
        prop_assert_eq!(&after, &expected);
        prop_assert_eq!(after.lookup(SP).map(|f| f.value), Some(value.as_str()));

        remove_option(&mut conf, SP);
        let removed: FlatConfig = before.iter().filter(|(k, _)| !SP.has_spelling(k)).collect();
        prop_assert_eq!(flatten(&conf), removed);
    }
}
