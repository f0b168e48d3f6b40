//! Redis errors classified and turned into one readable line each.

use std::time::Duration;

use redis::{ErrorKind, RedisError, ServerErrorKind, Value};

use crate::error::{usage, RedisFailure};

use super::topology::DownNode;

/// One line describing a redis error, without its internal debug form.
pub fn describe_error(e: &RedisError) -> String {
    match (e.code(), e.detail()) {
        (Some(code), Some(detail)) => format!("{code} {detail}"),
        _ => {
            let s = e.to_string();
            s.lines().next().unwrap_or("").to_string()
        }
    }
}

pub(super) fn is_auth_error(e: &RedisError) -> bool {
    e.kind() == ErrorKind::AuthenticationFailed
        || matches!(e.code(), Some("WRONGPASS" | "NOAUTH"))
        || (e.code() == Some("ERR") && e.detail().is_some_and(|d| d.contains("AUTH")))
}

pub(super) fn connect_failure(label: &str, e: &RedisError, timeout: Duration) -> RedisFailure {
    if is_auth_error(e) {
        return RedisFailure::Auth {
            url: label.to_string(),
            reason: describe_error(e),
        };
    }
    if e.is_timeout() {
        return RedisFailure::Timeout {
            node: label.to_string(),
            timeout: humantime::format_duration(timeout).to_string(),
        };
    }
    if e.kind() == ErrorKind::Parse {
        // The handshake's first reply was not RESP ("Parse error at 1" for
        // an `HTTP/1.1 400` answer): the library's words say nothing useful.
        return RedisFailure::Unreachable {
            url: label.to_string(),
            reason: NOT_RESP.into(),
        };
    }
    RedisFailure::Unreachable {
        url: label.to_string(),
        reason: describe_error(e),
    }
}

/// Why a connection failed when the endpoint answered, but not in RESP.
pub(super) const NOT_RESP: &str = "the endpoint did not speak RESP (the Redis protocol), so it is not a Redis server: a web server or another service on that port?";

/// The handshake's SELECT refused: the database is the user's input to fix
/// (exit 2), not a connection problem.
pub(super) fn bad_db(e: RedisFailure, db: i64) -> anyhow::Error {
    let reason = match &e {
        RedisFailure::Unreachable { reason, .. } | RedisFailure::Server { msg: reason, .. } => {
            reason.as_str()
        }
        _ => "",
    };
    // "value is out of range": a number too large for the server to read.
    if reason.contains("DB index is out of range") || reason.contains("value is out of range") {
        return usage(format!(
            "database {db} does not exist on this server (see its `databases` setting): {reason}"
        ));
    }
    if reason.contains("SELECT is not allowed in cluster mode") {
        return usage(format!(
            "database {db}: a Redis Cluster has only database 0"
        ));
    }
    e.into()
}

/// One failure naming every down primary and the slots whose keys were not reached.
pub fn unreachable_failure(down: &[DownNode]) -> RedisFailure {
    let addrs: Vec<&str> = down.iter().map(|d| d.addr.as_str()).collect();
    let reason = match down {
        [one] => format!(
            "{}; it is the primary of slots {}, whose keys were not reached",
            one.reason,
            one.slot_list()
        ),
        many => {
            let each: Vec<String> = many
                .iter()
                .map(|d| format!("{} (slots {}): {}", d.addr, d.slot_list(), d.reason))
                .collect();
            format!("{}; keys in those slots were not reached", each.join("; "))
        }
    };
    RedisFailure::Unreachable {
        url: addrs.join(", "),
        reason,
    }
}

/// The error code of the reply that stands in for a command whose slot's
/// primary is down: the rest of its batch was still sent.
pub const UNREACHABLE: &str = "UNREACHABLE";

/// Whether a reply is that stand-in.
pub fn is_unreachable(v: &Value) -> bool {
    matches!(v, Value::ServerError(e) if e.code() == UNREACHABLE)
}

pub(super) fn unreachable_reply(d: &DownNode) -> anyhow::Result<Value> {
    let reason = d.reason.replace(['\r', '\n'], " ");
    let text = format!(
        "-{UNREACHABLE} {} is unreachable ({reason}): slots {} were not reached\r\n",
        d.addr,
        d.slot_list()
    );
    Ok(redis::parse_redis_value(text.as_bytes())?)
}

/// The server hung up on us (reset, EOF): not a refusal or a failed lookup.
pub(super) fn closed_by_peer(e: &RedisError) -> bool {
    let text = e.to_string().to_lowercase();
    e.is_connection_dropped()
        && !e.is_connection_refusal()
        && !text.contains("lookup")
        && !text.contains("no such file")
}

pub(super) fn is_dropped(e: &RedisError) -> bool {
    !e.is_timeout() && (e.is_connection_dropped() || e.is_io_error() || e.is_connection_refusal())
}

/// Map a redis error on `node` to a typed failure.
pub fn failure(node: &str, e: &RedisError, timeout: Duration) -> RedisFailure {
    if e.is_timeout() {
        return RedisFailure::Timeout {
            node: node.to_string(),
            timeout: humantime::format_duration(timeout).to_string(),
        };
    }
    if e.kind() == ErrorKind::Server(ServerErrorKind::NoPerm) || e.code() == Some("NOPERM") {
        return RedisFailure::NoPerm {
            node: node.to_string(),
            msg: describe_error(e),
        };
    }
    if is_auth_error(e) {
        return RedisFailure::Auth {
            url: node.to_string(),
            reason: describe_error(e),
        };
    }
    if is_dropped(e) {
        return RedisFailure::ConnectionLost {
            node: node.to_string(),
            reason: describe_error(e),
        };
    }
    RedisFailure::Server {
        node: node.to_string(),
        msg: describe_error(e),
    }
}

/// Map an error reply found inside a pipeline to a typed failure.
pub fn server_failure(node: &str, e: &redis::ServerError) -> RedisFailure {
    let msg = match e.details() {
        Some(d) => format!("{} {d}", e.code()),
        None => e.code().to_string(),
    };
    if e.code() == "NOPERM" {
        RedisFailure::NoPerm {
            node: node.to_string(),
            msg,
        }
    } else {
        RedisFailure::Server {
            node: node.to_string(),
            msg,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn down_nodes_are_named_with_their_slots() {
        let d = DownNode {
            addr: "10.0.0.7:6379".into(),
            reason: "Connection refused".into(),
            slots: vec![(0, 5460), (6000, 6000)],
        };
        assert_eq!(d.slot_list(), "0-5460,6000");
        let msg = unreachable_failure(std::slice::from_ref(&d)).to_string();
        assert!(
            msg.contains("10.0.0.7:6379") && msg.contains("0-5460,6000"),
            "{msg}"
        );
        let two = unreachable_failure(&[d.clone(), d]).to_string();
        assert!(
            two.contains("keys in those slots were not reached"),
            "{two}"
        );
    }

    #[test]
    fn an_answer_that_is_not_resp_is_named_so() {
        let e = match redis::parse_redis_value(b"HTTP/1.1 400 Bad Request\r\n\r\n") {
            Err(e) => e,
            Ok(v) => panic!("parsed as RESP: {v:?}"),
        };
        let msg = connect_failure("redis://h:1", &e, Duration::from_secs(1)).to_string();
        assert!(msg.contains("not a Redis server"), "{msg}");
        assert!(!msg.contains("Parse error"), "{msg}");
    }
}
