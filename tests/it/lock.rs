//! lock: ownership, interop with application locks, lock run, fencing, Redlock.

use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::common::{cachectl_std, send_signal, wait_until, RedisCluster, RedisServer};
use crate::fixtures::{json, run, stderr};

fn text(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn second_acquirer_is_refused_and_wrong_tokens_change_nothing() {
    let s = RedisServer::start();
    let first = run(&s.url(), &["lock", "acquire", "lk:a", "--ttl", "30s"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let token = text(&first);
    assert_eq!(token.len(), 32);
    let second = run(
        &s.url(),
        &["lock", "acquire", "lk:a", "--ttl", "30s", "--wait", "200ms"],
    );
    assert_eq!(second.status.code(), Some(1));
    assert!(
        stderr(&second).contains(&token),
        "names the holder: {}",
        stderr(&second)
    );
    let pttl_before: i64 = s.cli(&["PTTL", "lk:a"]).parse().expect("pttl");
    assert_eq!(
        run(&s.url(), &["lock", "release", "lk:a", "--token", "wrong"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        run(
            &s.url(),
            &["lock", "extend", "lk:a", "--token", "wrong", "--ttl", "1h"]
        )
        .status
        .code(),
        Some(1)
    );
    assert_eq!(s.cli(&["GET", "lk:a"]), token);
    let pttl: i64 = s.cli(&["PTTL", "lk:a"]).parse().expect("pttl");
    assert!(pttl <= pttl_before, "a wrong-token extend did not extend");
    let ok = run(
        &s.url(),
        &["lock", "extend", "lk:a", "--token", &token, "--ttl", "1h"],
    );
    assert!(ok.status.success());
    let pttl: i64 = s.cli(&["PTTL", "lk:a"]).parse().expect("pttl");
    assert!(pttl > 3_000_000);
    assert!(
        run(&s.url(), &["lock", "release", "lk:a", "--token", &token])
            .status
            .success()
    );
    assert_eq!(s.cli(&["EXISTS", "lk:a"]), "0");
}

#[test]
fn fencing_tokens_strictly_increase() {
    let s = RedisServer::start();
    let mut last = 0;
    for _ in 0..3 {
        let out = run(
            &s.url(),
            &["--json", "lock", "acquire", "lk:f", "--ttl", "10s"],
        );
        let v = json(&out);
        let fence = v["fencing_token"].as_i64().expect("fence");
        assert!(fence > last);
        last = fence;
        let token = v["token"].as_str().expect("token").to_string();
        assert!(
            run(&s.url(), &["lock", "release", "lk:f", "--token", &token])
                .status
                .success()
        );
    }
}

#[test]
fn an_expired_and_retaken_lock_is_not_released_by_its_first_owner() {
    let s = RedisServer::start();
    let a = text(&run(
        &s.url(),
        &["lock", "acquire", "lk:e", "--ttl", "200ms"],
    ));
    wait_until(Duration::from_secs(5), "first lock expired", || {
        s.cli(&["EXISTS", "lk:e"]) == "0"
    });
    let b = text(&run(&s.url(), &["lock", "acquire", "lk:e", "--ttl", "30s"]));
    assert_ne!(a, b);
    assert_eq!(
        run(&s.url(), &["lock", "release", "lk:e", "--token", &a])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(s.cli(&["GET", "lk:e"]), b, "the new owner keeps it");
}

#[test]
fn application_locks_are_inspected_and_released_by_token() {
    let s = RedisServer::start();
    s.cli(&[
        "SET",
        "lock:scraper:amazon",
        "app-token-123",
        "NX",
        "PX",
        "30000",
    ]);
    let v = json(&run(
        &s.url(),
        &["--json", "lock", "status", "lock:scraper:amazon"],
    ));
    assert_eq!(v["held"], true);
    assert_eq!(v["token"], "app-token-123");
    assert!(v["ttl_ms"].as_i64().is_some_and(|t| t > 0 && t <= 30_000));
    let listed = json(&run(&s.url(), &["--json", "lock", "list"]));
    assert_eq!(listed[0]["name"], "lock:scraper:amazon");
    assert!(run(
        &s.url(),
        &[
            "lock",
            "release",
            "lock:scraper:amazon",
            "--token",
            "app-token-123"
        ]
    )
    .status
    .success());
    let v = json(&run(
        &s.url(),
        &["--json", "lock", "status", "lock:scraper:amazon"],
    ));
    assert_eq!(v["held"], false);
}

#[test]
fn break_asks_first() {
    let s = RedisServer::start();
    s.cli(&["SET", "lk:stuck", "zombie"]);
    assert_eq!(
        run(&s.url(), &["lock", "break", "lk:stuck"]).status.code(),
        Some(2)
    );
    assert_eq!(s.cli(&["EXISTS", "lk:stuck"]), "1");
    assert!(run(&s.url(), &["lock", "break", "lk:stuck", "--yes"])
        .status
        .success());
    assert_eq!(s.cli(&["EXISTS", "lk:stuck"]), "0");
    assert_eq!(
        run(&s.url(), &["lock", "break", "lk:stuck", "--yes"])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn lock_run_keeps_a_short_lock_through_a_long_command() {
    let s = RedisServer::start();
    let check = format!(
        "sleep 3; test \"$(redis-cli -p {} GET lk:run)\" = \"$CACHECTL_LOCK_TOKEN\" && test -n \"$CACHECTL_FENCING_TOKEN\"",
        s.port
    );
    let out = run(
        &s.url(),
        &[
            "lock", "run", "lk:run", "--ttl", "1s", "--", "sh", "-c", &check,
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "the lock was still ours after 3 s: {}",
        stderr(&out)
    );
    assert_eq!(s.cli(&["EXISTS", "lk:run"]), "0", "released at the end");
    let out = run(
        &s.url(),
        &[
            "lock", "run", "lk:run", "--ttl", "5s", "--", "sh", "-c", "exit 3",
        ],
    );
    assert_eq!(out.status.code(), Some(3), "CMD's status passes through");
    assert_eq!(
        s.cli(&["EXISTS", "lk:run"]),
        "0",
        "released after a failure too"
    );
}

fn pid_alive(pid: &str) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
}

#[test]
fn lock_run_releases_on_sigterm_and_stops_the_child() {
    let s = RedisServer::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let pidfile = dir.path().join("pid");
    let sh = format!("echo $$ > {}; exec sleep 30", pidfile.display());
    let mut child = cachectl_std()
        .args([
            "--url",
            &s.url(),
            "lock",
            "run",
            "lk:term",
            "--ttl",
            "10s",
            "--",
            "sh",
            "-c",
            &sh,
        ])
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    wait_until(Duration::from_secs(10), "CMD started", || {
        pidfile.exists() && s.cli(&["EXISTS", "lk:term"]) == "1"
    });
    let cmd_pid = std::fs::read_to_string(&pidfile)
        .expect("pid")
        .trim()
        .to_string();
    assert!(send_signal(child.id(), "TERM"));
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(130));
    assert_eq!(s.cli(&["EXISTS", "lk:term"]), "0", "released on SIGTERM");
    wait_until(Duration::from_secs(5), "CMD stopped", || {
        !pid_alive(&cmd_pid)
    });
}

#[test]
fn lock_run_detects_a_stolen_lock() {
    let s = RedisServer::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let pidfile = dir.path().join("pid");
    let sh = format!("echo $$ > {}; exec sleep 30", pidfile.display());
    let child = cachectl_std()
        .args([
            "--url",
            &s.url(),
            "lock",
            "run",
            "lk:steal",
            "--ttl",
            "600ms",
            "--",
            "sh",
            "-c",
            &sh,
        ])
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    wait_until(Duration::from_secs(10), "CMD started", || pidfile.exists());
    let cmd_pid = std::fs::read_to_string(&pidfile)
        .expect("pid")
        .trim()
        .to_string();
    s.cli(&["SET", "lk:steal", "thief"]);
    let t0 = Instant::now();
    let out = child.wait_with_output().expect("wait");
    assert!(t0.elapsed() < Duration::from_secs(5));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("lost"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!pid_alive(&cmd_pid), "CMD was sent SIGTERM");
    assert_eq!(
        s.cli(&["GET", "lk:steal"]),
        "thief",
        "the thief's lock is left alone"
    );
}

#[test]
fn concurrent_lock_runs_never_overlap() {
    let s = RedisServer::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("log");
    let sh = format!(
        "echo start $$ >> {0}; sleep 0.1; echo end $$ >> {0}",
        log.display()
    );
    let children: Vec<_> = (0..5)
        .map(|_| {
            cachectl_std()
                .args([
                    "--url",
                    &s.url(),
                    "lock",
                    "run",
                    "lk:ov",
                    "--ttl",
                    "5s",
                    "--wait",
                    "30s",
                    "--",
                    "sh",
                    "-c",
                    &sh,
                ])
                .spawn()
                .expect("spawn")
        })
        .collect();
    for mut c in children {
        assert!(c.wait().expect("wait").success());
    }
    let text = std::fs::read_to_string(&log).expect("log");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 10);
    for pair in lines.chunks(2) {
        let (a, b) = (
            pair[0].split(' ').collect::<Vec<_>>(),
            pair[1].split(' ').collect::<Vec<_>>(),
        );
        assert_eq!((a[0], b[0]), ("start", "end"), "{text}");
        assert_eq!(a[1], b[1], "a start is followed by its own end: {text}");
    }
}

#[test]
fn fifty_locked_increments_end_at_fifty() {
    let s = RedisServer::start();
    s.cli(&["SET", "lk:counter", "0"]);
    let sh = format!(
        "v=$(redis-cli -p {0} GET lk:counter); redis-cli -p {0} SET lk:counter $((v+1)) >/dev/null",
        s.port
    );
    let children: Vec<_> = (0..50)
        .map(|_| {
            cachectl_std()
                .args([
                    "--url",
                    &s.url(),
                    "lock",
                    "run",
                    "lk:inc",
                    "--ttl",
                    "5s",
                    "--wait",
                    "60s",
                    "--",
                    "sh",
                    "-c",
                    &sh,
                ])
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().expect("wait");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(s.cli(&["GET", "lk:counter"]), "50");
}

fn node_args(servers: &[RedisServer]) -> Vec<String> {
    servers
        .iter()
        .flat_map(|s| ["--node".to_string(), s.url()])
        .collect()
}

#[test]
fn redlock_with_one_of_three_prelocked_succeeds() {
    let servers: Vec<RedisServer> = (0..3).map(|_| RedisServer::start()).collect();
    servers[0].cli(&["SET", "rl:a", "other", "PX", "30000"]);
    let mut args = vec![
        "--json".to_string(),
        "lock".into(),
        "acquire".into(),
        "rl:a".into(),
        "--ttl".into(),
        "10s".into(),
    ];
    args.extend(node_args(&servers));
    let out = crate::common::cachectl().args(&args).output().expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["locked_nodes"], 2);
    let token = v["token"].as_str().expect("token").to_string();
    assert!(v["validity_ms"]
        .as_i64()
        .is_some_and(|ms| ms > 0 && ms < 10_000));
    assert_eq!(servers[1].cli(&["GET", "rl:a"]), token);
    let mut st = vec![
        "--json".to_string(),
        "lock".into(),
        "status".into(),
        "rl:a".into(),
    ];
    st.extend(node_args(&servers));
    let v = json(&crate::common::cachectl().args(&st).output().expect("run"));
    assert_eq!(v["held"], true);
    assert_eq!(v["nodes"].as_array().map(Vec::len), Some(3));
    let mut rel = vec![
        "lock".to_string(),
        "release".into(),
        "rl:a".into(),
        "--token".into(),
        token,
    ];
    rel.extend(node_args(&servers));
    assert!(crate::common::cachectl()
        .args(&rel)
        .output()
        .expect("run")
        .status
        .success());
    assert_eq!(servers[1].cli(&["EXISTS", "rl:a"]), "0");
    assert_eq!(
        servers[0].cli(&["GET", "rl:a"]),
        "other",
        "someone else's lock is untouched"
    );
}

#[test]
fn redlock_with_two_of_three_prelocked_fails_and_leaves_nothing() {
    let servers: Vec<RedisServer> = (0..3).map(|_| RedisServer::start()).collect();
    servers[0].cli(&["SET", "rl:b", "other", "PX", "30000"]);
    servers[1].cli(&["SET", "rl:b", "other", "PX", "30000"]);
    let mut args = vec![
        "lock".to_string(),
        "acquire".into(),
        "rl:b".into(),
        "--ttl".into(),
        "10s".into(),
    ];
    args.extend(node_args(&servers));
    let out = crate::common::cachectl().args(&args).output().expect("run");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        servers[2].cli(&["EXISTS", "rl:b"]),
        "0",
        "the one node we locked was unlocked"
    );
    assert_eq!(servers[0].cli(&["GET", "rl:b"]), "other");
    let even = crate::common::cachectl()
        .args([
            "lock",
            "acquire",
            "x",
            "--ttl",
            "1s",
            "--node",
            &servers[0].url(),
            "--node",
            &servers[1].url(),
        ])
        .output()
        .expect("run");
    assert_eq!(
        even.status.code(),
        Some(2),
        "an even number of nodes is refused"
    );
}

#[test]
fn locks_on_a_cluster() {
    let c = RedisCluster::start();
    let out = run(
        &c.url(),
        &["--json", "lock", "acquire", "cl:lock", "--ttl", "30s"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let token = json(&out)["token"].as_str().expect("token").to_string();
    let v = json(&run(&c.url(), &["--json", "lock", "status", "cl:lock"]));
    assert_eq!(v["token"], token.as_str());
    assert_eq!(v["fencing_token"], 1);
    assert!(
        run(&c.url(), &["lock", "release", "cl:lock", "--token", &token])
            .status
            .success()
    );
    let out = run(
        &c.url(),
        &["lock", "run", "cl:lock", "--ttl", "2s", "--", "true"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let none = json(&run(&c.url(), &["--json", "lock", "list"]));
    assert_eq!(
        none.as_array().map(Vec::len),
        Some(0),
        "released, and fence keys are not listed"
    );
    // Held locks are found on every node by their counters, whatever the name.
    for name in ["deploy", "job}1", "{user:1}:job"] {
        let out = run(&c.url(), &["lock", "acquire", name, "--ttl", "30s"]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let mut rows = listed(&run(&c.url(), &["--json", "lock", "list"]));
    rows.sort();
    assert_eq!(rows, vec!["deploy", "job}1", "{user:1}:job"]);
}

#[test]
fn redlock_fencing_tokens_increase_across_different_quorums() {
    let servers: Vec<RedisServer> = (0..3).map(|_| RedisServer::start()).collect();
    // Counters far apart: 100 on the first node, nothing elsewhere.
    servers[0].cli(&["SET", "{rl:f}:cachectl:fence", "100"]);
    let acquire = |blocked: usize| {
        servers[blocked].cli(&["SET", "rl:f", "other", "PX", "30000"]);
        let mut args = vec![
            "--json".to_string(),
            "lock".into(),
            "acquire".into(),
            "rl:f".into(),
            "--ttl".into(),
            "10s".into(),
        ];
        args.extend(node_args(&servers));
        let out = crate::common::cachectl().args(&args).output().expect("run");
        assert!(out.status.success(), "{}", stderr(&out));
        let v = json(&out);
        let token = v["token"].as_str().expect("token").to_string();
        let mut rel = vec![
            "lock".to_string(),
            "release".into(),
            "rl:f".into(),
            "--token".into(),
            token,
        ];
        rel.extend(node_args(&servers));
        assert!(crate::common::cachectl()
            .args(&rel)
            .output()
            .expect("run")
            .status
            .success());
        servers[blocked].cli(&["DEL", "rl:f"]);
        v["fencing_token"].as_i64().expect("fence")
    };
    let first = acquire(2); // quorum of nodes 0 and 1
    let second = acquire(0); // quorum of nodes 1 and 2
    assert!(second > first, "fencing went from {first} to {second}");
}

#[test]
fn break_dry_run_shows_and_keeps_the_lock() {
    let s = RedisServer::start();
    s.cli(&["SET", "lk:dry", "holder-1", "PX", "30000"]);
    let out = run(
        &s.url(),
        &["--json", "lock", "break", "lk:dry", "--dry-run"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["token"], "holder-1");
    assert_eq!(s.cli(&["GET", "lk:dry"]), "holder-1");
}

/// True while `pid` exists and is not a zombie (an orphan's zombie may linger
/// until its new parent reaps it).
fn running(pid: &str) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            s.rsplit_once(')')
                .map(|(_, rest)| rest.trim_start().chars().next())
        })
        .flatten()
        .is_some_and(|state| state != 'Z')
}

fn read_pid(path: &std::path::Path) -> String {
    std::fs::read_to_string(path)
        .expect("pid file")
        .trim()
        .to_string()
}

fn now_ns() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_nanos()
}

/// `lock run --ttl 2s` of a CMD that ignores SIGTERM, against `urls` (one
/// server, or Redlock nodes); `pause` then stops the servers that must stop
/// answering for extensions to fail. CMD must be dead before the lock expires.
fn assert_killed_before_expiry(args: &[String], nodes: &[String], pause: &mut [&mut RedisServer]) {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("alive");
    // Ignored signals stay ignored in the loop's children: only SIGKILL stops it.
    // Each line is the wall clock (ns) at which CMD was still running.
    let sh = format!(
        "trap '' TERM; while :; do date +%s%N >> {}; sleep 0.01; done",
        log.display()
    );
    let ttl = Duration::from_secs(2);
    let child = cachectl_std()
        .args(args)
        .args(["lock", "run", "lk:stop", "--ttl", "2s"])
        .args(nodes)
        .args(["--", "sh", "-c", &sh])
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    wait_until(Duration::from_secs(10), "CMD running", || {
        std::fs::read_to_string(&log).is_ok_and(|t| t.lines().count() > 5)
    });
    // From here no extension gets through: the lock expires at the latest one
    // TTL after this moment, since the last extension reached the server before.
    let paused_at = now_ns();
    for s in pause.iter_mut() {
        s.pause();
    }
    let mut last = 0u128;
    let stopped = (0..1000).any(|_| {
        std::thread::sleep(Duration::from_millis(20));
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        let newest = text
            .lines()
            .filter_map(|l| l.trim().parse::<u128>().ok())
            .max()
            .unwrap_or(0);
        let same = newest == last;
        last = newest;
        // Quiet for 0.5 s after the deadline: CMD is gone.
        same && now_ns() > paused_at + ttl.as_nanos() + 500_000_000
    });
    for s in pause.iter_mut() {
        s.resume();
    }
    assert!(stopped, "CMD kept running");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        last < paused_at + ttl.as_nanos(),
        "CMD ran {} ms past the lock's expiry",
        (last - (paused_at + ttl.as_nanos())) / 1_000_000
    );
}

#[test]
fn lock_run_kills_a_command_that_ignores_sigterm_before_the_lock_expires() {
    let mut s = RedisServer::start();
    let args = vec!["--url".to_string(), s.url()];
    assert_killed_before_expiry(&args, &[], &mut [&mut s]);
}

#[test]
fn redlock_run_kills_a_command_that_ignores_sigterm_before_the_quorum_expires() {
    let mut servers: Vec<RedisServer> = (0..3).map(|_| RedisServer::start()).collect();
    let nodes = node_args(&servers);
    let args = vec!["--url".to_string(), servers[0].url()];
    // Two of three stop answering: no quorum, no extension.
    let (_, rest) = servers.split_at_mut(1);
    let (b, c) = rest.split_at_mut(1);
    assert_killed_before_expiry(&args, &nodes, &mut [&mut b[0], &mut c[0]]);
}

#[test]
fn a_kill_grace_too_long_for_the_ttl_is_refused_before_locking() {
    let s = RedisServer::start();
    let out = run(
        &s.url(),
        &[
            "lock",
            "run",
            "lk:grace",
            "--ttl",
            "2s",
            "--kill-grace",
            "1s",
            "--",
            "true",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--kill-grace"), "{}", stderr(&out));
    assert_eq!(s.cli(&["EXISTS", "lk:grace"]), "0", "nothing was locked");
    let out = run(
        &s.url(),
        &[
            "lock",
            "run",
            "lk:grace",
            "--ttl",
            "10s",
            "--kill-grace",
            "3s",
            "--",
            "true",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
}

/// CMD starts a background child and records both pids.
fn tree(dir: &std::path::Path) -> String {
    format!(
        "trap 'echo term >> {0}/term' TERM; echo $$ > {0}/pid; sleep 30 & echo $! > {0}/bg; while :; do sleep 0.05; done",
        dir.display()
    )
}

#[test]
fn lock_run_command_and_its_children_die_with_a_killed_cachectl() {
    let s = RedisServer::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = cachectl_std()
        .args([
            "--url",
            &s.url(),
            "lock",
            "run",
            "lk:orphan",
            "--ttl",
            "30s",
            "--",
            "sh",
            "-c",
            &tree(dir.path()),
        ])
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    wait_until(Duration::from_secs(10), "CMD started", || {
        dir.path().join("bg").exists() && dir.path().join("pid").exists()
    });
    let (cmd_pid, bg_pid) = (
        read_pid(&dir.path().join("pid")),
        read_pid(&dir.path().join("bg")),
    );
    assert!(send_signal(child.id(), "KILL"));
    child.wait().expect("wait");
    wait_until(Duration::from_secs(10), "CMD and its child gone", || {
        !running(&cmd_pid) && !running(&bg_pid)
    });
}

#[test]
fn lock_run_gets_sigterm_twice_and_leaves_no_orphan() {
    let s = RedisServer::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = cachectl_std()
        .args([
            "--url",
            &s.url(),
            "lock",
            "run",
            "lk:twice",
            "--ttl",
            "30s",
            "--",
            "sh",
            "-c",
            &tree(dir.path()),
        ])
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    wait_until(Duration::from_secs(10), "CMD started", || {
        dir.path().join("bg").exists() && dir.path().join("pid").exists()
    });
    let (cmd_pid, bg_pid) = (
        read_pid(&dir.path().join("pid")),
        read_pid(&dir.path().join("bg")),
    );
    assert!(send_signal(child.id(), "TERM"));
    // CMD traps the first SIGTERM and carries on; the second one means "now".
    wait_until(Duration::from_secs(10), "CMD got SIGTERM", || {
        dir.path().join("term").exists()
    });
    assert!(send_signal(child.id(), "TERM"));
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(130));
    assert_eq!(
        s.cli(&["EXISTS", "lk:twice"]),
        "0",
        "released, not left for its TTL"
    );
    wait_until(Duration::from_secs(10), "CMD and its child gone", || {
        !running(&cmd_pid) && !running(&bg_pid)
    });
}

/// Lock names with braces in every position, from a fixed seed (plus the
/// shapes that broke: an unmatched `}`, an empty tag, a tag after a `}`).
fn brace_names() -> Vec<String> {
    let mut names: Vec<String> = ["a}b", "}", "{}x", "{", "{{}}", "}{a}", "x{}{y}", "{a"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let alphabet = ['{', '}', 'a', 'b', ':', '7'];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    while names.len() < 40 {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let len = 1 + (seed >> 60) as usize % 6;
        let name: String = (0..len)
            .map(|i| alphabet[((seed >> (8 * i)) % alphabet.len() as u64) as usize])
            .collect();
        if name.contains(['{', '}']) && !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

#[test]
fn lock_names_with_braces_work_on_a_cluster() {
    let c = RedisCluster::start();
    for name in brace_names() {
        let out = run(
            &c.url(),
            &["--json", "lock", "acquire", &name, "--ttl", "30s"],
        );
        assert!(out.status.success(), "acquire {name:?}: {}", stderr(&out));
        let v = json(&out);
        assert_eq!(v["fencing_token"], 1, "{name:?}");
        let token = v["token"].as_str().expect("token").to_string();
        let st = json(&run(&c.url(), &["--json", "lock", "status", &name]));
        assert_eq!(st["token"], token.as_str(), "{name:?}");
        assert_eq!(st["fencing_token"], 1, "{name:?}");
        let rel = run(&c.url(), &["lock", "release", &name, "--token", &token]);
        assert!(rel.status.success(), "release {name:?}: {}", stderr(&rel));
        let out = run(
            &c.url(),
            &["remember", &name, "--ttl", "1m", "--", "printf", "v"],
        );
        assert!(out.status.success(), "remember {name:?}: {}", stderr(&out));
        assert_eq!(out.stdout, b"v", "{name:?}");
    }
}

#[test]
fn a_brace_lock_keeps_its_fencing_count_from_the_old_counter_name() {
    let s = RedisServer::start();
    // Where earlier versions kept this lock's counter on a standalone server.
    s.cli(&["SET", "a}b:cachectl:fence", "41"]);
    let v = json(&run(
        &s.url(),
        &["--json", "lock", "acquire", "a}b", "--ttl", "30s"],
    ));
    assert_eq!(v["fencing_token"], 42, "the count goes on");
    assert_eq!(s.cli(&["EXISTS", "a}b:cachectl:fence"]), "0");
    let token = v["token"].as_str().expect("token").to_string();
    run(&s.url(), &["lock", "release", "a}b", "--token", &token]);
    let v = json(&run(
        &s.url(),
        &["--json", "lock", "acquire", "a}b", "--ttl", "30s"],
    ));
    assert_eq!(v["fencing_token"], 43);
}

#[test]
fn release_and_extend_of_a_key_that_is_not_a_lock_are_a_plain_no() {
    let s = RedisServer::start();
    s.cli(&["HSET", "lk:hash", "f", "v"]);
    for args in [
        &["lock", "release", "lk:hash", "--token", "t"][..],
        &["lock", "extend", "lk:hash", "--token", "t", "--ttl", "1m"],
    ] {
        let out = run(&s.url(), args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("not held"), "{}", stderr(&out));
    }
    assert_eq!(s.cli(&["HGET", "lk:hash", "f"]), "v", "left alone");
    assert_eq!(s.cli(&["PTTL", "lk:hash"]), "-1", "no TTL set on it");
    // A command that cannot start is 127 for lock run too, and frees the lock.
    let out = run(
        &s.url(),
        &[
            "lock",
            "run",
            "lk:nocmd",
            "--ttl",
            "1h",
            "--",
            "cachectl-no-such-command",
        ],
    );
    assert_eq!(out.status.code(), Some(127), "{}", stderr(&out));
    assert_eq!(s.cli(&["EXISTS", "lk:nocmd"]), "0");
}

#[test]
fn redlock_break_clears_every_token_it_showed() {
    let servers: Vec<RedisServer> = (0..3).map(|_| RedisServer::start()).collect();
    // A stale minority token on the first node, the live holder on the others.
    servers[0].cli(&["SET", "lk:split", "stale", "PX", "60000"]);
    servers[1].cli(&["SET", "lk:split", "live", "PX", "60000"]);
    servers[2].cli(&["SET", "lk:split", "live", "PX", "60000"]);
    let mut args = vec![
        "--url".to_string(),
        servers[0].url(),
        "lock".into(),
        "break".into(),
        "lk:split".into(),
        "--yes".into(),
    ];
    args.extend(node_args(&servers));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = crate::common::cachectl().args(&args).output().expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for s in &servers {
        assert_eq!(s.cli(&["EXISTS", "lk:split"]), "0", "every node freed");
    }
}

#[test]
fn lock_run_interrupted_while_waiting_exits_130_and_takes_nothing() {
    let s = RedisServer::start();
    s.cli(&["SET", "lk:busy", "other", "PX", "60000"]);
    let mut child = cachectl_std()
        .args([
            "--url",
            &s.url(),
            "lock",
            "run",
            "lk:busy",
            "--ttl",
            "10s",
            "--wait",
            "30s",
            "--",
            "true",
        ])
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    // Waiting: it polls the lock with SET NX (seen in the server's stats).
    wait_until(Duration::from_secs(10), "cachectl polling", || {
        s.info("commandstats").contains("cmdstat_eval")
    });
    assert!(send_signal(child.id(), "TERM"));
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(130));
    assert_eq!(s.cli(&["GET", "lk:busy"]), "other", "the holder keeps it");
}

#[test]
fn lock_acquire_interrupted_while_waiting_exits_130_and_takes_nothing() {
    let s = RedisServer::start();
    s.cli(&["SET", "lk:busy2", "other", "PX", "60000"]);
    let mut child = cachectl_std()
        .args([
            "--url",
            &s.url(),
            "lock",
            "acquire",
            "lk:busy2",
            "--ttl",
            "10s",
            "--wait",
            "30s",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    wait_until(Duration::from_secs(10), "cachectl polling", || {
        s.info("commandstats").contains("cmdstat_eval")
    });
    assert!(send_signal(child.id(), "INT"));
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(130));
    assert_eq!(s.cli(&["GET", "lk:busy2"]), "other", "the holder keeps it");
}

fn fence_pttl(s: &RedisServer, name: &str) -> i64 {
    s.cli(&["PTTL", &format!("{{{name}}}:cachectl:fence")])
        .parse()
        .expect("pttl")
}

#[test]
fn fence_counters_expire_and_each_acquisition_refreshes_them() {
    let s = RedisServer::start();
    let acquire = |name: &str, extra: &[&str]| {
        let mut args = vec!["--json", "lock", "acquire", name, "--ttl", "10s"];
        args.extend_from_slice(extra);
        let out = run(&s.url(), &args);
        assert!(out.status.success(), "{}", stderr(&out));
        let v = json(&out);
        let token = v["token"].as_str().expect("token").to_string();
        assert!(run(&s.url(), &["lock", "release", name, "--token", &token])
            .status
            .success());
        v["fencing_token"].as_i64().expect("fence")
    };
    // Default: 30 days (100 x a 10s TTL is less).
    acquire("ft:a", &[]);
    let day = 86_400_000;
    let p = fence_pttl(&s, "ft:a");
    assert!(p > 29 * day && p <= 30 * day, "{p}");
    // 100 x the lock TTL when that is longer.
    let out = run(&s.url(), &["lock", "acquire", "ft:b", "--ttl", "1d"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let p = fence_pttl(&s, "ft:b");
    assert!(p > 99 * day && p <= 100 * day, "{p}");
    // Refreshed, and still counting, on every acquisition.
    s.cli(&["PEXPIRE", "{ft:a}:cachectl:fence", "5000"]);
    let f1 = acquire("ft:a", &[]);
    assert_eq!(f1, 2);
    assert!(fence_pttl(&s, "ft:a") > 29 * day);
    let f2 = acquire("ft:a", &["--fence-ttl", "1h"]);
    assert_eq!(f2, 3);
    let p = fence_pttl(&s, "ft:a");
    assert!(p > 0 && p <= 3_600_000, "{p}");
    acquire("ft:a", &["--fence-ttl", "0"]);
    assert_eq!(fence_pttl(&s, "ft:a"), -1, "0 = persistent");
    assert_eq!(
        run(
            &s.url(),
            &[
                "lock",
                "acquire",
                "ft:c",
                "--ttl",
                "1s",
                "--fence-ttl",
                "soon"
            ]
        )
        .status
        .code(),
        Some(2)
    );
}

#[test]
fn redlock_fence_counters_keep_a_ttl_when_raised() {
    let servers: Vec<RedisServer> = (0..3).map(|_| RedisServer::start()).collect();
    let nodes = node_args(&servers);
    // One node is ahead: the quorum's maximum is written to the others.
    servers[0].cli(&["SET", "{ft:r}:cachectl:fence", "41"]);
    let mut args: Vec<&str> = vec!["--json", "lock", "acquire", "ft:r", "--ttl", "5s"];
    args.extend(nodes.iter().map(String::as_str));
    let out = run(&servers[0].url(), &args);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["fencing_token"], 42);
    for s in &servers {
        assert_eq!(s.cli(&["GET", "{ft:r}:cachectl:fence"]), "42");
        assert!(fence_pttl(s, "ft:r") > 29 * 86_400_000);
    }
}

#[test]
fn stats_groups_cachectl_companion_keys_apart() {
    let s = RedisServer::start();
    for name in ["report", "deploy", "job:7"] {
        assert!(run(&s.url(), &["lock", "acquire", name, "--ttl", "30s"])
            .status
            .success());
    }
    let v = json(&run(&s.url(), &["--json", "stats", "--scan"]));
    let prefixes = v["keyspace"]["by_prefix"].as_array().expect("by_prefix");
    let fence = prefixes
        .iter()
        .find(|p| p["prefix"] == "(cachectl:fence)")
        .unwrap_or_else(|| panic!("no companion group: {prefixes:?}"));
    assert_eq!(fence["keys"], 3);
    assert_eq!(fence["no_ttl"], 0);
    assert!(
        prefixes
            .iter()
            .all(|p| !p["prefix"].as_str().unwrap_or("").starts_with('{')),
        "{prefixes:?}"
    );
}

fn listed(out: &std::process::Output) -> Vec<String> {
    assert!(out.status.success(), "{}", stderr(out));
    json(out)
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["name"].as_str().expect("name").to_string())
        .collect()
}

#[test]
fn lock_list_finds_every_cachectl_lock_and_app_locks_without_a_pattern() {
    let s = RedisServer::start();
    let names = ["deploy", "job}1", "{user:1}:job", "nightly:import"];
    for name in names {
        let out = run(&s.url(), &["lock", "acquire", name, "--ttl", "30s"]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    // Taken once and released: not held, not listed.
    let out = run(&s.url(), &["lock", "acquire", "gone", "--ttl", "30s"]);
    let token = text(&out);
    assert!(
        run(&s.url(), &["lock", "release", "gone", "--token", &token])
            .status
            .success()
    );
    s.cli(&["SET", "lock:scraper:amazon", "app-token-123", "PX", "30000"]);
    s.cli(&["SET", "page:blocklist", "<html>a cached page</html>"]);
    let mut rows = listed(&run(&s.url(), &["--json", "lock", "list"]));
    rows.sort();
    let mut want: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    want.push("lock:scraper:amazon".into());
    want.sort();
    assert_eq!(rows, want);
}

#[test]
fn lock_list_with_a_pattern_skips_values_that_are_no_lock_tokens() {
    let s = RedisServer::start();
    crate::fixtures::load(&s, &crate::fixtures::keys("cache:", 2000), None);
    s.cli(&["SET", "cache:json", "{\"user\": 1, \"name\": \"a\"}"]);
    let out = run(&s.url(), &["lock", "acquire", "deploy", "--ttl", "30s"]);
    assert!(out.status.success());
    s.cli(&["SET", "lock:app", "8d1f0c2e-5b7a-4a63-9d0e-1f2a3b4c5d6e"]);
    let out = run(&s.url(), &["--json", "lock", "list", "*"]);
    let mut rows = listed(&out);
    rows.sort();
    assert_eq!(rows, vec!["deploy".to_string(), "lock:app".to_string()]);
    assert!(
        stderr(&out).contains("2001 "),
        "the rest are counted: {}",
        stderr(&out)
    );
}

/// A python-redis-lock 4.0 id: base64 of 18 random bytes.
const PRL_ID: &str = "q3Jf0+Zb9xVw2YtLmN8aPk1/";

fn blpop_waiter(s: &RedisServer, list: &str) -> std::process::Child {
    let before: u64 = s
        .info_field("clients", "blocked_clients")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let child = s
        .cli_cmd()
        .args(["BLPOP", list, "30"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn waiter");
    wait_until(Duration::from_secs(10), "the waiter blocks", || {
        s.info_field("clients", "blocked_clients")
            .and_then(|v| v.parse::<u64>().ok())
            .is_some_and(|n| n > before)
    });
    child
}

#[test]
fn python_redis_lock_waiters_are_woken_by_break_and_release() {
    let s = RedisServer::start();
    // break: the waiter blocked on lock-signal:NAME gets the library's signal.
    s.cli(&["SET", "lock:job", PRL_ID, "EX", "30"]);
    let waiter = blpop_waiter(&s, "lock-signal:job");
    let out = run(&s.url(), &["--json", "lock", "break", "lock:job", "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["signalled"], "lock-signal:job");
    let woken = waiter.wait_with_output().expect("waiter");
    let said = String::from_utf8_lossy(&woken.stdout).to_string();
    assert!(
        said.contains("lock-signal:job") && said.contains('1'),
        "{said}"
    );
    assert_eq!(s.cli(&["EXISTS", "lock:job"]), "0");
    // release, with a signal list already beside the lock (a stale signal):
    // replaced by one element, with the library's expiry (1 s by default).
    s.cli(&["SET", "lock:job2", "not-base64-shaped-token-1", "EX", "30"]);
    s.cli(&["RPUSH", "lock-signal:job2", "1", "1", "1"]);
    let out = run(
        &s.url(),
        &[
            "lock",
            "release",
            "lock:job2",
            "--token",
            "not-base64-shaped-token-1",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let left = s.cli(&["LLEN", "lock-signal:job2"]);
    let pttl: i64 = s.cli(&["PTTL", "lock-signal:job2"]).parse().expect("pttl");
    assert!(
        (left == "1" && pttl > 0 && pttl <= 1000) || (left == "0" && pttl == -2),
        "{left} {pttl}"
    );
    // An explicit list and expiry, for any lock name.
    s.cli(&["SET", "myjob", "tok-0001", "EX", "30"]);
    let out = run(
        &s.url(),
        &[
            "lock",
            "release",
            "myjob",
            "--token",
            "tok-0001",
            "--signal-list",
            "myjob:wake",
            "--signal-expire",
            "1h",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(s.cli(&["LRANGE", "myjob:wake", "0", "-1"]), "1");
    let pttl: i64 = s.cli(&["PTTL", "myjob:wake"]).parse().expect("pttl");
    assert!(pttl > 0 && pttl <= 3_600_000, "{pttl}");
}

#[test]
fn other_locks_get_no_signal_list() {
    let s = RedisServer::start();
    s.cli(&["SET", "lock:scraper:amazon", "app-token-123", "PX", "30000"]);
    let out = run(&s.url(), &["lock", "break", "lock:scraper:amazon", "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(s.cli(&["EXISTS", "lock-signal:scraper:amazon"]), "0");
    // A wrong token releases nothing and signals nobody.
    s.cli(&["SET", "lock:job", PRL_ID, "EX", "30"]);
    let out = run(
        &s.url(),
        &["lock", "release", "lock:job", "--token", "wrong"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(s.cli(&["EXISTS", "lock-signal:job"]), "0");
}

#[test]
fn extending_a_lock_keeps_its_fence_counter_alive() {
    let s = RedisServer::start();
    let day = 86_400_000;
    let token = text(&run(&s.url(), &["lock", "acquire", "fx:e", "--ttl", "10s"]));
    s.cli(&["PEXPIRE", "{fx:e}:cachectl:fence", "5000"]);
    let out = run(
        &s.url(),
        &["lock", "extend", "fx:e", "--token", &token, "--ttl", "10s"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        fence_pttl(&s, "fx:e") > 29 * day,
        "a held lock's counter lives on"
    );
    // A persistent counter stays persistent.
    let token = text(&run(
        &s.url(),
        &[
            "lock",
            "acquire",
            "fx:p",
            "--ttl",
            "10s",
            "--fence-ttl",
            "0",
        ],
    ));
    let out = run(
        &s.url(),
        &["lock", "extend", "fx:p", "--token", &token, "--ttl", "10s"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(fence_pttl(&s, "fx:p"), -1);
    // A counter that could expire while the lock is held is refused.
    let out = run(
        &s.url(),
        &[
            "lock",
            "acquire",
            "fx:s",
            "--ttl",
            "1m",
            "--fence-ttl",
            "30s",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(s.cli(&["EXISTS", "fx:s"]), "0");
}
