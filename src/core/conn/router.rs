//! Sending commands: routed batches grouped per node, single commands,
//! and following redirects and retryable states.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context as _;
use redis::{Cmd, FromRedisValue, Value};

use crate::error::RedisFailure;

use super::decide::{decide, Action, Attempt, Fail, Outcome};
use super::errors::{failure, is_dropped, server_failure, unreachable_reply};
use super::topology::{primary_of, slot_of};
use super::{Idempotent, Node, Redis, SETTLE_BUDGET, SLOTS};

/// A command with the slot it must be sent to.
#[derive(Clone)]
pub struct Routed {
    pub slot: u16,
    pub cmd: Cmd,
}

impl Routed {
    pub fn new(key: &[u8], cmd: Cmd) -> Self {
        Routed {
            slot: slot_of(key),
            cmd,
        }
    }
}

impl Redis {
    /// Replace a node's connection after it dropped (once per failure generation).
    pub(super) async fn reconnect(
        &self,
        node: &Node,
        seen_generation: u64,
    ) -> Result<(), RedisFailure> {
        let _guard = self.reconnect_lock.lock().await;
        let current = node.generation.lock().map(|g| *g).unwrap_or(0);
        if current != seen_generation {
            return Ok(());
        }
        if self.is_sentinel() {
            // The master may have moved: ask the sentinels again.
            let r = self.spec.resolve_master().await.map_err(|e| {
                match e.downcast::<RedisFailure>() {
                    Ok(f) => f,
                    Err(e) => RedisFailure::Server {
                        node: node.addr.clone(),
                        msg: format!("{e:#}"),
                    },
                }
            })?;
            self.install(node, r);
            return Ok(());
        }
        let info = if self.cluster {
            self.spec.info_for(&node.host, node.port)
        } else {
            self.spec.seed.clone()
        };
        let fresh = self.spec.open(info, &node.addr).await?;
        if let Ok(mut c) = node.conn.lock() {
            *c = fresh;
        }
        if let Ok(mut g) = node.generation.lock() {
            *g += 1;
        }
        Ok(())
    }

    pub(super) async fn node_by_addr(&self, addr: &str) -> anyhow::Result<Arc<Node>> {
        if let Some(n) = self.topo().nodes.iter().find(|n| n.addr == addr) {
            return Ok(n.clone());
        }
        let mut extra = self.ask_targets.lock().await;
        if let Some(n) = extra.iter().find(|n| n.addr == addr) {
            return Ok(n.clone());
        }
        // A node being added owns no slots yet: connect to it on the spot.
        let bad = || RedisFailure::Server {
            node: addr.to_string(),
            msg: "the cluster redirected to an address it cannot be reached at".into(),
        };
        let (host, port) = addr.rsplit_once(':').ok_or_else(bad)?;
        let port: u16 = port.parse().map_err(|_| bad())?;
        let conn = self.spec.open(self.spec.info_for(host, port), addr).await?;
        let node = Arc::new(Node {
            addr: addr.to_string(),
            host: host.to_string(),
            port,
            conn: Mutex::new(conn),
            generation: Mutex::new(0),
        });
        extra.push(node.clone());
        Ok(node)
    }

    /// Send one command to a given node (SCAN, INFO, DBSIZE…): no slot routing.
    pub async fn on_node<T: FromRedisValue>(
        &self,
        node: &Node,
        cmd: &Cmd,
        idem: Idempotent,
    ) -> anyhow::Result<T> {
        let mut attempt = 0;
        let started = tokio::time::Instant::now();
        loop {
            attempt += 1;
            let (mut conn, generation) = node.conn();
            let e = match cmd.query_async::<T>(&mut conn).await {
                Ok(v) => return Ok(v),
                Err(e) => e,
            };
            let state = Attempt {
                n: attempt,
                settling: started.elapsed() < SETTLE_BUDGET,
                idem,
                deployment: self.deployment(),
                routed: false,
            };
            match decide(Outcome::Error(&e), &state) {
                Action::RetryAfter(d) => tokio::time::sleep(d).await,
                Action::Reconnect { after } => {
                    tokio::time::sleep(after).await;
                    // A failed reconnect is retried like the command, with backoff.
                    let _ = self.reconnect(node, generation).await;
                }
                Action::FindMaster => self.reconnect(node, generation).await?,
                Action::Fail(Fail::ReadOnlyReplica) => {
                    return Err(self.read_only(node).await.into())
                }
                Action::Fail(Fail::NotSafeTwice(what)) => {
                    return Err(self.failover_failure(node, &what).into())
                }
                Action::Done | Action::Ask { .. } | Action::Refresh | Action::Fail(_) => {
                    return Err(failure(&node.addr, &e, self.spec.timeout).into())
                }
            }
        }
    }

    /// A write refused by a replica: one line naming its primary when INFO
    /// replication tells it (the user pointed us at the wrong server).
    pub(super) async fn read_only(&self, node: &Node) -> RedisFailure {
        let mut cmd = redis::cmd("INFO");
        cmd.arg("replication");
        let (mut conn, _) = node.conn();
        let primary =
            match tokio::time::timeout(self.spec.timeout, cmd.query_async::<String>(&mut conn))
                .await
            {
                Ok(Ok(text)) => primary_of(&text),
                _ => None,
            };
        RedisFailure::Server {
            node: node.addr.clone(),
            msg: match primary {
                Some(p) => {
                    format!("this server is a read-only replica of {p}: point --url at the primary")
                }
                None => "this server is a read-only replica: point --url at the primary".into(),
            },
        }
    }

    /// The first error reply among `replies` (from [`Redis::batch`]), as a failure.
    pub fn first_error(&self, replies: &[Value]) -> anyhow::Result<()> {
        self.first_error_where(replies, |_| true)
    }

    /// [`Redis::first_error`] over the error replies `counts` keeps.
    pub fn first_error_where(
        &self,
        replies: &[Value],
        counts: impl Fn(&Value) -> bool,
    ) -> anyhow::Result<()> {
        match replies.iter().find_map(|v| match v {
            Value::ServerError(e) if counts(v) => Some(e),
            _ => None,
        }) {
            Some(e) => Err(server_failure(&self.spec.display_url, e).into()),
            None => Ok(()),
        }
    }

    /// Send a pipeline of keyless commands (RANDOMKEY…) to one node.
    pub async fn on_node_pipeline<T: FromRedisValue>(
        &self,
        node: &Node,
        pipe: &redis::Pipeline,
    ) -> anyhow::Result<T> {
        let (mut conn, _) = node.conn();
        pipe.query_async::<T>(&mut conn)
            .await
            .map_err(|e| failure(&node.addr, &e, self.spec.timeout).into())
    }

    /// Send one keyed command to the node owning the key's slot, following redirects.
    pub async fn keyed<T: FromRedisValue>(
        &self,
        key: &[u8],
        cmd: &Cmd,
        idem: Idempotent,
    ) -> anyhow::Result<T> {
        let mut out = self
            .batch(vec![Routed::new(key, cmd.clone())], idem)
            .await?;
        let v = out.replies.pop().unwrap_or(Value::Nil);
        let node = self.node_for_slot(slot_of(key)).addr.clone();
        if let Value::ServerError(e) = &v {
            return Err(server_failure(&node, e).into());
        }
        T::from_redis_value(v).map_err(|e| {
            RedisFailure::Server {
                node,
                msg: format!("unexpected reply: {e}"),
            }
            .into()
        })
    }

    /// Run commands in pipelines, one per node (grouped by slot owner), all nodes
    /// concurrently. Replies come back in input order; a command's own error reply
    /// is returned in place as `Value::ServerError` (redirects are resolved first).
    /// The commands move into their pipelines and are copied back only when one
    /// has to be sent again. [`Batch::resent`] names the commands sent again after
    /// their connection dropped with them in flight: such a command may have run
    /// before the drop, so its (second) reply can understate what it did.
    pub async fn batch(&self, cmds: Vec<Routed>, idem: Idempotent) -> anyhow::Result<Batch> {
        let slots: Vec<u16> = cmds.iter().map(|r| r.slot).collect();
        // With a primary down, the batch still goes to the others; only when
        // every command is for a down primary does it fail as a whole.
        if slots.iter().all(|&s| self.slot_is_down(s)) {
            self.check_reachable(slots.iter().copied())?;
        }
        let mut store: Vec<Option<Cmd>> = cmds.into_iter().map(|r| Some(r.cmd)).collect();
        let mut results: Vec<Option<Value>> = vec![None; store.len()];
        let mut pending: Vec<usize> = (0..store.len()).collect();
        let mut asking: HashMap<usize, String> = HashMap::new();
        let mut resent: HashMap<usize, Cmd> = HashMap::new();
        let mut attempt = 0;
        let started = tokio::time::Instant::now();
        while !pending.is_empty() {
            attempt += 1;
            let state = Attempt {
                n: attempt,
                settling: started.elapsed() < SETTLE_BUDGET,
                idem,
                deployment: self.deployment(),
                routed: true,
            };
            // Group by target node, with one look at the slot map per attempt.
            let topo = self.topo();
            if !topo.down.is_empty() {
                // A command for a down primary gets a stand-in error reply.
                let mut kept = Vec::with_capacity(pending.len());
                for &i in &pending {
                    match topo.down_slots[slots[i] as usize % SLOTS] {
                        Some(d) if !asking.contains_key(&i) => {
                            results[i] = Some(unreachable_reply(&topo.down[d])?);
                        }
                        _ => kept.push(i),
                    }
                }
                pending = kept;
                if pending.is_empty() {
                    break;
                }
            }
            let mut groups: Vec<(Arc<Node>, Vec<usize>)> = Vec::new();
            for &i in &pending {
                let node = match asking.get(&i) {
                    Some(addr) => self.node_by_addr(addr).await?,
                    None => topo.nodes[topo.slots[slots[i] as usize % SLOTS]].clone(),
                };
                match groups.iter_mut().find(|(n, _)| Arc::ptr_eq(n, &node)) {
                    Some((_, v)) => v.push(i),
                    None => groups.push((node, vec![i])),
                }
            }
            // With Sentinel, each pipeline ends in WAIT: see `Redis::master`.
            if self.is_sentinel() && self.wait_replicas.load(Ordering::Relaxed) == 0 {
                self.count_replicas(&topo.nodes[0]).await;
            }
            let confirm = if self.is_sentinel() {
                self.wait_replicas.load(Ordering::Relaxed)
            } else {
                0
            };
            // Together well within the response timeout, even when every
            // pipeline's WAIT runs out.
            let queued = self.pipelines.load(Ordering::Relaxed) + groups.len();
            let wait_ms =
                ((self.spec.timeout / 4).as_millis() as u64 / queued.max(1) as u64).clamp(10, 100);
            // Build every pipeline, moving the commands in.
            let pipes: Vec<(redis::Pipeline, Vec<usize>)> = groups
                .iter()
                .map(|(_, idxs)| {
                    let mut pipe = redis::Pipeline::with_capacity(idxs.len());
                    let mut positions = Vec::with_capacity(idxs.len());
                    for &i in idxs {
                        if asking.contains_key(&i) {
                            pipe.cmd("ASKING").ignore();
                        }
                        positions.push(pipe.len());
                        if let Some(cmd) = store[i].take() {
                            pipe.add_command(cmd);
                        }
                    }
                    if confirm > 0 {
                        pipe.cmd("WAIT").arg(confirm).arg(wait_ms);
                    }
                    pipe.ignore_errors();
                    (pipe, positions)
                })
                .collect();
            let sends = groups
                .iter()
                .zip(&pipes)
                .map(|((node, _), (pipe, _))| async move {
                    let (mut conn, generation) = node.conn();
                    let r = pipe.query_async::<Vec<Value>>(&mut conn).await;
                    (node.clone(), generation, r)
                });
            self.pipelines.fetch_add(groups.len(), Ordering::Relaxed);
            let replies = futures::future::join_all(sends).await;
            self.pipelines.fetch_sub(groups.len(), Ordering::Relaxed);
            let mut next = Vec::new();
            let mut need_refresh = false;
            let mut wait = Duration::ZERO;
            for (((node, generation, reply), (_, idxs)), (pipe, positions)) in
                replies.into_iter().zip(groups.iter()).zip(&pipes)
            {
                let mut again: Vec<usize> = Vec::new();
                let dropped = matches!(&reply, Err(e) if is_dropped(e));
                match reply {
                    Ok(mut values) => {
                        let unconfirmed = confirm > 0
                            && match values.pop() {
                                Some(Value::Int(n)) => n < confirm as i64,
                                _ => true,
                            };
                        let mut turned_replica = false;
                        for (&i, v) in idxs.iter().zip(values) {
                            match decide(Outcome::Reply(&v), &state) {
                                Action::Done => {
                                    asking.remove(&i);
                                    results[i] = Some(v);
                                }
                                Action::Ask { node } => {
                                    asking.insert(i, node);
                                    again.push(i);
                                }
                                Action::Refresh => {
                                    asking.remove(&i);
                                    need_refresh = true;
                                    again.push(i);
                                }
                                Action::RetryAfter(d) => {
                                    wait = wait.max(d);
                                    again.push(i);
                                }
                                // (A reply never says the connection dropped.)
                                Action::FindMaster | Action::Reconnect { .. } => {
                                    turned_replica = true;
                                    asking.remove(&i);
                                    again.push(i);
                                }
                                Action::Fail(Fail::ReadOnlyReplica) => {
                                    return Err(self.read_only(&node).await.into());
                                }
                                Action::Fail(Fail::NotSafeTwice(what)) => {
                                    return Err(self.failover_failure(&node, &what).into());
                                }
                                Action::Fail(Fail::KeptRedirecting) => {
                                    let slot = slots[i];
                                    return Err(RedisFailure::Server {
                                        node: self.node_for_slot(slot).addr.clone(),
                                        msg: format!(
                                            "slot {slot} kept redirecting for {}s",
                                            SETTLE_BUDGET.as_secs()
                                        ),
                                    }
                                    .into());
                                }
                                Action::Fail(Fail::Error) => match &v {
                                    Value::ServerError(e) => {
                                        return Err(server_failure(&node.addr, e).into())
                                    }
                                    _ => {
                                        asking.remove(&i);
                                        results[i] = Some(v);
                                    }
                                },
                            }
                        }
                        if turned_replica {
                            // The sentinels name the new master (waiting for the failover to end).
                            self.reconnect(&node, generation).await?;
                        } else if unconfirmed && self.master_moved(&node, generation).await? {
                            // The old master took these writes after its replica was
                            // promoted: they are lost, so they are sent again.
                            if idem == Idempotent::No {
                                return Err(self
                                    .failover_failure(
                                        &node,
                                        "the master failed over as this command ran, so its effect may be lost",
                                    )
                                    .into());
                            }
                            for &i in idxs {
                                if results[i].take().is_some() {
                                    again.push(i);
                                }
                            }
                        }
                    }
                    Err(e) => {
                        match decide(Outcome::Error(&e), &state) {
                            Action::Reconnect { after } => {
                                tokio::time::sleep(after).await;
                                if self.reconnect(&node, generation).await.is_err() {
                                    // The node may have failed over: a refresh finds its successor.
                                    need_refresh = true;
                                }
                            }
                            Action::FindMaster => self.reconnect(&node, generation).await?,
                            Action::RetryAfter(d) => wait = wait.max(d),
                            // The whole pipeline redirected: the slot map is stale.
                            Action::Refresh | Action::Ask { .. } => need_refresh = true,
                            Action::Fail(Fail::ReadOnlyReplica) => {
                                return Err(self.read_only(&node).await.into());
                            }
                            Action::Fail(Fail::NotSafeTwice(what)) => {
                                return Err(self.failover_failure(&node, &what).into());
                            }
                            Action::Done | Action::Fail(_) => {
                                return Err(failure(&node.addr, &e, self.spec.timeout).into());
                            }
                        }
                        again.extend_from_slice(idxs);
                    }
                }
                if !again.is_empty() {
                    // Copy back only the commands that go out again.
                    let sent: Vec<&Cmd> = pipe.cmd_iter().collect();
                    let at: HashMap<usize, usize> = idxs
                        .iter()
                        .copied()
                        .zip(positions.iter().copied())
                        .collect();
                    for &i in &again {
                        store[i] = Some(sent[at[&i]].clone());
                        if dropped {
                            resent.entry(i).or_insert_with(|| sent[at[&i]].clone());
                        }
                    }
                    next.extend(again);
                }
            }
            if !next.is_empty() {
                if !wait.is_zero() {
                    tokio::time::sleep(wait).await;
                }
                if need_refresh {
                    self.refresh()
                        .await
                        .context("refreshing the cluster slot map")?;
                }
            }
            pending = next;
        }
        let mut resent: Vec<(usize, Cmd)> = resent.into_iter().collect();
        resent.sort_unstable_by_key(|(i, _)| *i);
        Ok(Batch {
            replies: results
                .into_iter()
                .map(|v| v.unwrap_or(Value::Nil))
                .collect(),
            resent,
        })
    }
}

/// Replies of [`Redis::batch`], in input order, and the commands that were
/// re-sent after a dropped connection (by input index, in order).
pub struct Batch {
    pub replies: Vec<Value>,
    pub resent: Vec<(usize, Cmd)>,
}
