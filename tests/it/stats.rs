//! stats: server numbers, exact keyspace tallies, sampling, cluster totals,
//! latency, watch, and Prometheus output that parses.

use crate::common::{RedisCluster, RedisServer};
use crate::fixtures::{json, keys, load, load_cluster, pipe_into, resp, run, stderr};

fn dataset(s: &RedisServer) {
    load(s, &keys("price:amazon:", 300), Some(3600));
    load(s, &keys("price:ebay:", 200), None);
    load(s, &keys("session:", 100), Some(30));
    let big = vec![b'x'; 4000];
    let mut payload = Vec::new();
    for i in 0..50 {
        payload.extend(resp(&[b"SET", format!("blob:{i}").as_bytes(), &big]));
    }
    payload.extend(resp(&[b"HSET", b"nocolon", b"f", b"v"]));
    pipe_into(s, &payload, 51);
}

#[test]
fn scan_counts_prefixes_ttls_types_and_memory_exactly() {
    let s = RedisServer::start();
    dataset(&s);
    let out = run(&s.url(), &["--json", "stats", "--scan", "--top", "3"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    let ks = &v["keyspace"];
    assert_eq!(ks["keys"], 651);
    assert_eq!(ks["no_ttl"], 251);
    assert_eq!(ks["ttl"]["lt_1m"], 100);
    assert_eq!(ks["ttl"]["lt_1h"], 300);
    assert_eq!(ks["types"]["hash"], 1);
    assert_eq!(ks["types"]["string"], 650);
    let prefixes = ks["by_prefix"].as_array().expect("by_prefix");
    let find = |p: &str| {
        prefixes
            .iter()
            .find(|x| x["prefix"] == p)
            .unwrap_or_else(|| panic!("{p} missing: {prefixes:?}"))
    };
    assert_eq!(find("price:")["keys"], 500);
    assert_eq!(find("price:")["no_ttl"], 200);
    assert_eq!(find("session:")["keys"], 100);
    assert_eq!(find("(none)")["keys"], 1);
    // 50 values of 4 kB weigh more than 500 small ones: listed first.
    assert_eq!(prefixes[0]["prefix"], "blob:");
    assert!(find("blob:")["memory_bytes"].as_u64() > find("price:")["memory_bytes"].as_u64());
    let biggest = ks["biggest"].as_array().expect("biggest");
    assert_eq!(biggest.len(), 3);
    assert!(biggest
        .iter()
        .all(|b| b["key"].as_str().is_some_and(|k| k.starts_with("blob:"))));
    let deeper = json(&run(
        &s.url(),
        &["--json", "stats", "--scan", "--depth", "2"],
    ));
    let p2 = deeper["keyspace"]["by_prefix"]
        .as_array()
        .expect("by_prefix")
        .clone();
    assert!(p2
        .iter()
        .any(|x| x["prefix"] == "price:amazon:" && x["keys"] == 300));
    let stats = s.info("commandstats");
    assert!(!stats.contains("cmdstat_keys:"), "never KEYS");
}

#[test]
fn hit_rate_after_known_hits_and_misses() {
    let s = RedisServer::start();
    s.cli(&["SET", "h:1", "v"]);
    assert!(s.call(&[b"CONFIG", b"RESETSTAT"]).is_ok());
    for _ in 0..3 {
        s.call(&[b"GET", b"h:1"]);
    }
    s.call(&[b"GET", b"h:missing"]);
    let v = json(&run(&s.url(), &["--json", "stats"]));
    assert_eq!(v["server"]["keyspace_hits"], 3);
    assert_eq!(v["server"]["keyspace_misses"], 1);
    assert_eq!(v["server"]["hit_rate"], 0.75);
    assert_eq!(v["keyspace"]["keys"], 1);
    let build = crate::common::build::server_build();
    let want = format!("{}.{}.", build.version.0, build.version.1);
    assert_eq!(
        v["server"]["version"]
            .as_str()
            .map(|x| x.starts_with(&want)),
        Some(true),
        "{}",
        v["server"]
    );
    // Valkey names itself; its `redis_version` is a compatibility number.
    assert_eq!(v["server"]["server_name"], build.name.as_str());
    let plain = String::from_utf8_lossy(&run(&s.url(), &["stats"]).stdout).into_owned();
    assert!(
        plain.contains(&format!("server_name\t{}\n", build.name)),
        "{plain}"
    );
}

#[test]
fn sample_estimates_the_keyspace() {
    let s = RedisServer::start();
    load(&s, &keys("a:", 6000), None);
    load(&s, &keys("b:", 2000), Some(600));
    let v = json(&run(&s.url(), &["--json", "stats", "--sample", "2000"]));
    let ks = &v["keyspace"];
    assert!(ks["sampled"].as_u64().is_some_and(|n| n > 1500));
    assert_eq!(ks["keys"], 8000, "scaled to the whole keyspace");
    let a = ks["by_prefix"]
        .as_array()
        .expect("prefixes")
        .iter()
        .find(|p| p["prefix"] == "a:")
        .cloned()
        .expect("a:");
    let est = a["keys"].as_u64().expect("keys");
    assert!((5000..=7000).contains(&est), "a: estimated {est} of 6000");
}

#[test]
fn latency_and_watch() {
    let s = RedisServer::start();
    let v = json(&run(&s.url(), &["--json", "stats", "--latency", "50"]));
    let l = &v["latency"];
    assert_eq!(l["samples"], 50);
    assert!(l["p50_us"].as_u64() <= l["p99_us"].as_u64());
    assert!(l["p99_us"].as_u64() <= l["max_us"].as_u64());
    let out = run(
        &s.url(),
        &["--json", "stats", "--watch", "200ms", "--iterations", "2"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    let docs: Vec<serde_json::Value> = serde_json::Deserializer::from_str(&text)
        .into_iter()
        .collect::<Result<_, _>>()
        .expect("JSON documents");
    assert_eq!(docs.len(), 2);
    assert!(docs[1]["interval"]["ops_per_sec"].as_f64().is_some());
}

/// Every sample line: name{labels} value, with a HELP and TYPE for the name.
fn check_prometheus(text: &str) {
    let mut declared = std::collections::HashSet::new();
    let mut samples = 0;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let mut parts = rest.split(' ');
            let name = parts.next().expect("name");
            assert!(matches!(parts.next(), Some("gauge" | "counter")), "{line}");
            declared.insert(name.to_string());
            continue;
        }
        if line.starts_with("# HELP ") {
            continue;
        }
        let (series, value) = line
            .rsplit_once(' ')
            .unwrap_or_else(|| panic!("bad line: {line}"));
        assert!(
            value == "NaN" || value.parse::<f64>().is_ok(),
            "bad value: {line}"
        );
        let name = series.split('{').next().expect("name");
        assert!(
            name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "bad name: {line}"
        );
        assert!(declared.contains(name), "sample before its TYPE: {line}");
        if let Some(labels) = series.strip_prefix(name) {
            assert!(
                labels.is_empty() || (labels.starts_with('{') && labels.ends_with('}')),
                "bad labels: {line}"
            );
        }
        samples += 1;
    }
    assert!(samples > 10, "{text}");
}

#[test]
fn prometheus_output_parses() {
    let s = RedisServer::start();
    dataset(&s);
    s.cli(&["SET", "we\"ird\\prefix:1", "v"]);
    let out = run(&s.url(), &["-o", "prometheus", "stats", "--scan"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    check_prometheus(&text);
    assert!(
        text.contains("cachectl_prefix_keys{prefix=\"price:\"} 500"),
        "{text}"
    );
    assert!(
        text.contains(r#"prefix="we\"ird\\\\prefix:""#),
        "labels escaped: {text}"
    );
    let other = run(&s.url(), &["-o", "prometheus", "get", "x"]);
    assert_eq!(other.status.code(), Some(2), "prometheus is for stats only");
}

#[test]
fn cluster_totals_count_primaries_and_list_replicas() {
    let c = RedisCluster::start_with_replicas(1);
    load_cluster(&c, &keys("ct:", 3000));
    crate::common::wait_until(
        std::time::Duration::from_secs(20),
        "replicas synced",
        || {
            c.replica_ports()
                .iter()
                .map(|p| c.node(*p).dbsize())
                .sum::<u64>()
                == 3000
        },
    );
    let v = json(&run(&c.url(), &["--json", "stats", "--scan"]));
    assert_eq!(v["server"]["keys"], 3000, "replicas are not double-counted");
    assert_eq!(v["nodes"].as_array().map(Vec::len), Some(3));
    assert_eq!(v["replicas"].as_array().map(Vec::len), Some(3));
    assert_eq!(v["keyspace"]["keys"], 3000);
    let per_node: u64 = v["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["keys"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(per_node, 3000);
    check_prometheus(&String::from_utf8_lossy(
        &run(&c.url(), &["-o", "prometheus", "stats"]).stdout,
    ));
    // On a wide terminal each replica value stands under its own header.
    let out = crate::common::cachectl()
        .env("COLUMNS", "200")
        .args(["--url", &c.url(), "-o", "table", "stats"])
        .output()
        .expect("run cachectl");
    assert!(out.status.success(), "{}", stderr(&out));
    let table = String::from_utf8_lossy(&out.stdout).into_owned();
    let cells = |line: &str| -> Vec<String> {
        line.split(['│', '┆'])
            .map(|c| c.trim().to_string())
            .collect()
    };
    let lines: Vec<&str> = table.lines().collect();
    let replica_row = lines
        .iter()
        .position(|l| l.contains("connected"))
        .unwrap_or_else(|| panic!("no replica link state:\n{table}"));
    let header = lines[..replica_row]
        .iter()
        .rev()
        .find(|l| l.contains("node"))
        .unwrap_or_else(|| panic!("no header above the replicas:\n{table}"));
    let row = cells(lines[replica_row]);
    let head = cells(header);
    let at = row.iter().position(|c| c == "connected").expect("cell");
    assert_eq!(
        head.get(at).map(String::as_str),
        Some("link"),
        "a replica's link under another header:\n{table}"
    );
}

#[test]
fn watch_stops_on_ctrl_c_with_130() {
    let s = RedisServer::start();
    for format in ["json", "table", "plain"] {
        let mut child = crate::common::cachectl_std()
            .args(["--url", &s.url(), "-o", format, "stats", "--watch", "100ms"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        let mut out = child.stdout.take().expect("stdout");
        // The first refresh on stdout shows it is running.
        let mut first = [0u8; 1];
        std::io::Read::read_exact(&mut out, &mut first).expect("first report");
        assert!(crate::common::send_signal(child.id(), "INT"));
        let done = child.wait_with_output().expect("wait");
        assert_eq!(done.status.code(), Some(130), "{format}");
        // Leaving --watch is how it ends: said once, not as an error.
        let err = String::from_utf8_lossy(&done.stderr);
        assert!(!err.contains("error"), "{format}: {err}");
    }
}
