//! The pieces a site reader holds, with the least recently used ones dropped first when
//! they grow past a bound: decoded pieces in [`SiteIndex`](super::SiteIndex), and the
//! fetched bytes of pieces that the JS API keeps in JavaScript memory.
//!
//! A reader goes back to recent queries (the back button, a corrected typo, the same word
//! with a filter): their pieces should still be there. Emptying everything at the bound,
//! as the reader did before, made the query after it fetch every piece again, even the
//! passage tables that almost every count needs.

use rustc_hash::FxHashMap;
use std::cell::Cell;
use std::hash::Hash;

/// A piece held, with its size and when it was last read.
struct Held<V> {
    value: V,
    /// Bytes as fetched (what the bound counts).
    bytes: usize,
    /// The [`PieceCache::clock`] of its last read or insertion.
    used: Cell<u64>,
}

/// Pieces by key (name or slot), bounded by their fetched bytes. Reads take `&self` (a
/// search plans from a shared index), so the last use is a `Cell`.
pub struct PieceCache<K, V> {
    held: FxHashMap<K, Held<V>>,
    held_bytes: usize,
    /// Advanced by [`tick`](Self::tick): pieces read since then count as used now.
    clock: u64,
}

impl<K: Clone + Eq + Hash, V> Default for PieceCache<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: Clone + Eq + Hash, V> PieceCache<K, V> {
    /// An empty cache.
    pub fn new() -> Self {
        PieceCache {
            held: FxHashMap::default(),
            held_bytes: 0,
            clock: 0,
        }
    }

    /// The piece at `key`, marked as used now.
    pub fn get(&self, key: &K) -> Option<&V> {
        let held = self.held.get(key)?;
        held.used.set(self.clock);
        Some(&held.value)
    }

    /// Whether a piece is held at `key` (not a use).
    pub fn contains_key(&self, key: &K) -> bool {
        self.held.contains_key(key)
    }

    /// Every piece held (not marked as used: a caller scanning all of them, e.g. for the
    /// dates of loaded tables, does not need them all).
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.held.values().map(|h| &h.value)
    }

    /// Hold `value` of `bytes` fetched bytes at `key` (replacing what was there).
    pub fn insert(&mut self, key: K, value: V, bytes: usize) {
        let held = Held {
            value,
            bytes,
            used: Cell::new(self.clock),
        };
        if let Some(old) = self.held.insert(key, held) {
            self.held_bytes -= old.bytes;
        }
        self.held_bytes += bytes;
    }

    /// Start a new use (a search): what is read from now on is more recent than anything
    /// read before.
    pub fn tick(&mut self) {
        self.clock += 1;
    }

    /// Fetched bytes of the pieces held.
    pub fn held_bytes(&self) -> usize {
        self.held_bytes
    }

    /// Drop the least recently used pieces until at most `bytes` are held, those last used
    /// by the same search together; whether any was dropped. (No sort: a few thousand
    /// pieces and a few hundred ages at most, and one copy of a sort is 3 KB of wasm.)
    pub fn evict_to(&mut self, bytes: usize) -> bool {
        let before = self.held_bytes;
        while self.held_bytes > bytes {
            let Some(oldest) = self.held.values().map(|h| h.used.get()).min() else {
                break;
            };
            let mut freed = 0;
            self.held.retain(|_, held| {
                let keep = held.used.get() != oldest;
                if !keep {
                    freed += held.bytes;
                }
                keep
            });
            self.held_bytes -= freed;
        }
        self.held_bytes < before
    }

    /// Drop every piece.
    pub fn clear(&mut self) {
        self.held.clear();
        self.held_bytes = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::PieceCache;

    #[test]
    fn the_least_recently_read_go_first() {
        let mut cache = PieceCache::new();
        for key in 0..4u32 {
            cache.tick();
            cache.insert(key, key * 10, 100);
        }
        cache.tick();
        assert_eq!(cache.get(&0), Some(&0)); // read again: now the most recent
        assert!(cache.evict_to(250));
        assert!(!cache.contains_key(&1) && !cache.contains_key(&2));
        assert_eq!(cache.held_bytes(), 200);
        assert!(cache.contains_key(&0) && cache.contains_key(&3));
        assert!(!cache.evict_to(200), "under the bound, nothing goes");
    }

    #[test]
    fn replacing_a_piece_counts_its_bytes_once() {
        let mut cache = PieceCache::new();
        cache.insert(1u32, "a", 100);
        cache.insert(1u32, "b", 40);
        assert_eq!(cache.held_bytes(), 40);
        assert_eq!(cache.get(&1), Some(&"b"));
        cache.clear();
        assert_eq!(cache.held_bytes(), 0);
        assert!(!cache.contains_key(&1));
    }
}
