//! Connection errors read as what went wrong, with a hint at the fix: not
//! the client library's parse error or a bare timeout.

use crate::common::endpoint::FakeEndpoint;
use crate::common::{RedisCluster, RedisServer, TlsOpts};
use crate::fixtures::{run, stderr};

#[test]
fn a_non_redis_endpoint_is_named_as_such() {
    let http = FakeEndpoint::answering(b"HTTP/1.1 400 Bad Request\r\n\r\n");
    let out = run(&http.url(), &["--timeout", "2s", "get", "k"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.contains("not a Redis server") && err.contains("RESP"),
        "says the endpoint did not speak RESP: {err}"
    );
    assert!(!err.contains("Incompatible type"), "{err}");
    assert!(!err.contains("Parse error"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
}

#[test]
fn rediss_to_a_plain_server_hints_at_tls() {
    let s = RedisServer::start();
    let url = s.url().replace("redis://", "rediss://");
    let out = run(&url, &["--timeout", "1s", "get", "k"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.contains("TLS"),
        "hints that TLS may be the cause: {err}"
    );
}

#[test]
fn a_plain_url_to_a_tls_server_hints_at_rediss() {
    crate::require_tls!();
    let (s, _files) = RedisServer::start_tls(TlsOpts::default());
    let url = s.url().replace("rediss://", "redis://");
    let out = run(&url, &["--timeout", "2s", "get", "k"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("rediss://"), "hints at rediss://: {err}");
}

#[test]
fn a_database_other_than_0_on_a_cluster_is_a_usage_error() {
    let c = RedisCluster::start();
    let with_path = format!("{}/2", c.url());
    let mut runs = Vec::new();
    for cmd in [
        &["get", "k"][..],
        &["stats"],
        &["ttl", "k"],
        &["set", "k", "v"],
    ] {
        runs.push((format!("/2 {cmd:?}"), run(&with_path, cmd)));
        let mut flagged = vec!["--db", "2"];
        flagged.extend_from_slice(cmd);
        runs.push((format!("--db 2 {cmd:?}"), run(&c.url(), &flagged)));
    }
    for (how, out) in runs {
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{how}: {err}");
        // Valkey 9 clusters may have several databases (`cluster-databases`):
        // there the one it lacks is named as on a single server.
        assert!(
            err.contains("only database 0") || err.contains("database 2 does not exist"),
            "{how}: says the cluster has no database 2: {err}"
        );
        assert!(!err.contains("SELECT is not allowed"), "{how}: {err}");
    }
}

#[test]
fn rediss_to_an_endpoint_that_answers_in_plain_text_hints_at_tls() {
    let http = FakeEndpoint::answering(b"HTTP/1.1 400 Bad Request\r\n\r\n");
    let url = http.url().replace("redis://", "rediss://");
    let out = run(&url, &["--timeout", "2s", "get", "k"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.contains("did not answer in TLS"),
        "says the endpoint is no TLS port: {err}"
    );
    assert!(!err.contains("InvalidContentType"), "{err}");
}
