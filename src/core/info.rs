//! Server statistics from INFO, per node, with totals that never count a
//! replica's copy of the data twice. Parsing is pure and unit-tested.

use std::collections::HashMap;

use serde::Serialize;

use super::conn::{Idempotent, Node, Redis};

/// The numbers `stats` shows for one server (or the sum over primaries).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ServerStats {
    pub node: String,
    /// `redis` or `valkey`: Valkey says so in `server_name`; Redis does not.
    pub server_name: String,
    /// The server's own version (Valkey also reports a Redis-compatible
    /// `redis_version`, which is not its own).
    pub version: String,
    pub mode: String,
    pub role: String,
    pub uptime_s: u64,
    pub clients: u64,
    pub ops_per_sec: u64,
    pub total_commands: u64,
    pub memory_used: u64,
    pub memory_peak: u64,
    pub maxmemory: u64,
    pub maxmemory_policy: String,
    pub fragmentation: f64,
    pub evicted_keys: u64,
    pub expired_keys: u64,
    pub keyspace_hits: u64,
    pub keyspace_misses: u64,
    /// hits / (hits + misses); null when there were no lookups.
    pub hit_rate: Option<f64>,
    pub keys: u64,
    pub keys_with_ttl: u64,
}

fn hit_rate(hits: u64, misses: u64) -> Option<f64> {
    let total = hits + misses;
    (total > 0).then(|| hits as f64 / total as f64)
}

/// Parse INFO text (all sections) into stats.
pub fn parse_info(node: &str, text: &str) -> ServerStats {
    let fields: HashMap<&str, &str> = text
        .lines()
        .filter_map(|l| l.trim_end_matches('\r').split_once(':'))
        .collect();
    let num = |k: &str| {
        fields
            .get(k)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    let text_of = |k: &str| fields.get(k).map(|v| v.to_string()).unwrap_or_default();
    let first_of = |ks: &[&str]| {
        ks.iter()
            .find(|k| fields.contains_key(*k))
            .map(|k| text_of(k))
            .unwrap_or_default()
    };
    let (mut keys, mut expires) = (0, 0);
    for (k, v) in &fields {
        if k.starts_with("db") && k[2..].chars().all(|c| c.is_ascii_digit()) {
            for part in v.split(',') {
                match part.split_once('=') {
                    Some(("keys", n)) => keys += n.parse::<u64>().unwrap_or(0),
                    Some(("expires", n)) => expires += n.parse::<u64>().unwrap_or(0),
                    _ => {}
                }
            }
        }
    }
    let (hits, misses) = (num("keyspace_hits"), num("keyspace_misses"));
    ServerStats {
        node: node.to_string(),
        server_name: fields
            .get("server_name")
            .map_or_else(|| "redis".to_string(), |v| v.to_string()),
        version: first_of(&["valkey_version", "redis_version"]),
        mode: first_of(&["server_mode", "redis_mode"]),
        role: text_of("role"),
        uptime_s: num("uptime_in_seconds"),
        clients: num("connected_clients"),
        ops_per_sec: num("instantaneous_ops_per_sec"),
        total_commands: num("total_commands_processed"),
        memory_used: num("used_memory"),
        memory_peak: num("used_memory_peak"),
        maxmemory: num("maxmemory"),
        maxmemory_policy: text_of("maxmemory_policy"),
        fragmentation: fields
            .get("mem_fragmentation_ratio")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0),
        evicted_keys: num("evicted_keys"),
        expired_keys: num("expired_keys"),
        keyspace_hits: hits,
        keyspace_misses: misses,
        hit_rate: hit_rate(hits, misses),
        keys,
        keys_with_ttl: expires,
    }
}

/// Sum over primaries: counters and memory add up; version and policy are the first node's.
pub fn total(nodes: &[ServerStats]) -> ServerStats {
    let Some(first) = nodes.first() else {
        return ServerStats::default();
    };
    let mut t = ServerStats {
        node: "total".into(),
        server_name: first.server_name.clone(),
        version: first.version.clone(),
        mode: first.mode.clone(),
        role: "total".into(),
        uptime_s: nodes.iter().map(|n| n.uptime_s).min().unwrap_or(0),
        maxmemory_policy: first.maxmemory_policy.clone(),
        ..Default::default()
    };
    for n in nodes {
        t.clients += n.clients;
        t.ops_per_sec += n.ops_per_sec;
        t.total_commands += n.total_commands;
        t.memory_used += n.memory_used;
        t.memory_peak += n.memory_peak;
        t.maxmemory += n.maxmemory;
        t.evicted_keys += n.evicted_keys;
        t.expired_keys += n.expired_keys;
        t.keyspace_hits += n.keyspace_hits;
        t.keyspace_misses += n.keyspace_misses;
        t.keys += n.keys;
        t.keys_with_ttl += n.keys_with_ttl;
    }
    let weight: u64 = nodes.iter().map(|n| n.memory_used).sum::<u64>().max(1);
    t.fragmentation = nodes
        .iter()
        .map(|n| n.fragmentation * n.memory_used as f64)
        .sum::<f64>()
        / weight as f64;
    t.hit_rate = hit_rate(t.keyspace_hits, t.keyspace_misses);
    t
}

/// Rates between two snapshots of the same totals: ops/s and the hit rate of
/// the interval, not since boot.
pub fn interval(prev: &ServerStats, now: &ServerStats, secs: f64) -> (f64, Option<f64>) {
    let ops = now.total_commands.saturating_sub(prev.total_commands) as f64 / secs.max(0.001);
    let hits = now.keyspace_hits.saturating_sub(prev.keyspace_hits);
    let misses = now.keyspace_misses.saturating_sub(prev.keyspace_misses);
    (ops, hit_rate(hits, misses))
}

pub async fn node_stats(redis: &Redis, node: &Node) -> anyhow::Result<ServerStats> {
    let mut cmd = redis::cmd("INFO");
    cmd.arg("all");
    let text: String = redis.on_node(node, &cmd, Idempotent::Yes).await?;
    Ok(parse_info(&node.addr, &text))
}

/// A replica as CLUSTER NODES describes it.
#[derive(Debug, Clone, Serialize)]
pub struct Replica {
    pub node: String,
    pub primary: String,
    pub link: String,
}

/// Replicas of a cluster, from CLUSTER NODES; empty when standalone.
pub async fn replicas(redis: &Redis) -> anyhow::Result<Vec<Replica>> {
    if !redis.is_cluster() {
        return Ok(Vec::new());
    }
    let Some(node) = redis.primaries().into_iter().next() else {
        return Ok(Vec::new());
    };
    let mut cmd = redis::cmd("CLUSTER");
    cmd.arg("NODES");
    let text: String = redis.on_node(&node, &cmd, Idempotent::Yes).await?;
    let addr_of: HashMap<&str, &str> = text
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            Some((*f.first()?, f.get(1)?.split('@').next()?))
        })
        .collect();
    Ok(text
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            if !f.get(2)?.contains("slave") {
                return None;
            }
            Some(Replica {
                node: f.get(1)?.split('@').next()?.to_string(),
                primary: addr_of
                    .get(f.get(3)?)
                    .map(|a| a.to_string())
                    .unwrap_or_else(|| f[3].to_string()),
                link: f.get(7).map(|s| s.to_string()).unwrap_or_default(),
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const INFO: &str = "# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\nuptime_in_seconds:42\r\n\
# Clients\r\nconnected_clients:3\r\n# Memory\r\nused_memory:1000\r\nused_memory_peak:2000\r\nmaxmemory:0\r\n\
maxmemory_policy:noeviction\r\nmem_fragmentation_ratio:1.50\r\n# Stats\r\ntotal_commands_processed:100\r\n\
instantaneous_ops_per_sec:7\r\nexpired_keys:5\r\nevicted_keys:1\r\nkeyspace_hits:30\r\nkeyspace_misses:10\r\n\
# Replication\r\nrole:master\r\n# Keyspace\r\ndb0:keys=10,expires=4,avg_ttl=0\r\ndb3:keys=5,expires=0,avg_ttl=0\r\n";

    #[test]
    fn parses_info() {
        let s = parse_info("n1", INFO);
        assert_eq!(s.version, "7.0.15");
        assert_eq!(
            (s.server_name.as_str(), s.mode.as_str()),
            ("redis", "standalone")
        );
        assert_eq!(s.clients, 3);
        assert_eq!(s.memory_used, 1000);
        assert_eq!(s.keys, 15);
        assert_eq!(s.keys_with_ttl, 4);
        assert_eq!(s.hit_rate, Some(0.75));
        assert_eq!(s.role, "master");
        assert!((s.fragmentation - 1.5).abs() < 1e-9);
    }

    #[test]
    fn valkey_names_itself_and_its_own_version() {
        let info = "# Server\r\nredis_version:7.2.4\r\nserver_name:valkey\r\n\
valkey_version:8.1.8\r\nvalkey_release_stage:ga\r\nredis_mode:\r\nserver_mode:cluster\r\n";
        let s = parse_info("v", info);
        assert_eq!(s.server_name, "valkey");
        assert_eq!(s.version, "8.1.8");
        assert_eq!(s.mode, "cluster");
    }

    #[test]
    fn totals_and_intervals() {
        let a = parse_info("a", INFO);
        let mut b = parse_info("b", INFO);
        b.keyspace_hits = 10;
        b.keyspace_misses = 30;
        let t = total(&[a.clone(), b.clone()]);
        assert_eq!(t.keys, 30);
        assert_eq!(t.hit_rate, Some(0.5));
        let mut later = a.clone();
        later.total_commands += 500;
        later.keyspace_hits += 9;
        later.keyspace_misses += 1;
        let (ops, rate) = interval(&a, &later, 2.0);
        assert_eq!(ops, 250.0);
        assert_eq!(rate, Some(0.9));
        assert_eq!(interval(&a, &a, 1.0).1, None);
    }
}
