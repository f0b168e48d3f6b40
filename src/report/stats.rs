//! `stats`: server numbers per primary and in total, the replicas, the
//! keyspace by prefix (with `--scan` / `--sample`), PING latency, and the
//! rates of a `--watch` interval.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::core::conn::DownNode;
use crate::core::info::{Replica, ServerStats};
use crate::core::stats::Latency;
use crate::keyspace::{Keyspace, TtlBuckets};

#[derive(Debug, Clone, Serialize)]
pub struct StatsReport {
    pub server: ServerStats,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<Interval>,
    /// Only on a cluster.
    #[serde(flatten)]
    pub cluster: Option<ClusterPart>,
    pub keyspace: KeyspaceReport,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency: Option<Latency>,
}

/// Rates over the last `--watch` interval, not since the server started.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Interval {
    pub seconds: f64,
    pub ops_per_sec: f64,
    pub hit_rate: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClusterPart {
    pub nodes: Vec<ServerStats>,
    pub replicas: Vec<Replica>,
    pub unreachable: Vec<Unreachable>,
}

/// A primary that owns slots but did not answer.
#[derive(Debug, Clone, Serialize)]
pub struct Unreachable {
    pub node: String,
    /// `0-5460,6000`, as CLUSTER NODES writes them.
    pub slots: String,
    pub reason: String,
}

impl From<&DownNode> for Unreachable {
    fn from(d: &DownNode) -> Self {
        Unreachable {
            node: d.addr.clone(),
            slots: d.slot_list(),
            reason: d.reason.clone(),
        }
    }
}

/// The key count from INFO, and with `--scan` / `--sample` the tally.
#[derive(Debug, Clone, Serialize)]
pub struct KeyspaceReport {
    pub keys: u64,
    #[serde(flatten)]
    pub scan: Option<KeyspaceScan>,
}

#[derive(Debug, Clone, Serialize)]
pub struct KeyspaceScan {
    pub memory_bytes: u64,
    pub no_ttl: u64,
    pub no_ttl_share: f64,
    /// Keys read by `--sample` (the counts are scaled up to the keyspace).
    pub sampled: Option<u64>,
    pub ttl: TtlBuckets,
    pub types: BTreeMap<String, u64>,
    /// By memory, biggest first.
    pub by_prefix: Vec<PrefixRow>,
    pub biggest: Vec<BigKey>,
    /// More prefixes than are kept apart: the rest are in `(other)`.
    #[serde(skip)]
    pub overflowed: bool,
    /// Prefix rows a table shows (`--rows`); JSON and plain list all.
    #[serde(skip)]
    pub show_prefixes: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct PrefixRow {
    #[serde(with = "crate::keys::escaped")]
    pub prefix: Vec<u8>,
    pub keys: u64,
    pub no_ttl: u64,
    pub memory_bytes: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct BigKey {
    #[serde(with = "crate::keys::escaped")]
    pub key: Vec<u8>,
    #[serde(rename = "type")]
    pub kind: String,
    pub memory_bytes: u64,
}

impl KeyspaceScan {
    pub fn new(ks: &Keyspace, sampled: Option<u64>, show_prefixes: usize) -> Self {
        KeyspaceScan {
            memory_bytes: ks.memory_bytes,
            no_ttl: ks.ttl.no_ttl,
            no_ttl_share: if ks.keys > 0 {
                ks.ttl.no_ttl as f64 / ks.keys as f64
            } else {
                0.0
            },
            sampled,
            ttl: ks.ttl,
            types: ks.types.clone(),
            by_prefix: ks
                .by_prefix()
                .into_iter()
                .map(|(prefix, a)| PrefixRow {
                    prefix,
                    keys: a.keys,
                    no_ttl: a.no_ttl,
                    memory_bytes: a.memory_bytes,
                })
                .collect(),
            biggest: ks
                .biggest()
                .into_iter()
                .map(|(memory_bytes, key, kind)| BigKey {
                    key,
                    kind,
                    memory_bytes,
                })
                .collect(),
            overflowed: ks.overflowed,
            show_prefixes,
        }
    }
}
