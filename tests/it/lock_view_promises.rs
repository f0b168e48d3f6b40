//! How `lock status` and `lock list` show TTLs to a script: with their unit,
//! as `ttl` does, and `persistent` for a lock that never expires.

use crate::common::RedisServer;
use crate::fixtures::{run, stderr};

fn text(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn plain_lock_ttls_carry_their_unit() {
    let s = RedisServer::start();
    let token = "0f3a9c1e5b7d4a2f8e6c0b1d3f5a7c9e";
    s.cli(&["SET", "lv:lock", token, "PX", "60000"]);
    s.cli(&["SET", "lv:stuck-lock", "app-token-123"]);
    let out = run(&s.url(), &["lock", "status", "lv:lock"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let status = text(&out);
    let fields: Vec<&str> = status.trim_end().split('\t').collect();
    assert_eq!(fields[..2], ["held", token], "{status}");
    let ms = fields[2].strip_suffix("ms").expect("a unit");
    assert!(ms.parse::<u64>().is_ok_and(|v| v <= 60_000), "{status}");

    let out = run(&s.url(), &["lock", "status", "lv:stuck-lock"]);
    assert_eq!(text(&out), "held\tapp-token-123\tpersistent\n");

    let out = run(&s.url(), &["lock", "list", "lv:*"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let list = text(&out);
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 2, "{list}");
    assert!(
        lines[0].starts_with(&format!("lv:lock\t{token}\t")),
        "{list}"
    );
    assert!(lines[0].ends_with("ms"), "{list}");
    assert_eq!(lines[1], "lv:stuck-lock\tapp-token-123\tpersistent");
}
