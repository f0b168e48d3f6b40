//! A redis-server child process per test: started on a free loopback port in
//! its own directory, driven over RESP or redis-cli, killed on drop. A
//! watchdog kills leftovers if the test process dies without unwinding.

use std::ffi::{OsStr, OsString};
use std::fmt::Write as _;
use std::fs::{self, File};
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::thread;
use std::time::Instant;

use tempfile::TempDir;

use super::build;
use super::cluster::free_cluster_ports;
use super::command::send_signal;
use super::resp::{call_once, display_args, Reply};
use super::tls::TlsFiles;
use super::{free_port, HOST, POLL_INTERVAL};

/// Password of the `default` user on servers started by
/// [`RedisServer::start_with_acl`].
pub const ACL_ADMIN_PASS: &str = "admin-secret";

const START_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
const START_ATTEMPTS: usize = 3;

pub(super) fn redis_cli_bin() -> OsString {
    std::env::var_os("REDIS_CLI_BIN").unwrap_or_else(|| "redis-cli".into())
}

/// The last `lines` lines of a file, or a note saying why it can't be read.
fn file_tail(path: &Path, lines: usize) -> String {
    match fs::read(path) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            let all: Vec<&str> = text.lines().collect();
            all[all.len().saturating_sub(lines)..].join("\n")
        }
        Err(e) => format!("<cannot read {}: {e}>", path.display()),
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            write!(out, "%{b:02X}").expect("writing to a String cannot fail");
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Watchdog: kills leftover servers if the test process dies without unwinding
// ---------------------------------------------------------------------------

struct Reaper {
    /// One empty file per live redis-server, named after its pid.
    dir: PathBuf,
    /// Never written to: the watchdog's `cat` sees EOF when this process
    /// exits (however it exits) and then kills what `dir` lists.
    _lifeline: ChildStdin,
}

const REAPER_SCRIPT: &str = r#"
cat >/dev/null
for f in "$1"/*; do
    [ -e "$f" ] || continue
    pid=${f##*/}
    case "$(cat /proc/"$pid"/comm 2>/dev/null)" in
        redis*) kill -CONT "$pid" 2>/dev/null; kill -KILL "$pid" 2>/dev/null ;;
    esac
done
rm -rf "$1"
"#;

fn reaper() -> Option<&'static Reaper> {
    static REAPER: OnceLock<Option<Reaper>> = OnceLock::new();
    REAPER
        .get_or_init(|| {
            let dir =
                std::env::temp_dir().join(format!("cachectl-it-reaper-{}", std::process::id()));
            fs::create_dir_all(&dir).ok()?;
            let mut child = Command::new("sh")
                .arg("-c")
                .arg(REAPER_SCRIPT)
                .arg("cachectl-it-reaper")
                .arg(&dir)
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .ok()?;
            let lifeline = child.stdin.take()?;
            Some(Reaper {
                dir,
                _lifeline: lifeline,
            })
        })
        .as_ref()
}

fn reaper_register(pid: u32) {
    if let Some(reaper) = reaper() {
        // Best effort: the watchdog is only a safety net.
        let _ = File::create(reaper.dir.join(pid.to_string()));
    }
}

fn reaper_unregister(pid: u32) {
    if let Some(reaper) = reaper() {
        let _ = fs::remove_file(reaper.dir.join(pid.to_string()));
    }
}

// ---------------------------------------------------------------------------
// redis-cli
// ---------------------------------------------------------------------------

/// `redis-cli -h 127.0.0.1 -p PORT` with TLS flags (including the client
/// certificate) when `tls` is given and `REDISCLI_AUTH` set to `password`
/// (or removed).
fn redis_cli_command(port: u16, password: Option<&str>, tls: Option<&TlsFiles>) -> Command {
    let mut cmd = Command::new(redis_cli_bin());
    cmd.arg("-h").arg(HOST).arg("-p").arg(port.to_string());
    if let Some(tls) = tls {
        cmd.arg("--tls")
            .arg("--cacert")
            .arg(&tls.ca)
            .arg("--cert")
            .arg(&tls.client_cert)
            .arg("--key")
            .arg(&tls.client_key);
    }
    cmd.env_remove("REDISCLI_AUTH");
    if let Some(password) = password {
        cmd.env("REDISCLI_AUTH", password);
    }
    cmd.stdin(Stdio::null());
    cmd
}

pub(super) fn run_stdout(mut cmd: Command) -> Vec<u8> {
    cmd.output()
        .unwrap_or_else(|e| panic!("spawning {cmd:?} failed (is redis-cli installed?): {e}"))
        .stdout
}

pub(super) fn trimmed_text(stdout: &[u8]) -> String {
    String::from_utf8_lossy(stdout).trim().to_owned()
}

// ---------------------------------------------------------------------------
// RedisServer
// ---------------------------------------------------------------------------

/// A redis-server child process; killed (and reaped) when dropped.
struct ServerProcess {
    child: Child,
    reaped: bool,
}

impl ServerProcess {
    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Signals the process unless it has already exited (a zombie keeps its
    /// pid, so this can never hit a recycled pid).
    fn signal(&mut self, signal: &str) -> bool {
        !self.reaped && matches!(self.child.try_wait(), Ok(None)) && send_signal(self.pid(), signal)
    }

    fn kill(&mut self) {
        if self.reaped {
            return;
        }
        // SIGKILL works on stopped processes too; SIGCONT is belt and braces.
        self.signal("CONT");
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.reaped = true;
        reaper_unregister(self.pid());
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

#[derive(Debug, Clone, Default)]
pub(super) struct ServerSpec {
    pub(super) password: Option<String>,
    pub(super) tls: Option<(TlsFiles, bool)>,
    pub(super) cluster: bool,
    pub(super) extra_args: Vec<String>,
}

enum StartError {
    PortInUse(String),
    Failed(String),
}

/// A redis-server on 127.0.0.1, in its own temporary directory, not
/// daemonized. Killed with SIGKILL (after SIGCONT) and reaped on drop.
pub struct RedisServer {
    // First field on purpose: fields drop in declaration order, so the
    // process is killed before its directory is removed.
    process: ServerProcess,
    pub port: u16,
    /// Working directory: `redis.log`, `stderr.log`, TLS files, `nodes.conf`.
    pub dir: TempDir,
    /// Password of the `default` user, used by `cli()` and `call()`.
    pub admin_pass: Option<String>,
    /// Set for servers started by [`RedisServer::start_tls`].
    pub tls: Option<TlsFiles>,
    /// Cluster bus port of cluster nodes.
    pub cluster_port: Option<u16>,
    /// How it was started, for [`RedisServer::restart`].
    spec: ServerSpec,
}

impl RedisServer {
    /// A plain server: no password, no TLS.
    pub fn start() -> Self {
        Self::launch(&ServerSpec::default())
    }

    /// A plain server with extra `redis-server` arguments appended, e.g.
    /// `&["--maxmemory", "10mb"]`.
    pub fn start_with(args: &[&str]) -> Self {
        Self::launch(&ServerSpec {
            extra_args: args.iter().map(ToString::to_string).collect(),
            ..ServerSpec::default()
        })
    }

    /// A server whose `default` user needs `password` (`requirepass`).
    pub fn start_with_password(password: &str) -> Self {
        Self::launch(&ServerSpec {
            password: Some(password.to_owned()),
            ..ServerSpec::default()
        })
    }

    /// A server whose `default` user has password [`ACL_ADMIN_PASS`]
    /// (used by `cli()`/`call()`), plus the ACL user
    /// `ACL SETUSER user on >pass rules...`, e.g.
    /// `start_with_acl("app", "app-pass", &["~t:*", "+@all"])`.
    pub fn start_with_acl(user: &str, pass: &str, rules: &[&str]) -> Self {
        let server = Self::launch(&ServerSpec {
            password: Some(ACL_ADMIN_PASS.to_owned()),
            ..ServerSpec::default()
        });
        let password_rule = format!(">{pass}");
        let mut args: Vec<&[u8]> = vec![
            b"ACL",
            b"SETUSER",
            user.as_bytes(),
            b"on",
            password_rule.as_bytes(),
        ];
        args.extend(rules.iter().map(|r| r.as_bytes()));
        let reply = server.call(&args);
        assert!(
            reply.is_ok(),
            "ACL SETUSER {user} on >*** {} failed: {reply:?}",
            rules.join(" ")
        );
        server
    }

    pub(super) fn launch(spec: &ServerSpec) -> Self {
        let dir = TempDir::new().expect("creating a temporary directory for redis-server");
        Self::launch_in(spec, dir)
    }

    pub(super) fn launch_in(spec: &ServerSpec, dir: TempDir) -> Self {
        for attempt in 1..=START_ATTEMPTS {
            let (port, cluster_port) = if spec.cluster {
                let (port, bus) = free_cluster_ports();
                (port, Some(bus))
            } else {
                (free_port(), None)
            };
            // Leftovers of a failed attempt would confuse the readiness check.
            let _ = fs::remove_file(dir.path().join("redis.log"));
            let _ = fs::remove_file(dir.path().join("nodes.conf"));
            let mut process = spawn_redis_server(spec, dir.path(), port, cluster_port);
            match wait_ready(&mut process, spec, dir.path(), port) {
                Ok(()) => {
                    return RedisServer {
                        port,
                        dir,
                        admin_pass: spec.password.clone(),
                        tls: spec.tls.as_ref().map(|(files, _)| files.clone()),
                        cluster_port,
                        process,
                        spec: spec.clone(),
                    };
                }
                Err(StartError::PortInUse(_)) if attempt < START_ATTEMPTS => {}
                Err(StartError::PortInUse(why) | StartError::Failed(why)) => {
                    process.kill();
                    panic!(
                        "redis-server on port {port} did not start: {why}\n\
                         --- {dir}/redis.log (tail) ---\n{log}\n\
                         --- stderr ---\n{stderr}",
                        dir = dir.path().display(),
                        log = file_tail(&dir.path().join("redis.log"), 30),
                        stderr = file_tail(&dir.path().join("stderr.log"), 30),
                    );
                }
            }
        }
        unreachable!("the last start attempt either returns or panics")
    }

    /// Kills the server (SIGKILL) and starts it again on the same port and
    /// directory; a `dump.rdb` there is loaded. With `wait`, returns once it
    /// answers PING; without, right after the process started (for LOADING).
    pub fn restart(&mut self, wait: bool) {
        self.process.kill();
        let _ = fs::remove_file(self.dir.path().join("redis.log"));
        self.process =
            spawn_redis_server(&self.spec, self.dir.path(), self.port, self.cluster_port);
        if wait {
            if let Err(StartError::PortInUse(why) | StartError::Failed(why)) =
                wait_ready(&mut self.process, &self.spec, self.dir.path(), self.port)
            {
                panic!(
                    "restarting redis-server on port {}: {why}\n{}",
                    self.port,
                    self.log_tail(30)
                );
            }
        }
    }

    /// `redis://127.0.0.1:PORT`, or `rediss://...` for TLS servers. Carries
    /// no credentials: see [`RedisServer::url_with_auth`].
    pub fn url(&self) -> String {
        format!("{}://{HOST}:{}", self.scheme(), self.port)
    }

    fn scheme(&self) -> &'static str {
        if self.tls.is_some() {
            "rediss"
        } else {
            "redis"
        }
    }

    /// [`RedisServer::url`] with (percent-encoded) credentials:
    /// `redis://user:pass@127.0.0.1:PORT` or `redis://:pass@...`.
    pub fn url_with_auth(&self, user: Option<&str>, pass: &str) -> String {
        let user = user.map(percent_encode).unwrap_or_default();
        format!(
            "{}://{user}:{}@{HOST}:{}",
            self.scheme(),
            percent_encode(pass),
            self.port
        )
    }

    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    /// SIGSTOP the server (it stops answering but keeps its sockets).
    pub fn pause(&mut self) {
        assert!(
            self.process.signal("STOP"),
            "SIGSTOP to redis-server failed"
        );
    }

    /// SIGCONT a server paused with [`RedisServer::pause`] (or by the test).
    pub fn resume(&mut self) {
        assert!(
            self.process.signal("CONT"),
            "SIGCONT to redis-server failed"
        );
    }

    /// Kills the server now (SIGKILL) and removes its directory.
    pub fn stop(mut self) {
        self.process.kill();
    }

    /// `redis-cli -h 127.0.0.1 -p PORT` with this server's auth
    /// (`REDISCLI_AUTH`) and TLS flags, stdin `/dev/null`; add arguments and
    /// run it yourself to look at the exit status or stderr.
    pub fn cli_cmd(&self) -> Command {
        redis_cli_command(self.port, self.admin_pass.as_deref(), self.tls.as_ref())
    }

    /// Runs redis-cli with `args`; returns stdout, trimmed. Error replies come
    /// back as text (e.g. `ERR ...`), not as a panic.
    pub fn cli(&self, args: &[&str]) -> String {
        let mut cmd = self.cli_cmd();
        cmd.args(args);
        trimmed_text(&run_stdout(cmd))
    }

    /// Like [`RedisServer::cli`] but with binary arguments and output. Only
    /// the single newline redis-cli appends is removed. Arguments cannot
    /// contain NUL bytes (argv limitation): use [`RedisServer::call`].
    pub fn cli_bytes(&self, args: &[&[u8]]) -> Vec<u8> {
        assert!(
            !args.iter().any(|a| a.contains(&0)),
            "cli_bytes: NUL bytes cannot be passed on a command line, use call()"
        );
        let mut cmd = self.cli_cmd();
        cmd.args(args.iter().map(|a| OsStr::from_bytes(a)));
        let mut stdout = run_stdout(cmd);
        if stdout.last() == Some(&b'\n') {
            stdout.pop();
        }
        stdout
    }

    /// redis-cli as a given user: `--user USER` if `user` is given and
    /// `REDISCLI_AUTH=pass` if `pass` is given (no auth at all if neither).
    pub fn cli_with_auth(&self, user: Option<&str>, pass: Option<&str>, args: &[&str]) -> String {
        let mut cmd = redis_cli_command(self.port, pass, self.tls.as_ref());
        if let Some(user) = user {
            cmd.arg("--user").arg(user);
        }
        cmd.args(args);
        trimmed_text(&run_stdout(cmd))
    }

    /// One command over a fresh raw RESP2 connection (binary safe, NUL bytes
    /// included), authenticated with `admin_pass`. Plain-TCP servers only.
    /// Panics on connection/protocol errors; error replies are returned.
    pub fn call(&self, args: &[&[u8]]) -> Reply {
        self.try_call(args).unwrap_or_else(|e| {
            panic!(
                "`{}` on 127.0.0.1:{} failed: {e}",
                display_args(args),
                self.port
            )
        })
    }

    /// [`RedisServer::call`] returning connection errors instead of
    /// panicking (e.g. to probe whether the server is up).
    pub fn try_call(&self, args: &[&[u8]]) -> io::Result<Reply> {
        assert!(
            self.tls.is_none(),
            "call() speaks plain TCP; use cli() on TLS servers"
        );
        call_once(self.port, self.admin_pass.as_deref(), args)
    }

    /// `INFO section` as text.
    pub fn info(&self, section: &str) -> String {
        if self.tls.is_some() {
            return self.cli(&["INFO", section]);
        }
        let reply = self.call(&[b"INFO", section.as_bytes()]);
        reply
            .as_str()
            .unwrap_or_else(|| panic!("unexpected INFO reply: {reply:?}"))
            .to_owned()
    }

    /// One `field:value` of `INFO section`.
    pub fn info_field(&self, section: &str, field: &str) -> Option<String> {
        info_value(&self.info(section), field).map(str::to_owned)
    }

    /// `CLIENT PAUSE ms` for every command (`ALL` is the default before 6.2,
    /// where the option does not exist).
    pub fn pause_clients(&self, ms: u64) {
        let ms = ms.to_string();
        let mut args: Vec<&[u8]> = vec![b"CLIENT", b"PAUSE", ms.as_bytes()];
        if build::server_build().has_config_7() || build::server_build().at_least(6, 2) {
            args.push(b"ALL");
        }
        let reply = self.call(&args);
        assert!(reply.is_ok(), "CLIENT PAUSE {ms}: {reply:?}");
    }

    /// When `key` expires, in Unix seconds (rounded), from PTTL: EXPIRETIME
    /// only exists from 7.0 on.
    pub fn expire_at_s(&self, key: &str) -> i64 {
        let pttl: i64 = self.cli(&["PTTL", key]).parse().expect("PTTL is a number");
        assert!(pttl >= 0, "{key} has no TTL ({pttl})");
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock after 1970")
            .as_millis() as i64;
        (now_ms + pttl + 500) / 1000
    }

    /// Keys matching `pattern` in db 0, counted by SCAN.
    pub fn count_matching(&self, pattern: &str) -> usize {
        let mut cursor = "0".to_string();
        let mut n = 0;
        loop {
            let reply = self.call(&[
                b"SCAN",
                cursor.as_bytes(),
                b"MATCH",
                pattern.as_bytes(),
                b"COUNT",
                b"1000",
            ]);
            let parts = reply.as_array().expect("scan reply");
            cursor = parts[0].as_str().expect("cursor").to_string();
            n += parts[1].as_array().expect("keys").len();
            if cursor == "0" {
                return n;
            }
        }
    }

    /// `DBSIZE` of db 0.
    pub fn dbsize(&self) -> u64 {
        if self.tls.is_some() {
            let text = self.cli(&["DBSIZE"]);
            return text
                .parse()
                .unwrap_or_else(|_| panic!("unexpected DBSIZE output: {text:?}"));
        }
        let reply = self.call(&[b"DBSIZE"]);
        reply
            .as_int()
            .and_then(|n| u64::try_from(n).ok())
            .unwrap_or_else(|| panic!("unexpected DBSIZE reply: {reply:?}"))
    }

    /// The last `lines` lines of the server log.
    pub fn log_tail(&self, lines: usize) -> String {
        file_tail(&self.dir.path().join("redis.log"), lines)
    }
}

pub(super) fn info_value<'a>(info: &'a str, field: &str) -> Option<&'a str> {
    info.lines().find_map(|line| {
        line.strip_prefix(field)
            .and_then(|rest| rest.strip_prefix(':'))
            .map(str::trim)
    })
}

fn spawn_redis_server(
    spec: &ServerSpec,
    dir: &Path,
    port: u16,
    cluster_port: Option<u16>,
) -> ServerProcess {
    let bin = build::server_bin();
    let mut cmd = Command::new(&bin);
    match &spec.tls {
        None => {
            cmd.arg("--port").arg(port.to_string());
        }
        Some((files, require_client_cert)) => {
            cmd.args(["--port", "0", "--tls-port"])
                .arg(port.to_string())
                .arg("--tls-cert-file")
                .arg(&files.server_cert)
                .arg("--tls-key-file")
                .arg(&files.server_key)
                .arg("--tls-ca-cert-file")
                .arg(&files.ca)
                .arg("--tls-auth-clients")
                .arg(if *require_client_cert { "yes" } else { "no" });
        }
    }
    cmd.args(["--bind", HOST, "--save", "", "--appendonly", "no"])
        .args(["--daemonize", "no"])
        .args(["--repl-diskless-sync-delay", "0"])
        .arg("--dir")
        .arg(dir)
        .arg("--logfile")
        .arg(dir.join("redis.log"));
    if build::server_build().has_config_7() {
        cmd.args(["--enable-debug-command", "local"]);
    }
    if let Some(password) = &spec.password {
        cmd.arg("--requirepass").arg(password);
    }
    if cluster_port.is_some() {
        // The bus is at port + 10000, which every build uses by default.
        cmd.args(["--cluster-enabled", "yes"])
            .args(["--cluster-config-file", "nodes.conf"])
            .args(["--cluster-node-timeout", "5000"]);
    }
    cmd.args(&spec.extra_args);
    let stderr =
        File::create(dir.join("stderr.log")).expect("creating stderr.log for redis-server");
    cmd.current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr);
    let child = cmd.spawn().unwrap_or_else(|e| {
        panic!(
            "spawning {} failed (installed? set REDIS_SERVER_BIN to override): {e}",
            bin.to_string_lossy()
        )
    });
    reaper_register(child.id());
    ServerProcess {
        child,
        reaped: false,
    }
}

/// Waits until the server logged that it is ready (only then connecting, so
/// a probe can never grab the port itself) and answers PING.
fn wait_ready(
    process: &mut ServerProcess,
    spec: &ServerSpec,
    dir: &Path,
    port: u16,
) -> Result<(), StartError> {
    let log_path = dir.join("redis.log");
    let deadline = Instant::now() + START_TIMEOUT;
    loop {
        match process.child.try_wait() {
            Ok(None) => {}
            Ok(Some(status)) => {
                process.reaped = true;
                reaper_unregister(process.pid());
                let log = fs::read_to_string(&log_path).unwrap_or_default();
                let why = format!("redis-server exited early with {status}");
                return Err(if log.contains("Address already in use") {
                    StartError::PortInUse(why)
                } else {
                    StartError::Failed(why)
                });
            }
            Err(e) => return Err(StartError::Failed(format!("waiting on redis-server: {e}"))),
        }
        let logged_ready = fs::read_to_string(&log_path)
            .is_ok_and(|log| log.contains("Ready to accept connections"));
        if logged_ready && ping(spec, port) {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(StartError::Failed(format!(
                "not answering PING after {START_TIMEOUT:?}"
            )));
        }
        thread::sleep(POLL_INTERVAL);
    }
}

fn ping(spec: &ServerSpec, port: u16) -> bool {
    match &spec.tls {
        None => matches!(
            call_once(port, spec.password.as_deref(), &[b"PING"]),
            Ok(Reply::Status(s)) if s == "PONG"
        ),
        Some((files, _)) => {
            let mut cmd = redis_cli_command(port, spec.password.as_deref(), Some(files));
            cmd.arg("PING").stderr(Stdio::null());
            cmd.output()
                .is_ok_and(|out| trimmed_text(&out.stdout) == "PONG")
        }
    }
}
