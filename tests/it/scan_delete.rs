//! scan-delete and flush-prefix against real servers: exactness, safety rails,
//! concurrency with writers, interruption, checkpoints, ACL, rate cap.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::common::resp::Conn;
use crate::common::{cachectl, cachectl_std, send_signal, wait_until, RedisServer};
use crate::fixtures::{json, keys, load, run, spawn, stderr};

#[test]
fn deletes_exactly_the_matches() {
    let s = RedisServer::start();
    load(&s, &keys("del:", 5000), None);
    load(&s, &keys("keep:", 3000), None);
    load(&s, &keys("delx", 100), None); // "del*" would match these, "del:*" must not
    let out = run(
        &s.url(),
        &["--json", "scan-delete", "del:*", "--yes", "--batch", "128"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["pattern"], "del:*");
    assert_eq!(v["matched"], 5000);
    assert_eq!(v["deleted"], 5000);
    assert_eq!(v["dry_run"], false);
    assert!(v["elapsed_ms"].is_u64());
    assert_eq!(s.count_matching("del:*"), 0);
    assert_eq!(s.dbsize(), 3100);
}

#[test]
fn dry_run_counts_samples_and_changes_nothing() {
    let s = RedisServer::start();
    load(&s, &keys("dry:", 250), None);
    let out = run(
        &s.url(),
        &[
            "--json",
            "scan-delete",
            "dry:*",
            "--dry-run",
            "--sample",
            "4",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["matched"], 250);
    assert_eq!(v["deleted"], 0);
    assert_eq!(v["dry_run"], true);
    let sample = v["sample"].as_array().expect("sample");
    assert_eq!(sample.len(), 4);
    assert!(sample
        .iter()
        .all(|k| k.as_str().is_some_and(|k| k.starts_with("dry:"))));
    assert_eq!(s.dbsize(), 250);
}

#[test]
fn refuses_without_terminal_or_yes_and_guards_match_all() {
    let s = RedisServer::start();
    load(&s, &keys("g:", 10), None);
    let out = run(&s.url(), &["scan-delete", "g:*"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--yes"), "{}", stderr(&out));
    for args in [
        vec!["scan-delete", "*", "--yes"],
        vec!["scan-delete", "**", "--yes"],
        vec!["flush-prefix", "", "--yes"],
    ] {
        let out = run(&s.url(), &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains("--all"), "{}", stderr(&out));
    }
    assert_eq!(s.dbsize(), 10);
    let out = run(&s.url(), &["--json", "scan-delete", "*", "--all", "--yes"]);
    assert!(out.status.success());
    assert_eq!(json(&out)["deleted"], 10);
    assert_eq!(s.dbsize(), 0);
}

#[test]
fn flush_prefix_is_literal() {
    let s = RedisServer::start();
    for k in [
        "a*b:1", "a*b:2", "aXb:1", "a[b]:1", "ab]:1", "a\\b:1", "a?c:1", "abc:1",
    ] {
        s.cli(&["SET", k, "v"]);
    }
    let out = run(&s.url(), &["--json", "flush-prefix", "a*b:", "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["deleted"], 2);
    assert_eq!(s.cli(&["EXISTS", "aXb:1"]), "1");
    let out = run(&s.url(), &["--json", "flush-prefix", "a[b]:", "--yes"]);
    assert_eq!(json(&out)["deleted"], 1);
    assert_eq!(s.cli(&["EXISTS", "ab]:1"]), "1");
    let out = run(&s.url(), &["--json", "flush-prefix", "a\\b:", "--yes"]);
    assert_eq!(json(&out)["deleted"], 1);
    let out = run(&s.url(), &["--json", "flush-prefix", "a?c", "--yes"]);
    assert_eq!(json(&out)["deleted"], 1);
    assert_eq!(s.cli(&["EXISTS", "abc:1"]), "1");
    assert_eq!(s.dbsize(), 3);
}

#[test]
fn flush_prefix_with_namespace_flushes_the_namespace() {
    let s = RedisServer::start();
    load(&s, &keys("t1:", 20), None);
    load(&s, &keys("t10:", 20), None);
    let out = run(
        &s.url(),
        &["--prefix", "t1", "--json", "flush-prefix", "--yes"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["deleted"], 20);
    assert_eq!(s.dbsize(), 20, "t10: is another namespace");
}

#[test]
fn binary_keys_are_deleted_and_shown_escaped() {
    let s = RedisServer::start();
    let weird: [&[u8]; 3] = [b"bin:\xff\x00:1", b"bin:new\nline", b"bin:plain"];
    for k in weird {
        assert!(s.call(&[b"SET", k, b"v"]).is_ok());
    }
    assert!(s.call(&[b"SET", b"bin\xff:keep", b"v"]).is_ok());
    let out = run(&s.url(), &["--json", "scan-delete", "bin:*", "--dry-run"]);
    let v = json(&out);
    let sample: Vec<String> = v["sample"]
        .as_array()
        .expect("sample")
        .iter()
        .map(|x| x.as_str().unwrap_or("").to_string())
        .collect();
    assert!(
        sample.contains(&"bin:\\xff\\x00:1".to_string()),
        "{sample:?}"
    );
    assert!(sample.contains(&"bin:new\\nline".to_string()), "{sample:?}");
    let out = cachectl()
        .args(["--url", &s.url(), "--json", "scan-delete", "--yes"])
        .arg(OsStr::from_bytes(b"bin:*"))
        .output()
        .expect("run");
    assert_eq!(json(&out)["deleted"], 3);
    assert_eq!(s.dbsize(), 1);
    // A non-UTF-8 pattern given as raw bytes.
    let out = cachectl()
        .args(["--url", &s.url(), "--json", "scan-delete", "--yes"])
        .arg(OsStr::from_bytes(b"bin\xff:*"))
        .output()
        .expect("run");
    assert_eq!(json(&out)["deleted"], 1);
}

#[test]
fn type_filter_and_limit() {
    let s = RedisServer::start();
    load(&s, &keys("ty:s:", 30), None);
    for i in 0..20 {
        s.cli(&["HSET", &format!("ty:h:{i}"), "f", "v"]);
    }
    let out = run(
        &s.url(),
        &["--json", "scan-delete", "ty:*", "--type", "hash", "--yes"],
    );
    assert_eq!(json(&out)["deleted"], 20);
    assert_eq!(s.count_matching("ty:s:*"), 30);
    let out = run(
        &s.url(),
        &["--json", "scan-delete", "ty:*", "--limit", "7", "--yes"],
    );
    let v = json(&out);
    assert_eq!(v["deleted"], 7);
    assert_eq!(v["limit_reached"], true);
    assert_eq!(s.dbsize(), 23);
}

#[test]
fn concurrent_writers_lose_nothing_and_every_old_match_goes() {
    let s = RedisServer::start();
    load(&s, &keys("cw:old:", 20_000), None);
    load(&s, &keys("cw-keep:", 2_000), None);
    let stop = Arc::new(AtomicBool::new(false));
    let port = s.port;
    let writer = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut written = 0u32;
            let deadline = Instant::now() + Duration::from_secs(20);
            while !stop.load(Ordering::SeqCst) && Instant::now() < deadline {
                let mut c = std::process::Command::new("redis-cli");
                c.args(["-h", "127.0.0.1", "-p", &port.to_string()]);
                c.args([
                    "MSET",
                    &format!("cw-keep:new:{written}"),
                    "v",
                    &format!("cw:new:{written}"),
                    "v",
                ]);
                let _ = c.output();
                written += 1;
            }
            written
        })
    };
    let out = run(
        &s.url(),
        &[
            "--json",
            "scan-delete",
            "cw:*",
            "--yes",
            "--batch",
            "100",
            "--count",
            "100",
        ],
    );
    stop.store(true, Ordering::SeqCst);
    let written = writer.join().expect("writer");
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    assert!(v["deleted"].as_u64().expect("deleted") >= 20_000);
    assert_eq!(
        s.count_matching("cw:old:*"),
        0,
        "every pre-existing match is gone"
    );
    assert_eq!(
        s.count_matching("cw-keep:*"),
        2_000 + written as usize,
        "no non-matching key was lost"
    );
}

#[test]
fn rate_cap_is_respected() {
    let s = RedisServer::start();
    load(&s, &keys("rate:", 600), None);
    let t0 = Instant::now();
    let out = run(
        &s.url(),
        &["--json", "scan-delete", "rate:*", "--yes", "--rate", "300"],
    );
    let took = t0.elapsed();
    assert_eq!(json(&out)["deleted"], 600);
    // 600 deletions at 300/s cannot finish in less than ~2 s (minus one burst of 30).
    assert!(
        took >= Duration::from_millis(1800),
        "finished in {took:?}: the cap was not applied"
    );
}

fn spawn_delete(s: &RedisServer, extra: &[&str]) -> std::process::Child {
    let mut args = vec!["--json", "scan-delete", "int:*", "--yes"];
    args.extend_from_slice(extra);
    spawn(&s.url(), &args)
}

fn finish(child: std::process::Child) -> (Option<i32>, serde_json::Value, String) {
    let out = crate::common::finish(child, Duration::from_secs(60));
    (out.status.code(), json(&out), stderr(&out))
}

#[test]
fn ctrl_c_finishes_the_batch_and_reports_exactly() {
    let s = RedisServer::start();
    let total = 20_000;
    load(&s, &keys("int:", total), None);
    let child = spawn_delete(&s, &["--rate", "4000", "--batch", "100"]);
    wait_until(Duration::from_secs(20), "some keys deleted", || {
        s.count_matching("int:*") < total - 1000
    });
    assert!(send_signal(child.id(), "INT"));
    let (code, v, err) = finish(child);
    assert_eq!(code, Some(130), "{err}");
    assert_eq!(v["interrupted"], true);
    let left = s.count_matching("int:*") as u64;
    assert!(left > 0, "interrupted before the end");
    assert_eq!(
        v["deleted"].as_u64(),
        Some(total as u64 - left),
        "summary is exact"
    );
}

#[test]
fn checkpoint_resumes_an_interrupted_run() {
    let s = RedisServer::start();
    let total = 20_000;
    load(&s, &keys("int:", total), None);
    load(&s, &keys("other:", 500), None);
    let dir = tempfile::tempdir().expect("tempdir");
    let cp = dir.path().join("run.ckpt");
    let cp_arg = cp.to_str().expect("path");
    let child = spawn_delete(
        &s,
        &["--rate", "4000", "--batch", "100", "--checkpoint", cp_arg],
    );
    wait_until(Duration::from_secs(20), "checkpoint written", || {
        cp.exists() && s.count_matching("int:*") < total - 2000
    });
    assert!(send_signal(child.id(), "INT"));
    let (code, first, _) = finish(child);
    assert_eq!(code, Some(130));
    assert!(cp.exists(), "checkpoint kept after an interruption");
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&cp).expect("read")).expect("json");
    assert_eq!(saved["pattern"], "int:*");
    let out = run(
        &s.url(),
        &[
            "--json",
            "scan-delete",
            "int:*",
            "--yes",
            "--checkpoint",
            cp_arg,
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let second = json(&out);
    assert_eq!(second["resumed"], true);
    assert_eq!(
        s.count_matching("int:*"),
        0,
        "the resumed run finished the job"
    );
    assert_eq!(
        first["deleted"].as_u64().unwrap_or(0) + second["deleted"].as_u64().unwrap_or(0),
        total as u64
    );
    assert!(!cp.exists(), "a finished job removes its checkpoint");
    assert_eq!(s.dbsize(), 500);
    let wrong = run(
        &s.url(),
        &["scan-delete", "zzz:*", "--yes", "--checkpoint", cp_arg],
    );
    assert!(wrong.status.success(), "no checkpoint left: a fresh start");
}

#[test]
fn until_empty_repeats_passes() {
    let s = RedisServer::start();
    load(&s, &keys("ue:", 300), None);
    let out = run(
        &s.url(),
        &["--json", "scan-delete", "ue:*", "--yes", "--until-empty"],
    );
    let v = json(&out);
    assert_eq!(v["deleted"], 300);
    assert_eq!(v["passes"], 2, "a second pass found nothing");
}

#[test]
fn noperm_keys_are_reported_not_counted() {
    let s = RedisServer::start_with_acl("cache", "cache-pw", &["~cache:*", "+@all"]);
    load(&s, &keys("cache:", 50), None);
    load(&s, &keys("secret:", 20), None);
    let url = s.url_with_auth(Some("cache"), "cache-pw");
    let out = run(&url, &["--json", "scan-delete", "*", "--all", "--yes"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["deleted"], 50);
    assert_eq!(v["denied"], 20);
    assert!(stderr(&out).contains("20 keys"), "{}", stderr(&out));
    assert_eq!(
        s.count_matching("secret:*"),
        20,
        "nothing outside the user's keys was touched"
    );
}

#[test]
fn del_flag_and_max_latency_still_delete_everything() {
    let s = RedisServer::start();
    load(&s, &keys("dl:", 2000), None);
    let out = run(
        &s.url(),
        &[
            "--json",
            "scan-delete",
            "dl:*",
            "--yes",
            "--del",
            "--max-latency",
            "1ms",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["deleted"], 2000);
    let stats = s.info("commandstats");
    assert!(stats.contains("cmdstat_del:"), "--del uses DEL");
    assert!(!stats.contains("cmdstat_unlink:"));
    assert!(!stats.contains("cmdstat_keys:"), "never KEYS");
}

/// Run cachectl on a pseudo-terminal (util-linux `script`) with `keys` typed in.
fn on_terminal(url: &str, args: &str, keys: &str) -> std::process::Output {
    let bin = env!("CARGO_BIN_EXE_cachectl");
    let mut cmd = std::process::Command::new("script");
    cmd.args(["-qec", &format!("{bin} --url {url} {args}"), "/dev/null"])
        .env_remove("REDIS_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn script");
    use std::io::Write as _;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(keys.as_bytes())
        .expect("type");
    child.wait_with_output().expect("script")
}

#[test]
fn terminal_confirmation_shows_target_and_estimate() {
    let s = RedisServer::start();
    load(&s, &keys("tty:", 40), None);
    let no = on_terminal(&s.url(), "scan-delete 'tty:*'", "n");
    let screen = String::from_utf8_lossy(&no.stdout);
    assert!(
        screen.contains("tty:*") && screen.contains("about 40 of 40"),
        "{screen}"
    );
    assert_eq!(no.status.code(), Some(2), "{screen}");
    assert_eq!(s.dbsize(), 40, "answering no changes nothing");
    let yes = on_terminal(&s.url(), "scan-delete 'tty:*' -o plain", "y");
    assert_eq!(
        yes.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&yes.stdout)
    );
    assert_eq!(s.dbsize(), 0);
}

#[test]
fn dropped_connections_are_retried_and_the_job_finishes() {
    let s = RedisServer::start();
    let total = 30_000;
    load(&s, &keys("ck:", total), None);
    let child = {
        let mut cmd = cachectl_std();
        cmd.args([
            "--url",
            &s.url(),
            "--json",
            "scan-delete",
            "ck:*",
            "--yes",
            "--rate",
            "10000",
            "--batch",
            "100",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
        cmd.spawn().expect("spawn")
    };
    wait_until(Duration::from_secs(20), "delete under way", || {
        s.count_matching("ck:*") < total - 2000
    });
    for _ in 0..3 {
        let killed = s.call(&[b"CLIENT", b"KILL", b"TYPE", b"normal", b"SKIPME", b"yes"]);
        assert!(killed.as_int().is_some_and(|n| n >= 1), "{killed:?}");
        let before = s.count_matching("ck:*");
        wait_until(Duration::from_secs(20), "progress after the kill", || {
            let now = s.count_matching("ck:*");
            now == 0 || now < before.saturating_sub(1000)
        });
    }
    let (code, v, err) = finish(child);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(s.count_matching("ck:*"), 0);
    // A reply lost with the connection is made up for by what the re-sent
    // UNLINK no longer found; those keys (at most the chunks in flight at each
    // kill: 3 kills x 8 chunks x 100 keys) are flagged as unconfirmed.
    assert_eq!(v["deleted"].as_u64(), Some(total as u64), "{v}");
    let unconfirmed = v["unconfirmed"].as_u64().expect("unconfirmed");
    assert!(unconfirmed <= 2400, "{v}");
}

#[test]
fn unix_socket_url() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sock = dir.path().join("redis.sock");
    let sock_s = sock.to_str().expect("path");
    let s = RedisServer::start_with(&["--unixsocket", sock_s, "--unixsocketperm", "700"]);
    s.cli(&["SET", "ux:1", "v"]);
    let out = run(&format!("redis+unix://{sock_s}"), &["get", "ux:1"]);
    assert_eq!(out.stdout, b"v", "{}", stderr(&out));
}

/// Stop a checkpointed delete at `--limit` (the checkpoint is kept) and return
/// its output.
fn limited_checkpoint_run(
    url: &str,
    pattern: &str,
    cp: &str,
    extra: &[&str],
) -> std::process::Output {
    let mut args = vec![
        "--json",
        "scan-delete",
        pattern,
        "--yes",
        "--checkpoint",
        cp,
        "--count",
        "10",
        "--batch",
        "10",
    ];
    args.extend_from_slice(extra);
    run(url, &args)
}

#[test]
fn checkpoint_temp_file_never_follows_a_symlink_and_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let s = RedisServer::start();
    load(&s, &keys("sy:", 2000), None);
    let dir = tempfile::tempdir().expect("tempdir");
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "precious").expect("victim");
    let cp = dir.path().join("run.ckpt");
    // Every temp name the old code used: `run.tmp` and `run.ckpt.tmp`.
    for name in ["run.tmp", "run.ckpt.tmp"] {
        std::os::unix::fs::symlink(&victim, dir.path().join(name)).expect("symlink");
    }
    let out = limited_checkpoint_run(
        &s.url(),
        "sy:*",
        cp.to_str().expect("path"),
        &["--limit", "100"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&victim).expect("victim"),
        "precious"
    );
    let mode = std::fs::metadata(&cp)
        .expect("checkpoint kept at --limit")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "checkpoint mode {mode:o}");
    assert!(std::fs::symlink_metadata(&cp)
        .expect("cp")
        .file_type()
        .is_file());
}

/// A FIFO planted where the checkpoint goes would block a plain open for ever.
#[test]
fn a_checkpoint_that_is_a_fifo_is_refused_not_waited_on() {
    let s = RedisServer::start();
    load(&s, &keys("ff:", 50), None);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ck");
    let made = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let out = cachectl()
        .arg("--url")
        .arg(s.url())
        .args(["scan-delete", "ff:*", "--yes", "--checkpoint"])
        .arg(&path)
        .timeout(Duration::from_secs(20))
        .output()
        .expect("run cachectl");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not a regular file"),
        "{}",
        stderr(&out)
    );
    assert_eq!(s.dbsize(), 50, "nothing deleted");
}

#[test]
fn checkpoint_owned_by_another_user_is_refused() {
    let s = RedisServer::start();
    load(&s, &keys("pl:", 100), None);
    let dir = tempfile::tempdir().expect("tempdir");
    let cp = dir.path().join("planted.ckpt");
    let planted = serde_json::json!({
        "pattern": "pl:*",
        "nodes": { s.url(): { "cursor": 0, "finished": true } },
        "deleted": 0
    });
    std::fs::write(&cp, planted.to_string()).expect("plant");
    std::os::unix::fs::chown(&cp, Some(65534), Some(65534)).expect("chown");
    let out = run(
        &s.url(),
        &[
            "scan-delete",
            "pl:*",
            "--yes",
            "--checkpoint",
            cp.to_str().expect("path"),
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("owned"), "{}", stderr(&out));
    assert_eq!(s.dbsize(), 100, "nothing deleted");
    assert!(cp.exists(), "the planted file is left alone");
}

#[test]
fn checkpoint_for_another_filter_server_or_db_is_refused() {
    let s = RedisServer::start();
    let other = RedisServer::start();
    for i in 0..300 {
        let k = format!("ft:h{i}");
        s.call(&[b"HSET", k.as_bytes(), b"f", b"v"]);
    }
    load(&s, &keys("ft:s", 300), None);
    let dir = tempfile::tempdir().expect("tempdir");
    let cp = dir.path().join("run.ckpt");
    let cp_arg = cp.to_str().expect("path");
    let first = limited_checkpoint_run(
        &s.url(),
        "ft:*",
        cp_arg,
        &["--type", "hash", "--limit", "50"],
    );
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert!(cp.exists(), "kept at the limit");
    let saved = std::fs::read_to_string(&cp).expect("read");

    let untyped = run(
        &s.url(),
        &["scan-delete", "ft:*", "--yes", "--checkpoint", cp_arg],
    );
    assert_eq!(untyped.status.code(), Some(2), "{}", stderr(&untyped));
    assert!(stderr(&untyped).contains("--type"), "{}", stderr(&untyped));

    let elsewhere = run(
        &other.url(),
        &[
            "scan-delete",
            "ft:*",
            "--yes",
            "--type",
            "hash",
            "--checkpoint",
            cp_arg,
        ],
    );
    assert_eq!(elsewhere.status.code(), Some(2), "{}", stderr(&elsewhere));
    assert!(
        stderr(&elsewhere).contains(&other.url()) || stderr(&elsewhere).contains("server"),
        "{}",
        stderr(&elsewhere)
    );

    let db1 = run(
        &s.url(),
        &[
            "--db",
            "1",
            "scan-delete",
            "ft:*",
            "--yes",
            "--type",
            "hash",
            "--checkpoint",
            cp_arg,
        ],
    );
    assert_eq!(db1.status.code(), Some(2), "{}", stderr(&db1));

    assert_eq!(
        std::fs::read_to_string(&cp).expect("read"),
        saved,
        "refusals leave it as it was"
    );
    assert_eq!(
        s.dbsize(),
        550,
        "only the 50 hashes of the first run are gone"
    );
    let resumed = run(
        &s.url(),
        &[
            "--json",
            "scan-delete",
            "ft:*",
            "--yes",
            "--type",
            "hash",
            "--checkpoint",
            cp_arg,
        ],
    );
    assert_eq!(resumed.status.code(), Some(0), "{}", stderr(&resumed));
    assert_eq!(
        s.dbsize(),
        300,
        "the matching run resumes: every hash gone, strings kept"
    );
}

#[test]
fn help_example_keeps_checkpoints_out_of_shared_directories() {
    let out = cachectl()
        .args(["scan-delete", "--help"])
        .output()
        .expect("help");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("--checkpoint"), "{text}");
    assert!(!text.contains("/tmp/"), "{text}");
}

#[test]
fn a_lost_unlink_reply_is_still_counted() {
    use crate::common::proxy::{Mode, Proxy};
    let s = RedisServer::start();
    load(&s, &keys("lr:", 3000), None);
    let proxy = Proxy::start(s.port);
    // The second UNLINK runs on the server, then its reply is lost with the connection.
    proxy.set_mode(Mode::LoseReply {
        cmd: "UNLINK".into(),
        nth: 2,
    });
    let out = run(
        &proxy.url(),
        &[
            "--json",
            "scan-delete",
            "lr:*",
            "--yes",
            "--batch",
            "500",
            "--in-flight",
            "1",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(proxy.fired(), 1, "a reply was lost");
    assert_eq!(s.count_matching("lr:*"), 0);
    let v = json(&out);
    assert_eq!(v["deleted"], 3000, "{v}");
    assert_eq!(
        v["unconfirmed"], 500,
        "the keys the lost reply covered are flagged: {v}"
    );
    assert!(stderr(&out).contains("unconfirmed"), "{}", stderr(&out));
}

#[test]
fn an_unlink_lost_before_the_server_is_counted_exactly() {
    use crate::common::proxy::{Mode, Proxy};
    let s = RedisServer::start();
    load(&s, &keys("lb:", 3000), None);
    let proxy = Proxy::start(s.port);
    proxy.set_mode(Mode::DropBefore {
        cmd: "UNLINK".into(),
        nth: 3,
    });
    let out = run(
        &proxy.url(),
        &[
            "--json",
            "scan-delete",
            "lb:*",
            "--yes",
            "--batch",
            "500",
            "--in-flight",
            "1",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(proxy.fired(), 1);
    assert_eq!(s.count_matching("lb:*"), 0);
    let v = json(&out);
    assert_eq!(v["deleted"], 3000, "{v}");
    assert_eq!(v["unconfirmed"], 0, "every count came from a reply: {v}");
}

#[test]
fn until_empty_that_never_empties_does_not_claim_success() {
    let s = RedisServer::start();
    load(&s, &keys("ne:", 100), None);
    let stop = Arc::new(AtomicBool::new(false));
    let port = s.port;
    // A writer adding matching keys one round trip at a time: every pass finds some.
    let writer = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut conn = Conn::connect(port).expect("connect");
            let deadline = Instant::now() + Duration::from_secs(30);
            let mut i = 0u64;
            while !stop.load(Ordering::SeqCst) && Instant::now() < deadline {
                let k = format!("ne:w{i}");
                i += 1;
                if conn.call(&[b"SET", k.as_bytes(), b"v"]).is_err() {
                    return;
                }
            }
        })
    };
    let out = run(
        &s.url(),
        &["--json", "scan-delete", "ne:*", "--yes", "--until-empty"],
    );
    stop.store(true, Ordering::SeqCst);
    writer.join().expect("writer");
    let v = json(&out);
    if v["passes"] == 100 {
        // The cap was hit with matches still appearing: not "until empty".
        assert_ne!(out.status.code(), Some(0), "{v}");
        assert!(stderr(&out).contains("until-empty"), "{}", stderr(&out));
    } else {
        assert_eq!(out.status.code(), Some(0), "{v} {}", stderr(&out));
    }
}

/// The count in "about N" of a confirmation (or of its refusal without a terminal).
fn estimate_in(text: &str) -> u64 {
    let at = text
        .find("about ")
        .unwrap_or_else(|| panic!("no estimate in: {text}"));
    let digits: String = text[at + 6..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',')
        .filter(|c| c.is_ascii_digit())
        .collect();
    digits
        .parse()
        .unwrap_or_else(|e| panic!("{e}: no count in: {text}"))
}

#[test]
fn the_estimate_reads_across_the_keyspace_not_its_first_page() {
    let s = RedisServer::start();
    load(&s, &keys("other:", 120_000), None);
    load(&s, &keys("est:", 20_000), None);
    // Leave the first pages of the scan without a match, as a stopped run or
    // a --limit run does.
    let mut cursor = b"0".to_vec();
    for _ in 0..3 {
        let page = s.call(&[b"SCAN", &cursor, b"COUNT", b"1000"]);
        let parts = page.as_array().expect("scan reply");
        cursor = parts[0].as_bytes().expect("cursor").to_vec();
        for k in parts[1].as_array().expect("keys") {
            let k = k.as_bytes().expect("key");
            if k.starts_with(b"est:") {
                s.call(&[b"DEL", k]);
            }
        }
    }
    let truth = s.count_matching("est:*") as u64;
    let out = run(&s.url(), &["scan-delete", "est:*"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    let est = estimate_in(&err);
    assert!(
        est * 2 >= truth && est <= truth * 2,
        "estimated {est} of {truth} matching keys: {err}"
    );
    assert!(err.contains("estimate"), "says it is an estimate: {err}");
    assert_eq!(s.count_matching("est:*") as u64, truth, "nothing deleted");
}
