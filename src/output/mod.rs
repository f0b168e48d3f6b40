//! How a person sees a report. Commands return a [`Report`]: a
//! `#[derive(Serialize)]` value (its JSON form, field names fixed by SPEC.md)
//! that also has a [`View`] (a table for a terminal, plain text for scripts).
//! This module prints it in the chosen format on stdout. Progress bars,
//! prompts and notices go to stderr, and only when stderr is a terminal.
//!
//! One module per report renders it; [`grid`] fits tables to the width from
//! [`width`]; [`fmt`] is the one way numbers, durations and rates are shown.

pub mod fmt;
pub mod grid;
pub mod width;

pub mod delete;
mod get;
mod lock;
pub mod ratelimit;
mod remember;
mod set;
mod stats;
pub mod tag;
mod ttl;
mod warm;

#[cfg(test)]
pub mod testing;

use std::io::{self, IsTerminal, Write};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use crate::error::{usage, CliError};

/// How a report looks to a person.
pub trait View {
    /// Tables (or key/value blocks) for a terminal `width` columns wide.
    fn table(&self, out: &mut dyn Write, width: usize) -> io::Result<()>;
    /// Script-friendly form: one item per line, no decoration. Every field of
    /// the JSON form has a plain form.
    fn plain(&self, out: &mut dyn Write) -> io::Result<()>;
    /// Use the plain form on a terminal too (a value is its own best display).
    fn raw_on_terminal(&self) -> bool {
        false
    }
    /// Prometheus text exposition, for reports that have one.
    fn prometheus(&self) -> Option<String> {
        None
    }
}

/// A report: data with a JSON form (from serde) and a [`View`].
pub trait Report: View {
    fn write_json(&self, out: &mut dyn Write) -> io::Result<()>;
}

impl<T: Serialize + View> Report for T {
    fn write_json(&self, out: &mut dyn Write) -> io::Result<()> {
        // Buffered: stdout is line-buffered, and a big report (a run's every
        // request) is millions of short lines streamed straight from serde.
        let mut buf = io::BufWriter::new(out);
        serde_json::to_writer_pretty(&mut buf, self).map_err(io::Error::from)?;
        buf.flush()
    }
}

/// What a command hands back: a report to print and, optionally, an error that
/// decides the exit code after the report was printed (missing keys, Ctrl-C…).
pub struct Outcome {
    pub report: Option<Box<dyn Report>>,
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

    #[allow(dead_code)] // for reports that never fail, as they move over
    pub fn report(report: impl Report + 'static) -> Self {
        Outcome {
            report: Some(Box::new(report)),
            failure: None,
        }
    }

    pub fn failed(report: impl Report + 'static, failure: Option<anyhow::Error>) -> Self {
        Outcome {
            report: Some(Box::new(report)),
            failure,
        }
    }
}

/// Progress is drawn on a terminal stderr unless -q or --no-progress; the
/// format of stdout (`--json`) has no say in it.
fn shows_progress(o: &OutputSettings, stderr_is_terminal: bool) -> bool {
    !o.quiet && !o.no_progress && stderr_is_terminal
}

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Plain,
    Prometheus,
}

/// What the command line said about output (built once by the config layer).
#[derive(Debug, Clone, Copy)]
pub struct OutputSettings {
    /// `None`: table on a terminal, plain otherwise.
    pub format: Option<Format>,
    pub quiet: bool,
    pub no_progress: bool,
    pub yes: bool,
}

/// Decides formats, progress visibility and confirmations for one run.
#[derive(Debug, Clone)]
pub struct Printer {
    pub format: Format,
    quiet: bool,
    progress: bool,
    yes: bool,
    /// Columns tables are fitted to.
    pub width: usize,
}

impl Printer {
    pub fn new(o: OutputSettings) -> Self {
        let format = o.format.unwrap_or(if io::stdout().is_terminal() {
            Format::Table
        } else {
            Format::Plain
        });
        // Progress follows stderr alone: `--json > file` on a terminal still
        // shows it, `2>log` does not.
        let progress = shows_progress(&o, io::stderr().is_terminal());
        Printer {
            format,
            quiet: o.quiet,
            progress,
            yes: o.yes,
            width: width::terminal_width(),
        }
    }

    pub fn print(&self, report: &dyn Report) -> io::Result<()> {
        let stdout = io::stdout();
        let mut out = stdout.lock();
        match self.format {
            Format::Json => {
                report.write_json(&mut out)?;
                out.write_all(b"\n")?;
            }
            Format::Table if report.raw_on_terminal() => report.plain(&mut out)?,
            Format::Table => report.table(&mut out, self.width)?,
            Format::Plain => report.plain(&mut out)?,
            Format::Prometheus => match report.prometheus() {
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

    /// [`Printer::confirm`] with the details on a line of their own before a
    /// short question: a question wider than the terminal wraps, and the
    /// prompt's redraw then leaves its first line behind (drawn twice).
    pub async fn confirm_after(&self, details: &str, question: String) -> anyhow::Result<()> {
        if self.yes {
            return Ok(());
        }
        if !io::stdin().is_terminal() || !io::stderr().is_terminal() {
            return Err(usage(format!(
                "refusing to go on without confirmation: {details} (stdin is not a terminal; pass --yes)"
            )));
        }
        eprintln!("{details}");
        self.confirm(question).await
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
            Err(CliError::Declined.into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_follows_stderr_alone() {
        let json = OutputSettings {
            format: Some(Format::Json),
            quiet: false,
            no_progress: false,
            yes: false,
        };
        assert!(
            shows_progress(&json, true),
            "--json on a terminal shows progress"
        );
        assert!(!shows_progress(&json, false));
        assert!(!shows_progress(
            &OutputSettings {
                quiet: true,
                ..json
            },
            true
        ));
        assert!(!shows_progress(
            &OutputSettings {
                no_progress: true,
                ..json
            },
            true
        ));
    }
}
