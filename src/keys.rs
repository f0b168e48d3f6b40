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

/// True when a glob pattern matches every possible key (`*`, `**`, empty).
pub fn matches_everything(pattern: &[u8]) -> bool {
    pattern.iter().all(|&b| b == b'*')
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
        assert!(matches_everything(b"*"));
        assert!(matches_everything(b"***"));
        assert!(matches_everything(b""));
        assert!(!matches_everything(b"a*"));
        assert!(!matches_everything(b"\\*"));
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

    proptest::proptest! {
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
