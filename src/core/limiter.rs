//! Rate limiters timed by the server's clock: one atomic Lua script per
//! algorithm, in the key layouts common libraries use, and a read-only reading
//! of a limiter's state whatever wrote it.
//!
//! Layouts (KEY is the application's key; nothing is added to it):
//! - sliding log: a sorted set of request timestamps (score = time, unique
//!   member), pruned with ZREMRANGEBYSCORE and PEXPIRE'd by the window, as the
//!   Go and TypeScript seeds do (their scores are ns and ms: the unit is kept);
//! - fixed window: an integer counter, INCRBY, PEXPIRE'd at its first request;
//! - token bucket: a hash `tokens`, `ts`, refilled lazily on each request;
//! - GCRA: a string holding the theoretical arrival time (TAT) exactly as
//!   go-redis/redis_rate writes it (float seconds since 2017-01-01 UTC), with
//!   answers shaped like redis-cell's CL.THROTTLE.
//!
//! Scripts read `TIME` and never take a time from the client, so a client with a
//! skewed clock gets the same answers. A script that writes sets the key's TTL in
//! the same call. Every script answers `{allowed, remaining, retry_after_ms,
//! reset_after_ms}`, with -1 for "no wait" and -2 for "never".
//!
//! This module neither prints nor decides exit codes. Inspection sends read
//! commands only (TYPE, PTTL, TIME, ZCARD, ZRANGE, ZREVRANGE, ZCOUNT,
//! ZRANGEBYSCORE, GETRANGE, HLEN, HMGET), each O(log N) on a sorted set.

use redis::{FromRedisValue, Value};
use serde_json::{json, Value as Json};

use super::conn::{server_failure, slot_of, Idempotent, Redis, Routed};
use super::lock::eval;
use crate::cli::RateAlgo;
use crate::parse::short_ms;

/// go-redis/redis_rate counts its TAT in seconds from here, to keep µs precision
/// in a double.
pub const JAN_1_2017_S: f64 = 1_483_228_800.0;

/// Tolerance for float rounding in the token and GCRA arithmetic (a fraction of
/// one request): without it 3.9999999 tokens would deny a request that 4 allow.
const EPS: f64 = 1e-9;

/// A Unix timestamp's unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeUnit {
    S,
    Ms,
    Us,
    Ns,
}

impl TimeUnit {
    /// How many of this unit make one microsecond.
    pub fn per_us(self) -> f64 {
        match self {
            TimeUnit::S => 1e-6,
            TimeUnit::Ms => 1e-3,
            TimeUnit::Us => 1.0,
            TimeUnit::Ns => 1e3,
        }
    }

    /// Short name for JSON (ASCII).
    pub fn name(self) -> &'static str {
        match self {
            TimeUnit::S => "s",
            TimeUnit::Ms => "ms",
            TimeUnit::Us => "us",
            TimeUnit::Ns => "ns",
        }
    }

    fn long_name(self) -> &'static str {
        match self {
            TimeUnit::S => "seconds",
            TimeUnit::Ms => "milliseconds",
            TimeUnit::Us => "microseconds (µs)",
            TimeUnit::Ns => "nanoseconds",
        }
    }
}

/// How a timestamp is written: Unix time in some unit, or redis_rate's float
/// seconds since 2017-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    Unix(TimeUnit),
    Since2017,
}

impl Clock {
    /// Unix time in µs of a value written with this clock.
    pub fn to_unix_us(self, v: f64) -> f64 {
        match self {
            Clock::Unix(u) => v / u.per_us(),
            Clock::Since2017 => (v + JAN_1_2017_S) * 1e6,
        }
    }

    /// The value this clock writes at Unix time `us`.
    pub fn stamp_at(self, us: f64) -> f64 {
        match self {
            Clock::Unix(u) => us * u.per_us(),
            Clock::Since2017 => us / 1e6 - JAN_1_2017_S,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Clock::Unix(u) => u.name(),
            Clock::Since2017 => "s-since-2017",
        }
    }

    pub fn describe(self) -> String {
        match self {
            Clock::Unix(u) => format!("Unix time in {}", u.long_name()),
            Clock::Since2017 => "seconds since 2017-01-01 (go-redis/redis_rate)".into(),
        }
    }
}

/// Candidates for sorted-set scores and bucket timestamps.
pub const UNIX_CLOCKS: [Clock; 4] = [
    Clock::Unix(TimeUnit::S),
    Clock::Unix(TimeUnit::Ms),
    Clock::Unix(TimeUnit::Us),
    Clock::Unix(TimeUnit::Ns),
];

/// Candidates for a GCRA TAT: redis_rate's epoch first, then Unix units
/// (redis-cell and hand-written scripts).
pub const TAT_CLOCKS: [Clock; 5] = [
    Clock::Since2017,
    Clock::Unix(TimeUnit::S),
    Clock::Unix(TimeUnit::Ms),
    Clock::Unix(TimeUnit::Us),
    Clock::Unix(TimeUnit::Ns),
];

/// The clock a timestamp was written with: the candidate whose "now" is
/// closest to the value, if within a factor of 2. The units are 1000 apart and
/// redis_rate's epoch is 6× below Unix seconds, so a factor of 2 separates them
/// and still admits timestamps years old. None for relative times, counters and
/// scores that are not times.
pub fn detect_clock(value: f64, now_us: f64, candidates: &[Clock]) -> Option<Clock> {
    if !(value.is_finite() && value > 0.0 && now_us > 0.0) {
        return None;
    }
    candidates
        .iter()
        .map(|&c| (c, (value / c.stamp_at(now_us)).ln().abs()))
        .filter(|(_, d)| d.is_finite() && *d < std::f64::consts::LN_2)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(c, _)| c)
}

/// What one run of a limiter is configured as.
#[derive(Debug, Clone)]
pub struct Policy {
    pub algo: RateAlgo,
    /// Requests per window (token bucket and GCRA: the refill rate).
    pub limit: u64,
    pub window_ms: u64,
    /// Token bucket capacity, GCRA burst; the limit for the window algorithms.
    pub burst: u64,
    pub cost: u64,
    pub count_denied: bool,
    /// Sliding-log scores and token-bucket `ts` are written in this unit.
    pub unit: TimeUnit,
}

impl Policy {
    /// Requests a fresh limiter allows at once.
    pub fn capacity(&self) -> u64 {
        match self.algo {
            RateAlgo::TokenBucket | RateAlgo::Gcra => self.burst,
            RateAlgo::SlidingLog | RateAlgo::FixedWindow => self.limit,
        }
    }
}

/// The answer to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    pub allowed: bool,
    pub remaining: i64,
    /// 0 when allowed; None when no wait helps (cost above the capacity, or a
    /// counter without TTL).
    pub retry_after_ms: Option<i64>,
    /// Until the limiter is back to its fresh state; None: never (no TTL).
    pub reset_after_ms: Option<i64>,
}

/// A sliding log stores one sorted-set entry per unit of cost, so that an
/// application counting the log with ZCARD or ZCOUNT sees every unit. A
/// request of cost N is N entries written in one Lua call, during which the
/// server answers no other client: N is capped.
pub const MAX_LOG_COST: u64 = 1000;
/// The log holds up to `--limit` entries per window (about 100 bytes each).
pub const MAX_LOG_LIMIT: u64 = 100_000;
/// Entries one request removes at most: expired ones (a huge log left by an
/// application is pruned over several requests), and with `--count-denied` the
/// oldest beyond the limit. Twice the largest cost, so pruning outpaces writing.
pub const MAX_LOG_PRUNE: u64 = 2 * MAX_LOG_COST;

/// The longest TTL and wait the scripts write or answer: 10^13 ms, about 317
/// years. A slow refill of a huge bucket takes longer than that, and Lua would
/// send such a number as `2.6e+19`, which PEXPIRE refuses.
pub const MAX_TTL_MS: u64 = 10_000_000_000_000;

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

/// The EVAL for one request of `cost` units.
pub fn request_cmd(p: &Policy, key: &[u8], member: &str) -> redis::Cmd {
    let limit = p.limit.to_string();
    let window = p.window_ms.to_string();
    let cost = p.cost.to_string();
    let per_us = p.unit.per_us().to_string();
    let denied = if p.count_denied { "1" } else { "0" };
    let prune = MAX_LOG_PRUNE.to_string();
    let max_ttl = MAX_TTL_MS.to_string();
    match p.algo {
        RateAlgo::SlidingLog => eval(
            SLIDING_LOG,
            &[key],
            &[
                limit.as_bytes(),
                window.as_bytes(),
                cost.as_bytes(),
                per_us.as_bytes(),
                member.as_bytes(),
                denied.as_bytes(),
                prune.as_bytes(),
            ],
        ),
        RateAlgo::FixedWindow => eval(
            FIXED_WINDOW,
            &[key],
            &[
                limit.as_bytes(),
                window.as_bytes(),
                cost.as_bytes(),
                denied.as_bytes(),
            ],
        ),
        RateAlgo::TokenBucket => {
            let per_ms = (p.limit as f64 / p.window_ms as f64).to_string();
            eval(
                TOKEN_BUCKET,
                &[key],
                &[
                    p.burst.to_string().as_bytes(),
                    per_ms.as_bytes(),
                    cost.as_bytes(),
                    per_us.as_bytes(),
                    max_ttl.as_bytes(),
                ],
            )
        }
        RateAlgo::Gcra => {
            let period_s = (p.window_ms as f64 / 1000.0).to_string();
            eval(
                GCRA,
                &[key],
                &[
                    p.burst.to_string().as_bytes(),
                    limit.as_bytes(),
                    period_s.as_bytes(),
                    cost.as_bytes(),
                    max_ttl.as_bytes(),
                ],
            )
        }
    }
}

fn wait_of(v: i64) -> Option<i64> {
    match v {
        -1 => Some(0),
        n if n < 0 => None,
        n => Some(n),
    }
}

/// `{allowed, remaining, retry_after_ms, reset_after_ms}` → a verdict.
pub fn parse_verdict(reply: &[i64]) -> Option<Verdict> {
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
pub async fn request(
    redis: &Redis,
    p: &Policy,
    key: &[u8],
    member: &str,
) -> anyhow::Result<Verdict> {
    let cmd = request_cmd(p, key, member);
    let reply: Vec<i64> = redis.keyed(key, &cmd, Idempotent::No).await?;
    parse_verdict(&reply).ok_or_else(|| {
        anyhow::Error::from(crate::error::RedisFailure::Server {
            node: "server".into(),
            msg: format!("unexpected reply from the limiter script: {reply:?}"),
        })
    })
}

/// UNLINK the limiter's key; true when it existed.
pub async fn reset(redis: &Redis, key: &[u8]) -> anyhow::Result<bool> {
    let mut c = redis::cmd("UNLINK");
    c.arg(key);
    let n: i64 = redis.keyed(key, &c, Idempotent::Yes).await?;
    Ok(n > 0)
}

/// A key as read, before interpretation.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// TYPE's answer (`none` when missing).
    pub kind: String,
    /// None: no TTL, or no key.
    pub ttl_ms: Option<i64>,
    /// The server's clock (TIME) on the node that owns the key.
    pub now_us: i64,
    pub body: Body,
    /// `KEY/-1` when it exists: limits' sliding window counter keeps the
    /// previous window's count there.
    pub previous: Option<Previous>,
    /// The whole key is one hash tag `{…}`, as limits names that layout's keys.
    pub braced: bool,
    /// KEY is `K/-1` and K exists: the previous window of limits' counter K.
    pub previous_of: Option<Vec<u8>>,
}

/// The string beside a counter under `KEY/-1`.
#[derive(Debug, Clone, PartialEq)]
pub struct Previous {
    /// None: not an integer string.
    pub count: Option<i64>,
    pub ttl_ms: Option<i64>,
}

/// Where limits keeps the previous window of the sliding window counter `key`.
pub fn previous_key(key: &[u8]) -> Vec<u8> {
    let mut k = key.to_vec();
    k.extend_from_slice(b"/-1");
    k
}

/// `{…}` around the whole key, with no other brace inside.
fn is_braced(key: &[u8]) -> bool {
    key.len() > 2
        && key.first() == Some(&b'{')
        && key.last() == Some(&b'}')
        && !key[1..key.len() - 1]
            .iter()
            .any(|b| *b == b'{' || *b == b'}')
}

/// Read `KEY/-1` when it exists (a string, or another type: `count` None).
async fn read_previous(redis: &Redis, key: &[u8]) -> anyhow::Result<Option<Previous>> {
    let prev = previous_key(key);
    let r = read(
        redis,
        &prev,
        vec![keyed_cmd("TYPE", &prev, &[]), keyed_cmd("PTTL", &prev, &[])],
    )
    .await?;
    let kind = text_of(&r[0]).unwrap_or_else(|| "none".into());
    if kind == "none" {
        return Ok(None);
    }
    let ttl_ms = i64::from_redis_value(r[1].clone()).ok().filter(|t| *t >= 0);
    let count = if kind == "string" {
        let v = read(
            redis,
            &prev,
            vec![keyed_cmd("GETRANGE", &prev, &["0", "31"])],
        )
        .await?;
        Vec::<u8>::from_redis_value(v[0].clone())
            .ok()
            .and_then(|b| std::str::from_utf8(&b).ok()?.trim().parse::<i64>().ok())
            .filter(|c| *c >= 0)
    } else {
        None
    };
    Ok(Some(Previous { count, ttl_ms }))
}

#[derive(Debug, Clone)]
pub enum Body {
    Missing,
    Zset {
        card: u64,
        oldest: Option<f64>,
        newest: Option<f64>,
    },
    /// The first bytes of a string (limiter values are short).
    Text(Vec<u8>),
    Hash {
        len: u64,
        fields: Vec<(String, Vec<u8>)>,
    },
    Other,
}

/// Fields a token bucket's hash is read by: the count, then its timestamp.
const TOKEN_FIELD: &str = "tokens";
const STAMP_FIELDS: [&str; 5] = ["ts", "timestamp", "last_refill", "updated_at", "last"];

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::SimpleString(s) => Some(s.clone()),
        Value::BulkString(b) => Some(String::from_utf8_lossy(b).into_owned()),
        Value::Okay => Some("OK".into()),
        _ => None,
    }
}

fn number_of(v: &Value) -> Option<f64> {
    match v {
        Value::Int(n) => Some(*n as f64),
        Value::Double(d) => Some(*d),
        _ => text_of(v)?.trim().parse().ok(),
    }
}

/// The score of the first entry of a `WITHSCORES` reply (RESP2: flat
/// member, score; RESP3: pairs).
fn first_score(v: &Value) -> Option<f64> {
    let Value::Array(items) = v else { return None };
    match items.first()? {
        Value::Array(pair) => number_of(pair.get(1)?),
        _ => number_of(items.get(1)?),
    }
}

/// Send read-only commands to the key's node; error replies become failures.
async fn read(redis: &Redis, key: &[u8], cmds: Vec<redis::Cmd>) -> anyhow::Result<Vec<Value>> {
    let routed: Vec<Routed> = cmds.into_iter().map(|c| Routed::new(key, c)).collect();
    let replies = redis.batch(routed, Idempotent::Yes).await?.replies;
    if let Some(Value::ServerError(e)) = replies.iter().find(|v| matches!(v, Value::ServerError(_)))
    {
        let node = redis.node_for_slot(slot_of(key)).addr.clone();
        return Err(server_failure(&node, e).into());
    }
    Ok(replies)
}

fn keyed_cmd(name: &str, key: &[u8], args: &[&str]) -> redis::Cmd {
    let mut c = redis::cmd(name);
    c.arg(key);
    for a in args {
        c.arg(*a);
    }
    c
}

/// Read a key's type, TTL and contents, and the server's time, without
/// changing anything.
pub async fn snapshot(redis: &Redis, key: &[u8]) -> anyhow::Result<Snapshot> {
    let first = read(
        redis,
        key,
        vec![
            keyed_cmd("TYPE", key, &[]),
            keyed_cmd("PTTL", key, &[]),
            redis::cmd("TIME"),
        ],
    )
    .await?;
    let kind = text_of(&first[0]).unwrap_or_else(|| "none".into());
    let ttl_ms = i64::from_redis_value(first[1].clone())
        .ok()
        .filter(|t| *t >= 0);
    let now_us = match &first[2] {
        Value::Array(parts) if parts.len() == 2 => {
            let secs = number_of(&parts[0]).unwrap_or(0.0) as i64;
            let micros = number_of(&parts[1]).unwrap_or(0.0) as i64;
            secs * 1_000_000 + micros
        }
        other => {
            return Err(crate::error::RedisFailure::Server {
                node: "server".into(),
                msg: format!("unexpected reply to TIME: {other:?}"),
            }
            .into())
        }
    };
    let body = match kind.as_str() {
        "none" => Body::Missing,
        "zset" => {
            let r = read(
                redis,
                key,
                vec![
                    keyed_cmd("ZCARD", key, &[]),
                    keyed_cmd("ZRANGE", key, &["0", "0", "WITHSCORES"]),
                    keyed_cmd("ZRANGE", key, &["-1", "-1", "WITHSCORES"]),
                ],
            )
            .await?;
            Body::Zset {
                card: u64::from_redis_value(r[0].clone()).unwrap_or(0),
                oldest: first_score(&r[1]),
                newest: first_score(&r[2]),
            }
        }
        "string" => {
            let r = read(redis, key, vec![keyed_cmd("GETRANGE", key, &["0", "127"])]).await?;
            Body::Text(Vec::<u8>::from_redis_value(r[0].clone()).unwrap_or_default())
        }
        "hash" => {
            let mut names = vec![TOKEN_FIELD];
            names.extend(STAMP_FIELDS);
            let r = read(
                redis,
                key,
                vec![keyed_cmd("HLEN", key, &[]), keyed_cmd("HMGET", key, &names)],
            )
            .await?;
            let values = Vec::<Option<Vec<u8>>>::from_redis_value(r[1].clone()).unwrap_or_default();
            Body::Hash {
                len: u64::from_redis_value(r[0].clone()).unwrap_or(0),
                fields: names
                    .iter()
                    .zip(values)
                    .filter_map(|(n, v)| Some((n.to_string(), v?)))
                    .collect(),
            }
        }
        _ => Body::Other,
    };
    let previous = match body {
        Body::Missing | Body::Text(_) => read_previous(redis, key).await?,
        _ => None,
    };
    let previous_of = match (&body, key.strip_suffix(b"/-1")) {
        (Body::Text(_), Some(current)) => {
            let r = read(redis, current, vec![keyed_cmd("EXISTS", current, &[])]).await?;
            (i64::from_redis_value(r[0].clone()).unwrap_or(0) > 0).then(|| current.to_vec())
        }
        _ => None,
    };
    Ok(Snapshot {
        kind,
        ttl_ms,
        now_us,
        body,
        previous,
        braced: is_braced(key),
        previous_of,
    })
}

/// What the user told us about the limiter (all optional for inspection).
#[derive(Debug, Clone, Default)]
pub struct Hints {
    pub algo: Option<RateAlgo>,
    pub limit: Option<u64>,
    pub window_ms: Option<u64>,
    pub burst: Option<u64>,
    pub unit: Option<TimeUnit>,
}

/// The layout a key's contents match.
#[derive(Debug, Clone, PartialEq)]
pub enum Layout {
    Missing,
    SlidingLog {
        clock: Option<Clock>,
    },
    Counter {
        count: i64,
    },
    TokenBucket {
        tokens: f64,
        /// Field name, raw value, and its clock when it looks like a time.
        stamp: Option<(String, f64, Option<Clock>)>,
    },
    Gcra {
        tat: f64,
        clock: Clock,
    },
    /// limits' sliding window counter: this window's count under KEY, the
    /// previous one's under `KEY/-1`.
    WindowCounter {
        current: i64,
        previous: i64,
    },
    /// A counter that two layouts would read differently; why.
    Ambiguous(String),
    Unknown(String),
}

impl Layout {
    pub fn name(&self) -> &'static str {
        match self {
            Layout::Missing => "none",
            Layout::SlidingLog { .. } => "sliding-log",
            Layout::Counter { .. } => "fixed-window",
            Layout::TokenBucket { .. } => "token-bucket",
            Layout::Gcra { .. } => "gcra",
            Layout::WindowCounter { .. } => "sliding-window-counter",
            Layout::Ambiguous(_) => "ambiguous",
            Layout::Unknown(_) => "unknown",
        }
    }
}

/// Decide which layout a snapshot holds; `--algo` breaks ties for strings.
pub fn classify(s: &Snapshot, h: &Hints) -> Layout {
    if let Some(l) = classify_window_counter(s, h) {
        return l;
    }
    let now = s.now_us as f64;
    match &s.body {
        Body::Missing => Layout::Missing,
        Body::Zset { newest, .. } => Layout::SlidingLog {
            clock: h
                .unit
                .map(Clock::Unix)
                .or_else(|| newest.and_then(|n| detect_clock(n, now, &UNIX_CLOCKS))),
        },
        Body::Text(bytes) => classify_text(bytes, now, h),
        Body::Hash { fields, .. } => {
            let value = |name: &str| {
                fields
                    .iter()
                    .find(|(n, _)| n == name)
                    .and_then(|(_, v)| std::str::from_utf8(v).ok()?.trim().parse::<f64>().ok())
            };
            let Some(tokens) = value(TOKEN_FIELD) else {
                return Layout::Unknown("a hash without a numeric `tokens` field".into());
            };
            let stamp = STAMP_FIELDS.iter().find_map(|f| {
                let v = value(f)?;
                let clock = h
                    .unit
                    .map(Clock::Unix)
                    .or_else(|| detect_clock(v, now, &UNIX_CLOCKS));
                Some((f.to_string(), v, clock))
            });
            Layout::TokenBucket { tokens, stamp }
        }
        Body::Other => Layout::Unknown(format!("a {} is not a rate limiter layout", s.kind)),
    }
}

/// limits' sliding window counter, told apart from a fixed window: `KEY/-1`
/// beside the counter, or (limits wraps these keys in braces) a TTL longer
/// than `--window`, which no fixed window has. A braced counter alone is
/// either: ambiguous, unless `--algo fixed-window` says which.
fn classify_window_counter(s: &Snapshot, h: &Hints) -> Option<Layout> {
    let current = match &s.body {
        Body::Missing => None,
        Body::Text(b) => Some(
            std::str::from_utf8(b)
                .ok()?
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|c| *c >= 0)?,
        ),
        _ => return None,
    };
    if let (Some(current_key), Some(_)) = (&s.previous_of, current) {
        return Some(Layout::Ambiguous(format!(
            "the previous window of limits' sliding window counter {}: inspect that key",
            String::from_utf8_lossy(current_key)
        )));
    }
    if let Some(Previous {
        count: Some(previous),
        ..
    }) = s.previous
    {
        return Some(Layout::WindowCounter {
            current: current.unwrap_or(0),
            previous,
        });
    }
    let current = current?;
    if !s.braced || s.previous.is_some() || h.algo == Some(RateAlgo::FixedWindow) {
        return None;
    }
    match (h.window_ms, s.ttl_ms) {
        (Some(w), Some(t)) if t as u64 > w => Some(Layout::WindowCounter {
            current,
            previous: 0,
        }),
        _ => Some(Layout::Ambiguous(
            "a counter alone under a {…} key: a fixed window, or limits' sliding window counter whose previous window is gone. \
             A TTL above --window means limits (pass --window); --algo fixed-window reads it as a fixed window"
                .into(),
        )),
    }
}

fn classify_text(bytes: &[u8], now: f64, h: &Hints) -> Layout {
    let Some(text) = std::str::from_utf8(bytes).ok().map(str::trim) else {
        return Layout::Unknown("a binary string".into());
    };
    let Ok(v) = text.parse::<f64>() else {
        return Layout::Unknown("a string that is not a number".into());
    };
    let integer = text.parse::<i64>().ok();
    match (h.algo, integer) {
        (Some(RateAlgo::FixedWindow), Some(count)) => return Layout::Counter { count },
        (Some(RateAlgo::Gcra), _) => {
            let clock = detect_clock(v, now, &TAT_CLOCKS).unwrap_or(Clock::Since2017);
            return Layout::Gcra { tat: v, clock };
        }
        _ => {}
    }
    if let Some(clock) = detect_clock(v, now, &TAT_CLOCKS) {
        return Layout::Gcra { tat: v, clock };
    }
    match integer {
        Some(count) if count >= 0 => Layout::Counter { count },
        _ => Layout::Unknown("a number that is neither a counter nor a time near now".into()),
    }
}

/// Why an existing key cannot be driven by `algo` (None: it can), naming what
/// it holds. A mismatch would make the script misread or overwrite it.
pub fn misfit(layout: &Layout, algo: RateAlgo) -> Option<String> {
    let holds = match layout {
        Layout::Missing => return None,
        Layout::SlidingLog { clock: Some(_) } if algo == RateAlgo::SlidingLog => return None,
        Layout::SlidingLog { clock: None } if algo == RateAlgo::SlidingLog => {
            return Some(
                "holds a sorted set whose scores do not look like timestamps (pass --unit)".into(),
            )
        }
        Layout::Counter { .. } if algo == RateAlgo::FixedWindow => return None,
        Layout::TokenBucket { stamp, .. } if algo == RateAlgo::TokenBucket => {
            return match stamp {
                Some((f, _, _)) if f != "ts" => Some(format!(
                    "holds a token bucket whose time field is `{f}`; cachectl writes `tokens` and `ts`"
                )),
                Some((_, _, None)) => Some(
                    "holds a token bucket whose `ts` does not look like a timestamp (pass --unit)"
                        .into(),
                ),
                _ => None,
            };
        }
        Layout::Gcra {
            clock: Clock::Since2017,
            ..
        } if algo == RateAlgo::Gcra => return None,
        Layout::Gcra { clock, .. } if algo == RateAlgo::Gcra => {
            return Some(format!(
                "holds a GCRA TAT in {}; cachectl's gcra reads and writes go-redis/redis_rate's seconds since 2017-01-01",
                clock.describe()
            ))
        }
        Layout::SlidingLog { .. } => "a sliding log (sorted set)".to_string(),
        Layout::Counter { .. } => "a fixed-window counter".to_string(),
        Layout::TokenBucket { .. } => "a token bucket (hash)".to_string(),
        Layout::Gcra { .. } => "a GCRA TAT".to_string(),
        Layout::WindowCounter { .. } => {
            "limits' sliding window counter (KEY and KEY/-1)".to_string()
        }
        // The user said which with --algo fixed-window.
        Layout::Ambiguous(_) if algo == RateAlgo::FixedWindow => return None,
        Layout::Ambiguous(why) => why.clone(),
        Layout::Unknown(what) => what.clone(),
    };
    Some(format!("holds {holds}, not a {} limiter", algo_name(algo)))
}

pub fn algo_name(a: RateAlgo) -> &'static str {
    match a {
        RateAlgo::SlidingLog => "sliding-log",
        RateAlgo::FixedWindow => "fixed-window",
        RateAlgo::TokenBucket => "token-bucket",
        RateAlgo::Gcra => "gcra",
    }
}

/// The timestamp unit an existing key uses (sliding-log scores, bucket `ts`).
pub fn existing_unit(layout: &Layout) -> Option<TimeUnit> {
    let clock = match layout {
        Layout::SlidingLog { clock } => *clock,
        Layout::TokenBucket {
            stamp: Some((_, _, clock)),
            ..
        } => *clock,
        _ => None,
    }?;
    match clock {
        Clock::Unix(u) => Some(u),
        Clock::Since2017 => None,
    }
}

/// A sliding log's window: what the user said, else the TTL plus the newest
/// entry's age (libraries PEXPIRE the log by the window on each write).
/// Rounded to whole seconds above two seconds: EXPIRE in seconds is common.
pub fn infer_window_ms(ttl_ms: Option<i64>, newest_age_ms: Option<f64>) -> Option<u64> {
    let ttl = ttl_ms? as f64;
    let window = ttl + newest_age_ms.filter(|a| *a > 0.0).unwrap_or(0.0);
    if window <= 0.0 {
        return None;
    }
    Some(if window >= 2000.0 {
        ((window / 1000.0).round() * 1000.0) as u64
    } else {
        window.round() as u64
    })
}

/// Counts that depend on the window, read in a third round trip.
#[derive(Debug, Clone, Default)]
pub struct LogWindow {
    pub in_window: u64,
    /// Entries stamped after the server's now (a writer's clock ahead).
    pub future: u64,
    pub first_in_window: Option<f64>,
    /// The entry whose exit frees a slot when the log is at the limit.
    pub freeing: Option<f64>,
}

/// ZCOUNT and ZRANGEBYSCORE over the window; read-only.
pub async fn log_window(
    redis: &Redis,
    key: &[u8],
    clock: Clock,
    window_ms: u64,
    limit: Option<u64>,
    now_us: i64,
) -> anyhow::Result<LogWindow> {
    let now = clock.stamp_at(now_us as f64);
    let cutoff = clock.stamp_at(now_us as f64 - window_ms as f64 * 1000.0);
    // Entries at the cutoff are already out: the scripts remove `score <= cutoff`.
    let after_cutoff = format!("({cutoff}");
    let after_now = format!("({now}");
    let mut cmds = vec![
        keyed_cmd("ZCOUNT", key, &[&after_cutoff, "+inf"]),
        keyed_cmd("ZCOUNT", key, &[&after_now, "+inf"]),
        keyed_cmd(
            "ZRANGEBYSCORE",
            key,
            &[&after_cutoff, "+inf", "WITHSCORES", "LIMIT", "0", "1"],
        ),
    ];
    if let Some(limit) = limit {
        // When the limit-th newest entry leaves, fewer than `limit` remain.
        // By rank, O(log N): a LIMIT offset would walk `limit` entries one by
        // one. Only read when the window holds `limit` entries, so the
        // limit-th newest entry is in the window.
        let rank = (limit - 1).to_string();
        cmds.push(keyed_cmd("ZREVRANGE", key, &[&rank, &rank, "WITHSCORES"]));
    }
    let r = read(redis, key, cmds).await?;
    Ok(LogWindow {
        in_window: u64::from_redis_value(r[0].clone()).unwrap_or(0),
        future: u64::from_redis_value(r[1].clone()).unwrap_or(0),
        first_in_window: first_score(&r[2]),
        freeing: r.get(3).and_then(first_score),
    })
}

/// One line of an explanation: a JSON field and its human form.
#[derive(Debug, Clone)]
pub struct Fact {
    pub name: &'static str,
    pub label: &'static str,
    pub value: Json,
    pub shown: String,
}

/// A limiter's state in words and numbers.
#[derive(Debug, Clone, Default)]
pub struct Explanation {
    pub facts: Vec<Fact>,
    pub notes: Vec<String>,
}

impl Explanation {
    fn fact(&mut self, name: &'static str, label: &'static str, value: Json, shown: String) {
        self.facts.push(Fact {
            name,
            label,
            value,
            shown,
        });
    }

    fn ms(&mut self, name: &'static str, label: &'static str, ms: f64) {
        self.fact(name, label, json!(ms.round() as i64), short_ms(ms));
    }

    #[cfg(test)]
    pub fn get(&self, name: &str) -> Option<&Json> {
        self.facts.iter().find(|f| f.name == name).map(|f| &f.value)
    }
}

/// Everything `--inspect` shows: the snapshot, its layout, and the explanation.
pub struct Inspection {
    pub snapshot: Snapshot,
    pub layout: Layout,
    pub explanation: Explanation,
}

/// Read and explain a limiter key; changes nothing.
pub async fn inspect(redis: &Redis, key: &[u8], h: &Hints) -> anyhow::Result<Inspection> {
    let snapshot = snapshot(redis, key).await?;
    let layout = classify(&snapshot, h);
    let explanation = match (&layout, &snapshot.body) {
        (Layout::SlidingLog { clock }, Body::Zset { newest, .. }) => {
            let now = snapshot.now_us as f64;
            let newest_age = clock.and_then(|c| newest.map(|n| (now - c.to_unix_us(n)) / 1000.0));
            let window = match h.window_ms {
                Some(w) => Some((w, false)),
                None => infer_window_ms(snapshot.ttl_ms, newest_age).map(|w| (w, true)),
            };
            let counts = match (clock, window) {
                (Some(c), Some((w, _))) => {
                    Some(log_window(redis, key, *c, w, h.limit, snapshot.now_us).await?)
                }
                _ => None,
            };
            explain_log(&snapshot, *clock, window, counts.as_ref(), h.limit)
        }
        _ => explain(&snapshot, &layout, h),
    };
    Ok(Inspection {
        snapshot,
        layout,
        explanation,
    })
}

/// Explanations that need no further reads (everything but sliding logs).
pub fn explain(s: &Snapshot, layout: &Layout, h: &Hints) -> Explanation {
    let mut e = Explanation::default();
    let now = s.now_us as f64;
    match layout {
        Layout::Missing => {
            e.notes.push(
                "the key does not exist: a fresh limiter, the next request starts a new window"
                    .into(),
            );
        }
        Layout::Unknown(what) => {
            e.notes
                .push(format!("not a rate limiter layout cachectl knows: {what}"));
        }
        Layout::SlidingLog { .. } => {}
        Layout::Counter { count } => explain_counter(&mut e, *count, s.ttl_ms, h),
        Layout::TokenBucket { tokens, stamp } => {
            if let Body::Hash { len, .. } = &s.body {
                e.fact("fields", "hash fields", json!(len), len.to_string());
            }
            explain_bucket(&mut e, *tokens, stamp.as_ref(), now, h)
        }
        Layout::Gcra { tat, clock } => explain_gcra(&mut e, *tat, *clock, now, h),
        Layout::WindowCounter { current, previous } => {
            explain_window_counter(&mut e, s, *current, *previous, h)
        }
        Layout::Ambiguous(why) => {
            if let Body::Text(b) = &s.body {
                let count = String::from_utf8_lossy(b).trim().to_string();
                e.fact("count", "count", json!(count.parse::<i64>().ok()), count);
            }
            e.notes.push(format!("cannot tell the layout: {why}"));
        }
    }
    ttl_facts(&mut e, s);
    e
}

/// Whole seconds above two seconds (windows are set in seconds), else ms.
fn round_window(ms: f64) -> u64 {
    if ms >= 2000.0 {
        ((ms / 1000.0).round() * 1000.0) as u64
    } else {
        ms.round().max(1.0) as u64
    }
}

/// What limits answers for its sliding window counter: the previous window's
/// count weighted by the part of it still inside the sliding window (its TTL
/// over the window), floored, plus this window's count; the reset is when the
/// next weighted unit or this window ends, as its `get_window_stats` says.
fn explain_window_counter(
    e: &mut Explanation,
    s: &Snapshot,
    current: i64,
    previous: i64,
    h: &Hints,
) {
    let cur_ttl = s.ttl_ms.unwrap_or(0).max(0) as f64;
    let prev_ttl = s
        .previous
        .as_ref()
        .and_then(|p| p.ttl_ms)
        .unwrap_or(0)
        .max(0) as f64;
    e.notes.push(
        "limits' sliding window counter: KEY counts this window, KEY/-1 the previous one".into(),
    );
    // At the switch the current key gets the previous one's TTL plus a window.
    let inferred = (previous > 0 && cur_ttl > prev_ttl).then(|| round_window(cur_ttl - prev_ttl));
    let Some(w) = h.window_ms.or(inferred) else {
        e.fact("count", "count", json!(current), current.to_string());
        e.fact(
            "previous_count",
            "previous window's count",
            json!(previous),
            previous.to_string(),
        );
        e.notes
            .push("pass --window to see what the library answers".into());
        return;
    };
    let w_f = w as f64;
    let (mut current, mut previous, mut cur_ttl, mut prev_ttl) =
        (current, previous, cur_ttl, prev_ttl);
    if cur_ttl > 0.0 && cur_ttl < w_f {
        // The library moves an ended window to KEY/-1 on its next call.
        (previous, prev_ttl, current, cur_ttl) = (current, cur_ttl, 0, cur_ttl + w_f);
        e.notes.push(
            "this window has ended: the library's next call makes it the previous one".into(),
        );
    }
    e.fact("count", "count", json!(current), current.to_string());
    e.fact(
        "previous_count",
        "previous window's count",
        json!(previous),
        previous.to_string(),
    );
    e.ms("previous_ttl_ms", "previous window's weight left", prev_ttl);
    let shown = if h.window_ms.is_some() {
        short_ms(w_f)
    } else {
        format!(
            "{} (inferred from the two TTLs; pass --window)",
            short_ms(w_f)
        )
    };
    e.fact("window_ms", "window", json!(w), shown);
    let weighted = (previous as f64 * prev_ttl / w_f + current as f64).floor() as i64;
    e.fact(
        "weighted_count",
        "weighted count",
        json!(weighted),
        weighted.to_string(),
    );
    let prev_reset = (previous > 0).then(|| prev_ttl % (w_f / previous as f64));
    let cur_reset = (current > 0).then(|| cur_ttl % w_f);
    let reset = match (prev_reset, cur_reset) {
        (Some(a), Some(b)) => a.min(b),
        (Some(a), None) | (None, Some(a)) => a,
        (None, None) => 0.0,
    };
    match h.limit {
        Some(limit) => {
            let remaining = (limit as i64 - weighted).max(0);
            e.fact("limit", "limit", json!(limit), limit.to_string());
            e.fact(
                "remaining",
                "remaining",
                json!(remaining),
                remaining.to_string(),
            );
            e.ms("reset_after_ms", "resets in", reset);
            if remaining == 0 {
                e.notes.push(format!(
                    "at the limit: the library denies until the weighted count drops, in {}",
                    short_ms(reset)
                ));
            }
        }
        None => e.notes.push("pass --limit to see what remains".into()),
    }
}

fn ttl_facts(e: &mut Explanation, s: &Snapshot) {
    match (s.ttl_ms, &s.body) {
        (_, Body::Missing) => {}
        (Some(t), _) => e.ms("ttl_ms", "TTL", t as f64),
        (None, _) => {
            e.fact("ttl_ms", "TTL", Json::Null, "none".into());
            e.notes.push(
                "the key has no TTL: it never expires on its own (every limiter key should have one)"
                    .into(),
            );
        }
    }
}

/// A sliding log: entries in the window, oldest and newest, when a slot frees.
pub fn explain_log(
    s: &Snapshot,
    clock: Option<Clock>,
    window: Option<(u64, bool)>,
    w: Option<&LogWindow>,
    limit: Option<u64>,
) -> Explanation {
    let mut e = Explanation::default();
    let now = s.now_us as f64;
    let Body::Zset {
        card,
        oldest,
        newest,
    } = &s.body
    else {
        return e;
    };
    e.fact("entries", "entries", json!(card), card.to_string());
    let Some(clock) = clock else {
        e.fact("unit", "timestamp unit", Json::Null, "unknown".into());
        e.notes.push(
            "the scores do not look like Unix timestamps near the server's time; pass --unit s|ms|us|ns"
                .into(),
        );
        ttl_facts(&mut e, s);
        return e;
    };
    e.fact(
        "unit",
        "timestamp unit",
        json!(clock.name()),
        format!("{} ({})", clock.name(), clock.describe()),
    );
    let age = |score: f64| (now - clock.to_unix_us(score)) / 1000.0;
    if let Some(o) = oldest {
        e.ms("oldest_age_ms", "oldest entry age", age(*o));
    }
    if let Some(n) = newest {
        e.ms("newest_age_ms", "newest entry age", age(*n));
    }
    match window {
        Some((wms, inferred)) => e.fact(
            "window_ms",
            "window",
            json!(wms),
            if inferred {
                format!(
                    "{} (inferred: TTL + newest entry's age; pass --window)",
                    short_ms(wms as f64)
                )
            } else {
                short_ms(wms as f64)
            },
        ),
        None => {
            e.notes.push(
                "no window given and none can be inferred without a TTL: pass --window".into(),
            );
        }
    }
    if let (Some(w), Some((wms, _))) = (w, window) {
        let expired = card.saturating_sub(w.in_window);
        e.fact(
            "in_window",
            "in the window",
            json!(w.in_window),
            w.in_window.to_string(),
        );
        e.fact(
            "expired",
            "older than the window",
            json!(expired),
            expired.to_string(),
        );
        if expired > 0 {
            e.notes.push(format!(
                "{} older than the window; the next request removes them",
                entries(expired)
            ));
        }
        if w.future > 0 {
            e.fact(
                "future",
                "in the future",
                json!(w.future),
                w.future.to_string(),
            );
            e.notes.push(format!(
                "{} stamped after the server's time: a writer's clock is ahead",
                entries(w.future)
            ));
        }
        let exit_in = |score: f64| -age(score) + wms as f64;
        if let Some(n) = newest {
            e.ms("reset_after_ms", "empty in", exit_in(*n).max(0.0));
        }
        match limit {
            Some(limit) => {
                let remaining = limit.saturating_sub(w.in_window);
                e.fact("limit", "limit", json!(limit), limit.to_string());
                e.fact(
                    "remaining",
                    "remaining",
                    json!(remaining),
                    remaining.to_string(),
                );
                let next = if remaining > 0 {
                    0.0
                } else {
                    w.freeing.map(exit_in).unwrap_or(0.0).max(0.0)
                };
                e.ms("next_slot_ms", "next slot frees in", next);
                if remaining == 0 {
                    e.notes.push(format!(
                        "at the limit: requests are denied for {} more",
                        short_ms(next)
                    ));
                }
            }
            None => {
                if let Some(first) = w.first_in_window {
                    e.ms(
                        "oldest_leaves_ms",
                        "oldest entry leaves in",
                        exit_in(first).max(0.0),
                    );
                }
                e.notes
                    .push("pass --limit to see what remains and when the next slot frees".into());
            }
        }
    }
    ttl_facts(&mut e, s);
    e
}

/// "1 entry is", "3 entries are".
fn entries(n: u64) -> String {
    if n == 1 {
        "1 entry is".into()
    } else {
        format!("{n} entries are")
    }
}

fn explain_counter(e: &mut Explanation, count: i64, ttl_ms: Option<i64>, h: &Hints) {
    e.fact("count", "count", json!(count), count.to_string());
    if let Some(t) = ttl_ms {
        e.ms("reset_after_ms", "window resets in", t as f64);
    }
    match h.limit {
        Some(limit) => {
            let remaining = (limit as i64 - count).max(0);
            e.fact("limit", "limit", json!(limit), limit.to_string());
            e.fact(
                "remaining",
                "remaining",
                json!(remaining),
                remaining.to_string(),
            );
            if remaining == 0 {
                match ttl_ms {
                    Some(t) => e.notes.push(format!(
                        "at the limit: requests are denied until the window resets in {}",
                        short_ms(t as f64)
                    )),
                    None => e.notes.push(
                        "at the limit and without a TTL: requests are denied forever (INCR and EXPIRE not atomic?)"
                            .into(),
                    ),
                }
            }
        }
        None => e
            .notes
            .push("pass --limit to see what remains in this window".into()),
    }
    if let (Some(w), Some(t)) = (h.window_ms, ttl_ms) {
        if t as u64 > w {
            e.notes.push(format!(
                "the TTL ({}) is longer than --window ({}): the writer uses another window",
                short_ms(t as f64),
                short_ms(w as f64)
            ));
        }
    }
}

fn explain_bucket(
    e: &mut Explanation,
    tokens: f64,
    stamp: Option<&(String, f64, Option<Clock>)>,
    now: f64,
    h: &Hints,
) {
    e.fact(
        "tokens",
        "tokens (stored)",
        json!(tokens),
        format!("{tokens:.3}"),
    );
    let age_ms = match stamp {
        Some((field, v, Some(clock))) => {
            e.fact(
                "unit",
                "timestamp unit",
                json!(clock.name()),
                format!("{} in `{field}` ({})", clock.name(), clock.describe()),
            );
            let age = (now - clock.to_unix_us(*v)) / 1000.0;
            e.ms("updated_age_ms", "last refill", age);
            Some(age.max(0.0))
        }
        Some((field, _, None)) => {
            e.notes.push(format!(
                "`{field}` does not look like a timestamp; pass --unit"
            ));
            None
        }
        None => {
            e.notes
                .push("no timestamp field (ts): the refill cannot be computed".into());
            None
        }
    };
    let (Some(limit), Some(window)) = (h.limit, h.window_ms) else {
        e.notes
            .push("pass --limit and --window (and --burst) to compute the refill".into());
        return;
    };
    let cap = h.burst.unwrap_or(limit) as f64;
    let per_ms = limit as f64 / window as f64;
    let now_tokens = (tokens + age_ms.unwrap_or(0.0) * per_ms).min(cap);
    e.fact("capacity", "capacity", json!(cap as u64), format!("{cap}"));
    e.fact(
        "tokens_now",
        "tokens now",
        json!(now_tokens),
        format!("{now_tokens:.3}"),
    );
    let remaining = (now_tokens + EPS).floor().max(0.0);
    e.fact(
        "remaining",
        "remaining",
        json!(remaining as i64),
        format!("{remaining}"),
    );
    let retry = if now_tokens + EPS >= 1.0 {
        0.0
    } else {
        (1.0 - now_tokens) / per_ms
    };
    e.ms("retry_after_ms", "next token in", retry);
    e.ms("reset_after_ms", "full in", (cap - now_tokens) / per_ms);
}

fn explain_gcra(e: &mut Explanation, tat: f64, clock: Clock, now: f64, h: &Hints) {
    let tat_us = clock.to_unix_us(tat);
    let ahead_ms = (tat_us - now) / 1000.0;
    e.fact(
        "encoding",
        "TAT encoding",
        json!(clock.name()),
        clock.describe(),
    );
    e.fact("tat", "TAT (stored)", json!(tat), format!("{tat}"));
    e.ms("tat_ahead_ms", "TAT ahead of now", ahead_ms);
    e.ms("reset_after_ms", "reset after", ahead_ms.max(0.0));
    let (Some(limit), Some(window)) = (h.limit, h.window_ms) else {
        e.notes.push(
            "pass --limit and --window (and --burst) to see what remains; the TAT is how far ahead the limiter's schedule runs"
                .into(),
        );
        return;
    };
    let burst = h.burst.unwrap_or(limit);
    let emission = window as f64 * 1000.0 / limit as f64; // µs per request
    let t = tat_us.max(now);
    let remaining = ((now - (t - burst as f64 * emission)) / emission + EPS)
        .floor()
        .clamp(0.0, burst as f64);
    let retry = if remaining >= 1.0 {
        0.0
    } else {
        (t + emission - burst as f64 * emission - now) / 1000.0
    };
    e.fact("limit", "limit (burst)", json!(burst), burst.to_string());
    e.fact(
        "remaining",
        "remaining",
        json!(remaining as i64),
        format!("{remaining}"),
    );
    e.fact(
        "limited",
        "next request limited",
        json!(remaining < 1.0),
        (remaining < 1.0).to_string(),
    );
    e.ms("retry_after_ms", "retry after", retry.max(0.0));
    e.ms("emission_ms", "one request every", emission / 1000.0);
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW_US: f64 = 1_763_000_000_000_000.0; // Nov 2025

    fn snap(body: Body, ttl_ms: Option<i64>) -> Snapshot {
        Snapshot {
            kind: match &body {
                Body::Missing => "none",
                Body::Zset { .. } => "zset",
                Body::Text(_) => "string",
                Body::Hash { .. } => "hash",
                Body::Other => "list",
            }
            .into(),
            ttl_ms,
            now_us: NOW_US as i64,
            body,
            previous: None,
            braced: false,
            previous_of: None,
        }
    }

    fn num(e: &Explanation, name: &str) -> f64 {
        e.get(name)
            .and_then(Json::as_f64)
            .unwrap_or_else(|| panic!("no {name} in {:?}", e.facts))
    }

    #[test]
    fn units_are_detected_from_timestamps() {
        let now = NOW_US;
        let unix = |u: TimeUnit| Some(Clock::Unix(u));
        assert_eq!(
            detect_clock(now / 1e6, now, &UNIX_CLOCKS),
            unix(TimeUnit::S)
        );
        assert_eq!(
            detect_clock(now / 1e3 - 5000.0, now, &UNIX_CLOCKS),
            unix(TimeUnit::Ms)
        );
        assert_eq!(detect_clock(now, now, &UNIX_CLOCKS), unix(TimeUnit::Us));
        assert_eq!(
            detect_clock(now * 1e3, now, &UNIX_CLOCKS),
            unix(TimeUnit::Ns)
        );
        // A week-old log is still recognised; a relative time is not a timestamp.
        let week_old_ms = (now - 7.0 * 86_400e6) / 1e3;
        assert_eq!(
            detect_clock(week_old_ms, now, &UNIX_CLOCKS),
            unix(TimeUnit::Ms)
        );
        assert_eq!(detect_clock(12_345.0, now, &UNIX_CLOCKS), None);
        assert_eq!(detect_clock(-1.0, now, &UNIX_CLOCKS), None);
        // redis_rate's epoch is told apart from Unix seconds.
        let tat = now / 1e6 - JAN_1_2017_S + 0.2;
        assert_eq!(detect_clock(tat, now, &TAT_CLOCKS), Some(Clock::Since2017));
        assert_eq!(detect_clock(now / 1e6, now, &TAT_CLOCKS), unix(TimeUnit::S));
    }

    #[test]
    fn limits_sliding_window_counter_answers() {
        let hints = Hints {
            limit: Some(10),
            ..Hints::default()
        };
        let mut s = snap(Body::Text(b"1".to_vec()), Some(90_000));
        s.previous = Some(Previous {
            count: Some(10),
            ttl_ms: Some(30_000),
        });
        s.braced = true;
        let layout = classify(&s, &hints);
        assert_eq!(
            layout,
            Layout::WindowCounter {
                current: 1,
                previous: 10
            }
        );
        let e = explain(&s, &layout, &hints);
        assert_eq!(num(&e, "window_ms"), 60_000.0);
        assert_eq!(num(&e, "weighted_count"), 6.0);
        assert_eq!(num(&e, "remaining"), 4.0);
        assert_eq!(num(&e, "reset_after_ms"), 0.0);
        // An ended window is shifted as the library does: 4 x 20/60 = 1.
        let mut ended = snap(Body::Text(b"4".to_vec()), Some(20_000));
        ended.braced = true;
        let h = Hints {
            window_ms: Some(60_000),
            ..hints.clone()
        };
        let e = explain(
            &ended,
            &Layout::WindowCounter {
                current: 4,
                previous: 0,
            },
            &h,
        );
        assert_eq!(num(&e, "weighted_count"), 1.0);
        assert_eq!(num(&e, "count"), 0.0);
        assert_eq!(num(&e, "previous_count"), 4.0);
        // Alone and braced: a fixed window or limits, unless --algo says.
        assert!(matches!(classify(&ended, &h), Layout::Ambiguous(_)));
        let fixed = Hints {
            algo: Some(RateAlgo::FixedWindow),
            ..h
        };
        assert_eq!(classify(&ended, &fixed), Layout::Counter { count: 4 });
        assert!(is_braced(b"{LIMITER/a/10/1/minute}"));
        assert!(!is_braced(b"{a}:b") && !is_braced(b"{}"));
    }

    #[test]
    fn clocks_round_trip() {
        for c in TAT_CLOCKS {
            let back = c.to_unix_us(c.stamp_at(NOW_US));
            assert!((back - NOW_US).abs() < 1.0, "{c:?}: {back}");
        }
    }

    #[test]
    fn strings_are_counters_or_tats() {
        let h = Hints::default();
        let now = NOW_US;
        let s = |t: &str| snap(Body::Text(t.as_bytes().to_vec()), Some(1000));
        assert_eq!(classify(&s("7"), &h), Layout::Counter { count: 7 });
        let tat = format!("{}", now / 1e6 - JAN_1_2017_S + 1.5);
        assert!(matches!(
            classify(&s(&tat), &h),
            Layout::Gcra {
                clock: Clock::Since2017,
                ..
            }
        ));
        let ns = format!("{}", (now * 1e3) as i64);
        assert!(matches!(
            classify(&s(&ns), &h),
            Layout::Gcra {
                clock: Clock::Unix(TimeUnit::Ns),
                ..
            }
        ));
        assert!(matches!(classify(&s("hello"), &h), Layout::Unknown(_)));
        let gcra = Hints {
            algo: Some(RateAlgo::Gcra),
            ..Hints::default()
        };
        assert!(matches!(classify(&s("7"), &gcra), Layout::Gcra { .. }));
    }

    #[test]
    fn misfits_are_named() {
        assert_eq!(misfit(&Layout::Missing, RateAlgo::Gcra), None);
        assert!(misfit(&Layout::Counter { count: 3 }, RateAlgo::Gcra)
            .is_some_and(|m| m.contains("fixed-window counter")));
        let foreign_tat = Layout::Gcra {
            tat: 1.0,
            clock: Clock::Unix(TimeUnit::Ns),
        };
        assert!(misfit(&foreign_tat, RateAlgo::Gcra).is_some());
        let log = Layout::SlidingLog {
            clock: Some(Clock::Unix(TimeUnit::Ns)),
        };
        assert_eq!(misfit(&log, RateAlgo::SlidingLog), None);
        assert_eq!(existing_unit(&log), Some(TimeUnit::Ns));
        assert!(misfit(&log, RateAlgo::TokenBucket).is_some());
    }

    #[test]
    fn windows_are_inferred_from_the_ttl() {
        assert_eq!(infer_window_ms(Some(59_990), Some(12.5)), Some(60_000));
        assert_eq!(infer_window_ms(Some(700), Some(250.4)), Some(950));
        assert_eq!(infer_window_ms(None, Some(10.0)), None);
        // A newest entry in the future (skewed writer) adds nothing.
        assert_eq!(infer_window_ms(Some(30_000), Some(-500.0)), Some(30_000));
    }

    #[test]
    fn a_full_log_says_when_the_next_slot_frees() {
        let now_ns = NOW_US * 1e3;
        let s = snap(
            Body::Zset {
                card: 12,
                oldest: Some(now_ns - 90e9),
                newest: Some(now_ns - 1e9),
            },
            Some(59_000),
        );
        let w = LogWindow {
            in_window: 10,
            future: 0,
            first_in_window: Some(now_ns - 50e9),
            freeing: Some(now_ns - 45e9),
        };
        let e = explain_log(
            &s,
            Some(Clock::Unix(TimeUnit::Ns)),
            Some((60_000, true)),
            Some(&w),
            Some(10),
        );
        assert_eq!(num(&e, "in_window"), 10.0);
        assert_eq!(num(&e, "expired"), 2.0);
        assert_eq!(num(&e, "remaining"), 0.0);
        assert!((num(&e, "next_slot_ms") - 15_000.0).abs() <= 1.0);
        assert!((num(&e, "reset_after_ms") - 59_000.0).abs() <= 1.0);
        assert!((num(&e, "oldest_age_ms") - 90_000.0).abs() <= 1.0);
        assert_eq!(e.get("unit"), Some(&json!("ns")));
    }

    #[test]
    fn counters_and_buckets() {
        let h = Hints {
            limit: Some(100),
            ..Hints::default()
        };
        let s = snap(Body::Text(b"100".to_vec()), Some(30_000));
        let e = explain(&s, &classify(&s, &h), &h);
        assert_eq!(num(&e, "count"), 100.0);
        assert_eq!(num(&e, "remaining"), 0.0);
        assert_eq!(num(&e, "reset_after_ms"), 30_000.0);

        // 2 tokens stored 1.5s ago, refilling 1 per second, capacity 5.
        let ts = (NOW_US - 1.5e6) / 1e3;
        let s = snap(
            Body::Hash {
                len: 2,
                fields: vec![
                    ("tokens".into(), b"2".to_vec()),
                    ("ts".into(), ts.to_string().into_bytes()),
                ],
            },
            Some(3000),
        );
        let h = Hints {
            limit: Some(1),
            window_ms: Some(1000),
            burst: Some(5),
            ..Hints::default()
        };
        let e = explain(&s, &classify(&s, &h), &h);
        assert!((num(&e, "tokens_now") - 3.5).abs() < 1e-6);
        assert_eq!(num(&e, "remaining"), 3.0);
        assert_eq!(num(&e, "reset_after_ms"), 1500.0);
        assert_eq!(e.get("unit"), Some(&json!("ms")));
    }

    #[test]
    fn gcra_state_matches_redis_rate() {
        // 10 per second, burst 10: 100ms per request. A TAT 300ms ahead means
        // 3 requests' worth is used: 7 remain.
        let tat = (NOW_US + 300e3) / 1e6 - JAN_1_2017_S;
        let s = snap(Body::Text(tat.to_string().into_bytes()), Some(300));
        let h = Hints {
            limit: Some(10),
            window_ms: Some(1000),
            ..Hints::default()
        };
        let e = explain(&s, &classify(&s, &h), &h);
        assert_eq!(num(&e, "remaining"), 7.0);
        assert_eq!(e.get("limited"), Some(&json!(false)));
        assert!((num(&e, "tat_ahead_ms") - 300.0).abs() <= 1.0);
        // 1.05s ahead with burst 10: limited, next slot in 150ms.
        let tat = (NOW_US + 1_050e3) / 1e6 - JAN_1_2017_S;
        let s = snap(Body::Text(tat.to_string().into_bytes()), Some(1050));
        let e = explain(&s, &classify(&s, &h), &h);
        assert_eq!(num(&e, "remaining"), 0.0);
        assert_eq!(e.get("limited"), Some(&json!(true)));
        assert!((num(&e, "retry_after_ms") - 150.0).abs() <= 1.0);
    }

    #[test]
    fn verdicts_decode_waits() {
        let v = parse_verdict(&[1, 4, -1, 60_000]).expect("verdict");
        assert!(v.allowed);
        assert_eq!(v.retry_after_ms, Some(0));
        let v = parse_verdict(&[0, 0, -2, -2]).expect("verdict");
        assert_eq!((v.retry_after_ms, v.reset_after_ms), (None, None));
        assert_eq!(parse_verdict(&[1, 2]), None);
    }
}
