//! Security: secrets stay out of output and child command lines, TLS warnings,
//! and the forbidden commands never reach the server.

use crate::common::{cachectl, RedisServer, TlsOpts};
use crate::fixtures::{json, keys, load, run, stderr};

const SECRET: &str = "s3cr3t-Pa55";

#[test]
fn secrets_never_appear_in_output() {
    let s = RedisServer::start_with_password(SECRET);
    let wrong = "wr0ng-Pa55";
    let with_wrong = s.url_with_auth(None, wrong);
    for args in [
        vec!["--url", with_wrong.as_str(), "get", "k"],
        vec![
            "--url",
            with_wrong.as_str(),
            "--json",
            "scan-delete",
            "x*",
            "--yes",
        ],
        vec!["--url", with_wrong.as_str(), "stats"],
    ] {
        let out = cachectl().args(&args).output().expect("run");
        assert_eq!(out.status.code(), Some(3));
        let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
        assert!(!all.contains(wrong), "{args:?}: {all}");
    }
    let out = cachectl()
        .args(["--url", &s.url(), "-a", wrong, "get", "k"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(3));
    assert!(!stderr(&out).contains(wrong), "{}", stderr(&out));
    // A right password works and is not echoed either.
    let good = s.url_with_auth(None, SECRET);
    let out = run(&good, &["--json", "stats"]);
    assert!(out.status.success());
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
    assert!(!all.contains(SECRET), "{all}");
}

#[test]
fn children_never_see_the_password_on_a_command_line() {
    let s = RedisServer::start_with_password(SECRET);
    // CMD prints its own command line and its parent's (cachectl's).
    let show = "tr '\\0' ' ' < /proc/$$/cmdline; echo; tr '\\0' ' ' < /proc/$PPID/cmdline";
    for sub in [
        vec!["lock", "run", "sec:lock", "--ttl", "5s", "--"],
        vec!["remember", "sec:rm", "--ttl", "5s", "--"],
    ] {
        let out = cachectl()
            .args(["--url", &s.url()])
            .args(&sub)
            .args(["sh", "-c", show])
            .env("REDISCLI_AUTH", SECRET)
            .output()
            .expect("run");
        assert!(out.status.success(), "{sub:?}: {}", stderr(&out));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("cachectl"), "saw the parent: {text}");
        assert!(!text.contains(SECRET), "{sub:?}: {text}");
    }
}

#[test]
fn insecure_tls_works_with_a_warning() {
    crate::require_tls!();
    let (s, _files) = RedisServer::start_tls(TlsOpts::default());
    let out = run(&s.url(), &["--insecure", "--json", "stats"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("not verified"), "{}", stderr(&out));
}

#[test]
fn no_subcommand_ever_sends_keys_flushall_or_flushdb() {
    let s = RedisServer::start();
    let u = s.url();
    load(&s, &keys("sec:a:", 200), None);
    load(&s, &keys("sec:b:", 200), Some(60));
    let dir = tempfile::tempdir().expect("tempdir");
    let warm = dir.path().join("w.jsonl");
    std::fs::write(&warm, "{\"key\":\"sec:w\",\"value\":\"v\"}\n").expect("write");
    let warm = warm.to_str().expect("path");
    let runs: Vec<Vec<&str>> = vec![
        vec!["get", "sec:a:1", "sec:b:1"],
        vec!["set", "sec:s", "v", "--tag", "t"],
        vec!["ttl", "sec:a:1"],
        vec![
            "ttl",
            "--pattern",
            "sec:a:*",
            "--only-persistent",
            "--set",
            "1h",
            "--yes",
        ],
        vec!["scan-delete", "sec:b:*", "--yes"],
        vec!["scan-delete", "*", "--all", "--dry-run"],
        vec!["flush-prefix", "sec:a:", "--yes"],
        vec!["tag-invalidate", "t", "--yes"],
        vec!["remember", "sec:r", "--ttl", "1m", "--", "echo", "x"],
        vec!["lock", "acquire", "sec:l", "--ttl", "1m"],
        vec!["lock", "list"],
        vec!["lock", "break", "sec:l", "--yes"],
        vec!["lock", "run", "sec:l", "--ttl", "1s", "--", "true"],
        vec!["warm", warm],
        vec!["stats", "--scan", "--latency", "5"],
        vec!["stats", "--sample", "10"],
    ];
    for r in &runs {
        let out = cachectl()
            .arg("--url")
            .arg(&u)
            .args(r)
            .output()
            .expect("run");
        assert!(out.status.success(), "{r:?}: {}", stderr(&out));
    }
    let stats = s.info("commandstats");
    for forbidden in ["cmdstat_keys:", "cmdstat_flushall:", "cmdstat_flushdb:"] {
        assert!(!stats.contains(forbidden), "{forbidden} was sent:\n{stats}");
    }
    assert!(
        stats.contains("cmdstat_scan:"),
        "the work went through SCAN"
    );
    let v = json(&run(&u, &["--json", "stats"]));
    assert!(v["server"]["keys"].as_u64().is_some());
}
