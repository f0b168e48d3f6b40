//! Deleting every key that matches a pattern: SCAN streams feeding pipelined
//! UNLINKs through the bulk driver, in passes, with the safety rails of
//! SPEC.md (checkpoint and resume, restarts and failovers, slot moves,
//! `--until-empty`, limits, Ctrl-C). A dry run scans the same way and deletes
//! nothing. What happens along the way is told through [`Event`]s; the caller
//! decides how it reads.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::bulk::{drive, Flow, NodeTally, Stop};
use super::checkpoint::{server_of, Checkpoint, NodeMark, Scope};
use super::conn::{unreachable_failure, Redis};
use super::interrupt::Interrupt;
use super::probe::Neighbour;
use super::scan::{changed_nodes, node_ids, scan_all, scan_position, ScanOpts};
use super::unlink::{unlink_keys, Denied};
use crate::error::{negative, RedisFailure};

/// Passes `--until-empty` makes at most (writers faster than the delete would
/// otherwise keep it going forever).
const MAX_UNTIL_EMPTY_PASSES: u32 = 100;

/// Extra passes run on their own when the cluster layout changed during a pass.
const MAX_LAYOUT_PASSES: u32 = 20;

/// Passes run again for nodes whose server process changed (restart, failover).
const MAX_RESTART_PASSES: u32 = 20;

/// One delete (or dry run), as the config layer built it.
#[derive(Debug, Clone)]
pub struct DeleteJob {
    /// What to scan for (namespace applied).
    pub scan: ScanOpts,
    /// The pattern as it is shown and recorded in a checkpoint.
    pub shown: String,
    pub flow: Flow,
    pub dry_run: bool,
    /// DEL instead of UNLINK.
    pub del: bool,
    pub until_empty: bool,
    /// Ignored in a dry run.
    pub checkpoint: Option<PathBuf>,
    /// Matching keys a dry run keeps to show.
    pub sample: usize,
}

impl DeleteJob {
    fn checkpoint(&self) -> Option<&std::path::Path> {
        self.checkpoint.as_deref().filter(|_| !self.dry_run)
    }
}

/// Something worth telling while a run goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A node is scanned again from the start.
    Rescan { node: String, reason: &'static str },
    /// A dry run's count on this node may include keys twice.
    Inexact { node: String, reason: &'static str },
    /// Cluster slots moved during a pass: another pass follows.
    LayoutMoved,
}

/// Where a run stands as chunks complete.
#[derive(Debug, Clone, Default)]
pub struct Progress {
    pub pass: u32,
    /// Keys handed to UNLINK (a dry run: keys found), as `matched` in the end.
    pub matched: u64,
    pub deleted: u64,
    /// Keys per second in this pass.
    pub per_sec: f64,
    /// node → (matched, deleted) in this pass, when there are several.
    pub nodes: Vec<(String, u64, u64)>,
    /// Under `--max-latency`: the neighbour latency measured, the keys kept
    /// queued at the server at most, and the rate cap if one is in force.
    pub pace: Option<(Duration, u64, Option<u64>)>,
}

/// The run's state before it starts: the checkpoint (loaded or new), and the
/// nodes whose recorded cursors cannot be trusted.
#[derive(Debug)]
pub struct Prepared {
    state: Checkpoint,
    pub resumed: bool,
    pub rescanned: Vec<(String, &'static str)>,
}

impl Prepared {
    /// Share of the scan a resumed checkpoint already covered, and the keys
    /// the runs before deleted (`None` for a fresh start).
    pub fn covered(&self, redis: &Redis) -> Option<(f64, u64)> {
        if !self.resumed {
            return None;
        }
        let primaries = redis.primaries();
        let share: f64 = primaries
            .iter()
            .map(|n| match self.state.nodes.get(&n.addr) {
                Some(m) if m.finished => 1.0,
                Some(m) => scan_position(m.cursor),
                None => 0.0,
            })
            .sum::<f64>()
            / primaries.len().max(1) as f64;
        Some((share, self.state.deleted))
    }
}

/// Load (or start) the checkpoint and check the cursors it holds still belong
/// to the servers' processes.
pub async fn prepare(
    redis: &Arc<Redis>,
    job: &DeleteJob,
    on_event: &mut dyn FnMut(Event),
) -> anyhow::Result<Prepared> {
    let scope = Scope {
        server: server_of(redis.display_url()),
        pattern: job.shown.clone(),
        key_type: job.scan.key_type.clone(),
    };
    let loaded = match job.checkpoint() {
        Some(path) => Checkpoint::load(path, &scope)?,
        None => None,
    };
    let resumed = loaded.is_some();
    // Per-node progress, kept in memory even without --checkpoint: it says which
    // nodes a further pass has to scan.
    let mut state = loaded.unwrap_or_else(|| Checkpoint::new(scope));
    if let Some(path) = job.checkpoint() {
        // Prove now that the file can be written: an interrupted run must be resumable.
        state.save(path)?;
    }
    let mut rescanned = Vec::new();
    if resumed {
        // A cursor is only meaningful to the process that issued it.
        let ids = node_ids(redis).await?;
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
                on_event(Event::Rescan {
                    node: addr.clone(),
                    reason: why,
                });
                rescanned.push((addr.clone(), why));
            }
            *mark = NodeMark {
                cursor: 0,
                finished: false,
                run_id: id.run_id.clone(),
            };
        }
    }
    Ok(Prepared {
        state,
        resumed,
        rescanned,
    })
}

/// What one chunk did: the engine folds it into the run's counts.
#[derive(Debug, Default)]
struct Chunk {
    deleted: u64,
    unconfirmed: u64,
    /// Keys refused with NOPERM.
    refused: Vec<Vec<u8>>,
    /// Dry run: the chunk's keys (for the sample).
    keys: Vec<Vec<u8>>,
}

/// What a run did.
#[derive(Debug, Default)]
pub struct Deletion {
    pub matched: u64,
    pub deleted: u64,
    pub denied: u64,
    pub unconfirmed: u64,
    pub passes: u32,
    pub interrupted: bool,
    pub limit_reached: bool,
    pub resumed: bool,
    pub rescanned: Vec<(String, &'static str)>,
    /// node → (matched, deleted)
    pub nodes: BTreeMap<String, (u64, u64)>,
    /// Dry run: matching keys (full names).
    pub sample: Vec<Vec<u8>>,
    pub elapsed: Duration,
    /// What decides the exit code after the summary (Ctrl-C, a failure,
    /// refused keys, an unmet `--until-empty`).
    pub failure: Option<anyhow::Error>,
}

/// Run the passes until the job is done, stopped, or failed.
pub async fn run(
    redis: &Arc<Redis>,
    job: &DeleteJob,
    prepared: Prepared,
    interrupt: &Interrupt,
    on_progress: &dyn Fn(&Progress),
    on_event: &mut dyn FnMut(Event),
) -> anyhow::Result<Deletion> {
    let cp_path = job.checkpoint();
    let mut state = prepared.state;
    let mut report = Deletion {
        resumed: prepared.resumed,
        rescanned: prepared.rescanned,
        ..Deletion::default()
    };
    let started = Instant::now();
    // Accumulated by the engine's fold, on this task.
    let mut denied = Denied::default();
    let mut unconfirmed = 0u64;
    let mut sample: Vec<Vec<u8>> = Vec::new();
    let shown = &job.shown;
    let mut failure: Option<anyhow::Error> = None;
    let mut pass = 0;
    let mut layout_passes = 0;
    let mut restart_passes = 0;
    // The budget is held by what a neighbour sees: a probe of its own, for
    // every pass.
    let neighbour = match job.flow.max_latency {
        Some(budget) if !job.dry_run => Some(Neighbour::start(redis, budget).await),
        _ => None,
    };
    loop {
        pass += 1;
        let layout_before = redis.layout().await?;
        // Who each node is at the start of the pass: its cursors belong to that process.
        let ids = node_ids(redis).await?;
        let cp_start = state.clone();
        let resume = move |addr: &str| cp_start.start_of(addr);
        let rx = scan_all(redis, &job.scan, &resume, job.flow.in_flight * 2);
        let mut last_save = Instant::now();
        let base_matched = report.matched;
        let base_deleted = report.deleted;
        let flow = Flow {
            limit: job.flow.limit.map(|l| l.saturating_sub(report.matched)),
            neighbour: neighbour.clone(),
            ..job.flow.clone()
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
        // Keys handed to the operation, per node: what `matched` counts in the
        // end. The engine's own tally also holds keys still queued, which a
        // stop leaves untouched. (The operation is started on this task.)
        let handed: RefCell<BTreeMap<String, u64>> = RefCell::default();
        let started_pass = Instant::now();
        let progress = |nodes: &BTreeMap<String, NodeTally>| {
            let h = handed.borrow();
            let m: u64 = h.values().sum();
            let d: u64 = nodes.values().map(|t| t.done).sum();
            let secs = started_pass.elapsed().as_secs_f64().max(0.001);
            on_progress(&Progress {
                pass,
                matched: base_matched + m,
                deleted: base_deleted + d,
                per_sec: (if job.dry_run { m } else { d }) as f64 / secs,
                nodes: if nodes.len() > 1 {
                    nodes
                        .iter()
                        .map(|(a, t)| (a.clone(), h.get(a).copied().unwrap_or(0), t.done))
                        .collect()
                } else {
                    Vec::new()
                },
                pace: neighbour.as_ref().and_then(|n| n.status.get()),
            });
        };
        let dry_run = job.dry_run;
        let use_del = job.del;
        let op = |node: Arc<super::conn::Node>, keys: Vec<Vec<u8>>| {
            *handed.borrow_mut().entry(node.addr.clone()).or_default() += keys.len() as u64;
            let redis = redis.clone();
            async move {
                if dry_run {
                    return Ok(Chunk {
                        keys,
                        ..Chunk::default()
                    });
                }
                let u = unlink_keys(&redis, &keys, use_del, true).await?;
                if !u.unreached.is_empty() {
                    // Scanned on a node that went down since: stop and say so.
                    return Err(unreachable_failure(&redis.unreachable()).into());
                }
                let refused = u.refused.iter().map(|&i| keys[i].clone()).collect();
                Ok(Chunk {
                    deleted: u.deleted,
                    unconfirmed: u.unconfirmed,
                    refused,
                    keys: Vec::new(),
                })
            }
        };
        let fold = |_: &str, c: Chunk| {
            unconfirmed += c.unconfirmed;
            for k in &c.refused {
                denied.add(k);
            }
            let room = job.sample.saturating_sub(sample.len());
            sample.extend(c.keys.into_iter().take(room));
            Ok(c.deleted)
        };
        let driven = drive(rx, &flow, interrupt, progress, on_commit, op, fold).await;
        let pass_done = driven.done();
        report.matched += driven.matched();
        report.deleted += pass_done;
        report.passes = pass;
        for (addr, t) in &driven.nodes {
            let e = report.nodes.entry(addr.clone()).or_default();
            e.0 += t.matched;
            e.1 += t.done;
        }
        // Save what was committed so an interrupted or failed run can resume.
        state.deleted += pass_done;
        if let Some(path) = cp_path {
            let _ = state.save(path);
        }
        match driven.stop {
            Stop::Finished => {
                if job.dry_run {
                    // Nothing to redo, but a count across a restart is not exact:
                    // the scan started over, so keys may have been counted twice.
                    for (addr, why, _) in changed_nodes(redis, &ids).await? {
                        on_event(Event::Inexact {
                            node: addr.clone(),
                            reason: why.reason(),
                        });
                        report.rescanned.push((addr, why.reason()));
                    }
                } else {
                    // A node whose process changed during the pass gave cursors of
                    // another process (and may have brought deleted keys back from
                    // its snapshot): scan it again from the start.
                    let changed = changed_nodes(redis, &ids).await?;
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
                            on_event(Event::Rescan {
                                node: addr.clone(),
                                reason: why.reason(),
                            });
                            report.rescanned.push((addr.clone(), why.reason()));
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
                if job.until_empty && pass_done > 0 && !job.dry_run {
                    if pass < MAX_UNTIL_EMPTY_PASSES {
                        state.nodes.clear();
                        continue;
                    }
                    // Matches still appear: the promise of --until-empty is not met.
                    failure = Some(negative(format!(
                        "--until-empty: pass {pass} still deleted {} keys matching '{shown}' (writers keep adding them): stopped without an empty pass",
                        pass_done
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
                if moving && !job.dry_run {
                    if layout_passes < MAX_LAYOUT_PASSES {
                        layout_passes += 1;
                        on_event(Event::LayoutMoved);
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
                failure = Stop::Interrupted.into_failure();
            }
            Stop::Failed(e) => failure = Some(e),
        }
        break;
    }
    report.elapsed = started.elapsed();
    report.sample = sample;
    report.unconfirmed = unconfirmed;
    report.denied = denied.count;
    if failure.is_none() {
        failure = denied.failure(
            redis.display_url(),
            &format!("keys matching '{shown}'"),
            "deleted",
        );
    }
    report.failure = failure;
    Ok(report)
}
