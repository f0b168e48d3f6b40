//! Load: many concurrent processes mixing remember, lock run and
//! ratelimit-test against one server end with consistent results.

use crate::common::RedisServer;
use crate::fixtures::spawn;

#[test]
fn fifty_mixed_processes_stay_consistent() {
    let s = RedisServer::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let computes = dir.path().join("computes");
    let log = dir.path().join("lock.log");
    let compute = format!(
        "echo x >> {}; sleep 0.3; printf computed",
        computes.display()
    );
    let critical = format!(
        "echo start $$ >> {0}; sleep 0.02; echo end $$ >> {0}",
        log.display()
    );
    let limiter: &[&str] = &[
        "--json",
        "ratelimit-test",
        "load:rl",
        "--limit",
        "20",
        "--window",
        "1m",
        "--requests",
        "5",
    ];
    let mut children = Vec::new();
    for i in 0..50 {
        let child = match i % 3 {
            0 => spawn(
                &s.url(),
                &[
                    "remember", "load:r", "--ttl", "1m", "--wait", "60s", "--", "sh", "-c",
                    &compute,
                ],
            ),
            1 => spawn(
                &s.url(),
                &[
                    "lock", "run", "load:l", "--ttl", "5s", "--wait", "60s", "--", "sh", "-c",
                    &critical,
                ],
            ),
            _ => spawn(&s.url(), limiter),
        };
        children.push((i % 3, child));
    }
    let mut allowed = 0u64;
    for (kind, child) in children {
        let out = child.wait_with_output().expect("wait");
        assert!(
            out.status.success(),
            "kind {kind}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        match kind {
            0 => assert_eq!(out.stdout, b"computed"),
            2 => allowed += count_allowed(&out.stdout),
            _ => {}
        }
    }
    let runs = std::fs::read_to_string(&computes).expect("computes");
    assert_eq!(
        runs.lines().count(),
        1,
        "single compute across 17 processes"
    );
    let text = std::fs::read_to_string(&log).expect("log");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2 * 17);
    for pair in lines.chunks(2) {
        assert!(
            pair[0].starts_with("start") && pair[1].starts_with("end"),
            "overlap:\n{text}"
        );
        assert_eq!(pair[0][6..], pair[1][4..], "overlap:\n{text}");
    }
    // 16 clients x 5 requests inside one window against a limit of 20.
    assert_eq!(
        allowed, 20,
        "never more than the limit, and the limit is reached"
    );
}

fn count_allowed(stdout: &[u8]) -> u64 {
    let v: serde_json::Value = serde_json::from_slice(stdout).expect("ratelimit-test JSON");
    v["allowed"].as_u64().expect("allowed")
}
