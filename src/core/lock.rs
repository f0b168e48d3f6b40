//! Lock primitives on one server (or cluster): the lock is the key NAME holding a
//! random token, set with `SET NAME token NX PX ttl` and released or extended
//! only by compare-and-act Lua, so locks taken by applications that follow the
//! same convention interoperate. A fencing counter lives beside the lock (same
//! hash slot) and is incremented in the same script that takes the lock.

use std::time::Duration;

use rand::RngCore;
use redis::Value;

use super::conn::{slot_of, Idempotent, Redis, Routed};

/// `companion(key, "x")`: a key in the same hash slot as `key`, named after it.
/// `{key}:x` when the key has no braces, `key:x` when it has a hash tag already.
/// Braces that defeat both (`a}b`, `}`, `{}x`) get a hash tag chosen for the
/// key's slot: `{T}:key:x`, where T hashes to that slot as the server computes it.
pub fn companion(key: &[u8], suffix: &str) -> Vec<u8> {
    if let Some(c) = classic_companion(key, suffix) {
        return c;
    }
    match tag_for_slot(slot_of(key)) {
        Some(tag) => {
            let mut out = format!("{{{tag}}}:").into_bytes();
            out.extend_from_slice(&plain_companion(key, suffix));
            out
        }
        None => plain_companion(key, suffix),
    }
}

/// `key:x` or `{key}:x`, when one of them shares the key's slot.
fn classic_companion(key: &[u8], suffix: &str) -> Option<Vec<u8>> {
    let tagged = plain_companion(key, suffix);
    if key.contains(&b'{') && slot_of(&tagged) == slot_of(key) {
        return Some(tagged);
    }
    let mut wrapped = Vec::with_capacity(key.len() + suffix.len() + 3);
    wrapped.push(b'{');
    wrapped.extend_from_slice(key);
    wrapped.extend_from_slice(b"}:");
    wrapped.extend_from_slice(suffix.as_bytes());
    (slot_of(&wrapped) == slot_of(key)).then_some(wrapped)
}

fn plain_companion(key: &[u8], suffix: &str) -> Vec<u8> {
    let mut tagged = key.to_vec();
    tagged.push(b':');
    tagged.extend_from_slice(suffix.as_bytes());
    tagged
}

/// The name earlier versions gave `companion(key, x)` when it differs: `key:x`
/// for keys whose braces defeat both classic forms (right on a standalone
/// server only).
pub fn legacy_companion(key: &[u8], suffix: &str) -> Option<Vec<u8>> {
    classic_companion(key, suffix)
        .is_none()
        .then(|| plain_companion(key, suffix))
}

/// The smallest decimal number whose text hashes to `slot` (every slot has one
/// below 2^20).
fn tag_for_slot(slot: u16) -> Option<String> {
    (0u32..1 << 20)
        .map(|n| n.to_string())
        .find(|t| slot_of(t.as_bytes()) == slot)
}

/// A new random token: 128 bits, hex.
pub fn new_token() -> String {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Take the lock and bump the fencing counter atomically; 0 when the lock is held.
/// The counter's TTL (ARGV[3] ms, 0 = persistent) is refreshed each time, so
/// counters of names no longer used go away.
const ACQUIRE: &str = r"
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  local n = redis.call('INCR', KEYS[2])
  if ARGV[3] == '0' then redis.call('PERSIST', KEYS[2]) else redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
  return n
end
return 0
";

/// ACQUIRE on a standalone server for a lock whose counter had another name in
/// earlier versions (KEYS[3]): the old count is carried over, so fencing
/// tokens keep increasing.
const ACQUIRE_CARRYING: &str = r"
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  if redis.call('EXISTS', KEYS[2]) == 0 then
    local old = redis.call('GET', KEYS[3])
    if old then
      redis.call('SET', KEYS[2], old)
      redis.call('DEL', KEYS[3])
    end
  end
  local n = redis.call('INCR', KEYS[2])
  if ARGV[3] == '0' then redis.call('PERSIST', KEYS[2]) else redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
  return n
end
return 0
";

/// Raise the fencing counter to at least ARGV[1] (Redlock: any two quorums share
/// a node, so raising every node to the quorum's maximum keeps tokens strictly
/// increasing across acquisitions). SET drops the TTL: it is set again (ARGV[2]).
const RAISE_FENCE: &str = r"
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
if cur < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[1])
  if ARGV[2] ~= '0' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
end
return 1
";

/// Delete the lock only if it still holds our token. A key of another type is
/// no lock: a plain "not held", not a WRONGTYPE error. UNLINK, as every delete.
const RELEASE: &str = r"
if redis.call('TYPE', KEYS[1]).ok == 'string' and redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('UNLINK', KEYS[1])
end
return 0
";

/// Extend the lock only if it still holds our token (and is a string, as above).
/// The fencing counter (KEYS[2]) is kept alive as long as the lock is held: its
/// TTL is raised to ARGV[3] ms, never shortened, and never set on a persistent one.
const EXTEND: &str = r"
if redis.call('TYPE', KEYS[1]).ok == 'string' and redis.call('GET', KEYS[1]) == ARGV[1] then
  local done = redis.call('PEXPIRE', KEYS[1], ARGV[2])
  local left = redis.call('PTTL', KEYS[2])
  if left > 0 and left < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
  return done
end
return 0
";

/// EVAL of a script with its keys and arguments (binary safe).
pub fn eval(script: &str, keys: &[&[u8]], args: &[&[u8]]) -> redis::Cmd {
    let mut c = redis::cmd("EVAL");
    c.arg(script).arg(keys.len());
    for k in keys {
        c.arg(*k);
    }
    for a in args {
        c.arg(*a);
    }
    c
}

const FENCE_SUFFIX: &str = "cachectl:fence";

pub fn fence_key(name: &[u8]) -> Vec<u8> {
    companion(name, FENCE_SUFFIX)
}

/// The fencing counter's default TTL: 30 days or 100 x the lock TTL, whichever
/// is longer. Tokens keep increasing as long as the lock is taken at least once
/// per fence TTL.
pub fn default_fence_ttl(ttl: Duration) -> Duration {
    (ttl.saturating_mul(100)).max(Duration::from_secs(30 * 86_400))
}

/// Milliseconds for the scripts; "0" = persistent.
fn fence_ms(fence_ttl: Duration) -> String {
    if fence_ttl.is_zero() {
        "0".into()
    } else {
        fence_ttl.as_millis().max(1).to_string()
    }
}

/// The locks a fencing counter key may belong to: the names whose companion it
/// is (`deploy` and `{deploy}` share one).
pub fn locks_of_fence(fence: &[u8]) -> Vec<Vec<u8>> {
    let Some(base) = fence.strip_suffix(format!(":{FENCE_SUFFIX}").as_bytes()) else {
        return Vec::new();
    };
    let mut candidates = vec![base.to_vec()];
    if let Some(inner) = base.strip_prefix(b"{").and_then(|b| b.strip_suffix(b"}")) {
        candidates.push(inner.to_vec());
    }
    // `{T}:key`, T a decimal tag chosen for the key's slot.
    if let Some(close) = base.iter().position(|&b| b == b'}') {
        if base.first() == Some(&b'{')
            && close > 1
            && base[1..close].iter().all(u8::is_ascii_digit)
            && base.get(close + 1) == Some(&b':')
        {
            candidates.push(base[close + 2..].to_vec());
        }
    }
    candidates.retain(|c| {
        fence_key(c) == fence || legacy_companion(c, FENCE_SUFFIX).as_deref() == Some(fence)
    });
    candidates
}

/// Try once; `Some(fencing token)` when acquired. Never retried after a dropped
/// connection: a lock must not be taken twice.
pub async fn try_acquire(
    redis: &Redis,
    name: &[u8],
    token: &str,
    ttl: Duration,
    fence_ttl: Duration,
) -> anyhow::Result<Option<i64>> {
    let fence = fence_key(name);
    let ms = ttl.as_millis().max(1).to_string();
    let fence_ms = fence_ms(fence_ttl);
    let args = [token.as_bytes(), ms.as_bytes(), fence_ms.as_bytes()];
    // Cross-slot keys are fine on one server; a cluster never had the old name
    // working (CROSSSLOT).
    let legacy = legacy_companion(name, FENCE_SUFFIX).filter(|_| !redis.is_cluster());
    let cmd = match &legacy {
        Some(old) => eval(ACQUIRE_CARRYING, &[name, &fence, old], &args),
        None => eval(ACQUIRE, &[name, &fence], &args),
    };
    let n: i64 = redis.keyed(name, &cmd, Idempotent::No).await?;
    Ok((n > 0).then_some(n))
}

/// `SET NAME token NX PX ttl`, nothing else: for internal locks that need no
/// fencing counter (remember's single flight). Never retried after a drop.
pub async fn try_lock(
    redis: &Redis,
    name: &[u8],
    token: &str,
    ttl: Duration,
) -> anyhow::Result<bool> {
    let mut c = redis::cmd("SET");
    c.arg(name)
        .arg(token)
        .arg("NX")
        .arg("PX")
        .arg(ttl.as_millis().max(1) as u64);
    let v: Value = redis.keyed(name, &c, Idempotent::No).await?;
    Ok(!matches!(v, Value::Nil))
}

/// Poll with backoff until acquired or `wait` has passed. Answers the fencing
/// token and when the successful attempt was sent (the lock's TTL runs from
/// no earlier than that).
pub async fn acquire(
    redis: &Redis,
    name: &[u8],
    token: &str,
    ttl: Duration,
    fence_ttl: Duration,
    wait: Duration,
) -> anyhow::Result<Option<(i64, tokio::time::Instant)>> {
    let deadline = tokio::time::Instant::now() + wait;
    let mut pause = Duration::from_millis(5);
    loop {
        let sent = tokio::time::Instant::now();
        if let Some(f) = try_acquire(redis, name, token, ttl, fence_ttl).await? {
            return Ok(Some((f, sent)));
        }
        let now = tokio::time::Instant::now();
        if now >= deadline {
            return Ok(None);
        }
        // Jitter keeps many waiters from retrying in lockstep.
        let jitter = Duration::from_micros(rand::random::<u64>() % 5000);
        tokio::time::sleep((pause + jitter).min(deadline - now)).await;
        pause = (pause * 2).min(Duration::from_millis(200));
    }
}

pub async fn raise_fence(
    redis: &Redis,
    name: &[u8],
    to: i64,
    fence_ttl: Duration,
) -> anyhow::Result<()> {
    let fence = fence_key(name);
    let to = to.to_string();
    let ms = fence_ms(fence_ttl);
    let cmd = eval(RAISE_FENCE, &[&fence], &[to.as_bytes(), ms.as_bytes()]);
    let _: i64 = redis.keyed(&fence, &cmd, Idempotent::Yes).await?;
    Ok(())
}

/// Compare-and-delete. Not retried after a dropped connection: a second try
/// would answer "not held" for a release that did happen.
pub async fn release(redis: &Redis, name: &[u8], token: &[u8]) -> anyhow::Result<bool> {
    let cmd = eval(RELEASE, &[name], &[token]);
    let n: i64 = redis.keyed(name, &cmd, Idempotent::No).await?;
    Ok(n == 1)
}

/// [`release`] for clean-up after a failure, where only the lock's being gone
/// matters: re-sent after a dropped connection (compare-and-delete is safe to
/// repeat; its answer to the repeat may say "not held", which is ignored).
pub async fn release_after_failure(redis: &Redis, name: &[u8], token: &[u8]) -> anyhow::Result<()> {
    let cmd = eval(RELEASE, &[name], &[token]);
    let _: i64 = redis.keyed(name, &cmd, Idempotent::Yes).await?;
    Ok(())
}

/// Extend a lock that has no fencing counter to keep alive (remember's).
pub async fn extend(
    redis: &Redis,
    name: &[u8],
    token: &str,
    ttl: Duration,
) -> anyhow::Result<bool> {
    extend_fenced(redis, name, token, ttl, Duration::ZERO).await
}

/// Extend, and raise the fencing counter's TTL to `fence_ttl` (zero: leave it).
pub async fn extend_fenced(
    redis: &Redis,
    name: &[u8],
    token: &str,
    ttl: Duration,
    fence_ttl: Duration,
) -> anyhow::Result<bool> {
    let ms = ttl.as_millis().max(1).to_string();
    let fence = fence_key(name);
    let fence_ms = fence_ms(fence_ttl);
    let cmd = eval(
        EXTEND,
        &[name, &fence],
        &[token.as_bytes(), ms.as_bytes(), fence_ms.as_bytes()],
    );
    let n: i64 = redis.keyed(name, &cmd, Idempotent::Yes).await?;
    Ok(n == 1)
}

/// python-redis-lock's wake-up: the signal list gets exactly one element and
/// the library's expiry, as its own unlock and reset scripts do.
const SIGNAL: &str = r"
redis.call('DEL', KEYS[1])
redis.call('LPUSH', KEYS[1], 1)
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
";

/// Wake the waiters blocked on `list` (BLPOP).
pub async fn signal(redis: &Redis, list: &[u8], expire: Duration) -> anyhow::Result<()> {
    let ms = expire.as_millis().max(1).to_string();
    let cmd = eval(SIGNAL, &[list], &[ms.as_bytes()]);
    let _: i64 = redis.keyed(list, &cmd, Idempotent::Yes).await?;
    Ok(())
}

/// The signal list python-redis-lock keeps beside `lock:NAME`: `lock-signal:NAME`.
pub fn signal_list_of(name: &[u8]) -> Option<Vec<u8>> {
    let rest = name.strip_prefix(b"lock:")?;
    let mut list = b"lock-signal:".to_vec();
    list.extend_from_slice(rest);
    Some(list)
}

/// A python-redis-lock id: base64 of 18 random bytes (24 characters, no padding).
pub fn is_python_redis_lock_id(token: &[u8]) -> bool {
    token.len() == 24
        && token
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/')
}

/// Whether to signal `list` (the [`signal_list_of`] the lock) after the lock is
/// released: when the lock is python-redis-lock's (the list exists beside it, or
/// the lock holds one of its ids).
pub async fn detect_signal_list(
    redis: &Redis,
    list: Vec<u8>,
    tokens: &[Vec<u8>],
) -> anyhow::Result<Option<Vec<u8>>> {
    if tokens.iter().any(|t| is_python_redis_lock_id(t)) {
        return Ok(Some(list));
    }
    let mut t = redis::cmd("TYPE");
    t.arg(&list);
    let kind: Value = redis.keyed(&list, &t, Idempotent::Yes).await?;
    let is_list = match kind {
        Value::SimpleString(s) => s == "list",
        Value::BulkString(b) => b == b"list",
        _ => false,
    };
    Ok(is_list.then_some(list))
}

/// What a lock key holds now.
#[derive(Debug, Clone)]
pub struct LockState {
    pub token: Option<Vec<u8>>,
    pub ttl_ms: Option<i64>,
    pub fence: Option<i64>,
    /// The key exists but is not a string: not a lock.
    pub foreign_type: Option<String>,
}

pub async fn status(redis: &Redis, name: &[u8]) -> anyhow::Result<LockState> {
    let fence = fence_key(name);
    let mut t = redis::cmd("TYPE");
    t.arg(name);
    let mut g = redis::cmd("GET");
    g.arg(name);
    let mut p = redis::cmd("PTTL");
    p.arg(name);
    let mut f = redis::cmd("GET");
    f.arg(&fence);
    let cmds = vec![
        Routed::new(name, t),
        Routed::new(name, p),
        Routed::new(name, g),
        Routed::new(&fence, f),
    ];
    let r = redis.batch(cmds, Idempotent::Yes).await?.replies;
    let kind = match &r[0] {
        Value::SimpleString(s) => s.clone(),
        Value::BulkString(b) => String::from_utf8_lossy(b).into_owned(),
        _ => "none".into(),
    };
    let ttl = match r[1] {
        Value::Int(n) if n >= 0 => Some(n),
        _ => None,
    };
    let token = match &r[2] {
        Value::BulkString(b) => Some(b.clone()),
        _ => None,
    };
    let fence = match &r[3] {
        Value::BulkString(b) => String::from_utf8_lossy(b).parse().ok(),
        _ => None,
    };
    let foreign_type = (kind != "string" && kind != "none").then_some(kind);
    Ok(LockState {
        token,
        ttl_ms: ttl,
        fence,
        foreign_type,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn companions_share_the_slot() {
        for key in [
            &b"report"[..],
            b"lock:scraper:amazon",
            b"{user:1}:profile",
            b"a{b}c{d}",
        ] {
            let c = companion(key, "cachectl:lock");
            assert_eq!(
                slot_of(&c),
                slot_of(key),
                "{}",
                String::from_utf8_lossy(key)
            );
        }
        assert_eq!(companion(b"report", "m"), b"{report}:m".to_vec());
        assert_eq!(legacy_companion(b"report", "m"), None);
        for key in [&b"a}b"[..], b"}", b"{}x", b"{", b"}{a}", b"x{}{y}"] {
            let c = companion(key, "cachectl:lock");
            assert_eq!(
                slot_of(&c),
                slot_of(key),
                "{}",
                String::from_utf8_lossy(key)
            );
            assert!(c.ends_with(b":cachectl:lock"));
        }
        assert_eq!(
            legacy_companion(b"a}b", "cachectl:fence"),
            Some(b"a}b:cachectl:fence".to_vec())
        );
        assert_eq!(companion(b"{u1}:p", "m"), b"{u1}:p:m".to_vec());
    }

    #[test]
    fn fence_keys_name_their_lock() {
        for key in [
            &b"deploy"[..],
            b"{user:1}:job",
            b"job}1",
            b"}",
            b"{}x",
            b"a{b}c{d}",
        ] {
            assert!(
                locks_of_fence(&fence_key(key)).contains(&key.to_vec()),
                "{}",
                String::from_utf8_lossy(key)
            );
        }
        assert!(locks_of_fence(b"deploy").is_empty());
        assert_eq!(
            locks_of_fence(b"{deploy}:cachectl:fence"),
            vec![b"{deploy}".to_vec(), b"deploy".to_vec()]
        );
        assert_eq!(
            default_fence_ttl(Duration::from_secs(10)),
            Duration::from_secs(30 * 86_400)
        );
        assert_eq!(
            default_fence_ttl(Duration::from_secs(86_400)),
            Duration::from_secs(100 * 86_400)
        );
    }

    #[test]
    fn python_redis_lock_shapes() {
        assert_eq!(
            signal_list_of(b"lock:job:1").as_deref(),
            Some(&b"lock-signal:job:1"[..])
        );
        assert_eq!(signal_list_of(b"job"), None);
        assert!(is_python_redis_lock_id(b"q3Jf0+Zb9xVw2YtLmN8aPk1/"));
        assert!(!is_python_redis_lock_id(
            b"0f3a9c1e5b7d4a2f8e6c0b1d3f5a7c9e"
        ));
        assert!(!is_python_redis_lock_id(b"q3Jf0+Zb9xVw2YtLmN8aPk=="));
    }

    #[test]
    fn every_slot_has_a_tag() {
        let mut missing: std::collections::BTreeSet<u16> = (0..16384).collect();
        for n in 0u32..1 << 20 {
            missing.remove(&slot_of(n.to_string().as_bytes()));
            if missing.is_empty() {
                break;
            }
        }
        assert!(missing.is_empty(), "{} slots without a tag", missing.len());
        assert_eq!(tag_for_slot(slot_of(b"7")).as_deref(), Some("7"));
    }

    #[test]
    fn tokens_are_random_hex() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
    }
}
