//! Ends the user chose are not errors: Ctrl-C prints the summary and exits
//! 130 without an "error:" line.

use std::time::Duration;

use crate::common::{send_signal, wait_until, RedisServer};
use crate::fixtures::{keys, load, spawn};

#[test]
fn ctrl_c_is_a_normal_end_without_an_error_line() {
    let s = RedisServer::start();
    load(&s, &keys("ux:k:", 5000), None);
    let mut child = spawn(
        &s.url(),
        &[
            "--json",
            "scan-delete",
            "ux:k:*",
            "--yes",
            "--rate",
            "200",
            "--batch",
            "10",
        ],
    );
    wait_until(Duration::from_secs(20), "some keys deleted", || {
        s.dbsize() < 5000
    });
    assert!(send_signal(child.id(), "INT"));
    wait_until(Duration::from_secs(20), "exit after SIGINT", || {
        child.try_wait().ok().flatten().is_some()
    });
    let out = child.wait_with_output().expect("output");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{err}");
    assert!(!err.contains("error"), "an error line after Ctrl-C: {err}");
    assert!(err.contains("Ctrl-C"), "says why it stopped: {err}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("summary is JSON");
    assert_eq!(v["interrupted"], true, "{v}");
}

#[test]
fn a_ttl_change_reports_the_distribution_before_and_after() {
    let s = RedisServer::start();
    load(&s, &keys("tba:none:", 10), None);
    load(&s, &keys("tba:hour:", 5), Some(3600));
    let args = [
        "ttl",
        "--pattern",
        "tba:*",
        "--only-persistent",
        "--set",
        "30s",
        "--yes",
    ];
    let out = crate::common::cachectl()
        .args(["--url", &s.url(), "--json"])
        .args(args)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["distribution"]["no_ttl"], 10, "{v}");
    assert_eq!(v["distribution"]["lt_1h"], 5, "{v}");
    assert_eq!(v["after"]["no_ttl"], 0, "{v}");
    assert_eq!(v["after"]["lt_1m"], 10, "{v}");
    assert_eq!(
        v["after"]["lt_1h"], 5,
        "the keys with a TTL kept theirs: {v}"
    );
    // A second run has nothing left to change; its plain form says both.
    let out = crate::common::cachectl()
        .args(["--url", &s.url()])
        .args(args)
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("lt_1m\t10\n"), "{text}");
    assert!(text.contains("after_lt_1m\t10\n"), "{text}");
    assert!(text.contains("changed\t0\n"), "{text}");
}

#[test]
fn plain_ttl_of_a_key_carries_its_unit() {
    let s = RedisServer::start();
    s.cli(&["SET", "unit:k", "v", "PX", "90000"]);
    s.cli(&["SET", "unit:p", "v"]);
    let out = crate::common::cachectl()
        .args(["--url", &s.url(), "ttl", "unit:k", "unit:p"])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.lines().next().unwrap_or_default();
    let ms: u64 = first
        .strip_prefix("unit:k\t")
        .and_then(|v| v.strip_suffix("ms"))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("not `key<TAB><n>ms`: {text}"));
    assert!((80_000..=90_000).contains(&ms), "{text}");
    assert!(text.contains("unit:p\tpersistent\n"), "{text}");
}

#[test]
fn the_after_distribution_matches_what_redis_then_holds_at_bucket_edges() {
    let s = RedisServer::start();
    for (set, bucket) in [("1m", "lt_1m"), ("1h", "lt_1h"), ("1d", "lt_1d")] {
        s.cli(&["FLUSHALL"]);
        load(&s, &keys("edge:", 20), None);
        let out = crate::common::cachectl()
            .args([
                "--url",
                &s.url(),
                "--json",
                "ttl",
                "--pattern",
                "edge:*",
                "--set",
                set,
                "--yes",
            ])
            .output()
            .expect("run");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert_eq!(v["after"][bucket], 20, "--set {set}: {v}");
        let out = crate::common::cachectl()
            .args(["--url", &s.url(), "--json", "ttl", "--pattern", "edge:*"])
            .output()
            .expect("run");
        let now: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert_eq!(now["distribution"][bucket], 20, "--set {set}: {now}");
    }
}

#[test]
fn a_user_who_may_read_but_not_change_still_gets_the_distribution() {
    let s = RedisServer::start_with_acl(
        "reader",
        "pw",
        &[
            "~*", "+@read", "+scan", "+info", "+ping", "+hello", "+client", "+cluster", "+command",
        ],
    );
    load(&s, &keys("ro:none:", 10), None);
    load(&s, &keys("ro:ttl:", 5), Some(500));
    let out = crate::common::cachectl()
        .args(["--url", &s.url_with_auth(Some("reader"), "pw"), "--json"])
        .args(["ttl", "--pattern", "ro:*", "--set", "1h", "--yes"])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["denied"], 15, "{v}");
    assert_eq!(
        v["distribution"]["no_ttl"], 10,
        "the keys could be read: {v}"
    );
    assert_eq!(v["distribution"]["lt_1h"], 5, "{v}");
    assert_eq!(v["after"], v["distribution"], "nothing changed: {v}");
    assert_eq!(v["changed"], 0, "{v}");
}

#[test]
fn redis_url_in_the_environment_does_not_block_sentinel_flags() {
    let out = crate::common::cachectl()
        .env("REDIS_URL", "redis://127.0.0.1:1")
        .args([
            "--sentinel",
            "127.0.0.1:1",
            "--master",
            "m",
            "--timeout",
            "1s",
            "get",
            "k",
        ])
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("does not go with"), "{err}");
    assert_eq!(
        out.status.code(),
        Some(3),
        "the sentinel is asked (and is not there): {err}"
    );
}

#[test]
fn ctrl_c_while_warm_validates_prints_the_summary_and_writes_nothing() {
    let s = RedisServer::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("big.jsonl");
    let mut text = String::with_capacity(60 << 20);
    for i in 0..1_500_000 {
        text.push_str(&format!("{{\"key\": \"v:{i}\", \"value\": \"x\"}}\n"));
    }
    std::fs::write(&path, text).expect("write");
    let mut child = spawn(
        &s.url(),
        &["--json", "warm", path.to_str().unwrap_or_default()],
    );
    // Validation reads the whole file before anything is written: signal it
    // once the process catches SIGINT, while it is still validating.
    let pid = child.id();
    wait_until(Duration::from_secs(20), "SIGINT is caught", || {
        catches_sigint(pid)
    });
    assert!(send_signal(pid, "INT"));
    wait_until(Duration::from_secs(30), "exit after SIGINT", || {
        child.try_wait().ok().flatten().is_some()
    });
    let out = child.wait_with_output().expect("output");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{err}");
    assert!(err.contains("stopped by Ctrl-C"), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("summary is JSON");
    assert_eq!(v["written"], 0, "{v}");
    assert_eq!(s.dbsize(), 0, "nothing written during validation");
}

/// Whether the process has a handler for SIGINT (`SigCgt` in /proc).
fn catches_sigint(pid: u32) -> bool {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("SigCgt:"))
        .and_then(|hex| u64::from_str_radix(hex.trim(), 16).ok())
        .is_some_and(|mask| mask & (1 << 1) != 0)
}

#[test]
fn redlock_with_too_few_nodes_answering_is_exit_3_never_free_or_not_held() {
    let nodes: Vec<String> = (0..3)
        .map(|_| format!("redis://127.0.0.1:{}", crate::common::free_port()))
        .collect();
    let mut node_args = Vec::new();
    for n in &nodes {
        node_args.extend(["--node", n.as_str()]);
    }
    let token = "0123456789abcdef0123456789abcdef";
    let cases: Vec<Vec<&str>> = vec![
        vec!["lock", "status", "rl:x"],
        vec!["lock", "acquire", "rl:x", "--ttl", "10s"],
        vec!["lock", "release", "rl:x", "--token", token],
        vec!["lock", "extend", "rl:x", "--token", token, "--ttl", "10s"],
    ];
    for case in cases {
        let out = crate::common::cachectl()
            .args(["--timeout", "1s"])
            .args(&case)
            .args(&node_args)
            .output()
            .expect("run");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{case:?}: {err}");
        assert!(err.contains("answered"), "{case:?} says why: {err}");
    }
}

#[test]
fn askpass_asks_only_after_the_commands_own_flags_are_checked() {
    let cases: [&[&str]; 3] = [
        &["ttl", "k", "--at", "2001-01-01T00:00:00Z"],
        &["lock", "acquire", "x", "--ttl", "1m", "--fence-ttl", "1s"],
        &["warm", "/nonexistent/input.jsonl"],
    ];
    for case in cases {
        let out = crate::common::cachectl()
            .args(["--url", "redis://127.0.0.1:1", "--askpass"])
            .args(case)
            .output()
            .expect("run");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{case:?}: {err}");
        assert!(
            !err.contains("askpass"),
            "{case:?}: the flag error comes first, no prompt: {err}"
        );
    }
}

/// Calls of `cmd` in INFO commandstats.
fn calls(s: &RedisServer, cmd: &str) -> u64 {
    s.info("commandstats")
        .lines()
        .find(|l| l.starts_with(&format!("cmdstat_{cmd}:")))
        .and_then(|l| l.split("calls=").nth(1))
        .and_then(|v| v.split(',').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

#[test]
fn a_latency_budget_is_measured_by_a_probe_of_its_own_and_deletes_every_match() {
    let s = RedisServer::start();
    load(&s, &keys("probe:", 10_000), None);
    let before = calls(&s, "ping");
    let out = crate::common::cachectl()
        .args([
            "--url",
            &s.url(),
            "--json",
            "scan-delete",
            "probe:*",
            "--yes",
        ])
        .args(["--rate", "10000", "--max-latency", "50ms"])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["deleted"], 10_000, "{v}");
    assert_eq!(s.dbsize(), 0);
    // About a second of work at --rate 10000: the probe pinged all along.
    assert!(
        calls(&s, "ping") - before >= 10,
        "the neighbour probe sent its PINGs"
    );
}
