//! Cache-or-compute with single flight across processes and hosts, and XFetch
//! probabilistic early recomputation.
//!
//! The value key holds the plain bytes an application would read. Beside it, in
//! the same hash slot: `{KEY}:cachectl:lock` (the single-flight lock, kept alive
//! while CMD runs) and `{KEY}:cachectl:meta` (the last compute time in ms, for
//! XFetch, with the value's TTL).

use std::ffi::OsString;
use std::time::{Duration, Instant};

use redis::{FromRedisValue, Value};

use super::conn::{Idempotent, Redis, Routed};
use super::lock::{companion, extend, new_token, release, release_after_failure, try_lock};
use crate::child::{code_of, listen, spawn, Ended, Keeping, Signals};
use crate::error::{negative, usage, CliError};
use crate::keys::escape_bytes;

/// What `remember` needs to know.
#[derive(Debug, Clone)]
pub struct Options {
    /// The value's TTL; `None` keeps it forever.
    pub ttl: Option<Duration>,
    pub lock_ttl: Duration,
    /// How long to wait for another process's value.
    pub wait: Duration,
    /// XFetch's β (0 disables early recomputation).
    pub beta: f64,
    pub cmd: Vec<OsString>,
}

/// The value served, and how it was obtained.
#[derive(Debug, Default)]
pub struct Served {
    pub value: Vec<u8>,
    pub hit: bool,
    pub computed: bool,
    pub early: bool,
    /// Another process computed it while we waited.
    pub waited: bool,
    pub compute_ms: Option<u64>,
    pub ttl_ms: Option<i64>,
    /// An early refresh that failed; the cached value was served instead.
    pub early_failure: Option<anyhow::Error>,
}

struct Keys {
    value: Vec<u8>,
    lock: Vec<u8>,
    meta: Vec<u8>,
}

struct Cached {
    value: Vec<u8>,
    ttl_ms: Option<i64>,
    delta_ms: Option<f64>,
}

/// Value, its PTTL and the recorded compute time, in one round trip.
async fn read(redis: &Redis, k: &Keys) -> anyhow::Result<Option<Cached>> {
    let mut g = redis::cmd("GET");
    g.arg(&k.value);
    let mut p = redis::cmd("PTTL");
    p.arg(&k.value);
    let mut m = redis::cmd("GET");
    m.arg(&k.meta);
    let cmds = [
        Routed::new(&k.value, g),
        Routed::new(&k.value, p),
        Routed::new(&k.meta, m),
    ];
    let r = redis.batch(cmds.into(), Idempotent::Yes).await?.replies;
    redis.first_error(&r)?;
    let Value::BulkString(value) = &r[0] else {
        return Ok(None);
    };
    let ttl = i64::from_redis_value(r[1].clone()).ok().filter(|t| *t >= 0);
    let delta = match &r[2] {
        Value::BulkString(b) => std::str::from_utf8(b).ok().and_then(|s| s.parse().ok()),
        _ => None,
    };
    Ok(Some(Cached {
        value: value.clone(),
        ttl_ms: ttl,
        delta_ms: delta,
    }))
}

/// XFetch (Vattani, Chierichetti, Lowenstein, VLDB 2015): recompute when
/// `now − δ·β·ln(rand) ≥ expiry`, i.e. `−δ·β·ln(rand) ≥ remaining TTL`.
pub fn xfetch_due(delta_ms: f64, beta: f64, remaining_ms: f64, rand01: f64) -> bool {
    if beta <= 0.0 || delta_ms <= 0.0 {
        return false;
    }
    let r = rand01.clamp(f64::MIN_POSITIVE, 1.0);
    -delta_ms * beta * r.ln() >= remaining_ms
}

enum Computed {
    Stored(Vec<u8>, u64),
    Failed(anyhow::Error),
}

/// Run CMD holding the lock (taken at `locked_at`, extended every lock_ttl/3),
/// store its stdout. Every outcome but a stored value frees the lock at once
/// (compare-and-delete, so never another holder's): a false single-flight lock
/// would make the next callers wait for a value nobody computes.
async fn compute(
    redis: &Redis,
    o: &Options,
    k: &Keys,
    token: &str,
    locked_at: tokio::time::Instant,
    signals: &Signals,
) -> anyhow::Result<Computed> {
    let result = compute_locked(redis, o, k, token, locked_at, signals).await;
    if !matches!(result, Ok(Computed::Stored(..))) {
        // The failure may have been the connection itself: this goes again.
        let _ = release_after_failure(redis, &k.lock, token.as_bytes()).await;
    }
    result
}

async fn compute_locked(
    redis: &Redis,
    o: &Options,
    k: &Keys,
    token: &str,
    locked_at: tokio::time::Instant,
    signals: &Signals,
) -> anyhow::Result<Computed> {
    let started = Instant::now();
    let plan = Keeping::new(o.lock_ttl, None).map_err(usage)?;
    let mut child = spawn(&o.cmd, true, &[])?;
    let ended = child
        .supervise(plan, locked_at + o.lock_ttl, signals, || {
            extend(redis, &k.lock, token, o.lock_ttl)
        })
        .await?;
    let out = child.stdout().await;
    let status = match ended {
        Ended::Exited(s) => s,
        Ended::Interrupted => return Ok(Computed::Failed(CliError::Interrupted.into())),
        Ended::LockLost => {
            return Ok(Computed::Failed(negative(format!(
                "lost the compute lock {} while {} ran; nothing cached",
                escape_bytes(&k.lock),
                child.name
            ))))
        }
    };
    if !status.success() {
        return Ok(Computed::Failed(
            CliError::Child {
                cmd: child.name.clone(),
                code: code_of(status),
            }
            .into(),
        ));
    }
    let out = out?;
    let delta = started.elapsed().as_millis() as u64;
    let mut set = redis::cmd("SET");
    set.arg(&k.value).arg(&out);
    let mut meta = redis::cmd("SET");
    meta.arg(&k.meta).arg(delta);
    if let Some(ttl) = o.ttl {
        let ms = ttl.as_millis() as u64;
        set.arg("PX").arg(ms);
        meta.arg("PX").arg(ms);
    }
    let cmds = [Routed::new(&k.value, set), Routed::new(&k.meta, meta)];
    let r = redis.batch(cmds.into(), Idempotent::Yes).await?.replies;
    redis.first_error(&r)?;
    release(redis, &k.lock, token.as_bytes()).await?;
    Ok(Computed::Stored(out, delta))
}

impl Served {
    fn hit(c: Cached) -> Served {
        Served {
            value: c.value,
            hit: true,
            ttl_ms: c.ttl_ms,
            ..Served::default()
        }
    }

    fn computed(value: Vec<u8>, delta: u64, o: &Options) -> Served {
        Served {
            value,
            computed: true,
            compute_ms: Some(delta),
            ttl_ms: o.ttl.map(|d| d.as_millis() as i64),
            ..Served::default()
        }
    }
}

/// Serve `key` (the full key name) from the cache, or compute it with CMD.
/// `None`: another process was still computing it when `wait` ran out.
pub async fn remember(redis: &Redis, key: Vec<u8>, o: &Options) -> anyhow::Result<Option<Served>> {
    let k = Keys {
        lock: companion(&key, "cachectl:lock"),
        meta: companion(&key, "cachectl:meta"),
        value: key,
    };
    if let Some(hit) = read(redis, &k).await? {
        let early = match (hit.delta_ms, hit.ttl_ms) {
            (Some(d), Some(t)) => xfetch_due(d, o.beta, t as f64, rand::random::<f64>()),
            _ => false,
        };
        let mut early_failure = None;
        if early {
            let signals = listen();
            let token = new_token();
            // Only one process refreshes early; everyone else keeps serving the hit.
            let locked_at = tokio::time::Instant::now();
            if try_lock(redis, &k.lock, &token, o.lock_ttl).await? {
                // Any failure of an early refresh (CMD failed or could not
                // start, the store failed) still leaves a good hit to serve.
                let computed = compute(redis, o, &k, &token, locked_at, &signals)
                    .await
                    .unwrap_or_else(Computed::Failed);
                match computed {
                    Computed::Stored(v, d) => {
                        let mut s = Served::computed(v, d, o);
                        s.early = true;
                        return Ok(Some(s));
                    }
                    Computed::Failed(e) if signals.interrupt.is_set() => return Err(e),
                    Computed::Failed(e) => early_failure = Some(e),
                }
            }
        }
        let mut s = Served::hit(hit);
        s.early_failure = early_failure;
        return Ok(Some(s));
    }

    // Miss: one process computes, the others wait for its value.
    let signals = listen();
    let token = new_token();
    let deadline = tokio::time::Instant::now() + o.wait;
    let mut pause = Duration::from_millis(10);
    loop {
        let locked_at = tokio::time::Instant::now();
        if try_lock(redis, &k.lock, &token, o.lock_ttl).await? {
            // Someone may have stored the value just before we got the lock.
            let hit = read(redis, &k).await;
            if !matches!(hit, Ok(None)) {
                release(redis, &k.lock, token.as_bytes()).await?;
            }
            if let Some(hit) = hit? {
                // Served as stored, without the TTL it has left (as before).
                return Ok(Some(Served {
                    ttl_ms: None,
                    ..Served::hit(hit)
                }));
            }
            return match compute(redis, o, &k, &token, locked_at, &signals).await? {
                Computed::Stored(v, d) => Ok(Some(Served::computed(v, d, o))),
                Computed::Failed(e) => Err(e),
            };
        }
        if let Some(hit) = read(redis, &k).await? {
            return Ok(Some(Served {
                ttl_ms: None,
                waited: true,
                ..Served::hit(hit)
            }));
        }
        if signals.interrupt.is_set() {
            return Err(CliError::Interrupted.into());
        }
        let now = tokio::time::Instant::now();
        if now >= deadline {
            return Ok(None);
        }
        tokio::time::sleep(pause.min(deadline - now)).await;
        pause = (pause * 2).min(Duration::from_millis(100));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xfetch_probability_rises_as_expiry_nears() {
        // Far from expiry: even an unlucky draw does not trigger.
        assert!(!xfetch_due(100.0, 1.0, 1_000_000.0, 0.001));
        // At expiry every draw triggers.
        assert!(xfetch_due(100.0, 1.0, 0.0, 0.99));
        // beta = 0 never triggers.
        assert!(!xfetch_due(100.0, 0.0, 0.0, 0.001));
        // -ln(0.5) * 100 ≈ 69 ms of headroom.
        assert!(xfetch_due(100.0, 1.0, 60.0, 0.5));
        assert!(!xfetch_due(100.0, 1.0, 80.0, 0.5));
        let hits = (1..1000)
            .filter(|i| xfetch_due(100.0, 1.0, 200.0, *i as f64 / 1000.0))
            .count();
        // P(-100 ln r >= 200) = e^-2 ≈ 13.5%.
        assert!((100..170).contains(&hits), "{hits}");
    }
}
