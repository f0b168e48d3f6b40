//! Shared helpers for the `cachectl` integration tests.
//!
//! Everything here listens on 127.0.0.1 only, is safe to use from tests
//! running in parallel, and cleans up after itself on `Drop` (also when the
//! test panics). If the whole test process dies abruptly (SIGKILL, abort,
//! Ctrl-C), a small watchdog shell process kills the redis-servers it left
//! behind.
//!
//! Tests must never sleep to synchronise: use [`wait_until`].

// Every test file uses a different subset of these helpers.
#![allow(dead_code)]

pub mod proxy;

use std::collections::HashSet;
use std::ffi::{OsStr, OsString};
use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use tempfile::TempDir;

pub mod build;
pub mod replica;
pub mod screen;
pub mod sentinel;
pub mod subscriber;

/// The only address any test server binds to.
pub const HOST: &str = "127.0.0.1";

/// Password of the `default` user on servers started by
/// [`RedisServer::start_with_acl`].
pub const ACL_ADMIN_PASS: &str = "admin-secret";

const POLL_INTERVAL: Duration = Duration::from_millis(20);
const START_TIMEOUT: Duration = Duration::from_secs(10);
const CLUSTER_TIMEOUT: Duration = Duration::from_secs(30);
const START_ATTEMPTS: usize = 3;
/// Safety net for `cachectl()` so a hung command fails the test instead of
/// hanging the suite. Override per test with `.timeout(..)`.
const CACHECTL_TIMEOUT: Duration = Duration::from_secs(60);
const CLUSTER_SLOTS: u64 = 16384;

// ---------------------------------------------------------------------------
// Generic helpers
// ---------------------------------------------------------------------------

/// A TCP port on 127.0.0.1 that was free a moment ago and that no other
/// caller in this process has been (or will be) handed.
pub fn free_port() -> u16 {
    static HANDED_OUT: OnceLock<Mutex<HashSet<u16>>> = OnceLock::new();
    let handed_out = HANDED_OUT.get_or_init(Default::default);
    for _ in 0..1000 {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .expect("binding 127.0.0.1:0 to find a free port");
        let port = listener
            .local_addr()
            .expect("reading the local address of the port probe")
            .port();
        drop(listener);
        if handed_out
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(port)
        {
            return port;
        }
    }
    panic!("no unused free port found on 127.0.0.1 after 1000 attempts");
}

/// Polls `f` every 20ms until it returns true; panics mentioning `what` if
/// that does not happen within `timeout`.
pub fn wait_until(timeout: Duration, what: &str, mut f: impl FnMut() -> bool) {
    assert!(
        poll_until(timeout, || f().then_some(())).is_some(),
        "timed out after {timeout:?} waiting for {what}"
    );
}

/// Polls `f` every 20ms until it returns `Some`, or gives up after `timeout`.
fn poll_until<T>(timeout: Duration, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = f() {
            return Some(value);
        }
        if Instant::now() >= deadline {
            return None;
        }
        thread::sleep(POLL_INTERVAL);
    }
}

/// Key prefix that isolates one test's keys: `t:{name}:`.
pub fn unique_prefix(name: &str) -> String {
    format!("t:{name}:")
}

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

fn redis_server_bin() -> OsString {
    build::server_bin()
}

/// A port for a cluster node and its bus port, port + 10000 (the fixed
/// offset before Redis 7.0), both free: the port is below 55536.
fn free_cluster_ports() -> (u16, u16) {
    for _ in 0..10_000 {
        let port = free_port();
        if port >= 55536 {
            continue;
        }
        let bus = port + 10000;
        if TcpListener::bind((Ipv4Addr::LOCALHOST, bus)).is_ok() {
            return (port, bus);
        }
    }
    panic!("no free port pair (P, P + 10000) below 55536 on 127.0.0.1");
}

fn redis_cli_bin() -> OsString {
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
// Minimal RESP2 client (binary safe; plain TCP only)
// ---------------------------------------------------------------------------

/// A RESP2 reply, as returned by [`RedisServer::call`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    Status(String),
    Error(String),
    Int(i64),
    Bulk(Vec<u8>),
    Array(Vec<Reply>),
    /// Null bulk string or null array.
    Nil,
}

impl Reply {
    /// True for the `+OK` status reply.
    pub fn is_ok(&self) -> bool {
        matches!(self, Reply::Status(s) if s == "OK")
    }

    /// Bytes of a bulk string or status reply.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Reply::Bulk(b) => Some(b),
            Reply::Status(s) => Some(s.as_bytes()),
            _ => None,
        }
    }

    /// A bulk string or status reply as UTF-8 text.
    pub fn as_str(&self) -> Option<&str> {
        self.as_bytes().and_then(|b| std::str::from_utf8(b).ok())
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Reply::Int(i) => Some(*i),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Reply]> {
        match self {
            Reply::Array(items) => Some(items),
            _ => None,
        }
    }
}

fn encode_command(buf: &mut Vec<u8>, args: &[&[u8]]) {
    buf.extend_from_slice(format!("*{}\r\n", args.len()).as_bytes());
    for arg in args {
        buf.extend_from_slice(format!("${}\r\n", arg.len()).as_bytes());
        buf.extend_from_slice(arg);
        buf.extend_from_slice(b"\r\n");
    }
}

fn protocol_error(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg)
}

fn read_reply(reader: &mut impl BufRead) -> io::Result<Reply> {
    let mut line = Vec::new();
    reader.read_until(b'\n', &mut line)?;
    if !line.ends_with(b"\r\n") {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "connection closed in the middle of a reply",
        ));
    }
    line.truncate(line.len() - 2);
    let (kind, rest) = line
        .split_first()
        .ok_or_else(|| protocol_error("empty reply line".into()))?;
    let text = String::from_utf8_lossy(rest).into_owned();
    let number = || {
        text.parse::<i64>()
            .map_err(|_| protocol_error(format!("bad number in reply: {text:?}")))
    };
    match kind {
        b'+' => Ok(Reply::Status(text.clone())),
        b'-' => Ok(Reply::Error(text.clone())),
        b':' => Ok(Reply::Int(number()?)),
        b'$' => match usize::try_from(number()?) {
            Err(_) => Ok(Reply::Nil),
            Ok(len) => {
                let mut data = vec![0; len + 2];
                reader.read_exact(&mut data)?;
                data.truncate(len);
                Ok(Reply::Bulk(data))
            }
        },
        b'*' => match usize::try_from(number()?) {
            Err(_) => Ok(Reply::Nil),
            Ok(count) => (0..count)
                .map(|_| read_reply(reader))
                .collect::<io::Result<Vec<_>>>()
                .map(Reply::Array),
        },
        other => Err(protocol_error(format!(
            "unsupported reply type {:?} (RESP3 is not supported)",
            char::from(*other)
        ))),
    }
}

/// One command on a fresh connection, authenticating as `default` first if
/// `password` is given.
fn resp_call(port: u16, password: Option<&str>, args: &[&[u8]]) -> io::Result<Reply> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    stream.set_write_timeout(Some(Duration::from_secs(30)))?;
    let mut request = Vec::new();
    if let Some(password) = password {
        encode_command(&mut request, &[b"AUTH", password.as_bytes()]);
    }
    encode_command(&mut request, args);
    (&stream).write_all(&request)?;
    let mut reader = BufReader::new(&stream);
    if password.is_some() {
        let auth = read_reply(&mut reader)?;
        if !auth.is_ok() {
            return Err(io::Error::other(format!("AUTH failed: {auth:?}")));
        }
    }
    read_reply(&mut reader)
}

fn display_args(args: &[&[u8]]) -> String {
    args.iter()
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------------------
// TLS material
// ---------------------------------------------------------------------------

/// Options for [`RedisServer::start_tls`].
#[derive(Debug, Clone, Copy, Default)]
pub struct TlsOpts {
    /// `--tls-auth-clients yes` instead of `no`.
    pub require_client_cert: bool,
    /// Issue the server certificate for `DNS:wrong.example` only (no
    /// `localhost`, no IP SAN), for hostname-mismatch tests.
    pub wrong_hostname: bool,
}

/// PEM files written by [`generate_tls_files`]. They live in the owning
/// server's (or caller's) temporary directory.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    pub ca: PathBuf,
    pub ca_key: PathBuf,
    pub server_cert: PathBuf,
    pub server_key: PathBuf,
    pub client_cert: PathBuf,
    pub client_key: PathBuf,
}

const OPENSSL_CONFIG: &str = "\
[req]
distinguished_name = req_dn
prompt = no

[req_dn]
CN = cachectl-test

[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash

[server_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[server_ext_wrong_host]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:wrong.example
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[client_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
";

/// Runs `openssl` in `dir` with whitespace-separated `args` (all file names
/// are relative to `dir`, so none contains spaces).
fn openssl(dir: &Path, args: &str) {
    let output = Command::new("openssl")
        .args(args.split_whitespace())
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("spawning `openssl` (is it installed?)");
    assert!(
        output.status.success(),
        "`openssl {args}` in {} failed ({}):\n{}{}",
        dir.display(),
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
}

/// Generates, with the `openssl` CLI, into `dir`: a CA (`ca.crt`/`ca.key`),
/// a server certificate for `localhost` + IP 127.0.0.1 (or for
/// `wrong.example` only when `wrong_hostname`) and a client certificate, both
/// signed by the CA. Keys are ECDSA P-256 in PKCS#8 PEM.
pub fn generate_tls_files(dir: &Path, wrong_hostname: bool) -> TlsFiles {
    fs::write(dir.join("openssl.cnf"), OPENSSL_CONFIG).expect("writing openssl.cnf");
    let genkey = |key: &str| {
        openssl(
            dir,
            &format!("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out {key}"),
        );
    };
    genkey("ca.key");
    openssl(
        dir,
        "req -x509 -new -config openssl.cnf -extensions v3_ca -key ca.key \
         -subj /CN=cachectl-test-ca -sha256 -days 3650 -out ca.crt",
    );
    let issue = |name: &str, subject: &str, extensions: &str, serial: u32| {
        genkey(&format!("{name}.key"));
        openssl(
            dir,
            &format!(
                "req -new -config openssl.cnf -key {name}.key -subj {subject} -out {name}.csr"
            ),
        );
        openssl(
            dir,
            &format!(
                "x509 -req -in {name}.csr -CA ca.crt -CAkey ca.key -set_serial {serial} \
                 -sha256 -days 3650 -extfile openssl.cnf -extensions {extensions} \
                 -out {name}.crt"
            ),
        );
    };
    if wrong_hostname {
        issue("server", "/CN=wrong.example", "server_ext_wrong_host", 2);
    } else {
        issue("server", "/CN=localhost", "server_ext", 2);
    }
    issue("client", "/CN=cachectl-test-client", "client_ext", 3);
    TlsFiles {
        ca: dir.join("ca.crt"),
        ca_key: dir.join("ca.key"),
        server_cert: dir.join("server.crt"),
        server_key: dir.join("server.key"),
        client_cert: dir.join("client.crt"),
        client_key: dir.join("client.key"),
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

fn run_stdout(mut cmd: Command) -> Vec<u8> {
    cmd.output()
        .unwrap_or_else(|e| panic!("spawning {cmd:?} failed (is redis-cli installed?): {e}"))
        .stdout
}

fn trimmed_text(stdout: &[u8]) -> String {
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
struct ServerSpec {
    password: Option<String>,
    tls: Option<(TlsFiles, bool)>,
    cluster: bool,
    extra_args: Vec<String>,
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

    /// A TLS-only server (`--port 0 --tls-port P`) with certificates made by
    /// [`generate_tls_files`] in its directory.
    pub fn start_tls(opts: TlsOpts) -> (Self, TlsFiles) {
        let dir = TempDir::new().expect("creating a temporary directory for redis-server");
        let files = generate_tls_files(dir.path(), opts.wrong_hostname);
        let server = Self::launch_in(
            &ServerSpec {
                tls: Some((files.clone(), opts.require_client_cert)),
                ..ServerSpec::default()
            },
            dir,
        );
        (server, files)
    }

    /// A node for [`RedisCluster`]: cluster mode, own cluster bus port.
    fn start_cluster_node() -> Self {
        Self::launch(&ServerSpec {
            cluster: true,
            ..ServerSpec::default()
        })
    }

    fn launch(spec: &ServerSpec) -> Self {
        let dir = TempDir::new().expect("creating a temporary directory for redis-server");
        Self::launch_in(spec, dir)
    }

    fn launch_in(spec: &ServerSpec, dir: TempDir) -> Self {
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
        resp_call(self.port, self.admin_pass.as_deref(), args)
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

fn info_value<'a>(info: &'a str, field: &str) -> Option<&'a str> {
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
    let bin = redis_server_bin();
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
            resp_call(port, spec.password.as_deref(), &[b"PING"]),
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

// ---------------------------------------------------------------------------
// RedisCluster
// ---------------------------------------------------------------------------

/// One line of `CLUSTER NODES`.
#[derive(Debug, Clone)]
pub struct ClusterNode {
    pub id: String,
    pub port: u16,
    pub flags: Vec<String>,
    /// Id of the primary for replicas.
    pub primary_id: Option<String>,
    /// Slot ranges served (inclusive), migration markers excluded.
    pub slots: Vec<(u16, u16)>,
}

impl ClusterNode {
    pub fn is_primary(&self) -> bool {
        self.flags.iter().any(|f| f == "master")
    }

    pub fn is_replica(&self) -> bool {
        self.flags.iter().any(|f| f == "slave")
    }
}

fn parse_cluster_nodes(text: &str) -> Vec<ClusterNode> {
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            assert!(fields.len() >= 8, "malformed CLUSTER NODES line: {line:?}");
            // ip:port@cport[,hostname]
            let port = fields[1]
                .split('@')
                .next()
                .and_then(|addr| addr.rsplit(':').next())
                .and_then(|p| p.parse().ok())
                .unwrap_or(0);
            let slots = fields[8..]
                .iter()
                .filter(|s| !s.starts_with('['))
                .map(|s| {
                    let parse = |n: &str| {
                        n.parse::<u16>()
                            .unwrap_or_else(|_| panic!("bad slot {s:?} in {line:?}"))
                    };
                    match s.split_once('-') {
                        Some((a, b)) => (parse(a), parse(b)),
                        None => (parse(s), parse(s)),
                    }
                })
                .collect();
            ClusterNode {
                id: fields[0].to_owned(),
                port,
                flags: fields[2].split(',').map(str::to_owned).collect(),
                primary_id: (fields[3] != "-").then(|| fields[3].to_owned()),
                slots,
            }
        })
        .collect()
}

/// A Redis Cluster of 3 primaries (and optionally replicas) on 127.0.0.1.
pub struct RedisCluster {
    pub nodes: Vec<RedisServer>,
    pub replicas_per_primary: usize,
}

impl RedisCluster {
    /// 3 primaries, no replicas.
    pub fn start() -> Self {
        Self::start_with_replicas(0)
    }

    /// 3 primaries with `replicas` replicas each; returns once every node
    /// reports `cluster_state:ok`, all 16384 slots, every node known, and
    /// every replica has its replication link up.
    pub fn start_with_replicas(replicas: usize) -> Self {
        let count = 3 * (1 + replicas);
        let nodes: Vec<RedisServer> = (0..count)
            .map(|_| RedisServer::start_cluster_node())
            .collect();
        let mut create = Command::new(redis_cli_bin());
        create
            .args(["--cluster", "create"])
            .args(nodes.iter().map(|n| format!("{HOST}:{}", n.port)))
            .arg("--cluster-replicas")
            .arg(replicas.to_string())
            .arg("--cluster-yes")
            .env_remove("REDISCLI_AUTH")
            .stdin(Stdio::null());
        let output = create
            .output()
            .expect("spawning `redis-cli --cluster create`");
        assert!(
            output.status.success(),
            "`redis-cli --cluster create` failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
        );
        let cluster = RedisCluster {
            nodes,
            replicas_per_primary: replicas,
        };
        cluster.wait_healthy();
        cluster
    }

    /// Waits (30s max) until every node in `nodes` agrees that the cluster
    /// is complete and healthy: `cluster_state:ok`, 16384 slots ok, exactly
    /// `nodes.len()` known nodes, none flagged handshake/noaddr/fail/fail?,
    /// the expected numbers of slot-serving primaries and of replicas, and
    /// replication links up. Useful again after a test moved roles around
    /// (e.g. a manual `CLUSTER FAILOVER`).
    pub fn wait_healthy(&self) {
        let count = self.nodes.len();
        let primaries = count / (1 + self.replicas_per_primary);
        let mut last_problem = String::new();
        let healthy = poll_until(CLUSTER_TIMEOUT, || {
            for node in &self.nodes {
                if let Err(problem) = node_health(node, count, primaries) {
                    last_problem = format!("node :{}: {problem}", node.port);
                    return None;
                }
            }
            Some(())
        });
        assert!(
            healthy.is_some(),
            "cluster not healthy after {CLUSTER_TIMEOUT:?}: {last_problem}\n\
             --- first node log (tail) ---\n{}",
            self.nodes[0].log_tail(30)
        );
    }

    /// `redis://127.0.0.1:PORT` of the first node.
    pub fn url(&self) -> String {
        self.nodes[0].url()
    }

    /// `redis://` URLs of all nodes.
    pub fn urls(&self) -> Vec<String> {
        self.nodes.iter().map(RedisServer::url).collect()
    }

    pub fn ports(&self) -> Vec<u16> {
        self.nodes.iter().map(|n| n.port).collect()
    }

    /// The node listening on `port`.
    pub fn node(&self, port: u16) -> &RedisServer {
        self.nodes
            .iter()
            .find(|n| n.port == port)
            .unwrap_or_else(|| panic!("no cluster node on port {port}"))
    }

    /// redis-cli (no `-c`) against `nodes[index]`.
    pub fn cli(&self, index: usize, args: &[&str]) -> String {
        self.nodes[index].cli(args)
    }

    /// `redis-cli -c` (follows MOVED/ASK) against the first node.
    pub fn cli_c(&self, args: &[&str]) -> String {
        let mut cmd = self.nodes[0].cli_cmd();
        cmd.arg("-c").args(args);
        trimmed_text(&run_stdout(cmd))
    }

    /// Raw RESP call against the node on `port` (no redirections followed).
    pub fn call(&self, port: u16, args: &[&[u8]]) -> Reply {
        self.node(port).call(args)
    }

    /// `args` on the first node that answers (tests may stop or pause
    /// nodes).
    fn call_any(&self, args: &[&[u8]]) -> Reply {
        self.nodes
            .iter()
            .find_map(|node| node.try_call(args).ok())
            .unwrap_or_else(|| panic!("no cluster node answers `{}`", display_args(args)))
    }

    /// `CLUSTER NODES` as seen by the first node that answers.
    pub fn cluster_nodes(&self) -> Vec<ClusterNode> {
        let reply = self.call_any(&[b"CLUSTER", b"NODES"]);
        let text = reply
            .as_str()
            .unwrap_or_else(|| panic!("unexpected CLUSTER NODES reply: {reply:?}"));
        parse_cluster_nodes(text)
    }

    /// Ports of the current primaries (from `CLUSTER NODES`), ascending.
    pub fn primary_ports(&self) -> Vec<u16> {
        let mut ports: Vec<u16> = self
            .cluster_nodes()
            .iter()
            .filter(|n| n.is_primary())
            .map(|n| n.port)
            .collect();
        ports.sort_unstable();
        ports
    }

    /// Ports of the current replicas (from `CLUSTER NODES`), ascending.
    pub fn replica_ports(&self) -> Vec<u16> {
        let mut ports: Vec<u16> = self
            .cluster_nodes()
            .iter()
            .filter(|n| n.is_replica())
            .map(|n| n.port)
            .collect();
        ports.sort_unstable();
        ports
    }

    /// Sum of `DBSIZE` over the primaries.
    pub fn dbsize_total(&self) -> u64 {
        self.primary_ports()
            .into_iter()
            .map(|port| self.node(port).dbsize())
            .sum()
    }

    /// `CLUSTER KEYSLOT key`.
    pub fn key_slot(&self, key: &[u8]) -> u16 {
        let reply = self.call_any(&[b"CLUSTER", b"KEYSLOT", key]);
        reply
            .as_int()
            .and_then(|slot| u16::try_from(slot).ok())
            .unwrap_or_else(|| panic!("unexpected CLUSTER KEYSLOT reply: {reply:?}"))
    }

    /// Port of the primary serving `slot`, according to `CLUSTER SLOTS` on
    /// the first node that answers.
    pub fn port_for_slot(&self, slot: u16) -> u16 {
        let reply = self.call_any(&[b"CLUSTER", b"SLOTS"]);
        slot_owner_in(&reply, slot)
            .unwrap_or_else(|| panic!("slot {slot} is not served according to CLUSTER SLOTS"))
    }

    /// Port of the primary serving `key`.
    pub fn port_for_key(&self, key: &[u8]) -> u16 {
        self.port_for_slot(self.key_slot(key))
    }

    /// Moves `slot` with its keys from the primary on `from_port` to the
    /// primary on `to_port` (IMPORTING/MIGRATING, GETKEYSINSLOT + MIGRATE in
    /// batches of 100, SETSLOT NODE on every primary), then waits until every
    /// node sees `to_port` as the owner.
    pub fn migrate_slot(&self, slot: u16, from_port: u16, to_port: u16) {
        let slot_arg = slot.to_string();
        let slot_arg = slot_arg.as_bytes();
        let to_port_arg = to_port.to_string();
        let expect_ok = |port: u16, args: &[&[u8]]| {
            let reply = self.call(port, args);
            assert!(
                reply.is_ok(),
                "`{}` on :{port} failed: {reply:?}",
                display_args(args)
            );
        };
        let from_id = self.node_id(from_port);
        let to_id = self.node_id(to_port);
        expect_ok(
            to_port,
            &[
                b"CLUSTER",
                b"SETSLOT",
                slot_arg,
                b"IMPORTING",
                from_id.as_bytes(),
            ],
        );
        expect_ok(
            from_port,
            &[
                b"CLUSTER",
                b"SETSLOT",
                slot_arg,
                b"MIGRATING",
                to_id.as_bytes(),
            ],
        );
        loop {
            let reply = self.call(from_port, &[b"CLUSTER", b"GETKEYSINSLOT", slot_arg, b"100"]);
            let keys: Vec<&[u8]> = reply
                .as_array()
                .unwrap_or_else(|| panic!("unexpected GETKEYSINSLOT reply: {reply:?}"))
                .iter()
                .map(|k| {
                    k.as_bytes()
                        .unwrap_or_else(|| panic!("unexpected key in GETKEYSINSLOT: {k:?}"))
                })
                .collect();
            if keys.is_empty() {
                break;
            }
            let mut args: Vec<&[u8]> = vec![
                b"MIGRATE",
                HOST.as_bytes(),
                to_port_arg.as_bytes(),
                b"",
                b"0",
                b"5000",
                b"KEYS",
            ];
            args.extend(keys);
            let reply = self.call(from_port, &args);
            assert!(
                matches!(&reply, Reply::Status(s) if s == "OK" || s == "NOKEY"),
                "MIGRATE of slot {slot} from :{from_port} to :{to_port} failed: {reply:?}"
            );
        }
        // Destination first, then source, then the other primaries.
        let mut primaries = vec![to_port, from_port];
        primaries.extend(
            self.primary_ports()
                .into_iter()
                .filter(|p| *p != to_port && *p != from_port),
        );
        for port in primaries {
            expect_ok(
                port,
                &[b"CLUSTER", b"SETSLOT", slot_arg, b"NODE", to_id.as_bytes()],
            );
        }
        wait_until(
            CLUSTER_TIMEOUT,
            &format!("every node to see slot {slot} on :{to_port}"),
            || {
                self.nodes
                    .iter()
                    .all(|n| slot_owner(n, slot) == Some(to_port))
            },
        );
    }

    /// `CLUSTER MYID` of the node on `port`.
    pub fn node_id(&self, port: u16) -> String {
        let reply = self.call(port, &[b"CLUSTER", b"MYID"]);
        reply
            .as_str()
            .unwrap_or_else(|| panic!("unexpected CLUSTER MYID reply: {reply:?}"))
            .to_owned()
    }
}

/// Why `node` does not (yet) consider the cluster complete and healthy.
fn node_health(node: &RedisServer, count: usize, primaries: usize) -> Result<(), String> {
    let fetch = |args: &[&[u8]]| -> Result<String, String> {
        let reply = node.try_call(args).map_err(|e| e.to_string())?;
        reply
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("unexpected reply to {}: {reply:?}", display_args(args)))
    };
    let info = fetch(&[b"CLUSTER", b"INFO"])?;
    let expected = [
        ("cluster_state", "ok".to_owned()),
        ("cluster_slots_ok", CLUSTER_SLOTS.to_string()),
        ("cluster_known_nodes", count.to_string()),
    ];
    for (field, want) in &expected {
        let got = info_value(&info, field);
        if got != Some(want.as_str()) {
            return Err(format!("{field} is {got:?}, want {want}"));
        }
    }
    let view = parse_cluster_nodes(&fetch(&[b"CLUSTER", b"NODES"])?);
    if let Some(odd) = view.iter().find(|n| {
        n.flags
            .iter()
            .any(|f| matches!(f.as_str(), "handshake" | "noaddr" | "fail" | "fail?"))
    }) {
        return Err(format!("node :{} has flags {:?}", odd.port, odd.flags));
    }
    let serving = view
        .iter()
        .filter(|n| n.is_primary() && !n.slots.is_empty())
        .count();
    let replicas = view.iter().filter(|n| n.is_replica()).count();
    if serving != primaries || replicas != count - primaries {
        return Err(format!(
            "sees {serving} primaries serving slots and {replicas} replicas, \
             want {primaries} and {}",
            count - primaries
        ));
    }
    let me = view
        .iter()
        .find(|n| n.flags.iter().any(|f| f == "myself"))
        .ok_or("no `myself` in CLUSTER NODES")?;
    if me.is_replica() {
        let replication = fetch(&[b"INFO", b"replication"])?;
        let link = info_value(&replication, "master_link_status");
        if link != Some("up") {
            return Err(format!("replica link is {link:?}"));
        }
    }
    Ok(())
}

/// Port of the primary serving `slot` according to `CLUSTER SLOTS` on
/// `node`, or `None` if unassigned or the reply cannot be fetched.
fn slot_owner(node: &RedisServer, slot: u16) -> Option<u16> {
    let reply = node.try_call(&[b"CLUSTER", b"SLOTS"]).ok()?;
    slot_owner_in(&reply, slot)
}

/// Port of the primary serving `slot` in a `CLUSTER SLOTS` reply.
fn slot_owner_in(reply: &Reply, slot: u16) -> Option<u16> {
    reply.as_array()?.iter().find_map(|range| {
        let range = range.as_array()?;
        let start = range.first()?.as_int()?;
        let end = range.get(1)?.as_int()?;
        if !(start..=end).contains(&i64::from(slot)) {
            return None;
        }
        let port = range.get(2)?.as_array()?.get(1)?.as_int()?;
        u16::try_from(port).ok()
    })
}
