//! stats as a person and a script see it: tables that read at 80 columns,
//! plain output with every JSON field, id-like prefix segments collapsed, and
//! a capped prefix list that says so.

use serde_json::Value;

use crate::common::{cachectl, RedisServer};
use crate::fixtures::{json, keys, load, pipe_into, resp, run, stderr};

fn text(out: &std::process::Output) -> String {
    assert!(out.status.success(), "{}", stderr(out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn dataset(s: &RedisServer) {
    load(s, &keys("price:amazon:", 2999), Some(3600));
    load(s, &keys("session:", 100), Some(30));
    load(s, &keys("plain:", 45), None);
    let big = vec![b'x'; 4000];
    let mut payload = Vec::new();
    for i in 0..5 {
        payload.extend(resp(&[b"SET", format!("blob:{i}").as_bytes(), &big]));
    }
    payload.extend(resp(&[b"HSET", b"h:1", b"f", b"v"]));
    payload.extend(resp(&[b"RPUSH", b"l:1", b"a"]));
    pipe_into(s, &payload, 7);
}

/// `stats` drawn as a table `columns` wide (COLUMNS, as a terminal says).
fn table(s: &RedisServer, columns: &str, args: &[&str]) -> String {
    let out = cachectl()
        .env("COLUMNS", columns)
        .args(["--url", &s.url(), "-o", "table", "stats"])
        .args(args)
        .output()
        .expect("run cachectl");
    text(&out)
}

#[test]
fn the_table_reads_at_80_columns_and_at_a_zero_width_terminal() {
    let s = RedisServer::start();
    dataset(&s);
    let addr = s.url().trim_start_matches("redis://").to_string();
    for (columns, width) in [("80", 80), ("120", 120), ("0", 80)] {
        let t = table(&s, columns, &["--scan", "--latency", "20"]);
        for line in t.lines() {
            assert!(
                console::measure_text_width(line) <= width,
                "COLUMNS={columns}: line wider than {width}:\n{line}\n{t}"
            );
        }
        // Whole cells: the address, the role, the counts, the prefixes.
        for cell in [
            addr.as_str(),
            "master",
            "3,151",
            "2,999",
            "price:",
            "session:",
            "blob:",
        ] {
            assert!(
                t.contains(cell),
                "COLUMNS={columns}: {cell} broken or missing:\n{t}"
            );
        }
        // Headers are whole words too, not one-character columns.
        assert!(t.contains("memory"), "{t}");
    }
}

#[test]
fn a_terminal_that_reports_zero_columns_gets_80() {
    let s = RedisServer::start();
    dataset(&s);
    // A pseudo-terminal with no size set (stdin is not a terminal, so none is
    // copied to it) reports 0 rows and 0 columns, as some CI runners do.
    let line = format!(
        "{} --url {} --no-progress stats --scan",
        env!("CARGO_BIN_EXE_cachectl"),
        s.url()
    );
    let out = std::process::Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .env_remove("COLUMNS")
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("script(1) from util-linux runs a command on a pseudo-terminal");
    let t = text(&out).replace('\r', "");
    assert!(t.contains('┌'), "a table on a terminal:\n{t}");
    for line in t.lines() {
        assert!(console::measure_text_width(line) <= 80, "{line}\n{t}");
    }
    for cell in ["master", "3,151", "2,999", "price:", "noeviction"] {
        assert!(t.contains(cell), "{cell} broken or missing:\n{t}");
    }
}

/// The plain line a JSON leaf must appear as.
fn plain_key(path: &[String]) -> String {
    match path.first().map(String::as_str) {
        // Server numbers: bare names, as before.
        Some("server") => path[1..].join("."),
        _ => path.join("."),
    }
}

/// Every leaf of `v` with its path (arrays and the types map are rows, below).
fn leaves(v: &Value, path: &mut Vec<String>, out: &mut Vec<(Vec<String>, Value)>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                path.push(k.clone());
                leaves(x, path, out);
                path.pop();
            }
        }
        _ => out.push((path.clone(), v.clone())),
    }
}

fn plain_value(v: &Value) -> String {
    match v {
        Value::Null => "-".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[test]
fn plain_output_has_every_field_of_the_json_report() {
    let s = RedisServer::start();
    dataset(&s);
    let args = ["stats", "--scan", "--top", "3", "--latency", "20"];
    let mut with_json = vec!["--json"];
    with_json.extend(args);
    let v = json(&run(&s.url(), &with_json));
    let plain = text(&run(&s.url(), &args));
    let lines: Vec<&str> = plain.lines().collect();
    let has = |line: &str| lines.contains(&line);
    let has_key = |key: &str| lines.iter().any(|l| l.starts_with(&format!("{key}\t")));

    let mut all = Vec::new();
    let mut ks = v["keyspace"].clone();
    // Rows are checked one by one below.
    for rows in ["by_prefix", "biggest", "types"] {
        ks.as_object_mut().expect("keyspace").remove(rows);
    }
    leaves(&ks, &mut vec!["keyspace".to_string()], &mut all);
    leaves(&v["latency"], &mut vec!["latency".to_string()], &mut all);
    leaves(&v["server"], &mut vec!["server".to_string()], &mut all);
    assert!(all.len() > 30, "{all:?}");
    for (path, value) in &all {
        let key = plain_key(path);
        // The keyspace tallies are exact and the same in both runs; server
        // counters and latencies move between runs, so only their name is
        // compared there.
        if path[0] == "keyspace" {
            let line = format!("{key}\t{}", plain_value(value));
            assert!(has(&line), "missing `{line}` in plain output:\n{plain}");
        } else {
            assert!(has_key(&key), "missing `{key}` in plain output:\n{plain}");
        }
    }
    for p in v["keyspace"]["by_prefix"].as_array().expect("by_prefix") {
        let line = format!(
            "prefix\t{}\t{}\t{}\t{}",
            plain_value(&p["prefix"]),
            p["keys"],
            p["no_ttl"],
            p["memory_bytes"]
        );
        assert!(has(&line), "missing `{line}`:\n{plain}");
    }
    let biggest = v["keyspace"]["biggest"].as_array().expect("biggest");
    assert_eq!(biggest.len(), 3);
    for b in biggest {
        let line = format!(
            "biggest\t{}\t{}\t{}",
            plain_value(&b["key"]),
            plain_value(&b["type"]),
            b["memory_bytes"]
        );
        assert!(has(&line), "missing `{line}`:\n{plain}");
    }
    for (t, n) in v["keyspace"]["types"].as_object().expect("types") {
        let line = format!("type\t{t}\t{n}");
        assert!(has(&line), "missing `{line}`:\n{plain}");
    }
    // The three server lines scripts read before stay as they were.
    for key in ["server_name", "keys", "hit_rate"] {
        assert!(has_key(key), "{key}:\n{plain}");
    }
}

/// `user:<id>:profile` keys with numbers, UUIDs and hex ids (random tokens
/// are recognised by their shape, tested in the unit tests).
fn users(s: &RedisServer, n: usize) {
    let mut payload = Vec::new();
    for i in 0..n {
        let id = match i % 4 {
            0 => format!("{}", 100_000 + i),
            1 => format!("{:08x}-{:04x}-4abc-8def-{:012x}", i, i % 65536, i),
            2 => format!("{:024x}", i * 7919 + 1),
            _ => format!("{}", 7_000_000_000_000u64 + i as u64),
        };
        payload.extend(resp(&[
            b"SET",
            format!("user:{id}:profile").as_bytes(),
            b"v",
        ]));
    }
    pipe_into(s, &payload, n);
}

fn prefixes(v: &Value) -> Vec<(String, u64)> {
    v["keyspace"]["by_prefix"]
        .as_array()
        .expect("by_prefix")
        .iter()
        .map(|p| {
            (
                p["prefix"].as_str().unwrap_or("").to_string(),
                p["keys"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

#[test]
fn depth_collapses_id_segments_and_a_capped_list_says_so() {
    let s = RedisServer::start();
    users(&s, 10_000);
    load(&s, &keys("price:amazon:", 30), None);
    let v = json(&run(
        &s.url(),
        &["--json", "stats", "--scan", "--depth", "2"],
    ));
    let p = prefixes(&v);
    assert!(
        p.contains(&("user:*:profile".to_string(), 10_000)),
        "{:?}",
        &p[..p.len().min(10)]
    );
    // A segment that is a name stays; a trailing id is the key's own name.
    assert!(p.contains(&("price:amazon:".to_string(), 30)), "{p:?}");
    assert_eq!(p.len(), 2, "{p:?}");

    // Without collapsing: one row per user, and the table says it shows
    // only some of them.
    let raw = json(&run(
        &s.url(),
        &["--json", "stats", "--scan", "--depth", "2", "--no-collapse"],
    ));
    let rows = prefixes(&raw);
    assert_eq!(rows.len(), 10_001, "every prefix apart");
    let t = table(&s, "80", &["--scan", "--depth", "2", "--no-collapse"]);
    assert!(
        t.contains("showing 20 of 10,001 prefixes"),
        "no notice of the cap:\n{t}"
    );
    let wide = table(
        &s,
        "80",
        &["--scan", "--depth", "2", "--no-collapse", "--rows", "30"],
    );
    assert!(wide.contains("showing 30 of 10,001 prefixes"), "{wide}");

    // More distinct prefixes than are kept apart: the rest under (other),
    // and the table says so.
    users(&s, 10_050);
    let t = table(&s, "80", &["--scan", "--depth", "2", "--no-collapse"]);
    assert!(t.contains("(other)"), "{t}");
    assert!(
        t.contains("more than 10,000 prefixes"),
        "no notice of the merge:\n{t}"
    );
    let out = run(
        &s.url(),
        &["--json", "stats", "--scan", "--depth", "2", "--no-collapse"],
    );
    assert!(
        stderr(&out).contains("more than 10,000 prefixes"),
        "JSON readers are told on stderr: {}",
        stderr(&out)
    );
}
