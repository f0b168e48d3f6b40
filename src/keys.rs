//! Keys are bytes: conversion from command-line arguments, namespacing, glob
//! escaping and the escaped display form used in every output.
//!
//! Nothing here talks to Redis.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

/// The bytes of a command-line argument, exactly as typed (non-UTF-8 is kept).
pub fn arg_bytes(arg: &OsStr) -> Vec<u8> {
    arg.as_bytes().to_vec()
}

/// A `--prefix` namespace: `NS:` goes before every key, pattern, tag and lock name.
#[derive(Debug, Clone, Default)]
pub struct Namespace {
    prefix: Vec<u8>,
}

impl Namespace {
    pub fn new(ns: Option<&str>) -> Self {
        match ns {
            Some(ns) if !ns.is_empty() => {
                let mut prefix = ns.as_bytes().to_vec();
                prefix.push(b':');
                Namespace { prefix }
            }
            _ => Namespace::default(),
        }
    }

    /// The key as Redis sees it.
    pub fn key(&self, name: &[u8]) -> Vec<u8> {
        let mut k = self.prefix.clone();
        k.extend_from_slice(name);
        k
    }

    /// A glob pattern as Redis sees it: the namespace itself is matched literally.
    pub fn pattern(&self, pattern: &[u8]) -> Vec<u8> {
        let mut p = escape_glob(&self.prefix);
        p.extend_from_slice(pattern);
        p
    }

    /// The name relative to the namespace, for display.
    pub fn strip<'a>(&self, key: &'a [u8]) -> &'a [u8] {
        key.strip_prefix(self.prefix.as_slice()).unwrap_or(key)
    }

    pub fn is_empty(&self) -> bool {
        self.prefix.is_empty()
    }
}

/// Escape glob metacharacters (`* ? [ ] \`) so the bytes match only themselves.
pub fn escape_glob(literal: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(literal.len() + 4);
    for &b in literal {
        if matches!(b, b'*' | b'?' | b'[' | b']' | b'\\') {
            out.push(b'\\');
        }
        out.push(b);
    }
    out
}

/// True when a SCAN MATCH pattern matches every key long enough, judged on the
/// glob itself as Redis' `stringmatchlen` reads it: at least one `*`, and
/// otherwise only `?` and classes that take any byte (`[^]`, an unterminated
/// `[^`, a range covering all 256 bytes). The empty pattern counts too, so the
/// guard errs on the side of asking for `--all`.
pub fn matches_everything(pattern: &[u8]) -> bool {
    if pattern.is_empty() {
        return true;
    }
    let mut star = false;
    // Whether every class so far takes any byte with unsigned / signed `char`.
    let (mut all_unsigned, mut all_signed) = (true, true);
    let mut i = 0;
    while i < pattern.len() {
        match pattern[i] {
            b'*' => {
                star = true;
                i += 1;
            }
            b'?' => i += 1,
            b'[' => {
                let (next, unsigned, signed) = class_takes_any_byte(pattern, i + 1);
                all_unsigned &= unsigned;
                all_signed &= signed;
                i = next;
            }
            // A literal byte, or `\x` (a literal too).
            _ => return false,
        }
    }
    star && (all_unsigned || all_signed)
}

/// Parse the class whose body starts at `start` (just after `[`) exactly as
/// Redis does, and tell whether it matches every byte: (index after the class,
/// with unsigned `char`, with signed `char`). Redis compares range ends as C
/// `char`, signed on x86 and unsigned on ARM, and the server may be either.
fn class_takes_any_byte(p: &[u8], start: usize) -> (usize, bool, bool) {
    let mut j = start;
    let negated = p.get(j) == Some(&b'^');
    if negated {
        j += 1;
    }
    // Membership of each byte under unsigned and signed `char` comparisons.
    let mut unsigned = [false; 256];
    let mut signed = [false; 256];
    let next = loop {
        if j >= p.len() {
            // Unterminated: the class takes the rest of the pattern.
            break p.len();
        }
        if p[j] == b'\\' && p.len() - j >= 2 {
            j += 1;
            unsigned[p[j] as usize] = true;
            signed[p[j] as usize] = true;
        } else if p[j] == b']' {
            break j + 1;
        } else if p.len() - j >= 3 && p[j + 1] == b'-' {
            let (a, b) = (p[j], p[j + 2]);
            let (lo, hi) = (a.min(b), a.max(b));
            for c in lo..=hi {
                unsigned[c as usize] = true;
            }
            let (sa, sb) = (a as i8, b as i8);
            let (slo, shi) = (sa.min(sb), sa.max(sb));
            for c in slo..=shi {
                signed[c as u8 as usize] = true;
            }
            j += 2;
        } else {
            unsigned[p[j] as usize] = true;
            signed[p[j] as usize] = true;
        }
        j += 1;
    };
    let any = |members: &[bool; 256]| members.iter().all(|&m| m != negated);
    (next, any(&unsigned), any(&signed))
}

/// Display form of a key or value: UTF-8 text as is, `\` doubled, control
/// characters and bytes that are not UTF-8 as `\xNN`, so output stays one line.
pub fn escape_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if c.is_control() => {
                    let mut buf = [0u8; 4];
                    for b in c.encode_utf8(&mut buf).bytes() {
                        out.push_str(&format!("\\x{b:02x}"));
                    }
                }
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_escape() {
        assert_eq!(
            escape_glob(b"a*b?c[d]e\\f"),
            b"a\\*b\\?c\\[d\\]e\\\\f".to_vec()
        );
        assert_eq!(escape_glob(b"plain:"), b"plain:".to_vec());
    }

    #[test]
    fn everything() {
        for p in [
            &b"*"[..],
            b"***",
            b"",
            b"?*",
            b"*?",
            b"[^]*",
            b"*[^]",
            b"*[^",
            b"?[^]?*??",
            b"[\x80-\x7f]*",
            b"[\x00-\xff]*",
            b"[\xff-\x00]*",
        ] {
            assert!(matches_everything(p), "{}", escape_bytes(p));
        }
        for p in [
            &b"a*"[..],
            b"\\*",
            b"\\?*",
            b"?",
            b"[^]",
            b"??",
            b"[]*",
            b"*[",
            b"[^a]*",
            b"*[a-]",
            b"[\x01-\xff]*",
            b"[^]a*",
            b"*\\",
            b"[^\\]]*",
            b"*[^a-z]",
            b"*[^]]",
        ] {
            assert!(!matches_everything(p), "{}", escape_bytes(p));
        }
    }

    /// A port of Redis 7's `stringmatchlen` (case-sensitive), with `char` signed
    /// or not, to check the guard against.
    fn redis_match(p: &[u8], s: &[u8], signed: bool) -> bool {
        let ord = |b: u8| if signed { b as i8 as i32 } else { b as i32 };
        fn go(p: &[u8], s: &[u8], ord: &dyn Fn(u8) -> i32, skip: &mut bool) -> bool {
            let (mut p, mut s) = (p, s);
            while !p.is_empty() && !s.is_empty() {
                match p[0] {
                    b'*' => {
                        while p.len() > 1 && p[1] == b'*' {
                            p = &p[1..];
                        }
                        if p.len() == 1 {
                            return true;
                        }
                        while !s.is_empty() {
                            if go(&p[1..], s, ord, skip) {
                                return true;
                            }
                            if *skip {
                                return false;
                            }
                            s = &s[1..];
                        }
                        *skip = true;
                        return false;
                    }
                    b'?' => s = &s[1..],
                    b'[' => {
                        p = &p[1..];
                        let not = p.first() == Some(&b'^');
                        if not {
                            p = &p[1..];
                        }
                        let mut hit = false;
                        loop {
                            if p.first() == Some(&b'\\') && p.len() >= 2 {
                                p = &p[1..];
                                hit |= p[0] == s[0];
                            } else if p.first() == Some(&b']') {
                                break;
                            } else if p.is_empty() {
                                // Redis steps back onto the last byte here.
                                break;
                            } else if p.len() >= 3 && p[1] == b'-' {
                                let (a, b) = (ord(p[0]), ord(p[2]));
                                let c = ord(s[0]);
                                hit |= a.min(b) <= c && c <= a.max(b);
                                p = &p[2..];
                            } else {
                                hit |= p[0] == s[0];
                            }
                            p = &p[1..];
                        }
                        if hit == not {
                            return false;
                        }
                        s = &s[1..];
                        if p.is_empty() {
                            // The unterminated class took the rest of the pattern.
                            return s.is_empty();
                        }
                    }
                    b'\\' if p.len() >= 2 => {
                        p = &p[1..];
                        if p[0] != s[0] {
                            return false;
                        }
                        s = &s[1..];
                    }
                    c => {
                        if c != s[0] {
                            return false;
                        }
                        s = &s[1..];
                    }
                }
                p = &p[1..];
                if s.is_empty() {
                    while p.first() == Some(&b'*') {
                        p = &p[1..];
                    }
                    break;
                }
            }
            p.is_empty() && s.is_empty()
        }
        go(p, s, &ord, &mut false)
    }

    #[test]
    fn redis_match_port_agrees_with_known_cases() {
        for signed in [false, true] {
            assert!(redis_match(b"*", b"abc", signed));
            assert!(redis_match(b"a[^]c", b"abc", signed));
            assert!(!redis_match(b"a[]c", b"abc", signed));
            assert!(redis_match(b"[a-]", b"^", signed));
            assert!(redis_match(b"[a-]*", b"*", signed));
            assert!(!redis_match(b"[a-]*", b"ab", signed));
            assert!(redis_match(b"\\*x", b"*x", signed));
            assert!(!redis_match(b"\\*x", b"ax", signed));
            assert!(redis_match(b"*[^", b"abc", signed));
        }
        assert!(redis_match(b"[\x00-\xff]", b"a", false));
        assert!(!redis_match(b"[\x00-\xff]", b"a", true));
        assert!(redis_match(b"[\x80-\x7f]", b"a", true));
        assert!(!redis_match(b"[\x80-\x7f]", b"a", false));
    }

    #[test]
    fn namespace() {
        let ns = Namespace::new(Some("t[1]"));
        assert_eq!(ns.key(b"k"), b"t[1]:k".to_vec());
        assert_eq!(ns.pattern(b"*"), b"t\\[1\\]:*".to_vec());
        assert_eq!(ns.strip(b"t[1]:k"), b"k");
        assert!(Namespace::new(Some("")).is_empty());
        assert!(Namespace::new(None).is_empty());
    }

    #[test]
    fn escaping() {
        assert_eq!(escape_bytes(b"plain:key"), "plain:key");
        assert_eq!(escape_bytes(b"a\xffb"), "a\\xffb");
        assert_eq!(escape_bytes(b"new\nline\0"), "new\\nline\\x00");
        assert_eq!(escape_bytes(b"back\\slash"), "back\\\\slash");
        assert_eq!(escape_bytes("caf\u{e9}".as_bytes()), "caf\u{e9}");
    }

    fn glob_byte() -> impl proptest::strategy::Strategy<Value = u8> {
        proptest::prop_oneof![
            proptest::sample::select(b"*?[]^-\\a".to_vec()),
            proptest::num::u8::ANY,
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1000))]

        /// The guard and Redis agree: a pattern the guard lets through misses some
        /// key under both `char` signednesses; one it stops matches every long key
        /// under at least one of them.
        #[test]
        fn guard_agrees_with_redis_matching(
            pattern in proptest::collection::vec(glob_byte(), 1..8),
            keys in proptest::collection::vec(proptest::collection::vec(proptest::num::u8::ANY, 8..12), 1..20),
        ) {
            // Keys that exercise every byte at every position a short pattern can pin.
            let mut probes: Vec<Vec<u8>> = (0..=255u8).map(|b| vec![b; 9]).collect();
            for pos in 0..9 {
                for b in 0..=255u8 {
                    let mut k = vec![b'a'; 9];
                    k[pos] = b;
                    probes.push(k);
                }
            }
            if matches_everything(&pattern) {
                let on = |signed: bool| keys.iter().chain(&probes).all(|k| redis_match(&pattern, k, signed));
                proptest::prop_assert!(on(false) || on(true), "guard stops {} but it misses a key", escape_bytes(&pattern));
            } else {
                for signed in [false, true] {
                    proptest::prop_assert!(
                        probes.iter().any(|k| !redis_match(&pattern, k, signed)),
                        "guard lets {} through but it matches every key (signed {signed})", escape_bytes(&pattern)
                    );
                }
            }
        }

        #[test]
        fn escape_glob_round_trips_and_leaves_no_bare_metachar(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..64)) {
            let escaped = escape_glob(&bytes);
            let mut back = Vec::new();
            let mut it = escaped.iter();
            while let Some(&b) = it.next() {
                if b == b'\\' {
                    let next = *it.next().expect("a backslash always escapes something");
                    proptest::prop_assert!(matches!(next, b'*' | b'?' | b'[' | b']' | b'\\'));
                    back.push(next);
                } else {
                    proptest::prop_assert!(!matches!(b, b'*' | b'?' | b'[' | b']'));
                    back.push(b);
                }
            }
            proptest::prop_assert_eq!(back, bytes);
        }

        #[test]
        fn escaped_display_is_one_line(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..64)) {
            let shown = escape_bytes(&bytes);
            proptest::prop_assert!(!shown.contains('\n') && !shown.contains('\r') && !shown.contains('\0'));
        }
    }
}

/// `#[serde(with = "crate::keys::escaped")]`: a key name in a report, escaped
/// as everywhere else (`\xff`, `\n`), so JSON and plain output agree.
pub mod escaped {
    use serde::Serializer;

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::escape_bytes(bytes))
    }
}
