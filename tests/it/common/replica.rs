//! A standalone replica of a [`RedisServer`], for tests of writes that a
//! replica refuses with READONLY.

use std::time::Duration;

use super::{wait_until, RedisServer, HOST};

/// A plain server started with `--replicaof` the given primary; returns once
/// its replication link is up (so reads see the primary's keys).
pub fn start_replica(primary: &RedisServer) -> RedisServer {
    let port = primary.port.to_string();
    let replica = RedisServer::start_with(&["--replicaof", HOST, &port]);
    wait_until(Duration::from_secs(20), "replica link up", || {
        replica
            .info_field("replication", "master_link_status")
            .as_deref()
            == Some("up")
    });
    replica
}
