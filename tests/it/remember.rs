//! remember: hit / miss / failure, single flight across processes, XFetch.

use std::time::{Duration, Instant};

use crate::common::{cachectl, RedisCluster, RedisServer};
use crate::fixtures::{json, run, spawn, stderr};

/// A shell command that counts its runs in `file` and prints `value`.
fn counting(file: &std::path::Path, value: &str, sleep: &str) -> String {
    format!(
        "echo run >> {}; sleep {sleep}; printf '%s' '{value}'",
        file.display()
    )
}

fn runs(file: &std::path::Path) -> usize {
    std::fs::read_to_string(file)
        .map(|s| s.lines().count())
        .unwrap_or(0)
}

#[test]
fn miss_computes_and_hit_does_not_run_the_command() {
    let s = RedisServer::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("runs");
    let sh = counting(&file, "result-1", "0");
    let out = run(
        &s.url(),
        &["remember", "rm:k", "--ttl", "1m", "--", "sh", "-c", &sh],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(out.stdout, b"result-1");
    let out = run(
        &s.url(),
        &[
            "--json", "remember", "rm:k", "--ttl", "1m", "--", "sh", "-c", &sh,
        ],
    );
    let v = json(&out);
    assert_eq!(v["hit"], true);
    assert_eq!(v["value"], "result-1");
    assert_eq!(runs(&file), 1, "a hit does not run CMD");
    let ttl: i64 = s.cli(&["PTTL", "rm:k"]).parse().expect("pttl");
    assert!(ttl > 50_000 && ttl <= 60_000);
    assert_eq!(
        s.cli(&["GET", "rm:k"]),
        "result-1",
        "the value is the plain bytes"
    );
}

#[test]
fn binary_output_is_cached_exactly_and_forever_has_no_ttl() {
    let s = RedisServer::start();
    let out = run(
        &s.url(),
        &[
            "remember",
            "rm:bin",
            "--forever",
            "--",
            "printf",
            "a\\000b\\377\\n",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(out.stdout, b"a\0b\xff\n");
    assert_eq!(
        s.call(&[b"GET", b"rm:bin"]).as_bytes(),
        Some(&b"a\0b\xff\n"[..])
    );
    assert_eq!(s.cli(&["PTTL", "rm:bin"]), "-1");
}

#[test]
fn failing_command_caches_nothing_and_passes_its_status_and_stderr() {
    let s = RedisServer::start();
    let out = run(
        &s.url(),
        &[
            "remember",
            "rm:fail",
            "--ttl",
            "1m",
            "--",
            "sh",
            "-c",
            "echo boom >&2; echo partial; exit 7",
        ],
    );
    assert_eq!(out.status.code(), Some(7));
    assert!(stderr(&out).contains("boom"), "{}", stderr(&out));
    assert!(
        out.stdout.is_empty(),
        "nothing printed for a failed compute"
    );
    assert_eq!(
        s.dbsize(),
        0,
        "nothing cached, lock released: {}",
        s.cli(&["KEYS", "*"])
    );
}

#[test]
fn concurrent_misses_compute_once_and_print_the_same_value() {
    let s = RedisServer::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("runs");
    let sh = counting(&file, "shared-value", "0.5");
    let children: Vec<_> = (0..10)
        .map(|_| {
            spawn(
                &s.url(),
                &[
                    "remember",
                    "rm:flight",
                    "--ttl",
                    "1m",
                    "--",
                    "sh",
                    "-c",
                    &sh,
                ],
            )
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().expect("wait");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.stdout, b"shared-value");
    }
    assert_eq!(runs(&file), 1, "CMD ran once for 10 concurrent misses");
}

#[test]
fn compute_longer_than_the_lock_ttl_still_runs_once() {
    let s = RedisServer::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("runs");
    let sh = counting(&file, "slow", "1.2");
    let children: Vec<_> = (0..4)
        .map(|_| {
            spawn(
                &s.url(),
                &[
                    "remember",
                    "rm:slow",
                    "--ttl",
                    "1m",
                    "--lock-ttl",
                    "300ms",
                    "--",
                    "sh",
                    "-c",
                    &sh,
                ],
            )
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().expect("wait");
        assert_eq!(
            out.stdout,
            b"slow",
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(runs(&file), 1, "the lock was kept alive while CMD ran");
}

#[test]
fn waiting_is_bounded() {
    let s = RedisServer::start();
    s.cli(&[
        "SET",
        "{rm:busy}:cachectl:lock",
        "someone-else",
        "PX",
        "20000",
    ]);
    let t0 = Instant::now();
    let out = run(
        &s.url(),
        &[
            "remember", "rm:busy", "--ttl", "1m", "--wait", "300ms", "--", "echo", "x",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(t0.elapsed() < Duration::from_secs(5));
    assert!(stderr(&out).contains("--wait"), "{}", stderr(&out));
}

#[test]
fn xfetch_recomputes_before_expiry_only_with_beta() {
    let s = RedisServer::start();
    let dir = tempfile::tempdir().expect("tempdir");
    // beta = 0: many hits, never a recomputation.
    let file0 = dir.path().join("runs0");
    let sh0 = counting(&file0, "v", "0.2");
    for _ in 0..15 {
        let out = run(
            &s.url(),
            &[
                "remember", "rm:x0", "--ttl", "3s", "--beta", "0", "--", "sh", "-c", &sh0,
            ],
        );
        assert!(out.status.success());
    }
    assert_eq!(runs(&file0), 1);
    // beta = 50 with a 200 ms compute: recomputation becomes likely long before expiry.
    let file = dir.path().join("runs");
    let sh = counting(&file, "v", "0.2");
    let started = Instant::now();
    let mut early = false;
    while started.elapsed() < Duration::from_millis(2500) {
        let out = run(
            &s.url(),
            &[
                "--json", "remember", "rm:x", "--ttl", "3s", "--beta", "50", "--", "sh", "-c", &sh,
            ],
        );
        let v = json(&out);
        if v["early"] == true {
            early = true;
            break;
        }
    }
    assert!(early, "no early recomputation within 2.5 s of a 3 s TTL");
    assert_eq!(runs(&file), 2);
    assert_ne!(s.cli(&["EXISTS", "rm:x"]), "0");
}

#[test]
fn remember_on_a_cluster() {
    let c = RedisCluster::start();
    let out = run(
        &c.url(),
        &[
            "remember",
            "rm:cl",
            "--ttl",
            "1m",
            "--",
            "echo",
            "clustered",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = cachectl()
        .args([
            "--url",
            &c.url(),
            "--json",
            "remember",
            "rm:cl",
            "--ttl",
            "1m",
            "--",
            "false",
        ])
        .output()
        .expect("run");
    assert_eq!(json(&out)["hit"], true);
    assert_eq!(c.cli_c(&["GET", "rm:cl"]), "clustered");
}

#[test]
fn a_command_that_cannot_start_is_127_or_126_and_leaves_no_lock() {
    let s = RedisServer::start();
    let out = run(
        &s.url(),
        &[
            "remember",
            "rm:nocmd",
            "--ttl",
            "1m",
            "--lock-ttl",
            "1h",
            "--",
            "cachectl-no-such-command",
        ],
    );
    assert_eq!(out.status.code(), Some(127), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cachectl-no-such-command") && stderr(&out).contains("not found"),
        "{}",
        stderr(&out)
    );
    assert_eq!(s.dbsize(), 0, "no lock left: {}", s.cli(&["KEYS", "*"]));
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("not-executable");
    std::fs::write(&script, "#!/bin/sh\necho hi\n").expect("write");
    let out = run(
        &s.url(),
        &[
            "remember",
            "rm:noexec",
            "--ttl",
            "1m",
            "--lock-ttl",
            "1h",
            "--",
            script.to_str().expect("utf-8 path"),
        ],
    );
    assert_eq!(out.status.code(), Some(126), "{}", stderr(&out));
    assert_eq!(s.dbsize(), 0, "no lock left: {}", s.cli(&["KEYS", "*"]));
    // The next caller computes at once instead of waiting for a false lock.
    let out = run(
        &s.url(),
        &[
            "remember", "rm:nocmd", "--ttl", "1m", "--wait", "0s", "--", "echo", "ok",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_background_process_holding_stdout_fails_the_compute_and_frees_the_lock() {
    let s = RedisServer::start();
    let out = run(
        &s.url(),
        &[
            "remember",
            "rm:bg",
            "--ttl",
            "1m",
            "--lock-ttl",
            "1h",
            "--",
            "sh",
            "-c",
            "sleep 30 & echo partial",
        ],
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("background"), "{}", stderr(&out));
    assert_eq!(
        s.dbsize(),
        0,
        "nothing cached, no lock left: {}",
        s.cli(&["KEYS", "*"])
    );
}

#[test]
fn a_command_killed_by_a_signal_exits_128_plus_the_signal() {
    let s = RedisServer::start();
    let out = run(
        &s.url(),
        &[
            "remember",
            "rm:sig",
            "--ttl",
            "1m",
            "--",
            "sh",
            "-c",
            "kill -9 $$",
        ],
    );
    assert_eq!(out.status.code(), Some(137), "{}", stderr(&out));
    assert_eq!(s.dbsize(), 0, "{}", s.cli(&["KEYS", "*"]));
}

#[test]
fn a_large_value_is_cached_and_printed_exactly() {
    let s = RedisServer::start();
    // 24 MiB of a non-repeating byte pattern.
    let sh = "for c in a b c d e f g h i j k l m n o p q r s t u v w x; do head -c 1048576 /dev/zero | tr '\\0' $c; done";
    let out = run(
        &s.url(),
        &["remember", "rm:big", "--ttl", "1m", "--", "sh", "-c", sh],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(out.stdout.len(), 24 << 20);
    let stored = s.call(&[b"GET", b"rm:big"]);
    assert_eq!(stored.as_bytes(), Some(&out.stdout[..]));
    let again = run(
        &s.url(),
        &["remember", "rm:big", "--ttl", "1m", "--", "false"],
    );
    assert!(again.status.success(), "a hit: {}", stderr(&again));
    assert_eq!(again.stdout, out.stdout);
}

#[test]
fn remember_command_and_its_children_die_with_a_killed_cachectl() {
    let s = RedisServer::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let sh = format!(
        "echo $$ > {0}/pid; sleep 30 & echo $! > {0}/bg; wait",
        dir.path().display()
    );
    let mut child = spawn(
        &s.url(),
        &[
            "remember",
            "rm:orphan",
            "--ttl",
            "1m",
            "--",
            "sh",
            "-c",
            &sh,
        ],
    );
    crate::common::wait_until(Duration::from_secs(10), "CMD started", || {
        dir.path().join("bg").exists() && dir.path().join("pid").exists()
    });
    let pid = |f: &str| {
        std::fs::read_to_string(dir.path().join(f))
            .expect("pid")
            .trim()
            .to_string()
    };
    let (cmd_pid, bg_pid) = (pid("pid"), pid("bg"));
    assert!(crate::common::send_signal(child.id(), "KILL"));
    child.wait().expect("wait");
    let running = |p: &str| {
        std::fs::read_to_string(format!("/proc/{p}/stat"))
            .ok()
            .and_then(|s| {
                s.rsplit_once(')')
                    .map(|(_, r)| r.trim_start().starts_with('Z'))
            })
            .is_some_and(|zombie| !zombie)
    };
    crate::common::wait_until(Duration::from_secs(10), "CMD and its child gone", || {
        !running(&cmd_pid) && !running(&bg_pid)
    });
}

#[test]
fn an_interrupted_compute_caches_nothing_and_frees_the_lock() {
    let s = RedisServer::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let sh = format!("echo $$ > {}/pid; exec sleep 30", dir.path().display());
    let child = spawn(
        &s.url(),
        &[
            "remember",
            "rm:int",
            "--ttl",
            "1m",
            "--lock-ttl",
            "1h",
            "--",
            "sh",
            "-c",
            &sh,
        ],
    );
    crate::common::wait_until(Duration::from_secs(10), "CMD started", || {
        dir.path().join("pid").exists()
    });
    assert!(crate::common::send_signal(child.id(), "TERM"));
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert_eq!(s.dbsize(), 0, "{}", s.cli(&["KEYS", "*"]));
}

#[test]
fn a_failed_early_recompute_still_serves_the_hit_and_frees_the_lock() {
    let s = RedisServer::start();
    // A value near expiry with a long recorded compute time: XFetch is all but
    // certain to recompute early with this beta.
    s.cli(&["SET", "rm:early", "cached", "PX", "60000"]);
    s.cli(&[
        "SET",
        "{rm:early}:cachectl:meta",
        "100000000",
        "PX",
        "60000",
    ]);
    let out = run(
        &s.url(),
        &[
            "remember",
            "rm:early",
            "--ttl",
            "1m",
            "--beta",
            "1000",
            "--",
            "cachectl-no-such-command",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(out.stdout, b"cached");
    assert!(stderr(&out).contains("not found"), "{}", stderr(&out));
    assert_eq!(s.cli(&["EXISTS", "{rm:early}:cachectl:lock"]), "0");
}

/// The server drops the connection when the value is too large to store
/// (`proto-max-bulk-len`): the lock must still be freed, over a new connection.
#[test]
fn a_store_that_drops_the_connection_still_frees_the_lock() {
    let s = RedisServer::start_with(&["--proto-max-bulk-len", "1mb"]);
    let out = run(
        &s.url(),
        &[
            "remember",
            "rm:big",
            "--ttl",
            "1m",
            "--",
            "head",
            "-c",
            "2000000",
            "/dev/zero",
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_eq!(s.cli(&["EXISTS", "rm:big"]), "0", "nothing cached");
    assert_eq!(
        s.cli(&["EXISTS", "{rm:big}:cachectl:lock"]),
        "0",
        "the single-flight lock is gone"
    );
}
