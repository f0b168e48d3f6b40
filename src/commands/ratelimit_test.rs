//! `ratelimit-test KEY`: send requests through a rate limiter and report each
//! verdict (the default), explain a limiter's state whatever wrote it
//! (`--inspect`), delete it (`--reset`), or send one request per Enter key on a
//! terminal (`--interactive`).
//!
//! Flags become a policy in [`crate::config::ratelimit`]; the algorithms, the
//! run and the reading of state live in [`crate::core::limiter`]. Denials are
//! results, not errors: a run exits 0 unless Redis fails (3) or Ctrl-C stops
//! it (130).

use std::io::{self, IsTerminal};

use dialoguer::console::{Key, Term};

use super::Ctx;
use crate::cli::RatelimitTestArgs;
use crate::config::ratelimit as config;
use crate::core::conn::Redis;
use crate::core::interrupt::Interrupt;
use crate::core::limiter::run::{send_all, Session};
use crate::core::limiter::{self, Hints, Layout, Policy};
use crate::error::{usage, CliError};
use crate::keys::{arg_bytes, escape_bytes};
use crate::output::ratelimit::{policy_text, screen};
use crate::output::Outcome;
use crate::report::ratelimit::{InspectReport, ResetReport, RunReport};

pub async fn run(args: &RatelimitTestArgs, ctx: &Ctx) -> anyhow::Result<Outcome> {
    let key = ctx.ns.key(&arg_bytes(&args.limiter_key));
    let hints = config::hints(args)?;
    if args.inspect {
        let redis = ctx.connect().await?;
        let inspection = limiter::inspect(&redis, &key, &hints).await?;
        return Ok(Outcome::report(InspectReport { key, inspection }));
    }
    if args.reset {
        let redis = ctx.connect().await?;
        return reset(&redis, &key, &hints, ctx).await;
    }
    let mut policy = config::policy(args)?;
    if args.interactive && !(io::stdin().is_terminal() && io::stderr().is_terminal()) {
        return Err(usage(
            "--interactive needs a terminal (stdin and stderr); use --requests to script a run",
        ));
    }
    let redis = ctx.connect().await?;
    // Refuse a key another layout wrote: the script would misread or
    // overwrite it.
    let layout = limiter::adopt(&redis, &key, &mut policy, hints.unit)
        .await?
        .map_err(|why| {
            usage(format!(
                "{} {why}: pick the matching --algo, look with --inspect, or start over with --reset",
                escape_bytes(&key)
            ))
        })?;
    if layout != Layout::Missing {
        ctx.printer.notice(&format!(
            "{} already holds {} state: requests count from it (--reset starts fresh)",
            escape_bytes(&key),
            layout.name()
        ));
    }
    if args.interactive {
        return interactive(&redis, key, policy).await;
    }
    let plan = config::plan(args, &policy);
    let interrupt = Interrupt::listen();
    let mut run = send_all(&redis, &key, &policy, &plan, &interrupt).await;
    let failure = run.failure.take();
    let failure = failure.or_else(|| run.interrupted.then(|| CliError::Interrupted.into()));
    let report = RunReport::new(&key, &policy, plan.concurrency, run);
    Ok(Outcome::failed(report, failure))
}

async fn reset(redis: &Redis, key: &[u8], hints: &Hints, ctx: &Ctx) -> anyhow::Result<Outcome> {
    let snapshot = limiter::snapshot(redis, key).await?;
    let layout = limiter::classify(&snapshot, hints);
    let mut report = ResetReport {
        key: key.to_vec(),
        deleted: false,
    };
    if layout == Layout::Missing {
        return Ok(Outcome::report(report));
    }
    // limits' sliding window counter has a second key: both go, or the
    // library keeps counting the previous window.
    let previous = snapshot
        .previous
        .is_some()
        .then(|| limiter::previous_key(key));
    let also = previous
        .as_ref()
        .map(|p| format!(" and {}", escape_bytes(p)))
        .unwrap_or_default();
    ctx.printer
        .confirm(format!(
            "delete rate limiter {}{also} ({}, a {})?",
            escape_bytes(key),
            layout.name(),
            snapshot.kind
        ))
        .await?;
    report.deleted = limiter::reset(redis, key).await?;
    if let Some(p) = &previous {
        report.deleted |= limiter::reset(redis, p).await?;
    }
    Ok(Outcome::report(report))
}

/// One request per Enter; the verdict and the limiter's state are redrawn
/// after each. The screen goes to stderr, so the final report on stdout can be
/// redirected. q or Esc quits (exit 0), Ctrl-C too (exit 130).
async fn interactive(redis: &Redis, key: Vec<u8>, policy: Policy) -> anyhow::Result<Outcome> {
    let hints = Hints::of(&policy);
    let term = Term::stderr();
    let title = policy_text(&policy);
    let mut session = Session::default();
    let mut interrupted = false;
    let mut failure = None;
    let mut state = limiter::inspect(redis, &key, &hints).await?;
    loop {
        term.clear_screen()?;
        for line in screen(&key, &title, &session.rows, &state) {
            term.write_line(&line)?;
        }
        let reader = term.clone();
        match tokio::task::spawn_blocking(move || reader.read_key_raw()).await {
            Ok(Ok(Key::Enter | Key::Char(' '))) => {}
            Ok(Ok(Key::Char('q' | 'Q') | Key::Escape)) => break,
            Ok(Ok(Key::CtrlC | Key::Char('\u{3}'))) => {
                interrupted = true;
                break;
            }
            Ok(Ok(_)) => continue,
            // The terminal went away (hang-up): end the session with what was sent.
            Ok(Err(_)) | Err(_) => break,
        }
        if let Err(e) = session.send(redis, &policy, &key).await {
            failure = Some(e);
            break;
        }
        state = limiter::inspect(redis, &key, &hints).await?;
    }
    let report = RunReport::new(&key, &policy, 1, session.into_run());
    let failure = failure.or_else(|| interrupted.then(|| CliError::Interrupted.into()));
    Ok(Outcome::failed(report, failure))
}
