//! `ttl KEY...` and `ttl --pattern P`: show TTLs, a distribution over matching
//! keys, or change them (`--set`, `--at`, `--persist`, `--only-persistent`).

use std::time::{SystemTime, UNIX_EPOCH};

use super::Ctx;
use crate::cli::TtlArgs;
use crate::core::conn::unreachable_failure;
use crate::core::interrupt::Interrupt;
use crate::core::scan::{estimate, ScanOpts};
use crate::core::ttl::{self, Change, PatternJob, TtlState};
use crate::error::{negative, usage};
use crate::keys::{arg_bytes, escape_bytes, matches_everything};
use crate::output::delete::confirmation;
use crate::output::Outcome;
use crate::parse::parse_instant;
use crate::report::delete::{DeletePlan, Target};
use crate::report::ttl::{KeysReport, PatternReport, Rescan};

fn change_of(args: &TtlArgs) -> anyhow::Result<Option<Change>> {
    if let Some(d) = args.set {
        let ms = d.as_millis() as u64;
        if ms == 0 {
            return Err(usage(format!(
                "--set {} is under 1ms: it would delete the keys; give at least 1ms",
                humantime::format_duration(d)
            )));
        }
        return Ok(Some(Change::Expire(ms)));
    }
    if let Some(at) = &args.at {
        let t = parse_instant(at).map_err(usage)?;
        if t <= SystemTime::now() {
            return Err(usage(format!(
                "--at {at} is in the past: the keys would be deleted"
            )));
        }
        let ms = t
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        return Ok(Some(Change::ExpireAt(ms)));
    }
    if args.persist {
        if args.only_persistent {
            return Err(usage("--persist with --only-persistent changes nothing"));
        }
        return Ok(Some(Change::Persist));
    }
    if args.only_persistent {
        return Err(usage("--only-persistent needs --set or --at"));
    }
    Ok(None)
}

pub async fn run(args: &TtlArgs, ctx: &Ctx) -> anyhow::Result<Outcome> {
    let change = change_of(args)?;
    if args.pattern.is_none() && args.key_type.is_some() {
        return Err(usage("--type needs --pattern"));
    }
    match &args.pattern {
        Some(p) => run_pattern(args, ctx, &arg_bytes(p), change).await,
        None => run_keys(args, ctx, change).await,
    }
}

async fn run_keys(args: &TtlArgs, ctx: &Ctx, change: Option<Change>) -> anyhow::Result<Outcome> {
    let names: Vec<Vec<u8>> = args.keys.iter().map(|k| arg_bytes(k)).collect();
    let redis = ctx.connect().await?;
    // A dry run only reads; --only-persistent holds per key (PEXPIRE … NX).
    let apply = change.filter(|_| !args.dry_run);
    let rows = ttl::read_keys(
        &redis,
        names,
        |n| ctx.ns.key(n),
        apply,
        args.only_persistent,
    )
    .await?;
    let listed = |want: TtlState| -> Vec<String> {
        rows.iter()
            .filter(|r| r.state == want)
            .map(|r| escape_bytes(&r.key))
            .collect()
    };
    let (missing, denied) = (listed(TtlState::Missing), listed(TtlState::Denied));
    let failure = if !listed(TtlState::Unreachable).is_empty() {
        Some(unreachable_failure(&redis.unreachable()).into())
    } else if !denied.is_empty() {
        ttl::denied_keys_failure(redis.display_url(), &denied)
    } else {
        (!missing.is_empty()).then(|| negative(format!("key not found: {}", missing.join(", "))))
    };
    Ok(Outcome::failed(KeysReport { rows }, failure))
}

async fn run_pattern(
    args: &TtlArgs,
    ctx: &Ctx,
    pattern: &[u8],
    change: Option<Change>,
) -> anyhow::Result<Outcome> {
    if change.is_some() && matches_everything(pattern) && ctx.ns.is_empty() && !args.all {
        return Err(usage(format!(
            "pattern '{}' matches every key: add --all if you mean it",
            escape_bytes(pattern)
        )));
    }
    let job = PatternJob {
        scan: ScanOpts {
            pattern: ctx.ns.pattern(pattern),
            count: args.count,
            key_type: args.key_type.map(|t| t.redis_name().to_string()),
        },
        change,
        dry_run: args.dry_run,
        only_persistent: args.only_persistent,
        budget: crate::config::budget(args.max_latency),
    };
    let redis = ctx.connect().await?;
    if change.is_some() && !args.dry_run {
        // The same details line and short question as a bulk delete's.
        let est = estimate(&redis, &job.scan).await?;
        let plan = DeletePlan {
            action: "change the TTL of",
            pattern: escape_bytes(&job.scan.pattern),
            target: Target::of(&redis),
            matches: est.matches,
            total: est.total,
            exact: est.exact,
            limit: None,
            resume: None,
        };
        let (details, question) = confirmation(&plan);
        ctx.printer.confirm_after(&details, question).await?;
    }
    let interrupt = Interrupt::listen();
    let bar = ctx
        .printer
        .progress(None, "{spinner} {human_pos} keys {msg}");
    let (facts, failure) =
        ttl::run_pattern(&redis, &job, &interrupt, |n| bar.set_position(n)).await?;
    bar.finish_and_clear();
    for (addr, why) in &facts.rescanned {
        ctx.printer
            .notice(&format!("{addr}: {why}: the change was applied again"));
    }
    if facts.unconfirmed > 0 {
        ctx.printer.notice(&format!(
            "a connection dropped before some replies: {} changes went again and found nothing to do (the lost ones most likely did it); they are counted as unconfirmed, not changed",
            facts.unconfirmed
        ));
    }
    let report = PatternReport {
        pattern: escape_bytes(pattern),
        matched: facts.before.total() + facts.unread,
        denied: facts.denied.count,
        no_ttl: facts.before.no_ttl,
        distribution: facts.before.into(),
        after: change.map(|_| facts.after.into()),
        dry_run: args.dry_run,
        elapsed_ms: facts.elapsed_ms,
        rescanned: facts
            .rescanned
            .iter()
            .map(|(node, reason)| Rescan {
                node: node.clone(),
                reason: reason.clone(),
            })
            .collect(),
        changed: change.map(|_| facts.changed),
        unconfirmed: change.map(|_| facts.unconfirmed),
        sample: (change.is_some() && args.dry_run)
            .then(|| facts.sample.iter().map(|k| escape_bytes(k)).collect()),
        interrupted: facts.interrupted,
    };
    Ok(Outcome::failed(report, failure))
}
