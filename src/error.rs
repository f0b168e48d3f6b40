//! Typed errors and the one mapping from errors to exit codes.
//!
//! Commands use anyhow with context; the variants here are what callers and
//! `exit_code` branch on. Messages never contain a password: URLs are redacted
//! before they reach an error.

use std::ffi::OsString;
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
/// `--help` and `--version` are printed as clap prints them. `cmd` is the
/// command definition the parse ran on, `argv` what was typed (program name
/// first): both give the hints clap cannot.
pub fn report_usage(mut err: clap::Error, cmd: &mut clap::Command, argv: &[OsString]) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        err.exit();
    }
    let args: Vec<String> = argv
        .iter()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    // `cachectl -h`: -h is --host (as in redis-cli), but whoever types it alone
    // wants help: the short help, and where the rest is.
    if args == ["-h"] {
        eprint!("{}", cmd.render_help());
        eprintln!("\n-h is --host, as in redis-cli; more help: cachectl --help");
        return ExitCode::from(2);
    }
    // A variable such as REDIS_URL counts as an argument given, so clap reports
    // a missing subcommand where it would show the help: show the help.
    if err.kind() == ErrorKind::MissingSubcommand {
        if let Some(sub) = missing_subcommand_of(&err, cmd) {
            eprint!("{}", sub.render_help());
            return ExitCode::from(2);
        }
    }
    tidy(&mut err, cmd, &args);
    eprintln!("cachectl: error: {}", usage_line(&err.render().to_string()));
    ExitCode::from(2)
}

/// The (sub)command a MissingSubcommand error is about, from its bin name
/// ("cachectl lock").
fn missing_subcommand_of<'c>(
    err: &clap::Error,
    cmd: &'c mut clap::Command,
) -> Option<&'c mut clap::Command> {
    use clap::error::{ContextKind, ContextValue};
    let Some(ContextValue::String(bin)) = err.get(ContextKind::InvalidSubcommand) else {
        return None;
    };
    let path: Vec<String> = bin.split_whitespace().skip(1).map(str::to_string).collect();
    let mut at = cmd;
    for name in &path {
        at = at.find_subcommand_mut(name)?;
    }
    Some(at)
}

/// Removes what misleads from clap's error and adds what it cannot know:
/// hidden subcommands are never suggested nor listed, usage lines (which show
/// variables such as REDIS_URL as options given) go, `-h` is explained, and
/// redis-cli habits (`EX 10`, `--px 500`) get the flag that does it here.
fn tidy(err: &mut clap::Error, cmd: &clap::Command, args: &[String]) {
    use clap::builder::StyledStr;
    use clap::error::{ContextKind, ContextValue};
    let hidden: Vec<&str> = cmd
        .get_subcommands()
        .filter(|c| c.is_hide_set())
        .map(|c| c.get_name())
        .collect();
    for kind in [
        ContextKind::SuggestedSubcommand,
        ContextKind::ValidSubcommand,
    ] {
        if let Some(ContextValue::Strings(names)) = err.get(kind) {
            let visible: Vec<String> = names
                .iter()
                .filter(|n| !hidden.contains(&n.as_str()))
                .cloned()
                .collect();
            if visible.is_empty() {
                err.remove(kind);
            } else {
                err.insert(kind, ContextValue::Strings(visible));
            }
        }
    }
    err.remove(ContextKind::Usage);
    let tip = match err.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(bad))
            if bad.starts_with("--host") && args.last().is_some_and(|a| a == "-h") =>
        {
            Some("-h is --host, as in redis-cli; help is --help".to_string())
        }
        Some(ContextValue::String(bad)) => habit_hint(cmd, args, bad),
        _ => None,
    };
    if let Some(tip) = tip {
        err.remove(ContextKind::SuggestedArg);
        err.insert(
            ContextKind::Suggested,
            ContextValue::StyledStrs(vec![StyledStr::from(tip)]),
        );
    }
}

/// The cachectl flag for a redis-cli habit: `SET k v EX 10` or `--ex 10` is
/// `--ttl 10s` (`--set 10s` for the ttl command), `PX` is milliseconds,
/// `KEEPTTL` is `--keep-ttl`, `NX`/`XX` are flags.
fn habit_hint(cmd: &clap::Command, args: &[String], bad: &str) -> Option<String> {
    // The (nested) subcommand: words that name one, in turn (flags before them
    // are global).
    let mut sub = cmd;
    for arg in args {
        if let Some(found) = sub.find_subcommand(arg) {
            sub = found;
        }
    }
    if std::ptr::eq(sub, cmd) {
        return None;
    }
    let has = |long: &str| sub.get_arguments().any(|a| a.get_long() == Some(long));
    let (word, inline) = match bad.split_once('=') {
        Some((w, v)) => (w, Some(v.to_string())),
        None => (bad, None),
    };
    let habit = word.trim_start_matches('-').to_ascii_lowercase();
    // The value follows the word, or is glued to it (`--px=250`).
    let value = inline.or_else(|| {
        let at = args
            .iter()
            .position(|a| a.split('=').next() == Some(word))?;
        match args[at].split_once('=') {
            Some((_, v)) => Some(v.to_string()),
            None => args.get(at + 1).cloned(),
        }
    });
    let number = value.filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()));
    let expiry_flag = if has("ttl") {
        "--ttl"
    } else if has("set") {
        "--set"
    } else {
        ""
    };
    match habit.as_str() {
        "ex" | "px" if !expiry_flag.is_empty() => {
            let unit = if habit == "ex" { "s" } else { "ms" };
            let duration = match number {
                Some(n) => format!("{n}{unit}"),
                None => "DURATION".to_string(),
            };
            Some(format!(
                "use {expiry_flag} {duration} (durations take a unit: 90s, 1500ms, 1h30m)"
            ))
        }
        "exat" | "pxat" if has("at") => Some("use --at RFC3339 (e.g. 2026-12-01T00:00:00Z)".into()),
        "exat" | "pxat" if has("ttl") => {
            Some("use --ttl DURATION, or 'cachectl ttl KEY --at RFC3339' for an instant".into())
        }
        "keepttl" if has("keep-ttl") => Some("use --keep-ttl".into()),
        "nx" | "xx" if has(&habit) => Some(format!("use --{habit}")),
        _ => None,
    }
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

    fn words(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn redis_cli_habits_get_the_flag_that_does_it() {
        use clap::{Arg, ArgAction, Command};
        let flag = |name: &'static str| Arg::new(name).long(name).action(ArgAction::SetTrue);
        let cmd = Command::new("cachectl")
            .subcommand(
                Command::new("set")
                    .arg(flag("ttl"))
                    .arg(flag("keep-ttl"))
                    .arg(flag("nx")),
            )
            .subcommand(Command::new("ttl").arg(flag("set")).arg(flag("at")))
            .subcommand(Command::new("get"))
            .subcommand(Command::new("lock").subcommand(Command::new("acquire").arg(flag("ttl"))));
        let hint = |line: &str, bad: &str| habit_hint(&cmd, &words(line), bad);
        let ttl_10s = "use --ttl 10s (durations take a unit: 90s, 1500ms, 1h30m)";
        assert_eq!(hint("set k v --ex 10", "--ex").as_deref(), Some(ttl_10s));
        assert_eq!(hint("set k v EX 10", "EX").as_deref(), Some(ttl_10s));
        // A global flag before the subcommand is skipped over.
        assert_eq!(
            hint("--json set k v --ex=10", "--ex").as_deref(),
            Some(ttl_10s)
        );
        assert!(hint("set k v px 250", "px").is_some_and(|h| h.starts_with("use --ttl 250ms")));
        assert!(
            hint("set k v --ex soon", "--ex").is_some_and(|h| h.starts_with("use --ttl DURATION"))
        );
        assert!(hint("ttl k --ex 5", "--ex").is_some_and(|h| h.starts_with("use --set 5s")));
        assert!(hint("ttl k --exat 5", "--exat").is_some_and(|h| h.contains("--at")));
        assert_eq!(
            hint("set k v KEEPTTL", "KEEPTTL").as_deref(),
            Some("use --keep-ttl")
        );
        assert_eq!(hint("set k v NX", "NX").as_deref(), Some("use --nx"));
        assert!(hint("lock acquire x --px 100", "--px")
            .is_some_and(|h| h.starts_with("use --ttl 100ms")));
        // Nothing to point to: no hint, clap's own message stands.
        assert_eq!(hint("get k --ex 5", "--ex"), None);
        assert_eq!(hint("set k v --bogus", "--bogus"), None);
        assert_eq!(hint("--ex 5", "--ex"), None);
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
