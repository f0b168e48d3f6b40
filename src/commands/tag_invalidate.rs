//! `tag-invalidate TAG...`: the tags are read and the question asked here;
//! the core's [`invalidate`](crate::core::invalidate) does the work, shown as
//! a [`TagReport`].

use super::Ctx;
use crate::cli::TagInvalidateArgs;
use crate::config;
use crate::core::interrupt::Interrupt;
use crate::core::invalidate::{self, Event, Mode, Progress};
use crate::error::usage;
use crate::keys::escape_bytes;
use crate::output::{delete::target, Outcome};
use crate::report::delete::Target;
use crate::report::tag::{TagReport, TagRow};

pub async fn run(args: &TagInvalidateArgs, ctx: &Ctx) -> anyhow::Result<Outcome> {
    if args.tags.iter().any(|t| t.is_empty()) {
        return Err(usage("empty tag name"));
    }
    let layout = config::tag_layout(&args.layout)?;
    let job = config::invalidate_job(args);
    let redis = ctx.connect().await?;
    let mut tags = Vec::new();
    for name in &args.tags {
        tags.push(invalidate::inspect(&redis, name, layout.key(&ctx.ns, name)).await?);
    }
    if job.mode == Mode::Invalidate {
        let members: u64 = tags.iter().map(|t| t.members).sum();
        let keys: Vec<String> = tags.iter().map(|t| escape_bytes(&t.key)).collect();
        let on = target(&if redis.is_cluster() {
            Target::Cluster {
                primaries: redis.primaries().len(),
            }
        } else {
            Target::Server(redis.display_url().to_string())
        });
        let (details, question) = crate::output::tag::confirmation(&keys, members, &on);
        ctx.printer.confirm_after(&details, question).await?;
    }

    let interrupt = Interrupt::listen();
    let bar = ctx.printer.progress(None, "{spinner} {msg}");
    let on_progress = |p: &Progress| {
        bar.set_message(format!(
            "{}: {} members seen, {} done",
            p.tag,
            crate::output::fmt::count(p.seen),
            crate::output::fmt::count(p.done)
        ));
    };
    let mut on_event = |e: Event| match e {
        Event::Reread { node, reason, key } => ctx.printer.notice(&format!(
            "{node}: {reason}: reading tag {} again from the start",
            escape_bytes(&key)
        )),
    };
    let done = invalidate::run(
        &redis,
        &ctx.ns,
        &job,
        tags,
        &interrupt,
        &on_progress,
        &mut on_event,
    )
    .await?;
    bar.finish_and_clear();
    if done.unconfirmed > 0 {
        ctx.printer.notice(&format!(
            "a connection dropped before an UNLINK's reply: {} more keys were gone when it went again (deleted by it, or before); `deleted` counts only confirmed deletions",
            done.unconfirmed
        ));
    }
    let total: u64 = done.tags.iter().map(|t| t.done).sum();
    let report = TagReport {
        tags: done.tags.iter().map(|t| t.tag.name.clone()).collect(),
        deleted: if job.mode == Mode::Invalidate {
            total
        } else {
            0
        },
        dry_run: job.mode == Mode::DryRun,
        members: done.tags.iter().map(|t| t.tag.members).sum(),
        denied: done.denied,
        unconfirmed: done.unconfirmed,
        by_tag: done
            .tags
            .iter()
            .map(|t| TagRow {
                tag: t.tag.name.clone(),
                key: escape_bytes(&t.tag.key),
                members: t.tag.members,
                done: t.done,
            })
            .collect(),
        pruned: (job.mode == Mode::Prune).then_some(total),
        sample: (job.mode == Mode::DryRun)
            .then(|| done.sample.iter().map(|k| escape_bytes(k)).collect()),
        published: done.published,
        interrupted: done.interrupted,
    };
    Ok(Outcome::failed(report, done.failure))
}
