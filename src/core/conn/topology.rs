//! The cluster slot map: discovering primaries, routing slots to nodes, and
//! refreshing the map after a redirect.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use redis::aio::MultiplexedConnection;
use redis::{FromRedisValue, Value};

use crate::error::RedisFailure;

use super::errors::{failure, is_dropped, unreachable_failure};
use super::spec::ConnSpec;
use super::{Idempotent, Node, Redis, SLOTS};

/// Cluster mode from INFO, or, for ACL users without INFO, from CLUSTER INFO
/// (which answers an error on a server with cluster support disabled).
pub(super) async fn detect_cluster(
    conn: &mut MultiplexedConnection,
    label: &str,
    timeout: Duration,
) -> Result<bool, RedisFailure> {
    match redis::cmd("INFO")
        .arg("cluster")
        .query_async::<String>(conn)
        .await
    {
        Ok(info) => return Ok(info.lines().any(|l| l.trim() == "cluster_enabled:1")),
        Err(e) if e.code() == Some("NOPERM") => {}
        Err(e) => return Err(failure(label, &e, timeout)),
    }
    match redis::cmd("CLUSTER")
        .arg("INFO")
        .query_async::<String>(conn)
        .await
    {
        Ok(_) => Ok(true),
        Err(e) if e.is_timeout() || is_dropped(&e) => Err(failure(label, &e, timeout)),
        // Disabled, or not allowed either: a user without cluster commands gets
        // standalone behaviour, and a cluster would answer MOVED soon enough.
        Err(_) => Ok(false),
    }
}

pub(super) struct Topology {
    pub(super) nodes: Vec<Arc<Node>>,
    /// Index into `nodes` for every slot (slots of a down primary point at a
    /// live node, never used: see `down_slots`).
    pub(super) slots: Vec<usize>,
    /// Primaries that own slots but could not be reached.
    pub(super) down: Vec<DownNode>,
    /// Index into `down` for every slot a down primary owns.
    pub(super) down_slots: Vec<Option<usize>>,
}

/// A primary that owns slots but did not answer when the slot map was read
/// (a cluster with `cluster-require-full-coverage no` keeps serving the rest).
#[derive(Debug, Clone)]
pub struct DownNode {
    pub addr: String,
    pub reason: String,
    /// Slot ranges it owns, inclusive.
    pub slots: Vec<(u16, u16)>,
}

impl DownNode {
    /// `0-5460,6000`: the slots, as CLUSTER NODES writes them.
    pub fn slot_list(&self) -> String {
        self.slots
            .iter()
            .map(|(a, b)| {
                if a == b {
                    a.to_string()
                } else {
                    format!("{a}-{b}")
                }
            })
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// The hash slot of a key (CRC16 of the key or of its `{hash tag}`).
pub fn slot_of(key: &[u8]) -> u16 {
    let tagged = key
        .iter()
        .position(|&b| b == b'{')
        .and_then(|open| {
            let rest = &key[open + 1..];
            rest.iter()
                .position(|&b| b == b'}')
                .map(|close| &rest[..close])
        })
        .filter(|tag| !tag.is_empty())
        .unwrap_or(key);
    crc16::State::<crc16::XMODEM>::calculate(tagged) % SLOTS as u16
}

/// `host:port` of the primary, from INFO replication of a replica.
pub(super) fn primary_of(info: &str) -> Option<String> {
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.trim_end().strip_prefix(name)?.strip_prefix(':'))
            .filter(|v| !v.is_empty())
    };
    Some(format!(
        "{}:{}",
        field("master_host")?,
        field("master_port")?
    ))
}

impl Redis {
    /// Read CLUSTER SLOTS through `via` and connect to every primary.
    pub(super) async fn discover(
        spec: &ConnSpec,
        via: &mut MultiplexedConnection,
        seed_host: &str,
        old: Option<&Topology>,
    ) -> anyhow::Result<Topology> {
        let label = spec.display_url.clone();
        let raw: Vec<Value> = redis::cmd("CLUSTER")
            .arg("SLOTS")
            .query_async(via)
            .await
            .map_err(|e| failure(&label, &e, spec.timeout))?;
        let mut slots = vec![usize::MAX; SLOTS];
        let mut addrs: Vec<(String, u16)> = Vec::new();
        let mut ranges: Vec<Vec<(u16, u16)>> = Vec::new();
        for range in raw {
            let Value::Array(parts) = range else { continue };
            if parts.len() < 3 {
                continue;
            }
            let start: u16 = FromRedisValue::from_redis_value(parts[0].clone()).unwrap_or(0);
            let end: u16 = FromRedisValue::from_redis_value(parts[1].clone()).unwrap_or(0);
            let Value::Array(primary) = &parts[2] else {
                continue;
            };
            if primary.len() < 2 {
                continue;
            }
            let mut host: String =
                FromRedisValue::from_redis_value(primary[0].clone()).unwrap_or_default();
            let port: u16 = FromRedisValue::from_redis_value(primary[1].clone()).unwrap_or(0);
            if host.is_empty() || host == "?" {
                host = seed_host.to_string();
            }
            let idx = match addrs.iter().position(|(h, p)| *h == host && *p == port) {
                Some(i) => i,
                None => {
                    addrs.push((host, port));
                    ranges.push(Vec::new());
                    addrs.len() - 1
                }
            };
            ranges[idx].push((start, end.min(SLOTS as u16 - 1)));
            for s in start..=end.min(SLOTS as u16 - 1) {
                slots[s as usize] = idx;
            }
        }
        if addrs.is_empty() {
            return Err(RedisFailure::Server {
                node: label,
                msg: "cluster has no slots assigned (CLUSTER SLOTS is empty)".into(),
            }
            .into());
        }
        // Known nodes keep their connections (in-flight work keeps its sockets);
        // only new addresses are dialled.
        let opens = addrs.iter().map(|(h, p)| {
            let existing = old.and_then(|t| {
                t.nodes
                    .iter()
                    .find(|n| n.host == *h && n.port == *p)
                    .cloned()
            });
            let info = spec.info_for(h, *p);
            async move {
                if let Some(n) = existing {
                    return Ok(n);
                }
                let addr = format!("{h}:{p}");
                let conn = spec.open(info, &addr).await?;
                Ok::<_, RedisFailure>(Arc::new(Node {
                    addr,
                    host: h.clone(),
                    port: *p,
                    conn: Mutex::new(conn),
                    generation: Mutex::new(0),
                }))
            }
        });
        let opened = futures::future::join_all(opens).await;
        // A primary that cannot be reached is set aside, the others serve; any
        // other failure (a refused password) is the whole run's.
        let mut nodes = Vec::new();
        let mut down = Vec::new();
        let mut first_down = None;
        let mut index = Vec::with_capacity(opened.len());
        for (i, r) in opened.into_iter().enumerate() {
            match r {
                Ok(n) => {
                    index.push(Ok(nodes.len()));
                    nodes.push(n);
                }
                Err(
                    e @ (RedisFailure::Unreachable { .. }
                    | RedisFailure::Timeout { .. }
                    | RedisFailure::ConnectionLost { .. }),
                ) => {
                    index.push(Err(down.len()));
                    down.push(DownNode {
                        addr: format!("{}:{}", addrs[i].0, addrs[i].1),
                        reason: match &e {
                            RedisFailure::Unreachable { reason, .. }
                            | RedisFailure::ConnectionLost { reason, .. } => reason.clone(),
                            other => other.to_string(),
                        },
                        slots: std::mem::take(&mut ranges[i]),
                    });
                    first_down.get_or_insert(e);
                }
                Err(e) => return Err(e.into()),
            }
        }
        if nodes.is_empty() {
            return Err(first_down
                .map(anyhow::Error::from)
                .unwrap_or_else(|| anyhow::anyhow!("no cluster primary answered")));
        }
        let mut down_slots = vec![None; SLOTS];
        for (s, owner) in slots.iter_mut().enumerate() {
            // Keys in unassigned slots fail with CLUSTERDOWN at the node; route them anywhere.
            match index.get(*owner) {
                Some(Ok(n)) => *owner = *n,
                Some(Err(d)) => {
                    down_slots[s] = Some(*d);
                    *owner = 0;
                }
                None => *owner = 0,
            }
        }
        Ok(Topology {
            nodes,
            slots,
            down,
            down_slots,
        })
    }

    pub(super) fn topo(&self) -> Arc<Topology> {
        match self.topo.read() {
            Ok(t) => t.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// Every primary (one node when standalone).
    pub fn primaries(&self) -> Vec<Arc<Node>> {
        self.topo().nodes.clone()
    }

    /// Primaries that own slots but could not be reached (empty when all answer).
    pub fn unreachable(&self) -> Vec<DownNode> {
        self.topo().down.clone()
    }

    /// Fail at once, naming the node, when a command's slot is owned by a
    /// primary that is down: it would only redirect there for the settle budget.
    pub(super) fn check_reachable(
        &self,
        slots: impl Iterator<Item = u16>,
    ) -> Result<(), RedisFailure> {
        let topo = self.topo();
        if topo.down.is_empty() {
            return Ok(());
        }
        let mut hit: Vec<usize> = slots
            .filter_map(|s| topo.down_slots[s as usize % SLOTS])
            .collect();
        if hit.is_empty() {
            return Ok(());
        }
        hit.sort_unstable();
        hit.dedup();
        let down: Vec<DownNode> = hit.iter().map(|&d| topo.down[d].clone()).collect();
        Err(unreachable_failure(&down))
    }

    pub(super) fn slot_is_down(&self, slot: u16) -> bool {
        self.topo().down_slots[slot as usize % SLOTS].is_some()
    }

    /// The node that owns a slot now.
    pub fn node_for_slot(&self, slot: u16) -> Arc<Node> {
        let t = self.topo();
        t.nodes[t.slots[slot as usize % SLOTS]].clone()
    }

    /// Slot ownership as every primary sees itself, including migrations in
    /// progress (`[slot->-id]`); empty when standalone. Two equal layouts with no
    /// migration marker mean no key changed node in between, so a SCAN pass
    /// over every primary saw every key that existed throughout.
    pub async fn layout(&self) -> anyhow::Result<String> {
        if !self.cluster {
            return Ok(String::new());
        }
        self.refresh().await?;
        let mut cmd = redis::cmd("CLUSTER");
        cmd.arg("NODES");
        let mut parts = Vec::new();
        for node in self.primaries() {
            let text: String = self.on_node(&node, &cmd, Idempotent::Yes).await?;
            if let Some(line) = text.lines().find(|l| l.contains("myself")) {
                let fields: Vec<&str> = line.split_whitespace().collect();
                let slots = fields.get(8..).map(|s| s.join(" ")).unwrap_or_default();
                parts.push(format!("{} {slots}", fields.first().unwrap_or(&"")));
            }
        }
        parts.sort();
        Ok(parts.join("\n"))
    }

    /// Re-read the slot map after a MOVED; keeps connections to nodes that stay.
    pub async fn refresh(&self) -> anyhow::Result<()> {
        if !self.cluster {
            return Ok(());
        }
        let seen = self.topo();
        let _guard = self.reconnect_lock.lock().await;
        let old = self.topo();
        if !Arc::ptr_eq(&seen, &old) {
            // Several MOVED replies at once: another task refreshed meanwhile.
            return Ok(());
        }
        let mut last_err = None;
        // Ask each known node in turn: during a failover some do not answer.
        for node in &old.nodes {
            let (mut conn, _) = node.conn();
            match self.rebuild(&mut conn, &old).await {
                Ok(topo) => {
                    // A primary that went away meanwhile: the work that was
                    // redirected to it cannot be done (the slot would only
                    // keep redirecting there).
                    let lost: Vec<DownNode> = topo
                        .down
                        .iter()
                        .filter(|d| !old.down.iter().any(|o| o.addr == d.addr))
                        .cloned()
                        .collect();
                    if let Ok(mut w) = self.topo.write() {
                        *w = Arc::new(topo);
                    }
                    if !lost.is_empty() {
                        return Err(unreachable_failure(&lost).into());
                    }
                    return Ok(());
                }
                Err(e) => last_err = Some(e),
            }
        }
        Err(last_err.unwrap_or_else(|| {
            RedisFailure::Server {
                node: self.spec.display_url.clone(),
                msg: "no cluster node answered CLUSTER SLOTS".into(),
            }
            .into()
        }))
    }

    pub(super) async fn rebuild(
        &self,
        via: &mut MultiplexedConnection,
        old: &Topology,
    ) -> anyhow::Result<Topology> {
        let seed_host = old.nodes[0].host.clone();
        Self::discover(&self.spec, via, &seed_host, Some(old)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primary_from_info_replication() {
        let info = "# Replication\r\nrole:slave\r\nmaster_host:10.0.0.5\r\nmaster_port:6380\r\n";
        assert_eq!(primary_of(info).as_deref(), Some("10.0.0.5:6380"));
        assert_eq!(primary_of("role:master\r\n"), None);
    }

    #[test]
    fn slots_match_redis() {
        // Values from the Redis Cluster specification and CLUSTER KEYSLOT.
        assert_eq!(slot_of(b"123456789"), 12739);
        assert_eq!(slot_of(b"foo"), 12182);
        assert_eq!(slot_of(b"{user1000}.following"), slot_of(b"user1000"));
        assert_eq!(slot_of(b"foo{}{bar}"), slot_of(b"foo{}{bar}"));
        assert_eq!(slot_of(b"{}foo"), slot_of(b"{}foo"));
    }
}
