//! The config layer: clap's types become the plain settings the rest of the
//! program uses, once, here. Nothing under `core/` or `output/` sees `cli`.

use crate::cli::{DeleteOpts, GlobalArgs, OutputFormat};
use crate::core::bulk::Flow;
use crate::core::delete::DeleteJob;
use crate::core::scan::ScanOpts;
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
