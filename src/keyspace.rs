//! Keyspace aggregation for `stats`: keys, TTLs, types and memory per namespace
//! prefix, and the biggest keys. Pure: fed with (key, type, pttl, bytes) rows.
//! Memory stays bounded: at most [`MAX_PREFIXES`] prefixes are kept apart.
//! Id-like segments (`user:8f14e45f…:profile`) are collapsed into `*` so that
//! a prefix names a kind of key, not one key.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap};

use serde::Serialize;

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

/// A segment that names one record rather than a kind of record: all
/// digits, a UUID, a long hex string (ObjectId, SHA), or an opaque token
/// (base64url, ULID, nanoid) of 16+ characters with digits in it that
/// switches between lower case, upper case and digits as random text does.
/// A shape, not a certainty: a few random tokens read as names.
pub fn is_id(seg: &[u8]) -> bool {
    if seg.is_empty() {
        return false;
    }
    let digits = seg.iter().filter(|b| b.is_ascii_digit()).count();
    if digits == seg.len() || is_uuid(seg) {
        return true;
    }
    // 12+: shorter all-hex segments are often words ("deadbeef", "facade").
    if seg.len() >= 12 && digits > 0 && seg.iter().all(u8::is_ascii_hexdigit) {
        return true;
    }
    // Without a digit it is a name: CamelCase (`getUserProfileById`) switches
    // case as often as random letters do.
    if seg.len() < 16
        || digits == 0
        || !seg
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"-_+/=".contains(b))
    {
        return false;
    }
    // Random tokens switch between lower case, upper case and digits all the
    // time; names (`feature_flag_v2_enabled`) hardly ever do.
    let class = |b: u8| match b {
        b'a'..=b'z' => 1,
        b'A'..=b'Z' => 2,
        b'0'..=b'9' => 3,
        _ => 0,
    };
    let switches = seg
        .windows(2)
        .filter(|w| class(w[0]) != 0 && class(w[1]) != 0 && class(w[0]) != class(w[1]))
        .count();
    switches * 4 >= seg.len()
}

fn is_uuid(seg: &[u8]) -> bool {
    seg.len() == 36
        && seg.iter().enumerate().all(|(i, &b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// The prefix of `key` with id-like segments written as `*`, into `out`.
/// Ids do not count towards `depth`, and the key's last segment is part of
/// the prefix when it follows an id (`user:*:profile`: the id names the
/// record, the last segment its kind); a trailing id is the key's own name.
/// False when the prefix has no id in it (then it is [`prefix_of`]'s).
pub fn collapsed_prefix(key: &[u8], depth: usize, out: &mut Vec<u8>) -> bool {
    out.clear();
    let (mut named, mut after_id, mut any_id) = (0, false, false);
    let mut segs = key.split(|&b| b == b':').peekable();
    while let Some(seg) = segs.next() {
        let last = segs.peek().is_none();
        if is_id(seg) {
            if last {
                break;
            }
            out.extend_from_slice(b"*:");
            (any_id, after_id) = (true, true);
            continue;
        }
        if last {
            if after_id {
                out.extend_from_slice(seg);
            }
            break;
        }
        out.extend_from_slice(seg);
        out.push(b':');
        named += 1;
        after_id = false;
        if named == depth {
            break;
        }
    }
    any_id
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
#[derive(Debug, Default, Clone, Copy, PartialEq, Serialize)]
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
    /// Collapse id-like segments into `*` (see [`collapsed_prefix`]).
    collapse: bool,
    /// Some keys went to `(other)`: more than [`MAX_PREFIXES`] prefixes.
    pub overflowed: bool,
    /// Reused for collapsed prefixes: no allocation per key.
    scratch: Vec<u8>,
}

impl Keyspace {
    pub fn new(depth: usize, top: usize) -> Self {
        Keyspace {
            depth,
            top,
            ..Default::default()
        }
    }

    /// Group `user:<id>:profile` keys as `user:*:profile`.
    pub fn collapse_ids(mut self, on: bool) -> Self {
        self.collapse = on;
        self
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
        let mut scratch = std::mem::take(&mut self.scratch);
        let mut prefix = match companion_group(key) {
            Some(group) => group,
            None if self.collapse && collapsed_prefix(key, self.depth, &mut scratch) => {
                &scratch[..]
            }
            None => prefix_of(key, self.depth),
        };
        if !self.prefixes.contains_key(prefix) && self.prefixes.len() >= MAX_PREFIXES {
            prefix = b"(other)";
            self.overflowed = true;
        }
        if !self.prefixes.contains_key(prefix) {
            self.prefixes.insert(prefix.to_vec(), PrefixAgg::default());
        }
        if let Some(p) = self.prefixes.get_mut(prefix) {
            p.keys += 1;
            p.memory_bytes += bytes;
            if pttl == -1 {
                p.no_ttl += 1;
            }
        }
        self.scratch = scratch;
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
    fn ids_are_told_from_names() {
        for id in [
            &b"42"[..],
            b"1700000000123",
            b"8f14e45f-ceea-467f-a8c3-3e6d5b7a2f10",
            b"507f1f77bcf86cd799439011",
            b"da39a3ee5e6b4b0d3255bfef95601890afd80709",
            b"01ARZ3NDEKTSV4RRFFQ69G5FAV",
            b"V1StGXR8_Z5jdHi6B-myT",
            b"dGhpcyBpcyBhIHRva2VuIQ==",
        ] {
            assert!(is_id(id), "{}", String::from_utf8_lossy(id));
        }
        for name in [
            &b""[..],
            b"user",
            b"profile",
            b"v2",
            b"deadbeef",
            b"facade",
            b"2024-01-01",
            b"feature_flag_v2_enabled",
            b"session_store_primary",
            b"FeatureFlagEnabledForUsers",
            b"SessionStorePrimary",
            b"getUserProfileById",
            b"price-amazon-eu-west-1",
            b"*",
        ] {
            assert!(!is_id(name), "{}", String::from_utf8_lossy(name));
        }
    }

    #[test]
    fn random_tokens_are_ids_almost_always() {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        // splitmix64: the same tokens every run.
        let mut x = 42u64;
        let mut next = || {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        let found = (0..10_000)
            .filter(|_| {
                let token: Vec<u8> = (0..22).map(|_| ALPHABET[(next() >> 58) as usize]).collect();
                is_id(&token)
            })
            .count();
        // Tokens without a digit (2.4% of 22-character ones) read as names.
        assert!(found >= 9_500, "{found} of 10,000");
    }

    fn collapsed(key: &[u8], depth: usize) -> String {
        let mut out = Vec::new();
        let prefix = if collapsed_prefix(key, depth, &mut out) {
            out
        } else {
            prefix_of(key, depth).to_vec()
        };
        String::from_utf8(prefix).expect("utf-8")
    }

    #[test]
    fn id_segments_collapse_and_do_not_count_towards_depth() {
        assert_eq!(collapsed(b"user:123:profile", 2), "user:*:profile");
        assert_eq!(collapsed(b"user:123:profile", 1), "user:");
        assert_eq!(
            collapsed(b"user:8f14e45f-ceea-467f-a8c3-3e6d5b7a2f10:profile", 3),
            "user:*:profile"
        );
        assert_eq!(collapsed(b"user:42:orders:7:items", 2), "user:*:orders:");
        assert_eq!(
            collapsed(b"user:42:orders:7:items", 3),
            "user:*:orders:*:items"
        );
        // A trailing id is the key's own name, as without collapsing.
        assert_eq!(collapsed(b"price:amazon:1", 2), "price:amazon:");
        assert_eq!(collapsed(b"price:amazon:1", 3), "price:amazon:");
        assert_eq!(collapsed(b"session:5", 2), "session:");
        assert_eq!(collapsed(b"plain", 2), "(none)");
        assert_eq!(collapsed(b"42", 2), "(none)");
        assert_eq!(collapsed(b"7:jobs", 1), "*:jobs");
    }

    #[test]
    fn a_keyspace_collapses_only_when_asked() {
        let mut on = Keyspace::new(2, 0).collapse_ids(true);
        let mut off = Keyspace::new(2, 0);
        for i in 0..100 {
            let key = format!("user:{i}:profile");
            on.add(key.as_bytes(), "string", -1, 1);
            off.add(key.as_bytes(), "string", -1, 1);
        }
        assert_eq!(on.by_prefix().len(), 1);
        assert_eq!(on.prefixes[&b"user:*:profile".to_vec()].keys, 100);
        assert_eq!(off.by_prefix().len(), 100);
        assert!(!on.overflowed && !off.overflowed);
    }

    #[test]
    fn prefix_count_is_bounded() {
        let mut k = Keyspace::new(1, 0);
        for i in 0..(MAX_PREFIXES + 50) {
            k.add(format!("p{i}:x").as_bytes(), "string", -1, 1);
        }
        assert_eq!(k.prefixes.len(), MAX_PREFIXES + 1);
        assert_eq!(k.prefixes[&b"(other)".to_vec()].keys, 50);
        assert!(k.overflowed);
    }
}
