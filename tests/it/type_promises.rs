//! `--type` takes the closed set of key types: a typo is a usage error that
//! lists the valid names and changes nothing; every listed name is accepted.

use crate::common::RedisServer;
use crate::fixtures::{json, keys, load, run, stderr};

/// Every name `--type` takes, in the order the error lists them.
const TYPES: [&str; 10] = [
    "string",
    "list",
    "set",
    "zset",
    "hash",
    "stream",
    "vectorset",
    "json",
    "timeseries",
    "bloom",
];

#[test]
fn a_typo_in_type_is_exit_2_listing_every_valid_type_and_deletes_nothing() {
    let s = RedisServer::start();
    load(&s, &keys("ty:", 30), None);
    for args in [
        vec!["scan-delete", "ty:*", "--type", "hsah", "--yes"],
        vec!["flush-prefix", "ty:", "--type", "Strings", "--yes"],
        vec!["ttl", "--pattern", "ty:*", "--type", "sets", "--persist"],
    ] {
        let out = run(&s.url(), &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        let line = err.lines().next().unwrap_or_default();
        let listed = line
            .split_once("[possible values: ")
            .and_then(|(_, rest)| rest.split_once(']'))
            .map(|(names, _)| names.split(", ").collect::<Vec<_>>())
            .unwrap_or_default();
        assert_eq!(listed, TYPES, "{args:?}: {err}");
    }
    assert_eq!(s.dbsize(), 30, "nothing was deleted");
}

#[test]
fn every_listed_type_is_accepted_and_filters() {
    let s = RedisServer::start();
    s.cli(&["SET", "ty:s", "v"]);
    s.cli(&["HSET", "ty:h", "f", "v"]);
    s.cli(&["ZADD", "ty:z", "1", "m"]);
    for t in TYPES {
        let out = run(
            &s.url(),
            &["--json", "scan-delete", "ty:*", "--type", t, "--dry-run"],
        );
        assert!(out.status.success(), "--type {t}: {}", stderr(&out));
        let want = u64::from(matches!(t, "string" | "hash" | "zset"));
        assert_eq!(json(&out)["matched"], want, "--type {t}");
    }
}
