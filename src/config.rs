//! The config layer: clap's types become the plain settings the rest of the
//! program uses, once, here. Nothing under `core/` or `output/` sees `cli`.
//! The environment and the terminal (the password prompt) are read here,
//! never in the core.

pub mod ratelimit;

use std::io::IsTerminal;
use std::time::Duration;

use crate::cli::{DeleteOpts, GlobalArgs, OutputFormat, TagInvalidateArgs, TagLayoutArgs};
use crate::core::bulk::Flow;
use crate::core::conn::{ConnOptions, ConnSpec};
use crate::core::delete::DeleteJob;
use crate::core::invalidate::{InvalidateJob, Mode};
use crate::core::scan::ScanOpts;
use crate::core::tags::TagLayout;
use crate::error::usage;
use crate::keys::escape_bytes;
use crate::output::{Format, OutputSettings};

/// The connection settings of the global flags, with the password from
/// `--pass`, the `--askpass` prompt, the URL, `REDISCLI_AUTH` or
/// `REDIS_PASSWORD` (in that order). Errors are usage errors (exit 2).
pub fn conn_spec(g: &GlobalArgs) -> anyhow::Result<Conn> {
    let opts = conn_options(g, env_password());
    // Bad flags are reported before anyone is asked to type a password.
    let spec = ConnSpec::new(&opts)?;
    Ok(Conn {
        spec: std::sync::OnceLock::new(),
        pending: g.askpass.then_some(opts),
        checked: spec,
    })
}

/// The connection settings, with `--askpass`'s prompt put off until the
/// first connection: the command's own flags are checked before anyone is
/// asked to type a password.
pub struct Conn {
    checked: ConnSpec,
    pending: Option<ConnOptions>,
    spec: std::sync::OnceLock<ConnSpec>,
}

impl Conn {
    pub fn spec(&self) -> anyhow::Result<ConnSpec> {
        let Some(opts) = &self.pending else {
            return Ok(self.checked.clone());
        };
        if let Some(s) = self.spec.get() {
            return Ok(s.clone());
        }
        let mut opts = opts.clone();
        opts.password = Some(ask_password()?);
        let spec = ConnSpec::new(&opts)?;
        Ok(self.spec.get_or_init(|| spec).clone())
    }
}

fn conn_options(g: &GlobalArgs, env_password: Option<String>) -> ConnOptions {
    ConnOptions {
        url: url_given(g),
        host: g.host.clone(),
        port: g.port,
        db: g.db,
        user: g.user.clone(),
        password: g.pass.clone(),
        env_password,
        tls: g.tls,
        insecure: g.insecure,
        cacert: g.cacert.clone(),
        cert: g.cert.clone(),
        key: g.tls_key.clone(),
        timeout: g.timeout,
        sentinels: g.sentinels.clone(),
        master: g.master.clone(),
        sentinel_user: g.sentinel_user.clone(),
        sentinel_pass: g.sentinel_pass.clone(),
    }
}

/// The URL, unless it only came from `REDIS_URL` while `--sentinel` names
/// where to go: an environment default gives way to a flag.
fn url_given(g: &GlobalArgs) -> Option<String> {
    let from_env = std::env::var("REDIS_URL").ok();
    match &g.url {
        Some(u) if !g.sentinels.is_empty() && from_env.as_ref() == Some(u) => None,
        other => other.clone(),
    }
}

/// `REDISCLI_AUTH`, else `REDIS_PASSWORD`, as redis-cli reads them (an empty
/// `REDISCLI_AUTH` means none, and hides `REDIS_PASSWORD`).
fn env_password() -> Option<String> {
    std::env::var("REDISCLI_AUTH")
        .ok()
        .or_else(|| std::env::var("REDIS_PASSWORD").ok())
        .filter(|p| !p.is_empty())
}

fn ask_password() -> anyhow::Result<String> {
    dialoguer::Password::new()
        .with_prompt("Redis password")
        .allow_empty_password(true)
        .interact()
        .map_err(|e| usage(format!("--askpass needs a terminal: {e}")))
}

/// The latency budget bulk work holds when `--max-latency` is not given and
/// an operator watches (stderr is a terminal): a live server is assumed.
/// Scripts and pipelines get full speed unless they ask, so what they do
/// does not depend on where they run.
pub const TERMINAL_BUDGET: Duration = Duration::from_millis(2);

/// `--max-latency` as given (0 = full speed), else the terminal default.
pub fn budget(given: Option<Duration>) -> Option<Duration> {
    budget_for(given, std::io::stderr().is_terminal())
}

fn budget_for(given: Option<Duration>, terminal: bool) -> Option<Duration> {
    match given {
        Some(d) if d.is_zero() => None,
        Some(d) => Some(d),
        None => terminal.then_some(TERMINAL_BUDGET),
    }
}

/// How reports are printed: format, notices, progress, confirmations.
pub fn output(g: &GlobalArgs) -> OutputSettings {
    let format = if g.json {
        Some(Format::Json)
    } else {
        g.output.map(|f| match f {
            OutputFormat::Table => Format::Table,
            OutputFormat::Json => Format::Json,
            OutputFormat::Plain => Format::Plain,
            OutputFormat::Prometheus => Format::Prometheus,
        })
    };
    OutputSettings {
        format,
        quiet: g.quiet,
        no_progress: g.no_progress,
        yes: g.yes,
    }
}

/// A bulk delete's job from its flags; `pattern` has the namespace applied.
pub fn delete_job(o: &DeleteOpts, pattern: Vec<u8>) -> DeleteJob {
    DeleteJob {
        shown: escape_bytes(&pattern),
        scan: ScanOpts {
            pattern,
            count: o.count,
            key_type: o.key_type.map(|t| t.redis_name().to_string()),
        },
        flow: Flow {
            batch: o.batch as usize,
            in_flight: o.in_flight as usize,
            rate: o.rate,
            // 0 is full speed, as without a budget.
            max_latency: budget(o.max_latency),
            limit: o.limit,
            neighbour: None,
        },
        dry_run: o.dry_run,
        del: o.del,
        until_empty: o.until_empty,
        checkpoint: o.checkpoint.clone(),
        sample: o.sample,
    }
}

/// Where tag sets live: `--tag-key TEMPLATE` (which must hold `{tag}`), else
/// `--tag-prefix`. A bad template is a usage error.
pub fn tag_layout(a: &TagLayoutArgs) -> anyhow::Result<TagLayout> {
    match &a.tag_key {
        Some(t) => TagLayout::template(t).map_err(usage),
        None => Ok(TagLayout::Prefix(a.tag_prefix.clone())),
    }
}

/// A tag invalidation's job from its flags.
pub fn invalidate_job(a: &TagInvalidateArgs) -> InvalidateJob {
    InvalidateJob {
        mode: match (a.dry_run, a.prune) {
            (true, _) => Mode::DryRun,
            (false, true) => Mode::Prune,
            (false, false) => Mode::Invalidate,
        },
        flow: Flow {
            batch: a.batch as usize,
            in_flight: 4,
            rate: a.rate,
            max_latency: budget(a.max_latency),
            ..Flow::default()
        },
        count: a.count,
        del: a.del,
        publish: a.publish.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_is_given_or_the_terminal_default() {
        let ms = Duration::from_millis;
        assert_eq!(budget_for(Some(ms(5)), false), Some(ms(5)));
        assert_eq!(budget_for(Some(ms(5)), true), Some(ms(5)));
        assert_eq!(budget_for(Some(ms(0)), true), None, "0 is full speed");
        assert_eq!(budget_for(None, true), Some(TERMINAL_BUDGET));
        assert_eq!(budget_for(None, false), None, "scripts get full speed");
    }
    use clap::Parser as _;

    fn global(args: &[&str]) -> GlobalArgs {
        let mut argv = vec!["cachectl"];
        argv.extend_from_slice(args);
        argv.extend_from_slice(&["get", "k"]);
        match crate::cli::Cli::try_parse_from(argv) {
            Ok(cli) => cli.global,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn flags_become_options() {
        let g = global(&["-h", "10.0.0.1", "-p", "7000", "-n", "2", "--user", "app"]);
        let o = conn_options(&g, Some("from-env".into()));
        assert_eq!(o.host.as_deref(), Some("10.0.0.1"));
        assert_eq!((o.port, o.db), (Some(7000), Some(2)));
        assert_eq!(o.user.as_deref(), Some("app"));
        assert_eq!(o.env_password.as_deref(), Some("from-env"));
        let spec = match ConnSpec::new(&o) {
            Ok(s) => s,
            Err(e) => panic!("{e:#}"),
        };
        assert_eq!(spec.display_url, "redis://app:***@10.0.0.1:7000/2");
    }
}
