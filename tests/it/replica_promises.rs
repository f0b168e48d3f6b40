//! Read-only work against a replica URL: reports, inspections and every
//! dry run answer from the replica (sparing the primary) and write nothing.

use std::io::Write as _;

use crate::common::replica::start_replica;
use crate::common::{cachectl, wait_until, RedisServer};
use crate::fixtures::{json, stderr};

/// Writes the replica refused (`errorstat_READONLY`); other error replies
/// (a handshake's CLIENT SETINFO on older builds) do not count.
/// READONLY replies the server counted; errorstats exist from 6.2 on, so an
/// older server counts none (the check then rests on the primary's data).
fn errors(server: &RedisServer) -> u64 {
    server
        .info_field("errorstats", "errorstat_READONLY")
        .and_then(|v| v.strip_prefix("count=")?.split(',').next()?.parse().ok())
        .unwrap_or(0)
}

#[test]
fn read_only_work_and_every_dry_run_run_on_a_replica() {
    let primary = RedisServer::start();
    for i in 0..50 {
        primary.cli(&["SET", &format!("ro:k:{i}"), "v", "EX", "3600"]);
    }
    primary.cli(&["SET", "ro:persist", "p"]);
    primary.cli(&["SET", "ro:lock", "tok-123", "PX", "600000"]);
    primary.cli(&["SADD", "tag:ro-tag", "ro:k:1", "ro:k:2"]);
    primary.cli(&["SET", "ro:rl", "3", "EX", "60"]);
    let replica = start_replica(&primary);
    wait_until(
        std::time::Duration::from_secs(20),
        "replica has the keys",
        || replica.dbsize() == primary.dbsize(),
    );
    let keys = primary.dbsize();
    let mut file = tempfile::NamedTempFile::with_suffix(".jsonl").expect("temp file");
    writeln!(file, r#"{{"key":"ro:w","value":"x"}}"#).expect("write");
    let warm_path = file.path().to_string_lossy().into_owned();

    let cases: Vec<Vec<&str>> = vec![
        vec!["get", "ro:k:1"],
        vec!["ttl", "ro:k:1"],
        vec!["ttl", "--pattern", "ro:k:*"],
        vec!["stats"],
        vec!["stats", "--scan"],
        vec!["lock", "status", "ro:lock"],
        vec!["lock", "list", "ro:*"],
        vec!["lock", "break", "ro:lock", "--dry-run"],
        vec!["ratelimit-test", "ro:rl", "--inspect", "--limit", "10"],
        vec!["scan-delete", "ro:k:*", "--dry-run"],
        vec!["flush-prefix", "ro:", "--dry-run"],
        vec!["ttl", "--pattern", "ro:*", "--set", "1h", "--dry-run"],
        vec![
            "ttl",
            "--pattern",
            "ro:*",
            "--only-persistent",
            "--set",
            "1h",
            "--dry-run",
        ],
        vec!["tag-invalidate", "ro-tag", "--dry-run"],
        vec!["warm", &warm_path, "--dry-run"],
    ];
    for args in cases {
        let before = errors(&replica);
        let out = cachectl()
            .arg("--url")
            .arg(replica.url())
            .arg("--json")
            .args(&args)
            .timeout(std::time::Duration::from_secs(30))
            .output()
            .expect("run cachectl");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        json(&out);
        assert_eq!(
            errors(&replica),
            before,
            "{args:?}: the replica refused something (a write was sent)"
        );
    }
    // The keyspace report comes from the replica and matches the primary.
    let out = cachectl()
        .arg("--url")
        .arg(replica.url())
        .args(["--json", "stats", "--scan"])
        .output()
        .expect("run cachectl");
    assert_eq!(json(&out)["keyspace"]["keys"], keys, "{}", stderr(&out));
    // The measure sees a write the replica refused.
    let before = errors(&replica);
    let out = cachectl()
        .arg("--url")
        .arg(replica.url())
        .args(["set", "ro:x", "v"])
        .output()
        .expect("run cachectl");
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    if crate::common::build::server_build().at_least(6, 2) {
        assert!(errors(&replica) > before, "READONLY replies are counted");
    }
    assert_eq!(primary.dbsize(), keys, "nothing changed");
    assert_eq!(primary.cli(&["TTL", "ro:persist"]), "-1");
    assert_eq!(primary.cli(&["GET", "ro:lock"]), "tok-123");
}
