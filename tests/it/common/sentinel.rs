//! A Sentinel deployment for tests: a master, one replica and three real
//! sentinels (`redis-server <conf> --sentinel`), all on 127.0.0.1, each in
//! its own temporary directory and killed on drop.

use std::fs;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use tempfile::TempDir;

use super::build::server_bin;
use super::server::{info_value, redis_cli_bin};
use super::{free_port, wait_until, RedisServer, HOST};

/// Master name the sentinels watch.
pub const MASTER: &str = "cachemaster";

const READY: Duration = Duration::from_secs(40);
const FAILOVER: Duration = Duration::from_secs(40);

struct SentinelProcess {
    child: Child,
    port: u16,
    // Dropped after the process (declaration order).
    _dir: TempDir,
}

impl Drop for SentinelProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Three sentinels watching a master with one replica.
pub struct SentinelSetup {
    sentinels: Vec<SentinelProcess>,
    /// The first master (index 0) and its replica (index 1).
    pub servers: Vec<RedisServer>,
    /// `requirepass` of the sentinels, if any.
    pub sentinel_pass: Option<String>,
}

/// A port below 55536 (so a cluster's bus port would fit too).
fn low_port() -> u16 {
    loop {
        let p = free_port();
        if p < 55536 {
            return p;
        }
    }
}

impl SentinelSetup {
    pub fn start() -> Self {
        Self::start_with_auth(None, None)
    }

    /// Sentinels with `requirepass sentinel_pass`, data nodes with
    /// `requirepass data_pass` (the sentinels get it as `auth-pass`).
    pub fn start_with_auth(sentinel_pass: Option<&str>, data_pass: Option<&str>) -> Self {
        let start = || match data_pass {
            Some(p) => {
                let s = RedisServer::start_with_password(p);
                let r = s.call(&[b"CONFIG", b"SET", b"masterauth", p.as_bytes()]);
                assert!(r.is_ok(), "CONFIG SET masterauth: {r:?}");
                s
            }
            None => RedisServer::start(),
        };
        let master = start();
        let replica = start();
        let port = master.port.to_string();
        let r = replica.call(&[b"REPLICAOF", HOST.as_bytes(), port.as_bytes()]);
        assert!(r.is_ok(), "REPLICAOF: {r:?}");
        wait_until(READY, "replica in sync", || {
            replica
                .info_field("replication", "master_link_status")
                .as_deref()
                == Some("up")
        });
        let sentinels = (0..3)
            .map(|_| spawn_sentinel(master.port, sentinel_pass, data_pass))
            .collect();
        let setup = SentinelSetup {
            sentinels,
            servers: vec![master, replica],
            sentinel_pass: sentinel_pass.map(str::to_string),
        };
        for i in 0..3 {
            wait_until(
                READY,
                "every sentinel sees the replica and the others",
                || {
                    let text = setup.sentinel_cli(i, &["SENTINEL", "MASTER", MASTER]);
                    field(&text, "num-other-sentinels") == Some("2")
                        && field(&text, "num-slaves") == Some("1")
                },
            );
        }
        setup
    }

    pub fn sentinel_ports(&self) -> Vec<u16> {
        self.sentinels.iter().map(|s| s.port).collect()
    }

    /// `redis+sentinel://[auth@]127.0.0.1:P1,…/cachemaster`.
    pub fn url_with(&self, auth: &str) -> String {
        let hosts: Vec<String> = self
            .sentinel_ports()
            .iter()
            .map(|p| format!("{HOST}:{p}"))
            .collect();
        format!("redis+sentinel://{auth}{}/{MASTER}", hosts.join(","))
    }

    pub fn url(&self) -> String {
        self.url_with("")
    }

    /// `--sentinel 127.0.0.1:P` for each sentinel, then `--master cachemaster`.
    pub fn flags(&self) -> Vec<String> {
        let mut v = Vec::new();
        for p in self.sentinel_ports() {
            v.push("--sentinel".to_string());
            v.push(format!("{HOST}:{p}"));
        }
        v.push("--master".into());
        v.push(MASTER.into());
        v
    }

    /// redis-cli against sentinel `i` (authenticated when it needs it).
    pub fn sentinel_cli(&self, i: usize, args: &[&str]) -> String {
        let mut cmd = Command::new(redis_cli_bin());
        cmd.args(["-h", HOST, "-p"])
            .arg(self.sentinels[i].port.to_string());
        if let Some(p) = &self.sentinel_pass {
            cmd.args(["--no-auth-warning", "-a", p]);
        }
        let out = cmd
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("running redis-cli: {e}"));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// The port sentinel `i` names as master now.
    pub fn master_port_by(&self, i: usize) -> Option<u16> {
        let text = self.sentinel_cli(i, &["SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER]);
        text.lines().nth(1)?.trim().parse().ok()
    }

    /// The data node on `port`.
    pub fn server(&self, port: u16) -> &RedisServer {
        self.servers
            .iter()
            .find(|s| s.port == port)
            .unwrap_or_else(|| panic!("no data node on port {port}"))
    }

    /// The master every sentinel names (waits until they agree and it says
    /// it is a master).
    pub fn master(&self) -> &RedisServer {
        let mut port = 0;
        wait_until(FAILOVER, "the sentinels agree on a master", || {
            let ports: Vec<Option<u16>> = (0..3).map(|i| self.master_port_by(i)).collect();
            match ports[0] {
                Some(p) if ports.iter().all(|q| *q == Some(p)) => {
                    port = p;
                    replication_field(self.server(p), "role").as_deref() == Some("master")
                }
                _ => false,
            }
        });
        self.server(port)
    }

    /// `SENTINEL FAILOVER` (retried while a sentinel answers INPROG or
    /// NOGOODSLAVE); returns the old master's port.
    pub fn start_failover(&self) -> u16 {
        let old = self.master().port;
        wait_until(FAILOVER, "a sentinel to accept SENTINEL FAILOVER", || {
            self.sentinel_cli(0, &["SENTINEL", "FAILOVER", MASTER]) == "OK"
        });
        old
    }

    /// Waits until every sentinel names a master other than `old`, the new
    /// master says so and the old one replicates from it.
    pub fn wait_failed_over(&self, old: u16) -> &RedisServer {
        wait_until(FAILOVER, "the failover to end", || {
            (0..3).all(|i| self.master_port_by(i).is_some_and(|p| p != old))
        });
        let new = self.master();
        let old = self.server(old);
        wait_until(FAILOVER, "the old master to follow the new one", || {
            replication_field(old, "master_link_status").as_deref() == Some("up")
        });
        new
    }
}

/// One field of `INFO replication`; `None` also when the connection drops,
/// as it does when a sentinel reconfigures the node (it kills the clients).
fn replication_field(server: &RedisServer, field: &str) -> Option<String> {
    let reply = server.try_call(&[b"INFO", b"replication"]).ok()?;
    info_value(reply.as_str()?, field).map(str::to_owned)
}

/// The value after `name` in redis-cli's flat print of a field/value reply.
fn field<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    let mut lines = text.lines().map(str::trim);
    lines.find(|l| *l == name)?;
    lines.next()
}

fn spawn_sentinel(
    master_port: u16,
    sentinel_pass: Option<&str>,
    data_pass: Option<&str>,
) -> SentinelProcess {
    let dir = TempDir::new().expect("creating a directory for a sentinel");
    let port = low_port();
    let mut conf = format!(
        "port {port}\nbind {HOST}\ndaemonize no\ndir {dir}\nlogfile {dir}/sentinel.log\n\
         sentinel monitor {MASTER} {HOST} {master_port} 2\n\
         sentinel down-after-milliseconds {MASTER} 1000\n\
         sentinel failover-timeout {MASTER} 5000\n",
        dir = dir.path().display()
    );
    if let Some(p) = data_pass {
        conf.push_str(&format!("sentinel auth-pass {MASTER} {p}\n"));
    }
    if let Some(p) = sentinel_pass {
        // Sentinels use their own requirepass to talk to each other too.
        conf.push_str(&format!("requirepass {p}\n"));
    }
    let path = dir.path().join("sentinel.conf");
    fs::write(&path, conf).expect("writing sentinel.conf");
    let child = Command::new(server_bin())
        .arg(&path)
        .arg("--sentinel")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("spawning redis-server --sentinel: {e}"));
    SentinelProcess {
        child,
        port,
        _dir: dir,
    }
}
