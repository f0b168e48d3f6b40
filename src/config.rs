//! The config layer: clap's types become the plain settings the rest of the
//! program uses, once, here. Nothing under `core/` or `output/` sees `cli`.

use crate::cli::{DeleteOpts, GlobalArgs, OutputFormat, TagInvalidateArgs, TagLayoutArgs};
use crate::core::bulk::Flow;
use crate::core::delete::DeleteJob;
use crate::core::invalidate::{InvalidateJob, Mode};
use crate::core::scan::ScanOpts;
use crate::core::tags::TagLayout;
use crate::keys::escape_bytes;
use crate::output::{Format, OutputSettings};

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
            max_latency: o.max_latency,
            limit: o.limit,
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
        Some(t) => TagLayout::template(t).map_err(crate::error::usage),
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
            max_latency: None,
            limit: None,
        },
        count: a.count,
        del: a.del,
        publish: a.publish.clone(),
    }
}
