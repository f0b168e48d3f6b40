//! Keyspace aggregation for `stats`: keys, TTLs, types and memory per namespace
//! prefix, and the biggest keys. Pure: fed with (key, type, pttl, bytes) rows.
//! Memory stays bounded: at most [`MAX_PREFIXES`] prefixes are kept apart.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap};

/// Distinct prefixes tracked; the rest are merged into `(other)`.
pub const MAX_PREFIXES: usize = 10_000;

/// The namespace prefix of a key: its first `depth` ':'-separated segments and
/// the ':' after them; `(none)` for a key without any ':'.
pub fn prefix_of(key: &[u8], depth: usize) -> &[u8] {
    let end = key
        .iter()
        .enumerate()
        .filter(|(_, &b)| b == b':')
        .map(|(i, _)| i)
        .take(depth)
        .last();
    match end {
        Some(i) => &key[..=i],
        None => b"(none)",
    }
}

/// cachectl's own companion keys (`{NAME}:cachectl:fence` and the like) form a
/// group of their own: their names start with the key they serve, which would
/// scatter them over odd prefixes such as `{report:`.
pub fn companion_group(key: &[u8]) -> Option<&'static [u8]> {
    const GROUPS: [(&[u8], &[u8]); 3] = [
        (b":cachectl:fence", b"(cachectl:fence)"),
        (b":cachectl:lock", b"(cachectl:lock)"),
        (b":cachectl:meta", b"(cachectl:meta)"),
    ];
    GROUPS
        .iter()
        .find(|(suffix, _)| key.len() > suffix.len() && key.ends_with(suffix))
        .map(|(_, group)| *group)
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct PrefixAgg {
    pub keys: u64,
    pub no_ttl: u64,
    pub memory_bytes: u64,
}

/// Keys by remaining TTL: none, <1m, <1h, <1d, >=1d.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct TtlBuckets {
    pub no_ttl: u64,
    pub lt_1m: u64,
    pub lt_1h: u64,
    pub lt_1d: u64,
    pub ge_1d: u64,
}

impl TtlBuckets {
    /// Count one key by its PTTL answer (-1: no TTL; -2: gone, not counted).
    pub fn add(&mut self, pttl: i64) {
        match pttl {
            -2 => {}
            -1 => self.no_ttl += 1,
            ms if ms < 60_000 => self.lt_1m += 1,
            ms if ms < 3_600_000 => self.lt_1h += 1,
            ms if ms < 86_400_000 => self.lt_1d += 1,
            _ => self.ge_1d += 1,
        }
    }

    pub fn total(&self) -> u64 {
        self.no_ttl + self.lt_1m + self.lt_1h + self.lt_1d + self.ge_1d
    }
}

#[derive(Debug, Default)]
pub struct Keyspace {
    depth: usize,
    pub keys: u64,
    pub memory_bytes: u64,
    pub ttl: TtlBuckets,
    pub types: BTreeMap<String, u64>,
    pub prefixes: HashMap<Vec<u8>, PrefixAgg>,
    /// Min-heap of the biggest keys: (bytes, key, type).
    biggest: BinaryHeap<Reverse<(u64, Vec<u8>, String)>>,
    top: usize,
}

impl Keyspace {
    pub fn new(depth: usize, top: usize) -> Self {
        Keyspace {
            depth,
            top,
            ..Default::default()
        }
    }

    /// One key; `pttl` as PTTL answers (-1 none, -2 gone), `bytes` from MEMORY USAGE.
    pub fn add(&mut self, key: &[u8], kind: &str, pttl: i64, bytes: u64) {
        if pttl == -2 || kind == "none" {
            return; // expired or deleted between SCAN and the read
        }
        self.keys += 1;
        self.memory_bytes += bytes;
        self.ttl.add(pttl);
        // Look up before inserting: a key per row must not cost an allocation.
        match self.types.get_mut(kind) {
            Some(n) => *n += 1,
            None => {
                self.types.insert(kind.to_string(), 1);
            }
        }
        let mut prefix = companion_group(key).unwrap_or_else(|| prefix_of(key, self.depth));
        if !self.prefixes.contains_key(prefix) && self.prefixes.len() >= MAX_PREFIXES {
            prefix = b"(other)";
        }
        if !self.prefixes.contains_key(prefix) {
            self.prefixes.insert(prefix.to_vec(), PrefixAgg::default());
        }
        let Some(p) = self.prefixes.get_mut(prefix) else {
            return;
        };
        p.keys += 1;
        p.memory_bytes += bytes;
        if pttl == -1 {
            p.no_ttl += 1;
        }
        if self.top > 0 {
            let smallest = self.biggest.peek().map(|Reverse((b, _, _))| *b);
            if self.biggest.len() < self.top {
                self.biggest
                    .push(Reverse((bytes, key.to_vec(), kind.to_string())));
            } else if smallest.is_some_and(|s| bytes > s) {
                self.biggest.pop();
                self.biggest
                    .push(Reverse((bytes, key.to_vec(), kind.to_string())));
            }
        }
    }

    /// Prefixes by memory, biggest first.
    pub fn by_prefix(&self) -> Vec<(Vec<u8>, PrefixAgg)> {
        let mut v: Vec<_> = self
            .prefixes
            .iter()
            .map(|(k, a)| (k.clone(), a.clone()))
            .collect();
        v.sort_by(|a, b| {
            b.1.memory_bytes
                .cmp(&a.1.memory_bytes)
                .then(b.1.keys.cmp(&a.1.keys))
                .then(a.0.cmp(&b.0))
        });
        v
    }

    /// The biggest keys, biggest first.
    pub fn biggest(&self) -> Vec<(u64, Vec<u8>, String)> {
        let mut v: Vec<_> = self.biggest.iter().map(|Reverse(x)| x.clone()).collect();
        v.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        v
    }

    /// Scale counts from a sample up to the whole keyspace.
    pub fn scale(&mut self, factor: f64) {
        let s = |n: &mut u64| *n = (*n as f64 * factor).round() as u64;
        s(&mut self.keys);
        s(&mut self.memory_bytes);
        for n in [
            &mut self.ttl.no_ttl,
            &mut self.ttl.lt_1m,
            &mut self.ttl.lt_1h,
            &mut self.ttl.lt_1d,
            &mut self.ttl.ge_1d,
        ] {
            s(n);
        }
        self.types.values_mut().for_each(s);
        for p in self.prefixes.values_mut() {
            s(&mut p.keys);
            s(&mut p.no_ttl);
            s(&mut p.memory_bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes() {
        assert_eq!(prefix_of(b"price:amazon:1", 1), b"price:");
        assert_eq!(prefix_of(b"price:amazon:1", 2), b"price:amazon:");
        assert_eq!(prefix_of(b"price:1", 3), b"price:");
        assert_eq!(prefix_of(b"plain", 1), b"(none)");
    }

    #[test]
    fn aggregates_and_top() {
        let mut k = Keyspace::new(1, 2);
        k.add(b"a:1", "string", -1, 100);
        k.add(b"a:2", "string", 5_000, 300);
        k.add(b"b:1", "hash", 100_000_000, 50);
        k.add(b"gone", "none", -2, 0);
        assert_eq!(k.keys, 3);
        assert_eq!(
            k.ttl,
            TtlBuckets {
                no_ttl: 1,
                lt_1m: 1,
                lt_1h: 0,
                lt_1d: 0,
                ge_1d: 1
            }
        );
        let p = k.by_prefix();
        assert_eq!(p[0].0, b"a:".to_vec());
        assert_eq!(
            p[0].1,
            PrefixAgg {
                keys: 2,
                no_ttl: 1,
                memory_bytes: 400
            }
        );
        let top = k.biggest();
        assert_eq!(top.len(), 2);
        assert_eq!(top[0].1, b"a:2".to_vec());
        assert_eq!(top[1].1, b"a:1".to_vec());
        k.scale(10.0);
        assert_eq!(k.keys, 30);
        assert_eq!(k.prefixes[&b"b:".to_vec()].keys, 10);
    }

    #[test]
    fn prefix_count_is_bounded() {
        let mut k = Keyspace::new(1, 0);
        for i in 0..(MAX_PREFIXES + 50) {
            k.add(format!("p{i}:x").as_bytes(), "string", -1, 1);
        }
        assert_eq!(k.prefixes.len(), MAX_PREFIXES + 1);
        assert_eq!(k.prefixes[&b"(other)".to_vec()].keys, 50);
    }
}
