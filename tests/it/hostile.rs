//! Hostile input: binary, newline and NUL keys through every subcommand, huge
//! lines, absurd flags, and the glob escaper against a real server.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use rand::{Rng, SeedableRng};

use crate::common::{cachectl, RedisServer};
use crate::fixtures::{json, run, stderr};

fn arg(b: &[u8]) -> &OsStr {
    OsStr::from_bytes(b)
}

#[test]
fn nul_newline_and_non_utf8_keys_through_every_subcommand() {
    let s = RedisServer::start();
    // warm: JSON can carry NUL and newlines in keys.
    let out = cachectl()
        .args(["--url", &s.url(), "--json", "warm", "-"])
        .write_stdin("{\"key\":\"h:nul\\u0000key\",\"value\":\"a\"}\n{\"key\":\"h:new\\nline\",\"value\":\"b\",\"ttl\":60}\n")
        .output()
        .expect("run");
    assert_eq!(json(&out)["written"], 2, "{}", stderr(&out));
    assert_eq!(s.call(&[b"GET", b"h:nul\0key"]).as_bytes(), Some(&b"a"[..]));
    assert!(s.call(&[b"SET", b"h:\xff\xfe", b"c"]).is_ok());

    // get / ttl / set with a newline and non-UTF-8 key given as raw arguments.
    for key in [&b"h:new\nline"[..], b"h:\xff\xfe"] {
        let out = cachectl()
            .args(["--url", &s.url(), "--json", "get"])
            .arg(arg(key))
            .output()
            .expect("get");
        assert!(out.status.success(), "{}", stderr(&out));
        let out = cachectl()
            .args(["--url", &s.url(), "--json", "ttl"])
            .arg(arg(key))
            .output()
            .expect("ttl");
        assert!(out.status.success(), "{}", stderr(&out));
        let line = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(!line.contains('\u{fffd}'), "escaped, not mangled: {line}");
    }
    let out = cachectl()
        .args(["--url", &s.url(), "set"])
        .arg(arg(b"h:set\xff"))
        .arg("v")
        .output()
        .expect("set");
    assert!(out.status.success());
    assert_eq!(s.call(&[b"GET", b"h:set\xff"]).as_bytes(), Some(&b"v"[..]));

    // stats shows them escaped on one line each.
    let v = json(&run(
        &s.url(),
        &["--json", "stats", "--scan", "--top", "10"],
    ));
    let biggest: Vec<String> = v["keyspace"]["biggest"]
        .as_array()
        .expect("biggest")
        .iter()
        .map(|b| b["key"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(
        biggest.contains(&"h:nul\\x00key".to_string()),
        "{biggest:?}"
    );
    assert!(biggest.contains(&"h:new\\nline".to_string()), "{biggest:?}");

    // tag-invalidate with binary members, lock and remember with odd names.
    assert_eq!(
        s.call(&[b"SADD", b"tag:odd", b"h:nul\0key", b"h:\xff\xfe"])
            .as_int(),
        Some(2)
    );
    let out = run(&s.url(), &["--json", "tag-invalidate", "odd", "--yes"]);
    assert_eq!(json(&out)["deleted"], 2, "{}", stderr(&out));
    let out = cachectl()
        .args(["--url", &s.url(), "lock", "acquire", "--ttl", "5s"])
        .arg(arg(b"lk:\n\xff"))
        .output()
        .expect("lock");
    assert!(out.status.success(), "{}", stderr(&out));
    let out = cachectl()
        .args(["--url", &s.url(), "remember", "--ttl", "5s"])
        .arg(arg(b"rm:\n\xff"))
        .args(["--", "echo", "x"])
        .output()
        .expect("remember");
    assert!(out.status.success(), "{}", stderr(&out));

    // scan-delete removes the rest, NUL key included.
    let out = run(&s.url(), &["--json", "scan-delete", "h:*", "--yes"]);
    assert!(out.status.success());
    assert_eq!(
        s.call(&[b"EXISTS", b"h:new\nline", b"h:set\xff"]).as_int(),
        Some(0)
    );
}

#[test]
fn a_huge_line_is_a_clear_error_not_a_crash() {
    let s = RedisServer::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("huge.jsonl");
    let mut text = String::from("{\"key\":\"ok\",\"value\":\"1\"}\n{\"key\":\"big\",\"value\":\"");
    text.push_str(&"x".repeat(65 * 1024 * 1024));
    text.push_str("\"}\n");
    std::fs::write(&path, text).expect("write");
    let out = run(&s.url(), &["warm", path.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("line 2") && stderr(&out).contains("MiB"),
        "{}",
        stderr(&out)
    );
    assert_eq!(s.dbsize(), 0);
}

#[test]
fn absurd_flags_are_usage_errors() {
    let s = RedisServer::start();
    let u = s.url();
    let cases: Vec<Vec<&str>> = vec![
        vec!["scan-delete", "a*", "--batch", "0"],
        vec!["scan-delete", "a*", "--rate", "0"],
        vec!["scan-delete", "a*", "--count", "0"],
        vec!["scan-delete", "a*", "--count", "4000000000", "--dry-run"],
        vec!["scan-delete", "a*", "--in-flight", "0"],
        vec!["scan-delete", "a*", "--limit", "0"],
        vec!["scan-delete", "a*", "--max-latency", "-1s"],
        vec!["set", "k", "v", "--ttl=-1"],
        vec!["set", "k", "v", "--ttl", "0"],
        vec!["ttl", "k", "--set", "0s"],
        vec!["ttl", "k", "--at", "yesterday"],
        vec!["ttl", "--pattern", "a*", "--count", "4000000000"],
        vec!["tag-invalidate", "t", "--count", "4000000000", "--dry-run"],
        vec!["ttl", "k", "--set", "999us"],
        vec!["ttl", "k", "--set=-1s"],
        vec!["ttl", "k", "--persist", "--set", "1h"],
        vec!["ttl", "k", "--persist", "--only-persistent"],
        vec!["ttl", "k", "--only-persistent"],
        vec!["warm", "-", "--batch", "0"],
        vec!["warm", "-", "--ttl-jitter", "lots"],
        vec!["remember", "k", "--ttl", "1m", "--beta=-1", "--", "true"],
        vec!["remember", "k", "--", "true"],
        vec!["lock", "acquire", "k", "--ttl", "0"],
        vec!["lock", "run", "k", "--ttl", "1s"],
        vec!["stats", "--depth", "0"],
        vec!["stats", "--sample", "0"],
        vec!["stats", "--latency", "0"],
        vec!["--timeout", "0x", "get", "k"],
        vec!["-p", "99999", "get", "k"],
        vec!["--db=-1", "get", "k"],
    ];
    for c in cases {
        let out = cachectl()
            .arg("--url")
            .arg(&u)
            .args(&c)
            .write_stdin("")
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{c:?}: {}", stderr(&out));
        assert!(!stderr(&out).contains("panicked"), "{c:?}");
    }
    assert_eq!(s.dbsize(), 0, "nothing was changed");
}

#[test]
fn escaped_prefixes_match_only_themselves_on_a_real_server() {
    let s = RedisServer::start();
    let mut rng = rand::rngs::StdRng::seed_from_u64(0x5eed);
    let alphabet = b"ab*?[]\\^-!:{}\xff ";
    let mut literals: Vec<Vec<u8>> = Vec::new();
    for _ in 0..150 {
        let len = rng.gen_range(1..8);
        literals.push(
            (0..len)
                .map(|_| alphabet[rng.gen_range(0..alphabet.len())])
                .collect(),
        );
    }
    literals.sort();
    literals.dedup();
    for l in &literals {
        let mut k = l.clone();
        k.extend_from_slice(b"#key");
        assert!(s.call(&[b"SET", &k, b"v"]).is_ok());
    }
    // cachectl's escaper, judged by the server: a dry-run flush-prefix of each
    // literal matches exactly the keys that start with it.
    for l in &literals {
        let out = cachectl()
            .args([
                "--url",
                &s.url(),
                "--json",
                "flush-prefix",
                "--dry-run",
                "--",
            ])
            .arg(arg(l))
            .output()
            .expect("run");
        let matched = json(&out)["matched"].as_u64().expect("matched");
        let expected = literals.iter().filter(|x| x.starts_with(l)).count() as u64;
        assert_eq!(matched, expected, "prefix {l:?}");
    }
    let l = b"a*[b]\\";
    let mut k = l.to_vec();
    k.extend_from_slice(b"#x");
    assert!(s.call(&[b"SET", &k, b"v"]).is_ok());
    let before = s.dbsize();
    let out = cachectl()
        .args(["--url", &s.url(), "--json", "flush-prefix", "--yes"])
        .arg(arg(l))
        .output()
        .expect("run");
    let deleted = json(&out)["deleted"].as_u64().expect("deleted");
    let expected = literals.iter().filter(|x| x.starts_with(l)).count() as u64 + 1;
    assert_eq!(deleted, expected);
    assert_eq!(s.dbsize(), before - expected);
}
