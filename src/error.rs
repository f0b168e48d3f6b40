//! Typed errors and the one mapping from errors to exit codes.
//!
//! Commands use anyhow with context; the variants here are what callers and
//! `exit_code` branch on. Messages never contain a password: URLs are redacted
//! before they reach an error.

use std::io;
use std::process::ExitCode;

/// Failures talking to Redis (exit 3).
#[derive(Debug, thiserror::Error)]
pub enum RedisFailure {
    #[error("cannot connect to {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("authentication to {url} failed: {reason}")]
    Auth { url: String, reason: String },
    #[error("{node} did not answer within {timeout}")]
    Timeout { node: String, timeout: String },
    #[error("connection to {node} lost: {reason}")]
    ConnectionLost { node: String, reason: String },
    #[error("{node}: permission denied: {msg}")]
    NoPerm { node: String, msg: String },
    #[error("{node}: server error: {msg}")]
    Server { node: String, msg: String },
}

/// Failures that are the user's to fix, or answers that are not errors.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad input: exit 2, and nothing was changed.
    #[error("{0}")]
    Usage(String),
    /// A definite negative answer (missing key, lock not acquired): exit 1.
    #[error("{0}")]
    Negative(String),
    /// Ctrl-C: the in-flight batch finished and the summary was printed.
    #[error("interrupted")]
    Interrupted,
    /// "No" at a confirmation: a normal end (exit 2, nothing was changed).
    #[error("nothing was changed")]
    Declined,
    /// A child command failed; we exit with its status.
    #[error("{cmd} exited with status {code}")]
    Child { cmd: String, code: i32 },
    /// CMD could not be started: 127 when it was not found, 126 when it cannot
    /// be executed, as a shell reports it.
    #[error("{msg}")]
    CannotRun { msg: String, code: u8 },
}

pub fn usage(msg: impl Into<String>) -> anyhow::Error {
    CliError::Usage(msg.into()).into()
}

pub fn negative(msg: impl Into<String>) -> anyhow::Error {
    CliError::Negative(msg.into()).into()
}

/// The exit code SPEC.md fixes for an error.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    for cause in err.chain() {
        if let Some(e) = cause.downcast_ref::<CliError>() {
            return match e {
                CliError::Usage(_) => 2,
                CliError::Negative(_) => 1,
                CliError::Interrupted => 130,
                CliError::Declined => 2,
                CliError::Child { code, .. } => (*code).clamp(1, 255) as u8,
                CliError::CannotRun { code, .. } => *code,
            };
        }
        if cause.downcast_ref::<RedisFailure>().is_some() {
            return 3;
        }
        if cause.downcast_ref::<redis::RedisError>().is_some() {
            return 3;
        }
    }
    // Anything else (a file that cannot be read, a bad value) is bad input.
    2
}

/// True when stdout went away (`cachectl get k | head -c1`): not an error.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Print the error once, as one line, and turn it into the process exit code.
pub fn report(err: &anyhow::Error) -> ExitCode {
    if is_broken_pipe(err) {
        return ExitCode::SUCCESS;
    }
    let code = exit_code(err);
    if let Some(line) = stderr_line(err) {
        eprintln!("{line}");
    }
    ExitCode::from(code)
}

/// The one line an error leaves on stderr, if any. Ctrl-C and a "no" are
/// ends the user chose: said plainly, not as an error.
fn stderr_line(err: &anyhow::Error) -> Option<String> {
    match err.downcast_ref::<CliError>() {
        Some(CliError::Interrupted) => return Some("cachectl: stopped by Ctrl-C".into()),
        Some(CliError::Declined) => return Some("cachectl: nothing was changed".into()),
        Some(CliError::Negative(m)) if m.is_empty() => return None,
        Some(CliError::Child { .. }) => return None,
        _ => {}
    }
    let line = format!("{err:#}").replace('\n', " ");
    Some(format!("cachectl: error: {line}"))
}

/// A command line clap rejected, as one `cachectl: error:` line (exit 2);
/// `--help` and `--version` are printed as clap prints them.
pub fn report_usage(err: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        err.exit();
    }
    eprintln!("cachectl: error: {}", usage_line(&err.render().to_string()));
    ExitCode::from(2)
}

/// clap's message on one line: its lines joined, without the usage and the
/// pointer to `--help`.
fn usage_line(rendered: &str) -> String {
    rendered
        .lines()
        .map(str::trim)
        .filter(|l| {
            !l.is_empty() && !l.starts_with("Usage:") && !l.starts_with("For more information")
        })
        .map(|l| l.strip_prefix("error: ").unwrap_or(l))
        .fold(String::new(), |mut line, part| {
            if !line.is_empty() {
                line.push_str(if line.ends_with(':') { " " } else { "; " });
            }
            line.push_str(part);
            line
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_messages_become_one_line() {
        let rendered = "error: the following required arguments were not provided:\n  --ttl <DURATION>\n\nUsage: cachectl remember --ttl <DURATION> <KEY> -- <CMD>...\n\nFor more information, try '--help'.\n";
        assert_eq!(
            usage_line(rendered),
            "the following required arguments were not provided: --ttl <DURATION>"
        );
        let rendered = "error: invalid value 'x' for '--type <TYPE>'\n  [possible values: string, list]\n\n  tip: a similar value exists: 'string'\n";
        assert_eq!(
            usage_line(rendered),
            "invalid value 'x' for '--type <TYPE>'; [possible values: string, list]; tip: a similar value exists: 'string'"
        );
    }

    #[test]
    fn codes() {
        assert_eq!(exit_code(&usage("x")), 2);
        assert_eq!(exit_code(&negative("x")), 1);
        assert_eq!(exit_code(&CliError::Interrupted.into()), 130);
        assert_eq!(exit_code(&CliError::Declined.into()), 2);
        let chosen = [CliError::Interrupted, CliError::Declined];
        for e in chosen {
            let line = stderr_line(&e.into()).unwrap_or_default();
            assert!(!line.contains("error"), "{line}");
        }
        let line = stderr_line(&usage("bad flag")).unwrap_or_default();
        assert_eq!(line, "cachectl: error: bad flag");
        let e: anyhow::Error = RedisFailure::Timeout {
            node: "n".into(),
            timeout: "1s".into(),
        }
        .into();
        assert_eq!(exit_code(&e.context("reading")), 3);
        let child: anyhow::Error = CliError::Child {
            cmd: "false".into(),
            code: 7,
        }
        .into();
        assert_eq!(exit_code(&child), 7);
    }
}
