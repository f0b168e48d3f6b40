//! `tag-invalidate TAG...`: stream each tag's members (SSCAN, or ZSCAN for the
//! sorted-set layout), UNLINK them in pipelined batches and remove them from the
//! tag as they go, so the tag disappears once empty and members that a client adds
//! meanwhile stay tagged. `--prune` only drops members whose keys are gone.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::{Arc, Mutex};

use redis::Value;
use serde_json::json;

use super::Ctx;
use crate::cli::TagInvalidateArgs;
use crate::core::bulk::{drive, Flow, NodeTally};
use crate::core::conn::{server_failure, Idempotent, Redis, Routed};
use crate::core::interrupt::Interrupt;
use crate::core::scan::{scan_members, MemberKind};
use crate::core::tags::tag_key;
use crate::core::unlink::{unlink_keys, Denied};
use crate::error::usage;
use crate::keys::escape_bytes;
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

/// Remove processed members from the tag key (SREM / ZREM).
async fn forget(
    redis: &Redis,
    tag: &[u8],
    kind: MemberKind,
    members: &[Vec<u8>],
) -> anyhow::Result<()> {
    if members.is_empty() {
        return Ok(());
    }
    let mut c = redis::cmd(match kind {
        MemberKind::Set => "SREM",
        MemberKind::Zset => "ZREM",
    });
    c.arg(tag);
    for m in members {
        c.arg(m);
    }
    let _: i64 = redis.keyed(tag, &c, Idempotent::Yes).await?;
    Ok(())
}

/// Members whose keys no longer exist.
async fn missing(redis: &Redis, members: &[Vec<u8>]) -> anyhow::Result<Vec<Vec<u8>>> {
    let cmds: Vec<Routed> = members
        .iter()
        .map(|m| {
            let mut c = redis::cmd("EXISTS");
            c.arg(m);
            Routed::new(m, c)
        })
        .collect();
    let replies = redis.batch(&cmds, Idempotent::Yes).await?;
    let mut gone = Vec::new();
    for (m, v) in members.iter().zip(replies) {
        match v {
            Value::ServerError(e) => return Err(server_failure(redis.display_url(), &e).into()),
            Value::Int(0) => gone.push(m.clone()),
            _ => {}
        }
    }
    Ok(gone)
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
        let rx = scan_members(&redis, tag.key.clone(), kind, args.count, 8);
        let label = tag.name.clone();
        let progress = |nodes: &BTreeMap<String, NodeTally>| {
            let m: u64 = nodes.values().map(|t| t.matched).sum();
            let d: u64 = nodes.values().map(|t| t.done).sum();
            bar.set_message(format!("{label}: {m} members seen, {d} done"));
        };
        let mut result = match mode {
            Mode::DryRun => {
                drive(
                    rx,
                    &flow,
                    &interrupt,
                    progress,
                    |_, _| {},
                    |_, keys| async move { Ok(keys.len() as u64) },
                )
                .await
            }
            Mode::Prune => {
                drive(
                    rx,
                    &flow,
                    &interrupt,
                    progress,
                    |_, _| {},
                    |_, keys| {
                        let redis = redis.clone();
                        let tkey = tag.key.clone();
                        async move {
                            let gone = missing(&redis, &keys).await?;
                            forget(&redis, &tkey, kind, &gone).await?;
                            Ok(gone.len() as u64)
                        }
                    },
                )
                .await
            }
            Mode::Invalidate => {
                let use_del = args.del;
                drive(
                    rx,
                    &flow,
                    &interrupt,
                    progress,
                    |_, _| {},
                    |_, keys| {
                        let redis = redis.clone();
                        let denied = denied.clone();
                        let tkey = tag.key.clone();
                        async move {
                            let done = unlink_keys(&redis, &keys, use_del, &denied).await?;
                            // Keys we were not allowed to delete stay tagged.
                            if done.denied == 0 {
                                forget(&redis, &tkey, kind, &keys).await?;
                            }
                            Ok(done.deleted)
                        }
                    },
                )
                .await
            }
        };
        row.done = result.done();
        report.rows.push(row);
        if let Some(f) = result.failure() {
            failure = Some(f);
            break;
        }
    }
    bar.finish_and_clear();
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
}

impl Default for TagReport {
    fn default() -> Self {
        TagReport {
            mode: Mode::DryRun,
            rows: Vec::new(),
            denied: 0,
            published: None,
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
            "by_tag": by_tag,
        });
        if self.mode == Mode::Prune {
            v["pruned"] = json!(self.done());
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
        vec![t]
    }

    fn plain(&self, out: &mut dyn Write) -> io::Result<()> {
        for r in &self.rows {
            writeln!(out, "{}\t{}\t{}", r.tag, r.members, r.done)?;
        }
        Ok(())
    }
}
