//! The config layer: clap's types become the plain settings the rest of the
//! program uses, once, here. Nothing under `core/` or `output/` sees `cli`.

pub mod ratelimit;

use crate::cli::{GlobalArgs, OutputFormat};
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
