//! How `get` shows several keys to a script: one line per value, each
//! starting with the key, so values can be told apart whatever they hold.

use crate::common::RedisServer;
use crate::fixtures::{run, stderr};

#[test]
fn plain_get_of_several_keys_is_one_escaped_key_tab_value_line_each() {
    let s = RedisServer::start();
    s.call(&[b"SET", b"gv:a", b"two\nlines\tand a tab"]);
    s.call(&[b"SET", b"gv:b", b"bin\xff\\"]);
    s.call(&[b"SET", b"gv:empty", b""]);
    s.cli(&["HSET", "gv:h", "f", "x\ny"]);
    let out = run(
        &s.url(),
        &["get", "gv:a", "gv:b", "gv:empty", "gv:h", "gv:missing"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "gv:a\ttwo\\nlines\\tand a tab\n\
         gv:b\tbin\\xff\\\\\n\
         gv:empty\t\n\
         gv:h\tf\tx\\ny\n",
    );
    assert!(stderr(&out).contains("gv:missing"), "{}", stderr(&out));
    // One key alone is still its exact bytes.
    let one = run(&s.url(), &["get", "gv:a"]);
    assert_eq!(one.stdout, b"two\nlines\tand a tab");
}
