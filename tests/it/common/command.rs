//! The binary under test: `cachectl` commands with a clean environment, runs
//! and their output (JSON, stderr), signals to spawned ones, and what its CLI
//! definition lists.

use std::ffi::OsString;
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use serde_json::Value;

use super::poll_until;

/// Safety net for `cachectl()` so a hung command fails the test instead of
/// hanging the suite. Override per test with `.timeout(..)`.
const CACHECTL_TIMEOUT: Duration = Duration::from_secs(60);

/// Environment variables that must not leak from the developer's shell into
/// the binary under test.
const SCRUBBED_ENV: &[&str] = &["REDIS_URL", "REDISCLI_AUTH", "REDIS_PASSWORD"];

/// Names of the variables to remove: the fixed list plus every `CACHECTL_*`
/// variable present in this process's environment.
fn scrubbed_env_vars() -> Vec<OsString> {
    let mut vars: Vec<OsString> = SCRUBBED_ENV.iter().map(OsString::from).collect();
    vars.extend(
        std::env::vars_os()
            .map(|(name, _)| name)
            .filter(|name| name.as_bytes().starts_with(b"CACHECTL_")),
    );
    vars
}

/// `cachectl` as an `assert_cmd::Command` with a clean environment
/// (no `REDIS_URL`, `REDISCLI_AUTH`, `REDIS_PASSWORD`, `CACHECTL_*`;
/// `NO_COLOR=1`) and a 60s kill-timeout as a safety net (no `--timeout`
/// flag is passed).
pub fn cachectl() -> assert_cmd::Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("cachectl");
    for var in scrubbed_env_vars() {
        cmd.env_remove(var);
    }
    cmd.env("NO_COLOR", "1").timeout(CACHECTL_TIMEOUT);
    cmd
}

/// `cachectl` as a plain `std::process::Command`, for tests that spawn and
/// signal the process. Same environment scrubbing as [`cachectl`]; stdin is
/// `/dev/null` unless the test overrides it.
pub fn cachectl_std() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cachectl"));
    for var in scrubbed_env_vars() {
        cmd.env_remove(var);
    }
    cmd.env("NO_COLOR", "1").stdin(Stdio::null());
    cmd
}

/// Sends `signal` (a name such as `STOP`, `CONT`, `TERM`, `INT`) to `pid`
/// with the `kill` command. Returns whether `kill` succeeded.
pub fn send_signal(pid: u32, signal: &str) -> bool {
    Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(pid.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// Runs `cachectl --url URL ARGS...` to the end; its raw output.
pub fn run(url: &str, args: &[&str]) -> Output {
    cachectl()
        .arg("--url")
        .arg(url)
        .args(args)
        .output()
        .expect("run cachectl")
}

/// Starts `cachectl --url URL ARGS...` with its output captured, for runs a
/// test interrupts or runs side by side; [`finish`] or `wait_with_output`
/// collects it.
pub fn spawn(url: &str, args: &[&str]) -> Child {
    cachectl_std()
        .arg("--url")
        .arg(url)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn cachectl")
}

/// The output of a spawned child once it exits; killed after `limit`, which
/// fails the test. Its pipes are drained meanwhile, so a large output cannot
/// block it.
pub fn finish(mut child: Child, limit: Duration) -> Output {
    fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    }
    let (stdout, stderr) = (drain(child.stdout.take()), drain(child.stderr.take()));
    let exited = poll_until(limit, || child.try_wait().ok().flatten());
    if exited.is_none() {
        let _ = child.kill();
    }
    let status = child.wait().expect("waiting for the child");
    let out = Output {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    };
    assert!(
        exited.is_some(),
        "the child did not finish within {limit:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A finished command's stdout as JSON.
pub fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// A finished command's stderr as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The visible subcommands, in the order `cachectl --help` lists them (its
/// `Commands:` section, without `help`): taken from the CLI definition, so a
/// test that covers every subcommand covers a new one too.
pub fn subcommands() -> &'static [String] {
    static LISTED: OnceLock<Vec<String>> = OnceLock::new();
    LISTED.get_or_init(|| {
        let out = cachectl().arg("--help").output();
        let out = out.unwrap_or_else(|e| panic!("running cachectl --help: {e}"));
        assert!(out.status.success(), "cachectl --help failed: {out:?}");
        let listed = commands_section(&String::from_utf8_lossy(&out.stdout));
        assert!(
            !listed.is_empty(),
            "no `Commands:` section in cachectl --help"
        );
        listed
    })
}

/// Names in the `Commands:` section of a clap help text, `help` left out.
fn commands_section(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // Wrapped descriptions are indented further.
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_commands_section_lists_names_only() {
        let help = "Does things\n\nUsage: x <COMMAND>\n\nCommands:\n  get   Read a key\n  \
                    scan-delete  Delete keys\n               matching a pattern\n  help  Print \
                    this\n\nOptions:\n  -h, --help  Print help\n";
        assert_eq!(commands_section(help), ["get", "scan-delete"]);
    }
}
