//! Type-aware reads of whole keys (`get`): TYPE + PTTL for every key in one
//! pipelined round trip, then one read per key by its type in a second.

use anyhow::Context as _;
use redis::{Cmd, FromRedisValue, Value};

use super::conn::{is_unreachable, server_failure, Idempotent, Redis, Routed};
use crate::keys::escape_bytes;

/// A key's value, by type.
#[derive(Debug, Clone, PartialEq)]
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
    /// Its primary is down: nothing is known of it.
    Unreachable,
}

/// A stream entry: its ID and field/value pairs.
pub type StreamEntry = (String, Vec<(Vec<u8>, Vec<u8>)>);

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The name as asked for (inside the namespace).
    pub name: Vec<u8>,
    pub kind: String,
    pub ttl_ms: Option<i64>,
    pub data: Data,
}

/// The `type` of a key whose primary is down.
pub const UNREACHABLE_KIND: &str = "unreachable";

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

/// Read keys with their type and TTL: `keys` are (name as asked, full key).
pub async fn read_entries(
    redis: &Redis,
    keys: Vec<(Vec<u8>, Vec<u8>)>,
) -> anyhow::Result<Vec<Entry>> {
    let mut meta = Vec::with_capacity(keys.len() * 2);
    for (_, k) in &keys {
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
        let key = escape_bytes(&keys[i / 2].1);
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
        if let Some(c) = read_cmd(kind, &keys[i].1) {
            slots.push(Some(reads.len()));
            reads.push(Routed::new(&keys[i].1, c));
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
    let mut out = Vec::with_capacity(keys.len());
    for (i, (name, _)) in keys.into_iter().enumerate() {
        let (kind, ttl) = &kinds[i];
        let data = match slots[i] {
            Some(j) => decode(kind, values[j].take().unwrap_or(Value::Nil)),
            None if kind == "none" => Data::Missing,
            None if kind == UNREACHABLE_KIND => Data::Unreachable,
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
