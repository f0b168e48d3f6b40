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
//!
//! - [`scripts`]: the Lua scripts and one request (EVALSHA, EVAL on NOSCRIPT);
//! - [`state`]: reading a key and deciding which layout it holds;
//! - [`explain`]: typed facts about a layout's state (`--inspect`);
//! - [`run`]: a run of requests over concurrent clients on one schedule.

pub mod explain;
pub mod run;
pub mod scripts;
pub mod state;

#[cfg(test)]
mod tests;

pub use explain::{inspect, Inspection};
pub use scripts::{request, reset};
pub use state::{adopt, classify, previous_key, snapshot, Hints, Layout};

/// The rate-limiting algorithms, each in the key layout common libraries use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    SlidingLog,
    FixedWindow,
    TokenBucket,
    Gcra,
}

impl Algorithm {
    /// The name the flags and the JSON use.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::SlidingLog => "sliding-log",
            Algorithm::FixedWindow => "fixed-window",
            Algorithm::TokenBucket => "token-bucket",
            Algorithm::Gcra => "gcra",
        }
    }

    /// Token bucket and GCRA have a burst (capacity) beside the rate.
    pub fn has_burst(self) -> bool {
        matches!(self, Algorithm::TokenBucket | Algorithm::Gcra)
    }

    /// Sliding log and token bucket write timestamps in a chosen unit.
    pub fn has_unit(self) -> bool {
        matches!(self, Algorithm::SlidingLog | Algorithm::TokenBucket)
    }
}

impl serde::Serialize for Algorithm {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// go-redis/redis_rate counts its TAT in seconds from here, to keep µs precision
/// in a double.
pub const JAN_1_2017_S: f64 = 1_483_228_800.0;

/// Tolerance for float rounding in the token and GCRA arithmetic (a fraction of
/// one request): without it 3.9999999 tokens would deny a request that 4 allow.
pub(crate) const EPS: f64 = 1e-9;

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
    pub algo: Algorithm,
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
            Algorithm::TokenBucket | Algorithm::Gcra => self.burst,
            Algorithm::SlidingLog | Algorithm::FixedWindow => self.limit,
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
