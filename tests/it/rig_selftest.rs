//! Self-tests of the shared test rig in `common`.

use std::collections::HashSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::common::{
    cachectl, cachectl_std, free_port, unique_prefix, wait_until, RedisCluster, RedisServer, Reply,
    TlsOpts, ACL_ADMIN_PASS,
};

/// Process state letter from /proc (`T` = stopped), `None` once reaped.
fn process_state(pid: u32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // "pid (comm) S ...": the state follows the last ')'.
    stat.rsplit_once(')')?.1.trim_start().chars().next()
}

fn process_alive(pid: u32) -> bool {
    // A reaped child is gone; `kill -0` fails for it.
    Command::new("kill")
        .args(["-0", &pid.to_string()])
        .stderr(Stdio::null())
        .status()
        .expect("running kill -0")
        .success()
}

#[test]
fn free_ports_are_unique() {
    let ports: Vec<u16> = (0..200).map(|_| free_port()).collect();
    let distinct: HashSet<u16> = ports.iter().copied().collect();
    assert_eq!(distinct.len(), ports.len());
    assert!(ports.iter().all(|p| *p != 0));
}

#[test]
fn unique_prefix_format() {
    assert_eq!(unique_prefix("scan"), "t:scan:");
}

#[test]
#[should_panic(expected = "timed out after 50ms waiting for the impossible")]
fn wait_until_panics_with_description() {
    wait_until(Duration::from_millis(50), "the impossible", || false);
}

#[test]
fn plain_server_set_get() {
    let server = RedisServer::start();
    assert_eq!(server.url(), format!("redis://127.0.0.1:{}", server.port));
    assert!(server.admin_pass.is_none());
    assert_eq!(server.cli(&["SET", "t:plain:k", "hello world"]), "OK");
    assert_eq!(server.cli(&["GET", "t:plain:k"]), "hello world");
    assert_eq!(
        server.call(&[b"GET", b"t:plain:k"]),
        Reply::Bulk(b"hello world".to_vec())
    );
    assert_eq!(server.call(&[b"GET", b"missing"]), Reply::Nil);
    assert_eq!(server.dbsize(), 1);
    assert_eq!(
        server.info_field("server", "process_id"),
        Some(server.pid().to_string())
    );
    // Error replies come back as text, not as a panic.
    assert!(server.cli(&["INCR", "t:plain:k"]).starts_with("ERR"));
    // No persistence: `--save ""` reached the server as an empty value.
    assert_eq!(server.cli(&["CONFIG", "GET", "save"]), "save");
    assert_eq!(
        server.cli(&["CONFIG", "GET", "appendonly"]),
        "appendonly\nno"
    );
    // DEBUG is enabled for local connections.
    assert_eq!(server.cli(&["DEBUG", "SLEEP", "0"]), "OK");
}

#[test]
fn start_with_passes_extra_args() {
    let server = RedisServer::start_with(&["--maxmemory", "12mb", "--databases", "4"]);
    assert_eq!(
        server.cli(&["CONFIG", "GET", "maxmemory"]),
        "maxmemory\n12582912"
    );
    assert!(server.cli(&["SELECT", "4"]).starts_with("ERR"));
}

#[test]
fn binary_keys_and_values() {
    let server = RedisServer::start();
    let key: &[u8] = b"t:bin:\xff\xfe\x01 key";
    let value: &[u8] = b"\x80\x81\nline\r\n";
    assert_eq!(server.cli_bytes(&[b"SET", key, value]), b"OK");
    assert_eq!(server.cli_bytes(&[b"GET", key]), value);
    // NUL bytes only work through the raw RESP client.
    let nul_key: &[u8] = b"t:bin:\x00nul";
    assert!(server.call(&[b"SET", nul_key, b"\x00"]).is_ok());
    assert_eq!(server.call(&[b"GET", nul_key]), Reply::Bulk(vec![0]));
    assert_eq!(server.dbsize(), 2);
}

#[test]
fn password_server_rejects_unauthenticated_cli() {
    let server = RedisServer::start_with_password("s3cret pass");
    assert_eq!(server.admin_pass.as_deref(), Some("s3cret pass"));
    assert_eq!(server.cli(&["PING"]), "PONG");
    assert!(server
        .cli_with_auth(None, None, &["PING"])
        .starts_with("NOAUTH"));
    assert!(server
        .cli_with_auth(None, Some("wrong"), &["PING"])
        .starts_with("NOAUTH"));
    assert_eq!(
        server.url_with_auth(None, "s3cret pass"),
        format!("redis://:s3cret%20pass@127.0.0.1:{}", server.port)
    );
}

#[test]
fn acl_user_has_its_rules() {
    let server = RedisServer::start_with_acl("app", "app-pass", &["~t:*", "+@all", "-flushall"]);
    assert_eq!(server.admin_pass.as_deref(), Some(ACL_ADMIN_PASS));
    let as_app = |args: &[&str]| server.cli_with_auth(Some("app"), Some("app-pass"), args);
    assert_eq!(as_app(&["ACL", "WHOAMI"]), "app");
    assert_eq!(as_app(&["SET", "t:acl:k", "1"]), "OK");
    assert!(as_app(&["SET", "other", "1"]).starts_with("NOPERM"));
    assert!(as_app(&["FLUSHALL"]).starts_with("NOPERM"));
    // cli() stays the admin (default user).
    assert_eq!(server.cli(&["ACL", "WHOAMI"]), "default");
    assert_eq!(server.cli(&["SET", "other", "1"]), "OK");
    assert_eq!(
        server.url_with_auth(Some("app"), "app-pass"),
        format!("redis://app:app-pass@127.0.0.1:{}", server.port)
    );
}

/// `redis-cli --tls --cacert CA [-p PORT] PING` without a client certificate.
fn tls_ping_without_client_cert(server: &RedisServer, ca: &Path) -> String {
    let output = Command::new("redis-cli")
        .args(["-h", "127.0.0.1", "-p", &server.port.to_string(), "--tls"])
        .arg("--cacert")
        .arg(ca)
        .arg("PING")
        .stdin(Stdio::null())
        .output()
        .expect("running redis-cli");
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

#[test]
fn tls_server_requiring_client_certs() {
    crate::require_tls!();
    let (server, files) = RedisServer::start_tls(TlsOpts {
        require_client_cert: true,
        ..TlsOpts::default()
    });
    assert_eq!(server.url(), format!("rediss://127.0.0.1:{}", server.port));
    assert!(files.ca.starts_with(server.dir.path()));
    assert_eq!(server.cli(&["PING"]), "PONG");
    assert_eq!(server.cli(&["SET", "t:tls:k", "v"]), "OK");
    assert_eq!(server.dbsize(), 1);
    assert_ne!(tls_ping_without_client_cert(&server, &files.ca), "PONG");
}

#[test]
fn tls_server_without_client_certs() {
    crate::require_tls!();
    let (server, files) = RedisServer::start_tls(TlsOpts::default());
    assert_eq!(server.cli(&["PING"]), "PONG");
    assert_eq!(tls_ping_without_client_cert(&server, &files.ca), "PONG");
}

fn openssl_verify(ca: &Path, cert: &Path, extra: &[&str]) -> bool {
    Command::new("openssl")
        .arg("verify")
        .arg("-CAfile")
        .arg(ca)
        .args(extra)
        .arg(cert)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("running openssl verify")
        .success()
}

#[test]
fn tls_certificates_have_the_expected_names() {
    crate::require_tls!();
    let (_right, good) = RedisServer::start_tls(TlsOpts::default());
    let (wrong_server, wrong) = RedisServer::start_tls(TlsOpts {
        wrong_hostname: true,
        ..TlsOpts::default()
    });
    let (ca, server, client) = (&good.ca, &good.server_cert, &good.client_cert);
    assert!(openssl_verify(ca, server, &["-verify_ip", "127.0.0.1"]));
    assert!(openssl_verify(
        ca,
        server,
        &["-verify_hostname", "localhost"]
    ));
    assert!(openssl_verify(ca, server, &["-purpose", "sslserver"]));
    assert!(openssl_verify(ca, client, &["-purpose", "sslclient"]));
    let (wrong_ca, wrong_cert) = (&wrong.ca, &wrong.server_cert);
    assert!(openssl_verify(wrong_ca, wrong_cert, &[]));
    assert!(!openssl_verify(
        wrong_ca,
        wrong_cert,
        &["-verify_ip", "127.0.0.1"]
    ));
    assert!(!openssl_verify(
        wrong_ca,
        wrong_cert,
        &["-verify_hostname", "localhost"]
    ));
    assert!(openssl_verify(
        wrong_ca,
        wrong_cert,
        &["-verify_hostname", "wrong.example"]
    ));
    // Certificates from one CA are not trusted by another.
    assert!(!openssl_verify(wrong_ca, server, &[]));
    // redis-cli does not check hostnames, so the rig still works.
    assert_eq!(wrong_server.cli(&["PING"]), "PONG");
}

#[test]
fn stop_pause_and_drop_kill_the_server() {
    let mut server = RedisServer::start();
    let pid = server.pid();
    server.pause();
    wait_until(Duration::from_secs(5), "redis-server to be stopped", || {
        process_state(pid) == Some('T')
    });
    server.resume();
    assert_eq!(server.call(&[b"PING"]), Reply::Status("PONG".into()));
    server.pause();
    let dir = server.dir.path().to_owned();
    drop(server); // must not hang on a stopped process
    assert!(!process_alive(pid));
    assert!(!dir.exists());

    let server = RedisServer::start();
    let pid = server.pid();
    server.stop();
    assert!(!process_alive(pid));
}

#[test]
fn server_is_killed_when_the_test_panics() {
    let pid = std::sync::Mutex::new(0);
    let result = std::panic::catch_unwind(|| {
        let server = RedisServer::start();
        *pid.lock().expect("pid lock") = server.pid();
        panic!("boom");
    });
    assert!(result.is_err());
    let pid = *pid.lock().expect("pid lock");
    assert!(pid != 0);
    assert!(!process_alive(pid));
}

#[test]
fn cluster_three_primaries_counts_keys() {
    let cluster = RedisCluster::start();
    assert_eq!(cluster.nodes.len(), 3);
    assert_eq!(
        cluster.url(),
        format!("redis://127.0.0.1:{}", cluster.ports()[0])
    );
    let mut primaries = cluster.primary_ports();
    let mut all = cluster.ports();
    primaries.sort_unstable();
    all.sort_unstable();
    assert_eq!(primaries, all);
    assert!(cluster.replica_ports().is_empty());
    for i in 0..50 {
        let key = format!("t:cluster:{i}");
        assert_eq!(cluster.cli_c(&["SET", &key, "v"]), "OK");
    }
    assert_eq!(cluster.dbsize_total(), 50);
    // Keys are spread over all three primaries.
    for port in cluster.primary_ports() {
        assert!(cluster.node(port).dbsize() > 0, "no keys on :{port}");
    }
    // Without -c, a key on another node is a MOVED redirection.
    let key = b"t:cluster:0";
    let owner = cluster.port_for_key(key);
    let other = cluster
        .ports()
        .into_iter()
        .find(|p| *p != owner)
        .expect("a second node");
    assert!(
        matches!(cluster.call(other, &[b"GET", key]), Reply::Error(e) if e.starts_with("MOVED"))
    );
    assert_eq!(
        cluster.call(owner, &[b"GET", key]),
        Reply::Bulk(b"v".to_vec())
    );
}

#[test]
fn cluster_with_replicas() {
    let cluster = RedisCluster::start_with_replicas(1);
    assert_eq!(cluster.nodes.len(), 6);
    assert_eq!(cluster.primary_ports().len(), 3);
    assert_eq!(cluster.replica_ports().len(), 3);
    assert_eq!(cluster.cli_c(&["SET", "t:repl:k", "v"]), "OK");
    assert_eq!(cluster.dbsize_total(), 1);
}

#[test]
fn slot_migration_moves_keys() {
    let cluster = RedisCluster::start();
    let keys: Vec<String> = (0..250).map(|i| format!("{{t:mig}}:{i}")).collect();
    for key in &keys {
        assert_eq!(cluster.cli_c(&["SET", key, "v"]), "OK");
    }
    let slot = cluster.key_slot(keys[0].as_bytes());
    assert_eq!(cluster.key_slot(keys[249].as_bytes()), slot);
    let from = cluster.port_for_slot(slot);
    let to = cluster
        .primary_ports()
        .into_iter()
        .find(|p| *p != from)
        .expect("another primary");
    cluster.migrate_slot(slot, from, to);
    assert_eq!(cluster.port_for_slot(slot), to);
    assert_eq!(cluster.node(from).dbsize(), 0);
    assert_eq!(cluster.node(to).dbsize(), 250);
    assert_eq!(cluster.dbsize_total(), 250);
    assert_eq!(
        cluster.call(to, &[b"GET", keys[7].as_bytes()]),
        Reply::Bulk(b"v".to_vec())
    );
    assert_eq!(cluster.cli_c(&["GET", &keys[8]]), "v");
}

#[test]
fn cachectl_binary_runs() {
    cachectl().arg("--help").assert().success();
    let status = cachectl_std()
        .arg("--help")
        .stdout(Stdio::null())
        .status()
        .expect("running cachectl --help");
    assert!(status.success());
}
