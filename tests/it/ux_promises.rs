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
