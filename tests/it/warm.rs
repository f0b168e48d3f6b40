//! warm: JSON lines and CSV, validation before writing, NX, stdin, cluster,
//! and a dropped connection in the middle of a run.

use std::time::Duration;

use crate::common::{cachectl, wait_until, RedisCluster, RedisServer};
use crate::fixtures::{json, run, spawn, stderr};

fn write_file(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let p = dir.path().join(name);
    std::fs::write(&p, text).expect("write");
    p.to_str().expect("path").to_string()
}

fn jsonl(n: usize, prefix: &str, ttl: &str) -> String {
    (0..n)
        .map(|i| format!("{{\"key\":\"{prefix}{i}\",\"value\":\"v{i}\",\"ttl\":{ttl}}}\n"))
        .collect()
}

#[test]
fn ten_thousand_lines_with_ttls() {
    let s = RedisServer::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let f = write_file(&dir, "a.jsonl", &jsonl(10_000, "w:", "3600"));
    let out = run(&s.url(), &["--json", "warm", &f]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["read"], 10_000);
    assert_eq!(v["written"], 10_000);
    assert_eq!(v["skipped"], 0);
    assert_eq!(v["invalid"], 0);
    assert!(v["elapsed_ms"].is_u64());
    assert_eq!(s.dbsize(), 10_000);
    assert_eq!(s.cli(&["GET", "w:1234"]), "v1234");
    let ttl: i64 = s.cli(&["TTL", "w:9999"]).parse().expect("ttl");
    assert!((3590..=3600).contains(&ttl));
}

#[test]
fn humantime_ttls_objects_and_structured_types() {
    let s = RedisServer::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let text = concat!(
        "{\"key\":\"o:1\",\"value\":{\"eur\": 9, \"tags\": [\"a\"]},\"ttl\":\"1h30m\"}\n",
        "{\"key\":\"o:2\",\"value\":42}\n",
        "{\"key\":\"o:h\",\"type\":\"hash\",\"value\":{\"name\":\"Ada\",\"plan\":\"pro\"},\"ttl\":60}\n",
        "{\"key\":\"o:s\",\"type\":\"set\",\"value\":[\"x\",\"y\"]}\n",
        "{\"key\":\"o:l\",\"type\":\"list\",\"value\":[\"1\",\"2\",\"3\"]}\n",
        "{\"key\":\"o:z\",\"type\":\"zset\",\"value\":{\"m\":1.5}}\n",
        "{\"key\":\"o:ms\",\"value\":\"short\",\"ttl\":\"90500ms\"}\n",
    );
    let f = write_file(&dir, "o.jsonl", text);
    let out = run(&s.url(), &["--json", "warm", &f]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["written"], 7);
    assert_eq!(
        s.cli(&["GET", "o:1"]),
        r#"{"eur":9,"tags":["a"]}"#,
        "objects stored as compact JSON"
    );
    let ttl: i64 = s.cli(&["TTL", "o:1"]).parse().expect("ttl");
    assert!((5390..=5400).contains(&ttl));
    assert_eq!(s.cli(&["GET", "o:2"]), "42");
    assert_eq!(s.cli(&["HGET", "o:h", "plan"]), "pro");
    assert!(s.cli(&["TTL", "o:h"]).parse::<i64>().expect("ttl") > 0);
    assert_eq!(s.cli(&["SCARD", "o:s"]), "2");
    assert_eq!(s.cli(&["LRANGE", "o:l", "0", "-1"]), "1\n2\n3");
    assert_eq!(s.cli(&["ZSCORE", "o:z", "m"]), "1.5");
    // A TTL that is not whole seconds is written with PSETEX.
    let pttl: i64 = s.cli(&["PTTL", "o:ms"]).parse().expect("pttl");
    assert!((80_000..=90_500).contains(&pttl), "pttl {pttl}");
    assert_eq!(s.cli(&["GET", "o:ms"]), "short");
}

#[test]
fn an_invalid_line_writes_nothing_and_is_named() {
    let s = RedisServer::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text = jsonl(500, "iv:", "60");
    text.push_str("{\"key\":\"iv:bad\",\"value\":\"x\",\"ttl\":-5}\n");
    text.push_str(&jsonl(500, "iv2:", "60"));
    let f = write_file(&dir, "bad.jsonl", &text);
    let out = run(&s.url(), &["warm", &f]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("line 501") && err.contains("negative"),
        "{err}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(s.dbsize(), 0);
    let out = run(&s.url(), &["--json", "warm", &f, "--skip-invalid"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["written"], 1000);
    assert_eq!(v["invalid"], 1);
    assert_eq!(s.dbsize(), 1000);
    let out = run(&s.url(), &["--json", "warm", &f, "--dry-run"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a dry run reports invalid input as bad input"
    );
    assert_eq!(json(&out)["invalid"], 1);
}

#[test]
fn malformed_inputs_of_every_kind_are_rejected() {
    let s = RedisServer::start();
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in [
        ("a.jsonl", "not json\n"),
        ("b.jsonl", "{\"key\":\"k\"}\n"),
        (
            "c.jsonl",
            "{\"key\":\"k\",\"value\":\"v\",\"ttl\":\"soon\"}\n",
        ),
        ("d.jsonl", "{\"key\":\"k\",\"value\":\"v\",\"extra\":1}\n"),
        ("e.jsonl", "{\"key\":\"k\",\"value\":\"v\"\n"),
        ("f.csv", "name,value\nk,v\n"),
        ("g.csv", "key,value,ttl\nk,v,-3\n"),
        ("h.txt", "{\"key\":\"k\",\"value\":\"v\"}\n"),
        // An unclosed quote would make the rest of the file one value.
        ("i.csv", "key,value\nk,\"v\nk2,v2\n"),
        ("j.csv", "key,value,value\nk,v,w\n"),
        ("k.csv", "key,value\nk,v,w\n"),
        (
            "l.jsonl",
            "{\"key\":\"k\",\"type\":\"zset\",\"value\":{\"m\":1e400}}\n",
        ),
        (
            "m.jsonl",
            "{\"key\":\"k\",\"value\":{\"a\":[\"\\udc00\"]}}\n",
        ),
    ] {
        let f = write_file(&dir, name, text);
        let out = run(&s.url(), &["warm", &f]);
        assert_eq!(out.status.code(), Some(2), "{name}: {}", stderr(&out));
    }
    assert_eq!(s.dbsize(), 0);
}

#[test]
fn only_missing_never_overwrites() {
    let s = RedisServer::start();
    s.cli(&["SET", "om:1", "keep-me"]);
    let dir = tempfile::tempdir().expect("tempdir");
    let f = write_file(&dir, "om.jsonl", &jsonl(10, "om:", "60"));
    let out = run(&s.url(), &["--json", "warm", &f, "--only-missing"]);
    let v = json(&out);
    assert_eq!(v["written"], 9);
    assert_eq!(v["skipped"], 1);
    assert_eq!(s.cli(&["GET", "om:1"]), "keep-me");
}

#[test]
fn csv_with_quoted_commas_and_default_ttl_with_jitter() {
    let s = RedisServer::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let f = write_file(
        &dir,
        "p.csv",
        "key,value,ttl\np:1,\"9,99 EUR\",\np:2,\"say \"\"hi\"\"\",120\n",
    );
    let out = run(
        &s.url(),
        &[
            "--json",
            "warm",
            &f,
            "--ttl",
            "1000s",
            "--ttl-jitter",
            "10%",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(s.cli(&["GET", "p:1"]), "9,99 EUR");
    assert_eq!(s.cli(&["GET", "p:2"]), "say \"hi\"");
    let t1: i64 = s.cli(&["TTL", "p:1"]).parse().expect("ttl");
    assert!(
        (990..=1100).contains(&t1),
        "default TTL plus up to 10%: {t1}"
    );
    let t2: i64 = s.cli(&["TTL", "p:2"]).parse().expect("ttl");
    assert!((110..=132).contains(&t2), "{t2}");
}

#[test]
fn standard_input_is_validated_before_writing() {
    let s = RedisServer::start();
    let good = jsonl(100, "in:", "\"1m\"");
    let out = cachectl()
        .args(["--url", &s.url(), "--json", "warm", "-"])
        .write_stdin(good)
        .output()
        .expect("run");
    assert_eq!(json(&out)["written"], 100);
    let mut bad = jsonl(100, "in2:", "60");
    bad.push_str("{oops\n");
    let out = cachectl()
        .args(["--url", &s.url(), "warm", "-"])
        .write_stdin(bad)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(s.dbsize(), 100, "nothing from the bad stream was written");
}

#[test]
fn namespace_prefix_applies() {
    let s = RedisServer::start();
    let out = cachectl()
        .args(["--url", &s.url(), "--prefix", "t9", "warm", "-"])
        .write_stdin("{\"key\":\"k\",\"value\":\"v\"}\n")
        .output()
        .expect("run");
    assert!(out.status.success());
    assert_eq!(s.cli(&["GET", "t9:k"]), "v");
}

#[test]
fn warm_a_cluster_puts_keys_on_every_primary() {
    let c = RedisCluster::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let f = write_file(&dir, "c.jsonl", &jsonl(6000, "cw:", "600"));
    let out = run(&c.url(), &["--json", "warm", &f]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["written"], 6000);
    assert_eq!(c.dbsize_total(), 6000);
    for p in c.primary_ports() {
        assert!(c.node(p).dbsize() > 1000, "every primary got its share");
    }
}

#[test]
fn client_kill_during_a_run_still_ends_with_every_key() {
    let s = RedisServer::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let n = 300_000;
    let f = write_file(&dir, "k.jsonl", &jsonl(n, "ck:", "600"));
    let child = spawn(
        &s.url(),
        &["--json", "warm", &f, "--batch", "200", "--in-flight", "2"],
    );
    wait_until(Duration::from_secs(30), "writing started", || {
        s.dbsize() > 1000
    });
    let killed = s.call(&[b"CLIENT", b"KILL", b"TYPE", b"normal", b"SKIPME", b"yes"]);
    let out = child.wait_with_output().expect("wait");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(killed.as_int().is_some_and(|k| k >= 1), "{killed:?}");
    assert_eq!(
        s.dbsize(),
        n as u64,
        "every key present after the reconnect"
    );
}

#[test]
fn a_server_that_goes_away_is_exit_3_with_a_summary() {
    let s = RedisServer::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let f = write_file(&dir, "g.jsonl", &jsonl(300_000, "gone:", "600"));
    let child = spawn(
        &s.url(),
        &[
            "--json",
            "--timeout",
            "1s",
            "warm",
            &f,
            "--batch",
            "200",
            "--in-flight",
            "2",
        ],
    );
    wait_until(Duration::from_secs(30), "writing started", || {
        s.dbsize() > 1000
    });
    s.stop();
    let out = child.wait_with_output().expect("wait");
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&out);
    let written = v["written"].as_u64().expect("written");
    assert!(written > 0 && written < 300_000, "{v}");
}

// Inputs of 8 MiB or more are validated by two threads with the fast line
// checker; a value with an escape that decodes to no character (a lone
// surrogate) used to pass that check and then be skipped by the write pass.
#[test]
fn a_line_only_the_decoder_rejects_is_invalid_at_every_size() {
    let s = RedisServer::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = "{\"key\":\"big:bad\",\"value\":\"\\udc00\"}\n";
    for (name, n) in [("small.jsonl", 10), ("big.jsonl", 130_000)] {
        let mut text = jsonl(n, "big:", "600");
        text.push_str(bad);
        text.push_str(&jsonl(n, "big2:", "600"));
        assert!(
            n < 100 || text.len() > 8 << 20,
            "{name} takes the two-thread path"
        );
        let f = write_file(&dir, name, &text);
        let out = run(&s.url(), &["--json", "warm", &f, "--dry-run"]);
        assert_eq!(out.status.code(), Some(2), "{name}: {}", stderr(&out));
        assert_eq!(json(&out)["invalid"], 1, "{name}");
        let err = stderr(&out);
        assert!(err.contains(&format!("line {}", n + 1)), "{name}: {err}");
        let out = run(&s.url(), &["warm", &f]);
        assert_eq!(out.status.code(), Some(2), "{name}: {}", stderr(&out));
        assert_eq!(s.dbsize(), 0, "{name}: nothing written");
    }
}

#[test]
fn csv_records_whose_field_count_differs_from_the_header_are_invalid() {
    let s = RedisServer::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let f = write_file(
        &dir,
        "p.csv",
        "key,value\nprice:1,\"9,99 EUR\"\nprice:2,9,99 EUR\n",
    );
    let out = run(&s.url(), &["warm", &f]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("line 3") && err.contains("3 fields"), "{err}");
    assert_eq!(s.dbsize(), 0);
    let f = write_file(&dir, "q.csv", "key,value,ttl\nprice:1,x,60\nprice:2,y\n");
    let out = run(&s.url(), &["warm", &f]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("line 3"), "{}", stderr(&out));
    assert_eq!(s.dbsize(), 0);
}

#[test]
fn json_numbers_are_stored_with_their_exact_text() {
    let s = RedisServer::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let text = concat!(
        "{\"key\":\"n:obj\",\"value\":{\"id\": 18446744073709551617, \"f\": 1e3, \"z\": [0.10, -0]}}\n",
        "{\"key\":\"n:arr\",\"value\":[1E400, 12345678901234567890123]}\n",
        "{\"key\":\"n:h\",\"type\":\"hash\",\"value\":{\"big\":12345678901234567890123,\"e\":1e3}}\n",
        "{\"key\":\"n:l\",\"type\":\"list\",\"value\":[1e3, 18446744073709551617, true]}\n",
        "{\"key\":\"n:s\",\"type\":\"set\",\"value\":[2.50]}\n",
        "{\"key\":\"n:top\",\"value\":18446744073709551617}\n",
        "{\"key\":\"n:order\",\"value\":{\"b\":1,\"a\":{\"d\":\"\\u00e9\",\"c\":null}}}\n",
        "{\"key\":\"n:z\",\"type\":\"zset\",\"value\":{\"lo\":\"-inf\",\"hi\":\"inf\",\"m\":0.5}}\n",
    );
    let f = write_file(&dir, "n.jsonl", text);
    let out = run(&s.url(), &["--json", "warm", &f]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["written"], 8);
    assert_eq!(
        s.cli(&["ZRANGE", "n:z", "0", "-1", "WITHSCORES"]),
        "lo\n-inf\nm\n0.5\nhi\ninf"
    );
    assert_eq!(
        s.cli(&["GET", "n:obj"]),
        r#"{"id":18446744073709551617,"f":1e3,"z":[0.10,-0]}"#
    );
    assert_eq!(s.cli(&["GET", "n:arr"]), "[1E400,12345678901234567890123]");
    assert_eq!(s.cli(&["HGET", "n:h", "big"]), "12345678901234567890123");
    assert_eq!(s.cli(&["HGET", "n:h", "e"]), "1e3");
    assert_eq!(
        s.cli(&["LRANGE", "n:l", "0", "-1"]),
        "1e3\n18446744073709551617\ntrue"
    );
    assert_eq!(s.cli(&["SMEMBERS", "n:s"]), "2.50");
    assert_eq!(s.cli(&["GET", "n:top"]), "18446744073709551617");
    assert_eq!(
        s.cli(&["GET", "n:order"]),
        r#"{"b":1,"a":{"d":"é","c":null}}"#
    );
}

#[test]
fn a_byte_order_mark_at_the_start_is_accepted_and_elsewhere_named() {
    let s = RedisServer::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let f = write_file(
        &dir,
        "b.jsonl",
        "\u{feff}{\"key\":\"bom:1\",\"value\":\"v\"}\n",
    );
    let out = run(&s.url(), &["--json", "warm", &f]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(s.cli(&["GET", "bom:1"]), "v");
    let f = write_file(&dir, "b.csv", "\u{feff}key,value\nbom:2,w\n");
    let out = run(&s.url(), &["--json", "warm", &f]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(s.cli(&["GET", "bom:2"]), "w");
    let f = write_file(
        &dir,
        "c.jsonl",
        "{\"key\":\"bom:3\",\"value\":\"v\"}\n\u{feff}{\"key\":\"bom:4\",\"value\":\"v\"}\n",
    );
    let out = run(&s.url(), &["warm", &f]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("line 2") && err.contains("byte order mark"),
        "{err}"
    );
    assert_eq!(s.dbsize(), 2);
}

// A server at maxmemory with noeviction answers OOM to some writes of a
// batch: the writes it accepted are still counted.
#[test]
fn at_maxmemory_written_counts_every_accepted_write() {
    let s = RedisServer::start_with(&["--maxmemory", "4mb", "--maxmemory-policy", "noeviction"]);
    let dir = tempfile::tempdir().expect("tempdir");
    let value = "x".repeat(200);
    let text: String = (0..40_000)
        .map(|i| format!("{{\"key\":\"oom:{i}\",\"value\":\"{value}\"}}\n"))
        .collect();
    let f = write_file(&dir, "oom.jsonl", &text);
    let out = run(&s.url(), &["--json", "warm", &f, "--batch", "1000"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("OOM"), "{}", stderr(&out));
    let written = json(&out)["written"].as_u64().expect("written");
    let stored = s.dbsize();
    assert!(stored > 0 && stored < 40_000, "{stored}");
    assert_eq!(written, stored, "written counts every key the server took");
}

/// Structured values are written by a script, which the server checks against
/// `maxmemory` only at its first write that can grow memory: a DEL first
/// would let every later write through.
#[test]
fn at_maxmemory_structured_values_stop_like_strings() {
    let s = RedisServer::start_with(&["--maxmemory", "3mb", "--maxmemory-policy", "noeviction"]);
    let dir = tempfile::tempdir().expect("tempdir");
    let value = "x".repeat(100);
    // New keys, and keys that exist already (replaced: DEL then writes).
    for i in 0..200 {
        s.cli(&["HSET", &format!("oomh:{i}"), "old", "1"]);
    }
    let text: String = (0..30_000)
        .map(|i| {
            format!("{{\"key\":\"oomh:{i}\",\"type\":\"hash\",\"value\":{{\"f\":\"{value}\"}}}}\n")
        })
        .collect();
    let f = write_file(&dir, "oomh.jsonl", &text);
    let out = run(&s.url(), &["--json", "warm", &f, "--batch", "500"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("OOM"), "{}", stderr(&out));
    let used: u64 = s
        .info_field("memory", "used_memory")
        .and_then(|v| v.parse().ok())
        .expect("used_memory");
    assert!(
        used < 6 * 1024 * 1024,
        "stopped near maxmemory: {used} bytes used"
    );
    let written = json(&out)["written"].as_u64().expect("written");
    assert!(written < 30_000, "{written}");
}

#[test]
fn a_pipe_given_as_a_path_is_spooled_and_validated() {
    let s = RedisServer::start();
    // Process substitution hands cachectl a path to a pipe, which cannot seek.
    let script = format!(
        "exec {bin:?} --url {url} --json warm --format jsonl <(printf '%s\\n' '{{\"key\":\"fifo:1\",\"value\":\"v\"}}')",
        bin = env!("CARGO_BIN_EXE_cachectl"),
        url = s.url()
    );
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(&script)
        .output()
        .expect("bash");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(s.cli(&["GET", "fifo:1"]), "v");
}

// A server that stops answering mid-run: the writes whose replies never came
// may still be applied, so the summary gives them as a bound, not as unwritten.
#[test]
fn writes_without_a_reply_are_reported_as_unconfirmed() {
    let mut s = RedisServer::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let f = write_file(&dir, "u.jsonl", &jsonl(300_000, "unc:", "600"));
    let child = spawn(
        &s.url(),
        &[
            "--json",
            "--timeout",
            "1s",
            "warm",
            &f,
            "--batch",
            "500",
            "--in-flight",
            "4",
        ],
    );
    wait_until(Duration::from_secs(30), "writing started", || {
        s.dbsize() > 1000
    });
    s.pause();
    let out = child.wait_with_output().expect("wait");
    s.resume();
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&out);
    let written = v["written"].as_u64().expect("written");
    let unconfirmed = v["unconfirmed"].as_u64().expect("unconfirmed");
    assert!(unconfirmed > 0, "{v}");
    // Commands the paused server had buffered run once it resumes.
    wait_until(Duration::from_secs(10), "confirmed writes present", || {
        s.dbsize() >= written
    });
    s.call(&[b"PING"]);
    let stored = s.dbsize();
    assert!(
        (written..=written + unconfirmed).contains(&stored),
        "stored {stored}, written {written}, unconfirmed {unconfirmed}"
    );
}

#[test]
fn skip_invalid_calls_invalid_lines_invalid_and_skipped_means_kept_existing_keys() {
    let s = RedisServer::start();
    s.cli(&["SET", "si:0", "old"]);
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text = jsonl(3, "si:", "60");
    text.push_str("{\"key\":\"si:bad\",\"value\":\"x\",\"ttl\":-5}\n");
    text.push_str("not json\n");
    let f = write_file(&dir, "si.jsonl", &text);
    let out = run(
        &s.url(),
        &["--json", "warm", &f, "--skip-invalid", "--only-missing"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(
        (&v["written"], &v["skipped"], &v["invalid"]),
        (&2.into(), &1.into(), &2.into()),
        "{v}"
    );
    assert_eq!(s.cli(&["GET", "si:0"]), "old");
    let err = stderr(&out);
    let named: Vec<&str> = err.lines().filter(|l| l.contains(": line ")).collect();
    assert_eq!(named.len(), 2, "each invalid line is named: {err}");
    for line in named {
        assert!(
            line.contains("invalid") && !line.contains("skipped"),
            "an invalid line is called what it is counted as: {line}"
        );
    }
    // The plain summary says the same.
    let out = run(&s.url(), &["warm", &f, "--skip-invalid", "--only-missing"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        text.contains("skipped\t3") && text.contains("invalid\t2"),
        "{text}"
    );
}
