//! `stats`: server numbers from INFO (per node and totals), the keyspace by
//! prefix from a SCAN or a random sample with pipelined TYPE / PTTL / MEMORY
//! USAGE, PING latency percentiles, `--watch`, and Prometheus output.

use std::io::{self, IsTerminal, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use redis::Value;
use serde_json::json;

use super::Ctx;
use crate::cli::StatsArgs;
use crate::core::bulk::compat::{drive_counting as drive, Flow};
use crate::core::conn::{unreachable_failure, DownNode, Idempotent, Redis, Routed};
use crate::core::info::{interval, node_stats, replicas, total, Replica, ServerStats};
use crate::core::interrupt::Interrupt;
use crate::core::scan::{scan_all, KeyBatch, ScanOpts};
use crate::error::CliError;
use crate::keys::{arg_bytes, escape_bytes};
use crate::keyspace::Keyspace;
use crate::output::Format;
use crate::output::{table, Outcome, Render};

/// TYPE, PTTL and MEMORY USAGE of every key, in one pipeline.
async fn inspect_keys(
    redis: &Redis,
    keys: &[Vec<u8>],
    into: &Mutex<Keyspace>,
) -> anyhow::Result<u64> {
    let mut cmds = Vec::with_capacity(keys.len() * 3);
    for k in keys {
        let mut t = redis::cmd("TYPE");
        t.arg(k);
        let mut p = redis::cmd("PTTL");
        p.arg(k);
        let mut m = redis::cmd("MEMORY");
        m.arg("USAGE").arg(k);
        cmds.push(Routed::new(k, t));
        cmds.push(Routed::new(k, p));
        cmds.push(Routed::new(k, m));
    }
    let r = redis.batch(cmds, Idempotent::Yes).await?.replies;
    let mut ks = into
        .lock()
        .map_err(|_| anyhow::anyhow!("keyspace tally poisoned"))?;
    let mut replies = r.into_iter();
    for k in keys {
        let (Some(t), Some(p), Some(m)) = (replies.next(), replies.next(), replies.next()) else {
            break;
        };
        let kind = match t {
            Value::SimpleString(s) => s,
            Value::BulkString(b) => String::from_utf8_lossy(&b).into_owned(),
            _ => continue,
        };
        let pttl = match p {
            Value::Int(n) => n,
            _ => -2,
        };
        let bytes = match m {
            Value::Int(n) => n.max(0) as u64,
            _ => 0,
        };
        ks.add(k, &kind, pttl, bytes);
    }
    Ok(keys.len() as u64)
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

async fn ping_latency(redis: &Redis, n: u32) -> anyhow::Result<Latency> {
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
    samples.sort_unstable();
    let pct = |p: f64| samples[((samples.len() as f64 - 1.0) * p).round() as usize];
    Ok(Latency {
        samples: samples.len(),
        p50_us: pct(0.5),
        p90_us: pct(0.9),
        p99_us: pct(0.99),
        max_us: samples.last().copied().unwrap_or(0),
    })
}

async fn server_part(
    redis: &Redis,
) -> anyhow::Result<(Vec<ServerStats>, ServerStats, Vec<Replica>)> {
    // Down primaries are shown on their own (see `StatsReport::unreachable`);
    // the totals are over the primaries that answered.
    let mut nodes = Vec::new();
    for n in redis.primaries() {
        nodes.push(node_stats(redis, &n).await?);
    }
    // Standalone: the one server is the total, under its own name.
    let t = if redis.is_cluster() {
        total(&nodes)
    } else {
        nodes[0].clone()
    };
    Ok((nodes, t, replicas(redis).await?))
}

pub async fn run(args: &StatsArgs, ctx: &Ctx) -> anyhow::Result<Outcome> {
    let redis = ctx.connect().await?;
    if let Some(every) = args.watch {
        return watch(args, ctx, &redis, every).await;
    }
    let (nodes, server, replicas) = server_part(&redis).await?;
    let down = redis.unreachable();
    let mut report = StatsReport {
        server,
        nodes,
        replicas,
        cluster: redis.is_cluster(),
        unreachable: down.clone(),
        ..Default::default()
    };
    // Totals without a down primary are partial: say so, and exit 3.
    let mut failure = (!down.is_empty())
        .then(|| anyhow::Error::from(unreachable_failure(&down)).context("stats are incomplete"));
    if args.scan || args.sample.is_some() {
        let interrupt = Interrupt::listen();
        let agg = Arc::new(Mutex::new(Keyspace::new(args.depth as usize, args.top)));
        let rx = match args.sample {
            Some(n) => sample_stream(&redis, n, report.nodes.iter().map(|n| n.keys).collect()),
            None => {
                let pattern = args
                    .pattern
                    .as_deref()
                    .map(arg_bytes)
                    .unwrap_or_else(|| b"*".to_vec());
                let opts = ScanOpts {
                    pattern: ctx.ns.pattern(&pattern),
                    count: args.count,
                    key_type: None,
                };
                scan_all(&redis, &opts, &|_| Some(0), 16)
            }
        };
        let bar = ctx.printer.progress(
            Some(report.server.keys.max(1)),
            "{spinner} [{bar:30}] {pos}/{len} keys {per_sec} eta {eta}",
        );
        // Three commands per key: deep pipelines, several in flight.
        let flow = Flow {
            batch: 1000,
            in_flight: 16,
            rate: None,
            max_latency: None,
            limit: None,
        };
        let mut result = drive(
            rx,
            &flow,
            &interrupt,
            |nodes| bar.set_position(nodes.values().map(|t| t.done).sum()),
            |_, _| {},
            |_, keys| {
                let redis = redis.clone();
                let agg = agg.clone();
                async move { inspect_keys(&redis, &keys, &agg).await }
            },
        )
        .await;
        bar.finish_and_clear();
        if let Some(e) = result.failure() {
            failure = Some(e);
        }
        let mut ks = Arc::try_unwrap(agg)
            .ok()
            .and_then(|m| m.into_inner().ok())
            .unwrap_or_default();
        let inspected = ks.keys;
        if args.sample.is_some() && inspected > 0 {
            ks.scale(report.server.keys as f64 / inspected as f64);
        }
        report.keyspace = Some(KeyspacePart {
            ks,
            sampled: args.sample.map(|_| inspected),
        });
    }
    if let Some(n) = args.latency {
        report.latency = Some(ping_latency(&redis, n).await?);
    }
    Ok(Outcome::with_failure(report, failure))
}

async fn watch(
    args: &StatsArgs,
    ctx: &Ctx,
    redis: &Redis,
    every: Duration,
) -> anyhow::Result<Outcome> {
    let interrupt = Interrupt::listen();
    let redraw = io::stdout().is_terminal() && ctx.printer.format == Format::Table;
    let (_, mut prev, _) = server_part(redis).await?;
    let mut prev_at = Instant::now();
    let mut rounds = 0u64;
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = interrupt.wait() => return Ok(Outcome { report: None, failure: Some(CliError::Interrupted.into()) }),
        }
        let (nodes, server, replicas) = server_part(redis).await?;
        let (ops, rate) = interval(&prev, &server, prev_at.elapsed().as_secs_f64());
        prev = server.clone();
        prev_at = Instant::now();
        let report = StatsReport {
            server,
            nodes,
            replicas,
            cluster: redis.is_cluster(),
            unreachable: redis.unreachable(),
            interval: Some((ops, rate, every)),
            ..Default::default()
        };
        if redraw {
            // Clear the screen and draw from the top: a refresh in place.
            print!("\x1b[2J\x1b[H");
        }
        ctx.printer.print_render(&report)?;
        rounds += 1;
        if args.iterations.is_some_and(|n| rounds >= n) {
            return Ok(Outcome {
                report: None,
                failure: None,
            });
        }
    }
}

#[derive(Default, Clone, Copy)]
struct Latency {
    samples: usize,
    p50_us: u64,
    p90_us: u64,
    p99_us: u64,
    max_us: u64,
}

struct KeyspacePart {
    ks: Keyspace,
    sampled: Option<u64>,
}

#[derive(Default)]
struct StatsReport {
    server: ServerStats,
    nodes: Vec<ServerStats>,
    replicas: Vec<Replica>,
    cluster: bool,
    /// Primaries that own slots but did not answer.
    unreachable: Vec<DownNode>,
    keyspace: Option<KeyspacePart>,
    latency: Option<Latency>,
    /// ops/s and hit rate over the last --watch interval.
    interval: Option<(f64, Option<f64>, Duration)>,
}

fn bytes(n: u64) -> String {
    indicatif::HumanBytes(n).to_string()
}

fn pct(r: Option<f64>) -> String {
    r.map(|r| format!("{:.1}%", r * 100.0))
        .unwrap_or_else(|| "-".into())
}

/// Prometheus label values escape backslash, double quote and newline.
fn label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

impl Render for StatsReport {
    fn json(&self) -> serde_json::Value {
        let mut v = json!({ "server": self.server });
        if let Some((ops, rate, every)) = self.interval {
            v["interval"] =
                json!({"seconds": every.as_secs_f64(), "ops_per_sec": ops, "hit_rate": rate});
        }
        if self.cluster {
            v["nodes"] = json!(self.nodes);
            v["replicas"] = json!(self.replicas);
            v["unreachable"] = self
                .unreachable
                .iter()
                .map(|d| json!({"node": d.addr, "slots": d.slot_list(), "reason": d.reason}))
                .collect();
        }
        let mut keyspace = json!({ "keys": self.server.keys });
        if let Some(k) = &self.keyspace {
            let ks = &k.ks;
            keyspace = json!({
                "keys": ks.keys,
                "memory_bytes": ks.memory_bytes,
                "no_ttl": ks.ttl.no_ttl,
                "no_ttl_share": if ks.keys > 0 { ks.ttl.no_ttl as f64 / ks.keys as f64 } else { 0.0 },
                "sampled": k.sampled,
                "ttl": {"no_ttl": ks.ttl.no_ttl, "lt_1m": ks.ttl.lt_1m, "lt_1h": ks.ttl.lt_1h, "lt_1d": ks.ttl.lt_1d, "ge_1d": ks.ttl.ge_1d},
                "types": ks.types,
                "by_prefix": ks.by_prefix().iter().map(|(p, a)| json!({
                    "prefix": escape_bytes(p), "keys": a.keys, "no_ttl": a.no_ttl, "memory_bytes": a.memory_bytes
                })).collect::<Vec<_>>(),
                "biggest": ks.biggest().iter().map(|(b, k, t)| json!({"key": escape_bytes(k), "type": t, "memory_bytes": b})).collect::<Vec<_>>(),
            });
        }
        v["keyspace"] = keyspace;
        if let Some(l) = self.latency {
            v["latency"] = json!({"samples": l.samples, "p50_us": l.p50_us, "p90_us": l.p90_us, "p99_us": l.p99_us, "max_us": l.max_us});
        }
        v
    }

    fn tables(&self) -> Vec<comfy_table::Table> {
        let mut out = Vec::new();
        let mut t = table(&[
            "node",
            "role",
            "version",
            "keys",
            "memory",
            "max / policy",
            "hit rate",
            "ops/s",
            "clients",
            "evicted",
            "expired",
        ]);
        let row = |s: &ServerStats| {
            vec![
                s.node.clone(),
                s.role.clone(),
                format!("{} {}", s.server_name, s.version),
                s.keys.to_string(),
                format!(
                    "{} (peak {}, frag {:.2})",
                    bytes(s.memory_used),
                    bytes(s.memory_peak),
                    s.fragmentation
                ),
                format!(
                    "{} / {}",
                    if s.maxmemory == 0 {
                        "none".into()
                    } else {
                        bytes(s.maxmemory)
                    },
                    s.maxmemory_policy
                ),
                pct(s.hit_rate),
                s.ops_per_sec.to_string(),
                s.clients.to_string(),
                s.evicted_keys.to_string(),
                s.expired_keys.to_string(),
            ]
        };
        if self.cluster {
            for n in &self.nodes {
                t.add_row(row(n));
            }
            for d in &self.unreachable {
                t.add_row(vec![
                    d.addr.clone(),
                    "primary: UNREACHABLE".into(),
                    format!("slots {}: {}", d.slot_list(), d.reason),
                ]);
            }
            for r in &self.replicas {
                t.add_row(vec![
                    r.node.clone(),
                    format!("replica of {}", r.primary),
                    r.link.clone(),
                ]);
            }
        }
        t.add_row(row(&self.server));
        out.push(t);
        if let Some((ops, rate, every)) = self.interval {
            let mut i = table(&["interval", "ops/s", "hit rate"]);
            i.add_row(vec![
                humantime::format_duration(every).to_string(),
                format!("{ops:.0}"),
                pct(rate),
            ]);
            out.push(i);
        }
        if let Some(k) = &self.keyspace {
            let ks = &k.ks;
            let mut p = table(&["prefix", "keys", "no TTL", "memory"]);
            for (name, a) in ks.by_prefix().iter().take(50) {
                p.add_row(vec![
                    escape_bytes(name),
                    a.keys.to_string(),
                    a.no_ttl.to_string(),
                    bytes(a.memory_bytes),
                ]);
            }
            out.push(p);
            let mut s = table(&[
                "keys", "memory", "no TTL", "<1m", "<1h", "<1d", ">=1d", "types",
            ]);
            let share = if ks.keys > 0 {
                ks.ttl.no_ttl as f64 * 100.0 / ks.keys as f64
            } else {
                0.0
            };
            s.add_row(vec![
                format!(
                    "{}{}",
                    ks.keys,
                    k.sampled
                        .map(|n| format!(" (from {n} sampled)"))
                        .unwrap_or_default()
                ),
                bytes(ks.memory_bytes),
                format!("{} ({share:.1}%)", ks.ttl.no_ttl),
                ks.ttl.lt_1m.to_string(),
                ks.ttl.lt_1h.to_string(),
                ks.ttl.lt_1d.to_string(),
                ks.ttl.ge_1d.to_string(),
                ks.types
                    .iter()
                    .map(|(t, n)| format!("{t} {n}"))
                    .collect::<Vec<_>>()
                    .join(", "),
            ]);
            out.push(s);
            let big = ks.biggest();
            if !big.is_empty() {
                let mut b = table(&["biggest keys", "type", "memory"]);
                for (n, key, kind) in big {
                    b.add_row(vec![escape_bytes(&key), kind, bytes(n)]);
                }
                out.push(b);
            }
        }
        if let Some(l) = self.latency {
            let mut t = table(&["PING samples", "p50", "p90", "p99", "max"]);
            t.add_row(vec![
                l.samples.to_string(),
                format!("{} µs", l.p50_us),
                format!("{} µs", l.p90_us),
                format!("{} µs", l.p99_us),
                format!("{} µs", l.max_us),
            ]);
            out.push(t);
        }
        out
    }

    fn plain(&self, out: &mut dyn Write) -> io::Result<()> {
        let s = &self.server;
        writeln!(out, "server_name\t{}", s.server_name)?;
        writeln!(out, "version\t{}", s.version)?;
        writeln!(out, "keys\t{}", s.keys)?;
        writeln!(out, "memory_used\t{}", s.memory_used)?;
        writeln!(
            out,
            "hit_rate\t{}",
            s.hit_rate
                .map(|r| format!("{r:.4}"))
                .unwrap_or_else(|| "-".into())
        )?;
        writeln!(out, "evicted_keys\t{}", s.evicted_keys)?;
        writeln!(out, "expired_keys\t{}", s.expired_keys)?;
        if let Some(k) = &self.keyspace {
            for (p, a) in k.ks.by_prefix() {
                writeln!(
                    out,
                    "prefix\t{}\t{}\t{}\t{}",
                    escape_bytes(&p),
                    a.keys,
                    a.no_ttl,
                    a.memory_bytes
                )?;
            }
        }
        Ok(())
    }

    fn prometheus(&self) -> Option<String> {
        let mut o = String::new();
        let mut metric = |name: &str, kind: &str, help: &str, samples: Vec<(String, String)>| {
            o.push_str(&format!(
                "# HELP cachectl_{name} {help}\n# TYPE cachectl_{name} {kind}\n"
            ));
            for (labels, value) in samples {
                o.push_str(&format!("cachectl_{name}{{{labels}}} {value}\n"));
            }
        };
        let per_node = |f: &dyn Fn(&ServerStats) -> String| -> Vec<(String, String)> {
            let list: Vec<&ServerStats> = if self.cluster {
                self.nodes.iter().collect()
            } else {
                vec![&self.server]
            };
            list.into_iter()
                .map(|n| (format!("node=\"{}\"", label(&n.node)), f(n)))
                .collect()
        };
        metric(
            "memory_used_bytes",
            "gauge",
            "Memory used by the server.",
            per_node(&|n| n.memory_used.to_string()),
        );
        metric(
            "memory_max_bytes",
            "gauge",
            "maxmemory (0: no limit).",
            per_node(&|n| n.maxmemory.to_string()),
        );
        metric(
            "keys",
            "gauge",
            "Keys in the server.",
            per_node(&|n| n.keys.to_string()),
        );
        metric(
            "connected_clients",
            "gauge",
            "Connected clients.",
            per_node(&|n| n.clients.to_string()),
        );
        metric(
            "ops_per_second",
            "gauge",
            "Instantaneous operations per second.",
            per_node(&|n| n.ops_per_sec.to_string()),
        );
        metric(
            "keyspace_hits_total",
            "counter",
            "Successful key lookups.",
            per_node(&|n| n.keyspace_hits.to_string()),
        );
        metric(
            "keyspace_misses_total",
            "counter",
            "Failed key lookups.",
            per_node(&|n| n.keyspace_misses.to_string()),
        );
        metric(
            "evicted_keys_total",
            "counter",
            "Keys evicted by maxmemory.",
            per_node(&|n| n.evicted_keys.to_string()),
        );
        metric(
            "expired_keys_total",
            "counter",
            "Keys expired.",
            per_node(&|n| n.expired_keys.to_string()),
        );
        metric(
            "hit_ratio",
            "gauge",
            "Keyspace hits / (hits + misses) since start.",
            per_node(&|n| {
                n.hit_rate
                    .map(|r| format!("{r}"))
                    .unwrap_or_else(|| "NaN".into())
            }),
        );
        if self.cluster {
            // Down primaries have no other samples: 0 here is what alerts on.
            let mut up = per_node(&|_| "1".into());
            up.extend(
                self.unreachable
                    .iter()
                    .map(|d| (format!("node=\"{}\"", label(&d.addr)), "0".into())),
            );
            metric(
                "node_up",
                "gauge",
                "1 if the primary answered, 0 if it is down.",
                up,
            );
        }
        if let Some(k) = &self.keyspace {
            let rows = k.ks.by_prefix();
            let by = |f: &dyn Fn(&crate::keyspace::PrefixAgg) -> u64| -> Vec<(String, String)> {
                rows.iter()
                    .map(|(p, a)| {
                        (
                            format!("prefix=\"{}\"", label(&escape_bytes(p))),
                            f(a).to_string(),
                        )
                    })
                    .collect()
            };
            metric(
                "prefix_keys",
                "gauge",
                "Keys per namespace prefix.",
                by(&|a| a.keys),
            );
            metric(
                "prefix_no_ttl_keys",
                "gauge",
                "Keys without a TTL per namespace prefix.",
                by(&|a| a.no_ttl),
            );
            metric(
                "prefix_memory_bytes",
                "gauge",
                "Memory per namespace prefix (MEMORY USAGE).",
                by(&|a| a.memory_bytes),
            );
        }
        Some(o)
    }
}
