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
    key: &'a RawValue,
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

/// An object's members in their order, values as raw JSON text, so numbers
/// keep their digits (a `serde_json::Map` would turn them into f64s).
struct Members<'a>(Vec<(String, &'a RawValue)>);

impl<'de> Deserialize<'de> for Members<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Members<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<Self::Value, A::Error> {
                let mut v = Vec::new();
                while let Some(entry) = m.next_entry::<String, &'de RawValue>()? {
                    v.push(entry);
                }
                Ok(Members(v))
            }
        }
        d.deserialize_map(Visit)
    }
}

/// A JSON string token (quotes included) decoded; serde rejects lone surrogates.
fn decode_str(token: &str) -> Result<String, String> {
    serde_json::from_str(token).map_err(|e| e.to_string())
}

/// `{"base64": "…"}` (one member): bytes that are not UTF-8 text, the form
/// `get --json` writes them in. `None` when `text` is not that shape.
fn base64_of(text: &str) -> Option<Result<Vec<u8>, String>> {
    use base64::Engine as _;
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Bytes<'a> {
        #[serde(borrow)]
        base64: Cow<'a, str>,
    }
    let t = text.trim();
    if !t.starts_with('{') || !t.contains("base64") {
        return None;
    }
    let b: Bytes = serde_json::from_str(t).ok()?;
    Some(
        base64::engine::general_purpose::STANDARD
            .decode(b.base64.as_bytes())
            .map_err(|e| format!("bad base64: {e}")),
    )
}

/// A key: a JSON string, or `{"base64": "…"}` for bytes that are not text.
fn text_or_bytes(text: &str) -> Result<Vec<u8>, String> {
    if let Some(bytes) = base64_of(text) {
        return bytes;
    }
    if !text.trim_start().starts_with('"') {
        return Err("must be a string or {\"base64\": \"…\"}".into());
    }
    let s: Cow<str> = serde_json::from_str(text).map_err(|e| e.to_string())?;
    Ok(s.into_owned().into_bytes())
}

/// A JSON scalar as the text Redis should store: strings decoded, numbers
/// and booleans exactly as written.
fn scalar(raw: &RawValue) -> Result<Vec<u8>, String> {
    let t = raw.get().trim();
    if let Some(bytes) = base64_of(t) {
        return bytes;
    }
    match t.as_bytes().first() {
        Some(b'"') => decode_str(t).map(String::into_bytes),
        Some(b'n') => Err("null is not a value".into()),
        Some(b'{' | b'[') => Err("nested objects/arrays are not allowed here".into()),
        _ => Ok(t.as_bytes().to_vec()),
    }
}

/// Valid JSON `text` (serde checked its syntax) without insignificant
/// whitespace. Numbers, literals and member order stay as written; strings
/// are re-encoded as serde_json writes them (decoding rejects lone surrogates).
/// One pass over the bytes, so nesting depth costs nothing.
fn compact_json(text: &str) -> Result<String, String> {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'"' => {
                let mut j = i + 1;
                let mut escaped = false;
                loop {
                    match b.get(j) {
                        None => return Err("unterminated string".into()),
                        Some(b'\\') => {
                            escaped = true;
                            j += 2;
                        }
                        Some(b'"') => break,
                        Some(_) => j += 1,
                    }
                }
                let token = &text[i..=j];
                if escaped {
                    let s = decode_str(token)?;
                    out.push_str(&serde_json::to_string(&s).map_err(|e| e.to_string())?);
                } else {
                    // Nothing to re-encode: serde rejected raw control characters.
                    out.push_str(token);
                }
                i = j + 1;
            }
            _ => {
                let run = b[i..]
                    .iter()
                    .position(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'"'))
                    .map_or(b.len(), |n| i + n);
                out.push_str(&text[i..run]);
                i = run;
            }
        }
    }
    Ok(out)
}

/// A zset score: a JSON number, or the strings `inf`, `+inf`, `-inf` that
/// Redis takes. Numbers beyond the range of a double are refused.
fn score(raw: &RawValue) -> Result<f64, String> {
    let t = raw.get().trim();
    if t.starts_with('"') {
        let s = decode_str(t)?;
        return match s.to_ascii_lowercase().as_str() {
            "inf" | "+inf" => Ok(f64::INFINITY),
            "-inf" => Ok(f64::NEG_INFINITY),
            _ => Err(format!("score {t} is not a number (or \"inf\", \"-inf\")")),
        };
    }
    match t.parse::<f64>() {
        Ok(s) if s.is_finite() => Ok(s),
        Ok(_) => Err(format!("score {t} is out of the range of a double")),
        Err(_) => Err(format!("score {t} is not a number")),
    }
}

fn members<'a>(text: &'a str, what: &str) -> Result<Vec<(String, &'a RawValue)>, String> {
    if !text.starts_with('{') {
        return Err(format!("a {what}"));
    }
    serde_json::from_str::<Members>(text)
        .map(|m| m.0)
        .map_err(|e| e.to_string())
}

fn payload_of(raw: &RawValue, kind: Option<&str>) -> Result<Payload, String> {
    let text = raw.get().trim();
    match kind.unwrap_or("string") {
        "string" => match text.as_bytes().first() {
            Some(b'"') => {
                let s: Cow<str> = serde_json::from_str(text).map_err(|e| e.to_string())?;
                Ok(Payload::String(s.into_owned().into_bytes()))
            }
            // Bytes that are not text, as `get --json` writes them.
            Some(b'{') if base64_of(text).is_some() => base64_of(text)
                .unwrap_or_else(|| Err("bad base64".into()))
                .map(Payload::String),
            // Objects and arrays are stored as compact JSON.
            Some(b'{') | Some(b'[') => Ok(Payload::String(compact_json(text)?.into_bytes())),
            Some(b'n') => Err("value is null".into()),
            _ => Ok(Payload::String(text.as_bytes().to_vec())),
        },
        "hash" => {
            let m = members(text, "hash value must be a JSON object")?;
            if m.is_empty() {
                return Err("empty hash".into());
            }
            m.into_iter()
                .map(|(f, v)| {
                    let v = scalar(v).map_err(|e| format!("field {f}: {e}"))?;
                    Ok((f.into_bytes(), v))
                })
                .collect::<Result<_, String>>()
                .map(Payload::Hash)
        }
        kind @ ("set" | "list") => {
            if !text.starts_with('[') {
                return Err(format!("a {kind} value must be a JSON array"));
            }
            let items: Vec<&RawValue> = serde_json::from_str(text).map_err(|e| e.to_string())?;
            if items.is_empty() {
                return Err(format!("empty {kind}"));
            }
            let items = items
                .into_iter()
                .map(scalar)
                .collect::<Result<Vec<_>, _>>()?;
            Ok(if kind == "set" {
                Payload::Set(items)
            } else {
                Payload::List(items)
            })
        }
        "zset" => {
            let m = members(text, "zset value must be a JSON object of member: score")?;
            if m.is_empty() {
                return Err("empty zset".into());
            }
            m.into_iter()
                .map(|(member, s)| {
                    let s = score(s).map_err(|e| format!("member {member}: {e}"))?;
                    Ok((s, member.into_bytes()))
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
    key: Vec<u8>,
    value: &'a RawValue,
    kind: Option<Cow<'a, str>>,
    ttl: Option<Duration>,
}

fn head(line: u64, text: &[u8]) -> Result<Head<'_>, Invalid> {
    if text.starts_with(BOM) {
        return Err(bad(
            line,
            "starts with a UTF-8 byte order mark, which only the first line may have",
        ));
    }
    if text.starts_with(b"\xff\xfe") || text.starts_with(b"\xfe\xff") {
        return Err(bad(line, "UTF-16 text: convert the input to UTF-8"));
    }
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
    let key = text_or_bytes(parsed.key.get()).map_err(|e| bad(line, format!("key: {e}")))?;
    if key.is_empty() {
        return Err(bad(line, "empty key"));
    }
    let ttl = match parsed.ttl {
        Some(raw) => parse_ttl(raw.get()).map_err(|e| bad(line, format!("ttl: {e}")))?,
        None => None,
    };
    Ok(Head {
        key,
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
        key: h.key,
        payload,
        ttl: h.ttl,
    })
}

/// Check one JSON line exactly as [`parse_json_line`] would: the validation
/// pass of `warm` runs this over the whole input before anything is written,
/// so its speed is part of the load time. The common shape is checked without
/// building a record; every other line takes the very path the write pass
/// takes, so the two passes cannot disagree about it.
pub fn check_json_line(line: u64, text: &[u8]) -> Result<(), Invalid> {
    if simple_line(text).is_some() {
        return Ok(());
    }
    parse_json_line(line, text).map(drop)
}

/// The UTF-8 byte order mark some editors put at the start of a file.
const BOM: &[u8] = b"\xef\xbb\xbf";

/// Skip a UTF-8 byte order mark at the start of an input.
pub fn skip_bom(r: &mut impl BufRead) -> io::Result<()> {
    if r.fill_buf()?.starts_with(BOM) {
        r.consume(BOM.len());
    }
    Ok(())
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

/// Visit every record of a JSON-lines input, in order. Blank lines and a
/// byte order mark at the start are skipped.
pub fn each_json(
    mut r: impl BufRead,
    visit: impl FnMut(Result<Record, Invalid>, u64) -> bool,
) -> io::Result<()> {
    skip_bom(&mut r)?;
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
    // Flexible, so a record with the wrong number of fields is reported with
    // its line rather than as a reader error.
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(EndsWithNewline::new(r));
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
    if let Some(twice) = headers
        .iter()
        .enumerate()
        .find(|(i, h)| headers.iter().take(*i).any(|p| p.eq_ignore_ascii_case(h)))
    {
        visit(
            Err(bad(
                1,
                format!(
                    "the CSV column '{}' is named twice",
                    String::from_utf8_lossy(twice.1)
                ),
            )),
            0,
        );
        return Ok(());
    }
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
    // Each item is visited once the next read shows whether it was the last:
    // only then can an unclosed quote be told apart from a quoted newline.
    let mut held: Option<(Result<Record, Invalid>, u64, bool)> = None;
    loop {
        let before = rd.position().line();
        rd.get_mut().record_start = rd.position().byte();
        let (item, offset, open_end) = match rd.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {
                let offset = rd.position().byte();
                // The reader's position before a record is the line after the
                // last one, blank lines not yet skipped. Every record ends with
                // a newline (EndsWithNewline), so its first line is counted
                // back from its end.
                let inside = rec
                    .iter()
                    .map(|f| memchr::memchr_iter(b'\n', f).count() as u64)
                    .sum::<u64>();
                let line = rd.position().line().saturating_sub(inside + 1).max(before);
                // A last field that ends in a newline was still quoted when
                // the input ended, unless a closing quote came after it.
                let open_end = rec.iter().next_back().is_some_and(|f| f.ends_with(b"\n"))
                    && rd.get_ref().last_byte_before_newline() != Some(b'"');
                (
                    csv_record(&rec, line, headers.len(), (k, v, t)),
                    offset,
                    open_end,
                )
            }
            // The reader stops at an I/O error: the rest of the input is
            // unread, so the run must not go on as if it had ended.
            Err(e) if e.is_io_error() => {
                return Err(match e.into_kind() {
                    csv::ErrorKind::Io(e) => {
                        io::Error::new(e.kind(), format!("line {before}: {e}"))
                    }
                    other => io::Error::other(format!("line {before}: {other:?}")),
                });
            }
            Err(e) => (
                Err(bad(before, format!("bad CSV: {e}"))),
                rd.position().byte(),
                false,
            ),
        };
        if let Some((item, at, _)) = held.replace((item, offset, open_end)) {
            if !visit(item, at) {
                return Ok(());
            }
        }
    }
    if let Some((item, at, open_end)) = held {
        let item = match item {
            Ok(r) if open_end => Err(bad(
                r.line,
                "a quoted field is not closed before the end of the input",
            )),
            other => other,
        };
        visit(item, at);
    }
    Ok(())
}

/// One CSV record as a [`Record`]; `cols` are the key, value and ttl columns.
fn csv_record(
    rec: &csv::ByteRecord,
    line: u64,
    width: usize,
    (k, v, t): (usize, usize, Option<usize>),
) -> Result<Record, Invalid> {
    if rec.len() != width {
        return Err(bad(
            line,
            format!(
                "{} field{}, the header has {width}",
                rec.len(),
                if rec.len() == 1 { "" } else { "s" },
            ),
        ));
    }
    if rec.iter().map(<[u8]>::len).sum::<usize>() > MAX_LINE {
        return Err(bad(
            line,
            format!("record is longer than {} MiB", MAX_LINE >> 20),
        ));
    }
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
}

/// A reader whose data ends with a newline: one is added after a last line
/// without it, so every CSV record ends the same way. It keeps the input's
/// last three bytes, and fails a read that would take one record past
/// [`MAX_LINE`]: the CSV reader holds a whole record in memory, and an
/// unclosed quote makes the rest of the input one record.
struct EndsWithNewline<R> {
    inner: R,
    tail: Vec<u8>,
    added: bool,
    delivered: u64,
    /// Where the record being read starts, set before each record.
    record_start: u64,
}

impl<R> EndsWithNewline<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            tail: Vec::with_capacity(4),
            added: false,
            delivered: 0,
            record_start: 0,
        }
    }

    /// The input's last byte before its final line end.
    fn last_byte_before_newline(&self) -> Option<u8> {
        let t = self.tail.strip_suffix(b"\n").unwrap_or(&self.tail);
        let t = t.strip_suffix(b"\r").unwrap_or(t);
        t.last().copied()
    }
}

impl<R: Read> Read for EndsWithNewline<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        // The CSV reader reads ahead by its buffer; 1 MiB of slack covers it.
        if self.delivered.saturating_sub(self.record_start) > MAX_LINE as u64 + (1 << 20) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "a CSV record is longer than {} MiB (a quote left open?)",
                    MAX_LINE >> 20
                ),
            ));
        }
        let n = self.inner.read(buf)?;
        self.delivered += n as u64;
        if n > 0 {
            self.tail.extend_from_slice(&buf[n.saturating_sub(3)..n]);
            let extra = self.tail.len().saturating_sub(3);
            self.tail.drain(..extra);
            return Ok(n);
        }
        if self.added || self.tail.is_empty() || self.tail.ends_with(b"\n") {
            return Ok(0);
        }
        self.added = true;
        buf[0] = b'\n';
        Ok(1)
    }
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

    fn csv_results(input: &str) -> Vec<Result<Record, Invalid>> {
        let mut seen = Vec::new();
        each_csv(input.as_bytes(), |r, _| {
            seen.push(r);
            true
        })
        .expect("read");
        seen
    }

    #[test]
    fn check_rejects_what_the_decoder_rejects() {
        for text in [
            r#"{"key":"k","value":"\udc00"}"#,
            r#"{"key":"k","value":"a\ud800"}"#,
            r#"{"key":"k","type":"string","value":"\udc00"}"#,
            r#"{"value":"\ud800x","key":"k"}"#,
        ] {
            assert!(parse_json_line(1, text.as_bytes()).is_err(), "{text}");
            assert!(check_json_line(1, text.as_bytes()).is_err(), "{text}");
        }
        let ok = r#"{"key":"k","value":"\ud83d\ude00"}"#;
        assert!(check_json_line(1, ok.as_bytes()).is_ok());
        assert_eq!(
            one(ok).expect("ok").payload,
            Payload::String("😀".as_bytes().to_vec())
        );
    }

    #[test]
    fn numbers_keep_their_text() {
        let r = one(r#"{"key":"a","value":{"id": 18446744073709551617, "f":[1e3, -0, 0.10]}}"#)
            .expect("ok");
        assert_eq!(
            r.payload,
            Payload::String(br#"{"id":18446744073709551617,"f":[1e3,-0,0.10]}"#.to_vec())
        );
        let r = one(r#"{"key":"h","type":"hash","value":{"n":12345678901234567890123,"b":false}}"#)
            .expect("ok");
        assert_eq!(
            r.payload,
            Payload::Hash(vec![
                (b"n".to_vec(), b"12345678901234567890123".to_vec()),
                (b"b".to_vec(), b"false".to_vec())
            ])
        );
        let r = one(r#"{"key":"l","type":"list","value":[1e3, "x", 1E-7]}"#).expect("ok");
        assert_eq!(
            r.payload,
            Payload::List(vec![b"1e3".to_vec(), b"x".to_vec(), b"1E-7".to_vec()])
        );
        // Strings inside objects are re-encoded as before; key order is kept.
        let r = one(r#"{"key":"o","value":{"z":"\u00e9\/","a":[]}}"#).expect("ok");
        assert_eq!(
            r.payload,
            Payload::String(r#"{"z":"é/","a":[]}"#.as_bytes().to_vec())
        );
        // A lone surrogate anywhere in the value is invalid.
        assert!(one(r#"{"key":"o","value":{"z":["\udc00"]}}"#).is_err());
        assert!(one(r#"{"key":"o","type":"set","value":["\udc00"]}"#).is_err());
    }

    #[test]
    fn zset_scores_out_of_range_are_named() {
        let e = one(r#"{"key":"z","type":"zset","value":{"m":1e400}}"#).expect_err("range");
        assert!(e.reason.contains("1e400"), "{}", e.reason);
        let r = one(r#"{"key":"z","type":"zset","value":{"a":"-inf","b":"+inf","c":"inf","d":2}}"#)
            .expect("infinities are scores Redis takes");
        assert_eq!(
            r.payload,
            Payload::Zset(vec![
                (f64::NEG_INFINITY, b"a".to_vec()),
                (f64::INFINITY, b"b".to_vec()),
                (f64::INFINITY, b"c".to_vec()),
                (2.0, b"d".to_vec())
            ])
        );
        assert!(one(r#"{"key":"z","type":"zset","value":{"m":"nan"}}"#).is_err());
    }

    #[test]
    fn a_byte_order_mark_starts_the_input_or_is_named() {
        let input =
            "\u{feff}{\"key\":\"a\",\"value\":\"1\"}\n\u{feff}{\"key\":\"b\",\"value\":\"1\"}\n";
        let mut seen = Vec::new();
        each_json(input.as_bytes(), |r, _| {
            seen.push(r);
            true
        })
        .expect("read");
        assert_eq!(seen.len(), 2);
        assert_eq!(seen[0].as_ref().map(|r| r.key.clone()), Ok(b"a".to_vec()));
        let e = seen[1].as_ref().expect_err("BOM in the middle");
        assert!(e.reason.contains("byte order mark"), "{}", e.reason);
        let csv = csv_results("\u{feff}key,value\na,1\n");
        assert_eq!(csv.len(), 1);
        assert!(csv[0].is_ok(), "{:?}", csv[0]);
    }

    #[test]
    fn csv_field_count_must_match_the_header() {
        let seen = csv_results("key,value\na,1\nprice:2,9,99 EUR\nb\nc,2\n");
        let lines: Vec<_> = seen
            .iter()
            .map(|r| {
                r.as_ref()
                    .map(|r| r.line)
                    .map_err(|e| (e.line, e.reason.clone()))
            })
            .collect();
        assert_eq!(lines[0], Ok(2));
        let (l, why) = lines[1].clone().expect_err("too many");
        assert_eq!(l, 3);
        assert!(why.contains("3 fields") && why.contains("2"), "{why}");
        assert_eq!(lines[2].clone().map_err(|e| e.0), Err(4));
        assert_eq!(lines[3], Ok(5));
    }

    #[test]
    fn csv_line_numbers_count_blank_lines_and_quoted_newlines() {
        let seen = csv_results("key,value\n\n\na,1\n\"b\nc\",2\n\r\nd\n");
        let lines: Vec<_> = seen
            .iter()
            .map(|r| r.as_ref().map(|r| r.line).map_err(|e| e.line))
            .collect();
        assert_eq!(lines, vec![Ok(4), Ok(5), Err(8)]);
    }

    #[test]
    fn csv_unclosed_quotes_and_repeated_columns_are_invalid() {
        for input in [
            "key,value\na,1\nb,\"x\nc,2\n",
            "key,value\na,1\nb,\"x\nc,2",
            "key,value\na,1\nb,\"x\r\nc,2\r\n",
        ] {
            let seen = csv_results(input);
            assert_eq!(seen.len(), 2, "{input:?}");
            assert!(seen[0].is_ok());
            let e = seen[1].as_ref().expect_err(input);
            assert_eq!(e.line, 3);
            assert!(e.reason.contains("not closed"), "{}", e.reason);
        }
        // A quoted newline that is closed, at the very end too, is a value.
        for input in [
            "key,value\na,\"x\n\"",
            "key,value\na,\"x\n\"\n",
            "key,value\na,\"x\r\n\"\r\n",
        ] {
            let seen = csv_results(input);
            assert!(seen[0].is_ok(), "{input:?}: {:?}", seen[0]);
        }
        let seen = csv_results("key,value,Value\na,1,2\n");
        let e = seen[0].as_ref().expect_err("twice");
        assert!(e.reason.contains("twice"), "{}", e.reason);
    }

    /// An endless CSV field: fails the test if read far past the line cap.
    struct Endless(u64);

    impl Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            assert!(self.0 < 2 * MAX_LINE as u64, "read on past the record cap");
            buf.fill(b'x');
            if self.0 == 0 {
                buf[..12].copy_from_slice(b"key,value\na,");
                buf[12] = b'"';
            }
            self.0 += buf.len() as u64;
            Ok(buf.len())
        }
    }

    #[test]
    fn a_csv_record_without_end_stops_at_the_line_cap() {
        let mut seen = 0;
        let err = each_csv(Endless(0), |_, _| {
            seen += 1;
            true
        })
        .expect_err("an over-long record is an error");
        assert_eq!(seen, 0);
        assert!(err.to_string().contains("line 2"), "{err}");
        assert!(err.to_string().contains("longer than 64 MiB"), "{err}");
    }

    proptest::proptest! {
        #[test]
        fn check_and_parse_accept_the_same_lines(
            key in "([a-z]|\\\\u[0-9a-fA-F]{4}|\\\\[nt\"/]|\\\\ud[89ab][0-9a-f]{2}){0,4}",
            value in "([a-z é]|\\\\u[0-9a-fA-F]{4}|\\\\[nt\"/]|\\\\ud[89abcdef][0-9a-f]{2}){0,4}",
            shape in 0..6u8,
            ttl in "(|1|0|-1|1\\.5|1e400|\"1h\"|\"soon\"|null)",
        ) {
            let v = format!("\"{value}\"");
            let value = match shape {
                0 => v,
                1 => format!("[{v}, 1e3]"),
                2 => format!("{{\"f\": {v}}}"),
                _ => v,
            };
            let kind = match shape {
                3 => r#","type":"string""#,
                4 => r#","type":"set""#,
                5 => r#","type":"hash""#,
                _ => "",
            };
            let value = match shape {
                4 => format!("[{value}]"),
                5 => format!("{{\"f\":{value}}}"),
                _ => value,
            };
            let ttl = if ttl.is_empty() { String::new() } else { format!(r#","ttl":{ttl}"#) };
            let line = format!(r#"{{"key":"{key}","value":{value}{kind}{ttl}}}"#);
            proptest::prop_assert_eq!(
                parse_json_line(1, line.as_bytes()).is_ok(),
                check_json_line(1, line.as_bytes()).is_ok(),
                "line {}", line
            );
        }

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
                Ok(Record { line: 1, key: h.key, payload, ttl: h.ttl })
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
