//! The limiter scripts, and one request through them.

use std::sync::LazyLock;

use redis::{FromRedisValue, Value};

use super::{Algorithm, Policy, Verdict, MAX_LOG_PRUNE, MAX_TTL_MS};
use crate::core::conn::{server_failure, slot_of, Idempotent, Redis, Routed};
use crate::error::RedisFailure;

/// Sliding log. ARGV: limit, window_ms, cost, units per µs, member prefix,
/// count_denied, most entries removed. The member is unique per request and
/// unit (scores alone collide within a millisecond, which lets through more
/// than the limit); in a log of numeric members, the next timestamp not taken. Every step is O(log N) plus at most `cost` writes and
/// `prune` removals: expired entries are counted with ZCOUNT and removed
/// oldest first by rank, a bounded slice per call.
const SLIDING_LOG: &str = r"
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window_ms = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local per_us = tonumber(ARGV[4])
local prune = tonumber(ARGV[7])
local t = redis.call('TIME')
local now = (tonumber(t[1]) * 1000000 + tonumber(t[2])) * per_us
local window = window_ms * 1000 * per_us
-- A log whose members are numbers (the timestamp, as async-ratelimiter and
-- rolling-rate-limiter write it) gets numbers: such libraries read members
-- back with tonumber.
local newest_member = redis.call('ZRANGE', key, -1, -1)[1]
local numeric = newest_member ~= nil and tonumber(newest_member) ~= nil
local old = redis.call('ZCOUNT', key, '-inf', now - window)
if old > 0 then
  local n = math.min(old, prune)
  redis.call('ZREMRANGEBYRANK', key, 0, n - 1)
  old = old - n
end
local count = redis.call('ZCARD', key) - old
local allowed = cost <= limit and count + cost <= limit
local retry = -1
if not allowed then
  if cost > limit then
    retry = -2
  else
    local leave = old + count + cost - limit - 1
    local e = redis.call('ZRANGE', key, leave, leave, 'WITHSCORES')
    retry = math.max(1, math.ceil((tonumber(e[2]) + window - now) / per_us / 1000))
  end
end
if cost <= limit and (allowed or ARGV[6] == '1') then
  local args = {}
  local m = math.floor(now)
  -- Past a float's integer precision (ns), +1 would not move.
  local step = 1
  while m + step == m do step = step * 2 end
  for i = 1, cost do
    args[2 * i - 1] = now
    if numeric then
      -- Unique like the timestamps themselves: the next free one.
      while redis.call('ZSCORE', key, string.format('%.0f', m)) do m = m + step end
      args[2 * i] = string.format('%.0f', m)
      m = m + step
    else
      args[2 * i] = ARGV[5] .. ':' .. i
    end
  end
  redis.call('ZADD', key, unpack(args))
  count = count + cost
  if count > limit then
    -- Recorded denials: only the newest `limit` entries decide a verdict, so
    -- the older ones go and the log stays within the limit.
    local excess = math.min(count - limit, prune)
    redis.call('ZREMRANGEBYRANK', key, old, old + excess - 1)
    count = count - excess
  end
  redis.call('PEXPIRE', key, window_ms)
end
local reset = 0
local newest = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
if newest[2] then
  reset = math.max(0, math.ceil((tonumber(newest[2]) + window - now) / per_us / 1000))
end
return {allowed and 1 or 0, math.max(0, limit - count), retry, reset}
";

/// Fixed window. ARGV: limit, window_ms, cost, count_denied. The TTL is set in
/// the same call as the INCRBY, and also repairs a counter an application left
/// without one (INCR then EXPIRE from the client is the classic race).
const FIXED_WINDOW: &str = r"
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window_ms = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local raw = redis.call('GET', key)
local count = 0
if raw then
  count = tonumber(raw)
  if not count then
    return redis.error_reply('WRONGTYPE the key holds a string that is not a counter')
  end
end
local allowed = cost <= limit and count + cost <= limit
if cost <= limit and (allowed or ARGV[4] == '1') then
  count = redis.call('INCRBY', key, cost)
  if redis.call('PTTL', key) < 0 then
    redis.call('PEXPIRE', key, window_ms)
  end
end
local ttl = redis.call('PTTL', key)
local retry = -1
if not allowed then
  if cost > limit or ttl == -1 then
    retry = -2
  else
    retry = math.max(1, ttl)
  end
end
local reset = ttl
if ttl == -2 then reset = 0 elseif ttl == -1 then reset = -2 end
return {allowed and 1 or 0, math.max(0, limit - count), retry, reset}
";

/// Token bucket. ARGV: capacity, refill per ms, cost, units per µs of `ts`,
/// longest TTL. The key expires when the bucket would be full again, which is
/// the same as no key at all.
const TOKEN_BUCKET: &str = r"
local key = KEYS[1]
local cap = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local per_us = tonumber(ARGV[4])
local max_ttl = tonumber(ARGV[5])
local function ms(x) return math.min(max_ttl, x) end
local eps = 1e-9
local t = redis.call('TIME')
local now_us = tonumber(t[1]) * 1000000 + tonumber(t[2])
local h = redis.call('HMGET', key, 'tokens', 'ts')
local tokens = tonumber(h[1])
local ts = tonumber(h[2])
if tokens == nil then tokens = cap end
if ts ~= nil then
  local elapsed_ms = (now_us - ts / per_us) / 1000
  if elapsed_ms > 0 then tokens = tokens + elapsed_ms * rate end
end
if tokens > cap then tokens = cap end
if cost > cap then
  return {0, math.floor(tokens + eps), -2, ms(math.ceil((cap - tokens) / rate))}
end
if tokens + eps >= cost then
  tokens = math.max(0, tokens - cost)
  local full_ms = ms(math.max(1, math.ceil((cap - tokens) / rate)))
  redis.call('HSET', key, 'tokens', tokens, 'ts', now_us * per_us)
  redis.call('PEXPIRE', key, full_ms)
  return {1, math.floor(tokens + eps), -1, full_ms}
end
return {0, math.floor(tokens + eps), ms(math.max(1, math.ceil((cost - tokens) / rate))), ms(math.ceil((cap - tokens) / rate))}
";

/// GCRA in go-redis/redis_rate's layout (the TAT as float seconds since
/// 2017-01-01, so either tool reads the other's key). ARGV: burst, rate,
/// period in seconds, cost, longest TTL. Denials write nothing.
const GCRA: &str = r"
local key = KEYS[1]
local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local period = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local function ms(x) return math.min(tonumber(ARGV[5]), x) end
local eps = 1e-9
local emission = period / rate
local burst_offset = emission * burst
local t = redis.call('TIME')
local now = (tonumber(t[1]) - 1483228800) + tonumber(t[2]) / 1000000
local tat = tonumber(redis.call('GET', key))
if not tat or tat < now then tat = now end
-- Differences first: at TATs centuries ahead, `new_tat - burst_offset` would
-- lose the seconds that decide a verdict.
local left = math.max(0, math.floor((now - tat) / emission + burst + eps))
local reset_ms = ms(math.ceil((tat - now) * 1000))
if cost > burst then
  return {0, left, -2, reset_ms}
end
local new_tat = tat + emission * cost
local diff = (now - tat) + emission * (burst - cost)
if diff / emission < -eps then
  return {0, left, ms(math.max(1, math.ceil(-diff * 1000))), reset_ms}
end
local reset = ms(math.max(1, math.ceil((new_tat - now) * 1000)))
redis.call('SET', key, new_tat, 'PX', reset)
return {1, math.max(0, math.floor(diff / emission + eps)), -1, reset}
";

/// A script and its SHA1, computed once: requests send EVALSHA (40 bytes)
/// instead of the script (about 1 KB).
struct Lua {
    code: &'static str,
    sha: String,
}

impl Lua {
    fn new(code: &'static str) -> Self {
        Lua {
            code,
            sha: redis::Script::new(code).get_hash().to_string(),
        }
    }
}

static SCRIPTS: LazyLock<[Lua; 4]> = LazyLock::new(|| {
    [
        Lua::new(SLIDING_LOG),
        Lua::new(FIXED_WINDOW),
        Lua::new(TOKEN_BUCKET),
        Lua::new(GCRA),
    ]
});

fn script_of(algo: Algorithm) -> &'static Lua {
    let i = match algo {
        Algorithm::SlidingLog => 0,
        Algorithm::FixedWindow => 1,
        Algorithm::TokenBucket => 2,
        Algorithm::Gcra => 3,
    };
    &SCRIPTS[i]
}

/// A script's arguments for one request of `cost` units.
fn request_args(p: &Policy, member: &str) -> Vec<String> {
    let limit = p.limit.to_string();
    let window = p.window_ms.to_string();
    let cost = p.cost.to_string();
    let per_us = p.unit.per_us().to_string();
    let denied = if p.count_denied { "1" } else { "0" }.to_string();
    let max_ttl = MAX_TTL_MS.to_string();
    match p.algo {
        Algorithm::SlidingLog => vec![
            limit,
            window,
            cost,
            per_us,
            member.to_string(),
            denied,
            MAX_LOG_PRUNE.to_string(),
        ],
        Algorithm::FixedWindow => vec![limit, window, cost, denied],
        Algorithm::TokenBucket => vec![
            p.burst.to_string(),
            (p.limit as f64 / p.window_ms as f64).to_string(),
            cost,
            per_us,
            max_ttl,
        ],
        Algorithm::Gcra => vec![
            p.burst.to_string(),
            limit,
            (p.window_ms as f64 / 1000.0).to_string(),
            cost,
            max_ttl,
        ],
    }
}

/// `EVALSHA sha 1 KEY ARGS…`, or with `full` the `EVAL` that also loads the
/// script into the node's cache.
pub(super) fn request_cmd(p: &Policy, key: &[u8], member: &str, full: bool) -> redis::Cmd {
    let lua = script_of(p.algo);
    let mut c = if full {
        let mut c = redis::cmd("EVAL");
        c.arg(lua.code);
        c
    } else {
        let mut c = redis::cmd("EVALSHA");
        c.arg(&lua.sha);
        c
    };
    c.arg(1).arg(key);
    for a in request_args(p, member) {
        c.arg(a);
    }
    c
}

fn wait_of(v: i64) -> Option<i64> {
    match v {
        -1 => Some(0),
        n if n < 0 => None,
        n => Some(n),
    }
}

/// `{allowed, remaining, retry_after_ms, reset_after_ms}` → a verdict.
pub(super) fn parse_verdict(reply: &[i64]) -> Option<Verdict> {
    let [allowed, remaining, retry, reset] = *reply else {
        return None;
    };
    Some(Verdict {
        allowed: allowed == 1,
        remaining,
        retry_after_ms: wait_of(retry),
        reset_after_ms: wait_of(reset),
    })
}

/// Send one request. Never re-sent after a dropped connection: a retry could
/// count the request twice.
///
/// EVALSHA first. The script cache is per node and emptied by a restart, a
/// failover to a replica that never ran it, or SCRIPT FLUSH: then the node
/// answers NOSCRIPT without running anything, and the request goes again as
/// EVAL, which also loads the script for the next ones.
pub async fn request(
    redis: &Redis,
    p: &Policy,
    key: &[u8],
    member: &str,
) -> anyhow::Result<Verdict> {
    let mut reply = send(redis, key, request_cmd(p, key, member, false)).await?;
    if matches!(&reply, Value::ServerError(e) if e.code() == "NOSCRIPT") {
        reply = send(redis, key, request_cmd(p, key, member, true)).await?;
    }
    if let Value::ServerError(e) = &reply {
        let node = redis.node_for_slot(slot_of(key)).addr.clone();
        return Err(server_failure(&node, e).into());
    }
    let reply = Vec::<i64>::from_redis_value(reply).map_err(|e| RedisFailure::Server {
        node: "server".into(),
        msg: format!("unexpected reply from the limiter script: {e}"),
    })?;
    parse_verdict(&reply).ok_or_else(|| {
        anyhow::Error::from(RedisFailure::Server {
            node: "server".into(),
            msg: format!("unexpected reply from the limiter script: {reply:?}"),
        })
    })
}

/// One command to the key's node, its reply as it came (error replies too).
async fn send(redis: &Redis, key: &[u8], cmd: redis::Cmd) -> anyhow::Result<Value> {
    let mut replies = redis
        .batch(vec![Routed::new(key, cmd)], Idempotent::No)
        .await?
        .replies;
    Ok(replies.pop().unwrap_or(Value::Nil))
}

/// UNLINK the limiter's key; true when it existed.
pub async fn reset(redis: &Redis, key: &[u8]) -> anyhow::Result<bool> {
    let mut c = redis::cmd("UNLINK");
    c.arg(key);
    let n: i64 = redis.keyed(key, &c, Idempotent::Yes).await?;
    Ok(n > 0)
}
