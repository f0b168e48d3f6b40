//! warm's loader: bulk-load a cache from JSON lines or CSV.
//!
//! Two passes over the input: the first validates every line (nothing is
//! written when one is invalid, unless the caller skips invalid lines), the
//! second streams records from a blocking reader thread, grouped per node into
//! chunks, through the bulk engine. Standard input is spooled to a temporary
//! file first so both passes read the same bytes. Memory stays flat: only the
//! chunks in flight and one pending chunk per node are held.

use std::fs::File;
use std::io::{self, BufReader, Seek};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use redis::Value;
use tokio::sync::mpsc;

use super::bulk::{drive, Batch, Flow, Place};
use super::conn::{is_unreachable, unreachable_failure, Idempotent, Node, Redis, Routed, SLOTS};
use super::interrupt::Interrupt;
use super::probe::Neighbour;
use crate::error::usage;
use crate::keys::Namespace;
use crate::records::{
    check_json_line, each, each_json_from, skip_bom, Format, Invalid, Payload, Record,
};

/// Invalid lines listed in the error before "and N more".
pub const SHOWN_ERRORS: usize = 20;

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

/// The input as a seekable file. Standard input, and any path that is not a
/// regular file (a pipe from `<(…)`, a FIFO, `/dev/stdin`), is spooled to a
/// temporary file, so both passes read the same bytes.
pub fn open_input(path: &Path) -> anyhow::Result<(File, u64)> {
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

/// What a pass over the input found.
#[derive(Debug, Default)]
pub struct Check {
    /// Lines read (blank lines are not lines).
    pub read: u64,
    pub invalid: u64,
    /// The first [`SHOWN_ERRORS`] invalid lines.
    pub errors: Vec<Invalid>,
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
pub fn validate(file: &File, size: u64, format: Format) -> io::Result<Check> {
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
#[derive(Debug, Clone)]
pub struct Writer {
    pub ns: Namespace,
    /// TTL for records without one.
    pub default_ttl: Option<Duration>,
    /// Add up to this many percent to each TTL, at random.
    pub jitter: Option<f64>,
    /// Write only keys that do not exist (SET NX).
    pub nx: bool,
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

/// A chunk of commands for one node, as the reader thread sends them.
type Chunk<N> = anyhow::Result<Batch<N, Routed>>;

/// Reader thread: parse valid records into commands, grouped per node by
/// `route(slot)`, and send each node's chunk once it holds `batch` commands.
/// `validated`: the first pass found every line valid, so an invalid line here
/// means the file changed in between; reading stops there. `progress`: the
/// byte offset read so far.
#[allow(clippy::too_many_arguments)]
fn feed<N: Place>(
    file: File,
    size: u64,
    format: Format,
    writer: Writer,
    batch: usize,
    validated: bool,
    route: impl Fn(u16) -> N,
    tx: mpsc::Sender<Chunk<N>>,
    progress: &AtomicU64,
) -> io::Result<Check> {
    let mut rng = rand::thread_rng();
    // Each node's pending chunk, and which one a slot goes to (looked up once
    // per slot: the reader handles every line, so it does no per-line lookups).
    let mut pending: Vec<(N, Vec<Routed>)> = Vec::new();
    let mut slot_to: Vec<Option<usize>> = vec![None; SLOTS];
    let mut open = true;
    let mut check = Check::default();
    // Only the bytes the first pass validated: a file that grows is not read on.
    let mut input = BufReader::with_capacity(1 << 20, io::Read::take(file, size));
    let mut stopped = false;
    let send = |node: N, items: Vec<Routed>| {
        let b = Batch {
            node,
            items,
            cursor: None,
        };
        tx.blocking_send(Ok(b)).is_ok()
    };
    each(format, &mut input, |r, offset| {
        let cmd = match r {
            Ok(rec) => {
                check.read += 1;
                writer.command(rec, &mut rng)
            }
            Err(e) => {
                check.visit::<()>(Err(e));
                if validated {
                    // Send nothing more, not even the records before it.
                    pending.clear();
                    stopped = true;
                    return false;
                }
                return true;
            }
        };
        let slot = cmd.slot as usize % SLOTS;
        let i = *slot_to[slot].get_or_insert_with(|| {
            let node = route(cmd.slot);
            match pending.iter().position(|(n, _)| n.addr() == node.addr()) {
                Some(i) => i,
                None => {
                    pending.push((node, Vec::with_capacity(batch)));
                    pending.len() - 1
                }
            }
        });
        let (node, cmds) = &mut pending[i];
        cmds.push(cmd);
        if cmds.len() >= batch {
            progress.store(offset, Ordering::Relaxed);
            let full = std::mem::replace(cmds, Vec::with_capacity(batch));
            open = send(node.clone(), full);
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
    if open {
        for (node, cmds) in pending {
            if !cmds.is_empty() && !send(node, cmds) {
                break;
            }
        }
    }
    Ok(check)
}

/// How to load.
#[derive(Debug, Clone)]
pub struct Plan {
    pub format: Format,
    pub writer: Writer,
    /// Lines per pipeline.
    pub batch: usize,
    /// Pipelines in flight.
    pub in_flight: usize,
    /// The input was validated first (an invalid line now means it changed).
    pub validated: bool,
    /// `--max-latency`: a neighbour's latency to hold while writing.
    pub budget: Option<std::time::Duration>,
}

/// What a load did.
#[derive(Debug)]
pub struct Loaded {
    pub tally: Tally,
    /// What the write pass read (its invalid lines were not written).
    pub seen: Check,
    /// Why the run failed or stopped early (Ctrl-C, a refused write, the
    /// input changed, a primary down), if it did.
    pub failure: Option<anyhow::Error>,
}

/// Write the `size` bytes of `file` (already validated unless the plan skips
/// invalid lines). `on_progress(bytes read, tally so far)` runs as chunks
/// complete; `source` names the input in errors.
pub async fn load(
    redis: &Arc<Redis>,
    mut file: File,
    size: u64,
    plan: Plan,
    source: &str,
    interrupt: &Interrupt,
    mut on_progress: impl FnMut(u64, &Tally),
) -> anyhow::Result<Loaded> {
    file.rewind()?;
    let (tx, rx) = mpsc::channel(plan.in_flight * 2);
    let progress = Arc::new(AtomicU64::new(0));
    let feeder = {
        let (progress, redis) = (progress.clone(), redis.clone());
        let Plan {
            format,
            writer,
            batch,
            validated,
            ..
        } = plan.clone();
        tokio::task::spawn_blocking(move || {
            let route = |slot| redis.node_for_slot(slot);
            feed(
                file, size, format, writer, batch, validated, route, tx, &progress,
            )
        })
    };
    let flow = Flow {
        batch: plan.batch,
        in_flight: plan.in_flight,
        rate: None,
        max_latency: None,
        limit: None,
        neighbour: Neighbour::for_budget(redis, plan.budget).await,
    };
    let mut tally = Tally::default();
    let drive = drive(
        rx,
        &flow,
        interrupt,
        |_| {},
        |_, _| {},
        |_node: Arc<Node>, cmds| send(redis, cmds),
        |_, (t, error): (Tally, Option<anyhow::Error>)| {
            // Every accepted write counts, also in a chunk that failed.
            tally += t;
            on_progress(progress.load(Ordering::Relaxed), &tally);
            error.map_or(Ok(t.written + t.skipped), Err)
        },
    )
    .await;
    // The engine has dropped its receiver: a reader still sending stops.
    let mut failure = drive.stop.into_failure();
    let seen = match feeder.await {
        Ok(Ok(seen)) => seen,
        Ok(Err(e)) => {
            failure.get_or_insert(anyhow::Error::new(e).context(format!("reading {source}")));
            Check::default()
        }
        Err(e) => {
            failure.get_or_insert(anyhow::anyhow!("reader failed: {e}"));
            Check::default()
        }
    };
    if let (true, Some(e)) = (plan.validated, seen.errors.first()) {
        failure.get_or_insert(usage(format!(
            "{source} changed while it was loaded: line {} is now invalid ({}); the lines before it may have been written",
            e.line, e.reason
        )));
    }
    if tally.unreachable > 0 {
        failure.get_or_insert(unreachable_failure(&redis.unreachable()).into());
    }
    Ok(Loaded {
        tally,
        seen,
        failure,
    })
}

/// What the writes did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub written: u64,
    /// Keys that existed and were kept (SET NX).
    pub skipped: u64,
    /// Writes sent whose replies never came: the server may have applied them.
    pub unconfirmed: u64,
    /// Lines for a primary that is down: not sent.
    pub unreachable: u64,
}

impl std::ops::AddAssign for Tally {
    fn add_assign(&mut self, o: Tally) {
        self.written += o.written;
        self.skipped += o.skipped;
        self.unconfirmed += o.unconfirmed;
        self.unreachable += o.unreachable;
    }
}

/// Send one batch. The tally counts every write the server accepted, also
/// when others in the batch were refused (OOM at maxmemory): the error comes
/// with it, not instead of it.
async fn send(redis: &Redis, cmds: Vec<Routed>) -> anyhow::Result<(Tally, Option<anyhow::Error>)> {
    let mut t = Tally::default();
    let sent = cmds.len() as u64;
    let tracked = match redis.batch(cmds, Idempotent::Yes).await {
        Ok(r) => r,
        Err(e) => {
            t.unconfirmed = sent;
            return Ok((t, Some(e)));
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
        match ours_already(redis, cmd).await {
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
    Ok((t, error))
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::io::Write;

    use crate::core::bulk::testing::Fake;

    /// `text` in a file, and a writer with no namespace, TTL or NX.
    fn input(text: &str) -> (std::fs::File, Writer) {
        let mut file = tempfile::tempfile().expect("tempfile");
        file.write_all(text.as_bytes()).expect("write");
        file.rewind().expect("rewind");
        let w = Writer {
            ns: Namespace::new(None),
            default_ttl: None,
            jitter: None,
            nx: false,
        };
        (file, w)
    }

    fn one_node(_slot: u16) -> Fake {
        Fake("only")
    }

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
        let (file, w) = input(text);
        let (tx, mut rx) = mpsc::channel(16);
        let size = text.len() as u64;
        let progress = AtomicU64::new(0);
        let check = feed(
            file,
            size,
            Format::Jsonl,
            w,
            1,
            validated,
            one_node,
            tx,
            &progress,
        )
        .expect("feed");
        let mut sent = 0;
        while let Ok(Ok(b)) = rx.try_recv() {
            sent += b.items.len();
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
        let text = "{\"key\":\"a\",\"value\":\"1\"}\n";
        let (file, w) = input(text);
        let (tx, _rx) = mpsc::channel(16);
        let progress = AtomicU64::new(0);
        // Validated at 100 bytes more than the file now holds.
        let size = text.len() as u64 + 100;
        match feed(
            file,
            size,
            Format::Jsonl,
            w,
            1,
            true,
            one_node,
            tx,
            &progress,
        ) {
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
    fn records_are_grouped_per_node_into_chunks_of_at_most_a_batch() {
        let text: String = (0..50)
            .map(|i| format!("{{\"key\":\"k{i}\",\"value\":\"v\"}}\n"))
            .collect();
        let (file, w) = input(&text);
        // Two "nodes", by slot parity.
        let route = |slot: u16| {
            Fake(if slot.is_multiple_of(2) {
                "even"
            } else {
                "odd"
            })
        };
        let (tx, mut rx) = mpsc::channel(64);
        let progress = AtomicU64::new(0);
        let size = text.len() as u64;
        let check =
            feed(file, size, Format::Jsonl, w, 8, true, route, tx, &progress).expect("feed");
        assert_eq!((check.read, check.invalid), (50, 0));
        let mut per_node: HashMap<&str, usize> = HashMap::new();
        while let Ok(Ok(b)) = rx.try_recv() {
            assert!(!b.items.is_empty() && b.items.len() <= 8);
            let want = b.node.0 == "even";
            assert!(
                b.items.iter().all(|c| c.slot.is_multiple_of(2) == want),
                "a chunk holds one node's commands"
            );
            *per_node.entry(b.node.0).or_default() += b.items.len();
        }
        let evens = (0..50)
            .filter(|i| crate::core::conn::slot_of(format!("k{i}").as_bytes()).is_multiple_of(2))
            .count();
        assert_eq!(per_node.get("even").copied().unwrap_or(0), evens);
        assert_eq!(
            per_node.values().sum::<usize>(),
            50,
            "every record sent once"
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
