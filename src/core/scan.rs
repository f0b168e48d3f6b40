//! Key streams: SCAN (MATCH / COUNT / TYPE) over every primary concurrently,
//! yielding batches of binary-safe keys through a bounded channel.
//!
//! The channel bound is what keeps memory flat: a slow consumer stops the
//! scanners. Nothing here deletes or changes keys.

use std::sync::Arc;

use redis::Cmd;
use tokio::sync::mpsc;

use super::conn::{Idempotent, Node, Redis};

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

/// Keys one SCAN call returned on one node, and the cursor after it.
#[derive(Debug)]
pub struct KeyBatch {
    pub node: Arc<Node>,
    pub keys: Vec<Vec<u8>>,
    /// Cursor to resume this node from; 0 when the node is finished.
    pub cursor: u64,
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
/// batch (and the final one, so consumers learn that the node finished).
pub async fn scan_node(
    redis: Arc<Redis>,
    node: Arc<Node>,
    opts: ScanOpts,
    mut cursor: u64,
    tx: mpsc::Sender<anyhow::Result<KeyBatch>>,
) {
    loop {
        let reply: anyhow::Result<(u64, Vec<Vec<u8>>)> = redis
            .on_node(&node, &scan_cmd(cursor, &opts), Idempotent::Yes)
            .await;
        match reply {
            Ok((next, keys)) => {
                cursor = next;
                if keys.is_empty() && cursor != 0 {
                    continue;
                }
                let batch = KeyBatch {
                    node: node.clone(),
                    keys,
                    cursor,
                };
                if tx.send(Ok(batch)).await.is_err() || cursor == 0 {
                    return;
                }
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
    for node in redis.primaries() {
        if let Some(start) = resume(&node.addr) {
            tokio::spawn(scan_node(
                redis.clone(),
                node,
                opts.clone(),
                start,
                tx.clone(),
            ));
        }
    }
    rx
}

/// Estimate how many keys match: one SCAN page per primary (about `count`
/// keys examined each) scaled by DBSIZE. Returns (estimate, total keys).
pub async fn estimate_matches(redis: &Arc<Redis>, opts: &ScanOpts) -> anyhow::Result<(u64, u64)> {
    let probe = ScanOpts {
        count: opts.count.max(1000),
        ..opts.clone()
    };
    let mut estimate = 0u64;
    let mut total = 0u64;
    for node in redis.primaries() {
        let size: u64 = redis
            .on_node(&node, &redis::cmd("DBSIZE"), Idempotent::Yes)
            .await?;
        total += size;
        if size == 0 {
            continue;
        }
        let (cursor, keys): (u64, Vec<Vec<u8>>) = redis
            .on_node(&node, &scan_cmd(0, &probe), Idempotent::Yes)
            .await?;
        if cursor == 0 {
            // The whole node fit in one page: the count is exact.
            estimate += keys.len() as u64;
        } else {
            let examined = (probe.count as u64).min(size).max(1);
            estimate += (keys.len() as u64 * size).div_ceil(examined).min(size);
        }
    }
    Ok((estimate, total))
}

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
        let node = redis.node_for_slot(super::conn::slot_of(&key));
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
                    cursor = next;
                    let members = match kind {
                        MemberKind::Set => items,
                        // ZSCAN answers member, score, member, score…
                        MemberKind::Zset => items.into_iter().step_by(2).collect(),
                    };
                    if members.is_empty() && cursor != 0 {
                        continue;
                    }
                    let batch = KeyBatch {
                        node: node.clone(),
                        keys: members,
                        cursor,
                    };
                    if tx.send(Ok(batch)).await.is_err() || cursor == 0 {
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
