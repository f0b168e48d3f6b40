//! Key streams: SCAN (MATCH / COUNT / TYPE) over every primary concurrently,
//! yielding batches of binary-safe keys through a bounded channel.
//!
//! The channel bound is what keeps memory flat: a slow consumer stops the
//! scanners. Nothing here deletes or changes keys.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use redis::Cmd;
use tokio::sync::mpsc;

use super::conn::{slot_of, unreachable_failure, Idempotent, Node, Redis};

/// What to scan for.
#[derive(Debug, Clone)]
pub struct ScanOpts {
    /// Glob pattern as Redis sees it (namespace already applied).
    pub pattern: Vec<u8>,
    /// SCAN COUNT hint.
    pub count: u32,
    /// Only keys of this type (SCAN TYPE).
    pub key_type: Option<String>,
}

/// Keys found on one node, and the cursor after them.
#[derive(Debug)]
pub struct KeyBatch {
    pub node: Arc<Node>,
    pub keys: Vec<Vec<u8>>,
    /// Cursor to resume this node from once these keys (and every batch before)
    /// are handled; 0 when the node is finished; `None` when this batch alone
    /// does not complete a cursor (keys held back for slot grouping remain).
    pub cursor: Option<u64>,
}

/// Regroups a cluster node's keys by hash slot. A cluster only takes multi-key
/// commands within one slot, and one SCAN page spreads over hundreds of slots,
/// so without this a delete would cost one command per key.
#[derive(Default)]
struct SlotGrouper {
    buckets: HashMap<u16, Vec<Vec<u8>>>,
    held: usize,
    ready: Vec<Vec<u8>>,
}

/// Keys in one slot that make its bucket ready to go.
const SLOT_FULL: usize = 64;
/// Ready keys sent together.
const EMIT: usize = 2000;
/// Keys held back at most; then everything goes (memory stays flat).
const HOLD_CAP: usize = 16_384;

impl SlotGrouper {
    fn add(&mut self, keys: Vec<Vec<u8>>) {
        for k in keys {
            let bucket = self.buckets.entry(slot_of(&k)).or_default();
            bucket.push(k);
            self.held += 1;
            if bucket.len() >= SLOT_FULL {
                self.held -= bucket.len();
                self.ready.append(bucket);
            }
        }
    }

    fn take_ready(&mut self) -> Option<Vec<Vec<u8>>> {
        (self.ready.len() >= EMIT).then(|| std::mem::take(&mut self.ready))
    }

    fn must_flush(&self) -> bool {
        self.held >= HOLD_CAP
    }

    /// Everything, ordered by slot so consecutive keys share commands.
    fn flush(&mut self) -> Vec<Vec<u8>> {
        let mut slots: Vec<(u16, Vec<Vec<u8>>)> = self.buckets.drain().collect();
        slots.sort_unstable_by_key(|(s, _)| *s);
        let mut out = std::mem::take(&mut self.ready);
        out.reserve(self.held);
        for (_, keys) in slots {
            out.extend(keys);
        }
        self.held = 0;
        out
    }
}

fn scan_cmd(cursor: u64, opts: &ScanOpts) -> Cmd {
    let mut cmd = redis::cmd("SCAN");
    cmd.arg(cursor)
        .arg("MATCH")
        .arg(&opts.pattern)
        .arg("COUNT")
        .arg(opts.count);
    if let Some(t) = &opts.key_type {
        cmd.arg("TYPE").arg(t);
    }
    cmd
}

/// Scan one node from `cursor` until it wraps to 0, sending every non-empty
/// batch (and the final one, so consumers learn that the node finished). On a
/// cluster, keys are regrouped by slot before they are sent.
pub async fn scan_node(
    redis: Arc<Redis>,
    node: Arc<Node>,
    opts: ScanOpts,
    mut cursor: u64,
    tx: mpsc::Sender<anyhow::Result<KeyBatch>>,
) {
    let mut grouper = redis.is_cluster().then(SlotGrouper::default);
    let send = |keys: Vec<Vec<u8>>, cursor: Option<u64>| {
        let batch = KeyBatch {
            node: node.clone(),
            keys,
            cursor,
        };
        let tx = tx.clone();
        async move { tx.send(Ok(batch)).await.is_ok() }
    };
    // A cursor only means something to the process that issued it: after a
    // reconnect to another process (restart, failover), start over from 0.
    let mut seen_gen = node.generation();
    let mut seen_id = run_id(&redis, &node).await.ok().flatten();
    let mut restarts = 0;
    loop {
        let reply: anyhow::Result<(u64, Vec<Vec<u8>>)> = redis
            .on_node(&node, &scan_cmd(cursor, &opts), Idempotent::Yes)
            .await;
        match reply {
            Ok((next, keys)) => {
                let mut restart = false;
                if node.generation() != seen_gen {
                    seen_gen = node.generation();
                    let now = run_id(&redis, &node).await.ok().flatten();
                    restart = process_change(seen_id.as_deref(), now.as_deref(), false).is_some();
                    seen_id = now;
                }
                if restart {
                    restarts += 1;
                    if restarts > MAX_SCAN_RESTARTS {
                        let _ = tx
                            .send(Err(crate::error::RedisFailure::Server {
                                node: node.addr.clone(),
                                msg: "kept reconnecting to a new server process while scanning: keys may remain"
                                    .into(),
                            }
                            .into()))
                            .await;
                        return;
                    }
                }
                cursor = if restart { 0 } else { next };
                // After a restart no batch completes a cursor until the new scan does.
                let done = cursor == 0 && !restart;
                let Some(g) = grouper.as_mut() else {
                    if keys.is_empty() && !done {
                        continue;
                    }
                    if !send(keys, (!restart).then_some(cursor)).await || done {
                        return;
                    }
                    continue;
                };
                g.add(keys);
                while let Some(ready) = g.take_ready() {
                    if !send(ready, None).await {
                        return;
                    }
                }
                if done || g.must_flush() {
                    // In pieces, so the channel never holds more than a few thousand keys
                    // per batch; only the last piece completes the cursor.
                    let mut all = g.flush();
                    while all.len() > EMIT {
                        let rest = all.split_off(EMIT);
                        if !send(std::mem::replace(&mut all, rest), None).await {
                            return;
                        }
                    }
                    if !send(all, (!restart).then_some(cursor)).await || done {
                        return;
                    }
                }
            }
            Err(e) if opts.key_type.is_some() && unknown_type(&e) => {
                // Valkey refuses a TYPE it has no module for, where Redis
                // answers nothing: either way no key of that type exists here.
                let _ = send(Vec::new(), Some(0)).await;
                return;
            }
            Err(e) => {
                let _ = tx
                    .send(Err(e.context(format!("scanning {}", node.addr))))
                    .await;
                return;
            }
        }
    }
}

/// Valkey's answer to `SCAN … TYPE` with a type it does not know.
fn unknown_type(e: &anyhow::Error) -> bool {
    e.chain()
        .any(|c| c.to_string().contains("unknown type name"))
}

/// Scans started over after the node's server process changed, at most.
const MAX_SCAN_RESTARTS: u32 = 20;

/// Start one scanner task per primary; batches arrive as they are found.
/// `resume` gives each node's start cursor by address (`None`: the node is
/// already finished and is skipped).
pub fn scan_all(
    redis: &Arc<Redis>,
    opts: &ScanOpts,
    resume: &dyn Fn(&str) -> Option<u64>,
    buffer: usize,
) -> mpsc::Receiver<anyhow::Result<KeyBatch>> {
    let (tx, rx) = mpsc::channel(buffer.max(1));
    let mut scanners = Vec::new();
    for node in redis.primaries() {
        if let Some(start) = resume(&node.addr) {
            scanners.push(tokio::spawn(scan_node(
                redis.clone(),
                node,
                opts.clone(),
                start,
                tx.clone(),
            )));
        }
    }
    // A primary that is down cannot be scanned: after every other node's keys,
    // its failure ends the stream, so the run does what it can and never
    // reports itself complete.
    let down: Vec<_> = redis
        .unreachable()
        .into_iter()
        .filter(|d| resume(&d.addr).is_some())
        .collect();
    if !down.is_empty() {
        tokio::spawn(async move {
            for s in scanners {
                let _ = s.await;
            }
            let _ = tx.send(Err(unreachable_failure(&down).into())).await;
        });
    }
    rx
}

/// How many keys match a pattern, estimated before a bulk run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Estimate {
    /// Matching keys (exact when `exact`).
    pub matches: u64,
    /// Keys on every primary (DBSIZE).
    pub total: u64,
    /// Every node was small enough to be counted in full.
    pub exact: bool,
}

/// A node with at most this many keys is counted in full (a few dozen SCAN calls).
const EXACT_UP_TO: u64 = 20_000;
/// SCAN pages sampled per larger node, at cursors spread over its table.
const SAMPLE_PAGES: u64 = 16;
/// Hash-table buckets examined per sampled page.
const SAMPLE_COUNT: u32 = 1000;

/// Where a cursor is in a node's scan, as a fraction of the whole (0 at the
/// start). SCAN walks its hash table in reverse-binary bucket order, so the
/// cursor's bits reversed are its position, whatever the table's size.
pub fn scan_position(cursor: u64) -> f64 {
    cursor.reverse_bits() as f64 / 2f64.powi(64)
}

/// The cursor that starts a scan at position `k / n` of the table (for any
/// table size: Redis keeps the cursor's low bits, which are the position's
/// high bits).
fn spread_cursor(k: u64, n: u64) -> u64 {
    let pos = ((k as u128) << 64) / n.max(1) as u128;
    (pos as u64).reverse_bits()
}

/// The share of a node's table one SCAN page examined, from its start cursor
/// to the cursor it returned (0: it ran to the end).
fn page_share(start: u64, next: u64) -> f64 {
    let end = if next == 0 { 1.0 } else { scan_position(next) };
    (end - scan_position(start)).max(0.0)
}

/// Matches on a whole node from sampled pages, each `(found, share)`: the
/// matches a page found and the share of the table it examined. Each page
/// stands for an equal stretch of the table (they start evenly spread), so
/// the estimate is the mean of the pages' own estimates. (Pooling them would
/// let pages that walked far through an emptied stretch outweigh the others.)
/// At most `size`.
fn from_pages(pages: &[(u64, f64)], size: u64) -> u64 {
    let own: Vec<f64> = pages
        .iter()
        .filter(|(_, share)| *share > 0.0)
        .map(|&(found, share)| found as f64 / share.min(1.0))
        .collect();
    if own.is_empty() {
        return 0;
    }
    ((own.iter().sum::<f64>() / own.len() as f64).round() as u64).min(size)
}

/// Estimate how many keys match: small nodes are counted in full; on larger
/// ones, [`SAMPLE_PAGES`] SCAN pages started at cursors spread over the table
/// are scaled by the share of the table they examined. Keys gone from one part
/// of the keyspace (a run that was stopped, a resumed checkpoint) do not skew
/// it as a first page would.
pub async fn estimate(redis: &Arc<Redis>, opts: &ScanOpts) -> anyhow::Result<Estimate> {
    let mut out = Estimate {
        exact: true,
        ..Estimate::default()
    };
    for node in redis.primaries() {
        let size: u64 = redis
            .on_node(&node, &redis::cmd("DBSIZE"), Idempotent::Yes)
            .await?;
        out.total += size;
        if size == 0 {
            continue;
        }
        if size <= EXACT_UP_TO {
            let probe = ScanOpts {
                count: opts.count.max(SAMPLE_COUNT),
                ..opts.clone()
            };
            let mut cursor = 0;
            loop {
                let (next, keys): (u64, Vec<Vec<u8>>) = redis
                    .on_node(&node, &scan_cmd(cursor, &probe), Idempotent::Yes)
                    .await?;
                out.matches += keys.len() as u64;
                if next == 0 {
                    break;
                }
                cursor = next;
            }
            continue;
        }
        out.exact = false;
        let probe = ScanOpts {
            count: SAMPLE_COUNT,
            ..opts.clone()
        };
        let mut pages = Vec::with_capacity(SAMPLE_PAGES as usize);
        for k in 0..SAMPLE_PAGES {
            let start = spread_cursor(k, SAMPLE_PAGES);
            let (next, keys): (u64, Vec<Vec<u8>>) = redis
                .on_node(&node, &scan_cmd(start, &probe), Idempotent::Yes)
                .await?;
            pages.push((keys.len() as u64, page_share(start, next)));
        }
        out.matches += from_pages(&pages, size);
    }
    Ok(out)
}

/// Which server process a node is. A SCAN cursor only means something to the
/// process that issued it (a new process hashes with a new seed), so a node
/// whose process changed must be scanned again from cursor 0.
#[derive(Debug, Clone)]
pub struct NodeId {
    node: Arc<Node>,
    generation: u64,
    /// INFO server `run_id`; `None` when the user may not run INFO.
    pub run_id: Option<String>,
}

/// How a node's process changed, or could not be shown unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changed {
    /// Another run id: the server restarted or failed over.
    Restarted,
    /// INFO is not allowed and the connection was re-established: the process
    /// may be another one.
    Unverified,
}

impl Changed {
    pub fn reason(&self) -> &'static str {
        match self {
            Changed::Restarted => "the server restarted or failed over (new run id)",
            Changed::Unverified => {
                "reconnected, and INFO is not allowed to tell whether the server restarted"
            }
        }
    }
}

fn is_noperm(e: &anyhow::Error) -> bool {
    matches!(
        e.downcast_ref::<crate::error::RedisFailure>(),
        Some(crate::error::RedisFailure::NoPerm { .. })
    )
}

/// The run id of a node's server process, `None` when INFO is not allowed.
pub async fn run_id(redis: &Redis, node: &Node) -> anyhow::Result<Option<String>> {
    let mut cmd = redis::cmd("INFO");
    cmd.arg("server");
    match redis.on_node::<String>(node, &cmd, Idempotent::Yes).await {
        Ok(text) => Ok(text
            .lines()
            .find_map(|l| l.trim().strip_prefix("run_id:"))
            .map(str::to_string)),
        Err(e) if is_noperm(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Every primary's identity now, by address.
pub async fn node_ids(redis: &Arc<Redis>) -> anyhow::Result<BTreeMap<String, NodeId>> {
    let mut out = BTreeMap::new();
    for node in redis.primaries() {
        // The generation first: a reconnect between the two makes the check fail safe.
        let generation = node.generation();
        let run_id = run_id(redis, &node).await?;
        out.insert(
            node.addr.clone(),
            NodeId {
                node,
                generation,
                run_id,
            },
        );
    }
    Ok(out)
}

/// Nodes (still primaries) whose process is not provably the one in `before`.
pub async fn changed_nodes(
    redis: &Arc<Redis>,
    before: &BTreeMap<String, NodeId>,
) -> anyhow::Result<Vec<(String, Changed, Option<String>)>> {
    let now = node_ids(redis).await?;
    let mut out = Vec::new();
    for (addr, id) in &now {
        let Some(old) = before.get(addr) else {
            continue;
        };
        if let Some(c) = compare(old, id) {
            out.push((addr.clone(), c, id.run_id.clone()));
        }
    }
    Ok(out)
}

fn compare(old: &NodeId, now: &NodeId) -> Option<Changed> {
    let same_connection = Arc::ptr_eq(&old.node, &now.node) && old.generation == now.generation;
    process_change(
        old.run_id.as_deref(),
        now.run_id.as_deref(),
        same_connection,
    )
}

/// The decision behind [`changed_nodes`].
fn process_change(old: Option<&str>, now: Option<&str>, same_connection: bool) -> Option<Changed> {
    match (old, now) {
        (Some(a), Some(b)) if a == b => None,
        (Some(_), Some(_)) => Some(Changed::Restarted),
        // Without run ids, only an unbroken connection proves the same process.
        _ if same_connection => None,
        _ => Some(Changed::Unverified),
    }
}

/// Member scans started over after the tag's server process changed, at most.
const MAX_MEMBER_RESTARTS: u32 = 20;

/// The kind of collection a tag key is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberKind {
    Set,
    Zset,
}

/// Stream the members of a set (SSCAN) or sorted set (ZSCAN, scores dropped)
/// in batches, without loading the collection whole.
pub fn scan_members(
    redis: &Arc<Redis>,
    key: Vec<u8>,
    kind: MemberKind,
    count: u32,
    buffer: usize,
) -> mpsc::Receiver<anyhow::Result<KeyBatch>> {
    let (tx, rx) = mpsc::channel(buffer.max(1));
    let redis = redis.clone();
    tokio::spawn(async move {
        let slot = super::conn::slot_of(&key);
        let mut node = redis.node_for_slot(slot);
        // A cursor only means something to the process that issued it: after a
        // reconnect to another process (restart, failover) start over.
        let mut seen_gen = node.generation();
        let mut seen_id = run_id(&redis, &node).await.ok().flatten();
        let mut restarts = 0;
        let mut cursor = 0u64;
        loop {
            let mut cmd = redis::cmd(match kind {
                MemberKind::Set => "SSCAN",
                MemberKind::Zset => "ZSCAN",
            });
            cmd.arg(&key).arg(cursor).arg("COUNT").arg(count);
            let reply: anyhow::Result<(u64, Vec<Vec<u8>>)> =
                redis.keyed(&key, &cmd, Idempotent::Yes).await;
            match reply {
                Ok((next, items)) => {
                    let mut restart = false;
                    // The tag moved to another node (failover): its set
                    // iterates in another order, so start over there.
                    let owner = redis.node_for_slot(slot);
                    if !Arc::ptr_eq(&owner, &node) {
                        node = owner;
                        seen_gen = node.generation();
                        seen_id = run_id(&redis, &node).await.ok().flatten();
                        restart = true;
                    }
                    if node.generation() != seen_gen {
                        seen_gen = node.generation();
                        let now = run_id(&redis, &node).await.ok().flatten();
                        restart = !matches!((&seen_id, &now), (Some(a), Some(b)) if a == b);
                        seen_id = now;
                    }
                    if restart {
                        restarts += 1;
                        if restarts > MAX_MEMBER_RESTARTS {
                            let _ = tx
                                .send(Err(crate::error::RedisFailure::Server {
                                    node: node.addr.clone(),
                                    msg: format!(
                                        "kept reconnecting while scanning the members of {}: some may remain",
                                        crate::keys::escape_bytes(&key)
                                    ),
                                }
                                .into()))
                                .await;
                            return;
                        }
                    }
                    cursor = if restart { 0 } else { next };
                    let members = match kind {
                        MemberKind::Set => items,
                        // ZSCAN answers member, score, member, score…
                        MemberKind::Zset => items.into_iter().step_by(2).collect(),
                    };
                    if members.is_empty() && (cursor != 0 || restart) {
                        continue;
                    }
                    let batch = KeyBatch {
                        node: node.clone(),
                        keys: members,
                        cursor: (!restart).then_some(cursor),
                    };
                    if tx.send(Ok(batch)).await.is_err() || (cursor == 0 && !restart) {
                        return;
                    }
                }
                Err(e) => {
                    let _ = tx.send(Err(e)).await;
                    return;
                }
            }
        }
    });
    rx
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouper_orders_by_slot_and_holds_a_bounded_number() {
        let mut g = SlotGrouper::default();
        let keys: Vec<Vec<u8>> = (0..5000)
            .map(|i| format!("{{s{}}}:{i}", i % 40).into_bytes())
            .collect();
        g.add(keys);
        // 40 slots x 125 keys: every bucket filled past SLOT_FULL at least once.
        let ready = g.take_ready().expect("ready keys");
        assert!(ready.len() >= EMIT);
        assert!(g.held < 40 * SLOT_FULL);
        let rest = g.flush();
        assert_eq!(ready.len() + rest.len(), 5000);
        assert_eq!(g.held, 0);
        let slots: Vec<u16> = rest.iter().map(|k| slot_of(k)).collect();
        assert!(
            slots.windows(2).all(|w| w[0] <= w[1]),
            "flushed keys come in slot order"
        );
    }

    #[test]
    fn a_process_change_is_a_new_run_id_or_an_unprovable_reconnect() {
        assert_eq!(process_change(Some("a"), Some("a"), false), None);
        assert_eq!(
            process_change(Some("a"), Some("b"), true),
            Some(Changed::Restarted)
        );
        assert_eq!(process_change(None, None, true), None);
        assert_eq!(process_change(None, None, false), Some(Changed::Unverified));
        assert_eq!(
            process_change(Some("a"), None, false),
            Some(Changed::Unverified)
        );
    }

    #[test]
    fn spread_cursors_start_at_even_positions() {
        assert_eq!(spread_cursor(0, 16), 0);
        for k in 0..16 {
            let pos = scan_position(spread_cursor(k, 16));
            assert!((pos - k as f64 / 16.0).abs() < 1e-12, "{k}: {pos}");
        }
        // Redis keeps the low bits of the cursor for a table of 2^b buckets:
        // those are the position's top bits, so the start is the same bucket
        // share whatever the table size.
        let half = spread_cursor(1, 2);
        assert_eq!(half, 1, "position 1/2 is bucket 1 of any table");
        assert_eq!(spread_cursor(1, 4), 2, "position 1/4: bucket 0b10");
        assert_eq!(spread_cursor(3, 4), 3, "position 3/4: bucket 0b11");
    }

    #[test]
    fn a_page_examines_the_share_between_its_cursors() {
        // Table of 8 buckets: position of bucket cursor c is rev3(c)/8.
        let c = |bucket_pos: u64| (bucket_pos << 61).reverse_bits();
        assert!((page_share(0, c(2)) - 0.25).abs() < 1e-12);
        assert!((page_share(c(4), c(6)) - 0.25).abs() < 1e-12);
        assert!((page_share(c(6), 0) - 0.25).abs() < 1e-12, "ran to the end");
        assert!((page_share(0, 0) - 1.0).abs() < 1e-12, "the whole table");
    }

    #[test]
    fn matches_are_the_mean_of_the_pages_estimates() {
        // 16 pages, each 1/256 of the table, found 80 matches each.
        let even = vec![(80, 1.0 / 256.0); 16];
        assert_eq!(from_pages(&even, 1_000_000), 20_480);
        // A stopped run emptied the first quarter: its 4 pages found nothing
        // but walked far (0.15 of the table each); the 12 others found 1,000
        // in 0.017 each. The stretch is a quarter of the estimate's weight,
        // not (as pooled counts would make it) three quarters.
        let mut stopped = vec![(0, 0.15); 4];
        stopped.extend(vec![(1000, 0.017); 12]);
        let est = from_pages(&stopped, 1_000_000);
        assert_eq!(est, 44_118);
        let pooled = 12_000.0 / (4.0 * 0.15 + 12.0 * 0.017);
        assert!((pooled as u64) < est / 2, "pooling: {pooled}");
        // Never more than the node holds, never a division by nothing.
        assert_eq!(from_pages(&[(10, 0.001)], 5000), 5000);
        assert_eq!(from_pages(&[(10, 0.0)], 5000), 0);
        assert_eq!(from_pages(&[], 5000), 0);
        assert_eq!(from_pages(&[(0, 0.5)], 5000), 0);
    }

    #[test]
    fn grouper_flushes_at_the_cap() {
        let mut g = SlotGrouper::default();
        g.add(
            (0..HOLD_CAP)
                .map(|i| format!("k{i}").into_bytes())
                .collect(),
        );
        assert!(g.must_flush());
        assert_eq!(g.flush().len(), HOLD_CAP);
    }
}
