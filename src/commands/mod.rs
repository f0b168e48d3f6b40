//! `match cmd` dispatch, the per-run context, and printing of outcomes.

mod flush_prefix;
mod generate;
mod get;
mod lock;
mod ratelimit_test;
mod remember;
mod scan_delete;
mod set;
mod stats;
mod tag_invalidate;
mod ttl;
mod warm;

use std::process::ExitCode;
use std::sync::Arc;

use crate::cli::{Command, GlobalArgs};
use crate::config;
use crate::core::conn::{ConnSpec, Redis};
use crate::error;
use crate::keys::Namespace;
use crate::output::{Format, Outcome, Printer};

/// Everything a command needs besides its own flags.
pub struct Ctx {
    pub printer: Printer,
    pub ns: Namespace,
    conn: config::Conn,
}

impl Ctx {
    pub fn new(g: &GlobalArgs) -> anyhow::Result<Self> {
        let printer = Printer::new(config::output(g));
        if g.pass.is_some() && !g.quiet {
            // As redis-cli does: command lines are visible in `ps` and shell history.
            eprintln!("Warning: Using a password with '-a' or '--pass' option on the command line interface may not be safe.");
        }
        if g.insecure && !g.quiet {
            eprintln!("Warning: --insecure: the server's TLS certificate is not verified; anyone in between can read and change this session.");
        }
        let conn = config::conn_spec(g)?;
        Ok(Ctx {
            printer,
            ns: Namespace::new(g.prefix.as_deref()),
            conn,
        })
    }

    pub async fn connect(&self) -> anyhow::Result<Arc<Redis>> {
        Redis::connect(self.conn.spec()?).await
    }

    /// Another server with the same credentials and TLS settings (Redlock nodes).
    pub fn spec_for(&self, url: &str) -> anyhow::Result<ConnSpec> {
        self.conn.spec()?.with_url(url)
    }
}

pub async fn run(cmd: Command, ctx: &Ctx) -> anyhow::Result<Outcome> {
    if ctx.printer.format == Format::Prometheus && !matches!(cmd, Command::Stats(_)) {
        return Err(error::usage("-o prometheus is only for stats"));
    }
    match cmd {
        Command::Get(args) => get::run(&args, ctx).await,
        Command::Set(args) => set::run(&args, ctx).await,
        Command::Ttl(args) => ttl::run(&args, ctx).await,
        Command::ScanDelete(args) => scan_delete::run(&args, ctx).await,
        Command::FlushPrefix(args) => flush_prefix::run(&args, ctx).await,
        Command::Remember(args) => remember::run(&args, ctx).await,
        Command::Lock(args) => lock::run(&args.action, ctx).await,
        Command::RatelimitTest(args) => ratelimit_test::run(&args, ctx).await,
        Command::Warm(args) => warm::run(&args, ctx).await,
        Command::Stats(args) => stats::run(&args, ctx).await,
        Command::TagInvalidate(args) => tag_invalidate::run(&args, ctx).await,
        Command::Generate(args) => generate::run(&args.what).map(|()| Outcome::silent()),
    }
}

/// Print the report (if any), then turn the failure (if any) into the exit code.
pub fn finish(ctx: &Ctx, result: anyhow::Result<Outcome>) -> ExitCode {
    match result {
        Ok(outcome) => {
            if let Some(report) = &outcome.report {
                if let Err(e) = ctx.printer.print(report.as_ref()) {
                    let e = anyhow::Error::new(e).context("writing output");
                    // A reader that went away (`| head -1`) is no failure of
                    // ours, but it never hides the command's own outcome.
                    if !error::is_broken_pipe(&e) || outcome.failure.is_none() {
                        return error::report(&e);
                    }
                }
            }
            match outcome.failure {
                Some(e) => error::report(&e),
                None => ExitCode::SUCCESS,
            }
        }
        Err(e) => error::report(&e),
    }
}
