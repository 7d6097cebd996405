//! A watch-fed object cache, shared by `wait`/`trigger --wait` and `list --watch`.

use std::collections::BTreeMap;

use ::kube::runtime::watcher;

/// Consecutive watch errors tolerated (with backoff) before giving up, for every watch of the
/// plugin (`wait`/`trigger --wait` and `list --watch`).
pub(super) const MAX_WATCH_ERRORS: u32 = 5;

/// Objects of one watch, keyed by name, replaced atomically on (re-)list.
pub struct Cache<T> {
    /// The current objects.
    pub items: BTreeMap<String, T>,
    buffer: BTreeMap<String, T>,
    /// Whether the first (re-)list completed.
    pub ready: bool,
}

impl<T> Cache<T> {
    /// An empty cache; `ready` = true for a watch that is not started (nothing to wait for).
    pub fn new(ready: bool) -> Self {
        Cache {
            items: BTreeMap::new(),
            buffer: BTreeMap::new(),
            ready,
        }
    }

    /// Applies one watch event (`name_of` gives the key).
    pub fn apply(&mut self, event: watcher::Event<T>, name_of: impl Fn(&T) -> String) {
        match event {
            watcher::Event::Init => self.buffer.clear(),
            watcher::Event::InitApply(t) => {
                self.buffer.insert(name_of(&t), t);
            }
            watcher::Event::InitDone => {
                self.items = std::mem::take(&mut self.buffer);
                self.ready = true;
            }
            watcher::Event::Apply(t) => {
                self.items.insert(name_of(&t), t);
            }
            watcher::Event::Delete(t) => {
                self.items.remove(&name_of(&t));
            }
        }
    }
}

/// Maps the object inside a watch event.
pub fn map_event<K, T>(event: watcher::Event<K>, f: impl Fn(K) -> T) -> watcher::Event<T> {
    match event {
        watcher::Event::Apply(k) => watcher::Event::Apply(f(k)),
        watcher::Event::Delete(k) => watcher::Event::Delete(f(k)),
        watcher::Event::Init => watcher::Event::Init,
        watcher::Event::InitApply(k) => watcher::Event::InitApply(f(k)),
        watcher::Event::InitDone => watcher::Event::InitDone,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relist_replaces_contents_atomically_and_marks_ready() {
        let mut cache: Cache<String> = Cache::new(false);
        cache.apply(watcher::Event::Init, String::clone);
        cache.apply(watcher::Event::InitApply("a".into()), String::clone);
        assert!(!cache.ready && cache.items.is_empty());
        cache.apply(watcher::Event::InitDone, String::clone);
        assert!(cache.ready);
        cache.apply(watcher::Event::Apply("b".into()), String::clone);
        cache.apply(watcher::Event::Delete("a".into()), String::clone);
        assert_eq!(cache.items.keys().collect::<Vec<_>>(), ["b"]);
        cache.apply(watcher::Event::Init, String::clone);
        cache.apply(watcher::Event::InitDone, String::clone);
        assert!(
            cache.items.is_empty(),
            "objects gone during a re-list disappear"
        );
    }
}
