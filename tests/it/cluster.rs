//! Every subcommand against a real 3-primary cluster.

use std::time::Duration;

use crate::common::{wait_until, RedisCluster};
use crate::fixtures::{json, keys, load_cluster, run, stderr};

fn primaries_with_keys(c: &RedisCluster, pattern: &str) -> usize {
    c.primary_ports()
        .into_iter()
        .filter(|&p| c.node(p).count_matching(pattern) > 0)
        .count()
}

#[test]
fn get_set_ttl_on_a_cluster() {
    let c = RedisCluster::start();
    for i in 0..30 {
        let out = run(
            &c.url(),
            &["set", &format!("cl:{i}"), &format!("v{i}"), "--ttl", "1h"],
        );
        assert!(out.status.success(), "{}", stderr(&out));
    }
    assert_eq!(
        primaries_with_keys(&c, "cl:*"),
        3,
        "keys landed on every primary"
    );
    let names: Vec<String> = (0..30).map(|i| format!("cl:{i}")).collect();
    let mut args = vec!["--json", "get"];
    args.extend(names.iter().map(String::as_str));
    let out = run(&c.url(), &args);
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v[17]["value"], "v17");
    let out = run(&c.url(), &["--json", "ttl", "--pattern", "cl:*"]);
    let v = json(&out);
    assert_eq!(v["matched"], 30);
    assert_eq!(
        v["distribution"]["lt_1h"], 30,
        "1h TTLs have a little less than 1h left"
    );
    let out = run(
        &c.url(),
        &["--json", "ttl", "--pattern", "cl:*", "--persist", "--yes"],
    );
    assert_eq!(json(&out)["changed"], 30);
    assert_eq!(c.cli_c(&["TTL", "cl:5"]), "-1");
}

#[test]
fn scan_delete_on_every_primary() {
    let c = RedisCluster::start();
    load_cluster(&c, &keys("cd:", 6000));
    load_cluster(&c, &keys("ck:", 1500));
    let out = run(&c.url(), &["--json", "scan-delete", "cd:*", "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["deleted"], 6000);
    assert_eq!(v["nodes"].as_array().map(Vec::len), Some(3));
    assert_eq!(c.dbsize_total(), 1500);
    let out = run(&c.url(), &["--json", "flush-prefix", "ck:", "--yes"]);
    assert_eq!(json(&out)["deleted"], 1500);
    assert_eq!(c.dbsize_total(), 0);
    for p in c.primary_ports() {
        let stats = c.node(p).info("commandstats");
        assert!(!stats.contains("cmdstat_keys:"));
    }
}

#[test]
fn scan_delete_follows_a_slot_migration() {
    let c = RedisCluster::start();
    let ks = keys("mig:", 30_000);
    load_cluster(&c, &ks);
    let slot = c.key_slot(b"mig:0");
    let from = c.port_for_slot(slot);
    let to = c
        .primary_ports()
        .into_iter()
        .find(|&p| p != from)
        .expect("another primary");
    let url = c.url();
    let deleter = std::thread::spawn(move || {
        run(
            &url,
            &[
                "--json",
                "scan-delete",
                "mig:*",
                "--yes",
                "--rate",
                "15000",
                "--batch",
                "50",
            ],
        )
    });
    // Move the slot while the delete runs.
    wait_until(Duration::from_secs(20), "delete under way", || {
        c.dbsize_total() < 29_000
    });
    c.migrate_slot(slot, from, to);
    let out = deleter.join().expect("deleter");
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    assert!(v["deleted"].as_u64().expect("deleted") <= 30_000);
    assert_eq!(
        c.dbsize_total(),
        0,
        "every match is gone after the migration"
    );
}
