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
