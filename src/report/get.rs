//! `get`: each key's type, TTL and value. JSON is lossless: UTF-8 as strings,
//! other bytes as `{"base64": "…"}`.

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use crate::core::read::{Data, Entry};
use crate::keys::escape_bytes;

/// Bytes as JSON: the string itself when UTF-8, else `{"base64": "…"}`
/// (lossless, and not to be mistaken for text that looks escaped).
pub struct Text<'a>(pub &'a [u8]);

impl Serialize for Text<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use base64::Engine as _;
        match std::str::from_utf8(self.0) {
            Ok(text) => s.serialize_str(text),
            Err(_) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry(
                    "base64",
                    &base64::engine::general_purpose::STANDARD.encode(self.0),
                )?;
                m.end()
            }
        }
    }
}

/// `#[serde(with = "crate::report::get::text")]` for a `Vec<u8>` field.
pub mod text {
    use serde::{Serialize, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        super::Text(bytes).serialize(s)
    }
}

#[derive(Debug, Clone)]
pub struct GetReport {
    pub entries: Vec<Entry>,
    /// Several keys asked for: JSON is an array, plain lines name their key.
    pub many: bool,
}

impl Serialize for GetReport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.many {
            let mut seq = s.serialize_seq(Some(self.entries.len()))?;
            for e in &self.entries {
                seq.serialize_element(&EntryJson(e))?;
            }
            seq.end()
        } else {
            match self.entries.first() {
                Some(e) => EntryJson(e).serialize(s),
                None => s.serialize_none(),
            }
        }
    }
}

#[derive(Serialize)]
struct EntryJsonFields<'a> {
    key: Text<'a>,
    #[serde(rename = "type")]
    kind: &'a str,
    ttl_ms: Option<i64>,
    value: DataJson<'a>,
}

struct EntryJson<'a>(&'a Entry);

impl Serialize for EntryJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        EntryJsonFields {
            key: Text(&self.0.name),
            kind: &self.0.kind,
            ttl_ms: self.0.ttl_ms,
            value: DataJson(&self.0.data),
        }
        .serialize(s)
    }
}

struct DataJson<'a>(&'a Data);

/// Field names are JSON object keys, so text: escaped when not UTF-8.
struct Fields<'a>(&'a [(Vec<u8>, Vec<u8>)]);

impl Serialize for Fields<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (f, v) in self.0 {
            m.serialize_entry(&escape_bytes(f), &Text(v))?;
        }
        m.end()
    }
}

/// A score: a number, or `"inf"` / `"-inf"` as the server writes them (JSON
/// has no infinity; serde would write null).
struct Score(f64);

impl Serialize for Score {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            f64::INFINITY => s.serialize_str("inf"),
            f64::NEG_INFINITY => s.serialize_str("-inf"),
            v => s.serialize_f64(v),
        }
    }
}

#[derive(Serialize)]
struct Member<'a> {
    member: Text<'a>,
    score: Score,
}

#[derive(Serialize)]
struct StreamItem<'a> {
    id: &'a str,
    fields: Fields<'a>,
}

#[derive(Serialize)]
struct Unsupported<'a> {
    unsupported: &'a str,
}

impl Serialize for DataJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Data::Missing | Data::Unreachable => s.serialize_none(),
            Data::String(b) => Text(b).serialize(s),
            Data::Hash(p) => Fields(p).serialize(s),
            Data::List(items) | Data::Set(items) => s.collect_seq(items.iter().map(|i| Text(i))),
            Data::Zset(items) => s.collect_seq(items.iter().map(|(m, sc)| Member {
                member: Text(m),
                score: Score(*sc),
            })),
            Data::Stream(entries) => s.collect_seq(entries.iter().map(|(id, f)| StreamItem {
                id,
                fields: Fields(f),
            })),
            Data::Other(what) => Unsupported { unsupported: what }.serialize(s),
        }
    }
}
