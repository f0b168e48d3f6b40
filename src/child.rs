//! Child commands for `remember` and `lock run`: spawn with inherited stderr,
//! optionally capture stdout, and supervise them while a lock is kept alive.
//!
//! The supervisor extends the lock every period; when the lock is lost, or when
//! cachectl gets SIGINT/SIGTERM, the child gets SIGTERM (then SIGKILL after a
//! grace period) and is always waited for, so no orphan outlives cachectl.

use std::ffi::OsString;
use std::future::Future;
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
        if let Some(pid) = self.child.id() {
            // SAFETY: kill(2) with a pid we own and a valid signal number has no memory effects.
            unsafe {
                libc::kill(pid as libc::pid_t, libc::SIGTERM);
            }
        }
        match tokio::time::timeout(grace, self.child.wait()).await {
            Ok(status) => status,
            Err(_) => {
                self.child.start_kill()?;
                self.child.wait().await
            }
        }
    }

    /// Wait for the child, calling `keep` every `period`. `keep` answers whether
    /// the lock is still ours (`Err`: could not tell; retried until `give_up`
    /// has passed since the last confirmation).
    pub async fn supervise<F, Fut>(
        &mut self,
        period: Duration,
        give_up: Duration,
        interrupt: &Interrupt,
        mut keep: F,
    ) -> std::io::Result<Ended>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = anyhow::Result<bool>>,
    {
        let grace = Duration::from_secs(10);
        let mut ticker = tokio::time::interval(period);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticker.tick().await; // the first tick is immediate
        let mut confirmed = tokio::time::Instant::now();
        loop {
            tokio::select! {
                status = self.child.wait() => return Ok(Ended::Exited(status?)),
                _ = interrupt.wait() => {
                    self.terminate(grace).await?;
                    return Ok(Ended::Interrupted);
                }
                _ = ticker.tick() => {
                    match keep().await {
                        Ok(true) => confirmed = tokio::time::Instant::now(),
                        Ok(false) => {
                            self.terminate(grace).await?;
                            return Ok(Ended::LockLost);
                        }
                        Err(_) if confirmed.elapsed() >= give_up => {
                            self.terminate(grace).await?;
                            return Ok(Ended::LockLost);
                        }
                        Err(_) => {}
                    }
                }
            }
        }
    }

    /// The collected stdout (empty when not captured).
    pub async fn stdout(&mut self) -> std::io::Result<Vec<u8>> {
        match self.stdout.take() {
            Some(h) => h.await.map_err(std::io::Error::other)?,
            None => Ok(Vec::new()),
        }
    }
}
