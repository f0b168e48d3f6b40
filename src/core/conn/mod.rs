//! Connection: plain settings ([`ConnOptions`], gathered by the config layer)
//! → a [`ConnSpec`] → a [`Redis`] handle that is standalone or cluster
//! (detected, never configured).
//!
//! A standalone server is a cluster of one node that owns every slot, so the rest
//! of the core has one code path. Cluster routing is ours, not the redis crate's:
//! we keep one multiplexed connection per primary and group pipelines per node,
//! which is what makes deep cross-slot pipelines possible. MOVED, ASK, TRYAGAIN,
//! CLUSTERDOWN and LOADING are followed here; connection drops are retried only for
//! work the caller marks idempotent. Passwords never leave this module unredacted.
//!
//! - [`spec`]: the validated spec, TLS files, opening one connection;
//! - [`redact`]: secrets out of echoed URLs;
//! - [`sentinel`]: finding (and re-finding) a master through Sentinel;
//! - [`topology`]: the slot map, discovery of primaries, refreshes;
//! - [`router`]: batches and single commands, acting on [`decide`];
//! - [`decide`]: what to do after one attempt (a pure function);
//! - [`errors`]: redis errors as typed failures and readable lines.

mod decide;
mod errors;
mod redact;
mod router;
mod sentinel;
mod spec;
mod topology;

use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use redis::aio::MultiplexedConnection;
use redis::ConnectionAddr;

pub use errors::{is_unreachable, server_failure, unreachable_failure};
pub use router::Routed;
pub use spec::{ConnOptions, ConnSpec};
pub use topology::{slot_of, DownNode};

use decide::Deployment;
use errors::bad_db;
use topology::{detect_cluster, Topology};

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

/// A connected server or cluster. Cheap to share behind an `Arc`.
pub struct Redis {
    spec: ConnSpec,
    cluster: bool,
    topo: RwLock<Arc<Topology>>,
    reconnect_lock: tokio::sync::Mutex<()>,
    /// Nodes reached only through ASK (a slot moving to a node that owns no
    /// slots yet, so CLUSTER SLOTS does not list it).
    ask_targets: tokio::sync::Mutex<Vec<Arc<Node>>>,
    /// With Sentinel: the master's address now, and how many replicas each
    /// pipeline's writes are confirmed on (`WAIT`): a write the old master
    /// took after its replica was promoted is lost, and only a missing
    /// confirmation tells.
    master: Mutex<Option<(String, u16)>>,
    wait_replicas: AtomicUsize,
    /// Pipelines in flight: a WAIT that times out holds up every pipeline
    /// behind it on the shared connection, so each waits less when many do.
    pipelines: AtomicUsize,
    /// When the master's replicas were last counted while none were known
    /// (right after a failover the old master is not attached yet).
    replicas_counted: Mutex<Option<tokio::time::Instant>>,
}

impl Redis {
    /// Connect to the seed, detect cluster mode, and connect to every primary.
    pub async fn connect(spec: ConnSpec) -> anyhow::Result<Arc<Redis>> {
        if spec.sentinel.is_some() {
            return Self::connect_sentinel(spec).await;
        }
        let seed_label = spec.display_url.clone();
        let mut seed_conn = spec
            .open(spec.seed.clone(), &seed_label)
            .await
            .map_err(|e| bad_db(e, spec.seed.redis_settings().db()))?;
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
                down: Vec::new(),
                down_slots: vec![None; SLOTS],
            }
        };
        Ok(Arc::new(Redis {
            spec,
            cluster,
            topo: RwLock::new(Arc::new(topo)),
            reconnect_lock: tokio::sync::Mutex::new(()),
            ask_targets: tokio::sync::Mutex::new(Vec::new()),
            master: Mutex::new(None),
            wait_replicas: AtomicUsize::new(0),
            pipelines: AtomicUsize::new(0),
            replicas_counted: Mutex::new(None),
        }))
    }

    /// A Sentinel-managed master: one node, found (and after a failover
    /// found again) through the sentinels.
    async fn connect_sentinel(spec: ConnSpec) -> anyhow::Result<Arc<Redis>> {
        let r = spec.resolve_master().await?;
        let node = Arc::new(Node {
            addr: spec.display_url.clone(),
            host: r.host.clone(),
            port: r.port,
            conn: Mutex::new(r.conn),
            generation: Mutex::new(0),
        });
        Ok(Arc::new(Redis {
            spec,
            cluster: false,
            topo: RwLock::new(Arc::new(Topology {
                nodes: vec![node],
                slots: vec![0; SLOTS],
                down: Vec::new(),
                down_slots: vec![None; SLOTS],
            })),
            reconnect_lock: tokio::sync::Mutex::new(()),
            ask_targets: tokio::sync::Mutex::new(Vec::new()),
            master: Mutex::new(Some((r.host, r.port))),
            wait_replicas: AtomicUsize::new(r.replicas),
            pipelines: AtomicUsize::new(0),
            replicas_counted: Mutex::new(None),
        }))
    }

    fn deployment(&self) -> Deployment {
        if self.is_sentinel() {
            Deployment::Sentinel
        } else if self.cluster {
            Deployment::Cluster
        } else {
            Deployment::Standalone
        }
    }

    pub fn is_cluster(&self) -> bool {
        self.cluster
    }

    pub fn display_url(&self) -> &str {
        &self.spec.display_url
    }
}
