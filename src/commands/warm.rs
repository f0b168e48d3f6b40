//! `warm FILE | -`: bulk-load a cache from JSON lines or CSV (the loader is
//! `core::load`): validate, then write on the bulk engine, and report.

use std::path::Path;
use std::time::Instant;

use super::Ctx;
use crate::cli::{InputFormat, WarmArgs};
use crate::core::interrupt::Interrupt;
use crate::core::load::{load, open_input, validate, Check, Plan, Writer};
use crate::error::{usage, CliError};
use crate::output::{fmt, Outcome};
use crate::records::{Format, Invalid};
use crate::report::warm::WarmReport;

fn pick_format(args: &WarmArgs) -> anyhow::Result<Format> {
    if let Some(f) = args.format {
        return Ok(match f {
            InputFormat::Jsonl => Format::Jsonl,
            InputFormat::Csv => Format::Csv,
        });
    }
    if args.input == Path::new("-") {
        return Ok(Format::Jsonl);
    }
    match args
        .input
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("jsonl" | "ndjson" | "json") => Ok(Format::Jsonl),
        Some("csv") => Ok(Format::Csv),
        _ => Err(usage(format!(
            "cannot tell the format of {} from its name: pass --format jsonl or --format csv",
            args.input.display()
        ))),
    }
}

/// Name each invalid line (those beyond the first few as a count). They are
/// counted as `invalid`, never as `skipped` (kept existing keys), and never
/// written; `passed_over`: the others were written.
fn name_invalid(source: &str, check: &Check, passed_over: bool) {
    let (one, more) = match passed_over {
        true => (" (invalid line, not written)", ", not written"),
        false => ("", ""),
    };
    let named = |e: &Invalid| eprintln!("cachectl: {source}: line {}: {}{one}", e.line, e.reason);
    check.errors.iter().for_each(named);
    if check.invalid as usize > check.errors.len() {
        let n = check.invalid as usize - check.errors.len();
        eprintln!("cachectl: {source}: … and {n} more invalid lines{more}");
    }
}

pub async fn run(args: &WarmArgs, ctx: &Ctx) -> anyhow::Result<Outcome> {
    let format = pick_format(args)?;
    let started = Instant::now();
    let (file, size) = open_input(&args.input)?;
    let source = match args.input == Path::new("-") {
        true => "standard input".to_string(),
        false => args.input.display().to_string(),
    };
    // With --skip-invalid there is nothing to protect: invalid lines are counted
    // while writing, in one pass.
    // Ctrl-C is heard from the start: during validation nothing is written
    // yet, and the summary says so.
    let interrupt = Interrupt::listen();
    let (file, check) = if args.skip_invalid && !args.dry_run {
        (file, Check::default())
    } else {
        let checking =
            tokio::task::spawn_blocking(move || validate(&file, size, format).map(|c| (file, c)));
        tokio::select! {
            done = checking => done?.map_err(|e| usage(format!("reading {source}: {e}")))?,
            _ = interrupt.wait() => {
                let mut report = WarmReport::new(&Check::default(), size, args.dry_run);
                report.finish(started.elapsed().as_millis() as u64);
                return Ok(Outcome::failed(report, Some(CliError::Interrupted.into())));
            }
        }
    };
    name_invalid(&source, &check, false);
    let mut report = WarmReport::new(&check, size, args.dry_run);
    if check.invalid > 0 && !args.skip_invalid && !args.dry_run {
        return Err(usage(format!(
            "{} of {} lines in {source} are invalid: nothing was written (fix them, or pass --skip-invalid)",
            check.invalid, check.read
        )));
    }
    if args.dry_run {
        report.finish(started.elapsed().as_millis() as u64);
        let failure = (check.invalid > 0)
            .then(|| usage(format!("{} invalid lines in {source}", check.invalid)));
        return Ok(Outcome::failed(report, failure));
    }

    let redis = ctx.connect().await?;
    let plan = Plan {
        format,
        writer: Writer {
            ns: ctx.ns.clone(),
            default_ttl: args.ttl,
            jitter: args.ttl_jitter,
            nx: args.only_missing,
        },
        batch: args.batch as usize,
        in_flight: args.in_flight as usize,
        validated: !args.skip_invalid,
        budget: crate::config::budget(args.max_latency),
    };
    let bar = ctx.printer.progress(
        Some(size.max(1)),
        "{spinner} [{bar:20}] {percent}% {msg}, eta {eta}",
    );
    let write_started = Instant::now();
    let loaded = load(&redis, file, size, plan, &source, &interrupt, |read, t| {
        let keys = t.written + t.skipped;
        let secs = write_started.elapsed().as_secs_f64().max(0.001);
        bar.set_position(read);
        bar.set_message(format!(
            "{} keys, {}",
            fmt::count(keys),
            fmt::rate(keys as f64 / secs)
        ));
    })
    .await?;
    bar.finish_and_clear();
    report.add(&loaded.tally);
    if args.skip_invalid {
        name_invalid(&source, &loaded.seen, true);
        (report.read, report.invalid) = (loaded.seen.read, loaded.seen.invalid);
    }
    report.finish(started.elapsed().as_millis() as u64);
    Ok(Outcome::failed(report, loaded.failure))
}
