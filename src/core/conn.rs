//! Connection: global flags and environment → a [`ConnSpec`] → a [`Redis`]
//! handle that is standalone or cluster (detected, never configured).
//!
//! A standalone server is a cluster of one node that owns every slot, so the rest
//! of the core has one code path. Cluster routing is ours, not the redis crate's:
//! we keep one multiplexed connection per primary and group pipelines per node,
//! which is what makes deep cross-slot pipelines possible. MOVED, ASK, TRYAGAIN,
//! CLUSTERDOWN and LOADING are followed here; connection drops are retried only for
//! work the caller marks idempotent. Passwords never leave this module unredacted.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use anyhow::Context as _;
use redis::aio::MultiplexedConnection;
use redis::{
    AsyncConnectionConfig, Client, ClientTlsConfig, Cmd, ConnectionAddr, ConnectionInfo, ErrorKind,
    FromRedisValue, IntoConnectionInfo, RedisError, ServerErrorKind, TlsCertificates, Value,
};

use crate::cli::GlobalArgs;
use crate::error::{usage, RedisFailure};

/// Number of hash slots in a Redis Cluster.
pub const SLOTS: usize = 16384;

/// How many times a command is re-sent after a redirect, a retryable server
/// state or (for idempotent work) a dropped connection.
const MAX_ATTEMPTS: u32 = 8;

/// A failover or a slot migration can take seconds to settle: redirects and
/// TRYAGAIN/CLUSTERDOWN/LOADING keep being followed for this long even after
/// [`MAX_ATTEMPTS`].
const SETTLE_BUDGET: Duration = Duration::from_secs(20);

/// Whether a command may be sent again after the connection dropped mid-flight.
/// Redirects (MOVED/ASK) are always followed: the server did not run the command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idempotent {
    Yes,
    /// Lock acquisition, INCR and friends: never sent twice.
    No,
}

/// Where and how to connect, validated from flags and environment.
#[derive(Clone)]
pub struct ConnSpec {
    seed: ConnectionInfo,
    tls: Option<TlsCertificates>,
    pub timeout: Duration,
    /// The seed URL with any password replaced by `***`.
    pub display_url: String,
}

impl std::fmt::Debug for ConnSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnSpec")
            .field("url", &self.display_url)
            .finish()
    }
}

/// Replace the password of a URL with `***` (also in malformed URLs): all of
/// the user info up to the last `@` is suspect, since an unencoded `@` or `/`
/// in a password would otherwise split it.
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let rest = &url[scheme_end + 3..];
    match rest.rfind('@') {
        Some(at) => {
            let userinfo = &rest[..at];
            let redacted = match userinfo.split_once(':') {
                Some((user, _)) if !user.contains('/') => format!("{user}:***"),
                Some(_) => "***".to_string(),
                // redis://secret@host: a lone userinfo is the password.
                None => "***".to_string(),
            };
            format!("{}{}@{}", &url[..scheme_end + 3], redacted, &rest[at + 1..])
        }
        None => url.to_string(),
    }
}

fn read_pem(path: &Path, what: &str) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| usage(format!("cannot read {what} {}: {e}", path.display())))
}

impl ConnSpec {
    /// Validate the connection flags. Errors here are usage errors (exit 2).
    pub fn from_args(g: &GlobalArgs) -> anyhow::Result<Self> {
        let raw = g
            .url
            .clone()
            .unwrap_or_else(|| "redis://127.0.0.1:6379".into());
        let shown = redact_url(&raw);
        if !raw.contains("://") {
            return Err(usage(format!(
                "'{shown}' is not a Redis URL: expected redis://host:port[/db], rediss://… or redis+unix:///path"
            )));
        }
        let mut info = raw.as_str().into_connection_info().map_err(|e| {
            usage(format!(
                "bad URL '{shown}': {}",
                e.detail().unwrap_or(&e.to_string())
            ))
        })?;
        // Flags override the URL, as in redis-cli.
        let (mut host, mut port, mut tls_on, mut insecure) = match info.addr() {
            ConnectionAddr::Tcp(h, p) => (Some(h.clone()), *p, false, false),
            ConnectionAddr::TcpTls {
                host,
                port,
                insecure,
                ..
            } => (Some(host.clone()), *port, true, *insecure),
            ConnectionAddr::Unix(_) => (None, 0, false, false),
            _ => (None, 0, false, false),
        };
        if let Some(h) = &g.host {
            host = Some(h.clone());
            if port == 0 {
                port = 6379;
            }
        }
        if let Some(p) = g.port {
            port = p;
            if host.is_none() {
                host = Some("127.0.0.1".into());
            }
        }
        tls_on |= g.tls || g.cacert.is_some() || g.cert.is_some();
        insecure |= g.insecure;
        if let Some(host) = host {
            let addr = if tls_on {
                ConnectionAddr::TcpTls {
                    host,
                    port,
                    insecure,
                    tls_params: None,
                }
            } else {
                ConnectionAddr::Tcp(host, port)
            };
            info = info.set_addr(addr);
        }

        let mut settings = info.redis_settings().clone();
        if let Some(db) = g.db {
            if db < 0 {
                return Err(usage(format!("--db {db}: database numbers are 0 or more")));
            }
            settings = settings.set_db(db);
        }
        if let Some(user) = &g.user {
            settings = settings.set_username(user);
        }
        let password = if g.askpass {
            Some(ask_password()?)
        } else if let Some(p) = &g.pass {
            Some(p.clone())
        } else if settings.password().is_some() {
            None
        } else {
            std::env::var("REDISCLI_AUTH")
                .ok()
                .or_else(|| std::env::var("REDIS_PASSWORD").ok())
                .filter(|p| !p.is_empty())
        };
        match password {
            Some(p) => settings = settings.set_password(p),
            // A user name without a password must still AUTH (as that user, which
            // works for `nopass` users): never carry on as the default user.
            None if settings.username().is_some() && settings.password().is_none() => {
                settings = settings.set_password("");
            }
            None => {}
        }
        settings = settings.set_lib_name("cachectl", env!("CARGO_PKG_VERSION"));
        info = info.set_redis_settings(settings);

        let tls = if tls_on {
            let root_cert = g
                .cacert
                .as_deref()
                .map(|p| read_pem(p, "CA certificate"))
                .transpose()?;
            let client_tls = match (&g.cert, &g.tls_key) {
                (Some(c), Some(k)) => Some(ClientTlsConfig {
                    client_cert: read_pem(c, "client certificate")?,
                    client_key: read_pem(k, "client key")?,
                }),
                _ => None,
            };
            Some(TlsCertificates {
                client_tls,
                root_cert,
            })
        } else {
            None
        };

        let display_url = describe(&info);
        Ok(ConnSpec {
            seed: info,
            tls,
            timeout: g.timeout,
            display_url,
        })
    }

    /// The seed's settings (auth, db, TLS) at another address: a cluster node.
    fn info_for(&self, host: &str, port: u16) -> ConnectionInfo {
        let addr = match self.seed.addr() {
            ConnectionAddr::TcpTls { insecure, .. } => ConnectionAddr::TcpTls {
                host: host.to_string(),
                port,
                insecure: *insecure,
                tls_params: None,
            },
            _ => ConnectionAddr::Tcp(host.to_string(), port),
        };
        self.seed.clone().set_addr(addr)
    }

    fn client(&self, info: ConnectionInfo) -> Result<Client, RedisError> {
        match &self.tls {
            Some(certs) => Client::build_with_tls(info, certs.clone()),
            None => Client::open(info),
        }
    }

    async fn open(
        &self,
        info: ConnectionInfo,
        label: &str,
    ) -> Result<MultiplexedConnection, RedisFailure> {
        let client = self.client(info).map_err(|e| RedisFailure::Unreachable {
            url: label.to_string(),
            reason: describe_error(&e),
        })?;
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(self.timeout))
            .set_response_timeout(Some(self.timeout));
        // The handshake (HELLO/AUTH/SELECT) is bounded by the timeout too.
        let fut = client.get_multiplexed_async_connection_with_config(&config);
        match tokio::time::timeout(self.timeout + self.timeout, fut).await {
            Ok(Ok(c)) => Ok(c),
            Ok(Err(e)) => Err(connect_failure(label, &e, self.timeout)),
            Err(_) => Err(RedisFailure::Timeout {
                node: label.to_string(),
                timeout: humantime::format_duration(self.timeout).to_string(),
            }),
        }
    }
}

/// The address actually used, as a URL without secrets (overrides applied).
fn describe(info: &ConnectionInfo) -> String {
    let user = match (
        info.redis_settings().username(),
        info.redis_settings().password(),
    ) {
        (Some(u), _) => format!("{u}:***@"),
        (None, Some(_)) => ":***@".to_string(),
        _ => String::new(),
    };
    let db = match info.redis_settings().db() {
        0 => String::new(),
        n => format!("/{n}"),
    };
    match info.addr() {
        ConnectionAddr::Tcp(h, p) => format!("redis://{user}{h}:{p}{db}"),
        ConnectionAddr::TcpTls { host, port, .. } => format!("rediss://{user}{host}:{port}{db}"),
        ConnectionAddr::Unix(path) => format!("redis+unix://{}", path.display()),
        _ => "redis".into(),
    }
}

fn ask_password() -> anyhow::Result<String> {
    dialoguer::Password::new()
        .with_prompt("Redis password")
        .allow_empty_password(true)
        .interact()
        .map_err(|e| usage(format!("--askpass needs a terminal: {e}")))
}

/// One line describing a redis error, without its internal debug form.
pub fn describe_error(e: &RedisError) -> String {
    match (e.code(), e.detail()) {
        (Some(code), Some(detail)) => format!("{code} {detail}"),
        _ => {
            let s = e.to_string();
            s.lines().next().unwrap_or("").to_string()
        }
    }
}

fn is_auth_error(e: &RedisError) -> bool {
    e.kind() == ErrorKind::AuthenticationFailed
        || matches!(e.code(), Some("WRONGPASS" | "NOAUTH"))
        || (e.code() == Some("ERR") && e.detail().is_some_and(|d| d.contains("AUTH")))
}

fn connect_failure(label: &str, e: &RedisError, timeout: Duration) -> RedisFailure {
    if is_auth_error(e) {
        return RedisFailure::Auth {
            url: label.to_string(),
            reason: describe_error(e),
        };
    }
    if e.is_timeout() {
        return RedisFailure::Timeout {
            node: label.to_string(),
            timeout: humantime::format_duration(timeout).to_string(),
        };
    }
    RedisFailure::Unreachable {
        url: label.to_string(),
        reason: describe_error(e),
    }
}

/// Cluster mode from INFO, or, for ACL users without INFO, from CLUSTER INFO
/// (which answers an error on a server with cluster support disabled).
async fn detect_cluster(
    conn: &mut MultiplexedConnection,
    label: &str,
    timeout: Duration,
) -> Result<bool, RedisFailure> {
    match redis::cmd("INFO")
        .arg("cluster")
        .query_async::<String>(conn)
        .await
    {
        Ok(info) => return Ok(info.lines().any(|l| l.trim() == "cluster_enabled:1")),
        Err(e) if e.code() == Some("NOPERM") => {}
        Err(e) => return Err(failure(label, &e, timeout)),
    }
    match redis::cmd("CLUSTER")
        .arg("INFO")
        .query_async::<String>(conn)
        .await
    {
        Ok(_) => Ok(true),
        Err(e) if e.is_timeout() || is_dropped(&e) => Err(failure(label, &e, timeout)),
        // Disabled, or not allowed either: a user without cluster commands gets
        // standalone behaviour, and a cluster would answer MOVED soon enough.
        Err(_) => Ok(false),
    }
}

/// One primary (or the standalone server) and its multiplexed connection.
pub struct Node {
    pub addr: String,
    host: String,
    port: u16,
    conn: Mutex<MultiplexedConnection>,
    /// Bumped on every reconnect, so concurrent failures reconnect once.
    generation: Mutex<u64>,
}

impl std::fmt::Debug for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.addr)
    }
}

impl Node {
    /// Bumped on every reconnect: an unchanged generation means every command
    /// since went over one connection, so to one server process.
    pub fn generation(&self) -> u64 {
        self.generation.lock().map(|g| *g).unwrap_or(0)
    }

    fn conn(&self) -> (MultiplexedConnection, u64) {
        let conn = self.conn.lock().map(|c| c.clone());
        let generation = self.generation.lock().map(|g| *g).unwrap_or(0);
        match conn {
            Ok(c) => (c, generation),
            Err(poisoned) => (poisoned.into_inner().clone(), generation),
        }
    }
}

struct Topology {
    nodes: Vec<Arc<Node>>,
    /// Index into `nodes` for every slot.
    slots: Vec<usize>,
}

/// A connected server or cluster. Cheap to share behind an `Arc`.
pub struct Redis {
    spec: ConnSpec,
    cluster: bool,
    topo: RwLock<Arc<Topology>>,
    reconnect_lock: tokio::sync::Mutex<()>,
    /// Nodes reached only through ASK (a slot moving to a node that owns no
    /// slots yet, so CLUSTER SLOTS does not list it).
    ask_targets: tokio::sync::Mutex<Vec<Arc<Node>>>,
}

/// The hash slot of a key (CRC16 of the key or of its `{hash tag}`).
pub fn slot_of(key: &[u8]) -> u16 {
    let tagged = key
        .iter()
        .position(|&b| b == b'{')
        .and_then(|open| {
            let rest = &key[open + 1..];
            rest.iter()
                .position(|&b| b == b'}')
                .map(|close| &rest[..close])
        })
        .filter(|tag| !tag.is_empty())
        .unwrap_or(key);
    crc16::State::<crc16::XMODEM>::calculate(tagged) % SLOTS as u16
}

/// A command with the slot it must be sent to.
#[derive(Clone)]
pub struct Routed {
    pub slot: u16,
    pub cmd: Cmd,
}

impl Routed {
    pub fn new(key: &[u8], cmd: Cmd) -> Self {
        Routed {
            slot: slot_of(key),
            cmd,
        }
    }
}

enum Redirect {
    Moved,
    Ask(String),
    Wait,
}

fn redirect_of(err: &redis::ServerError) -> Option<Redirect> {
    match err.kind() {
        Some(ServerErrorKind::Moved) => Some(Redirect::Moved),
        Some(ServerErrorKind::Ask) => {
            let addr = err.details()?.split_whitespace().nth(1)?.to_string();
            Some(Redirect::Ask(addr))
        }
        Some(
            ServerErrorKind::TryAgain
            | ServerErrorKind::ClusterDown
            | ServerErrorKind::BusyLoading
            | ServerErrorKind::MasterDown,
        ) => Some(Redirect::Wait),
        Some(ServerErrorKind::ReadOnly) => Some(Redirect::Moved),
        _ => None,
    }
}

fn redirect_of_error(err: &RedisError) -> Option<Redirect> {
    match err.kind() {
        ErrorKind::Server(ServerErrorKind::Moved) => Some(Redirect::Moved),
        ErrorKind::Server(ServerErrorKind::ReadOnly) => Some(Redirect::Moved),
        ErrorKind::Server(ServerErrorKind::Ask) => err
            .redirect_node()
            .map(|(h, p)| Redirect::Ask(format!("{h}:{p}"))),
        ErrorKind::Server(
            ServerErrorKind::TryAgain
            | ServerErrorKind::ClusterDown
            | ServerErrorKind::BusyLoading
            | ServerErrorKind::MasterDown,
        ) => Some(Redirect::Wait),
        _ => None,
    }
}

fn backoff(attempt: u32) -> Duration {
    Duration::from_millis((25u64 << attempt.min(6)).min(1000))
}

impl Redis {
    /// Connect to the seed, detect cluster mode, and connect to every primary.
    pub async fn connect(spec: ConnSpec) -> anyhow::Result<Arc<Redis>> {
        let seed_label = spec.display_url.clone();
        let mut seed_conn = spec.open(spec.seed.clone(), &seed_label).await?;
        let cluster = detect_cluster(&mut seed_conn, &seed_label, spec.timeout).await?;
        let (host, port) = match spec.seed.addr() {
            ConnectionAddr::Tcp(h, p) => (h.clone(), *p),
            ConnectionAddr::TcpTls { host, port, .. } => (host.clone(), *port),
            _ => (String::new(), 0),
        };
        let topo = if cluster {
            Self::discover(&spec, &mut seed_conn, &host, None).await?
        } else {
            let node = Arc::new(Node {
                addr: seed_label.clone(),
                host,
                port,
                conn: Mutex::new(seed_conn),
                generation: Mutex::new(0),
            });
            Topology {
                nodes: vec![node],
                slots: vec![0; SLOTS],
            }
        };
        Ok(Arc::new(Redis {
            spec,
            cluster,
            topo: RwLock::new(Arc::new(topo)),
            reconnect_lock: tokio::sync::Mutex::new(()),
            ask_targets: tokio::sync::Mutex::new(Vec::new()),
        }))
    }

    /// Read CLUSTER SLOTS through `via` and connect to every primary.
    async fn discover(
        spec: &ConnSpec,
        via: &mut MultiplexedConnection,
        seed_host: &str,
        old: Option<&Topology>,
    ) -> anyhow::Result<Topology> {
        let label = spec.display_url.clone();
        let raw: Vec<Value> = redis::cmd("CLUSTER")
            .arg("SLOTS")
            .query_async(via)
            .await
            .map_err(|e| failure(&label, &e, spec.timeout))?;
        let mut slots = vec![usize::MAX; SLOTS];
        let mut addrs: Vec<(String, u16)> = Vec::new();
        for range in raw {
            let Value::Array(parts) = range else { continue };
            if parts.len() < 3 {
                continue;
            }
            let start: u16 = FromRedisValue::from_redis_value(parts[0].clone()).unwrap_or(0);
            let end: u16 = FromRedisValue::from_redis_value(parts[1].clone()).unwrap_or(0);
            let Value::Array(primary) = &parts[2] else {
                continue;
            };
            if primary.len() < 2 {
                continue;
            }
            let mut host: String =
                FromRedisValue::from_redis_value(primary[0].clone()).unwrap_or_default();
            let port: u16 = FromRedisValue::from_redis_value(primary[1].clone()).unwrap_or(0);
            if host.is_empty() || host == "?" {
                host = seed_host.to_string();
            }
            let idx = match addrs.iter().position(|(h, p)| *h == host && *p == port) {
                Some(i) => i,
                None => {
                    addrs.push((host, port));
                    addrs.len() - 1
                }
            };
            for s in start..=end.min(SLOTS as u16 - 1) {
                slots[s as usize] = idx;
            }
        }
        if addrs.is_empty() {
            return Err(RedisFailure::Server {
                node: label,
                msg: "cluster has no slots assigned (CLUSTER SLOTS is empty)".into(),
            }
            .into());
        }
        let unassigned = slots.iter().filter(|&&i| i == usize::MAX).count();
        if unassigned > 0 {
            // Keys in unassigned slots fail with CLUSTERDOWN at the node; route them anywhere.
            for s in slots.iter_mut().filter(|i| **i == usize::MAX) {
                *s = 0;
            }
        }
        // Known nodes keep their connections (in-flight work keeps its sockets);
        // only new addresses are dialled.
        let opens = addrs.iter().map(|(h, p)| {
            let existing = old.and_then(|t| {
                t.nodes
                    .iter()
                    .find(|n| n.host == *h && n.port == *p)
                    .cloned()
            });
            let info = spec.info_for(h, *p);
            async move {
                if let Some(n) = existing {
                    return Ok(n);
                }
                let addr = format!("{h}:{p}");
                let conn = spec.open(info, &addr).await?;
                Ok::<_, RedisFailure>(Arc::new(Node {
                    addr,
                    host: h.clone(),
                    port: *p,
                    conn: Mutex::new(conn),
                    generation: Mutex::new(0),
                }))
            }
        });
        let nodes = futures::future::try_join_all(opens).await?;
        Ok(Topology { nodes, slots })
    }

    pub fn is_cluster(&self) -> bool {
        self.cluster
    }

    pub fn display_url(&self) -> &str {
        &self.spec.display_url
    }

    fn topo(&self) -> Arc<Topology> {
        match self.topo.read() {
            Ok(t) => t.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// Every primary (one node when standalone).
    pub fn primaries(&self) -> Vec<Arc<Node>> {
        self.topo().nodes.clone()
    }

    /// The node that owns a slot now.
    pub fn node_for_slot(&self, slot: u16) -> Arc<Node> {
        let t = self.topo();
        t.nodes[t.slots[slot as usize % SLOTS]].clone()
    }

    /// Slot ownership as every primary sees itself, including migrations in
    /// progress (`[slot->-id]`); empty when standalone. Two equal layouts with no
    /// migration marker mean no key changed node in between, so a SCAN pass
    /// over every primary saw every key that existed throughout.
    pub async fn layout(&self) -> anyhow::Result<String> {
        if !self.cluster {
            return Ok(String::new());
        }
        self.refresh().await?;
        let mut cmd = redis::cmd("CLUSTER");
        cmd.arg("NODES");
        let mut parts = Vec::new();
        for node in self.primaries() {
            let text: String = self.on_node(&node, &cmd, Idempotent::Yes).await?;
            if let Some(line) = text.lines().find(|l| l.contains("myself")) {
                let fields: Vec<&str> = line.split_whitespace().collect();
                let slots = fields.get(8..).map(|s| s.join(" ")).unwrap_or_default();
                parts.push(format!("{} {slots}", fields.first().unwrap_or(&"")));
            }
        }
        parts.sort();
        Ok(parts.join("\n"))
    }

    /// Re-read the slot map after a MOVED; keeps connections to nodes that stay.
    pub async fn refresh(&self) -> anyhow::Result<()> {
        if !self.cluster {
            return Ok(());
        }
        let seen = self.topo();
        let _guard = self.reconnect_lock.lock().await;
        let old = self.topo();
        if !Arc::ptr_eq(&seen, &old) {
            // Several MOVED replies at once: another task refreshed meanwhile.
            return Ok(());
        }
        let mut last_err = None;
        // Ask each known node in turn: during a failover some do not answer.
        for node in &old.nodes {
            let (mut conn, _) = node.conn();
            match self.rebuild(&mut conn, &old).await {
                Ok(topo) => {
                    if let Ok(mut w) = self.topo.write() {
                        *w = Arc::new(topo);
                    }
                    return Ok(());
                }
                Err(e) => last_err = Some(e),
            }
        }
        Err(last_err.unwrap_or_else(|| {
            RedisFailure::Server {
                node: self.spec.display_url.clone(),
                msg: "no cluster node answered CLUSTER SLOTS".into(),
            }
            .into()
        }))
    }

    async fn rebuild(
        &self,
        via: &mut MultiplexedConnection,
        old: &Topology,
    ) -> anyhow::Result<Topology> {
        let seed_host = old.nodes[0].host.clone();
        Self::discover(&self.spec, via, &seed_host, Some(old)).await
    }

    /// Replace a node's connection after it dropped (once per failure generation).
    async fn reconnect(&self, node: &Node, seen_generation: u64) -> Result<(), RedisFailure> {
        let _guard = self.reconnect_lock.lock().await;
        let current = node.generation.lock().map(|g| *g).unwrap_or(0);
        if current != seen_generation {
            return Ok(());
        }
        let info = if self.cluster {
            self.spec.info_for(&node.host, node.port)
        } else {
            self.spec.seed.clone()
        };
        let fresh = self.spec.open(info, &node.addr).await?;
        if let Ok(mut c) = node.conn.lock() {
            *c = fresh;
        }
        if let Ok(mut g) = node.generation.lock() {
            *g += 1;
        }
        Ok(())
    }

    async fn node_by_addr(&self, addr: &str) -> anyhow::Result<Arc<Node>> {
        if let Some(n) = self.topo().nodes.iter().find(|n| n.addr == addr) {
            return Ok(n.clone());
        }
        let mut extra = self.ask_targets.lock().await;
        if let Some(n) = extra.iter().find(|n| n.addr == addr) {
            return Ok(n.clone());
        }
        // A node being added owns no slots yet: connect to it on the spot.
        let bad = || RedisFailure::Server {
            node: addr.to_string(),
            msg: "the cluster redirected to an address it cannot be reached at".into(),
        };
        let (host, port) = addr.rsplit_once(':').ok_or_else(bad)?;
        let port: u16 = port.parse().map_err(|_| bad())?;
        let conn = self.spec.open(self.spec.info_for(host, port), addr).await?;
        let node = Arc::new(Node {
            addr: addr.to_string(),
            host: host.to_string(),
            port,
            conn: Mutex::new(conn),
            generation: Mutex::new(0),
        });
        extra.push(node.clone());
        Ok(node)
    }

    /// Send one command to a given node (SCAN, INFO, DBSIZE…): no slot routing.
    pub async fn on_node<T: FromRedisValue>(
        &self,
        node: &Node,
        cmd: &Cmd,
        idem: Idempotent,
    ) -> anyhow::Result<T> {
        let mut attempt = 0;
        let started = tokio::time::Instant::now();
        loop {
            let (mut conn, generation) = node.conn();
            match cmd.query_async::<T>(&mut conn).await {
                Ok(v) => return Ok(v),
                Err(e) => {
                    attempt += 1;
                    // LOADING, TRYAGAIN, CLUSTERDOWN: wait it out, within the budget.
                    if matches!(redirect_of_error(&e), Some(Redirect::Wait))
                        && started.elapsed() < SETTLE_BUDGET
                    {
                        tokio::time::sleep(backoff(attempt)).await;
                        continue;
                    }
                    if attempt >= MAX_ATTEMPTS {
                        return Err(failure(&node.addr, &e, self.spec.timeout).into());
                    }
                    if idem == Idempotent::Yes && is_dropped(&e) {
                        tokio::time::sleep(backoff(attempt)).await;
                        // A failed reconnect is retried like the command, with backoff.
                        let _ = self.reconnect(node, generation).await;
                        continue;
                    }
                    return Err(failure(&node.addr, &e, self.spec.timeout).into());
                }
            }
        }
    }

    /// The first error reply among `replies` (from [`Redis::batch`]), as a failure.
    pub fn first_error(&self, replies: &[Value]) -> anyhow::Result<()> {
        match replies.iter().find_map(|v| match v {
            Value::ServerError(e) => Some(e),
            _ => None,
        }) {
            Some(e) => Err(server_failure(&self.spec.display_url, e).into()),
            None => Ok(()),
        }
    }

    /// Send a pipeline of keyless commands (RANDOMKEY…) to one node.
    pub async fn on_node_pipeline<T: FromRedisValue>(
        &self,
        node: &Node,
        pipe: &redis::Pipeline,
    ) -> anyhow::Result<T> {
        let (mut conn, _) = node.conn();
        pipe.query_async::<T>(&mut conn)
            .await
            .map_err(|e| failure(&node.addr, &e, self.spec.timeout).into())
    }

    /// Send one keyed command to the node owning the key's slot, following redirects.
    pub async fn keyed<T: FromRedisValue>(
        &self,
        key: &[u8],
        cmd: &Cmd,
        idem: Idempotent,
    ) -> anyhow::Result<T> {
        let mut out = self
            .batch(
                &[Routed {
                    slot: slot_of(key),
                    cmd: cmd.clone(),
                }],
                idem,
            )
            .await?;
        let v = out.pop().unwrap_or(Value::Nil);
        let node = self.node_for_slot(slot_of(key)).addr.clone();
        if let Value::ServerError(e) = &v {
            return Err(server_failure(&node, e).into());
        }
        T::from_redis_value(v).map_err(|e| {
            RedisFailure::Server {
                node,
                msg: format!("unexpected reply: {e}"),
            }
            .into()
        })
    }

    /// Run commands in pipelines, one per node (grouped by slot owner), all nodes
    /// concurrently. Results come back in input order; a command's own error reply
    /// is returned in place as `Value::ServerError` (redirects are resolved first).
    pub async fn batch(&self, cmds: &[Routed], idem: Idempotent) -> anyhow::Result<Vec<Value>> {
        self.batch_owned(cmds.to_vec(), idem).await
    }

    /// [`Redis::batch`] taking the commands by value: on the hot paths (bulk
    /// writes, deletes, keyspace scans) commands move into their pipelines and
    /// are copied back only when one has to be sent again.
    pub async fn batch_owned(
        &self,
        cmds: Vec<Routed>,
        idem: Idempotent,
    ) -> anyhow::Result<Vec<Value>> {
        self.batch_tracked(cmds, idem).await.map(|t| t.replies)
    }

    /// [`Redis::batch_owned`] that also says which commands were sent again
    /// after their connection dropped with them in flight: such a command may
    /// have run before the drop, so its (second) reply can understate what it did.
    pub async fn batch_tracked(
        &self,
        cmds: Vec<Routed>,
        idem: Idempotent,
    ) -> anyhow::Result<Tracked> {
        let slots: Vec<u16> = cmds.iter().map(|r| r.slot).collect();
        let mut store: Vec<Option<Cmd>> = cmds.into_iter().map(|r| Some(r.cmd)).collect();
        let mut results: Vec<Option<Value>> = vec![None; store.len()];
        let mut pending: Vec<usize> = (0..store.len()).collect();
        let mut asking: HashMap<usize, String> = HashMap::new();
        let mut resent: HashMap<usize, Cmd> = HashMap::new();
        let mut attempt = 0;
        let started = tokio::time::Instant::now();
        while !pending.is_empty() {
            attempt += 1;
            let settled_out = attempt >= MAX_ATTEMPTS && started.elapsed() >= SETTLE_BUDGET;
            // Group by target node, with one look at the slot map per attempt.
            let topo = self.topo();
            let mut groups: Vec<(Arc<Node>, Vec<usize>)> = Vec::new();
            for &i in &pending {
                let node = match asking.get(&i) {
                    Some(addr) => self.node_by_addr(addr).await?,
                    None => topo.nodes[topo.slots[slots[i] as usize % SLOTS]].clone(),
                };
                match groups.iter_mut().find(|(n, _)| Arc::ptr_eq(n, &node)) {
                    Some((_, v)) => v.push(i),
                    None => groups.push((node, vec![i])),
                }
            }
            // Build every pipeline, moving the commands in.
            let pipes: Vec<(redis::Pipeline, Vec<usize>)> = groups
                .iter()
                .map(|(_, idxs)| {
                    let mut pipe = redis::Pipeline::with_capacity(idxs.len());
                    let mut positions = Vec::with_capacity(idxs.len());
                    for &i in idxs {
                        if asking.contains_key(&i) {
                            pipe.cmd("ASKING").ignore();
                        }
                        positions.push(pipe.len());
                        if let Some(cmd) = store[i].take() {
                            pipe.add_command(cmd);
                        }
                    }
                    pipe.ignore_errors();
                    (pipe, positions)
                })
                .collect();
            let sends = groups
                .iter()
                .zip(&pipes)
                .map(|((node, _), (pipe, _))| async move {
                    let (mut conn, generation) = node.conn();
                    let r = pipe.query_async::<Vec<Value>>(&mut conn).await;
                    (node.clone(), generation, r)
                });
            let replies = futures::future::join_all(sends).await;
            let mut next = Vec::new();
            let mut need_refresh = false;
            let mut need_wait = false;
            for (((node, generation, reply), (_, idxs)), (pipe, positions)) in
                replies.into_iter().zip(groups.iter()).zip(&pipes)
            {
                let mut again: Vec<usize> = Vec::new();
                let dropped = matches!(&reply, Err(e) if is_dropped(e));
                match reply {
                    Ok(values) => {
                        for (&i, v) in idxs.iter().zip(values) {
                            match &v {
                                Value::ServerError(e) => match redirect_of(e) {
                                    Some(Redirect::Moved) => {
                                        asking.remove(&i);
                                        need_refresh = true;
                                        again.push(i);
                                    }
                                    Some(Redirect::Ask(addr)) => {
                                        asking.insert(i, addr);
                                        again.push(i);
                                    }
                                    Some(Redirect::Wait) => {
                                        need_wait = true;
                                        again.push(i);
                                    }
                                    None => {
                                        asking.remove(&i);
                                        results[i] = Some(v);
                                    }
                                },
                                _ => {
                                    asking.remove(&i);
                                    results[i] = Some(v);
                                }
                            }
                        }
                    }
                    Err(e) => {
                        let retry = (idem == Idempotent::Yes && is_dropped(&e))
                            || redirect_of_error(&e).is_some();
                        // A server that is gone fails fast; a cluster that is
                        // settling gets SETTLE_BUDGET.
                        if !retry || (is_dropped(&e) && attempt >= MAX_ATTEMPTS) || settled_out {
                            return Err(failure(&node.addr, &e, self.spec.timeout).into());
                        }
                        if is_dropped(&e) {
                            tokio::time::sleep(backoff(attempt)).await;
                            if self.reconnect(&node, generation).await.is_err() {
                                // The node may have failed over: a refresh finds its successor.
                                need_refresh = true;
                            }
                        } else {
                            need_refresh = true;
                        }
                        again.extend_from_slice(idxs);
                    }
                }
                if !again.is_empty() {
                    // Copy back only the commands that go out again.
                    let sent: Vec<&Cmd> = pipe.cmd_iter().collect();
                    let at: HashMap<usize, usize> = idxs
                        .iter()
                        .copied()
                        .zip(positions.iter().copied())
                        .collect();
                    for &i in &again {
                        store[i] = Some(sent[at[&i]].clone());
                        if dropped {
                            resent.entry(i).or_insert_with(|| sent[at[&i]].clone());
                        }
                    }
                    next.extend(again);
                }
            }
            if !next.is_empty() {
                if settled_out {
                    let slot = slots[next[0]];
                    return Err(RedisFailure::Server {
                        node: self.node_for_slot(slot).addr.clone(),
                        msg: format!(
                            "slot {slot} kept redirecting for {}s",
                            SETTLE_BUDGET.as_secs()
                        ),
                    }
                    .into());
                }
                if need_wait {
                    tokio::time::sleep(backoff(attempt)).await;
                }
                if need_refresh {
                    self.refresh()
                        .await
                        .context("refreshing the cluster slot map")?;
                }
            }
            pending = next;
        }
        let mut resent: Vec<(usize, Cmd)> = resent.into_iter().collect();
        resent.sort_unstable_by_key(|(i, _)| *i);
        Ok(Tracked {
            replies: results
                .into_iter()
                .map(|v| v.unwrap_or(Value::Nil))
                .collect(),
            resent,
        })
    }
}

/// Replies of [`Redis::batch_tracked`], in input order, and the commands that
/// were re-sent after a dropped connection (by input index, in order).
pub struct Tracked {
    pub replies: Vec<Value>,
    pub resent: Vec<(usize, Cmd)>,
}

fn is_dropped(e: &RedisError) -> bool {
    !e.is_timeout() && (e.is_connection_dropped() || e.is_io_error() || e.is_connection_refusal())
}

/// Map a redis error on `node` to a typed failure.
pub fn failure(node: &str, e: &RedisError, timeout: Duration) -> RedisFailure {
    if e.is_timeout() {
        return RedisFailure::Timeout {
            node: node.to_string(),
            timeout: humantime::format_duration(timeout).to_string(),
        };
    }
    if e.kind() == ErrorKind::Server(ServerErrorKind::NoPerm) || e.code() == Some("NOPERM") {
        return RedisFailure::NoPerm {
            node: node.to_string(),
            msg: describe_error(e),
        };
    }
    if is_auth_error(e) {
        return RedisFailure::Auth {
            url: node.to_string(),
            reason: describe_error(e),
        };
    }
    if is_dropped(e) {
        return RedisFailure::ConnectionLost {
            node: node.to_string(),
            reason: describe_error(e),
        };
    }
    RedisFailure::Server {
        node: node.to_string(),
        msg: describe_error(e),
    }
}

/// Map an error reply found inside a pipeline to a typed failure.
pub fn server_failure(node: &str, e: &redis::ServerError) -> RedisFailure {
    let msg = match e.details() {
        Some(d) => format!("{} {d}", e.code()),
        None => e.code().to_string(),
    };
    if e.code() == "NOPERM" {
        RedisFailure::NoPerm {
            node: node.to_string(),
            msg,
        }
    } else {
        RedisFailure::Server {
            node: node.to_string(),
            msg,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction() {
        assert_eq!(redact_url("redis://u:secret@h:1/2"), "redis://u:***@h:1/2");
        assert_eq!(redact_url("redis://:secret@h:1"), "redis://:***@h:1");
        assert_eq!(redact_url("redis://secret@h:1"), "redis://***@h:1");
        assert_eq!(redact_url("redis://h:1"), "redis://h:1");
        assert_eq!(redact_url("rediss://u:p@ss@h"), "rediss://u:***@h");
        assert_eq!(redact_url("redis://u:p@ss/x@h:1"), "redis://u:***@h:1");
        assert!(!redact_url("redis://u:p@ss/x@h:1").contains("ss/x"));
    }

    #[test]
    fn slots_match_redis() {
        // Values from the Redis Cluster specification and CLUSTER KEYSLOT.
        assert_eq!(slot_of(b"123456789"), 12739);
        assert_eq!(slot_of(b"foo"), 12182);
        assert_eq!(slot_of(b"{user1000}.following"), slot_of(b"user1000"));
        assert_eq!(slot_of(b"foo{}{bar}"), slot_of(b"foo{}{bar}"));
        assert_eq!(slot_of(b"{}foo"), slot_of(b"{}foo"));
    }
}
