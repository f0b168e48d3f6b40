//! Output is a layer, not a side effect: commands return a [`Render`] value and
//! this module turns it into a table, JSON or plain text on stdout. Progress bars,
//! prompts and notices go to stderr, and only when stderr is a terminal.

pub mod width;

use std::io::{self, IsTerminal, Write};

use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::{GlobalArgs, OutputFormat};
use crate::error::usage;

/// Something a command produced, renderable in every output format.
pub trait Render {
    /// The JSON form (field names are fixed by SPEC.md).
    fn json(&self) -> serde_json::Value;
    /// Tables for a terminal.
    fn tables(&self) -> Vec<Table>;
    /// Script-friendly form: one item per line, no decoration.
    fn plain(&self, out: &mut dyn Write) -> io::Result<()>;
    /// Write the JSON form. Reports with many items override it to stream
    /// them rather than build one `Value` (about 2 KB per item).
    fn write_json(&self, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(out, &self.json()).map_err(io::Error::from)
    }
    /// Use the plain form on a terminal too (a value is its own best display).
    fn raw_on_terminal(&self) -> bool {
        false
    }
    /// Prometheus text exposition, for reports that have one.
    fn prometheus(&self) -> Option<String> {
        None
    }
}

/// What a command hands back: a report to print and, optionally, an error that
/// decides the exit code after the report was printed (missing keys, Ctrl-C…).
pub struct Outcome {
    pub report: Option<Box<dyn Render>>,
    pub failure: Option<anyhow::Error>,
}

impl Outcome {
    /// For commands whose output is not a report (generated files).
    pub fn silent() -> Self {
        Outcome {
            report: None,
            failure: None,
        }
    }

    pub fn with_failure(report: impl Render + 'static, failure: Option<anyhow::Error>) -> Self {
        Outcome {
            report: Some(Box::new(report)),
            failure,
        }
    }
}

/// A table with the house style.
pub fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.to_vec());
    t
}

/// Decides formats, progress visibility and confirmations for one run.
#[derive(Debug, Clone)]
pub struct Printer {
    pub format: OutputFormat,
    quiet: bool,
    progress: bool,
    yes: bool,
}

impl Printer {
    pub fn new(g: &GlobalArgs) -> Self {
        let format = if g.json {
            OutputFormat::Json
        } else {
            g.output.unwrap_or(if io::stdout().is_terminal() {
                OutputFormat::Table
            } else {
                OutputFormat::Plain
            })
        };
        let progress = !g.quiet
            && !g.no_progress
            && format != OutputFormat::Json
            && io::stderr().is_terminal();
        Printer {
            format,
            quiet: g.quiet,
            progress,
            yes: g.yes,
        }
    }

    pub fn print(&self, report: &dyn Render) -> io::Result<()> {
        let stdout = io::stdout();
        let mut out = stdout.lock();
        match self.format {
            OutputFormat::Json => {
                report.write_json(&mut out)?;
                out.write_all(b"\n")?;
            }
            OutputFormat::Table if report.raw_on_terminal() => report.plain(&mut out)?,
            OutputFormat::Table => {
                for t in report.tables() {
                    writeln!(out, "{t}")?;
                }
            }
            OutputFormat::Plain => report.plain(&mut out)?,
            OutputFormat::Prometheus => match report.prometheus() {
                Some(text) => out.write_all(text.as_bytes())?,
                None => report.plain(&mut out)?,
            },
        }
        out.flush()
    }

    /// A progress bar on stderr, hidden when progress is not wanted.
    pub fn progress(&self, len: Option<u64>, template: &str) -> ProgressBar {
        let bar = match len {
            Some(n) => ProgressBar::with_draw_target(Some(n), self.draw_target()),
            None => ProgressBar::with_draw_target(None, self.draw_target()),
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style);
        }
        bar
    }

    fn draw_target(&self) -> ProgressDrawTarget {
        if self.progress {
            ProgressDrawTarget::stderr_with_hz(10)
        } else {
            ProgressDrawTarget::hidden()
        }
    }

    /// A one-line notice on stderr (suppressed by -q).
    pub fn notice(&self, msg: &str) {
        if !self.quiet {
            eprintln!("cachectl: {msg}");
        }
    }

    /// Ask before destructive work: `--yes` passes; a terminal is asked; without a
    /// terminal the answer is a usage error (exit 2) and nothing is changed.
    pub async fn confirm(&self, question: String) -> anyhow::Result<()> {
        if self.yes {
            return Ok(());
        }
        if !io::stdin().is_terminal() || !io::stderr().is_terminal() {
            return Err(usage(format!(
                "refusing to go on without confirmation: {question} (stdin is not a terminal; pass --yes)"
            )));
        }
        let q = question.clone();
        let answer = tokio::task::spawn_blocking(move || {
            dialoguer::Confirm::new()
                .with_prompt(q)
                .default(false)
                .interact()
        })
        .await
        .map_err(|e| usage(format!("confirmation failed: {e}")))?
        .map_err(|e| usage(format!("confirmation failed: {e}")))?;
        if answer {
            Ok(())
        } else {
            Err(usage("aborted: nothing was changed"))
        }
    }
}
