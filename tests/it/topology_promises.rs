//! Connection and topology faults: a replica, a cluster with a primary down,
//! URLs that must never be echoed with their secrets, bad TLS files.

use std::io::Write as _;

use crate::common::replica::start_replica;
use crate::common::{cachectl, RedisServer};
use crate::fixtures::{run, stderr};

/// Every writing command against a standalone replica fails at once with one
/// line that names the primary, and sends the write once, not in a loop.
#[test]
fn writes_to_a_replica_fail_at_once_naming_the_primary() {
    let primary = RedisServer::start();
    for i in 0..20 {
        primary.cli(&["SET", &format!("rp:{i}"), "v"]);
    }
    let replica = start_replica(&primary);
    let mut file = tempfile::NamedTempFile::with_suffix(".jsonl").expect("temp file");
    writeln!(file, r#"{{"key":"rp:w","value":"x"}}"#).expect("write");
    let warm_path = file.path().to_string_lossy().into_owned();
    let primary_addr = format!("127.0.0.1:{}", primary.port);
    let cases: Vec<Vec<&str>> = vec![
        vec!["set", "rp:k", "v"],
        vec!["warm", &warm_path],
        vec!["scan-delete", "rp:*", "--yes"],
        vec!["ttl", "--pattern", "rp:*", "--set", "1h", "--yes"],
        vec!["lock", "acquire", "rp:lock", "--ttl", "10s"],
        vec!["ratelimit-test", "rp:rl", "--requests", "3"],
    ];
    for args in cases {
        let before: u64 = replica
            .info_field("stats", "total_error_replies")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let out = cachectl()
            .arg("--url")
            .arg(replica.url())
            .args(&args)
            .timeout(std::time::Duration::from_secs(15))
            .output()
            .expect("run cachectl");
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {err}");
        assert!(
            err.contains("replica") && err.contains(&primary_addr),
            "{args:?}: the error names the primary: {err}"
        );
        assert_eq!(err.trim().lines().count(), 1, "{args:?}: one line: {err}");
        let after: u64 = replica
            .info_field("stats", "total_error_replies")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        assert!(
            after - before < 50,
            "{args:?}: {} rejected writes: the write was re-sent in a loop",
            after - before
        );
    }
    assert_eq!(primary.dbsize(), 20, "nothing was changed on the primary");
}

/// Rejected or unreachable URLs are echoed with every secret redacted: the
/// password, a lone userinfo (which is a password), and query parameters;
/// also a scheme-less string that merely looks like a URL.
#[test]
fn urls_in_errors_never_show_secrets() {
    let closed = crate::common::free_port();
    let urls = [
        ("redis+unix:///s?pass=SECRET1&db=x".to_string(), 2),
        (format!("redis://SECRET1@127.0.0.1:{closed}"), 3),
        ("app:SECRET1@10.0.0.5:6379".to_string(), 2),
        (format!("redis://127.0.0.1:{closed}/x?password=SECRET1"), 2),
        (format!("redis://u:SECRET1@127.0.0.1:{closed}/nodb"), 2),
        ("redis://u:SEC?RET1@h?db=a@b".to_string(), 2),
        ("http://u:SECRET1@h".to_string(), 2),
        // A password typed where the host goes, or after the db.
        ("redis://pw:SECRET1".to_string(), 2),
        (format!("redis://127.0.0.1:{closed}/;password=SECRET1"), 2),
    ];
    for (url, code) in urls {
        for via_env in [false, true] {
            let mut cmd = cachectl();
            if via_env {
                cmd.env("REDIS_URL", &url);
            } else {
                cmd.arg("-u").arg(&url);
            }
            let out = cmd
                .args(["--timeout", "1s", "get", "k"])
                .output()
                .expect("run");
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(code), "{url}: {err}");
            for secret in ["SECRET1", "SEC", "RET1"] {
                assert!(
                    !err.contains(secret),
                    "{url} (env: {via_env}) leaked: {err}"
                );
            }
            assert!(err.contains("***"), "{url}: shown redacted: {err}");
        }
    }
}

/// `redis://SECRET@host` authenticates with password SECRET, as redis-cli does.
#[test]
fn a_lone_userinfo_is_the_password() {
    let s = RedisServer::start_with_password("lone-pw");
    s.cli(&["SET", "lone:k", "v"]);
    let out = run(
        &format!("redis://lone-pw@127.0.0.1:{}", s.port),
        &["get", "lone:k"],
    );
    assert_eq!(out.stdout, b"v", "{}", stderr(&out));
    let out = run(
        &format!("redis://wrong-pw@127.0.0.1:{}", s.port),
        &["get", "lone:k"],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(!stderr(&out).contains("wrong-pw"), "{}", stderr(&out));
    // A host override that looks like user info is redacted too.
    let out = cachectl()
        .args(["-h", "app:SECRET1@127.0.0.1", "--timeout", "1s", "get", "k"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(!stderr(&out).contains("SECRET1"), "{}", stderr(&out));
}

/// A --cacert, --cert or --key file that is not PEM of the right kind is bad
/// input (exit 2) naming the file, before any connection; a swapped
/// certificate and key is caught the same way.
#[test]
fn tls_files_that_are_not_pem_are_bad_input() {
    crate::require_tls!();
    let (s, files) = crate::common::RedisServer::start_tls(crate::common::TlsOpts {
        require_client_cert: true,
        ..Default::default()
    });
    let dir = tempfile::tempdir().expect("temp dir");
    let junk = dir.path().join("junk.pem");
    std::fs::write(&junk, "this is not a certificate\n").expect("write");
    let p = |x: &std::path::Path| x.to_str().expect("path").to_string();
    let (ca, cert, key, junk) = (
        p(&files.ca),
        p(&files.client_cert),
        p(&files.client_key),
        p(&junk),
    );
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["--cacert", &junk], "junk.pem"),
        (vec!["--cacert", &key], "client"),
        (
            vec!["--cacert", &ca, "--cert", &junk, "--key", &key],
            "junk.pem",
        ),
        (
            vec!["--cacert", &ca, "--cert", &cert, "--key", &junk],
            "junk.pem",
        ),
        (
            vec!["--cacert", &ca, "--cert", &key, "--key", &cert],
            "client",
        ),
    ];
    for (flags, names) in cases {
        let mut args = vec!["--timeout", "2s"];
        args.extend(&flags);
        args.extend(["get", "k"]);
        let out = run(&s.url(), &args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{flags:?}: {err}");
        assert!(
            err.contains("PEM") && err.contains(names),
            "{flags:?}: {err}"
        );
    }
}

/// A cluster that keeps serving with a primary down
/// (`cluster-require-full-coverage no`): keys on healthy primaries are read
/// and deleted, stats shows the down node, and bulk work names it and exits 3.
#[test]
fn a_cluster_with_a_primary_down_serves_the_rest_and_says_what_it_missed() {
    use crate::common::RedisCluster;
    use crate::fixtures::{json, keys, load_cluster};
    let mut c = RedisCluster::start();
    for port in c.ports() {
        let r = c.call(
            port,
            &[b"CONFIG", b"SET", b"cluster-require-full-coverage", b"no"],
        );
        assert!(r.is_ok(), "{r:?}");
    }
    load_cluster(&c, &keys("dn:", 3000));
    let primaries = c.primary_ports();
    let (down_port, live_port) = (primaries[2], primaries[0]);
    let on = |port: u16| {
        (0..3000)
            .map(|i| format!("dn:{i}"))
            .find(|k| c.port_for_key(k.as_bytes()) == port)
            .expect("a key on that primary")
    };
    let (down_key, live_key) = (on(down_port), on(live_port));
    let down_keys = c.node(down_port).dbsize();
    let idx = c
        .nodes
        .iter()
        .position(|n| n.port == down_port)
        .expect("node");
    c.nodes.remove(idx).stop();
    let down_addr = format!("127.0.0.1:{down_port}");
    // `c.url()` is the first remaining node: one that answers.

    let out = run(&c.url(), &["--timeout", "2s", "get", &live_key]);
    assert_eq!(
        out.stdout,
        b"v",
        "a key on a healthy primary: {}",
        stderr(&out)
    );
    let out = run(&c.url(), &["--timeout", "2s", "get", &down_key]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains(&down_addr), "{}", stderr(&out));

    // Several keys at once: the healthy one is read and changed, the other named.
    let out = run(
        &c.url(),
        &["--timeout", "2s", "--json", "get", &live_key, &down_key],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v[0]["value"], "v", "the healthy key is shown: {v}");
    assert_eq!(v[1]["type"], "unreachable", "{v}");
    assert_eq!(
        v[1]["value"],
        serde_json::Value::Null,
        "no value made up: {v}"
    );
    // Plain: a key that could not be read has no line, as a missing one, even
    // when another key's value is the word itself.
    c.cli_c(&["SET", &live_key, "unreachable"]);
    let out = run(&c.url(), &["--timeout", "2s", "get", &live_key, &down_key]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("{live_key}\tunreachable\n"),
        "only the key that was read has a line"
    );
    c.cli_c(&["SET", &live_key, "v"]);
    let out = run(
        &c.url(),
        &[
            "--timeout",
            "2s",
            "ttl",
            &live_key,
            &down_key,
            "--set",
            "2h",
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let pttl: i64 = c.cli_c(&["PTTL", &live_key]).parse().expect("pttl");
    assert!(pttl > 3_600_000, "the healthy key got its TTL: {pttl}");
    let plain = run(&c.url(), &["--timeout", "2s", "ttl", &live_key, &down_key]);
    let text = String::from_utf8_lossy(&plain.stdout).into_owned();
    assert!(
        text.ends_with(&format!("{down_key}\tunreachable\n")),
        "plain output says so in words: {text}"
    );

    // A tag on a healthy primary with members on both: the reachable members
    // are deleted, the unreachable one stays tagged, exit 3.
    let tag = (0..1000)
        .map(|i| format!("dt{i}"))
        .find(|t| c.port_for_key(format!("tag:{t}").as_bytes()) == live_port)
        .expect("a tag on the live primary");
    let tkey = format!("tag:{tag}");
    let other_live = (0..3000)
        .map(|i| format!("dn:{i}"))
        .find(|k| c.port_for_key(k.as_bytes()) != down_port && *k != live_key)
        .expect("another live key");
    c.cli_c(&["SADD", &tkey, &live_key, &down_key, &other_live]);
    let out = run(
        &c.url(),
        &["--timeout", "2s", "--json", "tag-invalidate", &tag, "--yes"],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains(&down_addr), "{}", stderr(&out));
    assert_eq!(c.cli_c(&["EXISTS", &live_key]), "0");
    assert_eq!(c.cli_c(&["EXISTS", &other_live]), "0");
    assert_eq!(
        c.cli_c(&["SMEMBERS", &tkey]),
        down_key,
        "only the unreachable member stays tagged"
    );

    // warm writes every line whose primary answers and counts the others.
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("w.jsonl");
    let lines: Vec<String> = (0..300)
        .map(|i| format!("{{\"key\":\"wm:{i}\",\"value\":\"x\"}}"))
        .collect();
    std::fs::write(&file, lines.join("\n") + "\n").expect("write");
    let on_down = (0..300)
        .filter(|i| c.port_for_key(format!("wm:{i}").as_bytes()) == down_port)
        .count() as u64;
    let out = run(
        &c.url(),
        &[
            "--timeout",
            "2s",
            "--json",
            "warm",
            file.to_str().expect("path"),
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["written"], 300 - on_down, "{v}");
    assert_eq!(v["unreachable"], on_down, "{v}");
    assert!(on_down > 0);

    let out = run(&c.url(), &["--timeout", "2s", "--json", "stats"]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "stats is incomplete: {}",
        stderr(&out)
    );
    let v = json(&out);
    assert_eq!(v["unreachable"][0]["node"], down_addr.as_str(), "{v}");
    assert_eq!(v["nodes"].as_array().map(Vec::len), Some(2), "{v}");
    assert!(stderr(&out).contains(&down_addr), "{}", stderr(&out));

    let out = run(
        &c.url(),
        &["--timeout", "2s", "--json", "scan-delete", "dn:*", "--yes"],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "never complete: {err}");
    assert!(
        err.contains(&down_addr) && err.contains("not reached"),
        "names the unreachable node: {err}"
    );
    let left: u64 = c
        .primary_ports()
        .iter()
        .filter(|&&p| p != down_port)
        .map(|&p| c.node(p).dbsize())
        .sum();
    // What stays: the `wm:*` keys warm wrote and the tag holding the down member.
    assert_eq!(
        left,
        300 - on_down + 1,
        "every dn: key on the healthy primaries was deleted"
    );
    assert!(down_keys > 0);
}

/// A database the server does not have (or a negative one in the URL) is bad
/// input, exit 2, said as such: not "cannot connect".
#[test]
fn a_database_the_server_does_not_have_is_bad_input() {
    let s = RedisServer::start_with(&["--databases", "4"]);
    let cases = [
        (format!("{}/4", s.url()), vec!["set", "db:k", "v"]),
        (s.url(), vec!["-n", "9", "get", "db:k"]),
        (format!("{}/-1", s.url()), vec!["get", "db:k"]),
        (format!("{}/99999999999", s.url()), vec!["get", "db:k"]),
    ];
    for (url, args) in cases {
        let out = run(&url, &args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{url} {args:?}: {err}");
        assert!(err.contains("database"), "{url} {args:?}: {err}");
        assert!(!err.contains("cannot connect"), "{url} {args:?}: {err}");
    }
    assert_eq!(s.dbsize(), 0);
}

/// A SIGSTOPped primary (it accepts connections but never answers) costs one
/// --timeout: keys on the other primaries are served, its own fail with exit 3
/// naming it. A database other than 0 on a cluster is bad input.
#[test]
fn a_stopped_cluster_primary_is_bounded_by_the_timeout() {
    use crate::common::RedisCluster;
    let mut c = RedisCluster::start();
    let primaries = c.primary_ports();
    let (stopped, live) = (primaries[1], primaries[0]);
    let on = |c: &RedisCluster, port: u16| {
        (0..1000)
            .map(|i| format!("st:{i}"))
            .find(|k| c.port_for_key(k.as_bytes()) == port)
            .expect("a key on that primary")
    };
    let (stopped_key, live_key) = (on(&c, stopped), on(&c, live));
    c.cli_c(&["SET", &live_key, "v"]);
    let out = run(&c.url(), &["-n", "1", "get", &live_key]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    // Valkey 9 clusters may have databases; its own limit is then named.
    assert!(stderr(&out).contains("database"), "{}", stderr(&out));
    let idx = c
        .nodes
        .iter()
        .position(|n| n.port == stopped)
        .expect("node");
    // The seed must be a node that answers: the user's URL is not the fault here.
    let seed = c.node(live).url();
    c.nodes[idx].pause();
    let out = run(&seed, &["--timeout", "500ms", "get", &live_key]);
    let live_out = (out.status.code(), out.stdout.clone(), stderr(&out));
    let out = run(&seed, &["--timeout", "500ms", "get", &stopped_key]);
    c.nodes[idx].resume();
    assert_eq!(live_out.1, b"v", "the live primary serves: {}", live_out.2);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("127.0.0.1:{stopped}")),
        "{}",
        stderr(&out)
    );
}

/// TLS on one side only is named as such, not reported as a timeout or a
/// dropped connection; a zero --timeout is bad input.
#[test]
fn tls_on_one_side_only_is_named_and_a_zero_timeout_is_bad_input() {
    crate::require_tls!();
    let plain = RedisServer::start();
    let (tls, _files) = RedisServer::start_tls(crate::common::TlsOpts::default());
    let to_plain = format!("rediss://127.0.0.1:{}", plain.port);
    let out = run(&to_plain, &["--insecure", "--timeout", "1s", "get", "k"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("TLS"), "{}", stderr(&out));
    let to_tls = format!("redis://127.0.0.1:{}", tls.port);
    let out = run(&to_tls, &["--timeout", "1s", "get", "k"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("TLS"), "{}", stderr(&out));
    let out = run(&plain.url(), &["--timeout", "0s", "get", "k"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--timeout"), "{}", stderr(&out));
}

/// `CLIENT KILL` of cachectl's connection mid-run: read-only work reconnects
/// and carries on.
#[test]
fn a_killed_connection_is_reopened_for_read_only_work() {
    use crate::common::wait_until;
    use std::time::Duration;
    let s = RedisServer::start();
    let child = crate::fixtures::spawn(
        &s.url(),
        &["--json", "stats", "--watch", "200ms", "--iterations", "15"],
    );
    wait_until(Duration::from_secs(10), "cachectl read INFO", || {
        s.cli(&["CLIENT", "LIST"]).contains("cmd=info")
    });
    let killed = s
        .call(&[b"CLIENT", b"KILL", b"TYPE", b"normal", b"SKIPME", b"yes"])
        .as_int()
        .unwrap_or(0);
    let out = child.wait_with_output().expect("wait");
    assert!(killed >= 1, "the connection was killed");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let reports = String::from_utf8_lossy(&out.stdout)
        .matches("\"server\"")
        .count();
    assert_eq!(reports, 15, "every round reported");
}

/// A primary announced at an address cachectl cannot reach (a wrong
/// `cluster-announce-port`, as behind NAT): the others are served, its keys
/// fail at once naming the address it was announced at.
#[test]
fn a_primary_announced_at_an_unreachable_address_does_not_stop_the_rest() {
    use crate::common::{free_port, wait_until, RedisCluster};
    use std::time::Duration;
    let c = RedisCluster::start();
    let primaries = c.primary_ports();
    let (moved, live) = (primaries[2], primaries[0]);
    let on = |port: u16| {
        (0..1000)
            .map(|i| format!("na:{i}"))
            .find(|k| c.port_for_key(k.as_bytes()) == port)
            .expect("a key on that primary")
    };
    let (moved_key, live_key) = (on(moved), on(live));
    c.cli_c(&["SET", &live_key, "v"]);
    let closed = free_port();
    let r = c.call(
        moved,
        &[
            b"CONFIG",
            b"SET",
            b"cluster-announce-port",
            closed.to_string().as_bytes(),
        ],
    );
    assert!(r.is_ok(), "{r:?}");
    let seed = c.node(live);
    wait_until(Duration::from_secs(20), "the new address gossiped", || {
        seed.cli(&["CLUSTER", "SLOTS"])
            .contains(&closed.to_string())
    });
    let out = run(&seed.url(), &["--timeout", "1s", "get", &live_key]);
    assert_eq!(out.stdout, b"v", "{}", stderr(&out));
    let out = run(&seed.url(), &["--timeout", "1s", "get", &moved_key]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("127.0.0.1:{closed}")),
        "{}",
        stderr(&out)
    );
}

/// Read-only work runs against a replica, so a keyspace report or a dry run can
/// spare the primary; nothing it runs is a write (the replica would refuse it).
#[test]
fn read_only_work_runs_against_a_replica() {
    use crate::fixtures::json;
    let primary = RedisServer::start();
    for i in 0..50 {
        primary.cli(&["SET", &format!("ro:{i}"), "v", "EX", "600"]);
    }
    primary.cli(&["SET", "ro:lock", "tok-1234567890abcdef", "PX", "60000"]);
    primary.cli(&["ZADD", "ro:rl", "1", "a"]);
    primary.cli(&["SADD", "tag:ro", "ro:1", "ro:2"]);
    let replica = start_replica(&primary);
    crate::common::wait_until(
        std::time::Duration::from_secs(20),
        "replica has the keys",
        || replica.dbsize() == 53,
    );
    let cases: Vec<Vec<&str>> = vec![
        vec!["get", "ro:1", "ro:2"],
        vec!["ttl", "ro:1"],
        vec!["ttl", "--pattern", "ro:*"],
        vec!["stats"],
        vec!["stats", "--scan"],
        vec!["lock", "status", "ro:lock"],
        vec!["lock", "list", "ro:*"],
        vec!["ratelimit-test", "ro:rl", "--inspect"],
        vec!["scan-delete", "ro:*", "--dry-run"],
        vec!["ttl", "--pattern", "ro:*", "--set", "1h", "--dry-run"],
        vec!["tag-invalidate", "ro", "--dry-run"],
    ];
    for args in cases {
        let out = run(&replica.url(), &[&["--json"][..], &args].concat());
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert!(!json(&out).is_null(), "{args:?}");
    }
    let v = json(&run(&replica.url(), &["--json", "stats", "--scan"]));
    assert_eq!(v["keyspace"]["keys"], 53, "{v}");
    assert_eq!(primary.dbsize(), 53, "nothing changed");
}
