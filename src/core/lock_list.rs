//! Finding held locks (`lock list`). Without a pattern: every lock cachectl
//! took (found by its fencing counter) and `*lock*` keys holding a token. With
//! one: the matching string keys whose value looks like a lock token; the rest
//! are counted.

use std::collections::BTreeMap;
use std::sync::Arc;

use redis::FromRedisValue;

use super::conn::{Idempotent, Redis, Routed};
use super::lock::locks_of_fence;
use super::scan::{scan_all, ScanOpts};
use crate::keys::Namespace;
use crate::keyspace::companion_group;

/// A lock key and what it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct HeldLock {
    pub name: Vec<u8>,
    pub token: Vec<u8>,
    /// `None`: no TTL (a stuck lock?).
    pub ttl_ms: Option<i64>,
}

#[derive(Debug, Clone, Default)]
pub struct HeldLocks {
    /// By name.
    pub locks: Vec<HeldLock>,
    /// Matching string keys whose value is no lock token.
    pub skipped: u64,
}

/// Does a string value look like a lock token (random ids, UUIDs, base64,
/// `host:pid:n`)? Plain cache values (text, JSON, HTML, small numbers) do not.
pub fn looks_like_token(v: &[u8]) -> bool {
    (8..=128).contains(&v.len())
        && v.iter()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:+/=".contains(b))
        && (v.len() >= 16 || v.iter().any(u8::is_ascii_digit))
}

/// Keys from one SCAN (string keys only), without cachectl's counters.
async fn scan_names(redis: &Arc<Redis>, pattern: Vec<u8>) -> anyhow::Result<Vec<Vec<u8>>> {
    let opts = ScanOpts {
        pattern,
        count: 1000,
        key_type: Some("string".into()),
    };
    let mut rx = scan_all(redis, &opts, &|_| Some(0), 4);
    let mut out = Vec::new();
    while let Some(batch) = rx.recv().await {
        out.extend(batch?.keys);
    }
    Ok(out)
}

/// Held locks in the namespace; `pattern` is inside it (not yet prefixed).
pub async fn held_locks(
    redis: &Arc<Redis>,
    ns: &Namespace,
    pattern: Option<&[u8]>,
) -> anyhow::Result<HeldLocks> {
    // name -> whether it is known to be a lock (cachectl's own).
    let mut names: BTreeMap<Vec<u8>, bool> = BTreeMap::new();
    let candidates = match pattern {
        Some(p) => scan_names(redis, ns.pattern(p)).await?,
        None => {
            let prefix = ns.key(b"");
            for f in scan_names(redis, b"*:cachectl:fence".to_vec()).await? {
                for name in locks_of_fence(&f) {
                    if name.starts_with(&prefix) {
                        names.insert(name, true);
                    }
                }
            }
            scan_names(redis, ns.pattern(b"*lock*")).await?
        }
    };
    for k in candidates {
        if !matches!(
            companion_group(&k),
            Some(b"(cachectl:fence)" | b"(cachectl:meta)")
        ) {
            names.entry(k).or_insert(false);
        }
    }
    let names: Vec<(Vec<u8>, bool)> = names.into_iter().collect();
    let mut out = HeldLocks::default();
    for chunk in names.chunks(500) {
        let mut cmds = Vec::with_capacity(chunk.len() * 2);
        for (k, _) in chunk {
            let mut g = redis::cmd("GET");
            g.arg(k);
            let mut p = redis::cmd("PTTL");
            p.arg(k);
            cmds.push(Routed::new(k, g));
            cmds.push(Routed::new(k, p));
        }
        let replies = redis.batch(cmds, Idempotent::Yes).await?.replies;
        for ((k, own), pair) in chunk.iter().zip(replies.chunks(2)) {
            // Gone since the scan, or not a string: not held.
            let Ok(Some(token)) = Option::<Vec<u8>>::from_redis_value(pair[0].clone()) else {
                continue;
            };
            if !own && !looks_like_token(&token) {
                out.skipped += 1;
                continue;
            }
            let ttl_ms = i64::from_redis_value(pair[1].clone())
                .ok()
                .filter(|t| *t >= 0);
            out.locks.push(HeldLock {
                name: k.clone(),
                token,
                ttl_ms,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_tokens_and_cache_values() {
        for t in [
            &b"0f3a9c1e5b7d4a2f8e6c0b1d3f5a7c9e"[..],
            b"8d1f0c2e-5b7a-4a63-9d0e-1f2a3b4c5d6e",
            b"app-token-123",
            b"k3J9sd0aQ+xzP1mB/aaaaaa=",
        ] {
            assert!(looks_like_token(t), "{}", String::from_utf8_lossy(t));
        }
        for v in [
            &b"v"[..],
            b"1",
            b"hello world",
            b"{\"user\": 1}",
            b"<html></html>",
            b"cached",
        ] {
            assert!(!looks_like_token(v), "{}", String::from_utf8_lossy(v));
        }
    }
}
