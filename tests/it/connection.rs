//! Connection handling: passwords, ACL users, TLS, timeouts, redaction.

use std::time::{Duration, Instant};

use crate::common::{cachectl, RedisServer, TlsOpts};
use crate::fixtures::{json, run, stderr};

#[test]
fn password_from_env_url_and_flag() {
    let s = RedisServer::start_with_password("s3cret-pw");
    s.cli(&["SET", "pw:k", "v"]);
    let out = cachectl()
        .args(["--url", &s.url(), "get", "pw:k"])
        .env("REDISCLI_AUTH", "s3cret-pw")
        .output()
        .expect("run");
    assert_eq!(out.stdout, b"v", "{}", stderr(&out));
    let out = cachectl()
        .args(["--url", &s.url(), "get", "pw:k"])
        .env("REDIS_PASSWORD", "s3cret-pw")
        .output()
        .expect("run");
    assert_eq!(out.stdout, b"v");
    let out = run(&s.url_with_auth(None, "s3cret-pw"), &["get", "pw:k"]);
    assert_eq!(out.stdout, b"v");
    let out = run(&s.url(), &["-a", "s3cret-pw", "get", "pw:k"]);
    assert_eq!(out.stdout, b"v");
    assert!(
        stderr(&out).contains("Warning"),
        "-a warns like redis-cli: {}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("s3cret-pw"));
}

#[test]
fn wrong_or_missing_password_is_exit_3_and_never_printed() {
    let s = RedisServer::start_with_password("right-pw");
    let bad = s.url_with_auth(None, "wrong-pw-123");
    let out = run(&bad, &["get", "k"]);
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    assert!(!err.contains("wrong-pw-123"), "password leaked: {err}");
    assert!(err.contains("***"), "URL shown redacted: {err}");
    assert!(err.to_lowercase().contains("auth"), "{err}");
    let out = run(&s.url(), &["get", "k"]);
    assert_eq!(out.status.code(), Some(3), "no password: NOAUTH is fatal");
}

#[test]
fn acl_user_works_and_a_failed_auth_never_falls_back_to_default() {
    // The default user is open here: falling back to it would "work".
    let s = RedisServer::start_with_acl("app", "app-pass", &["~app:*", "+@all"]);
    s.cli(&["SET", "app:k", "mine"]);
    let out = run(&s.url_with_auth(Some("app"), "app-pass"), &["get", "app:k"]);
    assert_eq!(out.stdout, b"mine", "{}", stderr(&out));
    let out = run(
        &s.url(),
        &["--user", "app", "--pass", "app-pass", "-q", "get", "app:k"],
    );
    assert_eq!(out.stdout, b"mine", "{}", stderr(&out));
    let out = run(&s.url_with_auth(Some("app"), "nope"), &["get", "app:k"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(out.stdout.is_empty());
    assert!(!stderr(&out).contains("nope@"), "{}", stderr(&out));
}

#[test]
fn acl_noperm_on_a_key_is_exit_3() {
    let s = RedisServer::start_with_acl("app", "app-pass", &["~app:*", "+@all"]);
    s.cli(&["SET", "other:k", "theirs"]);
    let out = run(
        &s.url_with_auth(Some("app"), "app-pass"),
        &["get", "other:k"],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("NOPERM") || stderr(&out).contains("permission"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn tls_verifies_with_cacert_and_fails_without() {
    crate::require_tls!();
    let (s, files) = RedisServer::start_tls(TlsOpts::default());
    s.cli(&["SET", "tls:k", "secure"]);
    let ca = files.ca.to_str().expect("path");
    let out = run(&s.url(), &["--cacert", ca, "get", "tls:k"]);
    assert_eq!(out.stdout, b"secure", "{}", stderr(&out));
    let url = s.url().replace("rediss://", "redis://");
    let out = run(&url, &["--tls", "--cacert", ca, "get", "tls:k"]);
    assert_eq!(
        out.stdout,
        b"secure",
        "--tls on a redis:// URL: {}",
        stderr(&out)
    );
    let out = run(&s.url(), &["--timeout", "2s", "get", "tls:k"]);
    assert_eq!(out.status.code(), Some(3), "unknown CA must fail");
    let out = run(&s.url(), &["--insecure", "get", "tls:k"]);
    assert_eq!(
        out.stdout,
        b"secure",
        "--insecure skips verification: {}",
        stderr(&out)
    );
}

#[test]
fn tls_hostname_mismatch_fails() {
    crate::require_tls!();
    let (s, files) = RedisServer::start_tls(TlsOpts {
        wrong_hostname: true,
        ..Default::default()
    });
    let ca = files.ca.to_str().expect("path");
    let out = run(&s.url(), &["--cacert", ca, "--timeout", "2s", "get", "k"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
}

#[test]
fn tls_client_certificates() {
    crate::require_tls!();
    let (s, files) = RedisServer::start_tls(TlsOpts {
        require_client_cert: true,
        ..Default::default()
    });
    s.cli(&["SET", "mtls:k", "ok"]);
    let p = |x: &std::path::Path| x.to_str().expect("path").to_string();
    let (ca, cert, key) = (p(&files.ca), p(&files.client_cert), p(&files.client_key));
    let out = run(
        &s.url(),
        &[
            "--cacert", &ca, "--cert", &cert, "--key", &key, "get", "mtls:k",
        ],
    );
    assert_eq!(out.stdout, b"ok", "{}", stderr(&out));
    let out = run(
        &s.url(),
        &["--cacert", &ca, "--timeout", "2s", "get", "mtls:k"],
    );
    assert_eq!(
        out.status.code(),
        Some(3),
        "no client certificate must fail"
    );
}

#[test]
fn client_pause_is_exit_3_within_the_timeout() {
    let s = RedisServer::start();
    s.cli(&["SET", "p:k", "v"]);
    s.pause_clients(3000);
    let t0 = Instant::now();
    let out = run(&s.url(), &["--timeout", "500ms", "get", "p:k"]);
    let took = t0.elapsed();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        took < Duration::from_millis(2500),
        "took {took:?}: must not wait for the pause to end"
    );
    assert!(stderr(&out).contains("did not answer"), "{}", stderr(&out));
}

#[test]
fn stopped_server_is_exit_3_within_the_timeout() {
    let mut s = RedisServer::start();
    s.pause();
    let t0 = Instant::now();
    let out = run(&s.url(), &["--timeout", "500ms", "ttl", "k"]);
    let took = t0.elapsed();
    s.resume();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(took < Duration::from_millis(2500), "took {took:?}");
}

#[test]
fn db_number_from_url_and_flag() {
    let s = RedisServer::start();
    let out = run(&format!("{}/3", s.url()), &["set", "db:k", "three"]);
    assert!(out.status.success());
    assert_eq!(s.cli(&["-n", "3", "GET", "db:k"]), "three");
    let out = run(&s.url(), &["-n", "3", "--json", "get", "db:k"]);
    assert_eq!(json(&out)["value"], "three");
}

#[test]
fn a_user_without_a_password_never_becomes_the_default_user() {
    let s = RedisServer::start_with_acl("app", "app-pass", &["~app:*", "+@all"]);
    // No password given for "app": AUTH app "" must fail, not fall back.
    let out = run(&s.url(), &["--user", "app", "get", "app:k"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    // A nopass user works without one.
    s.call(&[
        b"ACL", b"SETUSER", b"open", b"on", b"nopass", b"~open:*", b"+@all",
    ]);
    s.cli(&["SET", "open:k", "v"]);
    let out = run(&s.url(), &["--user", "open", "get", "open:k"]);
    assert_eq!(out.stdout, b"v", "{}", stderr(&out));
}

#[test]
fn a_user_without_info_still_works() {
    let s = RedisServer::start_with_acl("lean", "lean-pass", &["~lean:*", "+@all", "-info"]);
    s.cli(&["SET", "lean:k", "v"]);
    let out = run(
        &s.url_with_auth(Some("lean"), "lean-pass"),
        &["get", "lean:k"],
    );
    assert_eq!(out.stdout, b"v", "{}", stderr(&out));
}

/// Replies are read in RESP2 shapes; RESP3 maps would read as empty values,
/// so a RESP3 URL is refused before anything is sent.
#[test]
fn resp3_is_refused_with_exit_2_not_read_as_empty() {
    let s = RedisServer::start();
    s.cli(&["ZADD", "r3:z", "1", "a"]);
    for url in [
        format!("redis://127.0.0.1:{}/?protocol=resp3", s.port),
        format!("redis://127.0.0.1:{}/0?protocol=3", s.port),
    ] {
        let out = run(&url, &["--json", "get", "r3:z"]);
        assert_eq!(out.status.code(), Some(2), "{url}: {}", stderr(&out));
        assert!(stderr(&out).contains("RESP3"), "{}", stderr(&out));
        assert!(out.stdout.is_empty(), "nothing printed as a value");
    }
    let ok = run(&s.url(), &["--json", "get", "r3:z"]);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
}
