//! The bulk engine: takes batches of items (keys from SCAN, SSCAN…, records
//! from a file) from a stream, cuts them into chunks, and runs an operation on
//! each chunk with several chunks in flight, an optional ops/s cap, an adaptive
//! slow-down when the server's reply time rises, a limit, and Ctrl-C handling
//! that lets in-flight chunks finish.
//!
//! What a chunk produced goes to a fold that runs on the driver's own task, one
//! chunk at a time, so callers accumulate in plain locals (no shared state).
//!
//! It also tracks, per node, the last cursor whose items are all done, so a
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
use super::pace::Pacer;
use super::pipeline::RateCap;
use super::probe::Neighbour;
use super::scan::KeyBatch;

/// How hard to push.
#[derive(Debug, Clone, Default)]
pub struct Flow {
    /// Items per chunk (one pipeline round trip).
    pub batch: usize,
    /// Chunks in flight at once.
    pub in_flight: usize,
    /// Items per second, at most.
    pub rate: Option<u64>,
    /// Slow down when a chunk's round trip exceeds this.
    pub max_latency: Option<Duration>,
    /// Stop after this many items were handed to the operation.
    pub limit: Option<u64>,
    /// `--max-latency` measured as a neighbour sees it: the probe whose round
    /// trips steer rate and chunk size (then `max_latency` is not used).
    pub neighbour: Option<Arc<Neighbour>>,
}

/// Per-node tallies.
#[derive(Debug, Default, Clone)]
pub struct NodeTally {
    /// Items handed to the operation.
    pub matched: u64,
    /// What the fold counted as done.
    pub done: u64,
    /// Last cursor all of whose items are handled; `finished` once the node wrapped.
    pub cursor: u64,
    pub finished: bool,
}

/// Why the drive stopped.
#[derive(Debug)]
pub enum Stop {
    Finished,
    Limit,
    Interrupted,
    /// The first error of the stream, an operation or the fold.
    Failed(anyhow::Error),
}

impl Stop {
    /// The error that decides the exit code: Ctrl-C (130) or what failed.
    pub fn into_failure(self) -> Option<anyhow::Error> {
        match self {
            Stop::Interrupted => Some(crate::error::CliError::Interrupted.into()),
            Stop::Failed(e) => Some(e),
            Stop::Finished | Stop::Limit => None,
        }
    }

    /// Record a failure; the first one is what the run reports.
    fn fail(&mut self, e: anyhow::Error) {
        if !matches!(self, Stop::Failed(_)) {
            *self = Stop::Failed(e);
        }
    }
}

#[derive(Debug)]
pub struct Drive {
    pub nodes: BTreeMap<String, NodeTally>,
    pub stop: Stop,
}

// Used by callers once they leave `compat`.
#[cfg_attr(not(test), allow(dead_code))]
impl Drive {
    pub fn matched(&self) -> u64 {
        self.nodes.values().map(|n| n.matched).sum()
    }
    pub fn done(&self) -> u64 {
        self.nodes.values().map(|n| n.done).sum()
    }
}

/// Where a batch's items live: the engine needs only its address.
pub trait Place: Clone {
    fn addr(&self) -> &str;
}

impl Place for Arc<Node> {
    fn addr(&self) -> &str {
        &self.addr
    }
}

/// A batch of items for one node. `cursor`: where to resume this node once
/// these items (and every batch before) are handled, 0 when the node is
/// finished, `None` when this batch alone does not complete a cursor.
#[derive(Debug)]
pub struct Batch<N, I> {
    pub node: N,
    pub items: Vec<I>,
    pub cursor: Option<u64>,
}

/// What the engine can take from its stream.
pub trait IntoBatch {
    type Node: Place;
    type Item;
    fn into_batch(self) -> Batch<Self::Node, Self::Item>;
}

impl<N: Place, I> IntoBatch for Batch<N, I> {
    type Node = N;
    type Item = I;
    fn into_batch(self) -> Self {
        self
    }
}

impl IntoBatch for KeyBatch {
    type Node = Arc<Node>;
    type Item = Vec<u8>;
    fn into_batch(self) -> Batch<Arc<Node>, Vec<u8>> {
        Batch {
            node: self.node,
            items: self.keys,
            cursor: self.cursor,
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

/// The next probe sample, or never when there is no probe.
async fn next_sample(samples: &mut Option<mpsc::Receiver<Duration>>) -> Option<Duration> {
    match samples {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

/// A chunk waiting to start: its batch's sequence number, the node, the items.
type Queued<N, I> = (u64, N, Vec<I>);

/// Chunks waiting for room in flight, at most this many per allowed slot: a
/// bounded queue keeps memory flat while the scanner stays ahead.
const QUEUE_PER_SLOT: usize = 4;

/// Run `op` over every item the stream yields, and `fold(node, value)` on what
/// each chunk returned; the fold says how many items it counts as done (or
/// fails the drive, as a failed `op` does). `on_progress(per-node tallies)` is
/// called after each fold; `on_commit(node, tally)` when a node's committed
/// cursor moves (for checkpoints).
///
/// Chunks start one at a time, only when there is room in flight and the rate
/// cap allows, so `--in-flight`, `--rate` and `--max-latency` hold per chunk, and
/// Ctrl-C is noticed between any two of them. After a failure or Ctrl-C no new
/// chunk starts; the chunks in flight finish and are folded.
pub async fn drive<B, T, F, Fut>(
    mut rx: mpsc::Receiver<anyhow::Result<B>>,
    flow: &Flow,
    interrupt: &Interrupt,
    mut on_progress: impl FnMut(&BTreeMap<String, NodeTally>),
    mut on_commit: impl FnMut(&str, &NodeTally),
    op: F,
    mut fold: impl FnMut(&str, T) -> anyhow::Result<u64>,
) -> Drive
where
    B: IntoBatch,
    F: Fn(B::Node, Vec<B::Item>) -> Fut,
    Fut: Future<Output = anyhow::Result<T>>,
{
    let mut rate = RateCap::new(flow.rate);
    let mut chunk_size = rate.batch_limit(flow.batch.max(1));
    // With a neighbour probe, its round trips steer the pace; without one,
    // the governor reacts to our own round trips.
    let mut pacer = flow
        .neighbour
        .as_ref()
        .map(|n| Pacer::new(n.budget, flow.batch.max(1), flow.in_flight, flow.rate));
    let mut samples = flow.neighbour.as_ref().and_then(|n| n.take_samples());
    let own_latency = flow.max_latency.filter(|_| pacer.is_none());
    let mut governor = Governor::new(own_latency, flow.in_flight.max(1));
    if let Some(p) = &pacer {
        p.apply(&mut rate, &mut chunk_size, &mut governor.allowed);
    }
    let mut nodes: BTreeMap<String, NodeTally> = BTreeMap::new();
    let mut books: HashMap<String, CursorBook> = HashMap::new();
    let mut queue: VecDeque<Queued<B::Node, B::Item>> = VecDeque::new();
    let mut inflight = FuturesUnordered::new();
    let mut handed: u64 = 0;
    let mut scanning = true;
    let mut stop = Stop::Finished;
    let mut stopping = false;
    // One place that turns a queued chunk into a running future (one type for
    // every chunk, so they share one FuturesUnordered).
    let start = |(seq, node, items): Queued<B::Node, B::Item>, rate: &mut RateCap| {
        rate.take(items.len());
        let addr = node.addr().to_string();
        let fut = op(node, items);
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
                if !matches!(stop, Stop::Failed(_)) {
                    stop = Stop::Interrupted;
                }
            }
            Some(rtt) = next_sample(&mut samples), if samples.is_some() => {
                if let Some(p) = pacer.as_mut() {
                    if p.observe(rtt) {
                        p.apply(&mut rate, &mut chunk_size, &mut governor.allowed);
                        if let (Some(n), Some(seen)) = (&flow.neighbour, p.signal()) {
                            n.status.set(seen, p.chunk(), p.depth(), p.rate());
                        }
                    }
                }
            }
            Some(((addr, seq), took, res)) = inflight.next(), if !inflight.is_empty() => {
                let (addr, seq, took): (String, u64, Duration) = (addr, seq, took);
                let res: anyhow::Result<T> = res;
                governor.observe(took);
                match res.and_then(|value| fold(&addr, value)) {
                    Ok(done) => nodes.entry(addr.clone()).or_default().done += done,
                    Err(e) => {
                        // Its cursor is not committed: the chunk may be redone.
                        stop.fail(e);
                        stopping = true;
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
                        // A scanner failed: take no more items, but finish the
                        // chunks already found (other nodes' work is not lost).
                        stop.fail(e);
                        scanning = false;
                        continue;
                    }
                    Some(Ok(b)) => b.into_batch(),
                };
                let addr = batch.node.addr().to_string();
                let mut items = batch.items;
                let mut cursor = batch.cursor;
                if let Some(limit) = flow.limit {
                    let left = limit.saturating_sub(handed);
                    if (items.len() as u64) >= left {
                        if (items.len() as u64) > left {
                            // Items were dropped: this batch must not complete its cursor.
                            cursor = None;
                        }
                        items.truncate(left as usize);
                        scanning = false;
                        if !matches!(stop, Stop::Failed(_)) {
                            stop = Stop::Limit;
                        }
                    }
                }
                handed += items.len() as u64;
                nodes.entry(addr.clone()).or_default().matched += items.len() as u64;
                let chunks = items.len().div_ceil(chunk_size);
                let book = books.entry(addr.clone()).or_default();
                // A batch with no items still moves the cursor: close it at once.
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
                let mut it = items.into_iter().peekable();
                while it.peek().is_some() {
                    let chunk: Vec<B::Item> = it.by_ref().take(chunk_size).collect();
                    queue.push_back((seq, batch.node.clone(), chunk));
                }
            }
        }
    }
    if let (Some(n), Some(rx)) = (&flow.neighbour, samples) {
        n.put_back(rx);
    }
    // What is still queued was found but not handed to `op`.
    for (_, node, items) in queue {
        if let Some(t) = nodes.get_mut(node.addr()) {
            t.matched -= items.len() as u64;
        }
    }
    Drive { nodes, stop }
}

/// The engine in the shape it had before folds: each chunk's operation returns
/// how many keys it did, and the drive ends with a `Copy` stop plus an
/// `error` field. Kept so callers can move to [`drive`] one at a time.
#[allow(dead_code)] // its last caller (stats) reads only part of it
pub mod compat {
    use super::*;
    pub use super::{Flow, NodeTally};

    /// Why the drive stopped (the error is in [`Drive::error`]).
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

    /// [`super::drive`] with `op` returning the keys it did and no fold.
    pub async fn drive_counting<F, Fut>(
        rx: mpsc::Receiver<anyhow::Result<KeyBatch>>,
        flow: &Flow,
        interrupt: &Interrupt,
        on_progress: impl FnMut(&BTreeMap<String, NodeTally>),
        on_commit: impl FnMut(&str, &NodeTally),
        op: F,
    ) -> Drive
    where
        F: Fn(Arc<Node>, Vec<Vec<u8>>) -> Fut,
        Fut: Future<Output = anyhow::Result<u64>>,
    {
        let d = super::drive(rx, flow, interrupt, on_progress, on_commit, op, |_, n| {
            Ok(n)
        })
        .await;
        let stop = match d.stop {
            super::Stop::Finished => Stop::Finished,
            super::Stop::Limit => Stop::Limit,
            super::Stop::Interrupted => Stop::Interrupted,
            super::Stop::Failed(_) => Stop::Failed,
        };
        let error = (stop == Stop::Failed)
            .then(|| d.stop.into_failure())
            .flatten();
        Drive {
            nodes: d.nodes,
            stop,
            error,
        }
    }
}

/// Test doubles for what drives on the engine.
#[cfg(test)]
pub mod testing {
    use super::Place;

    /// A node for tests: only its address matters to the engine.
    #[derive(Clone, Debug)]
    pub struct Fake(pub &'static str);

    impl Place for Fake {
        fn addr(&self) -> &str {
            self.0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::Fake;
    use super::*;

    use std::cell::{Cell, RefCell};

    fn flow(batch: usize, in_flight: usize, limit: Option<u64>) -> Flow {
        Flow {
            batch,
            in_flight,
            limit,
            ..Flow::default()
        }
    }

    /// A stream already holding `batches`, then closed.
    fn stream(
        batches: Vec<(&'static str, Vec<u32>, Option<u64>)>,
    ) -> mpsc::Receiver<anyhow::Result<Batch<Fake, u32>>> {
        let (tx, rx) = mpsc::channel(batches.len().max(1));
        for (node, items, cursor) in batches {
            let b = Batch {
                node: Fake(node),
                items,
                cursor,
            };
            tx.try_send(Ok(b)).expect("room for every batch");
        }
        rx
    }

    /// An operation whose chunk takes as many scheduler turns as its first
    /// item says, so tests choose the order in which chunks complete.
    async fn turns(items: Vec<u32>) -> anyhow::Result<Vec<u32>> {
        for _ in 0..items.first().copied().unwrap_or(0) {
            tokio::task::yield_now().await;
        }
        Ok(items)
    }

    #[tokio::test]
    async fn a_cursor_is_committed_only_after_every_earlier_chunk_was_folded() {
        // Node a: a batch of two slow chunks, then one fast chunk ending the
        // scan. The fast one completes first, but commits nothing on its own.
        let rx = stream(vec![
            ("a", vec![20, 30], Some(10)),
            ("a", vec![0], Some(0)),
            ("b", vec![0], Some(5)),
        ]);
        let folded = RefCell::new(Vec::new());
        let commits = RefCell::new(Vec::new());
        let d = drive(
            rx,
            &flow(1, 8, None),
            &Interrupt::default(),
            |_| {},
            |node, t| {
                let seen = folded.borrow().len();
                commits
                    .borrow_mut()
                    .push((node.to_string(), t.cursor, t.finished, seen));
            },
            |_, items| turns(items),
            |node, items| {
                folded.borrow_mut().push((node.to_string(), items[0]));
                Ok(1)
            },
        )
        .await;
        assert!(matches!(d.stop, Stop::Finished), "{:?}", d.stop);
        let order: Vec<u32> = folded.borrow().iter().map(|f| f.1).collect();
        assert_eq!(order, [0, 0, 20, 30], "folds come in completion order");
        let commits = commits.into_inner();
        assert_eq!(
            commits,
            [
                ("b".to_string(), 5, false, 2),
                ("a".to_string(), 0, true, 4),
            ],
            "a's fast last chunk waits for its slow earlier batch"
        );
        assert_eq!((d.nodes["a"].done, d.nodes["a"].matched), (3, 3));
        assert_eq!(d.done(), 4);
    }

    #[tokio::test]
    async fn the_limit_hands_over_exactly_that_many_items_and_keeps_the_cursor() {
        let rx = stream(vec![
            ("a", vec![1, 2, 3, 4, 5], Some(7)),
            ("a", vec![6], Some(0)),
        ]);
        let seen = RefCell::new(Vec::new());
        let commits = Cell::new(0);
        let d = drive(
            rx,
            &flow(2, 4, Some(3)),
            &Interrupt::default(),
            |_| {},
            |_, _| commits.set(commits.get() + 1),
            |_, items| async move { Ok(items) },
            |_, items: Vec<u32>| {
                seen.borrow_mut().extend(items.iter().copied());
                Ok(items.len() as u64)
            },
        )
        .await;
        assert!(matches!(d.stop, Stop::Limit), "{:?}", d.stop);
        let mut seen = seen.into_inner();
        seen.sort();
        assert_eq!(seen, [1, 2, 3]);
        assert_eq!((d.matched(), d.done()), (3, 3));
        assert_eq!(
            (commits.get(), d.nodes["a"].finished),
            (0, false),
            "a batch cut short must not move the cursor past the keys left out"
        );
        assert!(d.stop.into_failure().is_none());
    }

    #[tokio::test]
    async fn the_fold_sees_each_chunk_once_before_progress_reports_it() {
        let rx = stream(vec![("a", (1..=10).collect(), Some(0))]);
        let mut total = 0u64;
        let progress = RefCell::new(Vec::new());
        let d = drive(
            rx,
            &flow(3, 2, None),
            &Interrupt::default(),
            |nodes| progress.borrow_mut().push(nodes["a"].done),
            |_, _| {},
            |_, items| async move { Ok(items.iter().sum::<u32>()) },
            |_, sum: u32| {
                total += u64::from(sum);
                // Counts the chunk as done (chunks of 3, 3, 3 and 1).
                Ok(1)
            },
        )
        .await;
        assert!(matches!(d.stop, Stop::Finished));
        assert_eq!(total, 55, "every chunk's value reached the fold");
        assert_eq!(progress.into_inner(), [1, 2, 3, 4]);
        assert_eq!((d.matched(), d.done()), (10, 4));
    }

    #[tokio::test]
    async fn a_failure_starts_no_new_chunk_but_folds_the_ones_in_flight() {
        // Chunks of one item; the first fails at once, the second is in flight
        // and slow; the rest wait in the queue.
        let rx = stream(vec![("a", vec![0, 50, 1, 2, 3], Some(0))]);
        let started = Cell::new(0);
        let folded = RefCell::new(Vec::new());
        let d = drive(
            rx,
            &flow(1, 2, None),
            &Interrupt::default(),
            |_| {},
            |_, _| panic!("no cursor can commit: a chunk of the batch failed"),
            |_, items: Vec<u32>| {
                started.set(started.get() + 1);
                async move {
                    if items[0] == 0 {
                        anyhow::bail!("chunk 0 failed");
                    }
                    turns(items).await
                }
            },
            |_, items| {
                folded.borrow_mut().push(items[0]);
                Ok(1)
            },
        )
        .await;
        assert_eq!(started.get(), 2, "nothing started after the failure");
        assert_eq!(folded.into_inner(), [50], "the chunk in flight finished");
        assert_eq!(
            (d.matched(), d.done()),
            (2, 1),
            "queued items are not matched"
        );
        match d.stop {
            Stop::Failed(e) => assert_eq!(e.to_string(), "chunk 0 failed"),
            other => panic!("stopped as {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_failing_fold_stops_the_drive_with_its_error() {
        let rx = stream(vec![("a", vec![1, 2, 3, 4], Some(0))]);
        let folds = Cell::new(0);
        let d = drive(
            rx,
            &flow(1, 1, None),
            &Interrupt::default(),
            |_| {},
            |_, _| {},
            |_, items| async move { Ok(items[0]) },
            |_, n: u32| {
                folds.set(folds.get() + 1);
                if n == 2 {
                    anyhow::bail!("refused {n}");
                }
                Ok(1)
            },
        )
        .await;
        assert_eq!(folds.get(), 2);
        assert_eq!(d.done(), 1);
        let e = d.stop.into_failure().map(|e| e.to_string());
        assert_eq!(e.as_deref(), Some("refused 2"));
    }

    #[tokio::test]
    async fn ctrl_c_lets_the_chunk_in_flight_finish_and_starts_no_other() {
        let rx = stream(vec![("a", vec![5, 1, 1, 1], Some(0))]);
        let interrupt = Interrupt::default();
        let started = Cell::new(0);
        let d = drive(
            rx,
            &flow(1, 1, None),
            &interrupt,
            |_| {},
            |_, _| {},
            |_, items: Vec<u32>| {
                started.set(started.get() + 1);
                interrupt.trigger();
                turns(items)
            },
            |_, _| Ok(1),
        )
        .await;
        assert_eq!((started.get(), d.done()), (1, 1));
        assert!(matches!(d.stop, Stop::Interrupted), "{:?}", d.stop);
    }

    #[tokio::test]
    async fn the_counting_shape_reports_a_failure_in_its_error_field() {
        // No server: a KeyBatch needs a node, so the stream fails before any.
        let (tx, rx) = mpsc::channel(1);
        tx.try_send(Err(anyhow::anyhow!("scan failed")))
            .expect("room");
        drop(tx);
        let mut d = compat::drive_counting(
            rx,
            &flow(10, 1, None),
            &Interrupt::default(),
            |_| {},
            |_, _| {},
            |_, keys| async move { Ok(keys.len() as u64) },
        )
        .await;
        assert_eq!(d.stop, compat::Stop::Failed);
        assert_eq!(
            d.failure().map(|e| e.to_string()).as_deref(),
            Some("scan failed")
        );
    }

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
