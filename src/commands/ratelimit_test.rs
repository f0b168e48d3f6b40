//! `ratelimit-test KEY`: send requests through a rate limiter and report each
//! verdict (the default), explain a limiter's state whatever wrote it
//! (`--inspect`), delete it (`--reset`), or send one request per Enter key on a
//! terminal (`--interactive`).
//!
//! The algorithms, their scripts and the reading of state live in
//! [`crate::core::limiter`]; this module validates flags, paces requests and
//! spreads them over concurrent clients, and renders. Denials are results, not
//! errors: a run exits 0 unless Redis fails (3) or Ctrl-C stops it (130).

use std::io::{self, IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use dialoguer::console::{Key, Term};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::{json, Value as Json};

use super::Ctx;
use crate::cli::{RateAlgo, RatelimitTestArgs, StampUnit};
use crate::core::conn::Redis;
use crate::core::interrupt::Interrupt;
use crate::core::limiter::{
    self, algo_name, existing_unit, misfit, Explanation, Hints, Layout, Policy, TimeUnit, Verdict,
};
use crate::core::lock::new_token;
use crate::error::{usage, CliError};
use crate::keys::{arg_bytes, escape_bytes};
use crate::output::{table, Outcome, Render};
use crate::parse::short_ms;

const DEFAULT_LIMIT: u64 = 10;
const DEFAULT_WINDOW: Duration = Duration::from_secs(60);
/// A window longer than this is a typo, not a rate limit.
const MAX_WINDOW: Duration = Duration::from_secs(366 * 86_400);
/// Default run length: twice what a fresh limiter allows, capped.
const MAX_DEFAULT_REQUESTS: u64 = 10_000;
/// Longest request table on a terminal; JSON always has every request.
const TABLE_ROWS: usize = 500;

pub async fn run(args: &RatelimitTestArgs, ctx: &Ctx) -> anyhow::Result<Outcome> {
    let key = ctx.ns.key(&arg_bytes(&args.limiter_key));
    let hints = hints(args)?;
    if args.inspect {
        let redis = ctx.connect().await?;
        let inspection = limiter::inspect(&redis, &key, &hints).await?;
        return Ok(Outcome::with_failure(
            InspectReport::new(&key, inspection),
            None,
        ));
    }
    if args.reset {
        let redis = ctx.connect().await?;
        return reset(&redis, &key, &hints, ctx).await;
    }
    let mut policy = policy(args)?;
    if args.interactive && !(io::stdin().is_terminal() && io::stderr().is_terminal()) {
        return Err(usage(
            "--interactive needs a terminal (stdin and stderr); use --requests to script a run",
        ));
    }
    let redis = ctx.connect().await?;
    prepare(&redis, &key, &mut policy, args.unit, ctx).await?;
    if args.interactive {
        return interactive(redis, key, policy, hints).await;
    }
    let plan = Plan {
        requests: args
            .requests
            .unwrap_or_else(|| (policy.capacity() * 2).min(MAX_DEFAULT_REQUESTS)),
        pace: pace(args),
        concurrency: args.concurrency.unwrap_or(1),
    };
    let interrupt = Interrupt::listen();
    let (report, failure) = send_all(redis, &key, &policy, &plan, &interrupt).await;
    let failure = failure.or_else(|| report.interrupted.then(|| CliError::Interrupted.into()));
    Ok(Outcome::with_failure(report, failure))
}

fn unit_of(u: StampUnit) -> Option<TimeUnit> {
    match u {
        StampUnit::Auto => None,
        StampUnit::S => Some(TimeUnit::S),
        StampUnit::Ms => Some(TimeUnit::Ms),
        StampUnit::Us => Some(TimeUnit::Us),
        StampUnit::Ns => Some(TimeUnit::Ns),
    }
}

fn window_ms(d: Duration) -> anyhow::Result<u64> {
    if d < Duration::from_millis(1) {
        return Err(usage(format!(
            "--window {}: windows are at least 1ms",
            humantime::format_duration(d)
        )));
    }
    if d > MAX_WINDOW {
        return Err(usage(format!(
            "--window {}: longer than a year is not a rate limit",
            humantime::format_duration(d)
        )));
    }
    Ok(d.as_millis() as u64)
}

/// What `--inspect` (and the state shown in interactive mode) is told.
fn hints(args: &RatelimitTestArgs) -> anyhow::Result<Hints> {
    Ok(Hints {
        algo: args.algo,
        limit: args.limit,
        window_ms: args.window.map(window_ms).transpose()?,
        burst: args.burst,
        unit: unit_of(args.unit),
    })
}

/// Validate a run's flags into a policy: usage errors, before connecting.
fn policy(args: &RatelimitTestArgs) -> anyhow::Result<Policy> {
    let algo = args.algo.unwrap_or(RateAlgo::SlidingLog);
    let name = algo_name(algo);
    let windowed = matches!(algo, RateAlgo::SlidingLog | RateAlgo::FixedWindow);
    if windowed && args.burst.is_some() {
        return Err(usage(format!(
            "--burst applies to token-bucket and gcra; {name} allows --limit per --window"
        )));
    }
    if !windowed && args.count_denied {
        return Err(usage(format!(
            "--count-denied applies to sliding-log and fixed-window, not {name}"
        )));
    }
    if matches!(algo, RateAlgo::FixedWindow | RateAlgo::Gcra) && args.unit != StampUnit::Auto {
        return Err(usage(format!(
            "--unit applies to sliding-log scores and token-bucket timestamps, not {name}"
        )));
    }
    let limit = args.limit.unwrap_or(DEFAULT_LIMIT);
    let cost = args.cost.unwrap_or(1);
    // One sorted-set entry per unit: bounded so that no request makes the
    // server write (and block every other client for) more than a moment.
    if algo == RateAlgo::SlidingLog && limit > limiter::MAX_LOG_LIMIT {
        return Err(usage(format!(
            "--limit {limit}: a sliding log keeps one entry per request, at most {} per window; use fixed-window, token-bucket or gcra for higher rates",
            limiter::MAX_LOG_LIMIT
        )));
    }
    if algo == RateAlgo::SlidingLog && cost > limiter::MAX_LOG_COST {
        return Err(usage(format!(
            "--cost {cost}: a sliding log writes one entry per unit, at most {} per request",
            limiter::MAX_LOG_COST
        )));
    }
    Ok(Policy {
        algo,
        limit,
        window_ms: window_ms(args.window.unwrap_or(DEFAULT_WINDOW))?,
        burst: args.burst.unwrap_or(limit),
        cost,
        count_denied: args.count_denied,
        unit: unit_of(args.unit).unwrap_or(TimeUnit::Ms),
    })
}

/// Between request starts; None: as fast as possible.
fn pace(args: &RatelimitTestArgs) -> Option<Duration> {
    args.interval
        .or_else(|| args.rps.map(|r| Duration::from_secs_f64(1.0 / r)))
}

/// Refuse a key whose existing contents another layout wrote (the script would
/// misread or overwrite them), and take the timestamp unit an existing log or
/// bucket uses, so that cachectl's entries mix with the application's.
async fn prepare(
    redis: &Redis,
    key: &[u8],
    policy: &mut Policy,
    unit: StampUnit,
    ctx: &Ctx,
) -> anyhow::Result<()> {
    let explicit = unit_of(unit);
    // Classified without --algo as a hint: the hint would read any number as
    // the algorithm's own state and let the script overwrite, say, a counter.
    let hints = Hints {
        unit: explicit,
        ..Hints::default()
    };
    let snapshot = limiter::snapshot(redis, key).await?;
    let layout = limiter::classify(&snapshot, &hints);
    if let Some(why) = misfit(&layout, policy.algo) {
        return Err(usage(format!(
            "{} {why}: pick the matching --algo, look with --inspect, or start over with --reset",
            escape_bytes(key)
        )));
    }
    if explicit.is_none() {
        if let Some(u) = existing_unit(&layout) {
            policy.unit = u;
        }
    }
    if layout != Layout::Missing {
        ctx.printer.notice(&format!(
            "{} already holds {} state: requests count from it (--reset starts fresh)",
            escape_bytes(key),
            layout.name()
        ));
    }
    Ok(())
}

async fn reset(redis: &Redis, key: &[u8], hints: &Hints, ctx: &Ctx) -> anyhow::Result<Outcome> {
    let shown = escape_bytes(key);
    let snapshot = limiter::snapshot(redis, key).await?;
    let layout = limiter::classify(&snapshot, hints);
    if layout == Layout::Missing {
        return Ok(Outcome::with_failure(
            ResetReport {
                key: shown,
                deleted: false,
            },
            None,
        ));
    }
    // limits' sliding window counter has a second key: both go, or the
    // library keeps counting the previous window.
    let previous = snapshot
        .previous
        .is_some()
        .then(|| limiter::previous_key(key));
    let also = previous
        .as_ref()
        .map(|p| format!(" and {}", escape_bytes(p)))
        .unwrap_or_default();
    ctx.printer
        .confirm(format!(
            "delete rate limiter {shown}{also} ({}, a {})?",
            layout.name(),
            snapshot.kind
        ))
        .await?;
    let mut deleted = limiter::reset(redis, key).await?;
    if let Some(p) = &previous {
        deleted |= limiter::reset(redis, p).await?;
    }
    Ok(Outcome::with_failure(
        ResetReport {
            key: shown,
            deleted,
        },
        None,
    ))
}

/// How many requests, how fast, from how many clients.
struct Plan {
    requests: u64,
    pace: Option<Duration>,
    concurrency: u32,
}

/// One request's outcome.
#[derive(Debug, Clone)]
struct Row {
    n: u64,
    worker: u32,
    /// When it was sent, from the start of the run (client's monotonic clock).
    offset: Duration,
    latency: Duration,
    verdict: Verdict,
}

/// Send the planned requests from `concurrency` clients that share one budget
/// and one schedule. Request i starts at `i × pace`; a late client sends at
/// once rather than skipping. Stops early on Ctrl-C or the first error.
async fn send_all(
    redis: Arc<Redis>,
    key: &[u8],
    policy: &Policy,
    plan: &Plan,
    interrupt: &Interrupt,
) -> (RunReport, Option<anyhow::Error>) {
    let next = AtomicU64::new(0);
    let stop = AtomicBool::new(false);
    // Unique members for this run: two requests stamped in the same
    // millisecond must not collapse into one sorted-set entry.
    let run_id = &new_token()[..12];
    let start = Instant::now();
    let worker = |w: u32| {
        let (redis, next, stop) = (&redis, &next, &stop);
        async move {
            let mut rows = Vec::new();
            loop {
                if stop.load(Ordering::SeqCst) || interrupt.is_set() {
                    break;
                }
                let n = next.fetch_add(1, Ordering::SeqCst);
                if n >= plan.requests {
                    break;
                }
                if let Some(pace) = plan.pace {
                    let due = start + pace.mul_f64(n as f64);
                    tokio::select! {
                        _ = tokio::time::sleep_until(due.into()) => {}
                        _ = interrupt.wait() => break,
                    }
                }
                let sent = Instant::now();
                let member = format!("cachectl:{run_id}:{n}");
                match limiter::request(redis, policy, key, &member).await {
                    Ok(verdict) => rows.push(Row {
                        n: n + 1,
                        worker: w + 1,
                        offset: sent - start,
                        latency: sent.elapsed(),
                        verdict,
                    }),
                    Err(e) => {
                        stop.store(true, Ordering::SeqCst);
                        return (rows, Some(e));
                    }
                }
            }
            (rows, None)
        }
    };
    let done = futures::future::join_all((0..plan.concurrency).map(worker)).await;
    let mut rows = Vec::new();
    let mut failure = None;
    for (r, e) in done {
        rows.extend(r);
        if failure.is_none() {
            failure = e;
        }
    }
    rows.sort_by_key(|r| r.n);
    let mut report = RunReport::new(key, policy, plan.concurrency, rows);
    report.planned = plan.requests;
    report.interrupted = interrupt.is_set() && report.rows.len() < plan.requests as usize;
    (report, failure)
}

/// The most allowed requests that started within any span of one window: above
/// the limit for fixed windows (the boundary burst), never for a sliding log.
fn peak_in_window(rows: &[Row], window_ms: u64) -> u64 {
    let mut times: Vec<Duration> = rows
        .iter()
        .filter(|r| r.verdict.allowed)
        .map(|r| r.offset)
        .collect();
    times.sort();
    let window = Duration::from_millis(window_ms);
    let mut best = 0;
    let mut first = 0;
    for (i, t) in times.iter().enumerate() {
        while *t - times[first] >= window {
            first += 1;
        }
        best = best.max(i - first + 1);
    }
    best as u64
}

struct RunReport {
    key: String,
    policy: Policy,
    concurrency: u32,
    planned: u64,
    rows: Vec<Row>,
    interrupted: bool,
}

impl RunReport {
    fn new(key: &[u8], policy: &Policy, concurrency: u32, rows: Vec<Row>) -> Self {
        RunReport {
            key: escape_bytes(key),
            policy: policy.clone(),
            concurrency,
            planned: rows.len() as u64,
            rows,
            interrupted: false,
        }
    }

    fn allowed(&self) -> u64 {
        self.rows.iter().filter(|r| r.verdict.allowed).count() as u64
    }

    /// From the first send to the last reply.
    fn elapsed(&self) -> Duration {
        self.rows
            .iter()
            .map(|r| r.offset + r.latency)
            .max()
            .unwrap_or_default()
    }

    fn per_second(&self, n: u64) -> Option<f64> {
        let secs = self.elapsed().as_secs_f64();
        (secs > 0.0).then(|| round3(n as f64 / secs))
    }

    fn has_burst(&self) -> bool {
        matches!(self.policy.algo, RateAlgo::TokenBucket | RateAlgo::Gcra)
    }

    fn notes(&self) -> Vec<String> {
        let p = &self.policy;
        let mut notes = Vec::new();
        let peak = peak_in_window(&self.rows, p.window_ms);
        if p.cost > p.capacity() {
            notes.push(format!(
                "--cost {} is more than the limiter ever holds ({}): such requests are always denied and consume nothing",
                p.cost,
                p.capacity()
            ));
        }
        if p.algo == RateAlgo::FixedWindow && peak > p.limit {
            notes.push(format!(
                "boundary burst: {peak} requests were allowed within one window length ({}), more than the limit of {}, because a fixed window resets all at once",
                short_ms(p.window_ms as f64),
                p.limit
            ));
        }
        if p.count_denied && self.rows.iter().any(|r| !r.verdict.allowed) {
            notes.push(match p.algo {
                RateAlgo::SlidingLog => "--count-denied: denied requests were logged too, so a client that keeps sending stays blocked".into(),
                _ => "--count-denied: denied requests were counted too (INCR first, compare after), as the seeds' counters do".into(),
            });
        }
        notes
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn ms_f(d: Duration) -> f64 {
    round3(d.as_secs_f64() * 1000.0)
}

fn verdict_word(v: &Verdict) -> &'static str {
    if v.allowed {
        "allowed"
    } else {
        "denied"
    }
}

fn wait_text(ms: Option<i64>) -> String {
    match ms {
        Some(0) => "-".into(),
        Some(ms) => short_ms(ms as f64),
        None => "never".into(),
    }
}

/// One request in JSON; fields in the order `json!` sorts them.
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

impl From<&Row> for RowJson {
    fn from(r: &Row) -> Self {
        RowJson {
            allowed: r.verdict.allowed,
            latency_ms: ms_f(r.latency),
            n: r.n,
            offset_ms: ms_f(r.offset),
            remaining: r.verdict.remaining,
            reset_after_ms: r.verdict.reset_after_ms,
            retry_after_ms: r.verdict.retry_after_ms,
            worker: r.worker,
        }
    }
}

/// The requests, serialised one by one as they are written.
struct Rows<'a>(&'a [Row]);

impl Serialize for Rows<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        ser.collect_seq(self.0.iter().map(RowJson::from))
    }
}

/// The run's JSON, streamed: a million requests as one `Value` would take
/// gigabytes.
struct RunJson<'a>(&'a RunReport);

impl Serialize for RunJson<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let summary = self.0.summary_json();
        let mut m = ser.serialize_map(None)?;
        let mut results = Some(Rows(&self.0.rows));
        for (k, v) in summary.as_object().into_iter().flatten() {
            // Where `json!` sorts it, so the output is as before.
            if k.as_str() > "results" {
                if let Some(rows) = results.take() {
                    m.serialize_entry("results", &rows)?;
                }
            }
            m.serialize_entry(k, v)?;
        }
        if let Some(rows) = results {
            m.serialize_entry("results", &rows)?;
        }
        m.end()
    }
}

impl RunReport {
    /// Every JSON field but `results`.
    fn summary_json(&self) -> Json {
        let p = &self.policy;
        let allowed = self.allowed();
        let mut v = json!({
            "algorithm": algo_name(p.algo),
            "key": self.key,
            "limit": p.limit,
            "window_ms": p.window_ms,
            "cost": p.cost,
            "concurrency": self.concurrency,
            "requests": self.rows.len(),
            "allowed": allowed,
            "denied": self.rows.len() as u64 - allowed,
            "elapsed_ms": ms_f(self.elapsed()),
            "observed_rps": self.per_second(allowed),
            "sent_rps": self.per_second(self.rows.len() as u64),
            "peak_allowed_in_window": peak_in_window(&self.rows, p.window_ms),
            "interrupted": self.interrupted,
            "notes": self.notes(),
        });
        if self.has_burst() {
            v["burst"] = json!(p.burst);
        }
        if matches!(p.algo, RateAlgo::SlidingLog | RateAlgo::TokenBucket) {
            v["unit"] = json!(p.unit.name());
        }
        if self.interrupted {
            v["planned"] = json!(self.planned);
        }
        v
    }
}

impl Render for RunReport {
    fn json(&self) -> Json {
        serde_json::to_value(RunJson(self)).unwrap_or(Json::Null)
    }

    fn tables(&self) -> Vec<comfy_table::Table> {
        let many = self.concurrency > 1;
        let mut header = vec!["#", "offset"];
        if many {
            header.push("client");
        }
        header.extend(["verdict", "remaining", "retry after", "reset after"]);
        let mut t = table(&header);
        let n = self.rows.len();
        for (i, r) in self.rows.iter().enumerate() {
            if n > TABLE_ROWS && i == TABLE_ROWS / 2 {
                t.add_row(vec![format!("… {} more (see --json)", n - TABLE_ROWS)]);
            }
            if n > TABLE_ROWS && i >= TABLE_ROWS / 2 && i < n - TABLE_ROWS / 2 {
                continue;
            }
            let mut row = vec![r.n.to_string(), format!("+{}", short_ms(ms_f(r.offset)))];
            if many {
                row.push(r.worker.to_string());
            }
            row.extend([
                verdict_word(&r.verdict).to_uppercase(),
                r.verdict.remaining.to_string(),
                wait_text(r.verdict.retry_after_ms),
                r.verdict
                    .reset_after_ms
                    .map(|ms| short_ms(ms as f64))
                    .unwrap_or_else(|| "never".into()),
            ]);
            t.add_row(row);
        }
        let p = &self.policy;
        let allowed = self.allowed();
        let mut s = table(&["summary", ""]);
        let mut policy = format!(
            "{}: {} per {}",
            algo_name(p.algo),
            p.limit,
            short_ms(p.window_ms as f64)
        );
        if self.has_burst() {
            policy.push_str(&format!(", burst {}", p.burst));
        }
        if p.cost > 1 {
            policy.push_str(&format!(", cost {}", p.cost));
        }
        let rate = |x: Option<f64>| x.map(|r| format!("{r:.1}/s")).unwrap_or_default();
        for (k, v) in [
            ("key", self.key.clone()),
            ("limiter", policy),
            ("requests", self.rows.len().to_string()),
            ("allowed", allowed.to_string()),
            ("denied", (self.rows.len() as u64 - allowed).to_string()),
            ("elapsed", short_ms(ms_f(self.elapsed()))),
            ("allowed rate", rate(self.per_second(allowed))),
            (
                "peak allowed in a window",
                peak_in_window(&self.rows, p.window_ms).to_string(),
            ),
        ] {
            s.add_row(vec![k.to_string(), v]);
        }
        if self.interrupted {
            s.add_row(vec![
                "interrupted".into(),
                format!("after {} of {}", self.rows.len(), self.planned),
            ]);
        }
        for note in self.notes() {
            s.add_row(vec!["note".into(), note]);
        }
        vec![t, s]
    }

    fn plain(&self, out: &mut dyn Write) -> io::Result<()> {
        for r in &self.rows {
            writeln!(
                out,
                "{}\t{:.3}\t{}\t{}\t{}",
                r.n,
                ms_f(r.offset),
                verdict_word(&r.verdict),
                r.verdict.remaining,
                r.verdict
                    .retry_after_ms
                    .map(|ms| ms.to_string())
                    .unwrap_or_else(|| "never".into()),
            )?;
        }
        let allowed = self.allowed();
        writeln!(
            out,
            "summary: {allowed} allowed, {} denied of {} requests in {}",
            self.rows.len() as u64 - allowed,
            self.rows.len(),
            short_ms(ms_f(self.elapsed()))
        )
    }
}

struct InspectReport {
    key: String,
    inspection: limiter::Inspection,
}

impl InspectReport {
    fn new(key: &[u8], inspection: limiter::Inspection) -> Self {
        InspectReport {
            key: escape_bytes(key),
            inspection,
        }
    }
}

fn layout_text(i: &limiter::Inspection) -> String {
    match &i.layout {
        Layout::Missing => "none (no key)".into(),
        Layout::Unknown(_) => format!("unknown ({})", i.snapshot.kind),
        l => format!("{} ({})", l.name(), i.snapshot.kind),
    }
}

fn explanation_lines(e: &Explanation) -> Vec<(String, String)> {
    e.facts
        .iter()
        .map(|f| (f.label.to_string(), f.shown.clone()))
        .collect()
}

impl Render for InspectReport {
    fn json(&self) -> Json {
        let i = &self.inspection;
        let mut v = json!({
            "key": self.key,
            "exists": i.layout != Layout::Missing,
            "type": i.snapshot.kind,
            "layout": i.layout.name(),
            "server_time_ms": i.snapshot.now_us / 1000,
        });
        for f in &i.explanation.facts {
            v[f.name] = f.value.clone();
        }
        v["notes"] = json!(i.explanation.notes);
        v
    }

    fn tables(&self) -> Vec<comfy_table::Table> {
        let i = &self.inspection;
        let mut t = table(&[&self.key, ""]);
        t.add_row(vec!["layout".to_string(), layout_text(i)]);
        for (label, shown) in explanation_lines(&i.explanation) {
            t.add_row(vec![label, shown]);
        }
        for note in &i.explanation.notes {
            t.add_row(vec!["note".to_string(), note.clone()]);
        }
        vec![t]
    }

    fn plain(&self, out: &mut dyn Write) -> io::Result<()> {
        let i = &self.inspection;
        writeln!(out, "layout\t{}", i.layout.name())?;
        for f in &i.explanation.facts {
            match &f.value {
                Json::String(s) => writeln!(out, "{}\t{s}", f.name)?,
                other => writeln!(out, "{}\t{other}", f.name)?,
            }
        }
        for note in &i.explanation.notes {
            writeln!(out, "note\t{note}")?;
        }
        Ok(())
    }
}

struct ResetReport {
    key: String,
    deleted: bool,
}

impl Render for ResetReport {
    fn json(&self) -> Json {
        json!({"key": self.key, "deleted": self.deleted})
    }
    fn tables(&self) -> Vec<comfy_table::Table> {
        let mut t = table(&["key", "deleted"]);
        t.add_row(vec![self.key.clone(), self.deleted.to_string()]);
        vec![t]
    }
    fn plain(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(
            out,
            "{}",
            if self.deleted { "deleted" } else { "not found" }
        )
    }
}

/// What interactive mode keeps on screen: recent verdicts, then the state.
const SCREEN_HISTORY: usize = 8;

/// One request per Enter; the verdict and the limiter's state are redrawn
/// after each. The screen goes to stderr, so the final report on stdout can be
/// redirected. q or Esc quits (exit 0), Ctrl-C too (exit 130).
async fn interactive(
    redis: Arc<Redis>,
    key: Vec<u8>,
    policy: Policy,
    mut hints: Hints,
) -> anyhow::Result<Outcome> {
    hints.algo = Some(policy.algo);
    hints.limit = Some(policy.limit);
    hints.window_ms = Some(policy.window_ms);
    hints.unit = Some(policy.unit);
    if matches!(policy.algo, RateAlgo::TokenBucket | RateAlgo::Gcra) {
        hints.burst = Some(policy.burst);
    }
    let term = Term::stderr();
    let run_id = new_token()[..12].to_string();
    let start = Instant::now();
    let mut rows: Vec<Row> = Vec::new();
    let mut interrupted = false;
    let mut failure = None;
    let mut state = limiter::inspect(&redis, &key, &hints).await?;
    loop {
        draw(&term, &key, &policy, &rows, &state)?;
        let reader = term.clone();
        let pressed = tokio::task::spawn_blocking(move || reader.read_key_raw()).await;
        match pressed {
            Ok(Ok(Key::Enter | Key::Char(' '))) => {}
            Ok(Ok(Key::Char('q' | 'Q') | Key::Escape)) => break,
            Ok(Ok(Key::CtrlC | Key::Char('\u{3}'))) => {
                interrupted = true;
                break;
            }
            Ok(Ok(_)) => continue,
            // The terminal went away (hang-up): end the session with what was sent.
            Ok(Err(_)) | Err(_) => break,
        }
        let n = rows.len() as u64;
        let sent = Instant::now();
        let member = format!("cachectl:{run_id}:{n}");
        match limiter::request(&redis, &policy, &key, &member).await {
            Ok(verdict) => rows.push(Row {
                n: n + 1,
                worker: 1,
                offset: sent - start,
                latency: sent.elapsed(),
                verdict,
            }),
            Err(e) => {
                failure = Some(e);
                break;
            }
        }
        state = limiter::inspect(&redis, &key, &hints).await?;
    }
    let report = RunReport::new(&key, &policy, 1, rows);
    let failure = failure.or_else(|| interrupted.then(|| CliError::Interrupted.into()));
    Ok(Outcome::with_failure(report, failure))
}

fn draw(
    term: &Term,
    key: &[u8],
    p: &Policy,
    rows: &[Row],
    state: &limiter::Inspection,
) -> anyhow::Result<()> {
    let mut lines = vec![
        format!(
            "cachectl ratelimit-test {}: {} {} per {}{}",
            escape_bytes(key),
            algo_name(p.algo),
            p.limit,
            short_ms(p.window_ms as f64),
            if matches!(p.algo, RateAlgo::TokenBucket | RateAlgo::Gcra) {
                format!(", burst {}", p.burst)
            } else {
                String::new()
            }
        ),
        "Enter: send one request    q: quit".to_string(),
        String::new(),
    ];
    if rows.is_empty() {
        lines.push("no request sent yet".into());
    }
    for r in rows.iter().skip(rows.len().saturating_sub(SCREEN_HISTORY)) {
        let v = &r.verdict;
        let wait = if v.allowed {
            String::new()
        } else {
            format!("  retry after {}", wait_text(v.retry_after_ms))
        };
        lines.push(format!(
            "#{:<4} +{:<8} {:<8} remaining {}{wait}",
            r.n,
            short_ms(ms_f(r.offset)),
            verdict_word(v).to_uppercase(),
            v.remaining
        ));
    }
    let allowed = rows.iter().filter(|r| r.verdict.allowed).count();
    lines.push(format!(
        "total: {allowed} allowed, {} denied",
        rows.len() - allowed
    ));
    lines.push(String::new());
    lines.push(format!("state: {}", layout_text(state)));
    for (label, shown) in explanation_lines(&state.explanation) {
        lines.push(format!("  {label:<24} {shown}"));
    }
    for note in &state.explanation.notes {
        lines.push(format!("  note: {note}"));
    }
    term.clear_screen()?;
    for l in lines {
        term.write_line(&l)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(n: u64, at_ms: u64, allowed: bool) -> Row {
        Row {
            n,
            worker: 1,
            offset: Duration::from_millis(at_ms),
            latency: Duration::from_millis(1),
            verdict: Verdict {
                allowed,
                remaining: 0,
                retry_after_ms: Some(0),
                reset_after_ms: Some(0),
            },
        }
    }

    #[test]
    fn peak_counts_allowed_requests_in_any_window_span() {
        // Fixed window of 1s, limit 3: 3 at the end of one window and 3 at the
        // start of the next make 6 within 200ms.
        let rows: Vec<Row> = [900, 950, 990, 1000, 1050, 1100]
            .iter()
            .enumerate()
            .map(|(i, t)| row(i as u64 + 1, *t, true))
            .chain([row(7, 1101, false)])
            .collect();
        assert_eq!(peak_in_window(&rows, 1000), 6);
        assert_eq!(peak_in_window(&rows, 100), 3);
        assert_eq!(peak_in_window(&[], 1000), 0);
    }
}
