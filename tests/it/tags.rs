//! set --tag and tag-invalidate: layouts, TTL rule, prune, publish, big tags, cluster.

use crate::common::resp::Conn;
use crate::common::subscriber::Subscriber;
use crate::common::{RedisCluster, RedisServer};
use crate::fixtures::{json, keys, load, load_cluster, pipe_into, resp, run, stderr};

#[test]
fn set_tag_joins_the_set_and_the_tag_outlives_members() {
    let s = RedisServer::start();
    let out = run(
        &s.url(),
        &[
            "set", "tg:a", "1", "--ttl", "100s", "--tag", "t1", "--tag", "t2",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(s.cli(&["SISMEMBER", "tag:t1", "tg:a"]), "1");
    assert_eq!(s.cli(&["SISMEMBER", "tag:t2", "tg:a"]), "1");
    let t: i64 = s.cli(&["PTTL", "tag:t1"]).parse().expect("pttl");
    assert!(
        t > 95_000 && t <= 100_000,
        "new tag takes the member's TTL: {t}"
    );
    run(
        &s.url(),
        &["set", "tg:b", "1", "--ttl", "1000s", "--tag", "t1"],
    );
    let t: i64 = s.cli(&["PTTL", "tag:t1"]).parse().expect("pttl");
    assert!(t > 995_000, "longer member extends the tag: {t}");
    run(
        &s.url(),
        &["set", "tg:c", "1", "--ttl", "10s", "--tag", "t1"],
    );
    let t: i64 = s.cli(&["PTTL", "tag:t1"]).parse().expect("pttl");
    assert!(t > 995_000, "shorter member never shortens it: {t}");
    run(&s.url(), &["set", "tg:d", "1", "--tag", "t1"]);
    assert_eq!(
        s.cli(&["PTTL", "tag:t1"]),
        "-1",
        "a persistent member makes the tag persistent"
    );
}

#[test]
fn invalidate_set_layout_leaves_other_keys() {
    let s = RedisServer::start();
    for i in 0..50 {
        run(
            &s.url(),
            &["set", &format!("p:{i}"), "v", "--tag", "products"],
        );
    }
    load(&s, &keys("unrelated:", 30), None);
    let out = run(
        &s.url(),
        &["--json", "tag-invalidate", "products", "--dry-run"],
    );
    let v = json(&out);
    assert_eq!(v["dry_run"], true);
    assert_eq!(v["members"], 50);
    assert_eq!(s.dbsize(), 81);
    let refused = run(&s.url(), &["tag-invalidate", "products"]);
    assert_eq!(refused.status.code(), Some(2));
    assert_eq!(s.dbsize(), 81);
    let out = run(&s.url(), &["--json", "tag-invalidate", "products", "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["tags"], serde_json::json!(["products"]));
    assert_eq!(v["deleted"], 50);
    assert_eq!(v["dry_run"], false);
    assert_eq!(
        s.cli(&["EXISTS", "tag:products"]),
        "0",
        "the tag itself is gone"
    );
    assert_eq!(s.dbsize(), 30);
}

#[test]
fn laravel_sorted_set_layout_with_tag_key_template() {
    let s = RedisServer::start();
    let mut payload = Vec::new();
    for i in 0..40 {
        let k = format!("laravel_cache:item:{i}");
        payload.extend(resp(&[b"SET", k.as_bytes(), b"v"]));
        payload.extend(resp(&[
            b"ZADD",
            b"laravel_cache:tag:users:entries",
            b"1999999999",
            k.as_bytes(),
        ]));
    }
    pipe_into(&s, &payload, 80);
    let out = run(
        &s.url(),
        &[
            "--json",
            "tag-invalidate",
            "users",
            "--tag-key",
            "laravel_cache:tag:{tag}:entries",
            "--yes",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["deleted"], 40);
    assert_eq!(s.dbsize(), 0);
}

#[test]
fn big_tag_is_streamed_and_fully_invalidated() {
    let s = RedisServer::start();
    let n = 120_000;
    let mut payload = Vec::new();
    for i in 0..n {
        let k = format!("big:{i}");
        payload.extend(resp(&[b"SET", k.as_bytes(), b"v"]));
        payload.extend(resp(&[b"SADD", b"tag:big", k.as_bytes()]));
    }
    pipe_into(&s, &payload, 2 * n);
    let out = run(&s.url(), &["--json", "tag-invalidate", "big", "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["deleted"], n as u64);
    assert_eq!(s.dbsize(), 0);
    let stats = s.info("commandstats");
    assert!(stats.contains("cmdstat_sscan:"), "streamed with SSCAN");
    assert!(!stats.contains("cmdstat_smembers:"), "never loaded whole");
}

#[test]
fn prune_drops_only_dangling_members() {
    let s = RedisServer::start();
    for i in 0..10 {
        run(&s.url(), &["set", &format!("pr:{i}"), "v", "--tag", "pr"]);
    }
    for i in 0..4 {
        s.cli(&["DEL", &format!("pr:{i}")]);
    }
    let out = run(&s.url(), &["--json", "tag-invalidate", "pr", "--prune"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["pruned"], 4);
    assert_eq!(s.cli(&["SCARD", "tag:pr"]), "6");
    assert_eq!(s.dbsize(), 7, "no live key deleted");
}

#[test]
fn publish_announces_the_invalidation() {
    let s = RedisServer::start();
    run(&s.url(), &["set", "pub:1", "v", "--tag", "pubtag"]);
    let sub = Subscriber::start(&s, "invalidations");
    let out = run(
        &s.url(),
        &[
            "--json",
            "tag-invalidate",
            "pubtag",
            "--yes",
            "--publish",
            "invalidations",
        ],
    );
    assert_eq!(json(&out)["published"], 1);
    // The subscriber prints the message a moment later: wait until it shows.
    sub.wait_for("the subscriber got the message", |t| {
        t.contains("\"pubtag\"")
    });
}

#[test]
fn tags_on_a_cluster_span_every_slot() {
    let c = RedisCluster::start();
    let members = keys("ct:", 3000);
    load_cluster(&c, &members);
    let mut args: Vec<String> = vec!["SADD".into(), "tag:ctag".into()];
    args.extend(
        members
            .iter()
            .map(|m| String::from_utf8_lossy(m).into_owned()),
    );
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    c.cli_c(&refs);
    let out = run(&c.url(), &["--json", "tag-invalidate", "ctag", "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["deleted"], 3000);
    assert_eq!(c.dbsize_total(), 0);
    let out = run(
        &c.url(),
        &["set", "ck:1", "v", "--ttl", "60s", "--tag", "cl"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(c.cli_c(&["SISMEMBER", "tag:cl", "ck:1"]), "1");
}

#[test]
fn under_a_prefix_tag_members_are_names_inside_the_namespace() {
    // What an ioredis `keyPrefix: "app:"` app writes: the key and the tag set are
    // prefixed, the member (a value) is not.
    let s = RedisServer::start();
    s.cli(&["SET", "app:product:1", "v"]);
    s.cli(&["SADD", "app:tag:products", "product:1"]);
    s.cli(&["SET", "product:1", "unrelated"]);
    let out = run(
        &s.url(),
        &[
            "--prefix",
            "app",
            "--json",
            "tag-invalidate",
            "products",
            "--dry-run",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        json(&out)["sample"],
        serde_json::json!(["app:product:1"]),
        "the dry run shows the keys as they will be deleted"
    );
    let out = run(
        &s.url(),
        &["--prefix", "app", "tag-invalidate", "products", "--yes"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(s.cli(&["EXISTS", "app:product:1"]), "0", "the tagged key");
    assert_eq!(
        s.cli(&["GET", "product:1"]),
        "unrelated",
        "outside the namespace"
    );
    // set --tag writes members the same way, so the two agree.
    let out = run(
        &s.url(),
        &[
            "--prefix",
            "app",
            "set",
            "product:2",
            "v",
            "--tag",
            "products",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(s.cli(&["SMEMBERS", "app:tag:products"]), "product:2");
    s.cli(&["SET", "product:2", "unrelated"]);
    s.cli(&["DEL", "app:product:2"]);
    let out = run(
        &s.url(),
        &[
            "--prefix",
            "app",
            "--json",
            "tag-invalidate",
            "products",
            "--prune",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["pruned"], 1, "prune looks inside the namespace");
    let out = run(
        &s.url(),
        &[
            "--prefix",
            "app",
            "set",
            "product:3",
            "v",
            "--tag",
            "products",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(
        &s.url(),
        &["--prefix", "app", "tag-invalidate", "products", "--yes"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(s.cli(&["EXISTS", "app:product:3"]), "0");
    assert_eq!(s.cli(&["GET", "product:2"]), "unrelated");
}

#[test]
fn a_key_retagged_during_an_invalidation_stays_tagged() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    let s = RedisServer::start();
    let n = 20_000;
    let mut payload = Vec::new();
    for i in 0..n {
        let k = format!("rt:{i}");
        payload.extend(resp(&[b"SET", k.as_bytes(), b"v"]));
        payload.extend(resp(&[b"SADD", b"tag:rt", k.as_bytes()]));
    }
    pipe_into(&s, &payload, 2 * n);
    let stop = Arc::new(AtomicBool::new(false));
    // The application: re-creates a key, then tags it (SET, then SADD), over and over.
    let writer = {
        let stop = stop.clone();
        let port = s.port;
        std::thread::spawn(move || {
            let mut conn = Conn::connect(port).expect("connect");
            let mut i: u64 = 0;
            // Bounded: the invalidation ends the loop, or the cap does.
            while !stop.load(Ordering::Relaxed) && i < 2_000_000 {
                let k = format!("rt:{}", (i * 7919) % n as u64);
                conn.send(&[b"SET", k.as_bytes(), b"v2"]).expect("write");
                conn.send(&[b"SADD", b"tag:rt", k.as_bytes()])
                    .expect("write");
                for _ in 0..2 {
                    conn.read_reply().expect("reply");
                }
                i += 1;
            }
        })
    };
    let out = run(
        &s.url(),
        &["--json", "tag-invalidate", "rt", "--batch", "50", "--yes"],
    );
    stop.store(true, Ordering::Relaxed);
    writer.join().expect("writer");
    assert!(out.status.success(), "{}", stderr(&out));
    let live = s.cli(&["KEYS", "rt:*"]);
    let tagged = s.cli(&["SMEMBERS", "tag:rt"]);
    let tagged: std::collections::HashSet<&str> = tagged.lines().collect();
    let untagged: Vec<&str> = live
        .lines()
        .filter(|k| !k.is_empty() && !tagged.contains(k))
        .collect();
    assert!(
        untagged.is_empty(),
        "{} live keys lost their tag, e.g. {:?}",
        untagged.len(),
        &untagged[..untagged.len().min(5)]
    );
}

#[test]
fn tag_keys_of_other_types_and_templates_without_tag_are_refused() {
    let s = RedisServer::start();
    s.cli(&["SET", "tag:str", "v"]);
    s.cli(&["HSET", "tag:h", "f", "v"]);
    s.cli(&["RPUSH", "tag:l", "x"]);
    s.cli(&["SADD", "tag:ok", "m"]);
    s.cli(&["SET", "m", "v"]);
    for args in [
        vec!["tag-invalidate", "str", "--yes"],
        vec!["tag-invalidate", "ok", "h", "--yes"],
        vec!["tag-invalidate", "l", "--dry-run"],
        vec![
            "tag-invalidate",
            "ok",
            "--tag-key",
            "app:tag:entries",
            "--yes",
        ],
        vec!["tag-invalidate", "ok", "--tag-key", "", "--yes"],
        vec!["set", "k", "v", "--tag", "t", "--tag-key", "no-placeholder"],
    ] {
        let out = run(&s.url(), &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert_eq!(stderr(&out).trim().lines().count(), 1, "{args:?}");
    }
    assert_eq!(s.cli(&["GET", "m"]), "v", "nothing deleted");
    assert_eq!(s.cli(&["EXISTS", "k"]), "0", "nothing written");
}

#[test]
fn members_an_acl_user_may_not_delete_stay_tagged_with_their_scores() {
    let s = RedisServer::start_with_acl("app", "app-pass", &["~app:*", "+@all"]);
    let url = s.url_with_auth(Some("app"), "app-pass");
    for (kind, tag) in [("set", "app:tag:s"), ("zset", "app:tag:z")] {
        for i in 0..40 {
            let k = format!("app:{kind}:{i}");
            s.cli(&["SET", &k, "v"]);
            if kind == "set" {
                s.cli(&["SADD", tag, &k]);
            } else {
                s.cli(&["ZADD", tag, &(1000 + i).to_string(), &k]);
            }
        }
        for i in 0..10 {
            let k = format!("other:{kind}:{i}");
            s.cli(&["SET", &k, "v"]);
            if kind == "set" {
                s.cli(&["SADD", tag, &k]);
            } else {
                s.cli(&["ZADD", tag, &(500 + i).to_string(), &k]);
            }
        }
        let name = &tag["app:tag:".len()..];
        let out = run(
            &url,
            &[
                "--json",
                "tag-invalidate",
                name,
                "--tag-key",
                "app:tag:{tag}",
                "--yes",
            ],
        );
        assert_eq!(out.status.code(), Some(3), "{kind}: {}", stderr(&out));
        let v = json(&out);
        assert_eq!(v["deleted"], 40, "{kind}: {v}");
        assert_eq!(v["denied"], 10, "{kind}: {v}");
        let card = if kind == "set" { "SCARD" } else { "ZCARD" };
        assert_eq!(s.cli(&[card, tag]), "10", "{kind}: only the denied stay");
        if kind == "zset" {
            assert_eq!(s.cli(&["ZSCORE", tag, "other:zset:3"]), "503", "score kept");
        } else {
            assert_eq!(s.cli(&["SISMEMBER", tag, "other:set:3"]), "1");
        }
        assert_eq!(s.cli(&["EXISTS", "app:set:1"]), "0");
    }
}

#[test]
fn set_tag_into_a_key_that_is_not_a_set_writes_nothing() {
    let s = RedisServer::start();
    s.cli(&["SET", "tag:str", "v"]);
    s.cli(&["ZADD", "tag:z", "1", "m"]);
    for tag in ["str", "z"] {
        let out = run(&s.url(), &["set", "k", "v", "--tag", "ok", "--tag", tag]);
        assert_eq!(out.status.code(), Some(2), "{tag}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(&format!("tag:{tag}")),
            "{}",
            stderr(&out)
        );
    }
    assert_eq!(s.cli(&["EXISTS", "k"]), "0", "the key was not written");
    assert_eq!(s.cli(&["EXISTS", "tag:ok"]), "0", "no tag was written");
}

#[test]
fn a_tag_dry_run_counts_and_shows_only_keys_that_would_be_deleted() {
    let s = RedisServer::start();
    for i in 0..10 {
        s.cli(&["SADD", "tag:dry", &format!("dry:{i}")]);
    }
    for i in 0..6 {
        s.cli(&["SET", &format!("dry:{i}"), "v"]);
    }
    let out = run(&s.url(), &["--json", "tag-invalidate", "dry", "--dry-run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["members"], 10);
    assert_eq!(
        v["by_tag"][0]["done"], 6,
        "dangling members delete nothing: {v}"
    );
    let sample = v["sample"].as_array().expect("sample");
    assert_eq!(sample.len(), 6, "{v}");
    let out = run(&s.url(), &["--json", "tag-invalidate", "dry", "--yes"]);
    assert_eq!(json(&out)["deleted"], 6, "the real run agrees");
}

/// A lost UNLINK reply: the re-sent UNLINK finds those keys gone, but tag
/// members can dangle for long, so gone is not proof of our deletion.
/// `deleted` never claims more than was there; the rest is `unconfirmed`.
#[test]
fn a_lost_unlink_reply_never_overstates_deleted() {
    use crate::common::proxy::{Mode, Proxy};
    let s = RedisServer::start();
    let mut payload = Vec::new();
    for i in 0..2000 {
        let k = format!("lt:{i}");
        if i % 2 == 0 {
            payload.extend(crate::fixtures::resp(&[b"SET", k.as_bytes(), b"v"]));
        }
        payload.extend(crate::fixtures::resp(&[b"SADD", b"tag:lt", k.as_bytes()]));
    }
    crate::fixtures::pipe_into(&s, &payload, 3000);
    let proxy = Proxy::start(s.port);
    proxy.set_mode(Mode::LoseReply {
        cmd: "UNLINK".into(),
        nth: 2,
    });
    let out = run(
        &proxy.url(),
        &["--json", "tag-invalidate", "lt", "--yes", "--batch", "500"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(proxy.fired(), 1, "a reply was lost");
    assert_eq!(s.dbsize(), 0, "every tagged key and the tag are gone");
    let v = json(&out);
    let deleted = v["deleted"].as_u64().expect("deleted");
    let unconfirmed = v["unconfirmed"].as_u64().expect("unconfirmed");
    assert!(deleted <= 1000, "never more than existed: {v}");
    assert!(deleted + unconfirmed >= 1000, "bounds hold: {v}");
    assert!(unconfirmed > 0, "{v}");
    assert!(stderr(&out).contains("confirmed"), "{}", stderr(&out));
}
