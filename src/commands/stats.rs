//! `stats`: server numbers per primary and in total; with `--scan` or
//! `--sample` the keyspace by prefix; `--latency`; `--watch` refreshes.

use std::io::{self, IsTerminal, Write};
use std::time::{Duration, Instant};

use super::Ctx;
use crate::cli::StatsArgs;
use crate::core::conn::{unreachable_failure, Redis};
use crate::core::info::interval;
use crate::core::interrupt::Interrupt;
use crate::core::stats::{ping_latency, servers, tally, Grouping, Servers, Source};
use crate::error::CliError;
use crate::keys::arg_bytes;
use crate::keyspace::MAX_PREFIXES;
use crate::output::{fmt, width, Format, Outcome};
use crate::report::stats::{
    ClusterPart, Interval, KeyspaceReport, KeyspaceScan, StatsReport, Unreachable,
};

fn report(s: Servers, cluster: bool) -> StatsReport {
    StatsReport {
        keyspace: KeyspaceReport {
            keys: s.total.keys,
            scan: None,
        },
        server: s.total,
        interval: None,
        cluster: cluster.then(|| ClusterPart {
            nodes: s.nodes,
            replicas: s.replicas,
            unreachable: s.unreachable.iter().map(Unreachable::from).collect(),
        }),
        latency: None,
    }
}

pub async fn run(args: &StatsArgs, ctx: &Ctx) -> anyhow::Result<Outcome> {
    let redis = ctx.connect().await?;
    if let Some(every) = args.watch {
        return watch(args, ctx, &redis, every).await;
    }
    let s = servers(&redis).await?;
    // Totals without a down primary are partial: say so, and exit 3.
    let mut failure = (!s.unreachable.is_empty()).then(|| {
        anyhow::Error::from(unreachable_failure(&s.unreachable)).context("stats are incomplete")
    });
    let sizes = s.nodes.iter().map(|n| n.keys).collect();
    let mut report = report(s, redis.is_cluster());
    if args.scan || args.sample.is_some() {
        let source = match args.sample {
            Some(n) => Source::Sample { n, sizes },
            None => {
                let pattern = args.pattern.as_deref().map(arg_bytes);
                Source::Scan {
                    pattern: ctx.ns.pattern(&pattern.unwrap_or_else(|| b"*".to_vec())),
                    count: args.count,
                }
            }
        };
        let grouping = Grouping {
            depth: args.depth as usize,
            top: args.top,
            collapse_ids: !args.no_collapse,
        };
        let bar = ctx.printer.progress(
            Some(report.server.keys.max(1)),
            "{spinner} [{bar:30}] {human_pos}/{human_len} keys, eta {eta}",
        );
        let interrupt = Interrupt::listen();
        let mut t = tally(
            &redis,
            source,
            grouping,
            crate::config::budget(args.max_latency),
            &interrupt,
            |n| bar.set_position(n),
        )
        .await;
        bar.finish_and_clear();
        if let Some(e) = t.failure {
            failure = Some(e);
        }
        if t.keyspace.overflowed && ctx.printer.format != Format::Table {
            // The table says so itself; JSON and plain readers learn it here.
            ctx.printer.notice(&format!(
                "more than {} prefixes: the rest are counted as (other) (see --depth)",
                fmt::count(MAX_PREFIXES as u64)
            ));
        }
        let sampled = args.sample.map(|_| t.inspected);
        if sampled.is_some() && t.inspected > 0 {
            t.keyspace
                .scale(report.server.keys as f64 / t.inspected as f64);
        }
        report.keyspace = KeyspaceReport {
            keys: t.keyspace.keys,
            scan: Some(KeyspaceScan::new(
                &t.keyspace,
                sampled,
                usize::try_from(args.rows).unwrap_or(usize::MAX),
            )),
        };
    }
    if let Some(n) = args.latency {
        report.latency = Some(ping_latency(&redis, n).await?);
    }
    Ok(Outcome::failed(report, failure))
}

async fn watch(
    args: &StatsArgs,
    ctx: &Ctx,
    redis: &Redis,
    every: Duration,
) -> anyhow::Result<Outcome> {
    let interrupt = Interrupt::listen();
    let redraw = io::stdout().is_terminal() && ctx.printer.format == Format::Table;
    let mut prev = servers(redis).await?.total;
    let mut prev_at = Instant::now();
    let mut rounds = 0u64;
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            // Leaving --watch is its normal end: exit 130, no error line.
            _ = interrupt.wait() => return Ok(Outcome { report: None, failure: Some(CliError::Interrupted.into()) }),
        }
        let s = servers(redis).await?;
        let (ops, rate) = interval(&prev, &s.total, prev_at.elapsed().as_secs_f64());
        prev = s.total.clone();
        prev_at = Instant::now();
        let mut report = report(s, redis.is_cluster());
        report.interval = Some(Interval {
            seconds: every.as_secs_f64(),
            ops_per_sec: ops,
            hit_rate: rate,
        });
        // The width of each redraw, from the one place: a resized terminal
        // is redrawn to its new size.
        let mut printer = ctx.printer.clone();
        printer.width = width::terminal_width();
        if redraw {
            // Clear the screen and draw from the top: a refresh in place.
            let mut out = io::stdout().lock();
            out.write_all(b"\x1b[2J\x1b[H")?;
            out.flush()?;
        }
        printer.print(&report)?;
        rounds += 1;
        if args.iterations.is_some_and(|n| rounds >= n) {
            return Ok(Outcome::silent());
        }
    }
}
