//! Shared helpers for the `cachectl` integration tests.
//!
//! Everything here listens on 127.0.0.1 only, is safe to use from tests
//! running in parallel, and cleans up after itself on `Drop` (also when the
//! test panics). If the whole test process dies abruptly (SIGKILL, abort,
//! Ctrl-C), a small watchdog shell process kills the redis-servers it left
//! behind.
//!
//! Tests must never sleep to synchronise: use [`wait_until`].
//!
//! - `server`: [`RedisServer`] (processes, redis-cli, RESP calls)
//! - `cluster`: [`RedisCluster`]
//! - `resp`: the one RESP encoder/parser ([`Reply`], [`resp::Conn`])
//! - `tls`: certificates and TLS servers ([`TlsOpts`], [`TlsFiles`])
//! - `command`: the binary under test ([`cachectl`], [`subcommands`])
//! - `proxy`, `subscriber`, `replica`, `sentinel`, `build`: special rigs

pub mod build;
pub mod cluster;
pub mod command;
pub mod endpoint;
pub mod proxy;
pub mod replica;
pub mod resp;
pub mod screen;
pub mod sentinel;
pub mod server;
pub mod subscriber;
pub mod tls;

// Every pre-split `common::Name` path keeps working.
pub use cluster::RedisCluster;
pub use command::{cachectl, cachectl_std, finish, send_signal, subcommands};
pub use resp::Reply;
pub use server::{RedisServer, ACL_ADMIN_PASS};
pub use tls::TlsOpts;
// Pre-split paths no test uses yet, kept so tests being written against
// them compile.
#[allow(unused_imports)]
pub use {
    cluster::ClusterNode,
    tls::{generate_tls_files, TlsFiles},
};

use std::collections::HashSet;
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

/// The only address any test server binds to.
pub const HOST: &str = "127.0.0.1";

const POLL_INTERVAL: Duration = Duration::from_millis(20);

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

/// Waits (10 s at most) until something accepts connections on
/// 127.0.0.1:`port`, e.g. a restarted server that listens before it loads.
pub fn wait_for_port(port: u16) {
    wait_until(
        Duration::from_secs(10),
        &format!("127.0.0.1:{port} to accept connections"),
        || TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_ok(),
    );
}

/// Key prefix that isolates one test's keys: `t:{name}:`.
pub fn unique_prefix(name: &str) -> String {
    format!("t:{name}:")
}
