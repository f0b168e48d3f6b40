//! A Redis Cluster of real redis-server nodes on 127.0.0.1: started, checked
//! healthy, inspected, and slots migrated on demand.

use std::net::{Ipv4Addr, TcpListener};
use std::process::{Command, Stdio};
use std::time::Duration;

use super::resp::display_args;
use super::server::{info_value, redis_cli_bin, run_stdout, trimmed_text, ServerSpec};
use super::{free_port, poll_until, wait_until, RedisServer, Reply, HOST};

const CLUSTER_TIMEOUT: Duration = Duration::from_secs(30);
const CLUSTER_SLOTS: u64 = 16384;

/// A port for a cluster node and its bus port, port + 10000 (the fixed
/// offset before Redis 7.0), both free: the port is below 55536.
pub(super) fn free_cluster_ports() -> (u16, u16) {
    for _ in 0..10_000 {
        let port = free_port();
        if port >= 55536 {
            continue;
        }
        let bus = port + 10000;
        if TcpListener::bind((Ipv4Addr::LOCALHOST, bus)).is_ok() {
            return (port, bus);
        }
    }
    panic!("no free port pair (P, P + 10000) below 55536 on 127.0.0.1");
}

impl RedisServer {
    /// A node for [`RedisCluster`]: cluster mode, own cluster bus port.
    fn start_cluster_node() -> Self {
        Self::launch(&ServerSpec {
            cluster: true,
            ..ServerSpec::default()
        })
    }
}

/// One line of `CLUSTER NODES`.
#[derive(Debug, Clone)]
pub struct ClusterNode {
    pub id: String,
    pub port: u16,
    pub flags: Vec<String>,
    /// Id of the primary for replicas.
    pub primary_id: Option<String>,
    /// Slot ranges served (inclusive), migration markers excluded.
    pub slots: Vec<(u16, u16)>,
}

impl ClusterNode {
    pub fn is_primary(&self) -> bool {
        self.flags.iter().any(|f| f == "master")
    }

    pub fn is_replica(&self) -> bool {
        self.flags.iter().any(|f| f == "slave")
    }
}

fn parse_cluster_nodes(text: &str) -> Vec<ClusterNode> {
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            assert!(fields.len() >= 8, "malformed CLUSTER NODES line: {line:?}");
            // ip:port@cport[,hostname]
            let port = fields[1]
                .split('@')
                .next()
                .and_then(|addr| addr.rsplit(':').next())
                .and_then(|p| p.parse().ok())
                .unwrap_or(0);
            let slots = fields[8..]
                .iter()
                .filter(|s| !s.starts_with('['))
                .map(|s| {
                    let parse = |n: &str| {
                        n.parse::<u16>()
                            .unwrap_or_else(|_| panic!("bad slot {s:?} in {line:?}"))
                    };
                    match s.split_once('-') {
                        Some((a, b)) => (parse(a), parse(b)),
                        None => (parse(s), parse(s)),
                    }
                })
                .collect();
            ClusterNode {
                id: fields[0].to_owned(),
                port,
                flags: fields[2].split(',').map(str::to_owned).collect(),
                primary_id: (fields[3] != "-").then(|| fields[3].to_owned()),
                slots,
            }
        })
        .collect()
}

/// A Redis Cluster of 3 primaries (and optionally replicas) on 127.0.0.1.
pub struct RedisCluster {
    pub nodes: Vec<RedisServer>,
    pub replicas_per_primary: usize,
}

impl RedisCluster {
    /// 3 primaries, no replicas.
    pub fn start() -> Self {
        Self::start_with_replicas(0)
    }

    /// 3 primaries with `replicas` replicas each; returns once every node
    /// reports `cluster_state:ok`, all 16384 slots, every node known, and
    /// every replica has its replication link up.
    pub fn start_with_replicas(replicas: usize) -> Self {
        let count = 3 * (1 + replicas);
        let nodes: Vec<RedisServer> = (0..count)
            .map(|_| RedisServer::start_cluster_node())
            .collect();
        let mut create = Command::new(redis_cli_bin());
        create
            .args(["--cluster", "create"])
            .args(nodes.iter().map(|n| format!("{HOST}:{}", n.port)))
            .arg("--cluster-replicas")
            .arg(replicas.to_string())
            .arg("--cluster-yes")
            .env_remove("REDISCLI_AUTH")
            .stdin(Stdio::null());
        let output = create
            .output()
            .expect("spawning `redis-cli --cluster create`");
        assert!(
            output.status.success(),
            "`redis-cli --cluster create` failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
        );
        let cluster = RedisCluster {
            nodes,
            replicas_per_primary: replicas,
        };
        cluster.wait_healthy();
        cluster
    }

    /// Waits (30s max) until every node in `nodes` agrees that the cluster
    /// is complete and healthy: `cluster_state:ok`, 16384 slots ok, exactly
    /// `nodes.len()` known nodes, none flagged handshake/noaddr/fail/fail?,
    /// the expected numbers of slot-serving primaries and of replicas, and
    /// replication links up. Useful again after a test moved roles around
    /// (e.g. a manual `CLUSTER FAILOVER`).
    pub fn wait_healthy(&self) {
        let count = self.nodes.len();
        let primaries = count / (1 + self.replicas_per_primary);
        let mut last_problem = String::new();
        let healthy = poll_until(CLUSTER_TIMEOUT, || {
            for node in &self.nodes {
                if let Err(problem) = node_health(node, count, primaries) {
                    last_problem = format!("node :{}: {problem}", node.port);
                    return None;
                }
            }
            Some(())
        });
        assert!(
            healthy.is_some(),
            "cluster not healthy after {CLUSTER_TIMEOUT:?}: {last_problem}\n\
             --- first node log (tail) ---\n{}",
            self.nodes[0].log_tail(30)
        );
    }

    /// `redis://127.0.0.1:PORT` of the first node.
    pub fn url(&self) -> String {
        self.nodes[0].url()
    }

    pub fn ports(&self) -> Vec<u16> {
        self.nodes.iter().map(|n| n.port).collect()
    }

    /// The node listening on `port`.
    pub fn node(&self, port: u16) -> &RedisServer {
        self.nodes
            .iter()
            .find(|n| n.port == port)
            .unwrap_or_else(|| panic!("no cluster node on port {port}"))
    }

    /// `redis-cli -c` (follows MOVED/ASK) against the first node.
    pub fn cli_c(&self, args: &[&str]) -> String {
        let mut cmd = self.nodes[0].cli_cmd();
        cmd.arg("-c").args(args);
        trimmed_text(&run_stdout(cmd))
    }

    /// Raw RESP call against the node on `port` (no redirections followed).
    pub fn call(&self, port: u16, args: &[&[u8]]) -> Reply {
        self.node(port).call(args)
    }

    /// `args` on the first node that answers (tests may stop or pause
    /// nodes).
    fn call_any(&self, args: &[&[u8]]) -> Reply {
        self.nodes
            .iter()
            .find_map(|node| node.try_call(args).ok())
            .unwrap_or_else(|| panic!("no cluster node answers `{}`", display_args(args)))
    }

    /// `CLUSTER NODES` as seen by the first node that answers.
    pub fn cluster_nodes(&self) -> Vec<ClusterNode> {
        let reply = self.call_any(&[b"CLUSTER", b"NODES"]);
        let text = reply
            .as_str()
            .unwrap_or_else(|| panic!("unexpected CLUSTER NODES reply: {reply:?}"));
        parse_cluster_nodes(text)
    }

    /// Ports of the current primaries (from `CLUSTER NODES`), ascending.
    pub fn primary_ports(&self) -> Vec<u16> {
        let mut ports: Vec<u16> = self
            .cluster_nodes()
            .iter()
            .filter(|n| n.is_primary())
            .map(|n| n.port)
            .collect();
        ports.sort_unstable();
        ports
    }

    /// Ports of the current replicas (from `CLUSTER NODES`), ascending.
    pub fn replica_ports(&self) -> Vec<u16> {
        let mut ports: Vec<u16> = self
            .cluster_nodes()
            .iter()
            .filter(|n| n.is_replica())
            .map(|n| n.port)
            .collect();
        ports.sort_unstable();
        ports
    }

    /// Sum of `DBSIZE` over the primaries.
    pub fn dbsize_total(&self) -> u64 {
        self.primary_ports()
            .into_iter()
            .map(|port| self.node(port).dbsize())
            .sum()
    }

    /// `CLUSTER KEYSLOT key`.
    pub fn key_slot(&self, key: &[u8]) -> u16 {
        let reply = self.call_any(&[b"CLUSTER", b"KEYSLOT", key]);
        reply
            .as_int()
            .and_then(|slot| u16::try_from(slot).ok())
            .unwrap_or_else(|| panic!("unexpected CLUSTER KEYSLOT reply: {reply:?}"))
    }

    /// Port of the primary serving `slot`, according to `CLUSTER SLOTS` on
    /// the first node that answers.
    pub fn port_for_slot(&self, slot: u16) -> u16 {
        let reply = self.call_any(&[b"CLUSTER", b"SLOTS"]);
        slot_owner_in(&reply, slot)
            .unwrap_or_else(|| panic!("slot {slot} is not served according to CLUSTER SLOTS"))
    }

    /// (first slot, last slot, primary port) of every slot range, from
    /// `CLUSTER SLOTS` on the first node that answers; they cover all 16384
    /// slots.
    pub fn slot_ranges(&self) -> Vec<(u16, u16, u16)> {
        let reply = self.call_any(&[b"CLUSTER", b"SLOTS"]);
        let ranges = slot_ranges_in(&reply);
        let covered: u64 = ranges.iter().map(|(a, b, _)| u64::from(b - a) + 1).sum();
        assert_eq!(covered, CLUSTER_SLOTS, "CLUSTER SLOTS: {reply:?}");
        ranges
    }

    /// Port of the primary serving `key`.
    pub fn port_for_key(&self, key: &[u8]) -> u16 {
        self.port_for_slot(self.key_slot(key))
    }

    /// Moves `slot` with its keys from the primary on `from_port` to the
    /// primary on `to_port` (IMPORTING/MIGRATING, GETKEYSINSLOT + MIGRATE in
    /// batches of 100, SETSLOT NODE on every primary), then waits until every
    /// node sees `to_port` as the owner.
    pub fn migrate_slot(&self, slot: u16, from_port: u16, to_port: u16) {
        let slot_arg = slot.to_string();
        let slot_arg = slot_arg.as_bytes();
        let to_port_arg = to_port.to_string();
        let expect_ok = |port: u16, args: &[&[u8]]| {
            let reply = self.call(port, args);
            assert!(
                reply.is_ok(),
                "`{}` on :{port} failed: {reply:?}",
                display_args(args)
            );
        };
        let from_id = self.node_id(from_port);
        let to_id = self.node_id(to_port);
        expect_ok(
            to_port,
            &[
                b"CLUSTER",
                b"SETSLOT",
                slot_arg,
                b"IMPORTING",
                from_id.as_bytes(),
            ],
        );
        expect_ok(
            from_port,
            &[
                b"CLUSTER",
                b"SETSLOT",
                slot_arg,
                b"MIGRATING",
                to_id.as_bytes(),
            ],
        );
        loop {
            let reply = self.call(from_port, &[b"CLUSTER", b"GETKEYSINSLOT", slot_arg, b"100"]);
            let keys: Vec<&[u8]> = reply
                .as_array()
                .unwrap_or_else(|| panic!("unexpected GETKEYSINSLOT reply: {reply:?}"))
                .iter()
                .map(|k| {
                    k.as_bytes()
                        .unwrap_or_else(|| panic!("unexpected key in GETKEYSINSLOT: {k:?}"))
                })
                .collect();
            if keys.is_empty() {
                break;
            }
            let mut args: Vec<&[u8]> = vec![
                b"MIGRATE",
                HOST.as_bytes(),
                to_port_arg.as_bytes(),
                b"",
                b"0",
                b"5000",
                b"KEYS",
            ];
            args.extend(keys);
            let reply = self.call(from_port, &args);
            assert!(
                matches!(&reply, Reply::Status(s) if s == "OK" || s == "NOKEY"),
                "MIGRATE of slot {slot} from :{from_port} to :{to_port} failed: {reply:?}"
            );
        }
        // Destination first, then source, then the other primaries.
        let mut primaries = vec![to_port, from_port];
        primaries.extend(
            self.primary_ports()
                .into_iter()
                .filter(|p| *p != to_port && *p != from_port),
        );
        for port in primaries {
            expect_ok(
                port,
                &[b"CLUSTER", b"SETSLOT", slot_arg, b"NODE", to_id.as_bytes()],
            );
        }
        wait_until(
            CLUSTER_TIMEOUT,
            &format!("every node to see slot {slot} on :{to_port}"),
            || {
                self.nodes
                    .iter()
                    .all(|n| slot_owner(n, slot) == Some(to_port))
            },
        );
    }

    /// `CLUSTER MYID` of the node on `port`.
    pub fn node_id(&self, port: u16) -> String {
        let reply = self.call(port, &[b"CLUSTER", b"MYID"]);
        reply
            .as_str()
            .unwrap_or_else(|| panic!("unexpected CLUSTER MYID reply: {reply:?}"))
            .to_owned()
    }
}

/// Why `node` does not (yet) consider the cluster complete and healthy.
fn node_health(node: &RedisServer, count: usize, primaries: usize) -> Result<(), String> {
    let fetch = |args: &[&[u8]]| -> Result<String, String> {
        let reply = node.try_call(args).map_err(|e| e.to_string())?;
        reply
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("unexpected reply to {}: {reply:?}", display_args(args)))
    };
    let info = fetch(&[b"CLUSTER", b"INFO"])?;
    let expected = [
        ("cluster_state", "ok".to_owned()),
        ("cluster_slots_ok", CLUSTER_SLOTS.to_string()),
        ("cluster_known_nodes", count.to_string()),
    ];
    for (field, want) in &expected {
        let got = info_value(&info, field);
        if got != Some(want.as_str()) {
            return Err(format!("{field} is {got:?}, want {want}"));
        }
    }
    let view = parse_cluster_nodes(&fetch(&[b"CLUSTER", b"NODES"])?);
    if let Some(odd) = view.iter().find(|n| {
        n.flags
            .iter()
            .any(|f| matches!(f.as_str(), "handshake" | "noaddr" | "fail" | "fail?"))
    }) {
        return Err(format!("node :{} has flags {:?}", odd.port, odd.flags));
    }
    let serving = view
        .iter()
        .filter(|n| n.is_primary() && !n.slots.is_empty())
        .count();
    let replicas = view.iter().filter(|n| n.is_replica()).count();
    if serving != primaries || replicas != count - primaries {
        return Err(format!(
            "sees {serving} primaries serving slots and {replicas} replicas, \
             want {primaries} and {}",
            count - primaries
        ));
    }
    let me = view
        .iter()
        .find(|n| n.flags.iter().any(|f| f == "myself"))
        .ok_or("no `myself` in CLUSTER NODES")?;
    if me.is_replica() {
        let replication = fetch(&[b"INFO", b"replication"])?;
        let link = info_value(&replication, "master_link_status");
        if link != Some("up") {
            return Err(format!("replica link is {link:?}"));
        }
    }
    Ok(())
}

/// Port of the primary serving `slot` according to `CLUSTER SLOTS` on
/// `node`, or `None` if unassigned or the reply cannot be fetched.
fn slot_owner(node: &RedisServer, slot: u16) -> Option<u16> {
    let reply = node.try_call(&[b"CLUSTER", b"SLOTS"]).ok()?;
    slot_owner_in(&reply, slot)
}

/// Port of the primary serving `slot` in a `CLUSTER SLOTS` reply.
fn slot_owner_in(reply: &Reply, slot: u16) -> Option<u16> {
    slot_ranges_in(reply)
        .into_iter()
        .find(|(start, end, _)| (*start..=*end).contains(&slot))
        .map(|(_, _, port)| port)
}

/// (first slot, last slot, primary port) of each range in a `CLUSTER SLOTS`
/// reply.
fn slot_ranges_in(reply: &Reply) -> Vec<(u16, u16, u16)> {
    let Some(ranges) = reply.as_array() else {
        return Vec::new();
    };
    ranges
        .iter()
        .filter_map(|range| {
            let range = range.as_array()?;
            let start = u16::try_from(range.first()?.as_int()?).ok()?;
            let end = u16::try_from(range.get(1)?.as_int()?).ok()?;
            let port = range.get(2)?.as_array()?.get(1)?.as_int()?;
            Some((start, end, u16::try_from(port).ok()?))
        })
        .collect()
}
