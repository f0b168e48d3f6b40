//! A closed stdout (`| head -1`, `| grep -q`) never changes the exit code, and a
//! result that could not be delivered (a lock token) is undone.

use std::process::{Output, Stdio};

use crate::common::{cachectl_std, RedisServer};
use crate::fixtures::{keys, load, stderr};

/// Run cachectl with stdout a pipe whose read end is already closed: its first
/// write fails with EPIPE.
fn closed_stdout(url: &str, args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    cachectl_std()
        .arg("--url")
        .arg(url)
        .args(args)
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("run cachectl")
}

#[test]
fn a_closed_stdout_keeps_the_exit_code() {
    let s = RedisServer::start();
    s.cli(&["SET", "out:k", "v"]);
    let out = closed_stdout(&s.url(), &["get", "out:missing"]);
    assert_eq!(out.status.code(), Some(1), "missing key: {}", stderr(&out));
    let out = closed_stdout(&s.url(), &["get", "out:k", "out:missing"]);
    assert_eq!(out.status.code(), Some(1), "one missing: {}", stderr(&out));
    let out = closed_stdout(&s.url(), &["--json", "ttl", "out:missing"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let out = closed_stdout(&s.url(), &["set", "out:k", "w", "--nx"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // Success stays success: the reader only stopped reading.
    let out = closed_stdout(&s.url(), &["get", "out:k"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn a_closed_stdout_keeps_a_denied_scan_delete_at_3() {
    let s = RedisServer::start_with_acl("cache", "cache-pw", &["~cache:*", "+@all"]);
    load(&s, &keys("cache:", 50), None);
    load(&s, &keys("secret:", 20), None);
    let url = s.url_with_auth(Some("cache"), "cache-pw");
    let out = closed_stdout(&url, &["scan-delete", "*", "--all", "--yes"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let out = closed_stdout(&url, &["--json", "scan-delete", "*", "--all", "--yes"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
}

#[test]
fn a_lock_token_nobody_received_is_released() {
    let s = RedisServer::start();
    for json in [false, true] {
        let mut args = vec!["lock", "acquire", "out:lock", "--ttl", "1h"];
        if json {
            args.insert(0, "--json");
        }
        let out = closed_stdout(&s.url(), &args);
        assert_ne!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(stderr(&out).contains("released"), "{}", stderr(&out));
        assert_eq!(
            s.cli(&["EXISTS", "out:lock"]),
            "0",
            "no lock held by a token nobody has"
        );
    }
}
