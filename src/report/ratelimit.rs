//! `ratelimit-test`: a run's verdicts, a limiter's state (`--inspect`), a
//! reset. Notes are part of the JSON (sentences for people, as SPEC.md has
//! them): the facts stay typed here and become sentences only when written.

use std::collections::BTreeMap;
use std::fmt;

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use crate::core::limiter::explain::{Fact, Note};
use crate::core::limiter::run::{elapsed, peak_in_window, Row, Run};
use crate::core::limiter::state::{Ambiguity, Misfit, Unknown};
use crate::core::limiter::{Algorithm, Clock, Inspection, Layout, Policy, TimeUnit};
use crate::keys::escape_bytes;
use crate::output::fmt::ms_int;

/// A run's report; fields in the order the JSON has always had them
/// (alphabetical). `results` is written request by request, never collected.
#[derive(Debug, Serialize)]
pub struct RunReport {
    pub algorithm: Algorithm,
    pub allowed: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub burst: Option<u64>,
    pub concurrency: u32,
    pub cost: u64,
    pub denied: u64,
    pub elapsed_ms: f64,
    pub interrupted: bool,
    #[serde(with = "crate::keys::escaped")]
    pub key: Vec<u8>,
    pub limit: u64,
    pub notes: Vec<RunNote>,
    pub observed_rps: Option<f64>,
    pub peak_allowed_in_window: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub planned: Option<u64>,
    pub requests: u64,
    pub results: Results,
    pub sent_rps: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<TimeUnit>,
    pub window_ms: u64,
}

/// Something a run showed, beside the counts.
#[derive(Debug, Clone, PartialEq)]
pub enum RunNote {
    /// Requests cost more than the limiter ever holds.
    CostAboveCapacity { cost: u64, capacity: u64 },
    /// A fixed window let more than the limit through within one window length.
    BoundaryBurst {
        peak: u64,
        window_ms: u64,
        limit: u64,
    },
    /// `--count-denied` kept denied requests in the state.
    CountDenied(Algorithm),
}

impl RunReport {
    pub fn new(key: &[u8], p: &Policy, concurrency: u32, run: Run) -> Self {
        let rows = run.rows;
        let requests = rows.len() as u64;
        let allowed = rows.iter().filter(|r| r.verdict.allowed).count() as u64;
        let elapsed = elapsed(&rows);
        let per_second = |n: u64| {
            let secs = elapsed.as_secs_f64();
            (secs > 0.0).then(|| round3(n as f64 / secs))
        };
        let peak = peak_in_window(&rows, p.window_ms);
        let mut notes = Vec::new();
        if p.cost > p.capacity() {
            notes.push(RunNote::CostAboveCapacity {
                cost: p.cost,
                capacity: p.capacity(),
            });
        }
        if p.algo == Algorithm::FixedWindow && peak > p.limit {
            notes.push(RunNote::BoundaryBurst {
                peak,
                window_ms: p.window_ms,
                limit: p.limit,
            });
        }
        if p.count_denied && allowed < requests {
            notes.push(RunNote::CountDenied(p.algo));
        }
        RunReport {
            algorithm: p.algo,
            allowed,
            burst: p.algo.has_burst().then_some(p.burst),
            concurrency,
            cost: p.cost,
            denied: requests - allowed,
            elapsed_ms: round3(elapsed.as_secs_f64() * 1000.0),
            interrupted: run.interrupted,
            key: key.to_vec(),
            limit: p.limit,
            notes,
            observed_rps: per_second(allowed),
            peak_allowed_in_window: peak,
            planned: run.interrupted.then_some(run.planned),
            requests,
            results: Results(rows),
            sent_rps: per_second(requests),
            unit: p.algo.has_unit().then_some(p.unit),
            window_ms: p.window_ms,
        }
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn ms_f(d: std::time::Duration) -> f64 {
    round3(d.as_secs_f64() * 1000.0)
}

/// The requests, serialised one by one as they are written.
#[derive(Debug)]
pub struct Results(pub Vec<Row>);

/// One request in JSON; fields in alphabetical order, as always.
#[derive(Serialize)]
struct RowJson {
    allowed: bool,
    latency_ms: f64,
    n: u64,
    offset_ms: f64,
    remaining: i64,
    reset_after_ms: Option<i64>,
    retry_after_ms: Option<i64>,
    worker: u32,
}

impl Serialize for Results {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        ser.collect_seq(self.0.iter().map(|r| RowJson {
            allowed: r.verdict.allowed,
            latency_ms: ms_f(r.latency),
            n: r.n,
            offset_ms: ms_f(r.offset),
            remaining: r.verdict.remaining,
            reset_after_ms: r.verdict.reset_after_ms,
            retry_after_ms: r.verdict.retry_after_ms,
            worker: r.worker,
        }))
    }
}

impl Serialize for TimeUnit {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// `--inspect`: the key, its layout, the facts under their names, the notes.
#[derive(Debug)]
pub struct InspectReport {
    pub key: Vec<u8>,
    pub inspection: Inspection,
}

/// One value of the inspection's JSON object.
enum Field<'a> {
    Text(String),
    Bool(bool),
    Int(i64),
    Fact(&'a Fact),
    Notes(&'a [Note]),
}

impl Serialize for Field<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Field::Text(t) => s.serialize_str(t),
            Field::Bool(b) => s.serialize_bool(*b),
            Field::Int(n) => s.serialize_i64(*n),
            Field::Fact(f) => f.serialize(s),
            Field::Notes(n) => s.collect_seq(n.iter().map(ToString::to_string)),
        }
    }
}

impl Serialize for InspectReport {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let i = &self.inspection;
        // Alphabetical, as the JSON has always been; a later fact of the same
        // name replaces an earlier one.
        let mut fields: BTreeMap<&str, Field> = BTreeMap::new();
        fields.insert("key", Field::Text(escape_bytes(&self.key)));
        fields.insert("exists", Field::Bool(i.layout != Layout::Missing));
        fields.insert("type", Field::Text(i.snapshot.kind.clone()));
        fields.insert("layout", Field::Text(i.layout.name().into()));
        fields.insert("server_time_ms", Field::Int(i.snapshot.now_us / 1000));
        for f in &i.explanation.facts {
            fields.insert(f.name(), Field::Fact(f));
        }
        fields.insert("notes", Field::Notes(&i.explanation.notes));
        let mut m = ser.serialize_map(Some(fields.len()))?;
        for (k, v) in &fields {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// `--reset`: whether the limiter's key existed and is gone (fields in the
/// JSON's alphabetical order).
#[derive(Debug, Serialize)]
pub struct ResetReport {
    pub deleted: bool,
    #[serde(with = "crate::keys::escaped")]
    pub key: Vec<u8>,
}

/// How a clock writes time, in words.
pub fn describe_clock(c: Clock) -> String {
    match c {
        Clock::Unix(u) => format!(
            "Unix time in {}",
            match u {
                TimeUnit::S => "seconds",
                TimeUnit::Ms => "milliseconds",
                TimeUnit::Us => "microseconds (µs)",
                TimeUnit::Ns => "nanoseconds",
            }
        ),
        Clock::Since2017 => "seconds since 2017-01-01 (go-redis/redis_rate)".into(),
    }
}

impl Serialize for RunNote {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl fmt::Display for RunNote {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            RunNote::CostAboveCapacity { cost, capacity } => write!(
                f,
                "--cost {cost} is more than the limiter ever holds ({capacity}): such requests are always denied and consume nothing"
            ),
            RunNote::BoundaryBurst { peak, window_ms, limit } => write!(
                f,
                "boundary burst: {peak} requests were allowed within one window length ({}), more than the limit of {limit}, because a fixed window resets all at once",
                ms_int(*window_ms as i64)
            ),
            RunNote::CountDenied(Algorithm::SlidingLog) => f.write_str(
                "--count-denied: denied requests were logged too, so a client that keeps sending stays blocked",
            ),
            RunNote::CountDenied(_) => f.write_str(
                "--count-denied: denied requests were counted too (INCR first, compare after), as the seeds' counters do",
            ),
        }
    }
}

/// "1 entry is", "3 entries are".
fn entries(n: u64) -> String {
    if n == 1 {
        "1 entry is".into()
    } else {
        format!("{n} entries are")
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Note::Fresh => f.write_str(
                "the key does not exist: a fresh limiter, the next request starts a new window",
            ),
            Note::NotALimiter(what) => {
                write!(f, "not a rate limiter layout cachectl knows: {what}")
            }
            Note::CannotTell(why) => write!(f, "cannot tell the layout: {why}"),
            Note::NoTtl => f.write_str(
                "the key has no TTL: it never expires on its own (every limiter key should have one)",
            ),
            Note::ScoresNotTimes => f.write_str(
                "the scores do not look like Unix timestamps near the server's time; pass --unit s|ms|us|ns",
            ),
            Note::NoWindow => f.write_str(
                "no window given and none can be inferred without a TTL: pass --window",
            ),
            Note::ExpiredEntries(n) => write!(
                f,
                "{} older than the window; the next request removes them",
                entries(*n)
            ),
            Note::FutureEntries(n) => write!(
                f,
                "{} stamped after the server's time: a writer's clock is ahead",
                entries(*n)
            ),
            Note::LogFull { for_ms } => write!(
                f,
                "at the limit: requests are denied for {} more",
                ms_int(*for_ms)
            ),
            Note::LogNeedsLimit => {
                f.write_str("pass --limit to see what remains and when the next slot frees")
            }
            Note::CounterFull { resets_in_ms } => write!(
                f,
                "at the limit: requests are denied until the window resets in {}",
                ms_int(*resets_in_ms)
            ),
            Note::CounterFullForever => f.write_str(
                "at the limit and without a TTL: requests are denied forever (INCR and EXPIRE not atomic?)",
            ),
            Note::CounterNeedsLimit => f.write_str("pass --limit to see what remains in this window"),
            Note::TtlAboveWindow { ttl_ms, window_ms } => write!(
                f,
                "the TTL ({}) is longer than --window ({}): the writer uses another window",
                ms_int(*ttl_ms),
                ms_int(*window_ms as i64)
            ),
            Note::StampNotTime { field } => {
                write!(f, "`{field}` does not look like a timestamp; pass --unit")
            }
            Note::NoStampField => {
                f.write_str("no timestamp field (ts): the refill cannot be computed")
            }
            Note::BucketNeedsRate => {
                f.write_str("pass --limit and --window (and --burst) to compute the refill")
            }
            Note::GcraNeedsRate => f.write_str(
                "pass --limit and --window (and --burst) to see what remains; the TAT is how far ahead the limiter's schedule runs",
            ),
            Note::WindowCounterLayout => f.write_str(
                "limits' sliding window counter: KEY counts this window, KEY/-1 the previous one",
            ),
            Note::WindowCounterNeedsWindow => {
                f.write_str("pass --window to see what the library answers")
            }
            Note::WindowEnded => f.write_str(
                "this window has ended: the library's next call makes it the previous one",
            ),
            Note::WindowCounterFull { in_ms } => write!(
                f,
                "at the limit: the library denies until the weighted count drops, in {}",
                ms_int(*in_ms)
            ),
            Note::WindowCounterNeedsLimit => f.write_str("pass --limit to see what remains"),
        }
    }
}

impl fmt::Display for Unknown {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Unknown::BinaryString => f.write_str("a binary string"),
            Unknown::NotANumber => f.write_str("a string that is not a number"),
            Unknown::NeitherCounterNorTime => {
                f.write_str("a number that is neither a counter nor a time near now")
            }
            Unknown::HashWithoutTokens => f.write_str("a hash without a numeric `tokens` field"),
            Unknown::Type(kind) => write!(f, "a {kind} is not a rate limiter layout"),
        }
    }
}

impl fmt::Display for Ambiguity {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Ambiguity::PreviousWindowOf(key) => write!(
                f,
                "the previous window of limits' sliding window counter {}: inspect that key",
                escape_bytes(key)
            ),
            Ambiguity::BracedCounterAlone => f.write_str(
                "a counter alone under a {…} key: a fixed window, or limits' sliding window counter whose previous window is gone. \
                 A TTL above --window means limits (pass --window); --algo fixed-window reads it as a fixed window",
            ),
        }
    }
}

impl fmt::Display for Misfit {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Misfit::ScoresNotTimes => f.write_str(
                "holds a sorted set whose scores do not look like timestamps (pass --unit)",
            ),
            Misfit::StampField(field) => write!(
                f,
                "holds a token bucket whose time field is `{field}`; cachectl writes `tokens` and `ts`"
            ),
            Misfit::StampNotTime => f.write_str(
                "holds a token bucket whose `ts` does not look like a timestamp (pass --unit)",
            ),
            Misfit::TatClock(clock) => write!(
                f,
                "holds a GCRA TAT in {}; cachectl's gcra reads and writes go-redis/redis_rate's seconds since 2017-01-01",
                describe_clock(*clock)
            ),
            Misfit::Holds(layout, algo) => {
                f.write_str("holds ")?;
                match layout {
                    Layout::Ambiguous(why) => write!(f, "{why}")?,
                    Layout::Unknown(what) => write!(f, "{what}")?,
                    l => f.write_str(match l {
                        Layout::SlidingLog { .. } => "a sliding log (sorted set)",
                        Layout::Counter { .. } => "a fixed-window counter",
                        Layout::TokenBucket { .. } => "a token bucket (hash)",
                        Layout::Gcra { .. } => "a GCRA TAT",
                        Layout::WindowCounter { .. } => {
                            "limits' sliding window counter (KEY and KEY/-1)"
                        }
                        _ => "nothing",
                    })?,
                }
                write!(f, ", not a {} limiter", algo.name())
            }
        }
    }
}
