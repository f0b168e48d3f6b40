//! `set KEY [VALUE | --file F | -]`: one SET with PX / NX / XX / KEEPTTL.

use std::io::{self, Read};

use redis::Value;

use super::Ctx;
use crate::cli::SetArgs;
use crate::config;
use crate::core::conn::Idempotent;
use crate::core::tags::add_to_tags;
use crate::error::{negative, usage};
use crate::keys::{arg_bytes, escape_bytes};
use crate::output::Outcome;
use crate::report::set::SetReport;

fn read_value(args: &SetArgs) -> anyhow::Result<Vec<u8>> {
    if let Some(path) = &args.file {
        return std::fs::read(path)
            .map_err(|e| usage(format!("cannot read {}: {e}", path.display())));
    }
    match &args.value {
        Some(v) if v == "-" => {
            let mut buf = Vec::new();
            io::stdin()
                .read_to_end(&mut buf)
                .map_err(|e| usage(format!("cannot read standard input: {e}")))?;
            Ok(buf)
        }
        Some(v) => Ok(arg_bytes(v)),
        None => Err(usage("give a VALUE, --file F, or - for standard input")),
    }
}

pub async fn run(args: &SetArgs, ctx: &Ctx) -> anyhow::Result<Outcome> {
    let name = arg_bytes(&args.key);
    let value = read_value(args)?;
    if args.ttl.is_some_and(|d| d.as_millis() == 0) {
        return Err(usage("--ttl must be at least 1ms"));
    }
    // The layout matters (and is checked) only when the key joins tags.
    let layout = (!args.tags.is_empty())
        .then(|| config::tag_layout(&args.layout))
        .transpose()?;
    if args.tags.iter().any(|t| t.is_empty()) {
        return Err(usage("empty tag name"));
    }
    let key = ctx.ns.key(&name);
    let mut cmd = redis::cmd("SET");
    cmd.arg(&key).arg(&value);
    if let Some(ttl) = args.ttl {
        cmd.arg("PX").arg(ttl.as_millis() as u64);
    }
    if args.nx {
        cmd.arg("NX");
    }
    if args.xx {
        cmd.arg("XX");
    }
    if args.keep_ttl {
        cmd.arg("KEEPTTL");
    }
    let redis = ctx.connect().await?;
    // With NX/XX a resent SET would answer "not set" for a write that happened.
    let idem = if args.nx || args.xx {
        Idempotent::No
    } else {
        Idempotent::Yes
    };
    let tag_keys: Vec<Vec<u8>> = match &layout {
        Some(l) => args.tags.iter().map(|t| l.key(&ctx.ns, t)).collect(),
        None => Vec::new(),
    };
    // A tag key of another type would fail only after the value is written.
    for tk in &tag_keys {
        let mut c = redis::cmd("TYPE");
        c.arg(tk);
        let kind: String = redis.keyed(tk, &c, Idempotent::Yes).await?;
        if kind != "set" && kind != "none" {
            return Err(usage(format!(
                "tag key {} is a {kind}, not a set: nothing written (see --tag-key)",
                escape_bytes(tk)
            )));
        }
    }
    let reply: Value = redis.keyed(&key, &cmd, idem).await?;
    let set = !matches!(reply, Value::Nil);
    if set && !args.tags.is_empty() {
        let ttl_ms = match args.ttl {
            Some(d) => d.as_millis() as i64,
            None if args.keep_ttl => {
                let mut c = redis::cmd("PTTL");
                c.arg(&key);
                redis.keyed::<i64>(&key, &c, Idempotent::Yes).await?
            }
            None => -1,
        };
        // Members are names inside the namespace, as an app with a key prefix
        // writes them and as tag-invalidate reads them.
        add_to_tags(&redis, &tag_keys, &name, ttl_ms).await?;
    }
    let report = SetReport {
        key: name.clone(),
        set,
        bytes: value.len(),
        ttl_ms: args.ttl.map(|d| d.as_millis() as u64),
    };
    let failure = (!set).then(|| {
        let why = if args.nx {
            "it already exists (--nx)"
        } else {
            "it does not exist (--xx)"
        };
        negative(format!("{} not set: {why}", escape_bytes(&name)))
    });
    Ok(Outcome::failed(report, failure))
}
