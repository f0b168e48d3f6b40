//! `warm FILE | -`: bulk-load a cache from JSON lines or CSV.
//!
//! Two passes over the input: the first validates every line (nothing is
//! written when one is invalid, unless `--skip-invalid`), the second streams
//! records from a blocking reader thread into pipelines, several in flight,
//! grouped per node by `Redis::batch`. Standard input is spooled to a temporary
//! file first so both passes read the same bytes. Memory stays flat: only the
//! batches in flight are held.

use std::fs::File;
use std::io::{self, BufReader, Seek, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::stream::{FuturesUnordered, StreamExt};
use rand::Rng;
use redis::Value;
use serde_json::json;

use super::Ctx;
use crate::cli::{InputFormat, WarmArgs};
use crate::core::conn::{is_unreachable, unreachable_failure, Idempotent, Redis, Routed};
use crate::core::interrupt::Interrupt;
use crate::error::{usage, CliError};
use crate::keys::Namespace;
use crate::output::{table, Outcome, Render};
use crate::records::{
    check_json_line, each, each_json_from, skip_bom, Format, Invalid, Payload, Record,
};

/// Invalid lines listed in the error before "and N more".
const SHOWN_ERRORS: usize = 20;

/// Writes a structured value atomically: replace, then the TTL. ARGV: type, nx,
/// ttl ms (0: none), then the items. Returns 1 when written, 0 when skipped.
/// A script is checked against `maxmemory` only at its first write that can
/// grow memory, so that must come before any DEL: SETNX of an existing key
/// changes nothing but is such a write (at OOM the script fails there).
const WRITE_STRUCT: &str = r"
if redis.call('EXISTS', KEYS[1]) == 1 then
  if ARGV[2] == '1' then return 0 end
  redis.call('SETNX', KEYS[1], '')
  redis.call('DEL', KEYS[1])
end
local kind, n = ARGV[1], #ARGV
local cmd = ({hash = 'HSET', set = 'SADD', list = 'RPUSH', zset = 'ZADD'})[kind]
local i = 4
while i <= n do
  local j = math.min(i + 999, n)
  if kind == 'hash' or kind == 'zset' then
    if (j - i) % 2 == 0 then j = j - 1 end
  end
  redis.call(cmd, KEYS[1], unpack(ARGV, i, j))
  i = j + 1
end
if tonumber(ARGV[3]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return 1
";

fn pick_format(args: &WarmArgs) -> anyhow::Result<Format> {
    if let Some(f) = args.format {
        return Ok(match f {
            InputFormat::Jsonl => Format::Jsonl,
            InputFormat::Csv => Format::Csv,
        });
    }
    if args.input == Path::new("-") {
        return Ok(Format::Jsonl);
    }
    match args
        .input
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("jsonl" | "ndjson" | "json") => Ok(Format::Jsonl),
        Some("csv") => Ok(Format::Csv),
        _ => Err(usage(format!(
            "cannot tell the format of {} from its name: pass --format jsonl or --format csv",
            args.input.display()
        ))),
    }
}

/// The input as a seekable file. Standard input, and any path that is not a
/// regular file (a pipe from `<(…)`, a FIFO, `/dev/stdin`), is spooled to a
/// temporary file, so both passes read the same bytes.
fn open_input(path: &Path) -> anyhow::Result<(File, u64)> {
    let spool = |from: &mut dyn io::Read, what: &str| -> anyhow::Result<File> {
        let mut spool =
            tempfile::tempfile().map_err(|e| usage(format!("cannot create a spool file: {e}")))?;
        io::copy(from, &mut spool).map_err(|e| usage(format!("reading {what}: {e}")))?;
        Ok(spool)
    };
    let mut file = if path == Path::new("-") {
        spool(&mut io::stdin().lock(), "standard input")?
    } else {
        let cannot = |e: io::Error| usage(format!("cannot read {}: {e}", path.display()));
        let mut file = File::open(path).map_err(cannot)?;
        if file.metadata().map_err(cannot)?.is_file() {
            file
        } else {
            spool(&mut file, &path.display().to_string())?
        }
    };
    let size = file.seek(io::SeekFrom::End(0))?;
    file.rewind()?;
    Ok((file, size))
}

#[derive(Default)]
struct Check {
    read: u64,
    invalid: u64,
    errors: Vec<Invalid>,
}

impl Check {
    fn visit<T>(&mut self, r: Result<T, Invalid>) -> bool {
        self.read += 1;
        if let Err(e) = r {
            self.invalid += 1;
            if self.errors.len() < SHOWN_ERRORS {
                self.errors.push(e);
            }
        }
        true
    }
}

/// A byte range of a file, read with positional reads so that several threads
/// can read one file at once.
struct Slice<'a> {
    file: &'a File,
    pos: u64,
    end: u64,
}

impl io::Read for Slice<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        use std::os::unix::fs::FileExt;
        let want = buf.len().min((self.end - self.pos) as usize);
        if want == 0 {
            return Ok(0);
        }
        let n = self.file.read_at(&mut buf[..want], self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

/// The offset just after the first newline at or after `from` (or the end).
fn line_start_after(file: &File, from: u64, size: u64) -> io::Result<u64> {
    use std::os::unix::fs::FileExt;
    let mut buf = [0u8; 64 * 1024];
    let mut pos = from;
    while pos < size {
        let n = file.read_at(&mut buf, pos)?;
        if n == 0 {
            break;
        }
        if let Some(i) = buf[..n].iter().position(|&b| b == b'\n') {
            return Ok(pos + i as u64 + 1);
        }
        pos += n as u64;
    }
    Ok(size)
}

/// Validate the whole input. JSON lines are checked by two threads, one per
/// half: the server is idle during this pass, so both cores are ours.
fn validate(file: &File, size: u64, format: Format) -> io::Result<Check> {
    let reader = |start: u64, end: u64| {
        BufReader::with_capacity(
            1 << 20,
            Slice {
                file,
                pos: start,
                end,
            },
        )
    };
    if format == Format::Csv || size < (8 << 20) {
        let mut c = Check::default();
        each(format, reader(0, size), |r, _| c.visit(r))?;
        return Ok(c);
    }
    let split = line_start_after(file, size / 2, size)?;
    let (first, second) = std::thread::scope(|scope| {
        let a = scope.spawn(|| {
            let mut c = Check::default();
            let mut r = reader(0, split);
            skip_bom(&mut r)?;
            each_json_from(r, 0, check_json_line, |r, _| c.visit(r)).map(|last| (c, last))
        });
        let b = scope.spawn(|| {
            let mut c = Check::default();
            each_json_from(reader(split, size), 0, check_json_line, |r, _| c.visit(r)).map(|_| c)
        });
        (a.join(), b.join())
    });
    let (mut c, lines_before) =
        first.map_err(|_| io::Error::other("validation thread panicked"))??;
    let second = second.map_err(|_| io::Error::other("validation thread panicked"))??;
    c.read += second.read;
    c.invalid += second.invalid;
    for mut e in second.errors {
        if c.errors.len() < SHOWN_ERRORS {
            e.line += lines_before;
            c.errors.push(e);
        }
    }
    Ok(c)
}

/// How records become commands.
#[derive(Clone)]
struct Writer {
    ns: Namespace,
    default_ttl: Option<Duration>,
    jitter: Option<f64>,
    nx: bool,
}

impl Writer {
    fn ttl_ms(&self, rec: &Record, rng: &mut impl Rng) -> u64 {
        let Some(ttl) = rec.ttl.or(self.default_ttl) else {
            return 0;
        };
        let ms = ttl.as_millis().max(1) as u64;
        match self.jitter {
            Some(p) if p > 0.0 => ms + rng.gen_range(0..=((ms as f64 * p / 100.0) as u64)),
            _ => ms,
        }
    }

    fn command(&self, rec: Record, rng: &mut impl Rng) -> Routed {
        let key = self.ns.key(&rec.key);
        let ttl = self.ttl_ms(&rec, rng);
        let cmd = match rec.payload {
            // SETEX / PSETEX rather than SET .. EX: one argument fewer and no
            // option parsing cost the server about 3.5% less per key, and the
            // server is what bounds a load. NX needs SET's options.
            Payload::String(v) if ttl > 0 && !self.nx => {
                let mut c = redis::Cmd::with_capacity(4, key.len() + v.len() + 16);
                if ttl.is_multiple_of(1000) {
                    c.arg("SETEX").arg(&key).arg(ttl / 1000);
                } else {
                    c.arg("PSETEX").arg(&key).arg(ttl);
                }
                c.arg(v);
                c
            }
            Payload::String(v) => {
                let mut c = redis::cmd("SET");
                c.arg(&key).arg(v);
                if ttl > 0 {
                    c.arg("PX").arg(ttl);
                }
                if self.nx {
                    c.arg("NX");
                }
                c
            }
            structured => {
                let mut c = redis::cmd("EVAL");
                c.arg(WRITE_STRUCT).arg(1).arg(&key);
                let kind = match &structured {
                    Payload::Hash(_) => "hash",
                    Payload::Set(_) => "set",
                    Payload::List(_) => "list",
                    _ => "zset",
                };
                c.arg(kind).arg(if self.nx { "1" } else { "0" }).arg(ttl);
                match structured {
                    Payload::Hash(pairs) => pairs.into_iter().for_each(|(f, v)| {
                        c.arg(f).arg(v);
                    }),
                    Payload::Set(items) | Payload::List(items) => items.into_iter().for_each(|i| {
                        c.arg(i);
                    }),
                    Payload::Zset(items) => items.into_iter().for_each(|(s, m)| {
                        c.arg(s).arg(m);
                    }),
                    Payload::String(_) => {}
                }
                c
            }
        };
        Routed::new(&key, cmd)
    }
}

/// Reader thread: parse valid records into batches of commands. `validated`:
/// the first pass found every line valid, so an invalid line here means the
/// file changed in between; reading stops there.
#[allow(clippy::too_many_arguments)]
fn feed(
    file: File,
    size: u64,
    format: Format,
    writer: Writer,
    batch: usize,
    validated: bool,
    tx: tokio::sync::mpsc::Sender<Vec<Routed>>,
    progress: Arc<AtomicU64>,
) -> io::Result<Check> {
    let mut rng = rand::thread_rng();
    let mut pending = Vec::with_capacity(batch);
    let mut open = true;
    let mut check = Check::default();
    // Only the bytes the first pass validated: a file that grows is not read on.
    let mut input = BufReader::with_capacity(1 << 20, io::Read::take(file, size));
    let mut stopped = false;
    each(format, &mut input, |r, offset| {
        match r {
            Ok(rec) => {
                check.read += 1;
                pending.push(writer.command(rec, &mut rng));
            }
            Err(e) => {
                check.visit::<()>(Err(e));
                if validated {
                    // Send nothing more, not even the records before it.
                    pending.clear();
                    stopped = true;
                    return false;
                }
            }
        }
        if pending.len() >= batch {
            progress.store(offset, Ordering::Relaxed);
            let full = std::mem::replace(&mut pending, Vec::with_capacity(batch));
            open = tx.blocking_send(full).is_ok();
        }
        stopped = !open;
        open
    })?;
    // A file cut short since validation ends early, without an invalid line.
    if !stopped && input.into_inner().limit() > 0 {
        return Err(io::Error::other(
            "the input is shorter than when it was validated: it changed while it was loaded",
        ));
    }
    if open && !pending.is_empty() {
        let _ = tx.blocking_send(pending);
    }
    Ok(check)
}

#[derive(Default, Clone, Copy)]
struct Tally {
    written: u64,
    skipped: u64,
    /// Writes sent whose replies never came: the server may have applied them.
    unconfirmed: u64,
    /// Lines for a primary that is down: not sent.
    unreachable: u64,
}

/// Send one batch. The tally counts every write the server accepted, also
/// when others in the batch were refused (OOM at maxmemory): the error comes
/// with it, not instead of it.
async fn send(redis: Arc<Redis>, cmds: Vec<Routed>) -> (Tally, Option<anyhow::Error>) {
    let mut t = Tally::default();
    let sent = cmds.len() as u64;
    let tracked = match redis.batch(cmds, Idempotent::Yes).await {
        Ok(r) => r,
        Err(e) => {
            t.unconfirmed = sent;
            return (t, Some(e));
        }
    };
    let mut replies = tracked.replies;
    let mut check_error = None;
    let mut unknown: Vec<usize> = Vec::new();
    // A SET NX re-sent after a lost reply answers nil when its first send ran:
    // the key holding our value is our write.
    for (i, cmd) in &tracked.resent {
        if !matches!(replies.get(*i), Some(Value::Nil)) {
            continue;
        }
        match ours_already(&redis, cmd).await {
            Ok(true) => replies[*i] = Value::Okay,
            Ok(false) => {}
            Err(e) => {
                unknown.push(*i);
                check_error.get_or_insert(e);
            }
        }
    }
    // Lines for a down primary are counted, not an error: the others go on,
    // and the run fails at its end naming the node.
    let error = redis
        .first_error_where(&replies, |v| !is_unreachable(v))
        .err()
        .or(check_error);
    for (i, v) in replies.into_iter().enumerate() {
        if unknown.contains(&i) {
            t.unconfirmed += 1;
            continue;
        }
        if is_unreachable(&v) {
            t.unreachable += 1;
            continue;
        }
        match v {
            Value::ServerError(_) => {}
            Value::Okay | Value::Int(1) => t.written += 1,
            Value::SimpleString(s) if s == "OK" => t.written += 1,
            Value::Nil | Value::Int(0) => t.skipped += 1,
            _ => t.written += 1,
        }
    }
    (t, error)
}

/// Whether the key of a `SET key value … NX` already holds `value`.
async fn ours_already(redis: &Redis, cmd: &redis::Cmd) -> anyhow::Result<bool> {
    let args: Vec<&[u8]> = cmd
        .args_iter()
        .filter_map(|a| match a {
            redis::Arg::Simple(b) => Some(b),
            _ => None,
        })
        .collect();
    let (Some(name), Some(key), Some(value)) = (args.first(), args.get(1), args.get(2)) else {
        return Ok(false);
    };
    if !name.eq_ignore_ascii_case(b"SET") {
        return Ok(false);
    }
    let mut get = redis::cmd("GET");
    get.arg(*key);
    let now: Option<Vec<u8>> = redis.keyed(key, &get, Idempotent::Yes).await?;
    Ok(now.as_deref() == Some(*value))
}

pub async fn run(args: &WarmArgs, ctx: &Ctx) -> anyhow::Result<Outcome> {
    let format = pick_format(args)?;
    let started = Instant::now();
    let (file, size) = open_input(&args.input)?;
    let source = if args.input == Path::new("-") {
        "standard input".to_string()
    } else {
        args.input.display().to_string()
    };
    // With --skip-invalid there is nothing to protect: invalid lines are counted
    // while writing, in one pass.
    let (file, check) = if args.skip_invalid && !args.dry_run {
        (file, Check::default())
    } else {
        tokio::task::spawn_blocking(move || validate(&file, size, format).map(|c| (file, c)))
            .await?
            .map_err(|e| usage(format!("reading {source}: {e}")))?
    };
    for e in &check.errors {
        eprintln!("cachectl: {source}: line {}: {}", e.line, e.reason);
    }
    if check.invalid as usize > check.errors.len() {
        eprintln!(
            "cachectl: {source}: … and {} more invalid lines",
            check.invalid as usize - check.errors.len()
        );
    }
    let mut report = WarmReport {
        read: check.read,
        invalid: check.invalid,
        dry_run: args.dry_run,
        bytes: size,
        ..Default::default()
    };
    if check.invalid > 0 && !args.skip_invalid && !args.dry_run {
        return Err(usage(format!(
            "{} of {} lines in {source} are invalid: nothing was written (fix them, or pass --skip-invalid)",
            check.invalid, check.read
        )));
    }
    if args.dry_run {
        report.elapsed_ms = started.elapsed().as_millis() as u64;
        let failure = (check.invalid > 0)
            .then(|| usage(format!("{} invalid lines in {source}", check.invalid)));
        return Ok(Outcome::with_failure(report, failure));
    }

    let redis = ctx.connect().await?;
    let interrupt = Interrupt::listen();
    let mut file = file;
    file.rewind()?;
    let writer = Writer {
        ns: ctx.ns.clone(),
        default_ttl: args.ttl,
        jitter: args.ttl_jitter,
        nx: args.only_missing,
    };
    let in_flight = args.in_flight as usize;
    let (tx, mut rx) = tokio::sync::mpsc::channel(in_flight * 2);
    let progress = Arc::new(AtomicU64::new(0));
    let feeder = {
        let progress = progress.clone();
        let batch = args.batch as usize;
        let validated = !args.skip_invalid;
        tokio::task::spawn_blocking(move || {
            feed(file, size, format, writer, batch, validated, tx, progress)
        })
    };
    let bar = ctx.printer.progress(
        Some(size.max(1)),
        "{spinner} [{bar:30}] {bytes}/{total_bytes} {msg} eta {eta}",
    );
    let mut inflight = FuturesUnordered::new();
    let (mut reading, mut stopping) = (true, false);
    let mut failure: Option<anyhow::Error> = None;
    let write_started = Instant::now();
    loop {
        if inflight.is_empty() && (stopping || !reading) {
            break;
        }
        tokio::select! {
            biased;
            _ = interrupt.wait(), if !stopping => {
                stopping = true;
                failure = Some(CliError::Interrupted.into());
            }
            Some((t, error)) = inflight.next(), if !inflight.is_empty() => {
                let t: Tally = t;
                report.written += t.written;
                report.skipped += t.skipped;
                report.unconfirmed += t.unconfirmed;
                report.unreachable += t.unreachable;
                if let Some(e) = error {
                    stopping = true;
                    failure.get_or_insert(e);
                }
                let secs = write_started.elapsed().as_secs_f64().max(0.001);
                bar.set_position(progress.load(Ordering::Relaxed));
                bar.set_message(format!("{} keys, {:.0} keys/s", report.written + report.skipped, (report.written + report.skipped) as f64 / secs));
            }
            batch = rx.recv(), if reading && !stopping && inflight.len() < in_flight => {
                match batch {
                    Some(cmds) => inflight.push(send(redis.clone(), cmds)),
                    None => reading = false,
                }
            }
        }
    }
    drop(rx);
    bar.finish_and_clear();
    match feeder.await {
        Ok(Ok(seen)) => {
            if let (false, Some(e)) = (args.skip_invalid, seen.errors.first()) {
                failure.get_or_insert(usage(format!(
                    "{source} changed while it was loaded: line {} is now invalid ({}); the lines before it may have been written",
                    e.line, e.reason
                )));
            }
            if args.skip_invalid {
                for e in &seen.errors {
                    eprintln!(
                        "cachectl: {source}: line {}: {} (skipped)",
                        e.line, e.reason
                    );
                }
                report.read = seen.read;
                report.invalid = seen.invalid;
            }
        }
        Ok(Err(e)) => {
            failure.get_or_insert(anyhow::Error::new(e).context(format!("reading {source}")));
        }
        Err(e) => {
            failure.get_or_insert(anyhow::anyhow!("reader failed: {e}"));
        }
    }
    if report.unreachable > 0 {
        failure.get_or_insert(unreachable_failure(&redis.unreachable()).into());
    }
    report.elapsed_ms = started.elapsed().as_millis() as u64;
    Ok(Outcome::with_failure(report, failure))
}

#[derive(Default)]
struct WarmReport {
    read: u64,
    written: u64,
    skipped: u64,
    unconfirmed: u64,
    /// Lines whose primary is down (a cluster running without full coverage).
    unreachable: u64,
    invalid: u64,
    elapsed_ms: u64,
    dry_run: bool,
    bytes: u64,
}

impl WarmReport {
    fn rate(&self) -> f64 {
        (self.written + self.skipped) as f64 / (self.elapsed_ms.max(1) as f64 / 1000.0)
    }
}

impl Render for WarmReport {
    fn json(&self) -> serde_json::Value {
        json!({
            "read": self.read,
            "written": self.written,
            "skipped": self.skipped,
            "unconfirmed": self.unconfirmed,
            "unreachable": self.unreachable,
            "invalid": self.invalid,
            "elapsed_ms": self.elapsed_ms,
            "dry_run": self.dry_run,
            "bytes": self.bytes,
            "keys_per_sec": self.rate().round(),
        })
    }

    fn tables(&self) -> Vec<comfy_table::Table> {
        let mut head = vec!["read", "written", "skipped"];
        let mut row = vec![
            self.read.to_string(),
            self.written.to_string(),
            self.skipped.to_string(),
        ];
        // Shown only when a run stopped with writes in flight.
        if self.unreachable > 0 {
            head.push("unreachable");
            row.push(self.unreachable.to_string());
        }
        if self.unconfirmed > 0 {
            head.push("unconfirmed");
            row.push(self.unconfirmed.to_string());
        }
        head.extend(["invalid", "elapsed", "keys/s"]);
        row.extend([
            self.invalid.to_string(),
            format!("{} ms", self.elapsed_ms),
            format!("{:.0}", self.rate()),
        ]);
        let mut t = table(&head);
        t.add_row(row);
        vec![t]
    }

    fn plain(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "read\t{}", self.read)?;
        writeln!(out, "written\t{}", self.written)?;
        writeln!(out, "skipped\t{}", self.skipped)?;
        if self.unreachable > 0 {
            writeln!(out, "unreachable\t{}", self.unreachable)?;
        }
        if self.unconfirmed > 0 {
            writeln!(out, "unconfirmed\t{}", self.unconfirmed)?;
        }
        writeln!(out, "invalid\t{}", self.invalid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(w: &Writer, ttl: Option<u64>) -> Vec<String> {
        let rec = Record {
            line: 1,
            key: b"k".to_vec(),
            payload: Payload::String(b"v".to_vec()),
            ttl: ttl.map(Duration::from_millis),
        };
        let cmd = w.command(rec, &mut rand::thread_rng()).cmd;
        cmd.args_iter()
            .map(|a| match a {
                redis::Arg::Simple(b) => String::from_utf8_lossy(b).into_owned(),
                _ => "<other>".into(),
            })
            .collect()
    }

    fn fed(text: &str, validated: bool) -> (Check, usize) {
        let mut file = tempfile::tempfile().expect("tempfile");
        file.write_all(text.as_bytes()).expect("write");
        file.rewind().expect("rewind");
        let w = Writer {
            ns: Namespace::new(None),
            default_ttl: None,
            jitter: None,
            nx: false,
        };
        let (tx, mut rx) = tokio::sync::mpsc::channel(16);
        let size = text.len() as u64;
        let progress = Arc::new(AtomicU64::new(0));
        let check = feed(file, size, Format::Jsonl, w, 1, validated, tx, progress).expect("feed");
        let mut sent = 0;
        while let Ok(b) = rx.try_recv() {
            sent += b.len();
        }
        (check, sent)
    }

    /// Lines of every kind the two passes must agree on, in a random mix.
    fn mixed_input(rng: &mut impl Rng, min_size: usize) -> String {
        let kinds = [
            "{\"key\":\"k{i}\",\"value\":\"v\",\"ttl\":60}\n",
            "{\"key\":\"k{i}\",\"value\":\"v\"}\r\n",
            "\n",
            " \r\n",
            "{\"key\":\"k{i}\",\"value\":\"\\udc00\"}\n",
            "{\"key\":\"k{i}\",\"value\":\"\\ud83d\\ude00\"}\n",
            "{\"value\":{\"n\":1e400},\"key\":\"k{i}\"}\n",
            "{\"key\":\"k{i}\",\"value\":\"v\",\"ttl\":0}\n",
            "{\"key\":\"k{i}\",\"type\":\"zset\",\"value\":{\"m\":1e400}}\n",
            "{\"key\":\"k{i}\",\"value\":\"a\u{0}b\"}\n",
            "\u{feff}{\"key\":\"k{i}\",\"value\":\"v\"}\n",
        ];
        let mut text = String::from("\u{feff}");
        let mut i = 0;
        while text.len() < min_size {
            // Mostly the common shape, as real files are.
            let k = if rng.gen_bool(0.9) {
                0
            } else {
                rng.gen_range(0..kinds.len())
            };
            text.push_str(&kinds[k].replace("{i}", &i.to_string()));
            i += 1;
        }
        text.push_str("{\"key\":\"last\",\"value\":\"no newline\"}");
        text
    }

    #[test]
    fn both_validation_paths_agree_with_the_write_pass() {
        let mut rng = rand::thread_rng();
        for min_size in [64 * 1024, 9 << 20] {
            let text = mixed_input(&mut rng, min_size);
            let mut file = tempfile::tempfile().expect("tempfile");
            file.write_all(text.as_bytes()).expect("write");
            let size = text.len() as u64;
            let v = validate(&file, size, Format::Jsonl).expect("validate");
            let mut written = Check::default();
            each(Format::Jsonl, text.as_bytes(), |r, _| written.visit(r)).expect("read");
            assert_eq!(
                (v.read, v.invalid),
                (written.read, written.invalid),
                "size {size}"
            );
            let lines = |c: &Check| c.errors.iter().map(|e| e.line).collect::<Vec<_>>();
            assert_eq!(lines(&v), lines(&written));
            assert!(v.invalid > 0 && v.read > v.invalid);
        }
    }

    #[test]
    fn an_input_cut_short_after_validation_is_an_error() {
        let mut file = tempfile::tempfile().expect("tempfile");
        let text = "{\"key\":\"a\",\"value\":\"1\"}\n";
        file.write_all(text.as_bytes()).expect("write");
        file.rewind().expect("rewind");
        let w = Writer {
            ns: Namespace::new(None),
            default_ttl: None,
            jitter: None,
            nx: false,
        };
        let (tx, _rx) = tokio::sync::mpsc::channel(16);
        let progress = Arc::new(AtomicU64::new(0));
        // Validated at 100 bytes more than the file now holds.
        let size = text.len() as u64 + 100;
        match feed(file, size, Format::Jsonl, w, 1, true, tx, progress) {
            Err(e) => assert!(e.to_string().contains("shorter"), "{e}"),
            Ok(c) => panic!("a short input read as complete: {} lines", c.read),
        }
    }

    #[test]
    fn a_line_invalid_after_validation_stops_the_write_pass() {
        let text = "{\"key\":\"a\",\"value\":\"1\"}\n{bad\n{\"key\":\"b\",\"value\":\"2\"}\n";
        let (check, sent) = fed(text, true);
        assert_eq!((check.invalid, sent), (1, 1), "nothing after the bad line");
        assert_eq!(check.errors[0].line, 2);
        let (check, sent) = fed(text, false);
        assert_eq!(
            (check.invalid, sent),
            (1, 2),
            "--skip-invalid writes the rest"
        );
    }

    #[test]
    fn strings_use_the_cheapest_command_that_keeps_the_semantics() {
        let w = Writer {
            ns: Namespace::new(Some("app")),
            default_ttl: None,
            jitter: None,
            nx: false,
        };
        assert_eq!(words(&w, None), ["SET", "app:k", "v"]);
        assert_eq!(words(&w, Some(3_600_000)), ["SETEX", "app:k", "3600", "v"]);
        assert_eq!(words(&w, Some(1_500)), ["PSETEX", "app:k", "1500", "v"]);
        let nx = Writer { nx: true, ..w };
        assert_eq!(
            words(&nx, Some(2_000)),
            ["SET", "app:k", "v", "PX", "2000", "NX"]
        );
        assert_eq!(words(&nx, None), ["SET", "app:k", "v", "NX"]);
    }
}
