//! Faults: paused, stopped, restarted and loading servers, and cluster failover
//! in the middle of bulk work. Every test is bounded in time.

use std::time::{Duration, Instant};

use crate::common::{wait_until, RedisCluster, RedisServer};
use crate::fixtures::{json, keys, load, load_cluster, run, spawn, stderr};

fn write_jsonl(dir: &tempfile::TempDir, n: usize, prefix: &str) -> String {
    let p = dir.path().join("in.jsonl");
    let text: String = (0..n)
        .map(|i| format!("{{\"key\":\"{prefix}{i}\",\"value\":\"v\"}}\n"))
        .collect();
    std::fs::write(&p, text).expect("write");
    p.to_str().expect("path").to_string()
}

#[test]
fn client_pause_fails_bulk_work_within_the_timeout() {
    let s = RedisServer::start();
    load(&s, &keys("cp:", 1000), None);
    assert!(s.call(&[b"CLIENT", b"PAUSE", b"3000", b"ALL"]).is_ok());
    let t0 = Instant::now();
    let out = run(
        &s.url(),
        &["--timeout", "500ms", "scan-delete", "cp:*", "--yes"],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        t0.elapsed() < Duration::from_millis(2500),
        "took {:?}",
        t0.elapsed()
    );
}

#[test]
fn server_restarted_mid_warm_is_exit_3_with_a_summary_or_finishes() {
    let mut s = RedisServer::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let n = 300_000;
    let f = write_jsonl(&dir, n, "rs:");
    let child = spawn(
        &s.url(),
        &[
            "--json",
            "--timeout",
            "2s",
            "warm",
            &f,
            "--batch",
            "200",
            "--in-flight",
            "2",
        ],
    );
    wait_until(Duration::from_secs(30), "writing started", || {
        s.dbsize() > 1000
    });
    s.restart(true);
    let out = child.wait_with_output().expect("wait");
    let v = json(&out);
    let written = v["written"].as_u64().expect("written");
    match out.status.code() {
        // Reconnected to the fresh (empty) server and wrote the rest: what it
        // reports written after the restart is there now.
        Some(0) => assert!(s.dbsize() > 0 && written == n as u64, "{v}"),
        Some(3) => assert!(written < n as u64, "{v}"),
        other => panic!(
            "unexpected exit {other:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

#[test]
fn loading_server_is_waited_for() {
    // key-load-delay (a testing knob of redis-server) makes loading 20k keys
    // take about a second, so the client surely meets LOADING.
    let mut s = RedisServer::start_with(&[
        "--key-load-delay",
        "50",
        "--loading-process-events-interval-bytes",
        "1024",
    ]);
    load(&s, &keys("ld:", 20_000), None);
    assert!(s.call(&[b"SAVE"]).is_ok());
    s.restart(false);
    // Listening comes before loading: connect as soon as the port answers.
    let addr = format!("127.0.0.1:{}", s.port);
    wait_until(Duration::from_secs(10), "port open", || {
        std::net::TcpStream::connect(&addr).is_ok()
    });
    let out = run(&s.url(), &["--timeout", "5s", "get", "ld:7"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(out.stdout, b"v");
    assert!(
        s.info("errorstats").contains("errorstat_LOADING"),
        "the server did answer LOADING first"
    );
}

fn failover_one_primary(c: &RedisCluster) {
    let replica = c.replica_ports()[0];
    let reply = c.call(replica, &[b"CLUSTER", b"FAILOVER"]);
    assert!(reply.is_ok(), "{reply:?}");
    wait_until(Duration::from_secs(20), "failover done", || {
        c.primary_ports().contains(&replica)
    });
}

#[test]
fn failover_during_warm_leaves_every_key_present() {
    let c = RedisCluster::start_with_replicas(1);
    let dir = tempfile::tempdir().expect("tempdir");
    let n = 200_000;
    let f = write_jsonl(&dir, n, "fo:");
    let child = spawn(
        &c.url(),
        &["--json", "warm", &f, "--batch", "100", "--in-flight", "2"],
    );
    wait_until(Duration::from_secs(30), "writing started", || {
        c.dbsize_total() > 2000
    });
    failover_one_primary(&c);
    let out = child.wait_with_output().expect("wait");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    wait_until(Duration::from_secs(20), "every key present", || {
        c.dbsize_total() == n as u64
    });
}

#[test]
fn failover_during_scan_delete_leaves_no_match() {
    let c = RedisCluster::start_with_replicas(1);
    load_cluster(&c, &keys("fd:", 60_000));
    load_cluster(&c, &keys("keep:", 1000));
    wait_until(Duration::from_secs(20), "replicas synced", || {
        c.replica_ports()
            .iter()
            .map(|p| c.node(*p).dbsize())
            .sum::<u64>()
            == 61_000
    });
    let child = spawn(
        &c.url(),
        &[
            "--json",
            "scan-delete",
            "fd:*",
            "--yes",
            "--rate",
            "30000",
            "--batch",
            "100",
        ],
    );
    wait_until(Duration::from_secs(30), "delete under way", || {
        c.dbsize_total() < 55_000
    });
    failover_one_primary(&c);
    let out = child.wait_with_output().expect("wait");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(c.dbsize_total(), 1000, "every match gone, the others kept");
}
