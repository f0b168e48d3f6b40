//! README promises that no other test held: the safety rails across every bulk
//! command (no `--yes` off a terminal, `--dry-run`, UNLINK), an interrupted
//! tag invalidation's exact count, the published message, one-line errors,
//! and more; the fault proxy injects the TRYAGAIN and CLUSTERDOWN replies.
//!
//! "Nothing changed" is checked on the server's own command statistics: after
//! `CONFIG RESETSTAT`, no write command (also none run inside a Lua script,
//! which Redis counts too) may show up.

use std::io::Read;
use std::process::{Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::proxy::{Mode, Proxy};
use crate::common::subscriber::Subscriber;
use crate::common::{cachectl_std, send_signal, wait_until, RedisServer};
use crate::fixtures::{json, keys, load, pipe_into, resp, run, spawn, stderr};

/// Commands that change the keyspace, as `INFO commandstats` names them.
const WRITES: &[&str] = &[
    "set",
    "setex",
    "psetex",
    "mset",
    "del",
    "unlink",
    "expire",
    "pexpire",
    "expireat",
    "pexpireat",
    "persist",
    "sadd",
    "srem",
    "zadd",
    "zrem",
    "zremrangebyscore",
    "hset",
    "incr",
    "incrby",
    "rename",
    "flushdb",
    "flushall",
];

/// The write commands the server ran since the last `CONFIG RESETSTAT`.
fn writes_since_reset(s: &RedisServer) -> Vec<String> {
    s.info("commandstats")
        .lines()
        .filter_map(|l| l.strip_prefix("cmdstat_")?.split(':').next())
        .filter(|name| WRITES.contains(name))
        .map(str::to_owned)
        .collect()
}

fn reset_stats(s: &RedisServer) {
    assert!(s.call(&[b"CONFIG", b"RESETSTAT"]).is_ok());
}

/// `cachectl --url URL ARGS` with stdin `/dev/null`: never a terminal.
fn off_terminal(url: &str, args: &[&str]) -> Output {
    cachectl_std()
        .arg("--url")
        .arg(url)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("run cachectl")
}

/// One of each thing the bulk commands work on: plain keys, a tag, an
/// application's lock and a rate limiter.
fn bulk_fixture(s: &RedisServer) {
    load(s, &keys("rp:k:", 20), None);
    load(s, &keys("rp:b:", 20), None);
    for i in 0..3 {
        let out = run(
            &s.url(),
            &["set", &format!("rp:t:{i}"), "v", "--tag", "rptag"],
        );
        assert!(out.status.success(), "{}", stderr(&out));
    }
    assert!(s
        .call(&[b"SET", b"rp:lock", b"app-token", b"PX", b"600000"])
        .is_ok());
    let out = run(
        &s.url(),
        &["ratelimit-test", "rp:rl", "--limit", "2", "--requests", "1"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Every bulk command of the safety rails, as a user would type it.
fn bulk_commands() -> Vec<Vec<&'static str>> {
    vec![
        vec!["scan-delete", "rp:k:*"],
        vec!["flush-prefix", "rp:b:"],
        vec!["tag-invalidate", "rptag"],
        vec!["lock", "break", "rp:lock"],
        vec!["ttl", "--pattern", "rp:k:*", "--set", "1h"],
        vec!["ratelimit-test", "rp:rl", "--reset"],
    ]
}

#[test]
fn every_bulk_command_without_yes_off_a_terminal_is_exit_2_and_writes_nothing() {
    let s = RedisServer::start();
    bulk_fixture(&s);
    let before = s.dbsize();
    for args in bulk_commands() {
        reset_stats(&s);
        let out = off_terminal(&s.url(), &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("--yes"), "{args:?}: {}", stderr(&out));
        assert_eq!(writes_since_reset(&s), Vec::<String>::new(), "{args:?}");
    }
    assert_eq!(s.dbsize(), before);
    assert_eq!(s.cli(&["GET", "rp:lock"]), "app-token");
    assert_eq!(s.cli(&["TTL", "rp:k:1"]), "-1");
}

#[test]
fn a_dry_run_of_every_bulk_command_writes_nothing_even_with_yes() {
    let s = RedisServer::start();
    bulk_fixture(&s);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("w.jsonl");
    std::fs::write(&file, "{\"key\":\"rp:w\",\"value\":\"v\",\"ttl\":60}\n").expect("write");
    let file = file.to_str().expect("path");
    let before = s.dbsize();
    let runs: Vec<Vec<&str>> = vec![
        vec!["scan-delete", "rp:k:*", "--dry-run", "--yes"],
        vec!["scan-delete", "*", "--all", "--dry-run", "--yes"],
        vec!["flush-prefix", "rp:b:", "--dry-run", "--yes"],
        vec!["tag-invalidate", "rptag", "--dry-run", "--yes"],
        vec!["lock", "break", "rp:lock", "--dry-run", "--yes"],
        vec![
            "ttl",
            "--pattern",
            "rp:k:*",
            "--set",
            "1h",
            "--dry-run",
            "--yes",
        ],
        vec!["ttl", "rp:k:1", "rp:k:2", "--persist", "--dry-run", "--yes"],
        vec!["ttl", "rp:k:1", "--set", "1h", "--dry-run", "--yes"],
        vec!["warm", file, "--dry-run"],
    ];
    for args in runs {
        reset_stats(&s);
        let out = off_terminal(&s.url(), &args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert_eq!(writes_since_reset(&s), Vec::<String>::new(), "{args:?}");
    }
    assert_eq!(s.dbsize(), before);
    assert_eq!(s.cli(&["TTL", "rp:k:1"]), "-1");
}

#[test]
fn bulk_deletes_use_unlink_never_del_keys_or_flush() {
    let s = RedisServer::start();
    bulk_fixture(&s);
    for args in bulk_commands() {
        if args[0] == "ttl" {
            continue; // changes TTLs, deletes nothing
        }
        reset_stats(&s);
        let mut args = args.clone();
        args.push("--yes");
        let out = off_terminal(&s.url(), &args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        let stats = s.info("commandstats");
        assert!(stats.contains("cmdstat_unlink:"), "{args:?}:\n{stats}");
        for forbidden in [
            "cmdstat_del:",
            "cmdstat_keys:",
            "cmdstat_flushdb:",
            "cmdstat_flushall:",
        ] {
            assert!(
                !stats.contains(forbidden),
                "{args:?} sent {forbidden}\n{stats}"
            );
        }
    }
    assert_eq!(s.dbsize(), 0, "every fixture key was deleted");
}

/// Waits for `child` (bounded) and returns its exit code, JSON stdout and stderr.
fn finish(child: std::process::Child) -> (Option<i32>, serde_json::Value, String) {
    let out = crate::common::finish(child, Duration::from_secs(60));
    (out.status.code(), json(&out), stderr(&out))
}

#[test]
fn ctrl_c_during_tag_invalidate_reports_exactly_and_leaves_no_key_untagged() {
    let s = RedisServer::start();
    let total = 20_000;
    let members = keys("rp:tm:", total);
    load(&s, &members, None);
    let mut payload = Vec::new();
    for chunk in members.chunks(1000) {
        let mut args: Vec<&[u8]> = vec![b"SADD", b"tag:big"];
        args.extend(chunk.iter().map(Vec::as_slice));
        payload.extend(resp(&args));
    }
    pipe_into(&s, &payload, total / 1000);
    let child = spawn(
        &s.url(),
        &[
            "--json",
            "tag-invalidate",
            "big",
            "--yes",
            "--rate",
            "4000",
            "--batch",
            "100",
            "--count",
            "100",
        ],
    );
    let left = || s.dbsize() - 1; // minus the tag itself
    wait_until(Duration::from_secs(20), "some members deleted", || {
        left() < total as u64 - 1000
    });
    assert!(send_signal(child.id(), "INT"));
    let (code, v, err) = finish(child);
    assert_eq!(code, Some(130), "{err}");
    let left = left();
    assert!(left > 0, "interrupted before the end");
    assert_eq!(
        v["deleted"].as_u64(),
        Some(total as u64 - left),
        "exact: {v}"
    );
    assert_eq!(
        s.cli(&["SCARD", "tag:big"]),
        left.to_string(),
        "each key still there is still tagged, and no tagged member is gone"
    );
}

#[test]
fn publish_sends_the_documented_message() {
    let s = RedisServer::start();
    for (k, t) in [("rp:p:1", "pa"), ("rp:p:2", "pa"), ("rp:p:3", "pb")] {
        assert!(run(&s.url(), &["set", k, "v", "--tag", t]).status.success());
    }
    let sub = Subscriber::start(&s, "rp-inval");
    let out = run(
        &s.url(),
        &[
            "--json",
            "tag-invalidate",
            "pa",
            "pb",
            "--yes",
            "--publish",
            "rp-inval",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let message = |t: &str| -> Option<serde_json::Value> {
        let line = t.lines().find(|l| l.starts_with('{'))?;
        serde_json::from_str(line).ok()
    };
    sub.wait_for("the message arrived", |t| message(t).is_some());
    assert_eq!(
        message(&sub.text()),
        Some(serde_json::json!({"event": "invalidate", "tags": ["pa", "pb"], "deleted": 3}))
    );
    assert_eq!(json(&out)["deleted"], 3);
}

#[test]
fn errors_are_one_line_starting_with_cachectl_error() {
    let port = crate::common::free_port();
    let url = format!("redis://127.0.0.1:{port}");
    let runs: Vec<(Vec<&str>, i32)> = vec![
        (vec!["--url", &url, "--timeout", "1s", "get", "k"], 3),
        (
            vec!["--url", &url, "ttl", "k", "--at", "2001-01-01T00:00:00Z"],
            2,
        ),
        (vec!["--url", &url, "--timeout", "soon", "get", "k"], 2),
        (
            vec!["--url", &url, "scan-delete", "x:*", "--type", "strnig"],
            2,
        ),
        (vec!["--url", &url, "no-such-subcommand"], 2),
    ];
    for (args, code) in runs {
        let out = cachectl_std()
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(code), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("cachectl: error: "), "{args:?}: {err}");
    }
}

#[test]
fn a_checkpoint_that_is_a_link_writable_by_others_or_for_another_pattern_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let s = RedisServer::start();
    load(&s, &keys("rp:cp:", 100), None);
    let dir = tempfile::tempdir().expect("tempdir");
    let real = dir.path().join("real.ckpt");
    let real_arg = real.to_str().expect("path");
    // A run stopped by --limit keeps a genuine checkpoint of this very job.
    let out = run(
        &s.url(),
        &[
            "scan-delete",
            "rp:cp:*",
            "--yes",
            "--limit",
            "10",
            "--checkpoint",
            real_arg,
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(s.dbsize(), 90);
    let content = std::fs::read_to_string(&real).expect("checkpoint kept at --limit");
    let link = dir.path().join("link.ckpt");
    std::os::unix::fs::symlink(&real, &link).expect("symlink");
    let open = dir.path().join("open.ckpt");
    std::fs::write(&open, &content).expect("write");
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o666)).expect("chmod");
    for (cp, why) in [(&link, "symbolic link"), (&open, "writable by other")] {
        let out = run(
            &s.url(),
            &[
                "scan-delete",
                "rp:cp:*",
                "--yes",
                "--checkpoint",
                cp.to_str().expect("path"),
            ],
        );
        assert_eq!(out.status.code(), Some(2), "{cp:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(why), "{cp:?}: {}", stderr(&out));
        assert_eq!(s.dbsize(), 90, "{cp:?}: nothing deleted");
    }
    // The same file for another pattern (one that also matches these keys).
    let out = run(
        &s.url(),
        &["scan-delete", "rp:c*", "--yes", "--checkpoint", real_arg],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("pattern"), "{}", stderr(&out));
    assert_eq!(s.dbsize(), 90, "another pattern: nothing deleted");
    assert_eq!(std::fs::read_to_string(&real).expect("read"), content);
    // The same content, private and in place, is accepted.
    let out = run(
        &s.url(),
        &[
            "--json",
            "scan-delete",
            "rp:cp:*",
            "--yes",
            "--checkpoint",
            real_arg,
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["resumed"], true);
    assert_eq!(s.dbsize(), 0);
}

#[test]
fn inspect_runs_no_write_and_no_script_on_any_layout() {
    let s = RedisServer::start();
    for algo in ["sliding-log", "fixed-window", "token-bucket", "gcra"] {
        let key = format!("rp:in:{algo}");
        let out = run(
            &s.url(),
            &[
                "ratelimit-test",
                &key,
                "--algo",
                algo,
                "--limit",
                "3",
                "--requests",
                "2",
            ],
        );
        assert!(out.status.success(), "{algo}: {}", stderr(&out));
        reset_stats(&s);
        let out = run(
            &s.url(),
            &[
                "--json",
                "ratelimit-test",
                &key,
                "--inspect",
                "--limit",
                "3",
                "--window",
                "1m",
            ],
        );
        assert!(out.status.success(), "{algo}: {}", stderr(&out));
        assert_eq!(json(&out)["layout"], algo);
        assert_eq!(writes_since_reset(&s), Vec::<String>::new(), "{algo}");
        let stats = s.info("commandstats");
        for script in ["cmdstat_eval:", "cmdstat_evalsha:", "cmdstat_fcall:"] {
            assert!(!stats.contains(script), "{algo}: {script}\n{stats}");
        }
        assert!(
            stats.contains("cmdstat_time:"),
            "{algo}: the server's clock\n{stats}"
        );
    }
}

#[test]
fn a_sorted_set_tag_is_read_with_zscan_never_whole() {
    let s = RedisServer::start();
    let members = keys("rp:z:", 3000);
    load(&s, &members, None);
    let mut payload = Vec::new();
    for (i, m) in members.iter().enumerate() {
        let score = i.to_string();
        payload.extend(resp(&[b"ZADD", b"tag:zt", score.as_bytes(), m]));
    }
    pipe_into(&s, &payload, members.len());
    reset_stats(&s);
    let out = run(&s.url(), &["--json", "tag-invalidate", "zt", "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["deleted"], 3000);
    assert_eq!(s.dbsize(), 0, "the tag went with its last member");
    let stats = s.info("commandstats");
    assert!(stats.contains("cmdstat_zscan:"), "{stats}");
    for whole in [
        "cmdstat_zrange:",
        "cmdstat_zrangebyscore:",
        "cmdstat_smembers:",
    ] {
        assert!(!stats.contains(whole), "{whole}\n{stats}");
    }
}

#[test]
fn an_early_recompute_runs_in_one_process_while_the_others_serve_the_hit() {
    let s = RedisServer::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let runs = dir.path().join("runs");
    let go = dir.path().join("go");
    let first = run(
        &s.url(),
        &[
            "remember",
            "rp:x",
            "--ttl",
            "1h",
            "--",
            "sh",
            "-c",
            "sleep 0.2; printf v1",
        ],
    );
    assert_eq!(first.stdout, b"v1", "{}", stderr(&first));
    // A beta this large makes every hit want to refresh; the refresh blocks
    // until the test says go, so all the others overlap with it.
    let refresh = format!(
        "echo run >> {}; while [ ! -e {} ]; do sleep 0.05; done; printf v2",
        runs.display(),
        go.display()
    );
    let mut children: Vec<std::process::Child> = (0..5)
        .map(|_| {
            spawn(
                &s.url(),
                &[
                    "remember", "rp:x", "--ttl", "1h", "--beta", "1e12", "--", "sh", "-c", &refresh,
                ],
            )
        })
        .collect();
    let mut served = Vec::new();
    wait_until(
        Duration::from_secs(30),
        "four processes served the hit",
        || {
            let mut i = 0;
            while i < children.len() {
                if let Ok(Some(_)) = children[i].try_wait() {
                    served.push(children.remove(i).wait_with_output().expect("output"));
                } else {
                    i += 1;
                }
            }
            served.len() >= 4
        },
    );
    assert_eq!(children.len(), 1, "one process is refreshing");
    std::fs::write(&go, "").expect("go");
    let last = children.remove(0).wait_with_output().expect("output");
    assert!(last.status.success(), "{}", stderr(&last));
    for out in &served {
        assert!(out.status.success(), "{}", stderr(out));
        assert_eq!(out.stdout, b"v1", "the others keep serving the hit");
    }
    let count = std::fs::read_to_string(&runs)
        .map(|t| t.lines().count())
        .unwrap_or(0);
    assert_eq!(count, 1, "only one process refreshed");
    assert_eq!(s.cli(&["GET", "rp:x"]), "v2");
}

#[test]
fn redlock_needs_an_odd_number_of_at_least_three_nodes_before_locking() {
    let s = RedisServer::start();
    let u = s.url();
    for n in [1, 2, 4] {
        let mut args = vec!["lock", "acquire", "rp:rl", "--ttl", "10s"];
        for _ in 0..n {
            args.extend(["--node", u.as_str()]);
        }
        let out = off_terminal(&u, &args);
        assert_eq!(out.status.code(), Some(2), "{n} nodes: {}", stderr(&out));
        assert!(stderr(&out).contains("odd"), "{n} nodes: {}", stderr(&out));
    }
    assert_eq!(s.dbsize(), 0, "nothing was locked");
}

#[test]
fn warm_replaces_a_structured_value_whole_and_gives_it_its_ttl() {
    let s = RedisServer::start();
    s.cli(&["HSET", "rp:wh", "stale", "1", "plan", "free"]);
    s.cli(&["RPUSH", "rp:wl", "old1", "old2", "old3"]);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("s.jsonl");
    std::fs::write(
        &file,
        concat!(
            "{\"key\":\"rp:wh\",\"type\":\"hash\",\"value\":{\"plan\":\"pro\"},\"ttl\":60}\n",
            "{\"key\":\"rp:wl\",\"type\":\"list\",\"value\":[\"new\"],\"ttl\":60}\n",
        ),
    )
    .expect("write");
    let out = run(&s.url(), &["--json", "warm", file.to_str().expect("path")]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        s.cli(&["HGETALL", "rp:wh"]),
        "plan\npro",
        "no stale field left"
    );
    assert_eq!(s.cli(&["LRANGE", "rp:wl", "0", "-1"]), "new");
    for k in ["rp:wh", "rp:wl"] {
        let ttl: i64 = s.cli(&["TTL", k]).parse().expect("ttl");
        assert!((1..=60).contains(&ttl), "{k}: ttl {ttl}");
    }
}

#[test]
fn output_is_a_table_on_a_terminal_and_plain_otherwise() {
    let s = RedisServer::start();
    s.cli(&["HSET", "rp:o", "name", "Ada"]);
    let bin = env!("CARGO_BIN_EXE_cachectl");
    let screen = std::process::Command::new("script")
        .args([
            "-qec",
            // A pseudo-terminal without a size is 0 columns wide: give it one.
            &format!("stty cols 200 rows 50; {bin} --url {} get rp:o", s.url()),
            "/dev/null",
        ])
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("script");
    let screen = String::from_utf8_lossy(&screen.stdout);
    assert!(screen.contains('│') && screen.contains("Ada"), "{screen}");
    let piped = run(&s.url(), &["get", "rp:o"]);
    let text = String::from_utf8_lossy(&piped.stdout);
    assert!(text.contains("Ada") && !text.contains('│'), "{text}");
}

#[test]
fn the_fencing_counter_outlives_the_lock_and_keeps_counting() {
    let s = RedisServer::start();
    let acquire = || {
        let out = run(
            &s.url(),
            &["--json", "lock", "acquire", "rp:f", "--ttl", "1s"],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        json(&out)["fencing_token"].as_i64().expect("fencing token")
    };
    let month_ms: i64 = 29 * 24 * 3600 * 1000;
    let fence_ttl = || -> i64 {
        s.cli(&["PTTL", "{rp:f}:cachectl:fence"])
            .parse()
            .expect("pttl")
    };
    let first = acquire();
    assert_eq!(s.cli(&["GET", "{rp:f}:cachectl:fence"]), first.to_string());
    assert!(fence_ttl() > month_ms, "30 days by default");
    // Let the lock expire on its own: the counter outlives it.
    wait_until(Duration::from_secs(10), "the lock expired", || {
        s.cli(&["EXISTS", "rp:f"]) == "0"
    });
    assert!(fence_ttl() > month_ms);
    assert!(acquire() > first, "the next holder gets a higher token");
}

#[test]
fn no_progress_bars_off_a_terminal_and_quiet_means_no_notices() {
    let s = RedisServer::start_with_password("rp-pw");
    let url = s.url_with_auth(None, "rp-pw");
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("w.jsonl");
    let lines: String = (0..3000)
        .map(|i| format!("{{\"key\":\"rp:q:{i}\",\"value\":\"v\"}}\n"))
        .collect();
    std::fs::write(&file, lines).expect("write");
    // Long enough runs for a progress bar to tick, with stderr a pipe.
    for args in [
        vec!["warm", file.to_str().expect("path")],
        vec!["scan-delete", "rp:q:*", "--yes", "--rate", "3000"],
    ] {
        let out = off_terminal(&url, &args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert_eq!(stderr(&out), "", "{args:?}: nothing drawn on a pipe");
    }
    assert_eq!(s.dbsize(), 0);
    let out = off_terminal(&s.url(), &["-q", "-a", "rp-pw", "get", "rp:absent"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(!stderr(&out).contains("Warning"), "{}", stderr(&out));
}

/// `cachectl --url URL ARGS` on a pseudo-terminal; `typed` is entered once
/// `prompt` shows.
/// Returns the exit code and the screen.
fn on_terminal_after(url: &str, args: &str, prompt: &str, typed: &str) -> (Option<i32>, String) {
    use std::io::Write as _;
    let bin = env!("CARGO_BIN_EXE_cachectl");
    let mut child = std::process::Command::new("script")
        .args([
            "-qec",
            &format!("stty cols 200 rows 50; {bin} --url {url} {args}"),
            "/dev/null",
        ])
        .env("NO_COLOR", "1")
        .env_remove("REDISCLI_AUTH")
        .env_remove("REDIS_PASSWORD")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn script");
    let mut stdout = child.stdout.take().expect("stdout");
    let screen = Arc::new(Mutex::new(String::new()));
    let sink = screen.clone();
    let reader = std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 {
                break;
            }
            if let Ok(mut t) = sink.lock() {
                t.push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        }
    });
    let shown = || screen.lock().map(|t| t.clone()).unwrap_or_default();
    wait_until(Duration::from_secs(20), "the prompt", || {
        shown().contains(prompt)
    });
    let mut stdin = child.stdin.take().expect("stdin");
    // Input that lands between the prompt and the terminal's switch to no-echo
    // is discarded by that switch: type again until cachectl is done.
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut typed_at = Instant::now() - Duration::from_secs(1);
    let status = loop {
        if let Some(st) = child.try_wait().expect("wait") {
            break st;
        }
        assert!(
            Instant::now() < deadline,
            "cachectl did not stop: {}",
            shown()
        );
        if typed_at.elapsed() >= Duration::from_secs(1) {
            let _ = stdin.write_all(typed.as_bytes());
            typed_at = Instant::now();
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    drop(stdin);
    let _ = reader.join();
    (status.code(), shown())
}

#[test]
fn askpass_asks_for_the_password_on_the_terminal() {
    let s = RedisServer::start_with_password("ask-pw");
    assert!(s.call(&[b"SET", b"rp:ask", b"asked-value"]).is_ok());
    let args = "--askpass -o plain get rp:ask";
    let (code, screen) = on_terminal_after(&s.url(), args, "password", "ask-pw\n");
    assert_eq!(code, Some(0), "{screen}");
    assert!(screen.contains("asked-value"), "{screen}");
    assert!(
        !screen.contains("ask-pw"),
        "the password is not echoed: {screen}"
    );
    let (code, screen) = on_terminal_after(&s.url(), args, "password", "wrong-pw\n");
    assert_eq!(code, Some(3), "{screen}");
    assert!(!screen.contains("asked-value"), "{screen}");
}

#[test]
fn set_tag_uses_the_tag_prefix_or_the_tag_key_template() {
    let s = RedisServer::start();
    let out = run(
        &s.url(),
        &[
            "set",
            "rp:tp:1",
            "v",
            "--tag",
            "t",
            "--tag-prefix",
            "myapp:tags:",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(s.cli(&["SMEMBERS", "myapp:tags:t"]), "rp:tp:1");
    let out = run(
        &s.url(),
        &[
            "set",
            "rp:tp:2",
            "v",
            "--tag",
            "t",
            "--tag-key",
            "app:tag:{tag}:keys",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(s.cli(&["SMEMBERS", "app:tag:t:keys"]), "rp:tp:2");
    assert_eq!(
        s.cli(&["EXISTS", "tag:t"]),
        "0",
        "the default layout was not used"
    );
    // tag-invalidate reads the same layouts.
    let out = run(
        &s.url(),
        &[
            "--json",
            "tag-invalidate",
            "t",
            "--tag-prefix",
            "myapp:tags:",
            "--yes",
        ],
    );
    assert_eq!(json(&out)["deleted"], 1, "{}", stderr(&out));
    assert_eq!(s.cli(&["EXISTS", "rp:tp:1"]), "0");
    assert_eq!(s.cli(&["EXISTS", "rp:tp:2"]), "1");
}

#[test]
fn on_a_terminal_every_bulk_command_names_its_target_and_a_no_changes_nothing() {
    let s = RedisServer::start();
    bulk_fixture(&s);
    let before = s.dbsize();
    for args in bulk_commands() {
        let target = args[args
            .iter()
            .position(|a| a.starts_with("rp"))
            .expect("target")];
        reset_stats(&s);
        let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
        let (code, screen) = on_terminal_after(&s.url(), &quoted.join(" "), target, "n");
        assert_eq!(code, Some(2), "{args:?}: {screen}");
        assert!(screen.contains("[y/N]"), "{args:?}: asked: {screen}");
        if ["scan-delete", "flush-prefix", "ttl"].contains(&args[0]) {
            assert!(screen.contains("about"), "{args:?}: an estimate: {screen}");
        }
        assert_eq!(writes_since_reset(&s), Vec::<String>::new(), "{args:?}");
    }
    assert_eq!(s.dbsize(), before);
    assert_eq!(s.cli(&["GET", "rp:lock"]), "app-token");
    assert_eq!(s.cli(&["TTL", "rp:k:1"]), "-1");
}

/// A proxy answering the next `times` commands named `cmd` with `error`.
fn error_proxy(target: u16, cmd: &str, error: &str, times: usize) -> Proxy {
    let proxy = Proxy::start(target);
    proxy.set_mode(Mode::ErrorReply {
        cmd: cmd.into(),
        error: error.into(),
        times,
    });
    proxy
}

#[test]
fn tryagain_and_clusterdown_are_waited_out_not_failures() {
    let s = RedisServer::start();
    assert!(s.call(&[b"SET", b"rp:wait", b"waited"]).is_ok());
    let p = error_proxy(
        s.port,
        "GET",
        "TRYAGAIN Multiple keys request during rehashing of slot",
        3,
    );
    let out = run(&p.url(), &["get", "rp:wait"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(out.stdout, b"waited");
    assert_eq!(p.fired(), 3, "every TRYAGAIN was sent");

    load(&s, &keys("rp:cd:", 300), None);
    let p = error_proxy(s.port, "UNLINK", "CLUSTERDOWN The cluster is down", 2);
    let out = run(
        &p.url(),
        &["--json", "scan-delete", "rp:cd:*", "--yes", "--batch", "50"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(p.fired(), 2, "every CLUSTERDOWN was sent");
    assert_eq!(json(&out)["deleted"], 300, "counted exactly");
    assert_eq!(s.dbsize(), 1, "every match deleted");
}
