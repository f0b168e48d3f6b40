//! `stats`: a summary block and per-node tables for a person, one fact per
//! line for scripts (every JSON field, under its JSON name), and the
//! Prometheus text exposition format.

use std::io::{self, Write};

use super::fmt;
use super::grid::{Grid, Pairs};
use super::View;
use crate::core::info::ServerStats;
use crate::keys::escape_bytes;
use crate::keyspace::MAX_PREFIXES;
use crate::report::stats::{KeyspaceScan, PrefixRow, StatsReport};

fn hit_rate(r: Option<f64>) -> String {
    r.map(|r| format!("{:.1}%", r * 100.0))
        .unwrap_or_else(|| "-".into())
}

/// The same number the JSON form has (`0.75`, `1.0`): plain output is for
/// scripts that may read either.
fn number(v: f64) -> String {
    serde_json::to_string(&v).unwrap_or_else(|_| "-".into())
}

fn opt_number(v: Option<f64>) -> String {
    v.map(number).unwrap_or_else(|| "-".into())
}

/// Every field of a server's numbers, by its JSON name, as plain text.
fn server_fields(s: &ServerStats) -> Vec<(&'static str, String)> {
    vec![
        ("node", s.node.clone()),
        ("server_name", s.server_name.clone()),
        ("version", s.version.clone()),
        ("mode", s.mode.clone()),
        ("role", s.role.clone()),
        ("uptime_s", s.uptime_s.to_string()),
        ("clients", s.clients.to_string()),
        ("ops_per_sec", s.ops_per_sec.to_string()),
        ("total_commands", s.total_commands.to_string()),
        ("memory_used", s.memory_used.to_string()),
        ("memory_peak", s.memory_peak.to_string()),
        ("maxmemory", s.maxmemory.to_string()),
        ("maxmemory_policy", s.maxmemory_policy.clone()),
        ("fragmentation", number(s.fragmentation)),
        ("evicted_keys", s.evicted_keys.to_string()),
        ("expired_keys", s.expired_keys.to_string()),
        ("keyspace_hits", s.keyspace_hits.to_string()),
        ("keyspace_misses", s.keyspace_misses.to_string()),
        ("hit_rate", opt_number(s.hit_rate)),
        ("keys", s.keys.to_string()),
        ("keys_with_ttl", s.keys_with_ttl.to_string()),
    ]
}

/// The summary of one server or of the cluster's primaries.
fn server_block(r: &StatsReport) -> Pairs {
    let s = &r.server;
    let mut p = match &r.cluster {
        Some(c) => Pairs::new().title(format!(
            "cluster: {} primaries in total",
            c.nodes.len() + c.unreachable.len()
        )),
        None => Pairs::new().title(format!("server {}", s.node)),
    };
    p.add(
        "server",
        format!("{} {} ({})", s.server_name, s.version, s.mode),
    );
    match &r.cluster {
        Some(c) if !c.unreachable.is_empty() => {
            p.add(
                "primaries",
                format!(
                    "{} answered, {} unreachable",
                    c.nodes.len(),
                    c.unreachable.len()
                ),
            );
        }
        Some(_) => {}
        None => {
            p.add("role", s.role.clone());
        }
    }
    // Whole seconds: a server up for less than one is up "0s", not "0ms".
    let uptime = match s.uptime_s {
        0 => "0s".to_string(),
        n => fmt::ms(n as f64 * 1000.0),
    };
    p.add("uptime", uptime)
        .add(
            "keys",
            format!(
                "{} ({} with a TTL)",
                fmt::count(s.keys),
                fmt::count(s.keys_with_ttl)
            ),
        )
        .add(
            "memory",
            format!(
                "{} (peak {}, fragmentation {:.2})",
                fmt::bytes(s.memory_used),
                fmt::bytes(s.memory_peak),
                s.fragmentation
            ),
        )
        .add(
            "max memory",
            format!(
                "{} ({})",
                if s.maxmemory == 0 {
                    "no limit".to_string()
                } else {
                    fmt::bytes(s.maxmemory)
                },
                s.maxmemory_policy
            ),
        )
        .add(
            "hit rate",
            format!(
                "{} ({} hits, {} misses)",
                hit_rate(s.hit_rate),
                fmt::count(s.keyspace_hits),
                fmt::count(s.keyspace_misses)
            ),
        )
        .add("ops/s", fmt::count(s.ops_per_sec))
        .add("clients", fmt::count(s.clients))
        .add("evicted keys", fmt::count(s.evicted_keys))
        .add("expired keys", fmt::count(s.expired_keys));
    if let Some(i) = r.interval {
        p.add(
            format!("last {}", fmt::ms(i.seconds * 1000.0)),
            format!(
                "{} ops/s, hit rate {}",
                fmt::count(i.ops_per_sec.round() as u64),
                hit_rate(i.hit_rate)
            ),
        );
    }
    p
}

fn prefix_grid(ks: &KeyspaceScan) -> Grid {
    let mut g = Grid::new(&["prefix", "keys", "no TTL", "memory"]).title("prefixes, by memory");
    let shown = ks.show_prefixes.min(ks.by_prefix.len());
    for row in &ks.by_prefix[..shown] {
        g.row(prefix_cells(row));
    }
    let mut notes = Vec::new();
    if shown < ks.by_prefix.len() {
        notes.push(format!(
            "showing {} of {} prefixes; --rows N for more",
            fmt::count(shown as u64),
            fmt::count(ks.by_prefix.len() as u64)
        ));
    }
    if ks.overflowed {
        notes.push(format!(
            "more than {} prefixes: the rest are counted as (other) (see --depth)",
            fmt::count(MAX_PREFIXES as u64)
        ));
    }
    if !notes.is_empty() {
        g.footer(notes.join("\n"));
    }
    g
}

fn prefix_cells(row: &PrefixRow) -> Vec<String> {
    vec![
        escape_bytes(&row.prefix),
        fmt::count(row.keys),
        fmt::count(row.no_ttl),
        fmt::bytes(row.memory_bytes),
    ]
}

fn keyspace_block(ks: &KeyspaceScan, keys: u64) -> Pairs {
    let title = match ks.sampled {
        Some(n) => format!("keyspace, estimated from {} sampled keys", fmt::count(n)),
        None => "keyspace".to_string(),
    };
    let mut p = Pairs::new().title(title);
    p.add("keys", fmt::count(keys))
        .add("memory", fmt::bytes(ks.memory_bytes))
        .add(
            "no TTL",
            format!(
                "{} ({})",
                fmt::count(ks.no_ttl),
                fmt::percent(ks.no_ttl, keys)
            ),
        )
        .add("TTL under 1m", fmt::count(ks.ttl.lt_1m))
        .add("TTL under 1h", fmt::count(ks.ttl.lt_1h))
        .add("TTL under 1d", fmt::count(ks.ttl.lt_1d))
        .add("TTL 1d or more", fmt::count(ks.ttl.ge_1d));
    let types: Vec<String> = ks
        .types
        .iter()
        .map(|(t, n)| format!("{t} {}", fmt::count(*n)))
        .collect();
    p.add(
        "types",
        if types.is_empty() {
            "-".to_string()
        } else {
            types.join(", ")
        },
    );
    p
}

impl View for StatsReport {
    fn table(&self, out: &mut dyn Write, width: usize) -> io::Result<()> {
        server_block(self).render(out, width)?;
        if let Some(c) = &self.cluster {
            let mut g = Grid::new(&["node", "keys", "memory", "hit rate", "ops/s", "clients"])
                .title("primaries");
            for n in &c.nodes {
                g.row(vec![
                    n.node.clone(),
                    fmt::count(n.keys),
                    fmt::bytes(n.memory_used),
                    hit_rate(n.hit_rate),
                    fmt::count(n.ops_per_sec),
                    fmt::count(n.clients),
                ]);
            }
            writeln!(out)?;
            g.render(out, width)?;
            if !c.unreachable.is_empty() {
                let mut g =
                    Grid::new(&["node", "slots", "reason"]).title("primaries that did not answer");
                for d in &c.unreachable {
                    g.row(vec![d.node.clone(), d.slots.clone(), d.reason.clone()]);
                }
                writeln!(out)?;
                g.render(out, width)?;
            }
            if !c.replicas.is_empty() {
                let mut g = Grid::new(&["node", "replica of", "link"]).title("replicas");
                for r in &c.replicas {
                    g.row(vec![r.node.clone(), r.primary.clone(), r.link.clone()]);
                }
                writeln!(out)?;
                g.render(out, width)?;
            }
        }
        if let Some(ks) = &self.keyspace.scan {
            writeln!(out)?;
            keyspace_block(ks, self.keyspace.keys).render(out, width)?;
            if !ks.by_prefix.is_empty() {
                writeln!(out)?;
                prefix_grid(ks).render(out, width)?;
            }
            if !ks.biggest.is_empty() {
                let mut g = Grid::new(&["key", "type", "memory"]).title("biggest keys");
                for b in &ks.biggest {
                    g.row(vec![
                        escape_bytes(&b.key),
                        b.kind.clone(),
                        fmt::bytes(b.memory_bytes),
                    ]);
                }
                writeln!(out)?;
                g.render(out, width)?;
            }
        }
        if let Some(l) = self.latency {
            let us = |v: u64| fmt::ms(v as f64 / 1000.0);
            let mut p = Pairs::new().title(format!(
                "PING round trip, {} samples",
                fmt::count(l.samples as u64)
            ));
            p.add("p50", us(l.p50_us))
                .add("p90", us(l.p90_us))
                .add("p99", us(l.p99_us))
                .add("max", us(l.max_us));
            writeln!(out)?;
            p.render(out, width)?;
        }
        Ok(())
    }

    /// `name<TAB>value` per fact: the server's numbers under their JSON names
    /// (as before), everything else under its JSON path (`keyspace.ttl.lt_1m`),
    /// and rows (`nodes`, `replica`, `unreachable`, `type`, `prefix`,
    /// `biggest`) as tab-separated records.
    fn plain(&self, out: &mut dyn Write) -> io::Result<()> {
        for (k, v) in server_fields(&self.server) {
            writeln!(out, "{k}\t{v}")?;
        }
        if let Some(i) = self.interval {
            writeln!(out, "interval.seconds\t{}", number(i.seconds))?;
            writeln!(out, "interval.ops_per_sec\t{}", number(i.ops_per_sec))?;
            writeln!(out, "interval.hit_rate\t{}", opt_number(i.hit_rate))?;
        }
        if let Some(c) = &self.cluster {
            for n in &c.nodes {
                for (k, v) in server_fields(n) {
                    writeln!(out, "nodes\t{}\t{k}\t{v}", n.node)?;
                }
            }
            for r in &c.replicas {
                writeln!(out, "replica\t{}\t{}\t{}", r.node, r.primary, r.link)?;
            }
            for d in &c.unreachable {
                writeln!(out, "unreachable\t{}\t{}\t{}", d.node, d.slots, d.reason)?;
            }
        }
        writeln!(out, "keyspace.keys\t{}", self.keyspace.keys)?;
        if let Some(ks) = &self.keyspace.scan {
            writeln!(out, "keyspace.memory_bytes\t{}", ks.memory_bytes)?;
            writeln!(out, "keyspace.no_ttl\t{}", ks.no_ttl)?;
            writeln!(out, "keyspace.no_ttl_share\t{}", number(ks.no_ttl_share))?;
            match ks.sampled {
                Some(n) => writeln!(out, "keyspace.sampled\t{n}")?,
                None => writeln!(out, "keyspace.sampled\t-")?,
            }
            let t = &ks.ttl;
            for (k, v) in [
                ("no_ttl", t.no_ttl),
                ("lt_1m", t.lt_1m),
                ("lt_1h", t.lt_1h),
                ("lt_1d", t.lt_1d),
                ("ge_1d", t.ge_1d),
            ] {
                writeln!(out, "keyspace.ttl.{k}\t{v}")?;
            }
            for (t, n) in &ks.types {
                writeln!(out, "type\t{t}\t{n}")?;
            }
            for p in &ks.by_prefix {
                writeln!(
                    out,
                    "prefix\t{}\t{}\t{}\t{}",
                    escape_bytes(&p.prefix),
                    p.keys,
                    p.no_ttl,
                    p.memory_bytes
                )?;
            }
            for b in &ks.biggest {
                writeln!(
                    out,
                    "biggest\t{}\t{}\t{}",
                    escape_bytes(&b.key),
                    b.kind,
                    b.memory_bytes
                )?;
            }
        }
        if let Some(l) = self.latency {
            writeln!(out, "latency.samples\t{}", l.samples)?;
            writeln!(out, "latency.p50_us\t{}", l.p50_us)?;
            writeln!(out, "latency.p90_us\t{}", l.p90_us)?;
            writeln!(out, "latency.p99_us\t{}", l.p99_us)?;
            writeln!(out, "latency.max_us\t{}", l.max_us)?;
        }
        Ok(())
    }

    fn prometheus(&self) -> Option<String> {
        Some(prometheus(self))
    }
}

/// Prometheus label values escape backslash, double quote and newline.
fn label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn prometheus(r: &StatsReport) -> String {
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
        let list: Vec<&ServerStats> = match &r.cluster {
            Some(c) => c.nodes.iter().collect(),
            None => vec![&r.server],
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
    if let Some(c) = &r.cluster {
        // Down primaries have no other samples: 0 here is what alerts on.
        let mut up = per_node(&|_| "1".into());
        up.extend(
            c.unreachable
                .iter()
                .map(|d| (format!("node=\"{}\"", label(&d.node)), "0".into())),
        );
        metric(
            "node_up",
            "gauge",
            "1 if the primary answered, 0 if it is down.",
            up,
        );
    }
    if let Some(ks) = &r.keyspace.scan {
        let by = |f: &dyn Fn(&PrefixRow) -> u64| -> Vec<(String, String)> {
            ks.by_prefix
                .iter()
                .map(|p| {
                    (
                        format!("prefix=\"{}\"", label(&escape_bytes(&p.prefix))),
                        f(p).to_string(),
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
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::info::Replica;
    use crate::core::stats::Latency;
    use crate::keyspace::TtlBuckets;
    use crate::output::testing::{plain, table};
    use crate::report::stats::{BigKey, ClusterPart, Interval, KeyspaceReport, Unreachable};

    fn server(node: &str, keys: u64) -> ServerStats {
        ServerStats {
            node: node.into(),
            server_name: "redis".into(),
            version: "7.0.15".into(),
            mode: "standalone".into(),
            role: "master".into(),
            uptime_s: 273_600,
            clients: 1024,
            ops_per_sec: 261_193,
            total_commands: 99_000_000,
            memory_used: 1_288_490_188,
            memory_peak: 1_610_612_736,
            maxmemory: 2_147_483_648,
            maxmemory_policy: "allkeys-lru".into(),
            fragmentation: 1.08,
            evicted_keys: 2_999_045,
            expired_keys: 120_345,
            keyspace_hits: 9_000_000,
            keyspace_misses: 1_000_000,
            hit_rate: Some(0.9),
            keys,
            keys_with_ttl: keys / 2,
        }
    }

    fn scan(prefixes: usize, show: usize) -> KeyspaceScan {
        let mut by_prefix = vec![
            PrefixRow {
                prefix: b"user:*:profile".to_vec(),
                keys: 2_000_000,
                no_ttl: 2_000_000,
                memory_bytes: 900_000_000,
            },
            PrefixRow {
                prefix: b"price:amazon:".to_vec(),
                keys: 999_945,
                no_ttl: 0,
                memory_bytes: 300_000_000,
            },
            PrefixRow {
                prefix: b"(none)".to_vec(),
                keys: 1,
                no_ttl: 1,
                memory_bytes: 72,
            },
        ];
        for i in 3..prefixes {
            by_prefix.push(PrefixRow {
                prefix: format!("job:{i}:").into_bytes(),
                keys: 1,
                no_ttl: 0,
                memory_bytes: 56,
            });
        }
        KeyspaceScan {
            memory_bytes: 1_200_000_128,
            no_ttl: 2_000_001,
            no_ttl_share: 2_000_001.0 / 2_999_946.0,
            sampled: None,
            ttl: TtlBuckets {
                no_ttl: 2_000_001,
                lt_1m: 45,
                lt_1h: 999_900,
                lt_1d: 0,
                ge_1d: 0,
            },
            types: [("hash".to_string(), 1), ("string".to_string(), 2_999_945)]
                .into_iter()
                .collect(),
            by_prefix,
            biggest: vec![
                BigKey {
                    key: b"report:2024\n\xff".to_vec(),
                    kind: "string".into(),
                    memory_bytes: 4_194_304,
                },
                BigKey {
                    key: b"user:42:profile".to_vec(),
                    kind: "hash".into(),
                    memory_bytes: 1_536,
                },
            ],
            overflowed: false,
            show_prefixes: show,
        }
    }

    fn standalone() -> StatsReport {
        let s = server("127.0.0.1:6379", 2_999_946);
        StatsReport {
            keyspace: KeyspaceReport {
                keys: s.keys,
                scan: Some(scan(3, 20)),
            },
            server: s,
            interval: None,
            cluster: None,
            latency: Some(Latency {
                samples: 1000,
                p50_us: 48,
                p90_us: 97,
                p99_us: 1_250,
                max_us: 20_400,
            }),
        }
    }

    fn cluster() -> StatsReport {
        let mut nodes: Vec<ServerStats> = ["127.0.0.1:30001", "127.0.0.1:30002"]
            .iter()
            .map(|n| {
                let mut s = server(n, 999_982);
                s.mode = "cluster".into();
                s
            })
            .collect();
        nodes[1].hit_rate = None;
        let mut total = crate::core::info::total(&nodes);
        total.node = "total".into();
        StatsReport {
            keyspace: KeyspaceReport {
                keys: total.keys,
                scan: None,
            },
            server: total,
            interval: Some(Interval {
                seconds: 2.0,
                ops_per_sec: 261_192.988_6,
                hit_rate: Some(0.995),
            }),
            cluster: Some(ClusterPart {
                nodes,
                replicas: vec![
                    Replica {
                        node: "127.0.0.1:30004".into(),
                        primary: "127.0.0.1:30001".into(),
                        link: "connected".into(),
                    },
                    Replica {
                        node: "127.0.0.1:30005".into(),
                        primary: "127.0.0.1:30002".into(),
                        link: "disconnected".into(),
                    },
                ],
                unreachable: vec![Unreachable {
                    node: "127.0.0.1:30003".into(),
                    slots: "10923-16383".into(),
                    reason: "connection refused".into(),
                }],
            }),
            latency: None,
        }
    }

    #[test]
    fn standalone_views() {
        for w in [80, 120] {
            insta::assert_snapshot!(format!("stats_standalone_{w}"), table(&standalone(), w));
        }
        insta::assert_snapshot!("stats_standalone_plain", plain(&standalone()));
    }

    #[test]
    fn cluster_views() {
        for w in [80, 120] {
            insta::assert_snapshot!(format!("stats_cluster_{w}"), table(&cluster(), w));
        }
        insta::assert_snapshot!("stats_cluster_plain", plain(&cluster()));
    }

    #[test]
    fn a_capped_prefix_list_says_so() {
        let mut r = standalone();
        let mut ks = scan(10_001, 5);
        ks.overflowed = true;
        ks.sampled = Some(10_000);
        r.keyspace.scan = Some(ks);
        r.latency = None;
        let text = table(&r, 80);
        assert!(text.contains("showing 5 of 10,001 prefixes"), "{text}");
        assert!(text.contains("more than 10,000 prefixes"), "{text}");
        insta::assert_snapshot!("stats_capped_80", text);
    }

    #[test]
    fn every_server_field_has_a_plain_line() {
        let v = serde_json::to_value(server("n", 1)).expect("json");
        let names: Vec<&str> = server_fields(&server("n", 1))
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        let fields = v.as_object().expect("object");
        assert_eq!(fields.len(), names.len());
        for k in fields.keys() {
            assert!(names.contains(&k.as_str()), "{k} has no plain line");
        }
    }

    #[test]
    fn json_keeps_its_shape() {
        let v = serde_json::to_value(standalone()).expect("json");
        assert!(v.get("nodes").is_none() && v.get("interval").is_none());
        assert_eq!(v["keyspace"]["sampled"], serde_json::Value::Null);
        assert_eq!(v["keyspace"]["by_prefix"][0]["prefix"], "user:*:profile");
        assert_eq!(v["keyspace"]["biggest"][0]["key"], "report:2024\\n\\xff");
        assert_eq!(v["keyspace"]["biggest"][0]["type"], "string");
        assert_eq!(v["latency"]["p99_us"], 1250);
        let c = serde_json::to_value(cluster()).expect("json");
        assert_eq!(c["unreachable"][0]["slots"], "10923-16383");
        assert_eq!(c["replicas"][0]["link"], "connected");
        assert_eq!(c["interval"]["seconds"], 2.0);
        assert_eq!(c["keyspace"].as_object().map(|o| o.len()), Some(1));
        assert_eq!(c["keyspace"]["keys"], c["server"]["keys"]);
    }
}
