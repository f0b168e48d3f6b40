//! get / set / ttl on a standalone server: values, types, TTLs, exit codes.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use crate::common::{cachectl, subcommands, RedisServer};
use crate::fixtures::{json, keys, load, run, stderr};

#[test]
fn set_then_get_round_trips_exact_bytes() {
    let s = RedisServer::start();
    let out = run(&s.url(), &["set", "b:greeting", "hello", "--ttl", "1h"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(&s.url(), &["get", "b:greeting"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        out.stdout, b"hello",
        "plain output is the raw value, nothing added"
    );
    let ttl: i64 = s.cli(&["PTTL", "b:greeting"]).parse().expect("pttl");
    assert!(ttl > 3_590_000 && ttl <= 3_600_000, "ttl {ttl}");
}

#[test]
fn binary_values_from_stdin_and_file_are_stored_verbatim() {
    let s = RedisServer::start();
    let payload: &[u8] = b"bin\x00\xff\r\nend";
    cachectl()
        .args(["--url", &s.url(), "set", "b:stdin", "-"])
        .write_stdin(payload)
        .assert()
        .success();
    assert_eq!(s.call(&[b"GET", b"b:stdin"]).as_bytes(), Some(payload));
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("v.bin");
    std::fs::write(&file, payload).expect("write");
    let out = run(
        &s.url(),
        &["set", "b:file", "--file", file.to_str().expect("path")],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(&s.url(), &["get", "b:file"]);
    assert_eq!(out.stdout, payload);
}

#[test]
fn get_reads_every_type_as_json() {
    let s = RedisServer::start();
    s.cli(&["SET", "t:str", "v"]);
    s.cli(&["HSET", "t:hash", "f1", "a", "f2", "b"]);
    s.cli(&["RPUSH", "t:list", "x", "y", "z"]);
    s.cli(&["SADD", "t:set", "m"]);
    s.cli(&["ZADD", "t:zset", "1.5", "one", "3", "three"]);
    s.cli(&["XADD", "t:stream", "1-1", "field", "value"]);
    s.cli(&["PEXPIRE", "t:hash", "60000"]);
    let out = run(
        &s.url(),
        &[
            "--json", "get", "t:str", "t:hash", "t:list", "t:set", "t:zset", "t:stream",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    let items = v.as_array().expect("array for several keys");
    assert_eq!(items.len(), 6);
    assert_eq!(items[0]["type"], "string");
    assert_eq!(items[0]["value"], "v");
    assert!(items[0]["ttl_ms"].is_null());
    assert_eq!(items[1]["type"], "hash");
    assert_eq!(items[1]["value"]["f2"], "b");
    let ttl = items[1]["ttl_ms"].as_i64().expect("hash ttl");
    assert!(ttl > 0 && ttl <= 60_000);
    assert_eq!(items[2]["value"], serde_json::json!(["x", "y", "z"]));
    assert_eq!(items[3]["value"], serde_json::json!(["m"]));
    assert_eq!(items[4]["value"][0]["member"], "one");
    assert_eq!(items[4]["value"][0]["score"], 1.5);
    assert_eq!(items[5]["value"][0]["id"], "1-1");
    assert_eq!(items[5]["value"][0]["fields"]["field"], "value");
}

#[test]
fn missing_key_exits_1_and_still_shows_the_others() {
    let s = RedisServer::start();
    s.cli(&["SET", "m:present", "here"]);
    let out = run(&s.url(), &["--json", "get", "m:present", "m:absent"]);
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert_eq!(v[0]["value"], "here");
    assert_eq!(v[1]["type"], "none");
    assert!(v[1]["value"].is_null());
    assert!(stderr(&out).contains("m:absent"), "{}", stderr(&out));
    let single = run(&s.url(), &["get", "m:absent"]);
    assert_eq!(single.status.code(), Some(1));
    assert!(single.stdout.is_empty());
}

#[test]
fn non_utf8_keys_are_read_and_shown_escaped() {
    let s = RedisServer::start();
    let key: &[u8] = b"bin:\xff\xfe:k\n";
    assert!(s.call(&[b"SET", key, b"val"]).is_ok());
    let out = cachectl()
        .args(["--url", &s.url(), "--json", "get"])
        .arg(OsStr::from_bytes(key))
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    // JSON is lossless (base64 for bytes that are not text); the plain form is escaped.
    assert_eq!(v["key"]["base64"], "YmluOv/+OmsK");
    assert_eq!(v["value"], "val");
    let plain = cachectl()
        .args(["--url", &s.url(), "ttl"])
        .arg(OsStr::from_bytes(key))
        .output()
        .expect("run");
    assert!(
        String::from_utf8_lossy(&plain.stdout).starts_with("bin:\\xff\\xfe:k\\n\t"),
        "{}",
        String::from_utf8_lossy(&plain.stdout)
    );
}

#[test]
fn nx_and_xx_refusals_exit_1_and_change_nothing() {
    let s = RedisServer::start();
    s.cli(&["SET", "nx:k", "old"]);
    let out = run(&s.url(), &["set", "nx:k", "new", "--nx"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(s.cli(&["GET", "nx:k"]), "old");
    let out = run(&s.url(), &["set", "nx:absent", "new", "--xx"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(s.cli(&["EXISTS", "nx:absent"]), "0");
    let out = run(&s.url(), &["set", "nx:k", "newer", "--xx", "--keep-ttl"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(s.cli(&["GET", "nx:k"]), "newer");
}

#[test]
fn ttl_of_keys_shows_ms_persistent_and_missing() {
    let s = RedisServer::start();
    s.cli(&["SET", "ttl:a", "1", "PX", "50000"]);
    s.cli(&["SET", "ttl:b", "1"]);
    let out = run(&s.url(), &["--json", "ttl", "ttl:a", "ttl:b", "ttl:none"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a missing key is a negative answer"
    );
    let v = json(&out);
    let a = v[0]["ttl_ms"].as_i64().expect("ttl_ms");
    assert!(a > 0 && a <= 50_000);
    assert!(v[1]["ttl_ms"].is_null());
    assert_eq!(v[1]["exists"], true);
    assert_eq!(v[2]["exists"], false);
}

#[test]
fn ttl_changes_on_given_keys() {
    let s = RedisServer::start();
    s.cli(&["SET", "ch:a", "1"]);
    s.cli(&["SET", "ch:b", "1", "EX", "100"]);
    let out = run(&s.url(), &["ttl", "ch:a", "--set", "2h"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let t: i64 = s.cli(&["TTL", "ch:a"]).parse().expect("ttl");
    assert!((7190..=7200).contains(&t), "{t}");
    let out = run(&s.url(), &["ttl", "ch:b", "--persist"]);
    assert!(out.status.success());
    assert_eq!(s.cli(&["TTL", "ch:b"]), "-1");
    let out = run(&s.url(), &["ttl", "ch:a", "--at", "2099-01-01T00:00:00Z"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let at = s.expire_at_s("ch:a");
    assert!((at - 4_070_908_800).abs() <= 2, "expires at {at}");
    let past = run(&s.url(), &["ttl", "ch:a", "--at", "2001-01-01T00:00:00Z"]);
    assert_eq!(
        past.status.code(),
        Some(2),
        "a past instant would delete the key"
    );
    assert_eq!(s.cli(&["EXISTS", "ch:a"]), "1");
}

#[test]
fn ttl_pattern_distribution_counts_exactly() {
    let s = RedisServer::start();
    load(&s, &keys("d:none:", 30), None);
    load(&s, &keys("d:short:", 20), Some(30));
    load(&s, &keys("d:hour:", 10), Some(600));
    load(&s, &keys("d:day:", 5), Some(7200));
    load(&s, &keys("d:week:", 3), Some(200_000));
    load(&s, &keys("other:", 50), None);
    let out = run(
        &s.url(),
        &["--json", "ttl", "--pattern", "d:*", "--count", "7"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["matched"], 68);
    assert_eq!(v["no_ttl"], 30);
    assert_eq!(v["distribution"]["lt_1m"], 20);
    assert_eq!(v["distribution"]["lt_1h"], 10);
    assert_eq!(v["distribution"]["lt_1d"], 5);
    assert_eq!(v["distribution"]["ge_1d"], 3);
}

#[test]
fn only_persistent_repair_touches_only_keys_without_ttl() {
    let s = RedisServer::start();
    load(&s, &keys("r:none:", 40), None);
    load(&s, &keys("r:ttl:", 10), Some(100));
    load(&s, &keys("keep:", 10), None);
    let refused = run(
        &s.url(),
        &[
            "ttl",
            "--pattern",
            "r:*",
            "--only-persistent",
            "--set",
            "1d",
        ],
    );
    assert_eq!(refused.status.code(), Some(2), "no terminal and no --yes");
    assert_eq!(s.cli(&["TTL", "r:none:1"]), "-1", "refusal changed nothing");
    let out = run(
        &s.url(),
        &[
            "--json",
            "ttl",
            "--pattern",
            "r:*",
            "--only-persistent",
            "--set",
            "1d",
            "--yes",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["changed"], 40);
    let t: i64 = s.cli(&["TTL", "r:none:7"]).parse().expect("ttl");
    assert!((86_390..=86_400).contains(&t));
    let t: i64 = s.cli(&["TTL", "r:ttl:3"]).parse().expect("ttl");
    assert!(t <= 100, "a key that had a TTL keeps it: {t}");
    assert_eq!(
        s.cli(&["TTL", "keep:3"]),
        "-1",
        "non-matching keys untouched"
    );
}

#[test]
fn namespace_prefix_applies_to_keys_and_patterns() {
    let s = RedisServer::start();
    let out = run(&s.url(), &["--prefix", "tenant-a", "set", "cfg", "1"]);
    assert!(out.status.success());
    assert_eq!(s.cli(&["GET", "tenant-a:cfg"]), "1");
    s.cli(&["SET", "tenant-b:cfg", "2"]);
    let out = run(
        &s.url(),
        &["--prefix", "tenant-a", "--json", "ttl", "--pattern", "*"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["matched"], 1);
}

#[test]
fn bad_input_is_exit_2_and_nothing_changes() {
    let s = RedisServer::start();
    for args in [
        vec!["--url", "not a url", "get", "k"],
        vec!["--url", "redis://127.0.0.1:notaport", "get", "k"],
        vec!["--url", &s.url(), "--timeout", "soon", "get", "k"],
        vec!["--url", &s.url(), "set", "k", "v", "--ttl=-5"],
        vec!["--url", &s.url(), "set", "k", "v", "--ttl", "0"],
        vec!["--url", &s.url(), "set", "k", "v", "--nx", "--xx"],
        vec![
            "--url",
            &s.url(),
            "ttl",
            "--pattern",
            "*",
            "--set",
            "1h",
            "--yes",
        ],
        vec!["--url", &s.url(), "no-such-subcommand"],
    ] {
        let out = cachectl().args(&args).output().expect("run");
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
    assert_eq!(s.dbsize(), 0);
}

#[test]
fn unreachable_server_is_exit_3_in_one_line() {
    let port = crate::common::free_port();
    let url = format!("redis://127.0.0.1:{port}");
    let started = std::time::Instant::now();
    let out = cachectl()
        .args(["--url", &url, "--timeout", "1s", "get", "k"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(3));
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    let err = stderr(&out);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains(&port.to_string()), "{err}");
}

#[test]
fn help_and_version() {
    use predicates::prelude::*;
    cachectl()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::contains(env!("CARGO_PKG_VERSION")));
    for sub in subcommands() {
        cachectl()
            .args([sub.as_str(), "--help"])
            .assert()
            .success()
            .stdout(
                predicate::str::contains("Examples:")
                    .and(predicate::str::contains("Usage: cachectl")),
            );
    }
    // No arguments: the help, on stderr, as clap does for a missing subcommand.
    cachectl()
        .assert()
        .failure()
        .stderr(predicate::str::contains("Commands:"));
}

#[test]
fn infinite_scores_are_kept_in_json() {
    let s = RedisServer::start();
    s.cli(&[
        "ZADD", "t:inf", "+inf", "top", "-inf", "bottom", "2.5", "mid",
    ]);
    let out = run(&s.url(), &["--json", "get", "t:inf"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(
        v["value"],
        serde_json::json!([
            {"member": "bottom", "score": "-inf"},
            {"member": "mid", "score": 2.5},
            {"member": "top", "score": "inf"},
        ])
    );
}

/// JSON tells text from bytes: the 6-character text `a\xffb` stays a string,
/// the 3 bytes a, 0xFF, b become `{"base64": …}`, for keys and values, and
/// `warm` reads both back exactly.
#[test]
fn json_tells_text_from_bytes_and_warm_reads_it_back() {
    let s = RedisServer::start();
    s.cli(&["SET", "jb:text", "a\\xffb"]);
    assert!(s.call(&[b"SET", b"jb:bytes", b"a\xffb"]).is_ok());
    assert!(s.call(&[b"SET", b"jb:\xfe", b"k"]).is_ok());
    assert_eq!(
        s.call(&[b"RPUSH", b"jb:list", b"\x00\xff", b"ok"]).as_int(),
        Some(2)
    );
    let out = run(
        &s.url(),
        &["--json", "get", "jb:text", "jb:bytes", "jb:list"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v[0]["value"], "a\\xffb", "text stays text: {v}");
    assert_eq!(v[1]["value"]["base64"], "Yf9i", "bytes are base64: {v}");
    assert_eq!(v[2]["value"][0]["base64"], "AP8=", "{v}");
    assert_eq!(v[2]["value"][1], "ok");
    let key_out = cachectl()
        .arg("--url")
        .arg(s.url())
        .args(["--json", "get"])
        .arg(OsStr::from_bytes(b"jb:\xfe"))
        .output()
        .expect("run");
    assert_eq!(
        json(&key_out)["key"]["base64"],
        "amI6/g==",
        "a non-UTF-8 key too"
    );
    // Back through warm into a fresh server, byte for byte.
    let t = RedisServer::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let lines = [
        format!(r#"{{"key":"jb:text","value":{}}}"#, v[0]["value"]),
        format!(r#"{{"key":"jb:bytes","value":{}}}"#, v[1]["value"]),
        format!(r#"{{"key":{},"value":"k"}}"#, json(&key_out)["key"]),
        format!(
            r#"{{"key":"jb:list","type":"list","value":{}}}"#,
            v[2]["value"]
        ),
    ];
    let file = dir.path().join("b.jsonl");
    std::fs::write(&file, lines.join("\n") + "\n").expect("write");
    let w = run(&t.url(), &["warm", file.to_str().expect("path")]);
    assert!(w.status.success(), "{}", stderr(&w));
    assert_eq!(t.cli(&["GET", "jb:text"]), "a\\xffb");
    assert_eq!(
        t.call(&[b"GET", b"jb:bytes"]).as_bytes(),
        Some(&b"a\xffb"[..])
    );
    assert_eq!(t.call(&[b"GET", b"jb:\xfe"]).as_bytes(), Some(&b"k"[..]));
    assert_eq!(
        t.call(&[b"LINDEX", b"jb:list", b"0"]).as_bytes(),
        Some(&b"\x00\xff"[..])
    );
}
