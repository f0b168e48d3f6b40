//! Sentinel: the master found through real sentinels (URL and flags), their
//! own auth, clear failures, and `SENTINEL FAILOVER` in the middle of bulk work.

use std::time::Duration;

use crate::common::sentinel::SentinelSetup;
use crate::common::{cachectl, finish, wait_until};
use crate::fixtures::{json, keys, load, spawn, stderr};

#[test]
fn url_and_flags_reach_the_master_and_never_the_replica() {
    let s = SentinelSetup::start();
    let out = cachectl()
        .args(["--url", &s.url(), "set", "sn:k", "v1"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    let master = s.master();
    assert_eq!(master.cli(&["GET", "sn:k"]), "v1");

    let out = cachectl()
        .args(s.flags())
        .args(["get", "sn:k"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("v1"));

    // The database in the URL is the data node's.
    let url = format!("{}/3", s.url());
    let out = cachectl()
        .args(["--url", &url, "set", "sn:db", "x"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(master.cli(&["-n", "3", "GET", "sn:db"]), "x");
}

#[test]
fn sentinel_auth_is_apart_from_the_data_nodes() {
    let s = SentinelSetup::start_with_auth(Some("sent-SECRET"), Some("data-SECRET"));
    // URL user info: the sentinels'; --pass: the data node's.
    let out = cachectl()
        .args([
            "--url",
            &s.url_with(":sent-SECRET@"),
            "--pass",
            "data-SECRET",
        ])
        .args(["set", "sa:k", "v"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(s.master().cli(&["GET", "sa:k"]), "v");

    let out = cachectl()
        .args(s.flags())
        .args(["--sentinel-pass", "sent-SECRET"])
        .env("REDISCLI_AUTH", "data-SECRET")
        .args(["--json", "get", "sa:k"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    // An ACL user on the sentinels: --sentinel-user with --sentinel-pass
    // (sentinels have ACL users from 6.2 on).
    if crate::common::build::server_build().has_config_7()
        || crate::common::build::server_build().at_least(6, 2)
    {
        for i in 0..3 {
            let ok = s.sentinel_cli(i, &["ACL", "SETUSER", "ops", "on", ">ops-SECRET", "+@all"]);
            assert_eq!(ok, "OK");
        }
        let out = cachectl()
            .args(s.flags())
            .args(["--sentinel-user", "ops", "--sentinel-pass", "ops-SECRET"])
            .args(["--pass", "data-SECRET", "get", "sa:k"])
            .output()
            .expect("run");
        assert!(out.status.success(), "{}", stderr(&out));
    }
    // Reports name the deployment by its URL, without the password.
    let out = cachectl()
        .args([
            "--url",
            &s.url_with(":sent-SECRET@"),
            "--pass",
            "data-SECRET",
        ])
        .args(["--json", "scan-delete", "sa:none:*", "--yes"])
        .output()
        .expect("run");
    let text = format!("{}{}", stderr(&out), String::from_utf8_lossy(&out.stdout));
    assert!(text.contains("redis+sentinel://***@127.0.0.1:"), "{text}");
    assert!(!text.contains("SECRET"), "{text}");

    // A wrong sentinel password: exit 3, and no password in the output.
    let out = cachectl()
        .args([
            "--url",
            &s.url_with(":wrong-SECRET@"),
            "--pass",
            "data-SECRET",
        ])
        .args(["get", "sa:k"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let text = format!("{}{}", stderr(&out), String::from_utf8_lossy(&out.stdout));
    assert!(text.contains("sentinel"), "{text}");
    assert!(!text.contains("SECRET"), "{text}");
    // The sentinels' password does not open the data node.
    let out = cachectl()
        .args(["--url", &s.url_with(":sent-SECRET@"), "get", "sa:k"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(!stderr(&out).contains("SECRET"), "{}", stderr(&out));
}

#[test]
fn a_wrong_master_name_is_exit_3_and_a_malformed_url_exit_2() {
    let s = SentinelSetup::start();
    let url = s.url().replace("/cachemaster", "/nosuchmaster");
    let out = cachectl()
        .args(["--url", &url, "get", "k"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no sentinel knows a master named 'nosuchmaster'"),
        "{}",
        stderr(&out)
    );
    // A database the master does not have is the user's to fix, at once.
    let url = format!("{}/99", s.url());
    let out = cachectl()
        .args(["--url", &url, "get", "k"])
        .timeout(Duration::from_secs(15))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("database 99"), "{}", stderr(&out));
    for bad in [
        vec!["--url", "redis+sentinel://127.0.0.1:1"],
        vec!["--url", "redis+sentinel://127.0.0.1:x/m"],
        vec!["--sentinel", "127.0.0.1:1"],
        vec!["--master", "m"],
        vec!["--url", "redis+sentinel://u:TOPSECRET@127.0.0.1:1,/m"],
    ] {
        let out = cachectl()
            .args(&bad)
            .args(["get", "k"])
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", stderr(&out));
        assert!(!stderr(&out).contains("TOPSECRET"), "{}", stderr(&out));
    }
}

#[test]
fn failover_during_scan_delete_leaves_no_match() {
    let s = SentinelSetup::start();
    let master = s.master();
    let n = 30_000;
    load(master, &keys("fo:del:", n), None);
    load(master, &keys("fo:keep:", 100), None);
    let child = spawn(
        &s.url(),
        &[
            "--json",
            "scan-delete",
            "fo:del:*",
            "--yes",
            "--rate",
            "4000",
            "--batch",
            "100",
        ],
    );
    wait_until(Duration::from_secs(30), "deleting started", || {
        master.count_matching("fo:del:*") < n
    });
    let old = s.start_failover();
    let new = s.wait_failed_over(old);
    let out = finish(child, Duration::from_secs(120));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_ne!(new.port, old);
    assert_eq!(new.count_matching("fo:del:*"), 0, "every match gone");
    assert_eq!(new.count_matching("fo:keep:*"), 100);
    json(&out);
}

#[test]
fn failover_during_warm_writes_every_line() {
    let s = SentinelSetup::start();
    let master = s.master();
    let dir = tempfile::tempdir().expect("tempdir");
    let n = 200_000;
    let text: String = (0..n)
        .map(|i| format!("{{\"key\":\"fw:{i}\",\"value\":\"v{i}\"}}\n"))
        .collect();
    let file = dir.path().join("w.jsonl");
    std::fs::write(&file, text).expect("write");
    let file = file.to_str().expect("path").to_string();
    let child = spawn(
        &s.url(),
        &[
            "--json",
            "warm",
            &file,
            "--batch",
            "100",
            "--in-flight",
            "1",
        ],
    );
    wait_until(Duration::from_secs(30), "writing started", || {
        master.dbsize() > 1000
    });
    let old = s.start_failover();
    let at_failover = s.server(old).dbsize();
    let new = s.wait_failed_over(old);
    let out = finish(child, Duration::from_secs(180));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        at_failover < n as u64,
        "the failover began during the run ({at_failover} keys written by then)"
    );
    assert_eq!(new.dbsize(), n as u64, "every line written");
    assert_eq!(new.cli(&["GET", "fw:199999"]), "v199999");
    assert_eq!(json(&out)["written"], n);
}

#[test]
fn work_that_must_not_run_twice_fails_clearly_on_a_failover() {
    let s = SentinelSetup::start();
    let master = s.master();
    // Held by someone else, so `lock acquire --wait` keeps trying.
    let r = master.call(&[b"SET", b"fl:lock", b"foreign-token", b"PX", b"600000"]);
    assert!(r.is_ok(), "{r:?}");
    let child = spawn(
        &s.url(),
        &[
            "lock", "acquire", "fl:lock", "--ttl", "10s", "--wait", "90s",
        ],
    );
    wait_until(
        Duration::from_secs(30),
        "cachectl trying to acquire",
        || master.info("commandstats").contains("cmdstat_eval"),
    );
    let old = s.start_failover();
    s.wait_failed_over(old);
    let out = finish(child, Duration::from_secs(120));
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not safe to run twice"),
        "{}",
        stderr(&out)
    );
}

/// A password typed into a `--sentinel` value is never echoed in the error.
#[test]
fn a_password_in_a_sentinel_flag_is_never_echoed() {
    for value in ["sentu:S3CRETX@127.0.0.1:1", "S3CRETX@127.0.0.1:1"] {
        let out = cachectl()
            .args(["--sentinel", value, "--master", "m", "get", "k"])
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{value}");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!text.contains("S3CRETX"), "{value}: {text}");
    }
}
