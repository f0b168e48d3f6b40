//! `scan-delete PATTERN`: the safety rails before a bulk delete (empty and
//! match-all patterns, the estimate and the question), then the core's
//! [`delete`](crate::core::delete) run, shown as a [`DeleteReport`].
//! `flush-prefix` reuses [`delete_matching`] with an escaped literal prefix.

use super::Ctx;
use crate::cli::{DeleteOpts, ScanDeleteArgs};
use crate::config;
use crate::core::delete::{self, Event, Progress};
use crate::core::interrupt::Interrupt;
use crate::core::scan::estimate;
use crate::error::usage;
use crate::keys::{arg_bytes, escape_bytes, matches_everything};
use crate::output::delete::{confirmation, event_text, progress_text};
use crate::output::Outcome;
use crate::report::delete::{DeletePlan, DeleteReport, NodeCount, Rescan, Resumed, Target};

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
    let job = config::delete_job(opts, ctx.ns.pattern(pattern));
    let redis = ctx.connect().await?;
    let mut on_event = |e: Event| ctx.printer.notice(&event_text(&e));
    let prepared = delete::prepare(&redis, &job, &mut on_event).await?;
    let checkpoint = job.checkpoint.clone().filter(|_| !job.dry_run);

    let mut expected = None;
    if !job.dry_run {
        let est = estimate(&redis, &job.scan).await?;
        expected = Some(opts.limit.map_or(est.matches, |l| l.min(est.matches)));
        let plan = DeletePlan {
            action: if job.del { "DEL" } else { "UNLINK" },
            pattern: job.shown.clone(),
            target: Target::of(&redis),
            matches: est.matches,
            total: est.total,
            exact: est.exact,
            limit: opts.limit,
            resume: prepared
                .covered(&redis)
                .map(|(covered, deleted)| Resumed { covered, deleted }),
        };
        let (details, question) = confirmation(&plan);
        ctx.printer.confirm_after(&details, question).await?;
    }

    let interrupt = Interrupt::listen();
    let bar = match expected {
        Some(n) => ctx.printer.progress(
            Some(n.max(1)),
            "{spinner} [{bar:30}] ~{percent}% eta {eta} {msg}",
        ),
        None => ctx.printer.progress(None, "{spinner} {msg}"),
    };
    let on_progress = |p: &Progress| {
        bar.set_position(if job.dry_run { p.matched } else { p.deleted });
        bar.set_message(progress_text(p, job.dry_run));
    };
    let done = delete::run(
        &redis,
        &job,
        prepared,
        &interrupt,
        &on_progress,
        &mut on_event,
    )
    .await?;
    if done.interrupted {
        // The last progress line stays, drawn with the final counts: the
        // summary's `matched` is the number it shows.
        bar.abandon();
    } else {
        bar.finish_and_clear();
    }
    if done.unconfirmed > 0 {
        ctx.printer.notice(&format!(
            "replies were lost with a dropped connection: {} of the {} deleted keys were already gone when their UNLINK was re-sent and are counted as deleted by it (unconfirmed)",
            done.unconfirmed, done.deleted
        ));
    }
    if let (Some(path), true) = (&checkpoint, done.failure.is_some()) {
        ctx.printer.notice(&format!(
            "resume with the same command: progress is in {}",
            path.display()
        ));
    }
    let report = DeleteReport {
        pattern: job.shown.clone(),
        matched: done.matched,
        deleted: done.deleted,
        denied: done.denied,
        unconfirmed: done.unconfirmed,
        dry_run: job.dry_run,
        elapsed_ms: done.elapsed.as_millis() as u64,
        passes: done.passes,
        interrupted: done.interrupted,
        limit_reached: done.limit_reached,
        resumed: done.resumed,
        rescanned: done
            .rescanned
            .iter()
            .map(|(node, why)| Rescan {
                node: node.clone(),
                reason: why.to_string(),
            })
            .collect(),
        nodes: done
            .nodes
            .iter()
            .map(|(node, &(matched, deleted))| NodeCount {
                node: node.clone(),
                matched,
                deleted,
            })
            .collect(),
        sample: job.dry_run.then(|| {
            done.sample
                .iter()
                .map(|k| escape_bytes(ctx.ns.strip(k)))
                .collect()
        }),
        checkpoint,
    };
    Ok(Outcome::failed(report, done.failure))
}
