//! What `stats` gathers: INFO of every primary (and the totals), the replicas,
//! the keyspace by prefix from a SCAN or a RANDOMKEY sample with pipelined
//! TYPE / PTTL / MEMORY USAGE, and PING round trips. Typed facts only.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::bulk::{drive, Flow};
use super::conn::{DownNode, Idempotent, Redis};
use super::info::{node_stats, replicas, total, Replica, ServerStats};
use super::interrupt::Interrupt;
use super::meta::{meta, Meta, What};
use super::probe::Neighbour;
use super::scan::{scan_all, KeyBatch, ScanOpts};
use crate::keyspace::Keyspace;

/// INFO of every primary that answered, their total, and the replicas.
pub struct Servers {
    pub nodes: Vec<ServerStats>,
    /// Standalone: the one server, under its own name.
    pub total: ServerStats,
    pub replicas: Vec<Replica>,
    /// Primaries that own slots but did not answer.
    pub unreachable: Vec<DownNode>,
}

pub async fn servers(redis: &Redis) -> anyhow::Result<Servers> {
    // Down primaries are listed on their own; the totals are over the
    // primaries that answered.
    let mut nodes = Vec::new();
    for n in redis.primaries() {
        nodes.push(node_stats(redis, &n).await?);
    }
    let total = match (redis.is_cluster(), nodes.first()) {
        (false, Some(one)) => one.clone(),
        _ => total(&nodes),
    };
    Ok(Servers {
        nodes,
        total,
        replicas: replicas(redis).await?,
        unreachable: redis.unreachable(),
    })
}

/// Where the keys to tally come from.
pub enum Source {
    /// Every key matching the pattern (SCAN).
    Scan { pattern: Vec<u8>, count: u32 },
    /// About `n` random keys, spread over the primaries by their size.
    Sample { n: u64, sizes: Vec<u64> },
}

/// How keys are grouped.
#[derive(Debug, Clone, Copy)]
pub struct Grouping {
    pub depth: usize,
    pub top: usize,
    /// `user:<id>:profile` as `user:*:profile`.
    pub collapse_ids: bool,
}

/// The tally of a scan or sample; `failure` when it stopped early (Ctrl-C,
/// a server error): the tally is then of the keys read until then.
pub struct Tally {
    pub keyspace: Keyspace,
    /// Keys actually read (the sample size, before scaling).
    pub inspected: u64,
    pub failure: Option<anyhow::Error>,
}

/// Read every key of `source` and tally it; `progress` gets the keys done.
pub async fn tally(
    redis: &Arc<Redis>,
    source: Source,
    grouping: Grouping,
    budget: Option<Duration>,
    interrupt: &Interrupt,
    progress: impl Fn(u64),
) -> Tally {
    let mut keyspace =
        Keyspace::new(grouping.depth, grouping.top).collapse_ids(grouping.collapse_ids);
    let rx = match source {
        Source::Sample { n, sizes } => sample_stream(redis, n, sizes),
        Source::Scan { pattern, count } => {
            let opts = ScanOpts {
                pattern,
                count,
                key_type: None,
            };
            scan_all(redis, &opts, &|_| Some(0), 16)
        }
    };
    // Three commands per key: deep pipelines, several in flight.
    let flow = Flow {
        batch: 1000,
        in_flight: 16,
        neighbour: Neighbour::for_budget(redis, budget).await,
        ..Flow::default()
    };
    let what = What::TYPE | What::TTL | What::MEMORY;
    let result = drive(
        rx,
        &flow,
        interrupt,
        |nodes| progress(nodes.values().map(|t| t.done).sum()),
        |_, _| {},
        |_, keys: Vec<Vec<u8>>| {
            let redis = redis.clone();
            async move {
                let facts = meta(&redis, &keys, what).await?;
                Ok((keys, facts))
            }
        },
        // On the driver's task, one chunk at a time: a plain local tally.
        |_, (keys, facts): (Vec<Vec<u8>>, Vec<Meta>)| {
            for (key, m) in keys.iter().zip(&facts) {
                // Expired or deleted between the scan and the read.
                let (Some(kind), Some(ttl), false) = (m.kind, m.ttl, m.gone) else {
                    continue;
                };
                keyspace.add(key, kind.as_str(), ttl.pttl(), m.memory.unwrap_or(0));
            }
            Ok(keys.len() as u64)
        },
    )
    .await;
    Tally {
        inspected: keyspace.keys,
        keyspace,
        failure: result.stop.into_failure(),
    }
}

/// Sample keys with RANDOMKEY, spread over the primaries by their size.
fn sample_stream(
    redis: &Arc<Redis>,
    n: u64,
    sizes: Vec<u64>,
) -> tokio::sync::mpsc::Receiver<anyhow::Result<KeyBatch>> {
    let (tx, rx) = tokio::sync::mpsc::channel(8);
    let redis = redis.clone();
    tokio::spawn(async move {
        let all: u64 = sizes.iter().sum::<u64>().max(1);
        for (node, size) in redis.primaries().into_iter().zip(sizes) {
            let mut left = (n as f64 * size as f64 / all as f64).round() as u64;
            while left > 0 {
                let take = left.min(1000);
                left -= take;
                let mut pipe = redis::pipe();
                for _ in 0..take {
                    pipe.cmd("RANDOMKEY");
                }
                let keys: Vec<Vec<u8>> = match redis
                    .on_node_pipeline::<Vec<Option<Vec<u8>>>>(&node, &pipe)
                    .await
                {
                    Ok(v) => v.into_iter().flatten().collect(),
                    Err(e) => {
                        let _ = tx.send(Err(e)).await;
                        return;
                    }
                };
                let batch = KeyBatch {
                    node: node.clone(),
                    keys,
                    cursor: None,
                };
                if tx.send(Ok(batch)).await.is_err() {
                    return;
                }
            }
        }
    });
    rx
}

/// PING round trips to the first primary, in microseconds.
#[derive(Debug, Default, Clone, Copy, Serialize)]
pub struct Latency {
    pub samples: usize,
    pub p50_us: u64,
    pub p90_us: u64,
    pub p99_us: u64,
    pub max_us: u64,
}

pub async fn ping_latency(redis: &Redis, n: u32) -> anyhow::Result<Latency> {
    let Some(node) = redis.primaries().into_iter().next() else {
        return Ok(Latency::default());
    };
    let ping = redis::cmd("PING");
    let mut samples = Vec::with_capacity(n as usize);
    for _ in 0..n {
        let t0 = Instant::now();
        let _: String = redis.on_node(&node, &ping, Idempotent::Yes).await?;
        samples.push(t0.elapsed().as_micros() as u64);
    }
    Ok(percentiles(samples))
}

fn percentiles(mut samples: Vec<u64>) -> Latency {
    samples.sort_unstable();
    let pct = |p: f64| {
        let at = ((samples.len() as f64 - 1.0) * p).round() as usize;
        samples.get(at).copied().unwrap_or(0)
    };
    Latency {
        samples: samples.len(),
        p50_us: pct(0.5),
        p90_us: pct(0.9),
        p99_us: pct(0.99),
        max_us: samples.last().copied().unwrap_or(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_of_known_samples() {
        let l = percentiles((1..=100).rev().collect());
        assert_eq!(
            (l.samples, l.p50_us, l.p90_us, l.p99_us, l.max_us),
            (100, 51, 90, 99, 100)
        );
        assert_eq!(percentiles(Vec::new()).samples, 0);
    }
}
