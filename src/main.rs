//! cachectl: parse → context → runtime → run → print → exit code.

mod child;
mod cli;
mod commands;
mod config;
mod core;
mod error;
mod keys;
mod keyspace;
mod output;
mod parse;
mod records;
mod report;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{CommandFactory as _, FromArgMatches as _};

fn main() -> ExitCode {
    // Help is laid out for the one width every view uses (COLUMNS, else the
    // terminal, else 80), not for clap's own guess.
    // Help is laid out for at least 80 columns: a narrower terminal wraps the
    // lines itself, so an example still pastes as one line.
    let mut cmd = cli::Cli::command().term_width(output::width::terminal_width().max(80));
    let argv: Vec<OsString> = std::env::args_os().collect();
    let parsed = match cmd.try_get_matches_from_mut(&argv) {
        Ok(mut m) => cli::Cli::from_arg_matches_mut(&mut m).map_err(|e| e.format(&mut cmd)),
        Err(e) => Err(e),
    };
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => return error::report_usage(e, &mut cmd, &argv),
    };
    // Validate connection flags and ask for a password before any async work.
    let ctx = match commands::Ctx::new(&cli.global) {
        Ok(ctx) => ctx,
        Err(e) => return error::report(&e),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return error::report(&anyhow::Error::new(e).context("starting the runtime")),
    };
    let result = runtime.block_on(commands::run(cli.command, &ctx));
    // Scanner tasks may still be parked on a full channel: do not wait for them.
    runtime.shutdown_background();
    commands::finish(&ctx, result)
}
