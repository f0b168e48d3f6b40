//! Faults: paused, stopped, restarted and loading servers, and cluster failover
//! in the middle of bulk work. Every test is bounded in time.

use std::time::{Duration, Instant};

use crate::common::{wait_for_port, wait_until, RedisCluster, RedisServer};
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
    s.pause_clients(3000);
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
    // take about a second, so the client surely meets LOADING. Before 7.0 the
    // server cannot be told to answer during a load this small.
    if !crate::common::build::server_build().has_config_7() {
        eprintln!(
            "notice: skipped: this server build has no loading-process-events-interval-bytes"
        );
        return;
    }
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
    wait_for_port(s.port);
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

fn run_id(s: &RedisServer) -> String {
    s.info_field("server", "run_id").expect("run_id")
}

#[test]
fn restart_mid_scan_delete_rescans_and_leaves_no_match() {
    let mut s = RedisServer::start();
    let total = 60_000;
    load(&s, &keys("rs:", total), None);
    load(&s, &keys("keep:", 500), None);
    // The snapshot brings every key back: those deleted before the restart too.
    assert!(s.call(&[b"SAVE"]).is_ok());
    let before = run_id(&s);
    let child = spawn(
        &s.url(),
        &[
            "--json",
            "--timeout",
            "5s",
            "scan-delete",
            "rs:*",
            "--yes",
            "--rate",
            "20000",
            "--batch",
            "100",
        ],
    );
    wait_until(Duration::from_secs(30), "delete under way", || {
        s.count_matching("rs:*") < total - 10_000
    });
    s.restart(true);
    assert_ne!(run_id(&s), before, "a new server process");
    let out = child.wait_with_output().expect("wait");
    let left = s.count_matching("rs:*");
    match out.status.code() {
        Some(0) => {
            assert_eq!(left, 0, "exit 0 with {left} matches left: {}", stderr(&out));
            let v = json(&out);
            let rescanned = v["rescanned"].as_array().expect("rescanned");
            assert!(!rescanned.is_empty(), "the summary says so: {v}");
        }
        // Giving up is allowed, claiming success is not.
        Some(3) => assert!(left > 0 || !stderr(&out).is_empty()),
        other => panic!("unexpected exit {other:?}: {}", stderr(&out)),
    }
    assert_eq!(s.count_matching("keep:*"), 500);
}

/// Start a delete of `pattern` with a checkpoint, interrupt it half way, and
/// return once the checkpoint is on disk.
fn interrupted_checkpointed_delete(
    url: &str,
    s: &RedisServer,
    pattern: &str,
    cp: &str,
    total: usize,
) {
    let child = spawn(
        url,
        &[
            "--json",
            "scan-delete",
            pattern,
            "--yes",
            "--rate",
            "4000",
            "--batch",
            "100",
            "--checkpoint",
            cp,
        ],
    );
    wait_until(Duration::from_secs(20), "checkpoint written", || {
        std::path::Path::new(cp).exists() && s.count_matching(pattern) < total - 3000
    });
    assert!(crate::common::send_signal(child.id(), "INT"));
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert!(std::path::Path::new(cp).exists());
}

#[test]
fn checkpoint_resumed_after_a_restart_starts_that_node_over() {
    let mut s = RedisServer::start();
    let total = 20_000;
    load(&s, &keys("rc:", total), None);
    assert!(s.call(&[b"SAVE"]).is_ok());
    let dir = tempfile::tempdir().expect("tempdir");
    let cp = dir.path().join("run.ckpt");
    let cp_arg = cp.to_str().expect("path");
    interrupted_checkpointed_delete(&s.url(), &s, "rc:*", cp_arg, total);
    let saved = std::fs::read_to_string(&cp).expect("read");
    assert!(
        saved.contains(&run_id(&s)),
        "the checkpoint records the run id: {saved}"
    );
    s.restart(true);
    assert_eq!(
        s.count_matching("rc:*"),
        total,
        "the snapshot brought them back"
    );
    let out = run(
        &s.url(),
        &[
            "--json",
            "scan-delete",
            "rc:*",
            "--yes",
            "--checkpoint",
            cp_arg,
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(s.count_matching("rc:*"), 0, "every match gone");
    let v = json(&out);
    assert_eq!(v["deleted"], total as u64, "{v}");
    assert!(
        !v["rescanned"].as_array().expect("rescanned").is_empty(),
        "{v}"
    );
    assert!(stderr(&out).contains("restarted"), "{}", stderr(&out));
    assert!(!cp.exists());
}

#[test]
fn without_info_a_resumed_checkpoint_is_rescanned_and_says_so() {
    let mut s = RedisServer::start_with_acl("app", "app-pw", &["~ri:*", "+@all", "-info"]);
    let total = 20_000;
    load(&s, &keys("ri:", total), None);
    assert!(s.call(&[b"SAVE"]).is_ok());
    let url = s.url_with_auth(Some("app"), "app-pw");
    let dir = tempfile::tempdir().expect("tempdir");
    let cp = dir.path().join("run.ckpt");
    let cp_arg = cp.to_str().expect("path");
    interrupted_checkpointed_delete(&url, &s, "ri:*", cp_arg, total);
    s.restart(true);
    // ACL users live in memory only: set the user up again.
    let reply = s.call(&[
        b"ACL", b"SETUSER", b"app", b"on", b">app-pw", b"~ri:*", b"+@all", b"-info",
    ]);
    assert!(reply.is_ok(), "{reply:?}");
    let out = run(
        &url,
        &[
            "--json",
            "scan-delete",
            "ri:*",
            "--yes",
            "--checkpoint",
            cp_arg,
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(s.count_matching("ri:*"), 0, "every match gone");
    let v = json(&out);
    assert!(
        !v["rescanned"].as_array().expect("rescanned").is_empty(),
        "{v}"
    );
    assert!(stderr(&out).contains("INFO"), "{}", stderr(&out));
}

#[test]
fn without_info_a_restart_mid_run_is_rescanned() {
    let mut s = RedisServer::start_with_acl("app", "app-pw", &["~rn:*", "+@all", "-info"]);
    let total = 60_000;
    load(&s, &keys("rn:", total), None);
    assert!(s.call(&[b"SAVE"]).is_ok());
    let url = s.url_with_auth(Some("app"), "app-pw");
    let child = spawn(
        &url,
        &[
            "--json",
            "--timeout",
            "5s",
            "scan-delete",
            "rn:*",
            "--yes",
            "--rate",
            "20000",
            "--batch",
            "100",
        ],
    );
    wait_until(Duration::from_secs(30), "delete under way", || {
        s.count_matching("rn:*") < total - 10_000
    });
    s.restart(true);
    let reply = s.call(&[
        b"ACL", b"SETUSER", b"app", b"on", b">app-pw", b"~rn:*", b"+@all", b"-info",
    ]);
    assert!(reply.is_ok(), "{reply:?}");
    let out = child.wait_with_output().expect("wait");
    let left = s.count_matching("rn:*");
    match out.status.code() {
        Some(0) => assert_eq!(left, 0, "exit 0 with {left} matches left: {}", stderr(&out)),
        Some(3) => {}
        other => panic!("unexpected exit {other:?}: {}", stderr(&out)),
    }
}

#[test]
fn warm_only_missing_counts_a_write_whose_reply_was_lost() {
    use crate::common::proxy::{Mode, Proxy};
    let s = RedisServer::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let f = write_jsonl(&dir, 1000, "wl:");
    // One key already there: the only one that is really skipped.
    s.call(&[b"SET", b"wl:7", b"old"]);
    let proxy = Proxy::start(s.port);
    proxy.set_mode(Mode::LoseReply {
        cmd: "SET".into(),
        nth: 300,
    });
    let out = run(
        &proxy.url(),
        &[
            "--json",
            "warm",
            &f,
            "--only-missing",
            "--batch",
            "100",
            "--in-flight",
            "1",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(proxy.fired(), 1, "a reply was lost");
    let v = json(&out);
    assert_eq!(v["written"], 999, "{v}");
    assert_eq!(v["skipped"], 1, "{v}");
    assert_eq!(s.dbsize(), 1000);
    assert_eq!(s.call(&[b"GET", b"wl:7"]).as_bytes(), Some(&b"old"[..]));
}

#[test]
fn restart_mid_tag_invalidate_rescans_the_members() {
    let mut s = RedisServer::start();
    let n = 60_000;
    let mut payload = Vec::new();
    for i in 0..n {
        let k = format!("tr:{i}");
        payload.extend(crate::fixtures::resp(&[b"SET", k.as_bytes(), b"v"]));
        payload.extend(crate::fixtures::resp(&[b"SADD", b"tag:tr", k.as_bytes()]));
    }
    crate::fixtures::pipe_into(&s, &payload, 2 * n);
    assert!(s.call(&[b"SAVE"]).is_ok());
    let child = spawn(
        &s.url(),
        &[
            "--json",
            "--timeout",
            "5s",
            "tag-invalidate",
            "tr",
            "--yes",
            "--rate",
            "20000",
            "--batch",
            "100",
            "--count",
            "100",
        ],
    );
    wait_until(Duration::from_secs(30), "invalidation under way", || {
        s.count_matching("tr:*") < n - 10_000
    });
    s.restart(true);
    let out = child.wait_with_output().expect("wait");
    let left = s.count_matching("tr:*");
    match out.status.code() {
        // Without the rescan the old cursor skips thousands; a restart after the
        // member scan ended (batches still in flight) brings the whole snapshot
        // back, so the tag is read again once the run saw the new process.
        Some(0) => assert_eq!(left, 0, "exit 0 with tagged keys left: {}", stderr(&out)),
        Some(3) => {}
        other => panic!("unexpected exit {other:?}: {}", stderr(&out)),
    }
}

#[test]
fn checkpoint_resumed_after_a_cluster_failover_leaves_no_match() {
    let c = RedisCluster::start_with_replicas(1);
    let total = 30_000;
    load_cluster(&c, &keys("cf:", total));
    load_cluster(&c, &keys("keep:", 300));
    wait_until(Duration::from_secs(20), "replicas synced", || {
        c.replica_ports()
            .iter()
            .map(|p| c.node(*p).dbsize())
            .sum::<u64>()
            == (total + 300) as u64
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let cp = dir.path().join("run.ckpt");
    let cp_arg = cp.to_str().expect("path");
    let child = spawn(
        &c.url(),
        &[
            "--json",
            "scan-delete",
            "cf:*",
            "--yes",
            "--rate",
            "4000",
            "--batch",
            "100",
            "--checkpoint",
            cp_arg,
        ],
    );
    wait_until(Duration::from_secs(30), "checkpoint written", || {
        cp.exists() && c.dbsize_total() < (total - 3000) as u64
    });
    assert!(crate::common::send_signal(child.id(), "INT"));
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    failover_one_primary(&c);
    c.wait_healthy();
    let out = run(
        &c.url(),
        &[
            "--json",
            "scan-delete",
            "cf:*",
            "--yes",
            "--checkpoint",
            cp_arg,
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(c.dbsize_total(), 300, "every match gone, the others kept");
    assert!(!cp.exists());
}

fn expires(s: &RedisServer) -> u64 {
    let info = s.info("keyspace");
    info.lines()
        .find_map(|l| l.strip_prefix("db0:"))
        .and_then(|l| l.split(',').find_map(|f| f.strip_prefix("expires=")))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

#[test]
fn restart_mid_ttl_pattern_rescans_and_changes_every_key() {
    let mut s = RedisServer::start();
    let total = 150_000;
    load(&s, &keys("tt:", total), None);
    assert!(s.call(&[b"SAVE"]).is_ok());
    let child = spawn(
        &s.url(),
        &[
            "--json",
            "--timeout",
            "5s",
            "ttl",
            "--pattern",
            "tt:*",
            "--set",
            "1h",
            "--yes",
            "--count",
            "10",
        ],
    );
    wait_until(Duration::from_secs(30), "ttl change under way", || {
        expires(&s) > 10_000
    });
    s.restart(true);
    let out = child.wait_with_output().expect("wait");
    let with_ttl = expires(&s);
    match out.status.code() {
        Some(0) => {
            assert_eq!(
                with_ttl,
                total as u64,
                "exit 0 with {} keys left unchanged: {}",
                total as u64 - with_ttl,
                stderr(&out)
            );
            // Counts add up the passes: a key is never changed more than matched.
            let v = json(&out);
            let (changed, matched) = (v["changed"].as_u64(), v["matched"].as_u64());
            assert!(changed <= matched, "{v}");
        }
        Some(3) => {}
        other => panic!("unexpected exit {other:?}: {}", stderr(&out)),
    }
}

#[test]
fn a_dry_run_across_a_restart_says_its_count_is_not_exact() {
    let mut s = RedisServer::start();
    let total = 60_000;
    load(&s, &keys("dr:", total), None);
    let child = spawn(
        &s.url(),
        &[
            "--json",
            "--timeout",
            "5s",
            "scan-delete",
            "dr:*",
            "--dry-run",
            "--rate",
            "20000",
            "--batch",
            "100",
        ],
    );
    // The dry run's progress is not visible in the data: wait for its SCANs.
    wait_until(Duration::from_secs(30), "dry run under way", || {
        s.info("commandstats")
            .lines()
            .find_map(|l| l.strip_prefix("cmdstat_scan:calls="))
            .and_then(|v| v.split(',').next())
            .and_then(|n| n.parse::<u64>().ok())
            .is_some_and(|n| n > 10)
    });
    s.restart(true);
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    assert!(
        !v["rescanned"].as_array().expect("rescanned").is_empty(),
        "a count across a restart is flagged: {v}"
    );
    assert!(stderr(&out).contains("not exact"), "{}", stderr(&out));
}

/// A lost reply to an `--only-persistent` change: the re-sent PEXPIRE … NX
/// finds a TTL already there and answers 0. That is not "unchanged": it is
/// counted as unconfirmed, so changed + unconfirmed covers every key.
#[test]
fn a_lost_ttl_change_reply_is_unconfirmed_not_unchanged() {
    use crate::common::proxy::{Mode, Proxy};
    let s = RedisServer::start();
    load(&s, &keys("lt:", 4000), None);
    let proxy = Proxy::start(s.port);
    // Before 7.0 the change goes as a script after the first batch's NX is refused.
    let (cmd, nth) = if crate::common::build::server_build().has_config_7() {
        ("PEXPIRE", 1500)
    } else {
        ("EVAL", 500)
    };
    proxy.set_mode(Mode::LoseReply {
        cmd: cmd.into(),
        nth,
    });
    let out = run(
        &proxy.url(),
        &[
            "--json",
            "ttl",
            "--pattern",
            "lt:*",
            "--only-persistent",
            "--set",
            "1h",
            "--yes",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(proxy.fired(), 1, "a reply was lost");
    let v = json(&out);
    let changed = v["changed"].as_u64().expect("changed");
    let unconfirmed = v["unconfirmed"].as_u64().expect("unconfirmed");
    assert_eq!(changed + unconfirmed, 4000, "{v}");
    assert!(unconfirmed > 0, "{v}");
    for i in [0, 1999, 3999] {
        let pttl: i64 = s.cli(&["PTTL", &format!("lt:{i}")]).parse().expect("pttl");
        assert!(pttl > 0, "every key got its TTL");
    }
}

/// A failover of the primary that holds the tag: the new primary's set
/// iterates in another order, so the old cursor would skip members. The tag
/// is read again there; exit 0 means no tagged key is left.
#[test]
fn failover_of_the_tags_primary_mid_tag_invalidate_leaves_no_tagged_key() {
    let c = RedisCluster::start_with_replicas(1);
    let replica = c.replica_ports()[0];
    let nodes = c.cluster_nodes();
    let primary_id = nodes
        .iter()
        .find(|n| n.port == replica)
        .and_then(|n| n.primary_id.clone())
        .expect("the replica's primary");
    let primary = nodes
        .iter()
        .find(|n| n.id == primary_id)
        .map(|n| n.port)
        .expect("primary port");
    let tag = (0..1000)
        .map(|i| format!("ft{i}"))
        .find(|t| c.port_for_key(format!("tag:{t}").as_bytes()) == primary)
        .expect("a tag on that primary");
    let tkey = format!("tag:{tag}");
    let n = 60_000;
    let members = keys("ftm:", n);
    load_cluster(&c, &members);
    for chunk in members.chunks(5000) {
        let mut args: Vec<&[u8]> = vec![b"SADD", tkey.as_bytes()];
        args.extend(chunk.iter().map(|k| k.as_slice()));
        assert!(c.call(primary, &args).as_int().is_some());
    }
    wait_until(Duration::from_secs(30), "replicas synced", || {
        c.node(replica)
            .info_field("replication", "master_repl_offset")
            == c.node(primary)
                .info_field("replication", "master_repl_offset")
    });
    let child = spawn(
        &c.url(),
        &[
            "--json",
            "tag-invalidate",
            &tag,
            "--yes",
            "--rate",
            "30000",
            "--batch",
            "100",
            "--count",
            "100",
        ],
    );
    wait_until(Duration::from_secs(30), "invalidation under way", || {
        c.dbsize_total() < (n as u64) - 5000
    });
    failover_one_primary(&c);
    let out = child.wait_with_output().expect("wait");
    let left = c.dbsize_total();
    match out.status.code() {
        Some(0) => assert_eq!(left, 0, "exit 0 with keys left: {}", stderr(&out)),
        Some(3) => {}
        other => panic!("unexpected exit {other:?}: {}", stderr(&out)),
    }
}
