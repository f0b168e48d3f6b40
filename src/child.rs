//! Child commands for `remember` and `lock run`: spawn with inherited stderr,
//! optionally capture stdout, and supervise them while a lock is kept alive.
//!
//! The supervisor extends the lock every period; when the lock is lost, or when
//! cachectl gets SIGINT/SIGTERM, the child gets SIGTERM (then SIGKILL after a
//! grace period) and is always waited for, so no orphan outlives cachectl.

use std::ffi::OsString;
use std::future::Future;
use std::io::IsTerminal;
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use tokio::io::AsyncReadExt;
use tokio::process::{Child, Command};
use tokio::task::JoinHandle;

use crate::core::interrupt::Interrupt;
use crate::error::usage;

/// A started child, with its stdout being collected when asked for.
pub struct Running {
    child: Child,
    stdout: Option<JoinHandle<std::io::Result<Vec<u8>>>>,
    pub name: String,
    grouped: bool,
}

/// How a supervised child ended.
pub enum Ended {
    Exited(ExitStatus),
    /// The lock could not be kept; the child was terminated.
    LockLost,
    /// cachectl was interrupted; the child was terminated.
    Interrupted,
}

pub fn spawn(
    argv: &[OsString],
    capture_stdout: bool,
    envs: &[(&str, String)],
) -> anyhow::Result<Running> {
    let (prog, args) = argv
        .split_first()
        .ok_or_else(|| usage("no command given after --"))?;
    let name = prog.to_string_lossy().into_owned();
    let mut cmd = Command::new(prog);
    // Without a terminal, the child leads its own process group so that a lost
    // lock stops its whole tree (`sh -c` and what it started). On a terminal it
    // stays in the foreground group, which keeps it able to read the terminal,
    // and Ctrl-C reaches it there anyway.
    let grouped = !std::io::stdin().is_terminal();
    if grouped {
        cmd.process_group(0);
    }
    cmd.args(args)
        .stdin(Stdio::inherit())
        .stderr(Stdio::inherit())
        .stdout(if capture_stdout {
            Stdio::piped()
        } else {
            Stdio::inherit()
        })
        .kill_on_drop(true);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| usage(format!("cannot run {name}: {e}")))?;
    let stdout = child.stdout.take().map(|mut out| {
        tokio::spawn(async move {
            let mut buf = Vec::new();
            out.read_to_end(&mut buf).await?;
            Ok(buf)
        })
    });
    Ok(Running {
        child,
        stdout,
        name,
        grouped,
    })
}

/// Exit code as a shell reports it: the code, or 128 + the signal.
pub fn code_of(status: ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status
        .code()
        .unwrap_or_else(|| 128 + status.signal().unwrap_or(0))
}

impl Running {
    /// SIGTERM, then SIGKILL if it has not exited after `grace`.
    async fn terminate(&mut self, grace: Duration) -> std::io::Result<ExitStatus> {
        let target = |pid: u32| {
            if self.grouped {
                -(pid as libc::pid_t)
            } else {
                pid as libc::pid_t
            }
        };
        if let Some(pid) = self.child.id() {
            // SAFETY: kill(2) with our child's pid (or its group) has no memory effects.
            unsafe {
                libc::kill(target(pid), libc::SIGTERM);
            }
        }
        match tokio::time::timeout(grace, self.child.wait()).await {
            Ok(status) => status,
            Err(_) => {
                if let Some(pid) = self.child.id() {
                    // SAFETY: as above.
                    unsafe {
                        libc::kill(target(pid), libc::SIGKILL);
                    }
                }
                self.child.wait().await
            }
        }
    }

    /// Wait for the child while keeping its lock alive: `keep` is called every
    /// `period` and answers whether the lock is still ours. The lock is valid for
    /// `ttl` from the moment a successful `keep` was sent; the child is stopped
    /// (SIGTERM, then SIGKILL) once that validity is nearly used up without a
    /// confirmation, so it never runs on after its lock expired.
    pub async fn supervise<F, Fut>(
        &mut self,
        period: Duration,
        ttl: Duration,
        interrupt: &Interrupt,
        mut keep: F,
    ) -> std::io::Result<Ended>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = anyhow::Result<bool>>,
    {
        let margin = (ttl / 5).min(Duration::from_secs(2));
        let grace = Duration::from_secs(2);
        let mut ticker = tokio::time::interval(period);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticker.tick().await; // the first tick is immediate
        let mut valid_until = tokio::time::Instant::now() + ttl;
        loop {
            let deadline = valid_until.checked_sub(margin).unwrap_or(valid_until);
            tokio::select! {
                status = self.child.wait() => return Ok(Ended::Exited(status?)),
                _ = interrupt.wait() => {
                    self.terminate(grace).await?;
                    return Ok(Ended::Interrupted);
                }
                _ = tokio::time::sleep_until(deadline) => {
                    self.terminate(grace).await?;
                    return Ok(Ended::LockLost);
                }
                _ = ticker.tick() => {
                    let sent = tokio::time::Instant::now();
                    match tokio::time::timeout_at(deadline, keep()).await {
                        Ok(Ok(true)) => valid_until = sent + ttl,
                        Ok(Ok(false)) => {
                            self.terminate(grace).await?;
                            return Ok(Ended::LockLost);
                        }
                        // Could not tell: try again on the next tick, until the deadline.
                        Ok(Err(_)) | Err(_) => {}
                    }
                }
            }
        }
    }

    /// The collected stdout (empty when not captured). A descendant that keeps
    /// the pipe open after the child exited does not hang us for long.
    pub async fn stdout(&mut self) -> std::io::Result<Vec<u8>> {
        match self.stdout.take() {
            Some(h) => match tokio::time::timeout(Duration::from_secs(5), h).await {
                Ok(joined) => joined.map_err(std::io::Error::other)?,
                Err(_) => Err(std::io::Error::other(format!(
                    "the output of {} stayed open after it exited (a background process?)",
                    self.name
                ))),
            },
            None => Ok(Vec::new()),
        }
    }
}
