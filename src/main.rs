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

use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return error::report_usage(e),
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
