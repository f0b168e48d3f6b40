//! Child commands for `remember` and `lock run`: spawn with inherited stderr,
//! optionally capture stdout, and supervise them while a lock is kept alive.
//!
//! The supervisor extends the lock every period. It stops the child (SIGTERM,
//! then SIGKILL after a grace period) early enough that the SIGKILL lands before
//! the lock's validity ends: when extensions stop getting through, when the lock
//! is lost, or when cachectl gets SIGINT/SIGTERM. The child is always waited for.
//! If cachectl itself dies (SIGKILL, a second Ctrl-C), a watchdog process kills
//! the child's process group, and on Linux the kernel kills the child
//! (PR_SET_PDEATHSIG), so no orphan runs on beside the lock's next holder.

use std::ffi::OsString;
use std::future::Future;
use std::io::IsTerminal;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use tokio::io::AsyncReadExt;
use tokio::process::{Child, Command};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::core::interrupt::Interrupt;
use crate::error::CliError;

/// A started child, with its stdout being collected when asked for.
pub struct Running {
    child: Child,
    stdout: Option<JoinHandle<std::io::Result<Vec<u8>>>>,
    pub name: String,
    grouped: bool,
    pid: Option<u32>,
    /// Write end of the watchdog's pipe: a byte disarms it, EOF (cachectl died)
    /// makes it kill the child's group.
    watchdog: Option<OwnedFd>,
}

/// How a supervised child ended.
pub enum Ended {
    Exited(ExitStatus),
    /// The lock could not be kept; the child was terminated.
    LockLost,
    /// cachectl was interrupted; the child was terminated.
    Interrupted,
}

/// SIGINT/SIGTERM while a child runs under a lock. The first asks the child to
/// stop (SIGTERM, then the grace); the second SIGKILLs it at once, so that the
/// lock is still released before cachectl exits; a third exits at once.
pub struct Signals {
    pub interrupt: Interrupt,
    hurry: Interrupt,
}

/// Start listening (registered synchronously, as `Interrupt::listen` does).
pub fn listen() -> Signals {
    use tokio::signal::unix::{signal, SignalKind};
    let signals = Signals {
        interrupt: Interrupt::default(),
        hurry: Interrupt::default(),
    };
    let (first, second) = (signals.interrupt.clone(), signals.hurry.clone());
    let mut int = signal(SignalKind::interrupt()).ok();
    let mut term = signal(SignalKind::terminate()).ok();
    tokio::spawn(async move {
        for step in 0.. {
            tokio::select! {
                _ = recv_one(int.as_mut()) => {},
                _ = recv_one(term.as_mut()) => {},
            }
            match step {
                0 => first.trigger(),
                1 => second.trigger(),
                _ => {
                    eprintln!("cachectl: interrupted again: exiting now");
                    std::process::exit(130);
                }
            }
        }
    });
    signals
}

async fn recv_one(s: Option<&mut tokio::signal::unix::Signal>) {
    match s {
        Some(s) => {
            s.recv().await;
        }
        None => std::future::pending::<()>().await,
    }
}

/// When to extend and when to stop the child, derived from the lock's TTL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keeping {
    /// How often the lock is extended.
    pub period: Duration,
    /// How long a successful extension keeps the lock ours, from when it was sent.
    pub validity: Duration,
    /// SIGTERM → SIGKILL.
    pub grace: Duration,
    /// Kept between the SIGKILL and the end of the validity (clock-rate drift
    /// and the kill's own latency).
    pub margin: Duration,
}

impl Keeping {
    /// `validity` is what one extension buys (the TTL, minus Redlock's drift
    /// allowance); `grace` is `--kill-grace` (default: TTL/5, at most 2 s).
    /// A grace that leaves less than half the validity to run is refused: the
    /// child could not be stopped in time and still be extended reliably.
    pub fn new(validity: Duration, grace: Option<Duration>) -> Result<Keeping, String> {
        let margin = validity / 100 + (validity / 10).min(Duration::from_millis(2));
        let grace = grace.unwrap_or_else(|| (validity / 5).min(Duration::from_secs(2)));
        if (grace + margin) * 2 >= validity {
            return Err(format!(
                "--kill-grace {} is too long for a lock valid {}: CMD must be killed before the lock expires, so the grace plus a safety margin of {} must stay under half of it (raise --ttl or lower --kill-grace)",
                humantime::format_duration(grace),
                humantime::format_duration(validity),
                humantime::format_duration(margin),
            ));
        }
        let budget = validity - grace - margin;
        Ok(Keeping {
            period: (validity / 3).min(budget / 2).max(Duration::from_millis(1)),
            validity,
            grace,
            margin,
        })
    }

    /// The latest moment for SIGKILL under a validity ending at `valid_until`.
    fn kill_by(&self, valid_until: Instant) -> Instant {
        valid_until.checked_sub(self.margin).unwrap_or(valid_until)
    }

    /// The latest moment for SIGTERM.
    fn term_by(&self, valid_until: Instant) -> Instant {
        let kill = self.kill_by(valid_until);
        kill.checked_sub(self.grace).unwrap_or(kill)
    }
}

/// The error for a command that could not be started, with a shell's exit code.
fn cannot_run(name: &str, e: &std::io::Error) -> anyhow::Error {
    let (code, why) = match e.kind() {
        std::io::ErrorKind::NotFound => (127, "command not found".to_string()),
        std::io::ErrorKind::PermissionDenied => (126, "permission denied".to_string()),
        _ => (126, format!("cannot run it: {e}")),
    };
    CliError::CannotRun {
        msg: format!("{name}: {why}"),
        code,
    }
    .into()
}

fn pipe_cloexec() -> std::io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0 as RawFd; 2];
    // SAFETY: pipe2 writes two fresh descriptors into the array we own.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: both descriptors were just created and are owned by nobody else.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// In the forked child, before exec: only async-signal-safe calls.
///
/// Forks (twice, so that it is not CMD's child) a watchdog that waits on the
/// pipe: a byte means cachectl is done with CMD, EOF means cachectl died, and
/// then it SIGKILLs CMD's group (or CMD, when not grouped).
///
/// # Safety
/// Must run between fork and exec.
unsafe fn start_watchdog(read_fd: RawFd, grouped: bool) -> std::io::Result<()> {
    let me = libc::getpid();
    let target = if grouped { -me } else { me };
    let middle = libc::fork();
    if middle < 0 {
        return Err(std::io::Error::last_os_error());
    }
    if middle > 0 {
        let mut status = 0;
        libc::waitpid(middle, &mut status, 0);
        return Ok(());
    }
    if libc::fork() != 0 {
        libc::_exit(0);
    }
    // The watchdog: out of CMD's group (group signals are for CMD), deaf to the
    // terminal's signals, holding no descriptor but its pipe's read end (it must
    // not keep CMD's stdout pipe, or the pipe's write end, open).
    libc::setpgid(0, 0);
    libc::signal(libc::SIGINT, libc::SIG_IGN);
    libc::signal(libc::SIGTERM, libc::SIG_IGN);
    libc::signal(libc::SIGHUP, libc::SIG_IGN);
    for fd in 0..4096 {
        if fd != read_fd {
            libc::close(fd);
        }
    }
    let mut byte = 0u8;
    loop {
        let n = libc::read(read_fd, (&mut byte as *mut u8).cast(), 1);
        if n == 1 {
            libc::_exit(0);
        }
        if n < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
            continue;
        }
        libc::kill(target, libc::SIGKILL);
        libc::_exit(0);
    }
}

pub fn spawn(
    argv: &[OsString],
    capture_stdout: bool,
    envs: &[(&str, String)],
) -> anyhow::Result<Running> {
    let (prog, args) = argv
        .split_first()
        .ok_or_else(|| crate::error::usage("no command given after --"))?;
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
    let (read_end, write_end) =
        pipe_cloexec().map_err(|e| anyhow::Error::new(e).context("creating a pipe"))?;
    let rfd = read_end.as_raw_fd();
    let parent = std::process::id() as libc::pid_t;
    // SAFETY: the closure only makes async-signal-safe calls (prctl, getppid,
    // fork, waitpid, setpgid, signal, close, read, kill, _exit).
    unsafe {
        cmd.pre_exec(move || {
            #[cfg(target_os = "linux")]
            {
                // Fires when the thread that forked exits: that is the runtime's
                // main thread, which lives as long as cachectl.
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                if libc::getppid() != parent {
                    // cachectl died before the line above took effect.
                    libc::_exit(137);
                }
            }
            #[cfg(not(target_os = "linux"))]
            let _ = parent;
            start_watchdog(rfd, grouped)
        });
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
    let mut child = cmd.spawn().map_err(|e| cannot_run(&name, &e))?;
    drop(read_end);
    let stdout = child.stdout.take().map(|mut out| {
        tokio::spawn(async move {
            let mut buf = Vec::new();
            out.read_to_end(&mut buf).await?;
            Ok(buf)
        })
    });
    Ok(Running {
        pid: child.id(),
        child,
        stdout,
        name,
        grouped,
        watchdog: Some(write_end),
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
    /// kill(2) to the child, or to its whole group when it leads one.
    fn signal(&self, sig: libc::c_int) -> bool {
        let Some(pid) = self.pid else { return false };
        let target = if self.grouped {
            -(pid as libc::pid_t)
        } else {
            pid as libc::pid_t
        };
        // SAFETY: kill(2) with our child's pid (or its group) has no memory effects.
        unsafe { libc::kill(target, sig) == 0 }
    }

    /// SIGTERM now, SIGKILL at `kill_at` for whatever of the child's group is
    /// still running then; returns once the child has exited.
    /// A second signal (`hurry`) cuts the grace short.
    async fn terminate(
        &mut self,
        kill_at: Instant,
        hurry: &Interrupt,
    ) -> std::io::Result<ExitStatus> {
        self.signal(libc::SIGTERM);
        let exited = tokio::select! {
            status = tokio::time::timeout_at(kill_at, self.child.wait()) => status.ok(),
            _ = hurry.wait() => None,
        };
        let status = match exited {
            Some(status) => status?,
            None => {
                self.signal(libc::SIGKILL);
                return self.child.wait().await;
            }
        };
        // The leader is gone; members of its group that ignore SIGTERM must not
        // run on past the lock either.
        if self.grouped {
            while self.signal(0) && Instant::now() < kill_at && !hurry.is_set() {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            self.signal(libc::SIGKILL);
        }
        Ok(status)
    }

    /// Wait for the child while keeping its lock alive: `keep` is called every
    /// period and answers whether the lock is still ours. The lock is valid until
    /// `valid_until`, and for `plan.validity` from the moment each successful
    /// `keep` was sent; the child is SIGKILLed before that validity ends.
    pub async fn supervise<F, Fut>(
        &mut self,
        plan: Keeping,
        mut valid_until: Instant,
        signals: &Signals,
        mut keep: F,
    ) -> std::io::Result<Ended>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = anyhow::Result<bool>>,
    {
        let mut ticker = tokio::time::interval(plan.period);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticker.tick().await; // the first tick is immediate
        loop {
            let term_at = plan.term_by(valid_until);
            let soon = |v: Instant| (Instant::now() + plan.grace).min(plan.kill_by(v));
            tokio::select! {
                status = self.child.wait() => return Ok(Ended::Exited(status?)),
                _ = signals.interrupt.wait() => {
                    self.terminate(soon(valid_until), &signals.hurry).await?;
                    return Ok(Ended::Interrupted);
                }
                _ = tokio::time::sleep_until(term_at) => {
                    self.terminate(plan.kill_by(valid_until), &signals.hurry).await?;
                    return Ok(Ended::LockLost);
                }
                _ = ticker.tick() => {
                    let sent = Instant::now();
                    match tokio::time::timeout_at(term_at, keep()).await {
                        Ok(Ok(true)) => valid_until = valid_until.max(sent + plan.validity),
                        Ok(Ok(false)) => {
                            self.terminate(soon(valid_until), &signals.hurry).await?;
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
    /// the pipe open after the child exited does not hang us for long: it is
    /// killed with the child's group, and the compute fails.
    pub async fn stdout(&mut self) -> std::io::Result<Vec<u8>> {
        match self.stdout.take() {
            Some(h) => match tokio::time::timeout(Duration::from_secs(5), h).await {
                Ok(joined) => joined.map_err(std::io::Error::other)?,
                Err(_) => {
                    self.signal(libc::SIGKILL);
                    Err(std::io::Error::other(format!(
                        "the output of {} stayed open after it exited (a background process?)",
                        self.name
                    )))
                }
            },
            None => Ok(Vec::new()),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        // Dropped before the child was waited for (an error path): stop its group
        // now instead of leaving it to the watchdog.
        if matches!(self.child.try_wait(), Ok(None)) {
            self.signal(libc::SIGKILL);
        }
        if let Some(fd) = self.watchdog.take() {
            // Disarm: cachectl is done with the child. A failed write (the
            // watchdog is gone) needs nothing more.
            // SAFETY: writing one byte from a local to a descriptor we own.
            unsafe {
                libc::write(fd.as_raw_fd(), [1u8].as_ptr().cast(), 1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kill_lands_before_the_validity_ends() {
        for ms in [5u64, 50, 500, 2_000, 10_000, 30_000, 600_000] {
            let ttl = Duration::from_millis(ms);
            let k = Keeping::new(ttl, None).expect("default grace fits");
            assert!(k.grace <= Duration::from_secs(2));
            assert!(k.grace + k.margin < ttl / 2, "{k:?}");
            assert!(k.period <= ttl / 3 && k.period < ttl - k.grace - k.margin);
            let now = Instant::now();
            let until = now + ttl;
            assert!(k.term_by(until) + k.grace <= k.kill_by(until));
            assert!(k.kill_by(until) < until);
        }
    }

    #[test]
    fn a_grace_too_long_for_the_ttl_is_refused() {
        let e = Keeping::new(Duration::from_secs(2), Some(Duration::from_secs(1)))
            .expect_err("1 s of grace in a 2 s lock");
        assert!(e.contains("--kill-grace 1s"), "{e}");
        let k = Keeping::new(Duration::from_secs(10), Some(Duration::from_secs(4)))
            .expect("4 s of grace in a 10 s lock");
        assert_eq!(k.grace, Duration::from_secs(4));
        assert!(k.period < Duration::from_secs(10) - k.grace - k.margin);
    }
}
