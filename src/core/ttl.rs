//! TTL reads and changes, for given keys and for every key matching a pattern.
//!
//! Pattern changes ride on the SCAN stream; each batch is one pipeline holding
//! the PTTL reads and the changes. `--only-persistent` uses `PEXPIRE … NX`, so
//! a key that got a TTL meanwhile is left alone; servers older than 7.0 lack NX
//! and get a script that keeps the same guarantee.

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use redis::{Cmd, FromRedisValue, Value};

use super::bulk::{drive, Flow, NodeTally, Stop};
use super::conn::{is_unreachable, server_failure, Idempotent, Redis, Routed};
use super::interrupt::Interrupt;
use super::probe::Neighbour;
use super::scan::{changed_nodes, node_ids, scan_all, ScanOpts};
use super::unlink::Denied;
use crate::error::RedisFailure;
use crate::keyspace::TtlBuckets;

/// The change asked for, validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// PEXPIRE by this many milliseconds.
    Expire(u64),
    /// PEXPIREAT this Unix time in milliseconds.
    ExpireAt(u64),
    Persist,
}

impl Change {
    /// The PTTL a key has after the change, `now_ms` being the Unix time.
    ///
    /// The clock runs from the moment the change is made, so a TTL of exactly
    /// a bucket's edge (`--set 1h`) is read as just under it, as Redis then
    /// reports it.
    fn pttl_after(self, now_ms: u64) -> i64 {
        match self {
            Change::Expire(ms) => (ms as i64 - 1).max(0),
            Change::ExpireAt(at) => (at.saturating_sub(now_ms) as i64 - 1).max(0),
            Change::Persist => -1,
        }
    }

    /// Whether a key with this PTTL is one the change touches: PERSIST only
    /// changes keys with a TTL, NX only keys without one.
    fn touches(self, pttl: i64, only_persistent: bool) -> bool {
        match self {
            Change::Persist => pttl >= 0,
            _ => pttl != -2 && (!only_persistent || pttl == -1),
        }
    }
}

/// What a key's TTL is, as far as we could tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TtlState {
    Expires(i64),
    Persistent,
    Missing,
    /// The ACL user may not touch it.
    Denied,
    /// Its primary is down.
    Unreachable,
}

impl TtlState {
    fn of_pttl(pttl: i64) -> Self {
        match pttl {
            -1 => TtlState::Persistent,
            ms if ms >= 0 => TtlState::Expires(ms),
            _ => TtlState::Missing,
        }
    }
}

#[derive(Debug, Clone)]
pub struct KeyTtl {
    /// The name as given (namespace not applied).
    pub key: Vec<u8>,
    pub state: TtlState,
}

/// Set once a server answered that it does not know `PEXPIRE … NX` (added in
/// Redis 7.0): from then on [`EXPIRE_IF_PERSISTENT`] keeps the guarantee.
static NO_EXPIRE_NX: AtomicBool = AtomicBool::new(false);

/// `PEXPIRE`/`PEXPIREAT` only while the key has no TTL, atomically, as NX does.
const EXPIRE_IF_PERSISTENT: &str = "if redis.call('PTTL', KEYS[1]) == -1 then \
     return redis.call(ARGV[1], KEYS[1], ARGV[2]) end return 0";

/// The reply of a pre-7.0 server to `PEXPIRE key ms NX`.
fn lacks_expire_nx(v: &Value) -> bool {
    matches!(v, Value::ServerError(e)
        if e.details().is_some_and(|d| d.contains("wrong number of arguments")))
}

/// True when `replies` to NX commands (`sent_nx`) show the server lacks
/// `PEXPIRE … NX`: the batch goes again with the script. The refused
/// commands did nothing.
fn fall_back_from_nx(sent_nx: bool, replies: &[Value]) -> bool {
    let lacking = sent_nx && replies.iter().any(lacks_expire_nx);
    if lacking {
        NO_EXPIRE_NX.store(true, Ordering::Relaxed);
    }
    lacking
}

/// Whether commands built now for `--only-persistent` carry NX.
fn sends_nx(only_persistent: bool) -> bool {
    only_persistent && !NO_EXPIRE_NX.load(Ordering::Relaxed)
}

fn change_cmd(change: Change, key: &[u8], only_persistent: bool) -> Cmd {
    let (verb, arg) = match change {
        Change::Expire(ms) => ("PEXPIRE", Some(ms)),
        Change::ExpireAt(ms) => ("PEXPIREAT", Some(ms)),
        Change::Persist => ("PERSIST", None),
    };
    if let (true, Some(ms)) = (only_persistent && NO_EXPIRE_NX.load(Ordering::Relaxed), arg) {
        let mut c = redis::cmd("EVAL");
        c.arg(EXPIRE_IF_PERSISTENT)
            .arg(1)
            .arg(key)
            .arg(verb)
            .arg(ms);
        return c;
    }
    let mut c = redis::cmd(verb);
    c.arg(key);
    if let Some(ms) = arg {
        c.arg(ms);
        if only_persistent {
            c.arg("NX");
        }
    }
    c
}

fn pttl_cmd(key: &[u8]) -> Cmd {
    let mut c = redis::cmd("PTTL");
    c.arg(key);
    c
}

fn is_noperm(v: &Value) -> bool {
    matches!(v, Value::ServerError(e) if e.code() == "NOPERM")
}

/// Read (and, with `apply`, change) the TTL of each key; `full(name)` is the
/// key as Redis knows it. One pipeline; a denied or unreachable key is shown
/// as such and the others still are.
pub async fn read_keys(
    redis: &Arc<Redis>,
    names: Vec<Vec<u8>>,
    full: impl Fn(&[u8]) -> Vec<u8>,
    apply: Option<Change>,
    only_persistent: bool,
) -> anyhow::Result<Vec<KeyTtl>> {
    let replies = loop {
        let nx = sends_nx(only_persistent && apply.is_some());
        let mut cmds = Vec::new();
        for n in &names {
            let k = full(n);
            if let Some(c) = apply {
                cmds.push(Routed::new(&k, change_cmd(c, &k, only_persistent)));
            }
            cmds.push(Routed::new(&k, pttl_cmd(&k)));
        }
        let replies = redis.batch(cmds, Idempotent::Yes).await?.replies;
        if !fall_back_from_nx(nx, &replies) {
            break replies;
        }
    };
    let per = if apply.is_some() { 2 } else { 1 };
    let mut rows = Vec::with_capacity(names.len());
    for (key, chunk) in names.into_iter().zip(replies.chunks(per)) {
        let state = if chunk.iter().any(is_noperm) {
            TtlState::Denied
        } else if chunk.iter().any(is_unreachable) {
            TtlState::Unreachable
        } else {
            redis.first_error(chunk)?;
            TtlState::of_pttl(i64::from_redis_value(chunk[per - 1].clone()).unwrap_or(-2))
        };
        rows.push(KeyTtl { key, state });
    }
    Ok(rows)
}

/// A TTL run over every key matching a pattern.
#[derive(Debug, Clone)]
pub struct PatternJob {
    pub scan: ScanOpts,
    pub change: Option<Change>,
    pub dry_run: bool,
    pub only_persistent: bool,
    /// `--max-latency`: a neighbour's latency to hold while changing.
    pub budget: Option<Duration>,
}

/// Keys a dry run shows.
pub const SAMPLE: usize = 10;

/// Passes that apply the change again after a restart, at most.
const MAX_RESTART_PASSES: u32 = 20;

/// What a pattern run found and did.
#[derive(Debug, Default)]
pub struct PatternFacts {
    /// TTLs before the change (or without one).
    pub before: TtlBuckets,
    /// TTLs after the change (or what they would be, in a dry run).
    pub after: TtlBuckets,
    /// Keys changed (a dry run: keys the change would touch).
    pub changed: u64,
    /// Keys refused with NOPERM, and some of them.
    pub denied: Denied,
    /// Of those, the ones that could not be read (not in `before`).
    pub unread: u64,
    /// Dry run with a change: some keys it would touch.
    pub sample: Vec<Vec<u8>>,
    /// Changes re-sent after a lost reply that found nothing to do.
    pub unconfirmed: u64,
    /// Nodes whose server process changed during the run, and why.
    pub rescanned: Vec<(String, String)>,
    pub interrupted: bool,
    pub elapsed_ms: u64,
}

/// What one chunk found, folded into the run's facts on the driver's task.
#[derive(Default)]
struct ChunkFacts {
    before: TtlBuckets,
    after: TtlBuckets,
    /// Changed, or (dry run) would be changed.
    counted: u64,
    unconfirmed: u64,
    denied: Vec<Vec<u8>>,
    unread: u64,
    /// Dry run: up to [`SAMPLE`] of the keys the change would touch.
    sample: Vec<Vec<u8>>,
}

async fn run_chunk(
    redis: &Arc<Redis>,
    job: &PatternJob,
    keys: &[Vec<u8>],
) -> anyhow::Result<ChunkFacts> {
    let apply = job.change.filter(|_| !job.dry_run);
    let done = apply_batch(redis, keys, apply, job.only_persistent).await?;
    let now_ms = unix_ms();
    let mut out = ChunkFacts {
        counted: done.changed,
        unconfirmed: done.unconfirmed,
        denied: done.denied,
        unread: done.unread,
        ..ChunkFacts::default()
    };
    let mut would = 0u64;
    for (&i, &p) in done.read.iter().zip(&done.pttls) {
        out.before.add(p);
        let touched = match job.change {
            Some(c) if job.dry_run => c.touches(p, job.only_persistent),
            Some(_) => done.changed_at.contains(&i),
            None => false,
        };
        match job.change {
            Some(c) if touched => {
                out.after.add(c.pttl_after(now_ms));
                would += 1;
                if job.dry_run && out.sample.len() < SAMPLE {
                    out.sample.push(keys[i].clone());
                }
            }
            _ => out.after.add(p),
        }
    }
    if job.dry_run {
        out.counted = would;
    }
    Ok(out)
}

fn merge(into: &mut TtlBuckets, b: &TtlBuckets) {
    into.no_ttl += b.no_ttl;
    into.lt_1m += b.lt_1m;
    into.lt_1h += b.lt_1h;
    into.lt_1d += b.lt_1d;
    into.ge_1d += b.ge_1d;
}

/// Run `job`, calling `on_progress(keys matched so far)`. The failure, if any,
/// comes back beside the facts, so the summary is printed either way.
pub async fn run_pattern(
    redis: &Arc<Redis>,
    job: &PatternJob,
    interrupt: &Interrupt,
    on_progress: impl Fn(u64),
) -> anyhow::Result<(PatternFacts, Option<anyhow::Error>)> {
    let started = Instant::now();
    let flow = Flow {
        batch: 1000,
        in_flight: 4,
        rate: None,
        max_latency: None,
        limit: None,
        neighbour: match job.change.filter(|_| !job.dry_run) {
            Some(_) => Neighbour::for_budget(redis, job.budget).await,
            None => None,
        },
    };
    let apply = job.change.filter(|_| !job.dry_run);
    let mut facts = PatternFacts::default();
    // Who each node is before the scan: a server that restarts or fails over
    // during the run brings its snapshot back, old TTLs included, so the change
    // is applied again; the counts are summed over the passes, as scan-delete's.
    let mut ids = node_ids(redis).await?;
    let mut passes = 0u32;
    let stop = loop {
        passes += 1;
        let rx = scan_all(redis, &job.scan, &|_| Some(0), 16);
        let result = drive(
            rx,
            &flow,
            interrupt,
            |nodes: &BTreeMap<String, NodeTally>| {
                on_progress(nodes.values().map(|t| t.matched).sum())
            },
            |_, _| {},
            |_, keys: Vec<Vec<u8>>| {
                let (redis, job) = (redis.clone(), job.clone());
                async move { run_chunk(&redis, &job, &keys).await }
            },
            |_, c: ChunkFacts| {
                merge(&mut facts.before, &c.before);
                merge(&mut facts.after, &c.after);
                facts.unconfirmed += c.unconfirmed;
                facts.denied.count += c.denied.len() as u64;
                facts.unread += c.unread;
                let room = 5usize.saturating_sub(facts.denied.sample.len());
                facts.denied.sample.extend(c.denied.into_iter().take(room));
                let room = SAMPLE.saturating_sub(facts.sample.len());
                facts.sample.extend(c.sample.into_iter().take(room));
                Ok(c.counted)
            },
        )
        .await;
        facts.changed += result.done();
        if apply.is_none() || !matches!(result.stop, Stop::Finished) {
            break result.stop;
        }
        let changed = changed_nodes(redis, &ids).await?;
        let Some((addr, why, _)) = changed.first() else {
            break result.stop;
        };
        if passes > MAX_RESTART_PASSES {
            break Stop::Failed(
                RedisFailure::Server {
                    node: addr.clone(),
                    msg: format!(
                        "{} during {passes} passes in a row: some keys may keep their old TTL",
                        why.reason()
                    ),
                }
                .into(),
            );
        }
        facts
            .rescanned
            .push((addr.clone(), why.reason().to_string()));
        ids = node_ids(redis).await?;
    };
    facts.interrupted = matches!(stop, Stop::Interrupted);
    let failure = stop.into_failure().or_else(|| {
        facts
            .denied
            .failure(redis.display_url(), "matching keys", "read or changed")
    });
    facts.elapsed_ms = started.elapsed().as_millis() as u64;
    Ok((facts, failure))
}

/// Denied ones among `keys` (for `ttl KEY…`): NOPERM naming them.
pub fn denied_keys_failure(node: &str, keys: &[String]) -> Option<anyhow::Error> {
    (!keys.is_empty()).then(|| {
        RedisFailure::NoPerm {
            node: node.to_string(),
            msg: format!("not allowed to touch {}", keys.join(", ")),
        }
        .into()
    })
}

fn unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// What one batch read and changed.
struct Batch {
    /// Index (in the batch) and PTTL of each key that could be read (-2: gone meanwhile).
    read: Vec<usize>,
    pttls: Vec<i64>,
    /// Indexes of the keys the change changed.
    changed_at: HashSet<usize>,
    changed: u64,
    /// Changes re-sent after a lost reply that answered "nothing changed".
    unconfirmed: u64,
    /// Keys refused with NOPERM (read or change).
    denied: Vec<Vec<u8>>,
    /// Of those, the ones that could not even be read.
    unread: u64,
}

/// One pipeline: PTTL of every key, then the change of every key (if any).
/// A key the ACL user may not touch is counted as denied; the others count.
async fn apply_batch(
    redis: &Arc<Redis>,
    keys: &[Vec<u8>],
    change: Option<Change>,
    only_persistent: bool,
) -> anyhow::Result<Batch> {
    let n = keys.len();
    let replies = loop {
        let nx = sends_nx(only_persistent && change.is_some());
        let mut cmds: Vec<Routed> = keys.iter().map(|k| Routed::new(k, pttl_cmd(k))).collect();
        if let Some(c) = change {
            cmds.extend(
                keys.iter()
                    .map(|k| Routed::new(k, change_cmd(c, k, only_persistent))),
            );
        }
        let tracked = redis.batch(cmds, Idempotent::Yes).await?;
        if !fall_back_from_nx(nx, &tracked.replies[n..]) {
            break tracked;
        }
    };
    // A change re-sent after a lost reply answers 0 when its first send ran
    // (PERSIST, NX): not counted as changed, but as unconfirmed.
    let resent: HashSet<usize> = replies.resent.iter().map(|(i, _)| *i).collect();
    let replies = replies.replies;
    let mut out = Batch {
        read: Vec::with_capacity(n),
        pttls: Vec::with_capacity(n),
        changed_at: HashSet::new(),
        changed: 0,
        unconfirmed: 0,
        denied: Vec::new(),
        unread: 0,
    };
    for (i, key) in keys.iter().enumerate() {
        let read = &replies[i];
        let changed = change.map(|_| &replies[n + i]);
        if is_noperm(read) {
            out.denied.push(key.clone());
            out.unread += 1;
            continue;
        }
        // Readable but not changeable: counted as denied, and its TTL, which
        // stays as it was, still counts in the distribution.
        let refused = changed.is_some_and(is_noperm);
        if refused {
            out.denied.push(key.clone());
        }
        let changed = changed.filter(|_| !refused);
        for v in std::iter::once(read).chain(changed) {
            if let Value::ServerError(e) = v {
                return Err(server_failure(redis.display_url(), e).into());
            }
        }
        out.read.push(i);
        out.pttls
            .push(i64::from_redis_value(read.clone()).unwrap_or(-2));
        if changed.is_some_and(|v| i64::from_redis_value(v.clone()).unwrap_or(0) == 1) {
            out.changed += 1;
            out.changed_at.insert(i);
        } else if changed.is_some() && resent.contains(&(n + i)) {
            out.unconfirmed += 1;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ttl_after_a_change() {
        assert_eq!(Change::Expire(5000).pttl_after(0), 4999);
        assert_eq!(Change::ExpireAt(10_000).pttl_after(4000), 5999);
        assert_eq!(Change::Persist.pttl_after(4000), -1);
    }

    #[test]
    fn which_keys_a_change_touches() {
        assert!(Change::Persist.touches(10, false));
        assert!(!Change::Persist.touches(-1, false));
        assert!(Change::Expire(1).touches(-1, true));
        assert!(!Change::Expire(1).touches(500, true));
        assert!(Change::Expire(1).touches(500, false));
        assert!(
            !Change::Expire(1).touches(-2, false),
            "a key gone meanwhile"
        );
    }

    #[test]
    fn nx_is_added_only_for_expiring_changes() {
        let c = change_cmd(Change::Expire(10), b"k", true);
        assert!(String::from_utf8_lossy(&c.get_packed_command()).contains("NX"));
        let c = change_cmd(Change::Persist, b"k", true);
        assert!(!String::from_utf8_lossy(&c.get_packed_command()).contains("NX"));
    }
}
