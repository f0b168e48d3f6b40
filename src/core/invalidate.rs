//! Invalidating tags: stream each tag's members (SSCAN, or ZSCAN for the
//! sorted-set layout), remove each batch from the tag and then UNLINK it, so the
//! tag disappears once empty and a key that a client re-creates and re-tags
//! meanwhile stays tagged. Prune only drops members whose keys are gone.
//!
//! Under a namespace, members are names inside it (what an app with a key
//! prefix writes): the key deleted for member `m` is `NS:m`.

use std::collections::BTreeMap;
use std::sync::Arc;

use redis::Value;
use serde::Serialize;

use super::bulk::{drive, Flow, NodeTally, Stop};
use super::conn::{server_failure, slot_of, unreachable_failure, Idempotent, Redis, Routed};
use super::interrupt::Interrupt;
use super::probe::Neighbour;
use super::scan::{changed_nodes, node_ids, scan_members, Changed, MemberKind};
use super::unlink::{unlink_keys, Denied};
use crate::error::{usage, RedisFailure};
use crate::keys::{escape_bytes, Namespace};

/// What a run does with each tag's members.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Untag and delete the keys.
    Invalidate,
    /// Untag members whose keys are gone.
    Prune,
    /// Count the keys that would be deleted.
    DryRun,
}

/// A tag, as found before the run.
#[derive(Debug, Clone)]
pub struct Tag {
    pub name: String,
    pub key: Vec<u8>,
    /// `None`: the tag key does not exist.
    pub kind: Option<MemberKind>,
    pub members: u64,
}

/// One invalidation (or prune, or dry run), as the config layer built it.
#[derive(Debug, Clone)]
pub struct InvalidateJob {
    pub mode: Mode,
    pub flow: Flow,
    /// SSCAN / ZSCAN COUNT hint.
    pub count: u32,
    /// DEL instead of UNLINK.
    pub del: bool,
    /// Announce the invalidation on this channel when it is done.
    pub publish: Option<String>,
}

/// Something worth telling while a run goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A tag's server changed process: the tag is read again from the start.
    Reread {
        node: String,
        reason: &'static str,
        key: Vec<u8>,
    },
}

/// Where a run stands: the tag being read, its members seen and done.
#[derive(Debug, Clone)]
pub struct Progress<'a> {
    pub tag: &'a str,
    pub seen: u64,
    pub done: u64,
}

/// What was done per tag.
#[derive(Debug, Clone)]
pub struct TagDone {
    pub tag: Tag,
    /// Keys deleted, members pruned, or keys that would be deleted.
    pub done: u64,
}

/// What a run did.
#[derive(Debug, Default)]
pub struct Invalidation {
    pub tags: Vec<TagDone>,
    pub denied: u64,
    /// Keys gone when an UNLINK whose reply was lost went again.
    pub unconfirmed: u64,
    /// Dry run: some keys that would be deleted (full names).
    pub sample: Vec<Vec<u8>>,
    /// Subscribers that received the announcement.
    pub published: Option<i64>,
    pub interrupted: bool,
    /// What decides the exit code after the summary.
    pub failure: Option<anyhow::Error>,
}

/// Member keys a dry run keeps.
const SAMPLE: usize = 10;

/// Times a tag is read again after its server's process changed, at most.
const MAX_TAG_RESTARTS: u32 = 20;

/// The announcement published after an invalidation.
#[derive(Serialize)]
struct Announcement<'a> {
    event: &'static str,
    tags: Vec<&'a str>,
    deleted: u64,
}

/// The tag's type and size (a missing tag has no members).
pub async fn inspect(redis: &Redis, name: &str, key: Vec<u8>) -> anyhow::Result<Tag> {
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

/// Members at `idxs` with their sorted-set scores (if any), to put back in the tag.
fn with_scores(
    members: &[Vec<u8>],
    scores: &[Option<Vec<u8>>],
    idxs: impl Iterator<Item = usize>,
) -> Vec<(Vec<u8>, Option<Vec<u8>>)> {
    idxs.map(|i| (members[i].clone(), scores.get(i).cloned().flatten()))
        .collect()
}

/// What one chunk of members did: the engine folds it into the run's counts.
#[derive(Debug, Default)]
struct Chunk {
    /// Keys deleted, members pruned, or keys that would be deleted.
    done: u64,
    unconfirmed: u64,
    /// Members left tagged because their primary is down.
    unreached: u64,
    /// Keys refused with NOPERM.
    refused: Vec<Vec<u8>>,
    /// Dry run: keys that would be deleted.
    sample: Vec<Vec<u8>>,
}

/// A dry run's chunk: only keys that exist would be deleted (members can dangle).
async fn dry_run_chunk(
    redis: &Redis,
    ns: &Namespace,
    members: &[Vec<u8>],
) -> anyhow::Result<Chunk> {
    let keys: Vec<Vec<u8>> = members.iter().map(|m| ns.key(m)).collect();
    let live: Vec<Vec<u8>> = existence(redis, &keys)
        .await?
        .into_iter()
        .zip(keys)
        .filter_map(|(e, k)| (e == Some(true)).then_some(k))
        .collect();
    Ok(Chunk {
        done: live.len() as u64,
        sample: live,
        ..Chunk::default()
    })
}

/// Untag a chunk of members, then delete their keys. Untagging first means an
/// app that re-creates and re-tags a key after the removal keeps it tagged.
/// (The tag and its members may live in different cluster slots, so no single
/// call can do both.) Keys that could not be deleted are tagged again.
async fn invalidate_chunk(
    redis: &Redis,
    ns: &Namespace,
    tag: &[u8],
    kind: MemberKind,
    members: &[Vec<u8>],
    use_del: bool,
) -> anyhow::Result<Chunk> {
    let keys: Vec<Vec<u8>> = members.iter().map(|m| ns.key(m)).collect();
    let scores = forget(redis, tag, kind, members).await?;
    let done = unlink_keys(redis, &keys, use_del, false).await?;
    let mut unreached = 0;
    if !done.unreached.is_empty() {
        // Keys on a primary that is down stay tagged, so a later
        // invalidation still finds them.
        let back = with_scores(members, &scores, done.unreached.iter().copied());
        retag(redis, tag, kind, &back).await?;
        unreached = back.len() as u64;
    }
    if done.denied > 0 {
        // Keys we were not allowed to delete stay tagged.
        let gone = existence(redis, &keys).await?;
        let still = gone
            .iter()
            .enumerate()
            .filter(|(_, e)| e.is_none())
            .map(|(i, _)| i);
        let back = with_scores(members, &scores, still);
        retag(redis, tag, kind, &back).await?;
    }
    Ok(Chunk {
        done: done.deleted,
        unconfirmed: done.unconfirmed,
        unreached,
        refused: done.refused.iter().map(|&i| keys[i].clone()).collect(),
        sample: Vec::new(),
    })
}

/// Run the job over `tags` (from [`inspect`]), one tag after another.
pub async fn run(
    redis: &Arc<Redis>,
    ns: &Namespace,
    job: &InvalidateJob,
    tags: Vec<Tag>,
    interrupt: &Interrupt,
    on_progress: &dyn Fn(&Progress),
    on_event: &mut dyn FnMut(Event),
) -> anyhow::Result<Invalidation> {
    let mode = job.mode;
    let budget = job
        .flow
        .max_latency
        .filter(|_| !matches!(mode, Mode::DryRun));
    let flow = &Flow {
        neighbour: Neighbour::for_budget(redis, budget).await,
        ..job.flow.clone()
    };
    // Accumulated by the engine's fold, on this task.
    let mut denied = Denied::default();
    // Members whose keys are on a primary that is down: left tagged.
    let mut unreached = 0u64;
    let mut unconfirmed = 0u64;
    let mut sample: Vec<Vec<u8>> = Vec::new();
    let mut report = Invalidation::default();
    let mut failure = None;
    for tag in tags {
        let mut row = TagDone { tag, done: 0 };
        let tag = row.tag.clone();
        let Some(kind) = tag.kind else {
            report.tags.push(row);
            continue;
        };
        // Who each node is before the tag is read: a restart or failover during
        // the run brings its snapshot back (tag and keys), so the tag goes again.
        let mut ids = node_ids(redis).await?;
        let mut tag_owner = redis.node_for_slot(slot_of(&tag.key)).addr.clone();
        let mut restarts = 0;
        loop {
            let rx = scan_members(redis, tag.key.clone(), kind, job.count, 8);
            let progress = |nodes: &BTreeMap<String, NodeTally>| {
                on_progress(&Progress {
                    tag: &tag.name,
                    seen: nodes.values().map(|t| t.matched).sum(),
                    done: nodes.values().map(|t| t.done).sum(),
                });
            };
            let op = |_node: Arc<super::conn::Node>, members: Vec<Vec<u8>>| {
                let redis = redis.clone();
                let tkey = tag.key.clone();
                async move {
                    match mode {
                        Mode::DryRun => dry_run_chunk(&redis, ns, &members).await,
                        Mode::Prune => Ok(Chunk {
                            done: prune_batch(&redis, ns, &tkey, kind, &members).await?,
                            ..Chunk::default()
                        }),
                        Mode::Invalidate => {
                            invalidate_chunk(&redis, ns, &tkey, kind, &members, job.del).await
                        }
                    }
                }
            };
            let fold = |_: &str, c: Chunk| {
                unconfirmed += c.unconfirmed;
                unreached += c.unreached;
                for k in &c.refused {
                    denied.add(k);
                }
                let room = SAMPLE.saturating_sub(sample.len());
                sample.extend(c.sample.into_iter().take(room));
                Ok(c.done)
            };
            let result = drive(rx, flow, interrupt, progress, |_, _| {}, op, fold).await;
            row.done += result.done();
            let finished = matches!(result.stop, Stop::Finished);
            report.interrupted |= matches!(result.stop, Stop::Interrupted);
            if let Some(f) = result.stop.into_failure() {
                failure = Some(f);
                break;
            }
            if mode == Mode::DryRun || !finished {
                break;
            }
            // A failover moves the tag to another node, whose set iterates
            // differently: the cursor of the old one skipped members there.
            if redis.is_cluster() {
                redis.refresh().await?;
            }
            let tag_node = redis.node_for_slot(slot_of(&tag.key)).addr.clone();
            let mut changed = changed_nodes(redis, &ids).await?;
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
                            escape_bytes(&tag.key)
                        ),
                    }
                    .into(),
                );
                break;
            }
            restarts += 1;
            on_event(Event::Reread {
                node: addr.clone(),
                reason: why.reason(),
                key: tag.key.clone(),
            });
            ids = node_ids(redis).await?;
            tag_owner = tag_node;
        }
        report.tags.push(row);
        if failure.is_some() {
            break;
        }
    }
    report.unconfirmed = unconfirmed;
    if failure.is_none() && unreached > 0 {
        failure = Some(unreachable_failure(&redis.unreachable()).into());
    }
    report.sample = sample;
    report.denied = denied.count;
    if failure.is_none() {
        failure = denied.failure(redis.display_url(), "tagged keys", "deleted");
    }
    if let (Some(channel), Mode::Invalidate, None) = (&job.publish, mode, &failure) {
        let message = serde_json::to_string(&Announcement {
            event: "invalidate",
            tags: report.tags.iter().map(|t| t.tag.name.as_str()).collect(),
            deleted: report.tags.iter().map(|t| t.done).sum(),
        })?;
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
    report.failure = failure;
    Ok(report)
}
