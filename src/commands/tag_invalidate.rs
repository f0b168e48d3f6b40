//! `tag-invalidate TAG...`: stream each tag's members (SSCAN, or ZSCAN for the
//! sorted-set layout), remove each batch from the tag and then UNLINK it, so the
//! tag disappears once empty and a key that a client re-creates and re-tags
//! meanwhile stays tagged. `--prune` only drops members whose keys are gone.
//!
//! Under `--prefix NS` members are names inside the namespace (what an app with
//! a key prefix writes): the key deleted for member `m` is `NS:m`.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use redis::Value;
use serde_json::json;

use super::Ctx;
use crate::cli::TagInvalidateArgs;
use crate::core::bulk::compat::Stop;
use crate::core::bulk::compat::{drive_counting as drive, Flow, NodeTally};
use crate::core::conn::{server_failure, Idempotent, Redis, Routed};
use crate::core::conn::{slot_of, unreachable_failure};
use crate::core::interrupt::Interrupt;
use crate::core::scan::{changed_nodes, node_ids, scan_members, Changed, MemberKind};
use crate::core::tags::{check_layout, tag_key};
use crate::core::unlink::{unlink_keys, Denied};
use crate::error::{usage, RedisFailure};
use crate::keys::{escape_bytes, Namespace};
use crate::output::{table, Outcome, Render};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Invalidate,
    Prune,
    DryRun,
}

struct Tag {
    name: String,
    key: Vec<u8>,
    kind: Option<MemberKind>,
    members: u64,
}

async fn inspect(redis: &Redis, name: &str, key: Vec<u8>) -> anyhow::Result<Tag> {
    let mut t = redis::cmd("TYPE");
    t.arg(&key);
    let kind: String = redis.keyed(&key, &t, Idempotent::Yes).await?;
    let (kind, card) = match kind.as_str() {
        "set" => (Some(MemberKind::Set), "SCARD"),
        "zset" => (Some(MemberKind::Zset), "ZCARD"),
        "none" => (None, ""),
        other => {
            return Err(usage(format!(
                "tag key {} is a {other}, not a set or sorted set (see --tag-key)",
                escape_bytes(&key)
            )))
        }
    };
    let members = match kind {
        Some(_) => {
            let mut c = redis::cmd(card);
            c.arg(&key);
            redis.keyed(&key, &c, Idempotent::Yes).await?
        }
        None => 0,
    };
    Ok(Tag {
        name: name.to_string(),
        key,
        kind,
        members,
    })
}

/// Remove members from the tag key (SREM / ZREM). For a sorted set, the scores
/// they had are returned (read in the same pipeline), to put back members whose
/// keys turn out not to be ours to delete.
async fn forget(
    redis: &Redis,
    tag: &[u8],
    kind: MemberKind,
    members: &[Vec<u8>],
) -> anyhow::Result<Vec<Option<Vec<u8>>>> {
    if members.is_empty() {
        return Ok(Vec::new());
    }
    let mut cmds = Vec::new();
    if kind == MemberKind::Zset {
        for m in members {
            let mut c = redis::cmd("ZSCORE");
            c.arg(tag).arg(m);
            cmds.push(Routed::new(tag, c));
        }
    }
    let mut c = redis::cmd(match kind {
        MemberKind::Set => "SREM",
        MemberKind::Zset => "ZREM",
    });
    c.arg(tag);
    for m in members {
        c.arg(m);
    }
    cmds.push(Routed::new(tag, c));
    let replies = redis.batch(cmds, Idempotent::Yes).await?.replies;
    redis.first_error(&replies)?;
    Ok(replies[..replies.len() - 1]
        .iter()
        .map(|v| match v {
            Value::BulkString(b) => Some(b.clone()),
            Value::Double(d) => Some(d.to_string().into_bytes()),
            _ => None,
        })
        .collect())
}

/// Put members back into the tag (SADD, or ZADD with their old scores).
async fn retag(
    redis: &Redis,
    tag: &[u8],
    kind: MemberKind,
    members: &[(Vec<u8>, Option<Vec<u8>>)],
) -> anyhow::Result<()> {
    let mut c = redis::cmd(match kind {
        MemberKind::Set => "SADD",
        MemberKind::Zset => "ZADD",
    });
    c.arg(tag);
    let mut any = false;
    for (m, score) in members {
        match (kind, score) {
            (MemberKind::Set, _) => c.arg(m),
            (MemberKind::Zset, Some(sc)) => c.arg(sc).arg(m),
            (MemberKind::Zset, None) => continue,
        };
        any = true;
    }
    if any {
        let _: i64 = redis.keyed(tag, &c, Idempotent::Yes).await?;
    }
    Ok(())
}

/// For each key: Some(true) exists, Some(false) gone, None refused (NOPERM).
async fn existence(redis: &Redis, keys: &[Vec<u8>]) -> anyhow::Result<Vec<Option<bool>>> {
    let cmds: Vec<Routed> = keys
        .iter()
        .map(|k| {
            let mut c = redis::cmd("EXISTS");
            c.arg(k);
            Routed::new(k, c)
        })
        .collect();
    let replies = redis.batch(cmds, Idempotent::Yes).await?.replies;
    replies
        .into_iter()
        .map(|v| match v {
            Value::ServerError(e) if e.code() == "NOPERM" => Ok(None),
            Value::ServerError(e) => Err(server_failure(redis.display_url(), &e).into()),
            Value::Int(n) => Ok(Some(n > 0)),
            _ => Ok(Some(true)),
        })
        .collect()
}

/// One batch of `--prune`: untag members whose keys are gone. A key re-created
/// (and re-tagged by its app) between the check and the removal is put back.
async fn prune_batch(
    redis: &Redis,
    ns: &Namespace,
    tag: &[u8],
    kind: MemberKind,
    members: &[Vec<u8>],
) -> anyhow::Result<u64> {
    let keys: Vec<Vec<u8>> = members.iter().map(|m| ns.key(m)).collect();
    let gone: Vec<usize> = existence(redis, &keys)
        .await?
        .into_iter()
        .enumerate()
        .filter_map(|(i, e)| (e == Some(false)).then_some(i))
        .collect();
    let gone_members: Vec<Vec<u8>> = gone.iter().map(|&i| members[i].clone()).collect();
    let scores = forget(redis, tag, kind, &gone_members).await?;
    let gone_keys: Vec<Vec<u8>> = gone.iter().map(|&i| keys[i].clone()).collect();
    let back: Vec<(Vec<u8>, Option<Vec<u8>>)> = existence(redis, &gone_keys)
        .await?
        .into_iter()
        .enumerate()
        .filter(|(_, e)| *e != Some(false))
        .map(|(j, _)| (gone_members[j].clone(), scores.get(j).cloned().flatten()))
        .collect();
    retag(redis, tag, kind, &back).await?;
    Ok((gone.len() - back.len()) as u64)
}

pub async fn run(args: &TagInvalidateArgs, ctx: &Ctx) -> anyhow::Result<Outcome> {
    let mode = match (args.dry_run, args.prune) {
        (true, _) => Mode::DryRun,
        (false, true) => Mode::Prune,
        (false, false) => Mode::Invalidate,
    };
    if args.tags.iter().any(|t| t.is_empty()) {
        return Err(usage("empty tag name"));
    }
    check_layout(&args.layout).map_err(usage)?;
    let redis = ctx.connect().await?;
    let mut tags = Vec::new();
    for name in &args.tags {
        tags.push(inspect(&redis, name, tag_key(&ctx.ns, &args.layout, name)).await?);
    }
    if mode == Mode::Invalidate {
        let total: u64 = tags.iter().map(|t| t.members).sum();
        let names: Vec<String> = tags.iter().map(|t| escape_bytes(&t.key)).collect();
        ctx.printer
            .confirm(format!(
                "delete the {total} keys tagged in {} on {}?",
                names.join(", "),
                redis.display_url()
            ))
            .await?;
    }

    let interrupt = Interrupt::listen();
    let flow = Flow {
        batch: args.batch as usize,
        in_flight: 4,
        rate: args.rate,
        max_latency: None,
        limit: None,
    };
    let denied = Arc::new(Mutex::new(Denied::default()));
    // Members whose keys are on a primary that is down: left tagged.
    let unreached = Arc::new(AtomicU64::new(0));
    // Keys gone when an UNLINK whose reply was lost went again.
    let unconfirmed = Arc::new(AtomicU64::new(0));
    let sample: Arc<Mutex<Vec<Vec<u8>>>> = Arc::new(Mutex::new(Vec::new()));
    let bar = ctx.printer.progress(None, "{spinner} {msg}");
    let mut report = TagReport {
        mode,
        ..Default::default()
    };
    let mut failure = None;
    for tag in &tags {
        let mut row = TagRow {
            tag: tag.name.clone(),
            key: escape_bytes(&tag.key),
            members: tag.members,
            done: 0,
        };
        let Some(kind) = tag.kind else {
            report.rows.push(row);
            continue;
        };
        // Who each node is before the tag is read: a restart or failover during
        // the run brings its snapshot back (tag and keys), so the tag goes again.
        let mut ids = node_ids(&redis).await?;
        let mut tag_owner = redis.node_for_slot(slot_of(&tag.key)).addr.clone();
        let mut restarts = 0;
        loop {
            let rx = scan_members(&redis, tag.key.clone(), kind, args.count, 8);
            let label = tag.name.clone();
            let progress = |nodes: &BTreeMap<String, NodeTally>| {
                let m: u64 = nodes.values().map(|t| t.matched).sum();
                let d: u64 = nodes.values().map(|t| t.done).sum();
                bar.set_message(format!("{label}: {m} members seen, {d} done"));
            };
            let mut result =
                match mode {
                    Mode::DryRun => {
                        drive(
                            rx,
                            &flow,
                            &interrupt,
                            progress,
                            |_, _| {},
                            |_, members| {
                                let redis = redis.clone();
                                let sample = sample.clone();
                                async move {
                                    // Only keys that exist would be deleted (members can dangle).
                                    let keys: Vec<Vec<u8>> =
                                        members.iter().map(|m| ctx.ns.key(m)).collect();
                                    let live: Vec<Vec<u8>> = existence(&redis, &keys)
                                        .await?
                                        .into_iter()
                                        .zip(keys)
                                        .filter_map(|(e, k)| (e == Some(true)).then_some(k))
                                        .collect();
                                    if let Ok(mut s) = sample.lock() {
                                        let room = SAMPLE.saturating_sub(s.len());
                                        s.extend(live.iter().take(room).cloned());
                                    }
                                    Ok(live.len() as u64)
                                }
                            },
                        )
                        .await
                    }
                    Mode::Prune => drive(
                        rx,
                        &flow,
                        &interrupt,
                        progress,
                        |_, _| {},
                        |_, members| {
                            let redis = redis.clone();
                            let tkey = tag.key.clone();
                            async move { prune_batch(&redis, &ctx.ns, &tkey, kind, &members).await }
                        },
                    )
                    .await,
                    Mode::Invalidate => {
                        let use_del = args.del;
                        drive(
                            rx,
                            &flow,
                            &interrupt,
                            progress,
                            |_, _| {},
                            |_, members| {
                                let redis = redis.clone();
                                let denied = denied.clone();
                                let unreached = unreached.clone();
                                let unconfirmed = unconfirmed.clone();
                                let tkey = tag.key.clone();
                                async move {
                                    let keys: Vec<Vec<u8>> =
                                        members.iter().map(|m| ctx.ns.key(m)).collect();
                                    // Untag first, then delete: an app that re-creates and
                                    // re-tags a key after the removal keeps it tagged. (The
                                    // tag and its members may live in different cluster
                                    // slots, so no single call can do both.)
                                    let scores = forget(&redis, &tkey, kind, &members).await?;
                                    let done =
                                        unlink_keys(&redis, &keys, use_del, false, &denied).await?;
                                    if !done.unreached.is_empty() {
                                        // Keys on a primary that is down stay tagged, so a later
                                        // invalidation still finds them.
                                        let back = with_scores(
                                            &members,
                                            &scores,
                                            done.unreached.iter().copied(),
                                        );
                                        retag(&redis, &tkey, kind, &back).await?;
                                        unreached.fetch_add(back.len() as u64, Ordering::Relaxed);
                                    }
                                    unconfirmed.fetch_add(done.unconfirmed, Ordering::Relaxed);
                                    if done.denied > 0 {
                                        // Keys we were not allowed to delete stay tagged.
                                        let gone = existence(&redis, &keys).await?;
                                        let still = gone
                                            .iter()
                                            .enumerate()
                                            .filter(|(_, e)| e.is_none())
                                            .map(|(i, _)| i);
                                        let back = with_scores(&members, &scores, still);
                                        retag(&redis, &tkey, kind, &back).await?;
                                    }
                                    Ok(done.deleted)
                                }
                            },
                        )
                        .await
                    }
                };
            row.done += result.done();
            if let Some(f) = result.failure() {
                failure = Some(f);
                break;
            }
            if mode == Mode::DryRun || result.stop != Stop::Finished {
                break;
            }
            // A failover moves the tag to another node, whose set iterates
            // differently: the cursor of the old one skipped members there.
            if redis.is_cluster() {
                redis.refresh().await?;
            }
            let tag_node = redis.node_for_slot(slot_of(&tag.key)).addr.clone();
            let mut changed = changed_nodes(&redis, &ids).await?;
            if tag_node != tag_owner && !changed.iter().any(|(a, _, _)| *a == tag_node) {
                changed.push((tag_node.clone(), Changed::Restarted, None));
            }
            let Some((addr, why, _)) = changed.first() else {
                break;
            };
            if changed.iter().any(|(a, _, _)| *a != tag_node) || restarts >= MAX_TAG_RESTARTS {
                // Keys a member node restored from its snapshot are no longer in
                // the tag (their members were removed): they cannot be found again.
                failure = Some(
                    RedisFailure::Server {
                        node: addr.clone(),
                        msg: format!(
                            "{} during the invalidation of {}: keys it restored may remain",
                            why.reason(),
                            row.key
                        ),
                    }
                    .into(),
                );
                break;
            }
            restarts += 1;
            ctx.printer.notice(&format!(
                "{addr}: {}: reading tag {} again from the start",
                why.reason(),
                row.key
            ));
            ids = node_ids(&redis).await?;
            tag_owner = tag_node;
        }
        report.rows.push(row);
        if failure.is_some() {
            break;
        }
    }
    bar.finish_and_clear();
    report.unconfirmed = unconfirmed.load(Ordering::Relaxed);
    if report.unconfirmed > 0 {
        ctx.printer.notice(&format!(
            "a connection dropped before an UNLINK's reply: {} more keys were gone when it went again (deleted by it, or before); `deleted` counts only confirmed deletions",
            report.unconfirmed
        ));
    }
    if failure.is_none() && unreached.load(Ordering::Relaxed) > 0 {
        failure = Some(unreachable_failure(&redis.unreachable()).into());
    }
    if let Ok(s) = sample.lock() {
        report.sample = s.iter().map(|k| escape_bytes(k)).collect();
    }
    if let Ok(d) = denied.lock() {
        report.denied = d.count;
        if failure.is_none() {
            failure = d.failure(redis.display_url(), "tagged keys");
        }
    }
    if let (Some(channel), Mode::Invalidate, None) = (&args.publish, mode, &failure) {
        let message = json!({
            "event": "invalidate",
            "tags": args.tags,
            "deleted": report.rows.iter().map(|r| r.done).sum::<u64>(),
        })
        .to_string();
        let mut c = redis::cmd("PUBLISH");
        c.arg(channel).arg(&message);
        // The deletes happened: a failed announcement must not hide their summary.
        match redis
            .keyed::<i64>(channel.as_bytes(), &c, Idempotent::No)
            .await
        {
            Ok(receivers) => report.published = Some(receivers),
            Err(e) => failure = Some(e.context(format!("publishing to {channel}"))),
        }
    }
    Ok(Outcome::with_failure(report, failure))
}

/// Members at `idxs` with their sorted-set scores (if any), to put back in the tag.
fn with_scores(
    members: &[Vec<u8>],
    scores: &[Option<Vec<u8>>],
    idxs: impl Iterator<Item = usize>,
) -> Vec<(Vec<u8>, Option<Vec<u8>>)> {
    idxs.map(|i| (members[i].clone(), scores.get(i).cloned().flatten()))
        .collect()
}

/// Member keys a dry run shows.
const SAMPLE: usize = 10;

/// Times a tag is read again after its server's process changed, at most.
const MAX_TAG_RESTARTS: u32 = 20;

#[derive(Debug, Default)]
struct TagRow {
    tag: String,
    key: String,
    members: u64,
    done: u64,
}

#[derive(Debug)]
struct TagReport {
    mode: Mode,
    rows: Vec<TagRow>,
    denied: u64,
    published: Option<i64>,
    /// Dry run: some member keys, as they would be deleted.
    sample: Vec<String>,
    /// Keys gone when an UNLINK whose reply was lost went again: the lost
    /// one may have removed them, or they were gone before. Not in `deleted`.
    unconfirmed: u64,
}

impl Default for TagReport {
    fn default() -> Self {
        TagReport {
            mode: Mode::DryRun,
            rows: Vec::new(),
            denied: 0,
            published: None,
            sample: Vec::new(),
            unconfirmed: 0,
        }
    }
}

impl TagReport {
    fn done(&self) -> u64 {
        self.rows.iter().map(|r| r.done).sum()
    }
    fn members(&self) -> u64 {
        self.rows.iter().map(|r| r.members).sum()
    }
}

impl Render for TagReport {
    fn json(&self) -> serde_json::Value {
        let by_tag: Vec<_> = self
            .rows
            .iter()
            .map(|r| json!({"tag": r.tag, "key": r.key, "members": r.members, "done": r.done}))
            .collect();
        let mut v = json!({
            "tags": self.rows.iter().map(|r| r.tag.clone()).collect::<Vec<_>>(),
            "deleted": if self.mode == Mode::Invalidate { self.done() } else { 0 },
            "dry_run": self.mode == Mode::DryRun,
            "members": self.members(),
            "denied": self.denied,
            "unconfirmed": self.unconfirmed,
            "by_tag": by_tag,
        });
        if self.mode == Mode::Prune {
            v["pruned"] = json!(self.done());
        }
        if self.mode == Mode::DryRun {
            v["sample"] = json!(self.sample);
        }
        if let Some(n) = self.published {
            v["published"] = json!(n);
        }
        v
    }

    fn tables(&self) -> Vec<comfy_table::Table> {
        let verb = match self.mode {
            Mode::Invalidate => "deleted",
            Mode::Prune => "pruned",
            Mode::DryRun => "would delete",
        };
        let mut t = table(&["tag", "key", "members", verb]);
        for r in &self.rows {
            t.add_row(vec![
                r.tag.clone(),
                r.key.clone(),
                r.members.to_string(),
                r.done.to_string(),
            ]);
        }
        let mut out = vec![t];
        if self.mode == Mode::DryRun && !self.sample.is_empty() {
            let mut s = table(&["sample of keys that would be deleted"]);
            for k in &self.sample {
                s.add_row(vec![k.clone()]);
            }
            out.push(s);
        }
        out
    }

    fn plain(&self, out: &mut dyn Write) -> io::Result<()> {
        if self.mode == Mode::DryRun {
            for k in &self.sample {
                writeln!(out, "{k}")?;
            }
        }
        for r in &self.rows {
            writeln!(out, "{}\t{}\t{}", r.tag, r.members, r.done)?;
        }
        if self.unconfirmed > 0 {
            writeln!(out, "unconfirmed\t{}", self.unconfirmed)?;
        }
        Ok(())
    }
}
