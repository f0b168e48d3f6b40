//! `ttl KEY...` and `ttl --pattern P`: show TTLs, a distribution over matching
//! keys, or change them (`--set`, `--at`, `--persist`, `--only-persistent`).
//!
//! Pattern changes ride on the core's SCAN stream; each batch is one pipeline
//! holding the PTTL reads and the changes. `--only-persistent` uses
//! `PEXPIRE … NX`, so a key that got a TTL meanwhile is left alone; servers
//! older than 7.0 lack NX and get a script that keeps the same guarantee.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use redis::{Cmd, FromRedisValue, Value};
use serde_json::json;

use super::Ctx;
use crate::cli::TtlArgs;
use crate::core::bulk::{drive, Flow, NodeTally, Stop};
use crate::core::conn::{
    is_unreachable, server_failure, unreachable_failure, Idempotent, Redis, Routed,
};
use crate::core::interrupt::Interrupt;
use crate::core::scan::{changed_nodes, estimate_matches, node_ids, scan_all, ScanOpts};
use crate::core::unlink::Denied;
use crate::error::{negative, usage, RedisFailure};
use crate::keys::{arg_bytes, escape_bytes, matches_everything};
use crate::keyspace::TtlBuckets;
use crate::output::{table, Outcome, Render};
use crate::parse::{human_ms, parse_instant};

/// The change asked for, validated.
#[derive(Debug, Clone, Copy)]
enum Change {
    Expire(u64),
    ExpireAt(u64),
    Persist,
}

fn change_of(args: &TtlArgs) -> anyhow::Result<Option<Change>> {
    if let Some(d) = args.set {
        let ms = d.as_millis() as u64;
        if ms == 0 {
            return Err(usage(format!(
                "--set {} is under 1ms: it would delete the keys; give at least 1ms",
                humantime::format_duration(d)
            )));
        }
        return Ok(Some(Change::Expire(ms)));
    }
    if let Some(at) = &args.at {
        let t = parse_instant(at).map_err(usage)?;
        if t <= SystemTime::now() {
            return Err(usage(format!(
                "--at {at} is in the past: the keys would be deleted"
            )));
        }
        let ms = t
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        return Ok(Some(Change::ExpireAt(ms)));
    }
    if args.persist {
        if args.only_persistent {
            return Err(usage("--persist with --only-persistent changes nothing"));
        }
        return Ok(Some(Change::Persist));
    }
    if args.only_persistent {
        return Err(usage("--only-persistent needs --set or --at"));
    }
    Ok(None)
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
    if only_persistent && NO_EXPIRE_NX.load(Ordering::Relaxed) {
        let (verb, ms) = match change {
            Change::Expire(ms) => ("PEXPIRE", ms),
            Change::ExpireAt(ms) => ("PEXPIREAT", ms),
            Change::Persist => ("PERSIST", 0),
        };
        if verb != "PERSIST" {
            let mut c = redis::cmd("EVAL");
            c.arg(EXPIRE_IF_PERSISTENT)
                .arg(1)
                .arg(key)
                .arg(verb)
                .arg(ms);
            return c;
        }
    }
    let mut c = match change {
        Change::Expire(ms) => {
            let mut c = redis::cmd("PEXPIRE");
            c.arg(key).arg(ms);
            c
        }
        Change::ExpireAt(ms) => {
            let mut c = redis::cmd("PEXPIREAT");
            c.arg(key).arg(ms);
            c
        }
        Change::Persist => {
            let mut c = redis::cmd("PERSIST");
            c.arg(key);
            c
        }
    };
    if only_persistent && !matches!(change, Change::Persist) {
        c.arg("NX");
    }
    c
}

fn pttl_cmd(key: &[u8]) -> Cmd {
    let mut c = redis::cmd("PTTL");
    c.arg(key);
    c
}

pub async fn run(args: &TtlArgs, ctx: &Ctx) -> anyhow::Result<Outcome> {
    let change = change_of(args)?;
    if args.pattern.is_none() && args.key_type.is_some() {
        return Err(usage("--type needs --pattern"));
    }
    match &args.pattern {
        Some(p) => run_pattern(args, ctx, &arg_bytes(p), change).await,
        None => run_keys(args, ctx, change).await,
    }
}

async fn run_keys(args: &TtlArgs, ctx: &Ctx, change: Option<Change>) -> anyhow::Result<Outcome> {
    let names: Vec<Vec<u8>> = args.keys.iter().map(|k| arg_bytes(k)).collect();
    let redis = ctx.connect().await?;
    // A dry run only reads; --only-persistent holds per key (PEXPIRE … NX).
    let apply = change.filter(|_| !args.dry_run);
    let replies = loop {
        let nx = sends_nx(args.only_persistent && apply.is_some());
        let mut cmds = Vec::new();
        for n in &names {
            let k = ctx.ns.key(n);
            if let Some(c) = apply {
                cmds.push(Routed::new(&k, change_cmd(c, &k, args.only_persistent)));
            }
            cmds.push(Routed::new(&k, pttl_cmd(&k)));
        }
        let replies = redis.batch(cmds, Idempotent::Yes).await?.replies;
        if !fall_back_from_nx(nx, &replies) {
            break replies;
        }
    };
    let per = if apply.is_some() { 2 } else { 1 };
    let mut rows = Vec::new();
    for (n, chunk) in names.into_iter().zip(replies.chunks(per)) {
        // A key the ACL user may not touch is shown as denied; the others still are.
        if chunk.iter().any(is_noperm) {
            rows.push(KeyTtl {
                key: n,
                pttl: DENIED,
            });
            continue;
        }
        if chunk.iter().any(is_unreachable) {
            rows.push(KeyTtl {
                key: n,
                pttl: UNREACHED,
            });
            continue;
        }
        redis.first_error(chunk)?;
        let pttl = i64::from_redis_value(chunk[per - 1].clone()).unwrap_or(-2);
        rows.push(KeyTtl { key: n, pttl });
    }
    let listed = |want: i64| -> Vec<String> {
        rows.iter()
            .filter(|r| r.pttl == want)
            .map(|r| escape_bytes(&r.key))
            .collect()
    };
    let (missing, denied) = (listed(-2), listed(DENIED));
    let failure = if !listed(UNREACHED).is_empty() {
        Some(unreachable_failure(&redis.unreachable()).into())
    } else if !denied.is_empty() {
        Some(
            RedisFailure::NoPerm {
                node: redis.display_url().to_string(),
                msg: format!("not allowed to touch {}", denied.join(", ")),
            }
            .into(),
        )
    } else {
        (!missing.is_empty()).then(|| negative(format!("key not found: {}", missing.join(", "))))
    };
    Ok(Outcome::with_failure(KeysReport { rows }, failure))
}

/// The `pttl` of a key refused with NOPERM.
const DENIED: i64 = -3;
/// The `pttl` of a key whose primary is down.
const UNREACHED: i64 = -4;

struct KeyTtl {
    key: Vec<u8>,
    pttl: i64,
}

impl KeyTtl {
    fn ttl_ms(&self) -> Option<i64> {
        (self.pttl >= 0).then_some(self.pttl)
    }

    fn human(&self) -> String {
        match self.pttl {
            DENIED => "denied".into(),
            UNREACHED => "unreachable".into(),
            -2 => "missing".into(),
            -1 => "persistent".into(),
            ms => human_ms(ms),
        }
    }
}

struct KeysReport {
    rows: Vec<KeyTtl>,
}

impl Render for KeysReport {
    fn json(&self) -> serde_json::Value {
        self.rows
            .iter()
            .map(|r| {
                let denied = r.pttl == DENIED;
                let unreachable = r.pttl == UNREACHED;
                let exists = (!denied && !unreachable).then_some(r.pttl != -2);
                json!({"key": escape_bytes(&r.key), "ttl_ms": r.ttl_ms(), "exists": exists, "ttl": r.human(), "denied": denied, "unreachable": unreachable})
            })
            .collect()
    }

    fn tables(&self) -> Vec<comfy_table::Table> {
        let mut t = table(&["key", "ttl_ms", "ttl"]);
        for r in &self.rows {
            t.add_row(vec![
                escape_bytes(&r.key),
                r.ttl_ms()
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "-".into()),
                r.human(),
            ]);
        }
        vec![t]
    }

    fn plain(&self, out: &mut dyn Write) -> io::Result<()> {
        for r in &self.rows {
            let v = match r.pttl {
                DENIED => "denied".to_string(),
                UNREACHED => "unreachable".to_string(),
                -2 => "missing".to_string(),
                -1 => "persistent".to_string(),
                ms => ms.to_string(),
            };
            writeln!(out, "{}\t{v}", escape_bytes(&r.key))?;
        }
        Ok(())
    }
}

async fn run_pattern(
    args: &TtlArgs,
    ctx: &Ctx,
    pattern: &[u8],
    change: Option<Change>,
) -> anyhow::Result<Outcome> {
    if change.is_some() && matches_everything(pattern) && ctx.ns.is_empty() && !args.all {
        return Err(usage(format!(
            "pattern '{}' matches every key: add --all if you mean it",
            escape_bytes(pattern)
        )));
    }
    let opts = ScanOpts {
        pattern: ctx.ns.pattern(pattern),
        count: args.count,
        key_type: args.key_type.map(|t| t.redis_name().to_string()),
    };
    let redis = ctx.connect().await?;
    if change.is_some() && !args.dry_run {
        let (estimate, total) = estimate_matches(&redis, &opts).await?;
        ctx.printer
            .confirm(format!(
                "change the TTL of keys matching '{}' on {} (about {estimate} of {total} keys)?",
                escape_bytes(&opts.pattern),
                redis.display_url()
            ))
            .await?;
    }
    let interrupt = Interrupt::listen();
    let started = Instant::now();
    let bar = ctx
        .printer
        .progress(None, "{spinner} {pos} keys ({per_sec}) {msg}");
    let mut report = PatternReport {
        pattern: escape_bytes(pattern),
        buckets: TtlBuckets::default(),
        changed: 0,
        denied: 0,
        sample: Vec::new(),
        change: change.is_some(),
        dry_run: args.dry_run,
        elapsed_ms: 0,
        rescanned: Vec::new(),
        unconfirmed: 0,
    };
    let flow = Flow {
        batch: 1000,
        in_flight: 4,
        rate: None,
        max_latency: None,
        limit: None,
    };
    let buckets = Arc::new(Mutex::new(TtlBuckets::default()));
    let denied = Arc::new(Mutex::new(Denied::default()));
    let sample: Arc<Mutex<Vec<Vec<u8>>>> = Arc::new(Mutex::new(Vec::new()));
    let unconfirmed = Arc::new(AtomicU64::new(0));
    let apply = change.filter(|_| !args.dry_run);
    let (dry_run, only_persistent) = (args.dry_run && change.is_some(), args.only_persistent);
    let progress = |nodes: &BTreeMap<String, NodeTally>| {
        bar.set_position(nodes.values().map(|t| t.matched).sum())
    };
    // Who each node is before the scan: a server that restarts or fails over
    // during the run brings its snapshot back, old TTLs included, so the change
    // is applied again; the counts are summed over the passes, as scan-delete's.
    let mut ids = node_ids(&redis).await?;
    let (mut passes, mut changed_total, mut restart_failure) = (0u32, 0u64, None);
    let mut result = loop {
        passes += 1;
        let rx = scan_all(&redis, &opts, &|_| Some(0), 16);
        let result = drive(
            rx,
            &flow,
            &interrupt,
            progress,
            |_, _| {},
            |_, keys| {
                let redis = redis.clone();
                let buckets = buckets.clone();
                let denied = denied.clone();
                let sample = sample.clone();
                let unconfirmed = unconfirmed.clone();
                async move {
                    let done = apply_batch(&redis, &keys, apply, only_persistent).await?;
                    unconfirmed.fetch_add(done.unconfirmed, Ordering::Relaxed);
                    if let Ok(mut b) = buckets.lock() {
                        done.pttls.iter().for_each(|p| b.add(*p));
                    }
                    if let Ok(mut d) = denied.lock() {
                        d.count += done.denied.len() as u64;
                        let room = 5usize.saturating_sub(d.sample.len());
                        d.sample.extend(done.denied.into_iter().take(room));
                    }
                    // A dry run counts the keys the change would touch: PERSIST only
                    // changes keys with a TTL, NX only keys without one.
                    let would: Vec<usize> = done
                        .read
                        .iter()
                        .zip(&done.pttls)
                        .filter(|(_, &p)| match change {
                            Some(Change::Persist) => p >= 0,
                            _ => p != -2 && (!only_persistent || p == -1),
                        })
                        .map(|(&i, _)| i)
                        .collect();
                    if dry_run {
                        if let Ok(mut s) = sample.lock() {
                            let room = SAMPLE.saturating_sub(s.len());
                            s.extend(would.iter().take(room).map(|&i| keys[i].clone()));
                        }
                    }
                    Ok(if dry_run {
                        would.len() as u64
                    } else {
                        done.changed
                    })
                }
            },
        )
        .await;
        changed_total += result.done();
        if apply.is_none() || result.stop != Stop::Finished || result.error.is_some() {
            break result;
        }
        let changed = changed_nodes(&redis, &ids).await?;
        let Some((addr, why, _)) = changed.first() else {
            break result;
        };
        if passes > MAX_RESTART_PASSES {
            restart_failure = Some(RedisFailure::Server {
                node: addr.clone(),
                msg: format!(
                    "{} during {passes} passes in a row: some keys may keep their old TTL",
                    why.reason()
                ),
            });
            break result;
        }
        ctx.printer.notice(&format!(
            "{addr}: {}: applying the change again",
            why.reason()
        ));
        report
            .rescanned
            .push((addr.clone(), why.reason().to_string()));
        ids = node_ids(&redis).await?;
    };
    report.changed = changed_total;
    report.unconfirmed = unconfirmed.load(Ordering::Relaxed);
    if report.unconfirmed > 0 {
        ctx.printer.notice(&format!(
            "a connection dropped before some replies: {} changes went again and found nothing to do (the lost ones most likely did it); they are counted as unconfirmed, not changed",
            report.unconfirmed
        ));
    }
    if let Ok(s) = sample.lock() {
        report.sample = s.iter().map(|k| escape_bytes(k)).collect();
    }
    if let Ok(b) = buckets.lock() {
        report.buckets = *b;
    }
    let mut failure = result.failure().or(restart_failure.map(Into::into));
    if let Ok(d) = denied.lock() {
        report.denied = d.count;
        if failure.is_none() && d.count > 0 {
            let examples: Vec<String> = d.sample.iter().map(|k| escape_bytes(k)).collect();
            failure = Some(
                RedisFailure::NoPerm {
                    node: redis.display_url().to_string(),
                    msg: format!(
                        "{} matching keys could not be read or changed (e.g. {})",
                        d.count,
                        examples.join(", ")
                    ),
                }
                .into(),
            );
        }
    }
    bar.finish_and_clear();
    report.elapsed_ms = started.elapsed().as_millis() as u64;
    Ok(Outcome::with_failure(report, failure))
}

/// Keys a dry run shows.
const SAMPLE: usize = 10;

/// What one batch read and changed.
struct Batch {
    /// Index (in the batch) and PTTL of each key that could be read (-2: gone meanwhile).
    read: Vec<usize>,
    pttls: Vec<i64>,
    changed: u64,
    /// Changes re-sent after a lost reply that answered "nothing changed".
    unconfirmed: u64,
    /// Keys refused with NOPERM (read or change).
    denied: Vec<Vec<u8>>,
}

fn is_noperm(v: &Value) -> bool {
    matches!(v, Value::ServerError(e) if e.code() == "NOPERM")
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
    let resent: std::collections::HashSet<usize> = replies.resent.iter().map(|(i, _)| *i).collect();
    let replies = replies.replies;
    let mut out = Batch {
        read: Vec::with_capacity(n),
        pttls: Vec::with_capacity(n),
        changed: 0,
        unconfirmed: 0,
        denied: Vec::new(),
    };
    for (i, key) in keys.iter().enumerate() {
        let read = &replies[i];
        let changed = change.map(|_| &replies[n + i]);
        if is_noperm(read) || changed.is_some_and(is_noperm) {
            out.denied.push(key.clone());
            continue;
        }
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
        } else if changed.is_some() && resent.contains(&(n + i)) {
            out.unconfirmed += 1;
        }
    }
    Ok(out)
}

struct PatternReport {
    pattern: String,
    buckets: TtlBuckets,
    changed: u64,
    /// Keys refused with NOPERM: matched, but neither read nor changed.
    denied: u64,
    /// Dry run with a change: some keys it would touch.
    sample: Vec<String>,
    change: bool,
    dry_run: bool,
    elapsed_ms: u64,
    /// Nodes whose server process changed during the run, and why.
    rescanned: Vec<(String, String)>,
    /// Changes re-sent after a lost reply that found nothing to do.
    unconfirmed: u64,
}

/// Passes that apply the change again after a restart, at most.
const MAX_RESTART_PASSES: u32 = 20;

impl PatternReport {
    fn rows(&self) -> [(&'static str, u64); 5] {
        let b = &self.buckets;
        [
            ("no TTL", b.no_ttl),
            ("<1m", b.lt_1m),
            ("<1h", b.lt_1h),
            ("<1d", b.lt_1d),
            (">=1d", b.ge_1d),
        ]
    }
}

impl Render for PatternReport {
    fn json(&self) -> serde_json::Value {
        let b = &self.buckets;
        let mut v = json!({
            "pattern": self.pattern,
            "matched": b.total() + self.denied,
            "denied": self.denied,
            "no_ttl": b.no_ttl,
            "distribution": {"no_ttl": b.no_ttl, "lt_1m": b.lt_1m, "lt_1h": b.lt_1h, "lt_1d": b.lt_1d, "ge_1d": b.ge_1d},
            "dry_run": self.dry_run,
            "elapsed_ms": self.elapsed_ms,
            "rescanned": self.rescanned.iter().map(|(n, r)| json!({"node": n, "reason": r})).collect::<Vec<_>>(),
        });
        if self.change {
            v["changed"] = json!(self.changed);
            v["unconfirmed"] = json!(self.unconfirmed);
            if self.dry_run {
                v["sample"] = json!(self.sample);
            }
        }
        v
    }

    fn tables(&self) -> Vec<comfy_table::Table> {
        let total = self.buckets.total().max(1);
        let mut t = table(&["ttl", "keys", "share"]);
        for (name, n) in self.rows() {
            t.add_row(vec![
                name.to_string(),
                n.to_string(),
                format!("{:.1}%", n as f64 * 100.0 / total as f64),
            ]);
        }
        let mut s = table(&["pattern", "matched", "changed", "denied", "dry_run"]);
        s.add_row(vec![
            self.pattern.clone(),
            (self.buckets.total() + self.denied).to_string(),
            if self.change {
                self.changed.to_string()
            } else {
                "-".into()
            },
            self.denied.to_string(),
            self.dry_run.to_string(),
        ]);
        let mut out = vec![t, s];
        if self.dry_run && !self.sample.is_empty() {
            let mut k = table(&["sample of keys that would change"]);
            for key in &self.sample {
                k.add_row(vec![key.clone()]);
            }
            out.push(k);
        }
        out
    }

    fn plain(&self, out: &mut dyn Write) -> io::Result<()> {
        if self.dry_run {
            for k in &self.sample {
                writeln!(out, "{k}")?;
            }
        }
        for (name, n) in self.rows() {
            writeln!(out, "{name}\t{n}")?;
        }
        if self.change {
            writeln!(out, "changed\t{}", self.changed)?;
        }
        if self.unconfirmed > 0 {
            writeln!(out, "unconfirmed\t{}", self.unconfirmed)?;
        }
        if self.denied > 0 {
            writeln!(out, "denied\t{}", self.denied)?;
        }
        for (node, reason) in &self.rescanned {
            writeln!(out, "rescanned\t{node}\t{reason}")?;
        }
        Ok(())
    }
}
