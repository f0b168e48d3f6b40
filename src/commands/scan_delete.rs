//! `scan-delete PATTERN`: the core's SCAN stream feeding pipelined UNLINKs through
//! the bulk driver, with the safety rails of SPEC.md (dry run, confirmation,
//! `--all` guard, rate cap, checkpoint, Ctrl-C). `flush-prefix` reuses
//! [`delete_matching`] with an escaped literal prefix.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;

use super::Ctx;
use crate::cli::{DeleteOpts, ScanDeleteArgs};
use crate::core::bulk::compat::{drive_counting as drive, Flow, NodeTally, Stop};
use crate::core::checkpoint::{server_of, Checkpoint, NodeMark, Scope};
use crate::core::conn::unreachable_failure;
use crate::core::interrupt::Interrupt;
use crate::core::scan::{changed_nodes, estimate_matches, node_ids, scan_all, ScanOpts};
use crate::core::unlink::{unlink_keys, Denied};
use crate::error::{negative, usage, RedisFailure};
use crate::keys::{arg_bytes, escape_bytes, matches_everything};
use crate::output::{table, Outcome, Render};

/// Passes `--until-empty` makes at most (writers faster than the delete would
/// otherwise keep it going forever).
const MAX_UNTIL_EMPTY_PASSES: u32 = 100;

/// Extra passes run on their own when the cluster layout changed during a pass.
const MAX_LAYOUT_PASSES: u32 = 20;

/// Passes run again for nodes whose server process changed (restart, failover).
const MAX_RESTART_PASSES: u32 = 20;

pub async fn run(args: &ScanDeleteArgs, ctx: &Ctx) -> anyhow::Result<Outcome> {
    let pattern = arg_bytes(&args.pattern);
    if pattern.is_empty() {
        return Err(usage("empty pattern: give a glob such as 'cache:*'"));
    }
    delete_matching(ctx, &pattern, &args.delete).await
}

/// Delete every key matching `pattern` (relative to the namespace).
pub async fn delete_matching(
    ctx: &Ctx,
    pattern: &[u8],
    opts: &DeleteOpts,
) -> anyhow::Result<Outcome> {
    if matches_everything(pattern) && ctx.ns.is_empty() && !opts.all {
        return Err(usage(format!(
            "pattern '{}' matches every key: add --all if you really mean to delete the whole database",
            escape_bytes(pattern)
        )));
    }
    let full = ctx.ns.pattern(pattern);
    let shown = escape_bytes(&full);
    let scan = ScanOpts {
        pattern: full.clone(),
        count: opts.count,
        key_type: opts.key_type.map(|t| t.redis_name().to_string()),
    };

    let redis = ctx.connect().await?;
    let cp_path = opts.checkpoint.as_deref().filter(|_| !opts.dry_run);
    let scope = Scope {
        server: server_of(redis.display_url()),
        pattern: shown.clone(),
        key_type: scan.key_type.clone(),
    };
    let loaded = match cp_path {
        Some(path) => Checkpoint::load(path, &scope)?,
        None => None,
    };
    let resumed = loaded.is_some();
    // Per-node progress, kept in memory even without --checkpoint: it says which
    // nodes a further pass has to scan.
    let mut state = loaded.unwrap_or_else(|| Checkpoint::new(scope.clone()));
    if let Some(path) = cp_path {
        // Prove now that the file can be written: an interrupted run must be resumable.
        state.save(path)?;
    }
    let mut report = DeleteReport {
        pattern: shown.clone(),
        dry_run: opts.dry_run,
        resumed,
        ..Default::default()
    };
    if resumed {
        // A cursor is only meaningful to the process that issued it.
        let ids = node_ids(&redis).await?;
        for (addr, mark) in state.nodes.iter_mut() {
            let Some(id) = ids.get(addr) else { continue };
            let why = match (&mark.run_id, &id.run_id) {
                (Some(a), Some(b)) if a == b => continue,
                (Some(_), Some(_)) => {
                    "the server restarted or failed over since the checkpoint (new run id)"
                }
                (None, Some(_)) => "the checkpoint records no run id to check the server against",
                (_, None) => "INFO is not allowed, so the checkpoint's run id cannot be checked",
            };
            if mark.cursor != 0 || mark.finished {
                ctx.printer
                    .notice(&format!("{addr}: {why}: scanning it again from the start"));
                report.rescanned.push((addr.clone(), why.to_string()));
            }
            *mark = NodeMark {
                cursor: 0,
                finished: false,
                run_id: id.run_id.clone(),
            };
        }
    }

    let mut expected = None;
    if !opts.dry_run {
        let (estimate, total) = estimate_matches(&redis, &scan).await?;
        expected = Some(opts.limit.map_or(estimate, |l| l.min(estimate)));
        let action = if opts.del { "DEL" } else { "UNLINK" };
        ctx.printer
            .confirm(format!(
                "{action} keys matching '{shown}' on {} (about {estimate} of {total} keys)?",
                redis.display_url()
            ))
            .await?;
    }

    let interrupt = Interrupt::listen();
    let started = Instant::now();
    let flow = Flow {
        batch: opts.batch as usize,
        in_flight: opts.in_flight as usize,
        rate: opts.rate,
        max_latency: opts.max_latency,
        limit: opts.limit,
    };
    let denied = Arc::new(Mutex::new(Denied::default()));
    let unconfirmed = Arc::new(AtomicU64::new(0));
    let sample: Arc<Mutex<Vec<Vec<u8>>>> = Arc::new(Mutex::new(Vec::new()));
    let bar = match expected {
        Some(n) => ctx.printer.progress(
            Some(n.max(1)),
            "{spinner} [{bar:30}] ~{percent}% eta {eta} {msg}",
        ),
        None => ctx.printer.progress(None, "{spinner} {msg}"),
    };
    let mut failure: Option<anyhow::Error> = None;
    let mut pass = 0;
    let mut layout_passes = 0;
    let mut restart_passes = 0;
    loop {
        pass += 1;
        let layout_before = redis.layout().await?;
        // Who each node is at the start of the pass: its cursors belong to that process.
        let ids = node_ids(&redis).await?;
        let cp_start = state.clone();
        let resume = move |addr: &str| cp_start.start_of(addr);
        let rx = scan_all(&redis, &scan, &resume, opts.in_flight as usize * 2);
        let mut last_save = Instant::now();
        let base_matched = report.matched;
        let base_deleted = report.deleted;
        let limit_left = opts.limit.map(|l| l.saturating_sub(report.matched));
        let flow = Flow {
            limit: limit_left,
            ..flow.clone()
        };
        let pass_state = &mut state;
        let pass_ids = &ids;
        let on_commit = |addr: &str, t: &NodeTally| {
            pass_state.nodes.insert(
                addr.to_string(),
                NodeMark {
                    cursor: t.cursor,
                    finished: t.finished,
                    run_id: pass_ids.get(addr).and_then(|i| i.run_id.clone()),
                },
            );
            let Some(path) = cp_path else { return };
            if last_save.elapsed() >= Duration::from_millis(200) || t.finished {
                let _ = pass_state.save(path);
                last_save = Instant::now();
            }
        };
        let started_pass = Instant::now();
        let on_progress = |nodes: &BTreeMap<String, NodeTally>| {
            let m: u64 = nodes.values().map(|t| t.matched).sum();
            let d: u64 = nodes.values().map(|t| t.done).sum();
            let secs = started_pass.elapsed().as_secs_f64().max(0.001);
            let verb = if opts.dry_run { "found" } else { "deleted" };
            let mut msg = format!(
                "pass {pass}: {} matched, {} {verb}, {:.0} keys/s",
                base_matched + m,
                base_deleted + d,
                d.max(if opts.dry_run { m } else { 0 }) as f64 / secs
            );
            if nodes.len() > 1 {
                for (addr, t) in nodes {
                    msg.push_str(&format!(" | {addr} {}/{}", t.done, t.matched));
                }
            }
            bar.set_position(base_deleted + if opts.dry_run { m } else { d });
            bar.set_message(msg);
        };
        let mut drive_result = if opts.dry_run {
            let sample = sample.clone();
            let want = opts.sample;
            drive(
                rx,
                &flow,
                &interrupt,
                on_progress,
                on_commit,
                |_node, keys| {
                    let sample = sample.clone();
                    async move {
                        if let Ok(mut s) = sample.lock() {
                            let room = want.saturating_sub(s.len());
                            s.extend(keys.iter().take(room).cloned());
                        }
                        Ok(0)
                    }
                },
            )
            .await
        } else {
            let use_del = opts.del;
            drive(
                rx,
                &flow,
                &interrupt,
                on_progress,
                on_commit,
                |_node, keys| {
                    let redis = redis.clone();
                    let denied = denied.clone();
                    let unconfirmed = unconfirmed.clone();
                    async move {
                        let u = unlink_keys(&redis, &keys, use_del, true, &denied).await?;
                        unconfirmed.fetch_add(u.unconfirmed, Ordering::Relaxed);
                        if !u.unreached.is_empty() {
                            // Scanned on a node that went down since: stop and say so.
                            return Err(unreachable_failure(&redis.unreachable()).into());
                        }
                        Ok(u.deleted)
                    }
                },
            )
            .await
        };
        report.matched += drive_result.matched();
        report.deleted += drive_result.done();
        report.passes = pass;
        for (addr, t) in &drive_result.nodes {
            let e = report.nodes.entry(addr.clone()).or_default();
            e.0 += t.matched;
            e.1 += t.done;
        }
        // Save what was committed so an interrupted or failed run can resume.
        state.deleted += drive_result.done();
        if let Some(path) = cp_path {
            let _ = state.save(path);
        }
        match drive_result.stop {
            Stop::Finished => {
                if opts.dry_run {
                    // Nothing to redo, but a count across a restart is not exact:
                    // the scan started over, so keys may have been counted twice.
                    for (addr, why, _) in changed_nodes(&redis, &ids).await? {
                        ctx.printer.notice(&format!(
                            "{addr}: {}: its scan started over, so the count is not exact (keys may be counted twice)",
                            why.reason()
                        ));
                        report.rescanned.push((addr, why.reason().to_string()));
                    }
                } else {
                    // A node whose process changed during the pass gave cursors of
                    // another process (and may have brought deleted keys back from
                    // its snapshot): scan it again from the start.
                    let changed = changed_nodes(&redis, &ids).await?;
                    if !changed.is_empty() {
                        if restart_passes >= MAX_RESTART_PASSES {
                            failure = Some(
                                RedisFailure::Server {
                                    node: changed[0].0.clone(),
                                    msg: format!(
                                        "{} during {MAX_RESTART_PASSES} passes in a row: keys matching '{shown}' may remain",
                                        changed[0].1.reason()
                                    ),
                                }
                                .into(),
                            );
                            break;
                        }
                        restart_passes += 1;
                        for (addr, why, run_id) in changed {
                            ctx.printer.notice(&format!(
                                "{addr}: {}: scanning it again from the start",
                                why.reason()
                            ));
                            report
                                .rescanned
                                .push((addr.clone(), why.reason().to_string()));
                            state.nodes.insert(
                                addr,
                                NodeMark {
                                    cursor: 0,
                                    finished: false,
                                    run_id,
                                },
                            );
                        }
                        if let Some(path) = cp_path {
                            let _ = state.save(path);
                        }
                        continue;
                    }
                }
                // Keys refused with NOPERM match on every pass: repeat only while
                // a pass deleted something.
                if opts.until_empty && drive_result.done() > 0 && !opts.dry_run {
                    if pass < MAX_UNTIL_EMPTY_PASSES {
                        state.nodes.clear();
                        continue;
                    }
                    // Matches still appear: the promise of --until-empty is not met.
                    failure = Some(negative(format!(
                        "--until-empty: pass {pass} still deleted {} keys matching '{shown}' (writers keep adding them): stopped without an empty pass",
                        drive_result.done()
                    )));
                }
                if failure.is_some() {
                    // A resumed run must scan again, not find every node finished.
                    state.nodes.clear();
                    if let Some(path) = cp_path {
                        let _ = state.save(path);
                    }
                    break;
                }
                // Keys that changed node mid-pass can escape both nodes' cursors.
                let layout_after = redis.layout().await?;
                let moving = layout_before != layout_after || layout_after.contains('[');
                if moving && !opts.dry_run {
                    if layout_passes < MAX_LAYOUT_PASSES {
                        layout_passes += 1;
                        ctx.printer
                            .notice("cluster slots moved during the pass: scanning again");
                        state.nodes.clear();
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                    // Keys may have escaped every pass: never claim completeness.
                    failure.get_or_insert_with(|| {
                        RedisFailure::Server {
                            node: redis.display_url().to_string(),
                            msg: format!(
                                "cluster slots kept moving during {MAX_LAYOUT_PASSES} passes: keys matching '{shown}' may remain"
                            ),
                        }
                        .into()
                    });
                    state.nodes.clear();
                    if let Some(path) = cp_path {
                        let _ = state.save(path);
                    }
                    break;
                }
                if let Some(path) = cp_path {
                    // The job is complete: a new run starts from scratch.
                    let _ = std::fs::remove_file(path);
                }
            }
            Stop::Limit => report.limit_reached = true,
            Stop::Interrupted => {
                report.interrupted = true;
                failure = drive_result.failure();
            }
            Stop::Failed => failure = drive_result.failure(),
        }
        break;
    }
    bar.finish_and_clear();
    report.elapsed_ms = started.elapsed().as_millis() as u64;
    if let Ok(s) = sample.lock() {
        report.sample = s.iter().map(|k| escape_bytes(ctx.ns.strip(k))).collect();
    }
    report.unconfirmed = unconfirmed.load(Ordering::Relaxed);
    if report.unconfirmed > 0 {
        ctx.printer.notice(&format!(
            "replies were lost with a dropped connection: {} of the {} deleted keys were already gone when their UNLINK was re-sent and are counted as deleted by it (unconfirmed)",
            report.unconfirmed, report.deleted
        ));
    }
    if let Ok(d) = denied.lock() {
        report.denied = d.count;
        if failure.is_none() {
            failure = d.failure(redis.display_url(), &format!("keys matching '{shown}'"));
        }
    }
    if let (Some(path), true) = (cp_path, failure.is_some()) {
        ctx.printer.notice(&format!(
            "resume with the same command: progress is in {}",
            display(path)
        ));
    }
    Ok(Outcome::with_failure(report, failure))
}

fn display(p: &Path) -> String {
    p.display().to_string()
}

#[derive(Debug, Default)]
struct DeleteReport {
    pattern: String,
    matched: u64,
    deleted: u64,
    denied: u64,
    /// Of `deleted`: keys counted after a lost reply, not confirmed by one.
    unconfirmed: u64,
    dry_run: bool,
    elapsed_ms: u64,
    passes: u32,
    interrupted: bool,
    limit_reached: bool,
    resumed: bool,
    sample: Vec<String>,
    /// Nodes scanned again from cursor 0, and why.
    rescanned: Vec<(String, String)>,
    /// node → (matched, deleted)
    nodes: BTreeMap<String, (u64, u64)>,
}

impl Render for DeleteReport {
    fn json(&self) -> serde_json::Value {
        let nodes: Vec<_> = self
            .nodes
            .iter()
            .map(|(n, (m, d))| json!({"node": n, "matched": m, "deleted": d}))
            .collect();
        let mut v = json!({
            "pattern": self.pattern,
            "matched": self.matched,
            "deleted": self.deleted,
            "denied": self.denied,
            "unconfirmed": self.unconfirmed,
            "dry_run": self.dry_run,
            "elapsed_ms": self.elapsed_ms,
            "passes": self.passes,
            "interrupted": self.interrupted,
            "limit_reached": self.limit_reached,
            "resumed": self.resumed,
            "rescanned": self
                .rescanned
                .iter()
                .map(|(n, why)| json!({"node": n, "reason": why}))
                .collect::<Vec<_>>(),
            "nodes": nodes,
        });
        if self.dry_run {
            v["sample"] = json!(self.sample);
        }
        v
    }

    fn tables(&self) -> Vec<comfy_table::Table> {
        let mut t = table(&[
            "pattern", "matched", "deleted", "denied", "dry run", "elapsed",
        ]);
        t.add_row(vec![
            self.pattern.clone(),
            self.matched.to_string(),
            self.deleted.to_string(),
            self.denied.to_string(),
            self.dry_run.to_string(),
            format!("{} ms", self.elapsed_ms),
        ]);
        let mut out = vec![t];
        if self.nodes.len() > 1 {
            let mut n = table(&["node", "matched", "deleted"]);
            for (addr, (m, d)) in &self.nodes {
                n.add_row(vec![addr.clone(), m.to_string(), d.to_string()]);
            }
            out.push(n);
        }
        if self.dry_run && !self.sample.is_empty() {
            let mut s = table(&["sample of matching keys"]);
            for k in &self.sample {
                s.add_row(vec![k.clone()]);
            }
            out.push(s);
        }
        out
    }

    fn plain(&self, out: &mut dyn Write) -> io::Result<()> {
        if self.dry_run {
            for k in &self.sample {
                writeln!(out, "{k}")?;
            }
            return writeln!(out, "matched\t{}", self.matched);
        }
        writeln!(out, "matched\t{}", self.matched)?;
        writeln!(out, "deleted\t{}", self.deleted)?;
        if self.denied > 0 {
            writeln!(out, "denied\t{}", self.denied)?;
        }
        if self.unconfirmed > 0 {
            writeln!(out, "unconfirmed\t{}", self.unconfirmed)?;
        }
        if !self.rescanned.is_empty() {
            writeln!(out, "rescanned\t{}", self.rescanned.len())?;
        }
        Ok(())
    }
}
