//! `get KEY...`: type-aware read of several keys in two pipelined round trips
//! (TYPE + PTTL, then one read per key by its type).

use std::io::{self, Write};

use redis::{Cmd, FromRedisValue, Value};
use serde_json::{json, Map};

use super::Ctx;
use crate::cli::GetArgs;
use anyhow::Context as _;

use crate::core::conn::{
    is_unreachable, server_failure, unreachable_failure, Idempotent, Redis, Routed,
};
use crate::error::negative;
use crate::keys::{arg_bytes, escape_bytes};
use crate::output::{table, Outcome, Render};
use crate::parse::human_ms;

/// A key's value, by type.
#[derive(Debug)]
pub enum Data {
    Missing,
    String(Vec<u8>),
    Hash(Vec<(Vec<u8>, Vec<u8>)>),
    List(Vec<Vec<u8>>),
    Set(Vec<Vec<u8>>),
    Zset(Vec<(Vec<u8>, f64)>),
    Stream(Vec<StreamEntry>),
    /// A type we do not read (module types), or an error reply while reading.
    Other(String),
}

/// A stream entry: its ID and field/value pairs.
pub type StreamEntry = (String, Vec<(Vec<u8>, Vec<u8>)>);

#[derive(Debug)]
pub struct Entry {
    pub name: Vec<u8>,
    pub kind: String,
    pub ttl_ms: Option<i64>,
    pub data: Data,
}

/// JSON for bytes: the string itself when UTF-8, else `{"base64": "…"}`.
pub fn json_text(b: &[u8]) -> serde_json::Value {
    use base64::Engine as _;
    match std::str::from_utf8(b) {
        Ok(s) => serde_json::Value::String(s.to_string()),
        // Lossless, and not to be mistaken for text that looks escaped.
        Err(_) => json!({"base64": base64::engine::general_purpose::STANDARD.encode(b)}),
    }
}

fn read_cmd(kind: &str, key: &[u8]) -> Option<Cmd> {
    let mut c = match kind {
        "string" => redis::cmd("GET"),
        "hash" => redis::cmd("HGETALL"),
        "list" => {
            let mut c = redis::cmd("LRANGE");
            c.arg(key).arg(0).arg(-1);
            return Some(c);
        }
        "set" => redis::cmd("SMEMBERS"),
        "zset" => {
            let mut c = redis::cmd("ZRANGE");
            c.arg(key).arg(0).arg(-1).arg("WITHSCORES");
            return Some(c);
        }
        "stream" => {
            let mut c = redis::cmd("XRANGE");
            c.arg(key).arg("-").arg("+");
            return Some(c);
        }
        _ => return None,
    };
    c.arg(key);
    Some(c)
}

fn pairs(v: Value) -> Vec<(Vec<u8>, Vec<u8>)> {
    let flat: Vec<Vec<u8>> = match v {
        Value::Map(m) => {
            return m
                .into_iter()
                .filter_map(|(k, v)| {
                    Some((
                        Vec::<u8>::from_redis_value(k).ok()?,
                        Vec::<u8>::from_redis_value(v).ok()?,
                    ))
                })
                .collect()
        }
        other => Vec::<Vec<u8>>::from_redis_value(other).unwrap_or_default(),
    };
    flat.chunks(2)
        .filter(|c| c.len() == 2)
        .map(|c| (c[0].clone(), c[1].clone()))
        .collect()
}

fn decode(kind: &str, v: Value) -> Data {
    if let Value::ServerError(e) = &v {
        return Data::Other(format!("error: {}", e.code()));
    }
    if matches!(v, Value::Nil) {
        return Data::Missing;
    }
    match kind {
        "string" => Data::String(Vec::<u8>::from_redis_value(v).unwrap_or_default()),
        "hash" => Data::Hash(pairs(v)),
        "list" => Data::List(Vec::<Vec<u8>>::from_redis_value(v).unwrap_or_default()),
        "set" => Data::Set(Vec::<Vec<u8>>::from_redis_value(v).unwrap_or_default()),
        "zset" => Data::Zset(
            pairs(v)
                .into_iter()
                .map(|(m, s)| (m, String::from_utf8_lossy(&s).parse().unwrap_or(f64::NAN)))
                .collect(),
        ),
        "stream" => {
            let entries: Vec<Value> = Vec::from_redis_value(v).unwrap_or_default();
            Data::Stream(
                entries
                    .into_iter()
                    .filter_map(|e| {
                        let (id, fields): (String, Value) =
                            FromRedisValue::from_redis_value(e).ok()?;
                        Some((id, pairs(fields)))
                    })
                    .collect(),
            )
        }
        other => Data::Other(other.to_string()),
    }
}

/// The `type` of a key whose primary is down.
pub const UNREACHABLE_KIND: &str = "unreachable";

/// Read keys (full names) with their type and TTL. Used by `get` and others.
pub async fn read_entries(
    ctx: &Ctx,
    redis: &Redis,
    names: Vec<Vec<u8>>,
) -> anyhow::Result<Vec<Entry>> {
    let keys: Vec<Vec<u8>> = names.iter().map(|n| ctx.ns.key(n)).collect();
    let mut meta = Vec::with_capacity(keys.len() * 2);
    for k in &keys {
        let mut t = redis::cmd("TYPE");
        t.arg(k);
        let mut p = redis::cmd("PTTL");
        p.arg(k);
        meta.push(Routed::new(k, t));
        meta.push(Routed::new(k, p));
    }
    let meta = redis.batch(meta, Idempotent::Yes).await?.replies;
    // A key on a primary that is down is shown as unreachable; the others are read.
    if let Some((i, Value::ServerError(e))) = meta
        .iter()
        .enumerate()
        .find(|(_, v)| matches!(v, Value::ServerError(_)) && !is_unreachable(v))
    {
        let key = escape_bytes(&keys[i / 2]);
        return Err(server_failure(redis.display_url(), e))
            .with_context(|| format!("reading {key}"));
    }
    let kinds: Vec<(String, i64)> = meta
        .chunks(2)
        .map(|c| {
            if is_unreachable(&c[0]) {
                return (UNREACHABLE_KIND.to_string(), -2);
            }
            let kind = String::from_redis_value(c[0].clone()).unwrap_or_else(|_| "none".into());
            let ttl = i64::from_redis_value(c[1].clone()).unwrap_or(-2);
            (kind, ttl)
        })
        .collect();
    let mut reads = Vec::new();
    let mut slots = Vec::new();
    for (i, (kind, _)) in kinds.iter().enumerate() {
        if let Some(c) = read_cmd(kind, &keys[i]) {
            slots.push(Some(reads.len()));
            reads.push(Routed::new(&keys[i], c));
        } else {
            slots.push(None);
        }
    }
    let mut values = redis
        .batch(reads, Idempotent::Yes)
        .await?
        .replies
        .into_iter()
        .map(Some)
        .collect::<Vec<_>>();
    let mut out = Vec::with_capacity(names.len());
    for (i, name) in names.into_iter().enumerate() {
        let (kind, ttl) = &kinds[i];
        let data = match slots[i] {
            Some(j) => decode(kind, values[j].take().unwrap_or(Value::Nil)),
            None if kind == "none" => Data::Missing,
            None => Data::Other(kind.clone()),
        };
        let missing = matches!(data, Data::Missing);
        out.push(Entry {
            name,
            kind: if missing { "none".into() } else { kind.clone() },
            ttl_ms: (*ttl >= 0 && !missing).then_some(*ttl),
            data,
        });
    }
    Ok(out)
}

pub async fn run(args: &GetArgs, ctx: &Ctx) -> anyhow::Result<Outcome> {
    let names: Vec<Vec<u8>> = args.keys.iter().map(|k| arg_bytes(k)).collect();
    let redis = ctx.connect().await?;
    let entries = read_entries(ctx, &redis, names).await?;
    let missing: Vec<String> = entries
        .iter()
        .filter(|e| matches!(e.data, Data::Missing))
        .map(|e| escape_bytes(&e.name))
        .collect();
    let unreached = entries.iter().any(|e| e.kind == UNREACHABLE_KIND);
    let failure = if unreached {
        Some(unreachable_failure(&redis.unreachable()).into())
    } else {
        (!missing.is_empty()).then(|| negative(format!("key not found: {}", missing.join(", "))))
    };
    Ok(Outcome::with_failure(
        GetReport {
            entries,
            many: args.keys.len() > 1,
        },
        failure,
    ))
}

struct GetReport {
    entries: Vec<Entry>,
    many: bool,
}

fn data_json(d: &Data) -> serde_json::Value {
    match d {
        Data::Missing => serde_json::Value::Null,
        Data::String(b) => json_text(b),
        Data::Hash(p) => {
            let mut m = Map::new();
            for (f, v) in p {
                m.insert(escape_bytes(f), json_text(v));
            }
            serde_json::Value::Object(m)
        }
        Data::List(items) | Data::Set(items) => items.iter().map(|i| json_text(i)).collect(),
        Data::Zset(items) => items
            .iter()
            .map(|(m, s)| json!({"member": json_text(m), "score": score_json(*s)}))
            .collect(),
        Data::Stream(entries) => entries
            .iter()
            .map(|(id, fields)| {
                let mut m = Map::new();
                for (f, v) in fields {
                    m.insert(escape_bytes(f), json_text(v));
                }
                json!({"id": id, "fields": m})
            })
            .collect(),
        Data::Other(what) => json!({ "unsupported": what }),
    }
}

/// A score as JSON: a number, or `"inf"` / `"-inf"` as the server writes them
/// (JSON has no infinity; serde would write null).
fn score_json(s: f64) -> serde_json::Value {
    match s {
        f64::INFINITY => json!("inf"),
        f64::NEG_INFINITY => json!("-inf"),
        s => json!(s),
    }
}

/// Rows (left, right) describing a value, for tables and plain output.
fn data_rows(d: &Data) -> Vec<(Vec<u8>, Vec<u8>)> {
    match d {
        Data::Missing => vec![],
        Data::String(b) => vec![(Vec::new(), b.clone())],
        Data::Hash(p) => p.clone(),
        Data::List(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (i.to_string().into_bytes(), v.clone()))
            .collect(),
        Data::Set(items) => items.iter().map(|v| (Vec::new(), v.clone())).collect(),
        Data::Zset(items) => items
            .iter()
            .map(|(m, s)| (m.clone(), s.to_string().into_bytes()))
            .collect(),
        Data::Stream(entries) => entries
            .iter()
            .flat_map(|(id, fields)| {
                fields
                    .iter()
                    .map(move |(f, v)| ([id.as_bytes(), b" ", f].concat(), v.clone()))
            })
            .collect(),
        Data::Other(what) => vec![(Vec::new(), what.clone().into_bytes())],
    }
}

impl Render for GetReport {
    fn json(&self) -> serde_json::Value {
        let items: Vec<_> = self
            .entries
            .iter()
            .map(|e| {
                json!({
                    "key": json_text(&e.name),
                    "type": e.kind,
                    "ttl_ms": e.ttl_ms,
                    "value": data_json(&e.data),
                })
            })
            .collect();
        if self.many {
            serde_json::Value::Array(items)
        } else {
            items.into_iter().next().unwrap_or(serde_json::Value::Null)
        }
    }

    fn tables(&self) -> Vec<comfy_table::Table> {
        let mut t = table(&["key", "type", "ttl", "field", "value"]);
        for e in &self.entries {
            let ttl = match (&e.data, e.ttl_ms) {
                (Data::Missing, _) => "-".to_string(),
                (_, Some(ms)) => human_ms(ms),
                (_, None) => "persistent".to_string(),
            };
            let rows = data_rows(&e.data);
            if rows.is_empty() {
                t.add_row(vec![
                    escape_bytes(&e.name),
                    e.kind.clone(),
                    ttl,
                    String::new(),
                    "(missing)".into(),
                ]);
                continue;
            }
            for (i, (f, v)) in rows.iter().enumerate() {
                let (k, ty, tt) = if i == 0 {
                    (escape_bytes(&e.name), e.kind.clone(), ttl.clone())
                } else {
                    (String::new(), String::new(), String::new())
                };
                t.add_row(vec![k, ty, tt, escape_bytes(f), escape_bytes(v)]);
            }
        }
        vec![t]
    }

    fn plain(&self, out: &mut dyn Write) -> io::Result<()> {
        // A single string value is written as its exact bytes (binary-safe
        // `cachectl get k > file`); everything else is one item per line.
        if let [Entry {
            data: Data::String(b),
            ..
        }] = self.entries.as_slice()
        {
            return out.write_all(b);
        }
        for e in &self.entries {
            match &e.data {
                Data::Missing => {}
                Data::String(b) => {
                    out.write_all(b)?;
                    out.write_all(b"\n")?;
                }
                d => {
                    for (f, v) in data_rows(d) {
                        if !f.is_empty() {
                            out.write_all(&f)?;
                            out.write_all(b"\t")?;
                        }
                        out.write_all(&v)?;
                        out.write_all(b"\n")?;
                    }
                }
            }
        }
        Ok(())
    }
}
