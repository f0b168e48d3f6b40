//! The config layer: clap's types become the plain settings the rest of the
//! program uses, once, here. Nothing under `core/` or `output/` sees `cli`.
//! The environment and the terminal (the password prompt) are read here,
//! never in the core.

pub mod ratelimit;

use crate::cli::{GlobalArgs, OutputFormat};
use crate::core::conn::{ConnOptions, ConnSpec};
use crate::error::usage;
use crate::output::{Format, OutputSettings};

/// The connection settings of the global flags, with the password from
/// `--pass`, the `--askpass` prompt, the URL, `REDISCLI_AUTH` or
/// `REDIS_PASSWORD` (in that order). Errors are usage errors (exit 2).
pub fn conn_spec(g: &GlobalArgs) -> anyhow::Result<ConnSpec> {
    let mut opts = conn_options(g, env_password());
    if !g.askpass {
        return ConnSpec::new(&opts);
    }
    // Bad flags are reported before anyone is asked to type a password.
    ConnSpec::new(&opts)?;
    opts.password = Some(ask_password()?);
    ConnSpec::new(&opts)
}

fn conn_options(g: &GlobalArgs, env_password: Option<String>) -> ConnOptions {
    ConnOptions {
        url: g.url.clone(),
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

#[cfg(test)]
mod tests {
    use super::*;
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
