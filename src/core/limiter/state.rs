//! Reading a limiter key (read-only) and deciding which layout it holds.

use redis::{FromRedisValue, Value};

use super::{detect_clock, Algorithm, Clock, TimeUnit, TAT_CLOCKS, UNIX_CLOCKS};
use crate::core::conn::{server_failure, slot_of, Idempotent, Redis, Routed};

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
pub(super) fn is_braced(key: &[u8]) -> bool {
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

pub(super) fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::SimpleString(s) => Some(s.clone()),
        Value::BulkString(b) => Some(String::from_utf8_lossy(b).into_owned()),
        Value::Okay => Some("OK".into()),
        _ => None,
    }
}

pub(super) fn number_of(v: &Value) -> Option<f64> {
    match v {
        Value::Int(n) => Some(*n as f64),
        Value::Double(d) => Some(*d),
        _ => text_of(v)?.trim().parse().ok(),
    }
}

/// The score of the first entry of a `WITHSCORES` reply (RESP2: flat
/// member, score; RESP3: pairs).
pub(super) fn first_score(v: &Value) -> Option<f64> {
    let Value::Array(items) = v else { return None };
    match items.first()? {
        Value::Array(pair) => number_of(pair.get(1)?),
        _ => number_of(items.get(1)?),
    }
}

/// Send read-only commands to the key's node; error replies become failures.
pub(super) async fn read(
    redis: &Redis,
    key: &[u8],
    cmds: Vec<redis::Cmd>,
) -> anyhow::Result<Vec<Value>> {
    let routed: Vec<Routed> = cmds.into_iter().map(|c| Routed::new(key, c)).collect();
    let replies = redis.batch(routed, Idempotent::Yes).await?.replies;
    if let Some(Value::ServerError(e)) = replies.iter().find(|v| matches!(v, Value::ServerError(_)))
    {
        let node = redis.node_for_slot(slot_of(key)).addr.clone();
        return Err(server_failure(&node, e).into());
    }
    Ok(replies)
}

pub(super) fn keyed_cmd(name: &str, key: &[u8], args: &[&str]) -> redis::Cmd {
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
    pub algo: Option<Algorithm>,
    pub limit: Option<u64>,
    pub window_ms: Option<u64>,
    pub burst: Option<u64>,
    pub unit: Option<TimeUnit>,
}

impl Hints {
    /// Everything a policy says, for reading the state it writes.
    pub fn of(p: &super::Policy) -> Self {
        Hints {
            algo: Some(p.algo),
            limit: Some(p.limit),
            window_ms: Some(p.window_ms),
            burst: p.algo.has_burst().then_some(p.burst),
            unit: Some(p.unit),
        }
    }
}

/// Why a key holds no layout cachectl knows.
#[derive(Debug, Clone, PartialEq)]
pub enum Unknown {
    BinaryString,
    NotANumber,
    /// A number neither a counter nor a time near now.
    NeitherCounterNorTime,
    HashWithoutTokens,
    /// Another type (TYPE's answer).
    Type(String),
}

/// Why a counter could be read two ways.
#[derive(Debug, Clone, PartialEq)]
pub enum Ambiguity {
    /// KEY is `K/-1` beside K: the previous window of limits' counter K.
    PreviousWindowOf(Vec<u8>),
    /// A counter alone under a `{…}` key: a fixed window, or limits' counter
    /// whose previous window is gone.
    BracedCounterAlone,
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
    Ambiguous(Ambiguity),
    Unknown(Unknown),
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
                return Layout::Unknown(Unknown::HashWithoutTokens);
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
        Body::Other => Layout::Unknown(Unknown::Type(s.kind.clone())),
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
        return Some(Layout::Ambiguous(Ambiguity::PreviousWindowOf(
            current_key.clone(),
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
    if !s.braced || s.previous.is_some() || h.algo == Some(Algorithm::FixedWindow) {
        return None;
    }
    match (h.window_ms, s.ttl_ms) {
        (Some(w), Some(t)) if t as u64 > w => Some(Layout::WindowCounter {
            current,
            previous: 0,
        }),
        _ => Some(Layout::Ambiguous(Ambiguity::BracedCounterAlone)),
    }
}

fn classify_text(bytes: &[u8], now: f64, h: &Hints) -> Layout {
    let Some(text) = std::str::from_utf8(bytes).ok().map(str::trim) else {
        return Layout::Unknown(Unknown::BinaryString);
    };
    let Ok(v) = text.parse::<f64>() else {
        return Layout::Unknown(Unknown::NotANumber);
    };
    let integer = text.parse::<i64>().ok();
    match (h.algo, integer) {
        (Some(Algorithm::FixedWindow), Some(count)) => return Layout::Counter { count },
        (Some(Algorithm::Gcra), _) => {
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
        _ => Layout::Unknown(Unknown::NeitherCounterNorTime),
    }
}

/// Why an existing key cannot be driven by an algorithm.
#[derive(Debug, Clone, PartialEq)]
pub enum Misfit {
    /// A sorted set whose scores are not timestamps.
    ScoresNotTimes,
    /// A token bucket keeping its time in another field than `ts`.
    StampField(String),
    /// A token bucket whose `ts` is not a timestamp.
    StampNotTime,
    /// A GCRA TAT in another clock than redis_rate's.
    TatClock(Clock),
    /// Another layout altogether.
    Holds(Layout, Algorithm),
}

/// Why an existing key cannot be driven by `algo` (None: it can). A mismatch
/// would make the script misread or overwrite it.
pub fn misfit(layout: &Layout, algo: Algorithm) -> Option<Misfit> {
    let fits = match layout {
        Layout::Missing => true,
        Layout::SlidingLog { clock } if algo == Algorithm::SlidingLog => {
            return clock.is_none().then_some(Misfit::ScoresNotTimes)
        }
        Layout::Counter { .. } => algo == Algorithm::FixedWindow,
        Layout::TokenBucket { stamp, .. } if algo == Algorithm::TokenBucket => {
            return match stamp {
                Some((f, _, _)) if f != "ts" => Some(Misfit::StampField(f.clone())),
                Some((_, _, None)) => Some(Misfit::StampNotTime),
                _ => None,
            };
        }
        Layout::Gcra { clock, .. } if algo == Algorithm::Gcra => {
            return (*clock != Clock::Since2017).then_some(Misfit::TatClock(*clock))
        }
        // The user said which with --algo fixed-window.
        Layout::Ambiguous(_) => algo == Algorithm::FixedWindow,
        _ => false,
    };
    (!fits).then(|| Misfit::Holds(layout.clone(), algo))
}

/// Before a run: the layout `key` holds, once it fits `policy` (classified
/// without `--algo` as a hint, which would read any number as the algorithm's
/// own state and let the script overwrite, say, a counter). Without a `unit`
/// from the user, the policy takes the one an existing log or bucket uses, so
/// that cachectl's entries mix with the application's.
pub async fn adopt(
    redis: &Redis,
    key: &[u8],
    policy: &mut super::Policy,
    unit: Option<TimeUnit>,
) -> anyhow::Result<Result<Layout, Misfit>> {
    let hints = Hints {
        unit,
        ..Hints::default()
    };
    let layout = classify(&snapshot(redis, key).await?, &hints);
    if let Some(why) = misfit(&layout, policy.algo) {
        return Ok(Err(why));
    }
    if unit.is_none() {
        if let Some(u) = existing_unit(&layout) {
            policy.unit = u;
        }
    }
    Ok(Ok(layout))
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
pub(super) fn infer_window_ms(ttl_ms: Option<i64>, newest_age_ms: Option<f64>) -> Option<u64> {
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
