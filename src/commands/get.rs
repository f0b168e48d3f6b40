//! `get KEY...`: type-aware read of several keys in two pipelined round trips.

use super::Ctx;
use crate::cli::GetArgs;
use crate::core::conn::unreachable_failure;
use crate::core::read::{read_entries, Data, UNREACHABLE_KIND};
use crate::error::negative;
use crate::keys::{arg_bytes, escape_bytes};
use crate::output::Outcome;
use crate::report::get::GetReport;

pub async fn run(args: &GetArgs, ctx: &Ctx) -> anyhow::Result<Outcome> {
    let keys: Vec<(Vec<u8>, Vec<u8>)> = args
        .keys
        .iter()
        .map(|k| {
            let name = arg_bytes(k);
            let key = ctx.ns.key(&name);
            (name, key)
        })
        .collect();
    let redis = ctx.connect().await?;
    let entries = read_entries(&redis, keys).await?;
    let missing: Vec<String> = entries
        .iter()
        .filter(|e| matches!(e.data, Data::Missing))
        .map(|e| escape_bytes(&e.name))
        .collect();
    let unreached = entries.iter().any(|e| e.kind == UNREACHABLE_KIND);
    let failure = if unreached {
        Some(unreachable_failure(&redis.unreachable()).into())
    } else {
        (!missing.is_empty()).then(|| negative(format!("key not found: {}", missing.join(", "))))
    };
    let report = GetReport {
        entries,
        many: args.keys.len() > 1,
    };
    Ok(Outcome::failed(report, failure))
}
