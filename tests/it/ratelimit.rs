//! ratelimit-test: exact counts on fresh keys, retry-after, cost, concurrency,
//! the server's clock, --inspect on application-written state, --reset,
//! --interactive through a pseudo-terminal, and a cluster.

use std::io::{Read, Write};
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

use crate::common::resp::Conn;
use crate::common::{
    cachectl_std, free_port, send_signal, wait_until, RedisCluster, RedisServer, Reply,
};
use crate::fixtures::{json, run, spawn, stderr};

const ALGOS: [&str; 4] = ["sliding-log", "fixed-window", "token-bucket", "gcra"];

/// `--json ratelimit-test KEY ARGS…`, which must succeed; its JSON.
fn rl(url: &str, key: &str, args: &[&str]) -> Value {
    let mut argv = vec!["--json", "ratelimit-test", key];
    argv.extend_from_slice(args);
    let out = run(url, &argv);
    assert!(
        out.status.success(),
        "ratelimit-test {key} {args:?}: {}",
        stderr(&out)
    );
    json(&out)
}

fn rl_out(url: &str, key: &str, args: &[&str]) -> Output {
    let mut argv = vec!["ratelimit-test", key];
    argv.extend_from_slice(args);
    run(url, &argv)
}

fn int(v: &Value, field: &str) -> i64 {
    v[field]
        .as_i64()
        .unwrap_or_else(|| panic!("{field} is not an integer in {v}"))
}

/// The server's clock in µs (TIME).
fn server_now_us(s: &RedisServer) -> i64 {
    let reply = s.call(&[b"TIME"]);
    let parts = reply.as_array().expect("TIME is an array");
    let secs: i64 = parts[0]
        .as_str()
        .and_then(|t| t.parse().ok())
        .expect("secs");
    let micros: i64 = parts[1]
        .as_str()
        .and_then(|t| t.parse().ok())
        .expect("micros");
    secs * 1_000_000 + micros
}

fn pttl(s: &RedisServer, key: &str) -> i64 {
    s.cli(&["PTTL", key]).parse().expect("PTTL is a number")
}

/// The key's serialised value and TTL: equal before and after means unchanged.
fn fingerprint(s: &RedisServer, key: &str) -> (Vec<u8>, i64) {
    let dump = s
        .call(&[b"DUMP", key.as_bytes()])
        .as_bytes()
        .map(<[u8]>::to_vec)
        .unwrap_or_default();
    (dump, pttl(s, key))
}

fn assert_unchanged(s: &RedisServer, key: &str, before: &(Vec<u8>, i64)) {
    let after = fingerprint(s, key);
    assert_eq!(after.0, before.0, "{key}: contents changed");
    assert!(
        after.1 <= before.1 && after.1 > 0,
        "{key}: TTL changed from {} to {}",
        before.1,
        after.1
    );
}

/// Flags for a limiter whose fresh capacity is 3 within a long window.
fn three_per_hour(algo: &str) -> Vec<&str> {
    let mut a = vec!["--algo", algo, "--window", "1h"];
    if matches!(algo, "token-bucket" | "gcra") {
        a.extend(["--limit", "10", "--burst", "3"]);
    } else {
        a.extend(["--limit", "3"]);
    }
    a
}

#[test]
fn a_fresh_key_allows_exactly_the_limit_within_one_window() {
    let s = RedisServer::start();
    for algo in ALGOS {
        let key = format!("rl:exact:{algo}");
        let v = rl(
            &s.url(),
            &key,
            &[&three_per_hour(algo)[..], &["--requests", "7"]].concat(),
        );
        assert_eq!(v["algorithm"], algo);
        assert_eq!(int(&v, "window_ms"), 3_600_000);
        assert_eq!(int(&v, "requests"), 7);
        assert_eq!(
            (int(&v, "allowed"), int(&v, "denied")),
            (3, 4),
            "{algo}: {v}"
        );
        let results = v["results"].as_array().expect("results");
        assert_eq!(results.len(), 7);
        for (i, r) in results.iter().enumerate() {
            let allowed = i < 3;
            assert_eq!(r["allowed"], allowed, "{algo} request {i}: {r}");
            if allowed {
                assert_eq!(int(r, "remaining"), 2 - i as i64, "{algo}: {r}");
                assert_eq!(int(r, "retry_after_ms"), 0);
            } else {
                assert_eq!(int(r, "remaining"), 0, "{algo}: {r}");
                assert!(int(r, "retry_after_ms") > 0, "{algo}: {r}");
            }
            assert!(r["offset_ms"].as_f64().is_some());
        }
    }
}

#[test]
fn every_key_a_limiter_writes_has_a_ttl() {
    let s = RedisServer::start();
    for algo in ALGOS {
        for args in [three_per_hour(algo), vec!["--algo", algo, "--window", "2s"]] {
            let key = format!("rl:ttl:{algo}:{}", args.len());
            rl(&s.url(), &key, &[&args[..], &["--requests", "5"]].concat());
        }
    }
    let keys = s.cli(&["--scan"]);
    let keys: Vec<&str> = keys.lines().collect();
    assert_eq!(
        keys.len(),
        8,
        "one key per limiter, no companions: {keys:?}"
    );
    for key in keys {
        let ttl = pttl(&s, key);
        assert!(ttl > 0 && ttl <= 3_600_000, "{key} has PTTL {ttl}");
    }
}

/// Requests every 100ms through a 2-per-second limiter: the first denial
/// carries a retry-after, and the next allowed request comes no earlier than
/// that (offsets are the client's monotonic clock, within one process).
fn retry_after_then_allowed(algo: &str) {
    let s = RedisServer::start();
    let key = format!("rl:retry:{algo}");
    let v = rl(
        &s.url(),
        &key,
        &[
            "--algo",
            algo,
            "--limit",
            "2",
            "--window",
            "1s",
            "--interval",
            "100ms",
            "--requests",
            "16",
        ],
    );
    let results = v["results"].as_array().expect("results");
    let at = |r: &Value| r["offset_ms"].as_f64().expect("offset");
    let first_denial = results
        .iter()
        .position(|r| r["allowed"] == false)
        .unwrap_or_else(|| panic!("{algo}: nothing denied: {v}"));
    // Two fit; a stalled machine may delay the third until a slot is back.
    assert!(first_denial >= 2, "{algo}: {v}");
    let denied = &results[first_denial];
    let retry = int(denied, "retry_after_ms");
    assert!(retry > 0 && retry <= 1000, "{algo}: retry-after {retry}");
    let again = results[first_denial..]
        .iter()
        .find(|r| r["allowed"] == true)
        .unwrap_or_else(|| panic!("{algo}: never allowed again: {v}"));
    let waited = at(again) - at(denied);
    assert!(
        waited >= retry as f64 - 5.0,
        "{algo}: allowed {waited}ms after the denial, retry-after said {retry}ms"
    );
    for r in &results[first_denial..] {
        if at(r) - at(denied) < retry as f64 - 5.0 {
            assert_eq!(
                r["allowed"], false,
                "{algo}: allowed before the retry-after: {v}"
            );
        }
    }
}

#[test]
fn sliding_log_retry_after() {
    retry_after_then_allowed("sliding-log");
}

#[test]
fn fixed_window_retry_after() {
    retry_after_then_allowed("fixed-window");
}

#[test]
fn token_bucket_retry_after() {
    retry_after_then_allowed("token-bucket");
}

#[test]
fn gcra_retry_after() {
    retry_after_then_allowed("gcra");
}

#[test]
fn a_cost_above_the_capacity_is_denied_and_consumes_nothing() {
    let s = RedisServer::start();
    for algo in ALGOS {
        let key = format!("rl:cost:{algo}");
        let base = three_per_hour(algo);
        let v = rl(
            &s.url(),
            &key,
            &[&base[..], &["--requests", "1", "--cost", "4"]].concat(),
        );
        assert_eq!(int(&v, "allowed"), 0, "{algo}: {v}");
        assert!(v["results"][0]["retry_after_ms"].is_null(), "never: {v}");
        assert_eq!(
            s.cli(&["EXISTS", &key]),
            "0",
            "{algo}: a fresh key stays unwritten"
        );
        // With state: one allowed request, then the oversized one changes nothing.
        rl(&s.url(), &key, &[&base[..], &["--requests", "1"]].concat());
        let before = fingerprint(&s, &key);
        let v = rl(
            &s.url(),
            &key,
            &[&base[..], &["--requests", "1", "--cost", "4"]].concat(),
        );
        assert_eq!(int(&v, "allowed"), 0);
        assert_unchanged(&s, &key, &before);
        let v = rl(&s.url(), &key, &[&base[..], &["--requests", "5"]].concat());
        assert_eq!(int(&v, "allowed"), 2, "{algo}: two of three are left: {v}");
        // A cost that fits is charged in full.
        let key = format!("rl:cost2:{algo}");
        let v = rl(
            &s.url(),
            &key,
            &[&base[..], &["--requests", "3", "--cost", "2"]].concat(),
        );
        assert_eq!(int(&v, "allowed"), 1, "{algo}: {v}");
        assert_eq!(int(&v["results"][0], "remaining"), 1, "{algo}: {v}");
        if algo == "sliding-log" {
            // One entry per unit: an application counting with ZCARD sees 2.
            assert_eq!(s.cli(&["ZCARD", &key]), "2");
        }
    }
}

#[test]
fn twenty_concurrent_clients_never_get_more_than_the_limit() {
    let s = RedisServer::start();
    for algo in ALGOS {
        let key = format!("rl:many:{algo}");
        let mut args = vec![
            "--url".to_string(),
            s.url(),
            "--json".into(),
            "ratelimit-test".into(),
            key.clone(),
        ];
        args.extend(three_per_hour(algo).iter().map(|a| a.to_string()));
        args.extend(["--requests".into(), "4".into()]);
        let clients: Vec<Child> = (0..20)
            .map(|_| {
                cachectl_std()
                    .args(&args)
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("spawn a client")
            })
            .collect();
        let mut allowed = 0;
        for c in clients {
            let out = c.wait_with_output().expect("client");
            assert!(out.status.success(), "{}", stderr(&out));
            allowed += int(&json(&out), "allowed");
        }
        assert_eq!(
            allowed, 3,
            "{algo}: 20 clients × 4 requests against a capacity of 3"
        );
    }
    // The same from one process with 20 concurrent workers.
    let v = rl(
        &s.url(),
        "rl:many:workers",
        &[
            "--limit",
            "10",
            "--window",
            "1h",
            "--requests",
            "200",
            "--concurrency",
            "20",
        ],
    );
    assert_eq!(int(&v, "allowed"), 10, "{v}");
    let workers: std::collections::HashSet<i64> = v["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| int(r, "worker"))
        .collect();
    assert!(workers.len() > 1, "requests were spread over workers");
}

#[test]
fn a_skewed_client_clock_changes_nothing() {
    let probe = std::process::Command::new("faketime")
        .args(["-f", "-3d", "date", "+%s"])
        .output()
        .unwrap_or_else(|e| {
            panic!("faketime is needed for this test (scripts/ensure-redis.sh installs it): {e}")
        });
    let skewed: i64 = String::from_utf8_lossy(&probe.stdout)
        .trim()
        .parse()
        .expect("faketime prints a time");
    let real = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64;
    assert!(real - skewed > 86_400, "faketime does skew the clock");

    let s = RedisServer::start();
    let bin = env!("CARGO_BIN_EXE_cachectl");
    for algo in ALGOS {
        let key = format!("rl:skew:{algo}");
        for (skew, requests, want) in [("-3d", "2", 2), ("+400d", "3", 1)] {
            let mut cmd = std::process::Command::new("faketime");
            cmd.args([
                "-f",
                skew,
                bin,
                "--url",
                &s.url(),
                "--json",
                "ratelimit-test",
                &key,
            ])
            .args(three_per_hour(algo))
            .args(["--requests", requests])
            .env_remove("REDIS_URL")
            .stdin(Stdio::null());
            let out = cmd.output().expect("run cachectl under faketime");
            assert!(out.status.success(), "{}", stderr(&out));
            assert_eq!(
                int(&json(&out), "allowed"),
                want,
                "{algo} with a client clock {skew}: the limit is shared as if no skew"
            );
        }
        // What was written is stamped with the server's time.
        let now_us = server_now_us(&s) as f64;
        let stamp_us = match algo {
            "sliding-log" => s
                .cli(&["ZRANGE", &key, "-1", "-1", "WITHSCORES"])
                .lines()
                .nth(1)
                .and_then(|t| t.parse::<f64>().ok())
                .map(|ms| ms * 1e3),
            "token-bucket" => s
                .cli(&["HGET", &key, "ts"])
                .parse::<f64>()
                .ok()
                .map(|ms| ms * 1e3),
            "gcra" => s
                .cli(&["GET", &key])
                .parse::<f64>()
                .ok()
                // Three requests at 10 per hour put the TAT 3 × 360s ahead.
                .map(|tat| (tat + 1_483_228_800.0 - 3.0 * 360.0) * 1e6),
            _ => Some(now_us),
        }
        .expect("a timestamp");
        assert!(
            (stamp_us - now_us).abs() < 60e6,
            "{algo}: stored time {stamp_us} is not the server's {now_us}"
        );
    }
}

#[test]
fn count_denied_keeps_a_hammering_client_blocked() {
    let s = RedisServer::start();
    let paced = [
        "--limit",
        "2",
        "--window",
        "1s",
        "--interval",
        "100ms",
        "--requests",
        "15",
    ];
    let polite = rl(&s.url(), "rl:hammer:plain", &paced);
    assert!(
        int(&polite, "allowed") > 2,
        "without --count-denied, slots free up as the window slides: {polite}"
    );
    let mut counted = paced.to_vec();
    counted.push("--count-denied");
    let v = rl(&s.url(), "rl:hammer:counted", &counted);
    assert_eq!(
        int(&v, "allowed"),
        2,
        "recorded denials keep the window full: {v}"
    );
    assert!(v["notes"].to_string().contains("stays blocked"), "{v}");
    // The log keeps the newest --limit entries: the denials replaced the
    // allowed ones, and no more than the limit is kept.
    assert_eq!(s.cli(&["ZCARD", "rl:hammer:counted"]), "2");
    let members = s.cli(&["ZRANGE", "rl:hammer:counted", "0", "-1"]);
    // Members are RUN:N:UNIT; requests 0 and 1 were the allowed ones.
    let request_of = |m: &str| m.rsplit(':').nth(1).and_then(|n| n.parse::<u64>().ok());
    assert!(
        members
            .lines()
            .all(|m| request_of(m).is_some_and(|n| n >= 2)),
        "denied requests were recorded in place of the first two: {members}"
    );
    // Fixed window: denied requests increment the counter as the seeds' INCR does.
    let v = rl(
        &s.url(),
        "rl:hammer:fixed",
        &[
            "--algo",
            "fixed-window",
            "--limit",
            "2",
            "--window",
            "1h",
            "--requests",
            "5",
            "--count-denied",
        ],
    );
    assert_eq!(int(&v, "allowed"), 2);
    assert_eq!(s.cli(&["GET", "rl:hammer:fixed"]), "5");
}

#[test]
fn pacing_follows_the_interval_or_the_rate() {
    let s = RedisServer::start();
    for pace in [["--interval", "50ms"], ["--rps", "20"]] {
        let key = format!("rl:pace:{}", pace[0]);
        let v = rl(
            &s.url(),
            &key,
            &[&pace[..], &["--limit", "100", "--requests", "5"]].concat(),
        );
        let offsets: Vec<f64> = v["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| r["offset_ms"].as_f64().expect("offset"))
            .collect();
        for (i, at) in offsets.iter().enumerate() {
            assert!(
                *at >= i as f64 * 50.0 - 1.0,
                "{pace:?}: request {i} at {at}ms"
            );
        }
        assert!(
            v["observed_rps"]
                .as_f64()
                .is_some_and(|r| r > 0.0 && r < 40.0),
            "{v}"
        );
    }
}

#[test]
fn ctrl_c_stops_a_paced_run_and_reports_what_was_sent() {
    let s = RedisServer::start();
    let mut child = spawn(
        &s.url(),
        &[
            "--json",
            "ratelimit-test",
            "rl:int",
            "--limit",
            "1000",
            "--rps",
            "20",
            "--requests",
            "10000",
        ],
    );
    let zcard = || s.cli(&["ZCARD", "rl:int"]).parse::<i64>().unwrap_or(0);
    wait_until(Duration::from_secs(20), "a few requests sent", || {
        zcard() >= 3
    });
    assert!(send_signal(child.id(), "INT"));
    wait_until(Duration::from_secs(20), "exit after SIGINT", || {
        child.try_wait().ok().flatten().is_some()
    });
    let out = child.wait_with_output().expect("output");
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["interrupted"], true);
    let sent = int(&v, "requests");
    assert!((3..10_000).contains(&sent), "{v}");
    assert_eq!(
        int(&v, "allowed"),
        zcard(),
        "every reported request is in the log"
    );
}

/// What the seeds' pipelines do: ZADD the request (score and member the
/// timestamp), then EXPIRE, in quick succession, so that the TTL starts with
/// the newest entry. Raw calls, not redis-cli processes, keep the gap small
/// on a loaded machine.
fn zadd_then_expire(s: &RedisServer, key: &str, stamps: &[String], seconds: &str) {
    let mut args: Vec<&[u8]> = vec![b"ZADD", key.as_bytes()];
    for t in stamps {
        args.extend([t.as_bytes(), t.as_bytes()]);
    }
    assert_eq!(s.call(&args).as_int(), Some(stamps.len() as i64));
    assert_eq!(
        s.call(&[b"EXPIRE", key.as_bytes(), seconds.as_bytes()])
            .as_int(),
        Some(1)
    );
}

/// The Go seed's scraper limiter: ZSET `ratelimit:scraper:NAME`, scores and
/// members `time.Now().UnixNano()`, EXPIRE window after each request.
#[test]
fn inspect_explains_a_go_nanosecond_log_without_changing_it() {
    let s = RedisServer::start();
    let key = "ratelimit:scraper:amazon";
    let now_ns = server_now_us(&s) * 1000;
    let mut stamps: Vec<String> = (0..7)
        .map(|age_s| (now_ns - age_s * 1_000_000_000).to_string())
        .collect();
    stamps.push((now_ns - 120_000_000_000).to_string());
    zadd_then_expire(&s, key, &stamps, "60");
    let before = fingerprint(&s, key);

    let v = rl(&s.url(), key, &["--inspect", "--limit", "10"]);
    assert_eq!(v["layout"], "sliding-log");
    assert_eq!(v["unit"], "ns");
    assert_eq!(
        int(&v, "window_ms"),
        60_000,
        "inferred from TTL + newest age: {v}"
    );
    assert_eq!(int(&v, "entries"), 8);
    assert_eq!(int(&v, "in_window"), 7);
    assert_eq!(int(&v, "expired"), 1);
    assert_eq!(int(&v, "remaining"), 3);
    assert_eq!(int(&v, "next_slot_ms"), 0);
    let oldest = int(&v, "oldest_age_ms");
    assert!((120_000..125_000).contains(&oldest), "{v}");

    let full = rl(
        &s.url(),
        key,
        &["--inspect", "--limit", "7", "--window", "1m"],
    );
    assert_eq!(int(&full, "remaining"), 0);
    // The 7th newest entry (6s old) leaves the window in about 54s.
    // The 7th newest entry is 6s older than the newest: it leaves the window
    // that much before the log would be empty.
    let next = int(&full, "next_slot_ms");
    let newest_age = int(&full, "newest_age_ms");
    assert!(next <= 54_000, "{full}");
    assert!((next + newest_age + 6_000 - 60_000).abs() <= 2, "{full}");
    assert_unchanged(&s, key, &before);

    // cachectl then writes into the same log in the log's own unit.
    let run = rl(
        &s.url(),
        key,
        &["--limit", "10", "--window", "1m", "--requests", "5"],
    );
    assert_eq!(run["unit"], "ns");
    assert_eq!(int(&run, "allowed"), 3);
    let newest: f64 = s
        .cli(&["ZRANGE", key, "-1", "-1", "WITHSCORES"])
        .lines()
        .nth(1)
        .and_then(|t| t.parse().ok())
        .expect("score");
    assert!((newest - now_ns as f64).abs() < 30e9, "ns scores: {newest}");
}

#[test]
fn inspect_explains_a_ms_log_a_counter_and_a_token_hash() {
    let s = RedisServer::start();
    let now_ms = server_now_us(&s) / 1000;
    // The TypeScript seed: score and member Date.now(), EXPIRE ceil(window/1000).
    let log = "ratelimit:api:alice";
    let stamps: Vec<String> = [2000, 1000, 0]
        .iter()
        .map(|age| (now_ms - age).to_string())
        .collect();
    zadd_then_expire(&s, log, &stamps, "10");
    // The Go README seed: INCR then EXPIRE 1 minute on `ratelimit:USER`.
    let counter = "ratelimit:42";
    for _ in 0..3 {
        s.cli(&["INCR", counter]);
    }
    s.cli(&["EXPIRE", counter, "60"]);
    // A token bucket: 2 tokens stored 1.5s ago.
    let bucket = "bucket:bob";
    s.cli(&[
        "HSET",
        bucket,
        "tokens",
        "2",
        "ts",
        &(now_ms - 1500).to_string(),
    ]);
    s.cli(&["PEXPIRE", bucket, "60000"]);
    let before: Vec<_> = [log, counter, bucket]
        .iter()
        .map(|k| fingerprint(&s, k))
        .collect();

    let v = rl(&s.url(), log, &["--inspect", "--limit", "3"]);
    assert_eq!(
        (v["layout"].as_str(), v["unit"].as_str()),
        (Some("sliding-log"), Some("ms"))
    );
    assert_eq!(int(&v, "in_window"), 3);
    assert_eq!(int(&v, "remaining"), 0);
    let next = int(&v, "next_slot_ms");
    assert_eq!(int(&v, "window_ms"), 10_000, "TTL + newest age: {v}");
    assert!(int(&v, "oldest_age_ms") >= 2_000, "{v}");
    assert!(
        (next + int(&v, "oldest_age_ms") - 10_000).abs() <= 2,
        "the oldest leaves a 10s window: {v}"
    );

    let v = rl(&s.url(), counter, &["--inspect", "--limit", "100"]);
    assert_eq!(v["layout"], "fixed-window");
    assert_eq!((int(&v, "count"), int(&v, "remaining")), (3, 97));
    assert!((1..=60_000).contains(&int(&v, "reset_after_ms")), "{v}");

    let v = rl(
        &s.url(),
        bucket,
        &[
            "--inspect",
            "--limit",
            "1",
            "--window",
            "1s",
            "--burst",
            "5",
        ],
    );
    assert_eq!(v["layout"], "token-bucket");
    // 2 tokens stored, plus 1 per second since `ts`, at most 5.
    let now_tokens = v["tokens_now"].as_f64().expect("tokens_now");
    let age_s = int(&v, "updated_age_ms") as f64 / 1000.0;
    assert!(age_s >= 1.5, "{v}");
    assert!((now_tokens - (2.0 + age_s).min(5.0)).abs() < 0.01, "{v}");
    assert_eq!(int(&v, "remaining"), now_tokens.floor() as i64);

    for (k, b) in [log, counter, bucket].iter().zip(&before) {
        assert_unchanged(&s, k, b);
    }

    // Plain output: one fact per line.
    let out = rl_out(&s.url(), counter, &["--inspect", "-o", "plain"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.lines().any(|l| l == "count\t3"), "{text}");
}

/// go-redis/redis_rate keeps the TAT under `rate:KEY` as float seconds since
/// 2017-01-01. 10 per hour: one request every 360s; 3 used → TAT 1080s ahead.
#[test]
fn inspect_reads_a_redis_rate_key_and_gcra_continues_it() {
    let s = RedisServer::start();
    let key = "rate:user:42";
    let now_s = server_now_us(&s) as f64 / 1e6 - 1_483_228_800.0;
    let tat = format!("{:.6}", now_s + 3.0 * 360.0);
    s.cli(&["SET", key, &tat, "EX", "1080"]);
    let before = fingerprint(&s, key);

    let v = rl(
        &s.url(),
        key,
        &["--inspect", "--limit", "10", "--window", "1h"],
    );
    assert_eq!(v["layout"], "gcra");
    assert_eq!(v["encoding"], "s-since-2017");
    assert_eq!(int(&v, "remaining"), 7);
    assert_eq!(v["limited"], false);
    let ahead = int(&v, "tat_ahead_ms");
    assert!((1_070_000..=1_080_000).contains(&ahead), "{v}");
    assert_unchanged(&s, key, &before);

    let run = rl(
        &s.url(),
        key,
        &[
            "--algo",
            "gcra",
            "--limit",
            "10",
            "--window",
            "1h",
            "--requests",
            "10",
        ],
    );
    assert_eq!(
        int(&run, "allowed"),
        7,
        "continues the application's schedule: {run}"
    );
    let stored: f64 = s.cli(&["GET", key]).parse().expect("a float TAT");
    let ahead_s = stored - (server_now_us(&s) as f64 / 1e6 - 1_483_228_800.0);
    assert!(
        (3590.0..=3600.5).contains(&ahead_s),
        "TAT now ~1h ahead: {ahead_s}"
    );
}

#[test]
fn missing_foreign_and_mismatched_keys() {
    let s = RedisServer::start();
    let v = rl(&s.url(), "rl:nothing", &["--inspect"]);
    assert_eq!(
        (v["exists"].as_bool(), v["layout"].as_str()),
        (Some(false), Some("none"))
    );

    s.cli(&["RPUSH", "rl:list", "a"]);
    let v = rl(&s.url(), "rl:list", &["--inspect"]);
    assert_eq!(v["layout"], "unknown");

    // Driving a counter with another algorithm would misread it: refused, unchanged.
    s.cli(&["SET", "rl:counter", "4", "EX", "100"]);
    let before = fingerprint(&s, "rl:counter");
    for algo in ["sliding-log", "token-bucket", "gcra"] {
        let out = rl_out(&s.url(), "rl:counter", &["--algo", algo, "--requests", "1"]);
        assert_eq!(out.status.code(), Some(2), "{algo}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("fixed-window counter"),
            "{}",
            stderr(&out)
        );
    }
    assert_unchanged(&s, "rl:counter", &before);
}

#[test]
fn reset_asks_first_then_deletes() {
    let s = RedisServer::start();
    rl(&s.url(), "rl:reset", &["--limit", "2", "--requests", "1"]);
    let out = rl_out(&s.url(), "rl:reset", &["--reset"]);
    assert_eq!(out.status.code(), Some(2), "no terminal, no --yes");
    assert_eq!(s.cli(&["EXISTS", "rl:reset"]), "1");
    let v = rl(&s.url(), "rl:reset", &["--reset", "--yes"]);
    assert_eq!(v["deleted"], true);
    assert_eq!(s.cli(&["EXISTS", "rl:reset"]), "0");
    let v = rl(&s.url(), "rl:reset", &["--reset"]);
    assert_eq!(v["deleted"], false, "nothing to delete, nothing asked");
}

#[test]
fn bad_input_is_refused_before_connecting() {
    // Nothing listens here: a usage error must come first (exit 2, not 3).
    let url = format!("redis://127.0.0.1:{}", free_port());
    for args in [
        &["--limit", "0"][..],
        &["--requests", "0"],
        &["--rps", "0"],
        &["--rps", "-3"],
        &["--rps", "nan"],
        &["--window", "0"],
        &["--window", "500us"],
        &["--cost", "0"],
        &["--concurrency", "0"],
        &["--burst", "5"],
        &["--algo", "gcra", "--count-denied"],
        &["--algo", "fixed-window", "--unit", "ns"],
        &["--interval", "1s", "--rps", "3"],
        &["--inspect", "--requests", "3"],
        &["--reset", "--interactive"],
        &["--interactive"],
        &["--algo", "leaky"],
        // Beyond the sliding log's bounds: each unit is one sorted-set entry.
        &["--cost", "1001"],
        &["--limit", "1000000", "--cost", "1000000"],
        &["--limit", "100001"],
        &[
            "--limit",
            "1000000000",
            "--cost",
            "1000000000",
            "--count-denied",
        ],
        // One request per 10^300 s: not a pace (it used to panic).
        &["--rps", "1e-300"],
    ] {
        let out = rl_out(&url, "k", args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
    let out = rl_out(&url, "k", &["--requests", "1"]);
    assert_eq!(out.status.code(), Some(3), "unreachable: {}", stderr(&out));
}

#[test]
fn prefix_and_plain_output() {
    let s = RedisServer::start();
    let out = run(
        &s.url(),
        &[
            "--prefix",
            "tenant",
            "-o",
            "plain",
            "ratelimit-test",
            "api",
            "--limit",
            "2",
            "--requests",
            "3",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(
        lines[0].starts_with("1\t") && lines[0].contains("\tallowed\t1\t"),
        "{text}"
    );
    assert!(lines[2].contains("\tdenied\t0\t"), "{text}");
    assert!(
        lines[3].starts_with("summary: 2 allowed, 1 denied of 3"),
        "{text}"
    );
    assert_eq!(s.cli(&["ZCARD", "tenant:api"]), "2");
}

/// A cachectl under `script`, its screen collected by a thread.
struct Session {
    child: Child,
    keys: Option<ChildStdin>,
    screen: Arc<Mutex<Vec<u8>>>,
}

impl Session {
    fn start(url: &str, args: &str) -> Self {
        let bin = env!("CARGO_BIN_EXE_cachectl");
        let mut child = std::process::Command::new("script")
            .args([
                "-qec",
                &format!("stty cols 120 rows 50; {bin} --url {url} {args}"),
                "/dev/null",
            ])
            .env_remove("REDIS_URL")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn script");
        let screen = Arc::new(Mutex::new(Vec::new()));
        let mut stdout = child.stdout.take().expect("stdout");
        let sink = screen.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().expect("screen").extend_from_slice(&buf[..n]);
            }
        });
        let keys = child.stdin.take();
        Session {
            child,
            keys,
            screen,
        }
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.screen.lock().expect("screen")).into_owned()
    }

    fn wait_for(&self, what: &str) {
        wait_until(Duration::from_secs(20), what, || self.text().contains(what));
    }

    fn press(&mut self, key: &str) {
        let keys = self.keys.as_mut().expect("stdin");
        keys.write_all(key.as_bytes()).expect("type");
        keys.flush().expect("flush");
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn interactive_mode_fires_one_request_per_enter_on_a_terminal() {
    let s = RedisServer::start();
    let mut session = Session::start(
        &s.url(),
        "ratelimit-test rl:tty --limit 2 --window 1h --interactive",
    );
    session.wait_for("no request sent yet");
    session.press("\r");
    session.wait_for("total: 1 allowed, 0 denied");
    session.press("\r");
    session.wait_for("total: 2 allowed, 0 denied");
    session.press("\r");
    session.wait_for("total: 2 allowed, 1 denied");
    let screen = session.text();
    assert!(
        screen.contains("ALLOWED") && screen.contains("DENIED"),
        "{screen}"
    );
    assert!(
        screen.contains("retry after 1h") || screen.contains("retry after 59m"),
        "{screen}"
    );
    assert!(screen.contains("state: sliding-log (zset)"), "{screen}");
    assert!(screen.contains("at the limit"), "{screen}");
    session.press("q");
    let mut status = None;
    wait_until(Duration::from_secs(20), "quit on q", || {
        status = session.child.try_wait().expect("try_wait");
        status.is_some()
    });
    assert_eq!(
        status.and_then(|st| st.code()),
        Some(0),
        "{}",
        session.text()
    );
    session.wait_for("peak allowed in a window");
    assert_eq!(s.cli(&["ZCARD", "rl:tty"]), "2", "one request per Enter");
}

#[test]
fn limiters_on_a_cluster() {
    let c = RedisCluster::start();
    for algo in ALGOS {
        for key in [format!("cl:rl:{algo}"), format!("{{user:7}}:rl:{algo}")] {
            let v = rl(
                &c.url(),
                &key,
                &[&three_per_hour(algo)[..], &["--requests", "5"]].concat(),
            );
            assert_eq!(int(&v, "allowed"), 3, "{algo} {key}: {v}");
            let ttl: i64 = c.cli_c(&["PTTL", &key]).parse().expect("pttl");
            assert!(ttl > 0, "{key} has a TTL");
            let i = rl(
                &c.url(),
                &key,
                &[&three_per_hour(algo)[..], &["--inspect"]].concat(),
            );
            assert_eq!(i["layout"], algo, "{i}");
            assert_eq!(int(&i, "remaining"), 0, "{i}");
        }
    }
}

/// A neighbour client on its own connection sends PING until `done`; the
/// longest wait for a PONG. A Lua call blocks every client of the server, so
/// this is what other applications see while a limiter script runs.
fn longest_ping_while(s: &RedisServer, done: impl FnOnce()) -> Result<Duration, String> {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Instant;
    let mut conn = Conn::connect(s.port).expect("neighbour connects");
    conn.set_read_timeout(Duration::from_secs(120))
        .expect("timeout");
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let pinger = scope.spawn(|| {
            let mut longest = Duration::ZERO;
            while !stop.load(Ordering::SeqCst) {
                let sent = Instant::now();
                match conn.call(&[b"PING"]).expect("PONG read") {
                    Reply::Status(pong) if pong == "PONG" => {}
                    // -BUSY: a script ran past lua-time-limit.
                    other => return Err(format!("{other:?}")),
                }
                longest = longest.max(sent.elapsed());
                // Pacing, not synchronisation: a PING every few ms.
                std::thread::sleep(Duration::from_millis(3));
            }
            Ok(longest)
        });
        done();
        stop.store(true, Ordering::SeqCst);
        pinger.join().expect("neighbour thread")
    })
}

fn used_memory(s: &RedisServer) -> u64 {
    s.info_field("memory", "used_memory")
        .and_then(|m| m.parse().ok())
        .expect("used_memory")
}

/// No flag values make one request do unbounded work: a neighbour's PING is
/// answered within two seconds while the heaviest runs go (the old code ran a
/// million ZADDs in one Lua call, seconds of a frozen server), and the log
/// never holds more than the limit.
#[test]
fn the_server_answers_its_other_clients_whatever_the_flags() {
    let cases: [&[&str]; 4] = [
        // Used to freeze the server for seconds (a million ZADDs in one call).
        &["--limit", "1000000", "--cost", "1000000", "--requests", "1"],
        // The largest sliding log allowed, hammered with denials.
        &[
            "--limit",
            "100000",
            "--cost",
            "1000",
            "--count-denied",
            "--requests",
            "300",
            "--concurrency",
            "4",
            "--window",
            "1h",
        ],
        // Every entry expires before the next request: pruning keeps up.
        &[
            "--limit",
            "1000",
            "--cost",
            "1000",
            "--window",
            "1ms",
            "--requests",
            "200",
            "--concurrency",
            "4",
        ],
        // The counters' arithmetic has no per-unit work at all.
        &[
            "--algo",
            "fixed-window",
            "--limit",
            "1000000000",
            "--cost",
            "1000000000",
            "--count-denied",
            "--requests",
            "50",
        ],
    ];
    for args in cases {
        let s = RedisServer::start();
        let before = used_memory(&s);
        let mut out = None;
        let longest = longest_ping_while(&s, || out = Some(rl_out(&s.url(), "rl:heavy", args)));
        let out = out.expect("ran");
        assert!(
            matches!(out.status.code(), Some(0 | 2)),
            "{args:?}: {}",
            stderr(&out)
        );
        match longest {
            // A script of a few ms of CPU stretches to tens of ms when the
            // machine is loaded; a frozen server is seconds (then BUSY).
            Ok(t) => assert!(
                t < Duration::from_secs(2),
                "{args:?}: a neighbour waited {t:?} for PONG"
            ),
            Err(reply) => panic!("{args:?}: a neighbour's PING got {reply}"),
        }
        let kind = s.cli(&["TYPE", "rl:heavy"]);
        if kind == "zset" {
            let card: u64 = s.cli(&["ZCARD", "rl:heavy"]).parse().expect("zcard");
            assert!(card <= 100_000, "{args:?}: {card} entries");
        }
        let grown = used_memory(&s).saturating_sub(before);
        assert!(
            grown < 48 << 20,
            "{args:?}: the server grew by {grown} bytes"
        );
    }
}

#[test]
fn count_denied_with_a_cost_above_the_capacity_writes_nothing() {
    let s = RedisServer::start();
    for algo in ["sliding-log", "fixed-window"] {
        let key = format!("rl:over:{algo}");
        let base = three_per_hour(algo);
        let v = rl(
            &s.url(),
            &key,
            &[
                &base[..],
                &["--requests", "3", "--cost", "4", "--count-denied"],
            ]
            .concat(),
        );
        assert_eq!(int(&v, "allowed"), 0, "{algo}: {v}");
        assert_eq!(s.cli(&["EXISTS", &key]), "0", "{algo}: consumes nothing");
    }
}

/// A log an application filled (here 20,000 expired entries) is pruned a
/// bounded slice per request, so no single request blocks the server for
/// long; the verdicts ignore the expired entries all the same.
#[test]
fn a_huge_expired_log_is_pruned_a_bounded_slice_per_request() {
    let s = RedisServer::start();
    let key = "rl:huge";
    // Millisecond timestamps two hours old and older.
    let fill = "local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        for i = 1, 20000 do redis.call('ZADD', KEYS[1], now - 7200000 - i, 'app:' .. i) end
        return redis.call('ZCARD', KEYS[1])";
    assert_eq!(
        s.call(&[b"EVAL", fill.as_bytes(), b"1", key.as_bytes()])
            .as_int(),
        Some(20_000)
    );
    let window = ["--limit", "5", "--window", "1m"];
    let v = rl(&s.url(), key, &[&window[..], &["--requests", "1"]].concat());
    assert_eq!(int(&v, "allowed"), 1, "{v}");
    assert_eq!(int(&v["results"][0], "remaining"), 4, "{v}");
    let card: u64 = s.cli(&["ZCARD", key]).parse().expect("zcard");
    assert!(
        card > 1 && card < 20_000,
        "one request removed some expired entries, not all: {card} left"
    );
    let v = rl(
        &s.url(),
        key,
        &[&window[..], &["--requests", "10"]].concat(),
    );
    assert_eq!(int(&v, "allowed"), 4, "{v}");
    assert_eq!(s.cli(&["ZCARD", key]), "5", "all expired entries are gone");
}

/// A slow refill and a huge burst make a TTL of centuries; the server takes it
/// (the old scripts sent it as 2.6e+19, which PEXPIRE refuses: exit 3).
#[test]
fn refills_of_centuries_still_get_a_ttl() {
    let s = RedisServer::start();
    for algo in ["token-bucket", "gcra"] {
        let key = format!("rl:slow:{algo}");
        let v = rl(
            &s.url(),
            &key,
            &[
                "--algo",
                algo,
                "--limit",
                "1",
                "--window",
                "300d",
                "--burst",
                "1000000000",
                "--cost",
                "1000000000",
                "--requests",
                "2",
            ],
        );
        assert_eq!(int(&v, "allowed"), 1, "{algo}: {v}");
        assert!(pttl(&s, &key) > 0, "{algo}: the key has a TTL");
    }
}

/// The JSON of a long run is written request by request: 40,000 requests fit
/// in 64 MiB of heap (as one `Value`, about 2 KB each, they took 80 MB and
/// more, and a million of them gigabytes).
#[test]
fn a_long_run_prints_its_json_in_bounded_memory() {
    let s = RedisServer::start();
    let out = Command::new("sh")
        .arg("-c")
        .arg("ulimit -d 65536 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_cachectl"))
        .args(["--url", &s.url(), "--json", "ratelimit-test", "rl:long"])
        .args(["--algo", "fixed-window", "--limit", "1000000000"])
        .args(["--requests", "40000", "--concurrency", "8"])
        .stdin(Stdio::null())
        .output()
        .expect("run cachectl under a data limit");
    assert!(out.status.success(), "{:?}: {}", out.status, stderr(&out));
    let v = json(&out);
    assert_eq!(int(&v, "allowed"), 40_000, "{}", v["notes"]);
    let results = v["results"].as_array().expect("results");
    assert_eq!(results.len(), 40_000);
    assert_eq!(int(&results[39_999], "n"), 40_000);
    assert_eq!(s.cli(&["GET", "rl:long"]), "40000");
}

/// async-ratelimiter's reading of its log: the oldest member, as a number.
const ASYNC_RATELIMITER_OLDEST: &str =
    "local o = redis.call('ZRANGE', KEYS[1], 0, 0) return tostring(tonumber(o[1]) + tonumber(ARGV[1]))";

#[test]
fn members_written_into_a_numeric_log_are_numeric() {
    let s = RedisServer::start();
    let key = "limit:alice";
    let now_ms = server_now_us(&s) / 1000;
    // The library's shape: member and score the ms timestamp.
    let first = (now_ms - 500).to_string();
    zadd_then_expire(&s, key, std::slice::from_ref(&first), "10");
    let v = rl(
        &s.url(),
        key,
        &[
            "--limit",
            "20",
            "--window",
            "10s",
            "--requests",
            "3",
            "--cost",
            "2",
        ],
    );
    assert_eq!(int(&v, "allowed"), 3);
    let all = s.cli(&["ZRANGE", key, "0", "-1", "WITHSCORES"]);
    let lines: Vec<&str> = all.lines().collect();
    assert_eq!(lines.len(), 2 * 7, "one entry per unit of cost: {all}");
    for pair in lines.chunks(2) {
        let member: i64 = pair[0]
            .parse()
            .unwrap_or_else(|_| panic!("member {} is not a number: {all}", pair[0]));
        let score: f64 = pair[1].parse().expect("score");
        assert!((member as f64 - score).abs() < 1000.0, "{all}");
    }
    // The app's own entry gone, the library reads cachectl's oldest one.
    s.cli(&["ZREM", key, &first]);
    let out = s.cli(&["EVAL", ASYNC_RATELIMITER_OLDEST, "1", key, "10000"]);
    assert!(
        out.parse::<f64>().is_ok(),
        "the library's read fails: {out}"
    );
    // A log cachectl starts keeps its own unique members.
    let v = rl(
        &s.url(),
        "limit:fresh",
        &["--limit", "5", "--requests", "2"],
    );
    assert_eq!(int(&v, "allowed"), 2);
    assert_eq!(s.cli(&["ZCARD", "limit:fresh"]), "2");
}

/// limits 5.x' sliding window counter for 10 per minute: the previous
/// window's count under `K/-1` (weighted by the TTL it has left), the
/// current window's under `K` (TTL: the previous one's plus a window).
fn limits_sliding_window(
    s: &RedisServer,
    key: &str,
    previous: u64,
    previous_ttl_ms: u64,
    current: u64,
) {
    let prev = format!("{key}/-1");
    let w = 60_000;
    s.cli(&[
        "SET",
        &prev,
        &previous.to_string(),
        "PX",
        &previous_ttl_ms.to_string(),
    ]);
    s.cli(&[
        "SET",
        key,
        &current.to_string(),
        "PX",
        &(previous_ttl_ms + w).to_string(),
    ]);
}

#[test]
fn inspect_reads_a_limits_sliding_window_counter_as_the_library_does() {
    let s = RedisServer::start();
    let key = "{LIMITER/alice/10/1/minute}";
    // 10 last window, 35s of its weight left: 10 x 35/60 = 5.8, floored 5; plus 1 now.
    limits_sliding_window(&s, key, 10, 35_000, 1);
    let before = fingerprint(&s, key);
    let v = rl(
        &s.url(),
        key,
        &["--inspect", "--limit", "10", "--window", "1m"],
    );
    assert_eq!(v["layout"], "sliding-window-counter", "{v}");
    assert_eq!(int(&v, "count"), 1);
    assert_eq!(int(&v, "previous_count"), 10);
    assert_eq!(int(&v, "weighted_count"), 6, "{v}");
    assert_eq!(int(&v, "remaining"), 4, "{v}");
    // The previous window frees one slot every 6s of its TTL.
    assert!(int(&v, "reset_after_ms") < 6_000, "{v}");
    // The window follows from the two TTLs.
    let v = rl(&s.url(), key, &["--inspect", "--limit", "10"]);
    assert_eq!(int(&v, "window_ms"), 60_000, "{v}");
    assert_eq!(int(&v, "remaining"), 4, "{v}");
    assert_unchanged(&s, key, &before);
    // The previous window's key alone is not read as a counter of its own.
    let v = rl(
        &s.url(),
        &format!("{key}/-1"),
        &["--inspect", "--limit", "10"],
    );
    assert_eq!(v["layout"], "ambiguous", "{v}");
    assert!(v["notes"].to_string().contains("inspect that key"), "{v}");
    // Driving it with another algorithm would misread it.
    assert_eq!(
        rl_out(
            &s.url(),
            key,
            &["--algo", "fixed-window", "--requests", "1"]
        )
        .status
        .code(),
        Some(2)
    );
    // --reset clears both keys, so the library allows again.
    let out = run(&s.url(), &["ratelimit-test", key, "--reset", "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(s.cli(&["EXISTS", key, &format!("{key}/-1")]), "0");
}

#[test]
fn a_counter_that_may_be_either_layout_is_shown_as_ambiguous() {
    let s = RedisServer::start();
    // A brace-wrapped counter alone: a fixed window, or limits' current window.
    let key = "{LIMITER/bob/10/1/minute}";
    s.cli(&["SET", key, "3", "PX", "50000"]);
    for args in [
        &["--inspect", "--limit", "10"][..],
        &["--inspect", "--limit", "10", "--window", "1m"],
    ] {
        let v = rl(&s.url(), key, args);
        assert_eq!(v["layout"], "ambiguous", "{v}");
        assert!(v.get("remaining").is_none(), "no guessed answer: {v}");
    }
    // A TTL longer than the window: no fixed window lives that long.
    s.cli(&["PEXPIRE", key, "100000"]);
    let v = rl(
        &s.url(),
        key,
        &["--inspect", "--limit", "10", "--window", "1m"],
    );
    assert_eq!(v["layout"], "sliding-window-counter", "{v}");
    assert_eq!(int(&v, "remaining"), 7, "{v}");
    // Plain counters stay fixed windows.
    s.cli(&["SET", "ratelimit:7", "3", "PX", "50000"]);
    let v = rl(&s.url(), "ratelimit:7", &["--inspect", "--limit", "10"]);
    assert_eq!(v["layout"], "fixed-window");
}
