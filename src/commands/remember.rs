//! `remember KEY --ttl D -- CMD`: cache-or-compute with single flight across
//! processes and hosts, and XFetch early recomputation (see `core::remember`).

use super::Ctx;
use crate::cli::RememberArgs;
use crate::core::remember::{remember, Options};
use crate::error::negative;
use crate::keys::{arg_bytes, escape_bytes};
use crate::output::Outcome;
use crate::report::remember::RememberReport;

pub async fn run(args: &RememberArgs, ctx: &Ctx) -> anyhow::Result<Outcome> {
    let name = arg_bytes(&args.key);
    let opts = Options {
        ttl: args.ttl,
        lock_ttl: args.lock_ttl,
        wait: args.wait,
        beta: args.beta,
        cmd: args.cmd.clone(),
    };
    let redis = ctx.connect().await?;
    let Some(served) = remember(&redis, ctx.ns.key(&name), &opts).await? else {
        return Err(negative(format!(
            "gave up after {}: another process is still computing {} (raise --wait)",
            humantime::format_duration(args.wait),
            escape_bytes(&name)
        )));
    };
    if let Some(e) = &served.early_failure {
        ctx.printer.notice(&format!(
            "early recomputation failed ({e:#}); serving the cached value"
        ));
    }
    Ok(Outcome::report(RememberReport {
        key: name,
        hit: served.hit,
        computed: served.computed,
        early: served.early,
        waited: served.waited,
        compute_ms: served.compute_ms,
        ttl_ms: served.ttl_ms,
        value: served.value,
    }))
}
