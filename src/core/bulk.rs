//! The bulk driver: takes key batches from a stream (SCAN, SSCAN…), cuts them into
//! chunks, and runs an operation on each chunk with several chunks in flight,
//! an optional ops/s cap, an adaptive slow-down when the server's reply time
//! rises, a limit, and Ctrl-C handling that lets in-flight chunks finish.
//!
//! It also tracks, per node, the last cursor whose keys are all done, so a
//! checkpoint never claims work that has not happened. It knows nothing of what
//! the operation does.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::stream::{FuturesUnordered, StreamExt};
use tokio::sync::mpsc;

use super::conn::Node;
use super::interrupt::Interrupt;
use super::pipeline::RateCap;
use super::scan::KeyBatch;

/// How hard to push.
#[derive(Debug, Clone)]
pub struct Flow {
    /// Keys per chunk (one pipeline round trip).
    pub batch: usize,
    /// Chunks in flight at once.
    pub in_flight: usize,
    /// Keys per second, at most.
    pub rate: Option<u64>,
    /// Slow down when a chunk's round trip exceeds this.
    pub max_latency: Option<Duration>,
    /// Stop after this many keys were handed to the operation.
    pub limit: Option<u64>,
}

/// Per-node tallies.
#[derive(Debug, Default, Clone)]
pub struct NodeTally {
    pub matched: u64,
    pub done: u64,
    /// Last cursor all of whose keys are handled; `finished` once the node wrapped.
    pub cursor: u64,
    pub finished: bool,
}

/// Why the drive stopped.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum Stop {
    Finished,
    Limit,
    Interrupted,
    Failed,
}

#[derive(Debug)]
pub struct Drive {
    pub nodes: BTreeMap<String, NodeTally>,
    pub stop: Stop,
    pub error: Option<anyhow::Error>,
}

impl Drive {
    pub fn matched(&self) -> u64 {
        self.nodes.values().map(|n| n.matched).sum()
    }
    pub fn done(&self) -> u64 {
        self.nodes.values().map(|n| n.done).sum()
    }

    /// The error that decides the exit code: Ctrl-C (130) or what failed.
    pub fn failure(&mut self) -> Option<anyhow::Error> {
        match self.stop {
            Stop::Interrupted => Some(crate::error::CliError::Interrupted.into()),
            Stop::Failed => self.error.take(),
            Stop::Finished | Stop::Limit => None,
        }
    }
}

/// Orders completions per node so the committed cursor only moves past a batch
/// once every chunk of it, and of every batch before it, is done.
#[derive(Default)]
struct CursorBook {
    next_seq: u64,
    committed_seq: u64,
    /// seq → (chunks outstanding, cursor after that batch, if it completes one)
    open: BTreeMap<u64, (usize, Option<u64>)>,
}

impl CursorBook {
    fn open(&mut self, chunks: usize, cursor: Option<u64>) -> u64 {
        self.next_seq += 1;
        let seq = self.next_seq;
        self.open.insert(seq, (chunks, cursor));
        seq
    }

    /// A chunk of batch `seq` finished; returns the newly committed cursor, if any.
    fn close(&mut self, seq: u64) -> Option<u64> {
        if let Some(entry) = self.open.get_mut(&seq) {
            entry.0 = entry.0.saturating_sub(1);
        }
        let mut committed = None;
        while let Some((&first, &(left, cursor))) = self.open.iter().next() {
            if left > 0 || first != self.committed_seq + 1 {
                break;
            }
            self.open.remove(&first);
            self.committed_seq = first;
            committed = cursor.or(committed);
        }
        committed
    }
}

/// Adaptive pacing for `--max-latency`: halve the chunks in flight and add a
/// growing pause while replies are slow; recover gradually when they are fast.
struct Governor {
    max_latency: Option<Duration>,
    pause: Duration,
    allowed: usize,
    ceiling: usize,
}

impl Governor {
    fn new(max_latency: Option<Duration>, ceiling: usize) -> Self {
        Governor {
            max_latency,
            pause: Duration::ZERO,
            allowed: ceiling,
            ceiling,
        }
    }

    fn observe(&mut self, took: Duration) {
        let Some(max) = self.max_latency else { return };
        if took > max {
            self.allowed = (self.allowed / 2).max(1);
            self.pause = (self.pause * 2)
                .max(Duration::from_millis(5))
                .min(Duration::from_secs(1));
        } else {
            self.pause /= 2;
            if self.pause < Duration::from_millis(1) {
                self.pause = Duration::ZERO;
                self.allowed = (self.allowed + 1).min(self.ceiling);
            }
        }
    }
}

/// A chunk waiting to start: node address, its batch's sequence number, the
/// node, and the keys.
type Queued = (String, u64, Arc<Node>, Vec<Vec<u8>>);

/// Chunks waiting for room in flight, at most this many per allowed slot: a
/// bounded queue keeps memory flat while the scanner stays ahead.
const QUEUE_PER_SLOT: usize = 4;

/// Run `op` over every key the stream yields. `on_progress(per-node tallies)` is
/// called as chunks complete; `on_commit(node, tally)` when a node's committed
/// cursor moves (for checkpoints).
///
/// Chunks start one at a time, only when there is room in flight and the rate
/// cap allows, so `--in-flight`, `--rate` and `--max-latency` hold per chunk, and
/// Ctrl-C is noticed between any two of them.
pub async fn drive<F, Fut>(
    mut rx: mpsc::Receiver<anyhow::Result<KeyBatch>>,
    flow: &Flow,
    interrupt: &Interrupt,
    mut on_progress: impl FnMut(&BTreeMap<String, NodeTally>),
    mut on_commit: impl FnMut(&str, &NodeTally),
    op: F,
) -> Drive
where
    F: Fn(Arc<Node>, Vec<Vec<u8>>) -> Fut,
    Fut: Future<Output = anyhow::Result<u64>>,
{
    let mut rate = RateCap::new(flow.rate);
    let chunk_size = rate.batch_limit(flow.batch.max(1));
    let mut governor = Governor::new(flow.max_latency, flow.in_flight.max(1));
    let mut nodes: BTreeMap<String, NodeTally> = BTreeMap::new();
    let mut books: HashMap<String, CursorBook> = HashMap::new();
    let mut queue: VecDeque<Queued> = VecDeque::new();
    let mut inflight = FuturesUnordered::new();
    let mut handed: u64 = 0;
    let mut scanning = true;
    let mut stop = Stop::Finished;
    let mut error = None;
    let mut stopping = false;
    // One place that turns a queued chunk into a running future (one type for
    // every chunk, so they share one FuturesUnordered).
    let start = |(addr, seq, node, keys): Queued, rate: &mut RateCap| {
        rate.take(keys.len());
        let fut = op(node, keys);
        async move {
            let t0 = Instant::now();
            let res = fut.await;
            ((addr, seq), t0.elapsed(), res)
        }
    };

    loop {
        if inflight.is_empty() && (stopping || (!scanning && queue.is_empty())) {
            break;
        }
        let can_start = !stopping && !queue.is_empty() && inflight.len() < governor.allowed;
        let wait = match queue.front() {
            Some(_) if can_start => rate.delay() + governor.pause,
            _ => Duration::ZERO,
        };
        // Nothing to wait for: start now. (A zero-length timer would still cost a
        // tick of the timer wheel, about a millisecond, per chunk.)
        if can_start && wait.is_zero() && !interrupt.is_set() {
            if let Some(item) = queue.pop_front() {
                inflight.push(start(item, &mut rate));
            }
            continue;
        }
        let want_more = scanning && !stopping && queue.len() < QUEUE_PER_SLOT * governor.allowed;
        tokio::select! {
            biased;
            _ = interrupt.wait(), if !stopping => {
                stopping = true;
                stop = Stop::Interrupted;
            }
            Some(((addr, seq), took, res)) = inflight.next(), if !inflight.is_empty() => {
                let (addr, seq, took): (String, u64, Duration) = (addr, seq, took);
                let res: anyhow::Result<u64> = res;
                governor.observe(took);
                match res {
                    Ok(done) => nodes.entry(addr.clone()).or_default().done += done,
                    Err(e) => {
                        error.get_or_insert(e);
                        stopping = true;
                        stop = Stop::Failed;
                        continue;
                    }
                }
                on_progress(&nodes);
                if let Some(cursor) = books.get_mut(&addr).and_then(|b| b.close(seq)) {
                    if let Some(t) = nodes.get_mut(&addr) {
                        t.cursor = cursor;
                        t.finished = cursor == 0;
                        on_commit(&addr, t);
                    }
                }
            }
            _ = tokio::time::sleep(wait), if can_start => {
                if let Some(item) = queue.pop_front() {
                    inflight.push(start(item, &mut rate));
                }
            }
            msg = rx.recv(), if want_more => {
                let batch = match msg {
                    None => { scanning = false; continue; }
                    Some(Err(e)) => {
                        // A scanner failed: take no more keys, but finish the
                        // chunks already found (other nodes' work is not lost).
                        error.get_or_insert(e);
                        scanning = false;
                        stop = Stop::Failed;
                        continue;
                    }
                    Some(Ok(b)) => b,
                };
                let addr = batch.node.addr.clone();
                let mut keys = batch.keys;
                let mut cursor = batch.cursor;
                if let Some(limit) = flow.limit {
                    let left = limit.saturating_sub(handed);
                    if (keys.len() as u64) >= left {
                        if (keys.len() as u64) > left {
                            // Keys were dropped: this batch must not complete its cursor.
                            cursor = None;
                        }
                        keys.truncate(left as usize);
                        scanning = false;
                        stop = Stop::Limit;
                    }
                }
                handed += keys.len() as u64;
                nodes.entry(addr.clone()).or_default().matched += keys.len() as u64;
                let chunks = keys.len().div_ceil(chunk_size);
                let book = books.entry(addr.clone()).or_default();
                // A batch with no keys still moves the cursor: close it at once.
                let seq = book.open(chunks.max(1), cursor);
                if chunks == 0 {
                    if let Some(c) = book.close(seq) {
                        let t = nodes.entry(addr.clone()).or_default();
                        t.cursor = c;
                        t.finished = c == 0;
                        on_commit(&addr, t);
                    }
                    continue;
                }
                let mut it = keys.into_iter().peekable();
                while it.peek().is_some() {
                    let chunk: Vec<Vec<u8>> = it.by_ref().take(chunk_size).collect();
                    queue.push_back((addr.clone(), seq, batch.node.clone(), chunk));
                }
            }
        }
    }
    // What is still queued was found but not handed to `op`.
    for (addr, _, _, keys) in queue {
        if let Some(t) = nodes.get_mut(&addr) {
            t.matched -= keys.len() as u64;
        }
    }
    Drive { nodes, stop, error }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_book_commits_in_order() {
        let mut b = CursorBook::default();
        let s1 = b.open(2, Some(100));
        let s2 = b.open(1, Some(200));
        assert_eq!(
            b.close(s2),
            None,
            "batch 2 done before batch 1: nothing committed"
        );
        assert_eq!(b.close(s1), None, "batch 1 has another chunk");
        assert_eq!(
            b.close(s1),
            Some(200),
            "both batches done: cursor after batch 2"
        );
        let s3 = b.open(1, None);
        assert_eq!(
            b.close(s3),
            None,
            "a batch without a cursor commits nothing"
        );
        let s4 = b.open(1, Some(0));
        assert_eq!(b.close(s4), Some(0));
    }

    #[test]
    fn governor_backs_off_and_recovers() {
        let mut g = Governor::new(Some(Duration::from_millis(10)), 8);
        g.observe(Duration::from_millis(50));
        assert_eq!(g.allowed, 4);
        assert!(g.pause >= Duration::from_millis(5));
        for _ in 0..20 {
            g.observe(Duration::from_millis(1));
        }
        assert_eq!(g.pause, Duration::ZERO);
        assert_eq!(g.allowed, 8);
        let mut off = Governor::new(None, 4);
        off.observe(Duration::from_secs(5));
        assert_eq!(off.allowed, 4);
    }
}
