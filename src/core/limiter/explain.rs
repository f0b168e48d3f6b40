//! A limiter's state as typed facts (`--inspect`, the interactive screen):
//! what each layout holds and what its next request would get. Names and
//! values are the report's; labels and sentences are the view's.

use serde::{Serialize, Serializer};

use super::state::{log_window, snapshot, Ambiguity, Body, Hints, Layout, LogWindow, Snapshot};
use super::{Clock, EPS};
use crate::core::conn::Redis;

/// Where a window length came from, when the user did not give it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowFrom {
    Given,
    /// A sliding log's TTL plus its newest entry's age.
    TtlAndNewestAge,
    /// limits' counter: the current key's TTL minus the previous one's.
    TwoTtls,
}

/// One fact about a limiter's state. Durations are whole milliseconds.
#[derive(Debug, Clone, PartialEq)]
pub enum Fact {
    Entries(u64),
    /// The timestamps' clock (None: not times near now), and for a token
    /// bucket the hash field holding it.
    Unit {
        clock: Option<Clock>,
        field: Option<String>,
    },
    OldestAgeMs(i64),
    NewestAgeMs(i64),
    WindowMs {
        ms: u64,
        from: WindowFrom,
    },
    InWindow(u64),
    Expired(u64),
    Future(u64),
    ResetAfterMs(i64),
    Limit(u64),
    Remaining(i64),
    NextSlotMs(i64),
    OldestLeavesMs(i64),
    /// None: the key has no TTL.
    TtlMs(Option<i64>),
    Count(i64),
    PreviousCount(i64),
    PreviousTtlMs(i64),
    WeightedCount(i64),
    Fields(u64),
    Tokens(f64),
    UpdatedAgeMs(i64),
    Capacity(u64),
    TokensNow(f64),
    RetryAfterMs(i64),
    Encoding(Clock),
    Tat(f64),
    TatAheadMs(i64),
    Limited(bool),
    EmissionMs(i64),
}

impl Fact {
    /// The JSON field this fact is.
    pub fn name(&self) -> &'static str {
        match self {
            Fact::Entries(_) => "entries",
            Fact::Unit { .. } => "unit",
            Fact::OldestAgeMs(_) => "oldest_age_ms",
            Fact::NewestAgeMs(_) => "newest_age_ms",
            Fact::WindowMs { .. } => "window_ms",
            Fact::InWindow(_) => "in_window",
            Fact::Expired(_) => "expired",
            Fact::Future(_) => "future",
            Fact::ResetAfterMs(_) => "reset_after_ms",
            Fact::Limit(_) => "limit",
            Fact::Remaining(_) => "remaining",
            Fact::NextSlotMs(_) => "next_slot_ms",
            Fact::OldestLeavesMs(_) => "oldest_leaves_ms",
            Fact::TtlMs(_) => "ttl_ms",
            Fact::Count(_) => "count",
            Fact::PreviousCount(_) => "previous_count",
            Fact::PreviousTtlMs(_) => "previous_ttl_ms",
            Fact::WeightedCount(_) => "weighted_count",
            Fact::Fields(_) => "fields",
            Fact::Tokens(_) => "tokens",
            Fact::UpdatedAgeMs(_) => "updated_age_ms",
            Fact::Capacity(_) => "capacity",
            Fact::TokensNow(_) => "tokens_now",
            Fact::RetryAfterMs(_) => "retry_after_ms",
            Fact::Encoding(_) => "encoding",
            Fact::Tat(_) => "tat",
            Fact::TatAheadMs(_) => "tat_ahead_ms",
            Fact::Limited(_) => "limited",
            Fact::EmissionMs(_) => "emission_ms",
        }
    }
}

/// The fact's value (its name is the field it goes under).
impl Serialize for Fact {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Fact::Entries(n)
            | Fact::InWindow(n)
            | Fact::Expired(n)
            | Fact::Future(n)
            | Fact::Limit(n)
            | Fact::Fields(n)
            | Fact::Capacity(n) => s.serialize_u64(*n),
            Fact::WindowMs { ms, .. } => s.serialize_u64(*ms),
            Fact::OldestAgeMs(n)
            | Fact::NewestAgeMs(n)
            | Fact::ResetAfterMs(n)
            | Fact::Remaining(n)
            | Fact::NextSlotMs(n)
            | Fact::OldestLeavesMs(n)
            | Fact::Count(n)
            | Fact::PreviousCount(n)
            | Fact::PreviousTtlMs(n)
            | Fact::WeightedCount(n)
            | Fact::UpdatedAgeMs(n)
            | Fact::RetryAfterMs(n)
            | Fact::TatAheadMs(n)
            | Fact::EmissionMs(n) => s.serialize_i64(*n),
            Fact::TtlMs(t) => t.serialize(s),
            Fact::Unit { clock, .. } => clock.map(Clock::name).serialize(s),
            Fact::Encoding(c) => s.serialize_str(c.name()),
            Fact::Tokens(x) | Fact::TokensNow(x) | Fact::Tat(x) => s.serialize_f64(*x),
            Fact::Limited(b) => s.serialize_bool(*b),
        }
    }
}

/// Something worth saying about the state, beside the facts.
#[derive(Debug, Clone, PartialEq)]
pub enum Note {
    /// No key: a fresh limiter.
    Fresh,
    NotALimiter(super::state::Unknown),
    CannotTell(Ambiguity),
    NoTtl,
    ScoresNotTimes,
    NoWindow,
    ExpiredEntries(u64),
    FutureEntries(u64),
    LogFull {
        for_ms: i64,
    },
    LogNeedsLimit,
    CounterFull {
        resets_in_ms: i64,
    },
    CounterFullForever,
    CounterNeedsLimit,
    TtlAboveWindow {
        ttl_ms: i64,
        window_ms: u64,
    },
    StampNotTime {
        field: String,
    },
    NoStampField,
    BucketNeedsRate,
    GcraNeedsRate,
    WindowCounterLayout,
    WindowCounterNeedsWindow,
    WindowEnded,
    WindowCounterFull {
        in_ms: i64,
    },
    WindowCounterNeedsLimit,
}

/// A limiter's state in facts and notes.
#[derive(Debug, Clone, Default)]
pub struct Explanation {
    pub facts: Vec<Fact>,
    pub notes: Vec<Note>,
}

impl Explanation {
    fn fact(&mut self, f: Fact) {
        self.facts.push(f);
    }

    fn note(&mut self, n: Note) {
        self.notes.push(n);
    }

    #[cfg(test)]
    pub fn get(&self, name: &str) -> Option<&Fact> {
        self.facts.iter().find(|f| f.name() == name)
    }
}

/// Whole milliseconds of a computed duration.
fn ms(x: f64) -> i64 {
    x.round() as i64
}

/// Everything `--inspect` shows: the snapshot, its layout, and the explanation.
#[derive(Debug)]
pub struct Inspection {
    pub snapshot: Snapshot,
    pub layout: Layout,
    pub explanation: Explanation,
}

/// Read and explain a limiter key; changes nothing.
pub async fn inspect(redis: &Redis, key: &[u8], h: &Hints) -> anyhow::Result<Inspection> {
    let snapshot = snapshot(redis, key).await?;
    let layout = super::state::classify(&snapshot, h);
    let explanation = match (&layout, &snapshot.body) {
        (Layout::SlidingLog { clock }, Body::Zset { newest, .. }) => {
            let now = snapshot.now_us as f64;
            let newest_age = clock.and_then(|c| newest.map(|n| (now - c.to_unix_us(n)) / 1000.0));
            let window = match h.window_ms {
                Some(w) => Some((w, WindowFrom::Given)),
                None => super::state::infer_window_ms(snapshot.ttl_ms, newest_age)
                    .map(|w| (w, WindowFrom::TtlAndNewestAge)),
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
        Layout::Missing => e.note(Note::Fresh),
        Layout::Unknown(what) => e.note(Note::NotALimiter(what.clone())),
        Layout::SlidingLog { .. } => {}
        Layout::Counter { count } => explain_counter(&mut e, *count, s.ttl_ms, h),
        Layout::TokenBucket { tokens, stamp } => {
            if let Body::Hash { len, .. } = &s.body {
                e.fact(Fact::Fields(*len));
            }
            explain_bucket(&mut e, *tokens, stamp.as_ref(), now, h)
        }
        Layout::Gcra { tat, clock } => explain_gcra(&mut e, *tat, *clock, now, h),
        Layout::WindowCounter { current, previous } => {
            explain_window_counter(&mut e, s, *current, *previous, h)
        }
        Layout::Ambiguous(why) => {
            if let Body::Text(b) = &s.body {
                if let Ok(count) = String::from_utf8_lossy(b).trim().parse::<i64>() {
                    e.fact(Fact::Count(count));
                }
            }
            e.note(Note::CannotTell(why.clone()));
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
    e.note(Note::WindowCounterLayout);
    // At the switch the current key gets the previous one's TTL plus a window.
    let inferred = (previous > 0 && cur_ttl > prev_ttl).then(|| round_window(cur_ttl - prev_ttl));
    let Some(w) = h.window_ms.or(inferred) else {
        e.fact(Fact::Count(current));
        e.fact(Fact::PreviousCount(previous));
        e.note(Note::WindowCounterNeedsWindow);
        return;
    };
    let w_f = w as f64;
    let (mut current, mut previous, mut cur_ttl, mut prev_ttl) =
        (current, previous, cur_ttl, prev_ttl);
    if cur_ttl > 0.0 && cur_ttl < w_f {
        // The library moves an ended window to KEY/-1 on its next call.
        (previous, prev_ttl, current, cur_ttl) = (current, cur_ttl, 0, cur_ttl + w_f);
        e.note(Note::WindowEnded);
    }
    e.fact(Fact::Count(current));
    e.fact(Fact::PreviousCount(previous));
    e.fact(Fact::PreviousTtlMs(ms(prev_ttl)));
    let from = if h.window_ms.is_some() {
        WindowFrom::Given
    } else {
        WindowFrom::TwoTtls
    };
    e.fact(Fact::WindowMs { ms: w, from });
    let weighted = (previous as f64 * prev_ttl / w_f + current as f64).floor() as i64;
    e.fact(Fact::WeightedCount(weighted));
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
            e.fact(Fact::Limit(limit));
            e.fact(Fact::Remaining(remaining));
            e.fact(Fact::ResetAfterMs(ms(reset)));
            if remaining == 0 {
                e.note(Note::WindowCounterFull { in_ms: ms(reset) });
            }
        }
        None => e.note(Note::WindowCounterNeedsLimit),
    }
}

fn ttl_facts(e: &mut Explanation, s: &Snapshot) {
    match (s.ttl_ms, &s.body) {
        (_, Body::Missing) => {}
        (Some(t), _) => e.fact(Fact::TtlMs(Some(t))),
        (None, _) => {
            e.fact(Fact::TtlMs(None));
            e.note(Note::NoTtl);
        }
    }
}

/// A sliding log: entries in the window, oldest and newest, when a slot frees.
pub(super) fn explain_log(
    s: &Snapshot,
    clock: Option<Clock>,
    window: Option<(u64, WindowFrom)>,
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
    e.fact(Fact::Entries(*card));
    let Some(clock) = clock else {
        e.fact(Fact::Unit {
            clock: None,
            field: None,
        });
        e.note(Note::ScoresNotTimes);
        ttl_facts(&mut e, s);
        return e;
    };
    e.fact(Fact::Unit {
        clock: Some(clock),
        field: None,
    });
    let age = |score: f64| (now - clock.to_unix_us(score)) / 1000.0;
    if let Some(o) = oldest {
        e.fact(Fact::OldestAgeMs(ms(age(*o))));
    }
    if let Some(n) = newest {
        e.fact(Fact::NewestAgeMs(ms(age(*n))));
    }
    match window {
        Some((wms, from)) => e.fact(Fact::WindowMs { ms: wms, from }),
        None => e.note(Note::NoWindow),
    }
    if let (Some(w), Some((wms, _))) = (w, window) {
        let expired = card.saturating_sub(w.in_window);
        e.fact(Fact::InWindow(w.in_window));
        e.fact(Fact::Expired(expired));
        if expired > 0 {
            e.note(Note::ExpiredEntries(expired));
        }
        if w.future > 0 {
            e.fact(Fact::Future(w.future));
            e.note(Note::FutureEntries(w.future));
        }
        let exit_in = |score: f64| -age(score) + wms as f64;
        if let Some(n) = newest {
            e.fact(Fact::ResetAfterMs(ms(exit_in(*n).max(0.0))));
        }
        match limit {
            Some(limit) => {
                let remaining = limit.saturating_sub(w.in_window);
                e.fact(Fact::Limit(limit));
                e.fact(Fact::Remaining(remaining as i64));
                let next = if remaining > 0 {
                    0.0
                } else {
                    w.freeing.map(exit_in).unwrap_or(0.0).max(0.0)
                };
                e.fact(Fact::NextSlotMs(ms(next)));
                if remaining == 0 {
                    e.note(Note::LogFull { for_ms: ms(next) });
                }
            }
            None => {
                if let Some(first) = w.first_in_window {
                    e.fact(Fact::OldestLeavesMs(ms(exit_in(first).max(0.0))));
                }
                e.note(Note::LogNeedsLimit);
            }
        }
    }
    ttl_facts(&mut e, s);
    e
}

fn explain_counter(e: &mut Explanation, count: i64, ttl_ms: Option<i64>, h: &Hints) {
    e.fact(Fact::Count(count));
    if let Some(t) = ttl_ms {
        e.fact(Fact::ResetAfterMs(t));
    }
    match h.limit {
        Some(limit) => {
            let remaining = (limit as i64 - count).max(0);
            e.fact(Fact::Limit(limit));
            e.fact(Fact::Remaining(remaining));
            if remaining == 0 {
                e.note(match ttl_ms {
                    Some(t) => Note::CounterFull { resets_in_ms: t },
                    None => Note::CounterFullForever,
                });
            }
        }
        None => e.note(Note::CounterNeedsLimit),
    }
    if let (Some(w), Some(t)) = (h.window_ms, ttl_ms) {
        if t as u64 > w {
            e.note(Note::TtlAboveWindow {
                ttl_ms: t,
                window_ms: w,
            });
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
    e.fact(Fact::Tokens(tokens));
    let age_ms = match stamp {
        Some((field, v, Some(clock))) => {
            e.fact(Fact::Unit {
                clock: Some(*clock),
                field: Some(field.clone()),
            });
            let age = (now - clock.to_unix_us(*v)) / 1000.0;
            e.fact(Fact::UpdatedAgeMs(ms(age)));
            Some(age.max(0.0))
        }
        Some((field, _, None)) => {
            e.note(Note::StampNotTime {
                field: field.clone(),
            });
            None
        }
        None => {
            e.note(Note::NoStampField);
            None
        }
    };
    let (Some(limit), Some(window)) = (h.limit, h.window_ms) else {
        e.note(Note::BucketNeedsRate);
        return;
    };
    let cap = h.burst.unwrap_or(limit) as f64;
    let per_ms = limit as f64 / window as f64;
    let now_tokens = (tokens + age_ms.unwrap_or(0.0) * per_ms).min(cap);
    e.fact(Fact::Capacity(cap as u64));
    e.fact(Fact::TokensNow(now_tokens));
    let remaining = (now_tokens + EPS).floor().max(0.0);
    e.fact(Fact::Remaining(remaining as i64));
    let retry = if now_tokens + EPS >= 1.0 {
        0.0
    } else {
        (1.0 - now_tokens) / per_ms
    };
    e.fact(Fact::RetryAfterMs(ms(retry)));
    e.fact(Fact::ResetAfterMs(ms((cap - now_tokens) / per_ms)));
}

fn explain_gcra(e: &mut Explanation, tat: f64, clock: Clock, now: f64, h: &Hints) {
    let tat_us = clock.to_unix_us(tat);
    let ahead_ms = (tat_us - now) / 1000.0;
    e.fact(Fact::Encoding(clock));
    e.fact(Fact::Tat(tat));
    e.fact(Fact::TatAheadMs(ms(ahead_ms)));
    e.fact(Fact::ResetAfterMs(ms(ahead_ms.max(0.0))));
    let (Some(limit), Some(window)) = (h.limit, h.window_ms) else {
        e.note(Note::GcraNeedsRate);
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
    e.fact(Fact::Limit(burst));
    e.fact(Fact::Remaining(remaining as i64));
    e.fact(Fact::Limited(remaining < 1.0));
    e.fact(Fact::RetryAfterMs(ms(retry.max(0.0))));
    e.fact(Fact::EmissionMs(ms(emission / 1000.0)));
}
