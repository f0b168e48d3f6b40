//! Data loading and output helpers shared by the black-box tests.

use std::io::Write;
use std::process::Stdio;

use crate::common::{RedisCluster, RedisServer};

// The rig's RESP encoder and run helpers, under the names tests use here.
pub use crate::common::command::{json, run, spawn, stderr};
pub use crate::common::resp::encode as resp;

/// Pipe raw RESP into `redis-cli --pipe` against one server; panics on errors.
pub fn pipe_into(server: &RedisServer, payload: &[u8], expected_replies: usize) {
    let mut cmd = server.cli_cmd();
    cmd.arg("--pipe")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn redis-cli --pipe");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(payload)
        .expect("write RESP");
    let out = child.wait_with_output().expect("redis-cli --pipe");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!("errors: 0, replies: {expected_replies}")),
        "--pipe failed: {text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// SET every key (value "v", optional TTL in seconds) on a standalone server.
pub fn load(server: &RedisServer, keys: &[Vec<u8>], ttl: Option<u64>) {
    if keys.is_empty() {
        return;
    }
    let mut payload = Vec::new();
    let ttl_s = ttl.map(|t| t.to_string());
    for k in keys {
        match &ttl_s {
            Some(t) => payload.extend(resp(&[b"SET", k, b"v", b"EX", t.as_bytes()])),
            None => payload.extend(resp(&[b"SET", k, b"v"])),
        }
    }
    pipe_into(server, &payload, keys.len());
}

/// Keys `{prefix}{i}` for i in 0..n.
pub fn keys(prefix: &str, n: usize) -> Vec<Vec<u8>> {
    (0..n)
        .map(|i| format!("{prefix}{i}").into_bytes())
        .collect()
}

/// CRC16 (XMODEM) hash slot, as Redis Cluster computes it; independent of the crate's.
pub fn slot(key: &[u8]) -> u16 {
    let mut k = key;
    if let Some(open) = key.iter().position(|&b| b == b'{') {
        if let Some(len) = key[open + 1..].iter().position(|&b| b == b'}') {
            if len > 0 {
                k = &key[open + 1..open + 1 + len];
            }
        }
    }
    let mut crc: u16 = 0;
    for &b in k {
        crc ^= (b as u16) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc % 16384
}

/// SET every key on the primary that owns its slot.
pub fn load_cluster(cluster: &RedisCluster, keys: &[Vec<u8>]) {
    let mut by_port: std::collections::BTreeMap<u16, Vec<&Vec<u8>>> = Default::default();
    let ranges = cluster.slot_ranges();
    for k in keys {
        let s = slot(k);
        let port = ranges
            .iter()
            .find(|(a, b, _)| *a <= s && s <= *b)
            .map(|(_, _, p)| *p)
            .expect("slot owner");
        by_port.entry(port).or_default().push(k);
    }
    for (port, ks) in by_port {
        let mut payload = Vec::new();
        for k in &ks {
            payload.extend(resp(&[b"SET", k, b"v"]));
        }
        pipe_into(cluster.node(port), &payload, ks.len());
    }
}
