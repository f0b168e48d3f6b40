//! Input records for `warm`: JSON lines and CSV, parsed and validated into
//! [`Record`]s with a line number and a reason for every rejection.
//!
//! Pure parsing over a `BufRead`: no Redis, no output. Lines are read with a
//! length cap so a file without newlines cannot exhaust memory.

use std::borrow::Cow;
use std::io::{self, BufRead, Read};
use std::time::Duration;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::parse::parse_duration;

/// The longest line (or CSV record) accepted; longer ones are invalid.
pub const MAX_LINE: usize = 64 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jsonl,
    Csv,
}

/// What a record stores.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    String(Vec<u8>),
    Hash(Vec<(Vec<u8>, Vec<u8>)>),
    Set(Vec<Vec<u8>>),
    List(Vec<Vec<u8>>),
    Zset(Vec<(f64, Vec<u8>)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub line: u64,
    pub key: Vec<u8>,
    pub payload: Payload,
    pub ttl: Option<Duration>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Invalid {
    pub line: u64,
    pub reason: String,
}

fn bad(line: u64, reason: impl Into<String>) -> Invalid {
    Invalid {
        line,
        reason: reason.into(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonLine<'a> {
    #[serde(borrow)]
    key: Cow<'a, str>,
    #[serde(borrow)]
    value: &'a RawValue,
    #[serde(default, borrow)]
    ttl: Option<&'a RawValue>,
    #[serde(default, rename = "type", borrow)]
    kind: Option<Cow<'a, str>>,
}

/// A TTL as text: seconds (`90`, `0.5`) or a duration (`1h30m`), positive and
/// at most 100 years.
fn ttl_from_text(t: &str) -> Result<Duration, String> {
    let t = t.trim();
    let d = match t.parse::<f64>() {
        Ok(secs) if secs < 0.0 => return Err(format!("{t} is negative")),
        Ok(secs) => {
            let d = Duration::try_from_secs_f64(secs)
                .map_err(|_| format!("{t} is not a usable number of seconds"))?;
            if d > crate::parse::MAX_DURATION {
                return Err(format!("{t} is longer than 100 years"));
            }
            d
        }
        Err(_) => parse_duration(t)?,
    };
    if d.as_millis() == 0 {
        return Err(format!("{t} is zero: a TTL must be at least 1ms"));
    }
    Ok(d)
}

/// `"ttl"` in a JSON line: a number of seconds, a duration string, or null.
fn parse_ttl(raw: &str) -> Result<Option<Duration>, String> {
    let t = raw.trim();
    if t == "null" {
        return Ok(None);
    }
    if t.starts_with('"') {
        let s: String = serde_json::from_str(t).map_err(|e| e.to_string())?;
        return ttl_from_text(&s).map(Some);
    }
    if t.parse::<f64>().is_err() {
        return Err(format!(
            "'{t}' is not a number of seconds or a duration string"
        ));
    }
    ttl_from_text(t).map(Some)
}

/// A JSON scalar as the text Redis should store.
fn scalar(v: &serde_json::Value) -> Result<Vec<u8>, String> {
    match v {
        serde_json::Value::String(s) => Ok(s.clone().into_bytes()),
        serde_json::Value::Number(n) => Ok(n.to_string().into_bytes()),
        serde_json::Value::Bool(b) => Ok(b.to_string().into_bytes()),
        serde_json::Value::Null => Err("null is not a value".into()),
        _ => Err("nested objects/arrays are not allowed here".into()),
    }
}

fn payload_of(raw: &RawValue, kind: Option<&str>) -> Result<Payload, String> {
    let text = raw.get().trim_start();
    match kind.unwrap_or("string") {
        "string" => match text.as_bytes().first() {
            Some(b'"') => {
                let s: Cow<str> = serde_json::from_str(text).map_err(|e| e.to_string())?;
                Ok(Payload::String(s.into_owned().into_bytes()))
            }
            Some(b'{') | Some(b'[') => {
                // Objects and arrays are stored as compact JSON.
                let v: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
                Ok(Payload::String(v.to_string().into_bytes()))
            }
            Some(b'n') => Err("value is null".into()),
            _ => Ok(Payload::String(text.trim_end().as_bytes().to_vec())),
        },
        "hash" => {
            let m: serde_json::Map<String, serde_json::Value> = serde_json::from_str(text)
                .map_err(|_| "a hash value must be a JSON object".to_string())?;
            if m.is_empty() {
                return Err("empty hash".into());
            }
            m.iter()
                .map(|(f, v)| {
                    Ok((
                        f.clone().into_bytes(),
                        scalar(v).map_err(|e| format!("field {f}: {e}"))?,
                    ))
                })
                .collect::<Result<_, String>>()
                .map(Payload::Hash)
        }
        kind @ ("set" | "list") => {
            let items: Vec<serde_json::Value> = serde_json::from_str(text)
                .map_err(|_| format!("a {kind} value must be a JSON array"))?;
            if items.is_empty() {
                return Err(format!("empty {kind}"));
            }
            let items = items.iter().map(scalar).collect::<Result<Vec<_>, _>>()?;
            Ok(if kind == "set" {
                Payload::Set(items)
            } else {
                Payload::List(items)
            })
        }
        "zset" => {
            let m: serde_json::Map<String, serde_json::Value> = serde_json::from_str(text)
                .map_err(|_| "a zset value must be a JSON object of member: score".to_string())?;
            if m.is_empty() {
                return Err("empty zset".into());
            }
            m.iter()
                .map(|(member, score)| match score.as_f64() {
                    Some(s) if s.is_finite() => Ok((s, member.clone().into_bytes())),
                    _ => Err(format!("member {member}: score must be a number")),
                })
                .collect::<Result<_, String>>()
                .map(Payload::Zset)
        }
        other => Err(format!(
            "unknown type '{other}' (string, hash, set, zset, list)"
        )),
    }
}

/// The fields of a JSON line, syntax-checked, with key and TTL validated but
/// the value not yet converted.
struct Head<'a> {
    key: Cow<'a, str>,
    value: &'a RawValue,
    kind: Option<Cow<'a, str>>,
    ttl: Option<Duration>,
}

fn head(line: u64, text: &[u8]) -> Result<Head<'_>, Invalid> {
    // serde would also accept an array in field order (["k", "v"]); only objects are lines.
    if text.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(bad(line, "not a JSON object with key and value"));
    }
    // One UTF-8 check of the whole line is cheaper than serde's check per string.
    let text = std::str::from_utf8(text).map_err(|e| {
        bad(
            line,
            format!("not UTF-8 text (byte {})", e.valid_up_to() + 1),
        )
    })?;
    let parsed: JsonLine = serde_json::from_str(text)
        .map_err(|e| bad(line, format!("not a JSON object with key and value: {e}")))?;
    if parsed.key.is_empty() {
        return Err(bad(line, "empty key"));
    }
    let ttl = match parsed.ttl {
        Some(raw) => parse_ttl(raw.get()).map_err(|e| bad(line, format!("ttl: {e}")))?,
        None => None,
    };
    Ok(Head {
        key: parsed.key,
        value: parsed.value,
        kind: parsed.kind,
        ttl,
    })
}

/// A byte cursor for [`simple_line`].
struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    fn ws(&mut self) {
        // JSON whitespace; the newline was already split off.
        while matches!(self.b.get(self.i), Some(b' ' | b'\t' | b'\r')) {
            self.i += 1;
        }
    }

    // Inlined so each literal is compared as a constant, not through memcmp.
    #[inline(always)]
    fn lit<const N: usize>(&mut self, l: &[u8; N]) -> Option<()> {
        self.ws();
        let next = self.b.get(self.i..self.i + N)?;
        (next == l).then(|| self.i += N)
    }

    /// A string without escapes or control characters; anything else is left to serde.
    fn plain_str(&mut self) -> Option<std::ops::Range<usize>> {
        self.lit(b"\"")?;
        let start = self.i;
        let rest = &self.b[start..];
        // Eight bytes at a time: values are usually dozens of plain bytes.
        let found = rest.chunks_exact(8).enumerate().find_map(|(n, chunk)| {
            let hit = special_bytes(u64::from_le_bytes(chunk.try_into().ok()?));
            (hit != 0).then(|| n * 8 + (hit.trailing_zeros() / 8) as usize)
        });
        let len = match found {
            Some(len) => len,
            None => {
                let tail = rest.len() - rest.len() % 8;
                tail + rest[tail..].iter().position(|&c| ends_plain(c))?
            }
        };
        (self.b[start + len] == b'"').then(|| {
            self.i = start + len + 1;
            start..start + len
        })
    }

    /// A positive integer of at most nine digits, without a leading zero.
    fn small_int(&mut self) -> Option<u64> {
        self.ws();
        let start = self.i;
        while self.b.get(self.i).is_some_and(u8::is_ascii_digit) {
            self.i += 1;
        }
        let digits = &self.b[start..self.i];
        if digits.is_empty() || digits.len() > 9 || digits[0] == b'0' {
            return None;
        }
        Some(digits.iter().fold(0, |n, d| n * 10 + u64::from(d - b'0')))
    }
}

fn ends_plain(c: u8) -> bool {
    c == b'"' || c == b'\\' || c < 0x20
}

/// The bytes of `w` (little-endian) that end a plain JSON string: `"`, `\` or a
/// control character, each marked by its high bit. Only the lowest mark is
/// exact (a borrow can mark bytes above it), and only the lowest is used.
fn special_bytes(w: u64) -> u64 {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGH: u64 = ONES << 7;
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    zero(w ^ (ONES * u64::from(b'"')))
        | zero(w ^ (ONES * u64::from(b'\\')))
        | (w.wrapping_sub(ONES * 0x20) & !w & HIGH)
}

/// The shape warm files nearly always have, `{"key":"…","value":"…"}` with an
/// optional `"ttl":<whole seconds>` after them, read without serde. `None`
/// means "not that shape" (not "invalid"): serde then decides, so this only
/// ever accepts lines serde accepts, with the same result (a property test
/// holds it to that). The validation pass takes a quarter of its serde time.
fn simple_line(text: &[u8]) -> Option<(&[u8], &[u8], Option<u64>)> {
    let mut c = Cursor { b: text, i: 0 };
    c.lit(b"{")?;
    c.lit(b"\"key\"")?;
    c.lit(b":")?;
    let key = c.plain_str()?;
    c.lit(b",")?;
    c.lit(b"\"value\"")?;
    c.lit(b":")?;
    let value = c.plain_str()?;
    let ttl = if c.lit(b",").is_some() {
        c.lit(b"\"ttl\"")?;
        c.lit(b":")?;
        Some(c.small_int()?)
    } else {
        None
    };
    c.lit(b"}")?;
    c.ws();
    if c.i != c.b.len() || key.is_empty() {
        return None;
    }
    // JSON text is UTF-8; most keys and values are ASCII, which is quicker to check.
    (text.is_ascii() || std::str::from_utf8(text).is_ok()).then(|| (&text[key], &text[value], ttl))
}

/// Parse one JSON line.
pub fn parse_json_line(line: u64, text: &[u8]) -> Result<Record, Invalid> {
    if let Some((key, value, ttl)) = simple_line(text) {
        return Ok(Record {
            line,
            key: key.to_vec(),
            payload: Payload::String(value.to_vec()),
            ttl: ttl.map(Duration::from_secs),
        });
    }
    let h = head(line, text)?;
    let payload =
        payload_of(h.value, h.kind.as_deref()).map_err(|e| bad(line, format!("value: {e}")))?;
    Ok(Record {
        line,
        key: h.key.into_owned().into_bytes(),
        payload,
        ttl: h.ttl,
    })
}

/// Check one JSON line exactly as [`parse_json_line`] would, without building
/// the record: the validation pass of `warm` runs this over the whole input
/// before anything is written, so its speed is part of the load time.
pub fn check_json_line(line: u64, text: &[u8]) -> Result<(), Invalid> {
    if simple_line(text).is_some() {
        return Ok(());
    }
    let h = head(line, text)?;
    // A plain string value was fully checked by the syntax pass (RawValue);
    // anything else takes the converting path so the rules stay in one place.
    let plain = matches!(h.kind.as_deref(), None | Some("string"))
        && h.value.get().trim_start().starts_with('"');
    if plain {
        return Ok(());
    }
    payload_of(h.value, h.kind.as_deref())
        .map(drop)
        .map_err(|e| bad(line, format!("value: {e}")))
}

/// Read one line of at most [`MAX_LINE`] bytes (newline excluded). `Ok(None)` at
/// the end; an over-long line is consumed and reported as `Err(len)`.
pub fn read_line(r: &mut impl BufRead, buf: &mut Vec<u8>) -> io::Result<Option<Result<(), usize>>> {
    buf.clear();
    let n = r
        .by_ref()
        .take(MAX_LINE as u64 + 1)
        .read_until(b'\n', buf)?;
    if n == 0 {
        return Ok(None);
    }
    if buf.last() == Some(&b'\n') {
        buf.pop();
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
        return Ok(Some(Ok(())));
    }
    if buf.len() > MAX_LINE {
        // Skip the rest of the line without keeping it.
        let mut skipped = buf.len();
        loop {
            let chunk = r.fill_buf()?;
            if chunk.is_empty() {
                break;
            }
            match chunk.iter().position(|&b| b == b'\n') {
                Some(i) => {
                    r.consume(i + 1);
                    skipped += i;
                    break;
                }
                None => {
                    let l = chunk.len();
                    r.consume(l);
                    skipped += l;
                }
            }
        }
        buf.clear();
        return Ok(Some(Err(skipped)));
    }
    Ok(Some(Ok(())))
}

/// Visit every record of a JSON-lines input, in order. Blank lines are skipped.
pub fn each_json(
    r: impl BufRead,
    visit: impl FnMut(Result<Record, Invalid>, u64) -> bool,
) -> io::Result<()> {
    each_json_from(r, 0, parse_json_line, visit).map(|_| ())
}

/// [`each_json`] for a part of an input whose first line is `after + 1`, with
/// `parse` applied to each line ([`parse_json_line`] or [`check_json_line`]);
/// returns the number of the last line read.
pub fn each_json_from<T>(
    mut r: impl BufRead,
    after: u64,
    parse: impl Fn(u64, &[u8]) -> Result<T, Invalid>,
    mut visit: impl FnMut(Result<T, Invalid>, u64) -> bool,
) -> io::Result<u64> {
    let mut buf = Vec::new();
    let mut line = after;
    let mut offset = 0u64;
    loop {
        // Lines that lie whole in the reader's buffer are parsed in place;
        // only a line cut by the buffer's end is copied out (by read_line).
        let avail = r.fill_buf()?;
        if avail.is_empty() {
            break;
        }
        let item = match memchr::memchr(b'\n', avail) {
            Some(i) => {
                let text = avail[..i].strip_suffix(b"\r").unwrap_or(&avail[..i]);
                line += 1;
                offset += i as u64 + 1;
                let item = if text.len() > MAX_LINE {
                    Some(Err(too_long(line)))
                } else {
                    (!is_blank(text)).then(|| parse(line, text))
                };
                r.consume(i + 1);
                item
            }
            None => match read_line(&mut r, &mut buf)? {
                None => break,
                Some(res) => {
                    line += 1;
                    offset += buf.len() as u64 + 1;
                    match res {
                        Err(len) => {
                            offset += len as u64;
                            Some(Err(too_long(line)))
                        }
                        Ok(()) => (!is_blank(&buf)).then(|| parse(line, &buf)),
                    }
                }
            },
        };
        if let Some(item) = item {
            if !visit(item, offset) {
                break;
            }
        }
    }
    Ok(line)
}

fn too_long(line: u64) -> Invalid {
    bad(line, format!("line is longer than {} MiB", MAX_LINE >> 20))
}

fn is_blank(text: &[u8]) -> bool {
    text.iter().all(u8::is_ascii_whitespace)
}

/// Visit every record of a CSV input with a `key,value[,ttl]` header.
pub fn each_csv(
    r: impl Read,
    mut visit: impl FnMut(Result<Record, Invalid>, u64) -> bool,
) -> io::Result<()> {
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(r);
    let headers = match rd.byte_headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            visit(Err(bad(1, format!("cannot read the CSV header: {e}"))), 0);
            return Ok(());
        }
    };
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name.as_bytes()))
    };
    let (Some(k), Some(v)) = (col("key"), col("value")) else {
        visit(
            Err(bad(
                1,
                "the CSV header must name the columns key,value[,ttl]",
            )),
            0,
        );
        return Ok(());
    };
    let t = col("ttl");
    if let Some(extra) = headers.iter().find(|h| {
        !["key", "value", "ttl"]
            .iter()
            .any(|n| h.eq_ignore_ascii_case(n.as_bytes()))
    }) {
        visit(
            Err(bad(
                1,
                format!(
                    "unknown CSV column '{}' (key, value, ttl)",
                    String::from_utf8_lossy(extra)
                ),
            )),
            0,
        );
        return Ok(());
    }
    let mut rec = csv::ByteRecord::new();
    loop {
        let line = rd.position().line();
        match rd.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                if !visit(
                    Err(bad(line, format!("bad CSV: {e}"))),
                    rd.position().byte(),
                ) {
                    break;
                }
                continue;
            }
        }
        let offset = rd.position().byte();
        if rec.iter().map(<[u8]>::len).sum::<usize>() > MAX_LINE {
            if !visit(
                Err(bad(
                    line,
                    format!("record is longer than {} MiB", MAX_LINE >> 20),
                )),
                offset,
            ) {
                break;
            }
            continue;
        }
        let item = (|| {
            let key = rec
                .get(k)
                .filter(|k| !k.is_empty())
                .ok_or_else(|| bad(line, "empty key"))?;
            let value = rec
                .get(v)
                .ok_or_else(|| bad(line, "missing value column"))?;
            let ttl = match t.and_then(|t| rec.get(t)).filter(|s| !s.is_empty()) {
                Some(raw) => {
                    let s = std::str::from_utf8(raw).map_err(|_| bad(line, "ttl: not UTF-8"))?;
                    Some(ttl_from_text(s).map_err(|e| bad(line, format!("ttl: {e}")))?)
                }
                None => None,
            };
            Ok(Record {
                line,
                key: key.to_vec(),
                payload: Payload::String(value.to_vec()),
                ttl,
            })
        })();
        if !visit(item, offset) {
            break;
        }
    }
    Ok(())
}

/// Visit every record of an input in the given format.
pub fn each(
    format: Format,
    r: impl BufRead,
    visit: impl FnMut(Result<Record, Invalid>, u64) -> bool,
) -> io::Result<()> {
    match format {
        Format::Jsonl => each_json(r, visit),
        Format::Csv => each_csv(r, visit),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Result<Record, Invalid> {
        parse_json_line(7, text.as_bytes())
    }

    #[test]
    fn json_strings_numbers_objects() {
        let r = one(r#"{"key":"a","value":"x\"y","ttl":"1h"}"#).expect("ok");
        assert_eq!(r.key, b"a");
        assert_eq!(r.payload, Payload::String(b"x\"y".to_vec()));
        assert_eq!(r.ttl, Some(Duration::from_secs(3600)));
        let r = one(r#"{"key":"a","value":{"b": [1, 2]},"ttl":90}"#).expect("ok");
        assert_eq!(r.payload, Payload::String(br#"{"b":[1,2]}"#.to_vec()));
        assert_eq!(r.ttl, Some(Duration::from_secs(90)));
        let r = one(r#"{"key":"n","value":42.5}"#).expect("ok");
        assert_eq!(r.payload, Payload::String(b"42.5".to_vec()));
        assert_eq!(r.ttl, None);
        let r = one(r#"{"key":"t","value":"v","ttl":0.5}"#).expect("ok");
        assert_eq!(r.ttl, Some(Duration::from_millis(500)));
    }

    #[test]
    fn the_common_shape_takes_the_fast_path() {
        let l = r#"{"key":"bench:w:1","value":"vvvv","ttl":3600}"#;
        assert_eq!(
            simple_line(l.as_bytes()),
            Some((&b"bench:w:1"[..], &b"vvvv"[..], Some(3600)))
        );
        assert_eq!(
            simple_line(br#" { "key" : "k" , "value" : "" } "#),
            Some((&b"k"[..], &b""[..], None))
        );
        for other in [
            r#"{"key":"k","value":"a\"b"}"#,
            r#"{"value":"v","key":"k"}"#,
            r#"{"key":"k","value":"v","ttl":1.5}"#,
            r#"{"key":"k","value":"v","ttl":0}"#,
            r#"{"key":"","value":"v"}"#,
            r#"{"key":"k","value":"v"} x"#,
            r#"{"key":"k","value":"v","type":"string"}"#,
        ] {
            assert_eq!(simple_line(other.as_bytes()), None, "{other}");
        }
    }

    #[test]
    fn special_bytes_finds_the_first_string_end_in_a_word() {
        for pos in 0..8 {
            for b in 0..=255u8 {
                for after in [b'a', b'"', 0x00, 0xff] {
                    let mut w = [b'a'; 8];
                    w[pos] = b;
                    if pos < 7 {
                        w[pos + 1] = after;
                    }
                    let naive = w.iter().position(|&c| ends_plain(c));
                    let hit = special_bytes(u64::from_le_bytes(w));
                    let swar = (hit != 0).then(|| (hit.trailing_zeros() / 8) as usize);
                    assert_eq!(swar, naive, "{w:?}");
                }
            }
        }
    }

    #[test]
    fn json_structured_types() {
        let r = one(r#"{"key":"h","type":"hash","value":{"f":"v","n":1}}"#).expect("ok");
        assert_eq!(
            r.payload,
            Payload::Hash(vec![
                (b"f".to_vec(), b"v".to_vec()),
                (b"n".to_vec(), b"1".to_vec())
            ])
        );
        let r = one(r#"{"key":"s","type":"set","value":["a","b"]}"#).expect("ok");
        assert_eq!(r.payload, Payload::Set(vec![b"a".to_vec(), b"b".to_vec()]));
        let r = one(r#"{"key":"z","type":"zset","value":{"m":1.5}}"#).expect("ok");
        assert_eq!(r.payload, Payload::Zset(vec![(1.5, b"m".to_vec())]));
        assert!(one(r#"{"key":"z","type":"zset","value":{"m":"x"}}"#).is_err());
        assert!(one(r#"{"key":"h","type":"hash","value":[1]}"#).is_err());
        assert!(one(r#"{"key":"h","type":"blob","value":"x"}"#).is_err());
    }

    #[test]
    fn json_rejections_name_the_line_and_reason() {
        for (text, want) in [
            (r#"{"key":"a"}"#, "value"),
            (r#"{"value":"a"}"#, "key"),
            (r#"{"key":"","value":"a"}"#, "empty key"),
            (r#"{"key":"a","value":null}"#, "null"),
            (r#"{"key":"a","value":"v","ttl":-5}"#, "negative"),
            (r#"{"key":"a","value":"v","ttl":0}"#, "zero"),
            (r#"{"key":"a","value":"v","ttl":"soon"}"#, "duration"),
            (r#"{"key":"a","value":"v","tll":5}"#, "unknown field"),
            (r#"not json"#, "JSON"),
            (r#"["key","value"]"#, "JSON"),
        ] {
            let e = one(text).expect_err(text);
            assert_eq!(e.line, 7);
            assert!(e.reason.contains(want), "{text}: {}", e.reason);
        }
    }

    #[test]
    fn json_lines_skip_blanks_and_count_lines() {
        let input =
            b"{\"key\":\"a\",\"value\":\"1\"}\n\n  \n{\"key\":\"b\",\"value\":\"2\"}\r\n{bad\n";
        let mut seen = Vec::new();
        each_json(&input[..], |r, _| {
            seen.push(r.map(|r| r.line).map_err(|e| e.line));
            true
        })
        .expect("read");
        assert_eq!(seen, vec![Ok(1), Ok(4), Err(5)]);
    }

    #[test]
    fn over_long_lines_are_invalid_not_loaded() {
        let mut input = vec![b'x'; MAX_LINE + 10];
        input.extend_from_slice(b"\n{\"key\":\"a\",\"value\":\"1\"}\n");
        let mut seen = Vec::new();
        each_json(&input[..], |r, _| {
            seen.push(r.is_ok());
            true
        })
        .expect("read");
        assert_eq!(seen, vec![false, true]);
    }

    #[test]
    fn csv_with_quotes_and_ttls() {
        let input =
            "key,value,ttl\na,\"x, y\",60\nb,\"say \"\"hi\"\"\",1h\nc,plain,\n,nokey,5\nd,v,-1\n";
        let mut ok = Vec::new();
        let mut bad = Vec::new();
        each_csv(input.as_bytes(), |r, _| {
            match r {
                Ok(r) => ok.push(r),
                Err(e) => bad.push(e.line),
            }
            true
        })
        .expect("read");
        assert_eq!(ok.len(), 3);
        assert_eq!(ok[0].payload, Payload::String(b"x, y".to_vec()));
        assert_eq!(ok[0].ttl, Some(Duration::from_secs(60)));
        assert_eq!(ok[1].payload, Payload::String(b"say \"hi\"".to_vec()));
        assert_eq!(ok[1].ttl, Some(Duration::from_secs(3600)));
        assert_eq!(ok[2].ttl, None);
        assert_eq!(bad, vec![5, 6]);
    }

    #[test]
    fn csv_header_is_checked() {
        let mut errs = Vec::new();
        each_csv("name,value\na,b\n".as_bytes(), |r, _| {
            errs.push(r.is_err());
            true
        })
        .expect("read");
        assert_eq!(errs, vec![true]);
    }

    proptest::proptest! {
        #[test]
        fn json_parser_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
            let _ = parse_json_line(1, &bytes);
        }

        #[test]
        fn json_parser_never_panics_on_near_valid_lines(key in ".{0,10}", value in ".{0,10}", ttl in ".{0,6}") {
            let line = format!(r#"{{"key":{key:?},"value":{value},"ttl":{ttl}}}"#);
            let _ = parse_json_line(1, line.as_bytes());
        }

        #[test]
        fn simple_lines_read_as_serde_reads_them(
            key in "[a-z\"\\\\:é\u{1}]{0,6}",
            value in "[a-z\"\\\\ é]{0,6}",
            ttl in "(|0|7|0[0-9]|[1-9][0-9]{0,10}|1\\.5|-3|\"1h\")",
            gap in "[ \t\r\u{c}]{0,2}",
            quoting in 0..4u8,
        ) {
            // Mostly well-formed lines, with the odd raw quote, backslash,
            // control byte, bad number or form feed that must send a line to serde.
            let q = |s: &str| if quoting == 0 { format!("{s:?}") } else { format!("\"{s}\"") };
            let tail = if ttl.is_empty() { String::new() } else { format!(r#",{gap}"ttl":{gap}{ttl}"#) };
            let line = format!(r#"{gap}{{"key":{gap}{}{gap},"value":{}{tail}}}{gap}"#, q(&key), q(&value));
            let serde = head(1, line.as_bytes()).and_then(|h| {
                let payload = payload_of(h.value, h.kind.as_deref()).map_err(|e| bad(1, e))?;
                Ok(Record { line: 1, key: h.key.into_owned().into_bytes(), payload, ttl: h.ttl })
            });
            if let Some((k, v, t)) = simple_line(line.as_bytes()) {
                let fast = Record {
                    line: 1,
                    key: k.to_vec(),
                    payload: Payload::String(v.to_vec()),
                    ttl: t.map(Duration::from_secs),
                };
                proptest::prop_assert_eq!(Ok(fast), serde, "line {}", line);
            }
            proptest::prop_assert_eq!(parse_json_line(1, line.as_bytes()).is_ok(), check_json_line(1, line.as_bytes()).is_ok());
        }

        #[test]
        fn csv_reader_never_panics(text in ".{0,200}") {
            let input = format!("key,value,ttl\n{text}");
            each_csv(input.as_bytes(), |_, _| true).expect("in-memory read");
        }
    }
}
