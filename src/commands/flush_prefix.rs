//! `flush-prefix PREFIX`: `scan-delete` of the literal prefix (glob characters
//! escaped) followed by `*`. With `--prefix NS` and no argument: the namespace.

use super::scan_delete::delete_matching;
use super::Ctx;
use crate::cli::FlushPrefixArgs;
use crate::error::usage;
use crate::keys::{arg_bytes, escape_glob};
use crate::output::Outcome;

pub async fn run(args: &FlushPrefixArgs, ctx: &Ctx) -> anyhow::Result<Outcome> {
    let literal = match &args.prefix {
        Some(p) => arg_bytes(p),
        None if !ctx.ns.is_empty() => Vec::new(),
        None => return Err(usage("give a PREFIX, or --prefix NS to flush a namespace")),
    };
    let mut pattern = escape_glob(&literal);
    pattern.push(b'*');
    delete_matching(ctx, &pattern, &args.delete).await
}
