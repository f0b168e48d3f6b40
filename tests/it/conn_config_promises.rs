//! Connection settings given once apply to every server a run talks to.

use crate::common::{cachectl, RedisServer};
use crate::fixtures::stderr;

#[test]
fn redlock_nodes_get_the_password_of_the_flags_or_their_own_url() {
    let servers: Vec<RedisServer> = (0..3)
        .map(|_| RedisServer::start_with_password("node-pw"))
        .collect();
    // Two nodes by bare URL (the -a password applies), one with its own.
    let mut args: Vec<String> = ["-a", "node-pw", "--json", "lock", "acquire", "cc:rl"]
        .iter()
        .map(|s| s.to_string())
        .chain(["--ttl".into(), "10s".into()])
        .collect();
    for (i, s) in servers.iter().enumerate() {
        args.push("--node".into());
        args.push(if i == 2 {
            s.url_with_auth(None, "node-pw")
        } else {
            s.url()
        });
    }
    let out = cachectl()
        .args(&args)
        .env_remove("REDISCLI_AUTH")
        .env_remove("REDIS_PASSWORD")
        .output()
        .expect("run");
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    for s in &servers {
        let held = s.cli_with_auth(None, Some("node-pw"), &["EXISTS", "cc:rl"]);
        assert_eq!(held.trim(), "1", "every node holds the lock: {err}");
    }
    assert!(!err.contains("node-pw"), "{err}");
}
