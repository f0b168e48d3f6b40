//! One pipelined read of what is known about keys: TYPE, PTTL, MEMORY USAGE
//! and OBJECT IDLETIME, whichever are asked, for a chunk of keys in one round
//! trip per node.

use redis::{ServerError, Value};

use super::conn::{Idempotent, Redis, Routed};
use super::keytype::{KeyType, Ttl};

/// Which facts to read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct What {
    pub kind: bool,
    pub ttl: bool,
    pub memory: bool,
    pub idle: bool,
}

impl What {
    pub const TYPE: What = What {
        kind: true,
        ttl: false,
        memory: false,
        idle: false,
    };
    pub const TTL: What = What {
        kind: false,
        ttl: true,
        memory: false,
        idle: false,
    };
    pub const MEMORY: What = What {
        kind: false,
        ttl: false,
        memory: true,
        idle: false,
    };
    pub const IDLE: What = What {
        kind: false,
        ttl: false,
        memory: false,
        idle: true,
    };

    /// Commands per key.
    fn per_key(self) -> usize {
        [self.kind, self.ttl, self.memory, self.idle]
            .iter()
            .filter(|&&b| b)
            .count()
    }
}

impl std::ops::BitOr for What {
    type Output = What;
    fn bitor(self, o: What) -> What {
        What {
            kind: self.kind || o.kind,
            ttl: self.ttl || o.ttl,
            memory: self.memory || o.memory,
            idle: self.idle || o.idle,
        }
    }
}

/// What the server said about one key. A fact not asked for is `None`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Meta {
    /// `None` also when the key is gone.
    pub kind: Option<KeyType>,
    pub ttl: Option<Ttl>,
    /// Bytes (MEMORY USAGE); `None` also when the key is gone.
    pub memory: Option<u64>,
    /// Seconds since last access; `None` also when the server does not track it
    /// (an LFU `maxmemory-policy` refuses OBJECT IDLETIME).
    pub idle_s: Option<u64>,
    /// Any of the answers said the key does not exist (it expired or was
    /// deleted between the scan and this read).
    pub gone: bool,
}

/// A reply that is not what the command answers.
#[derive(Debug, Clone, PartialEq)]
pub enum Bad {
    /// The server refused a command (NOPERM, …).
    Server(ServerError),
    /// Not the shape the command answers.
    Unexpected(&'static str, Value),
}

/// Read `what` for each of `keys`, in one pipeline per node (keys found by one
/// node's SCAN: one round trip). Routed by slot, so a key that moved during a
/// resharding is still read where it now lives.
pub async fn meta(redis: &Redis, keys: &[Vec<u8>], what: What) -> anyhow::Result<Vec<Meta>> {
    if what.per_key() == 0 {
        return Ok(vec![Meta::default(); keys.len()]);
    }
    let mut cmds = Vec::with_capacity(keys.len() * what.per_key());
    for k in keys {
        let mut one = |name: &str, sub: Option<&str>| {
            let mut c = redis::cmd(name);
            if let Some(s) = sub {
                c.arg(s);
            }
            c.arg(k);
            cmds.push(Routed::new(k, c));
        };
        if what.kind {
            one("TYPE", None);
        }
        if what.ttl {
            one("PTTL", None);
        }
        if what.memory {
            one("MEMORY", Some("USAGE"));
        }
        if what.idle {
            one("OBJECT", Some("IDLETIME"));
        }
    }
    let replies = redis.batch(cmds, Idempotent::Yes).await?.replies;
    match decode(what, keys.len(), replies) {
        Ok(m) => Ok(m),
        Err(Bad::Server(e)) => Err(redis
            .first_error(&[Value::ServerError(e)])
            .err()
            .unwrap_or_else(|| anyhow::anyhow!("a key read failed"))),
        Err(Bad::Unexpected(cmd, v)) => Err(anyhow::anyhow!("unexpected reply to {cmd}: {v:?}")),
    }
}

/// The replies of [`meta`]'s pipeline, `what.per_key()` per key in the order
/// TYPE, PTTL, MEMORY USAGE, OBJECT IDLETIME.
pub fn decode(what: What, keys: usize, replies: Vec<Value>) -> Result<Vec<Meta>, Bad> {
    let mut replies = replies.into_iter();
    let mut next = |cmd: &'static str| {
        replies
            .next()
            .ok_or(Bad::Unexpected(cmd, Value::Nil))
            .and_then(|v| match v {
                Value::ServerError(e) => Err(Bad::Server(e)),
                v => Ok(v),
            })
    };
    let mut out = Vec::with_capacity(keys);
    for _ in 0..keys {
        let mut m = Meta::default();
        if what.kind {
            let name = match next("TYPE")? {
                Value::SimpleString(s) => s,
                Value::BulkString(b) => String::from_utf8_lossy(&b).into_owned(),
                v => return Err(Bad::Unexpected("TYPE", v)),
            };
            m.kind = KeyType::from_reply(&name);
            m.gone |= m.kind.is_none();
        }
        if what.ttl {
            let ttl = match next("PTTL")? {
                Value::Int(n) => Ttl::from_pttl(n),
                v => return Err(Bad::Unexpected("PTTL", v)),
            };
            m.gone |= ttl == Ttl::Missing;
            m.ttl = Some(ttl);
        }
        if what.memory {
            match next("MEMORY USAGE")? {
                Value::Int(n) => m.memory = Some(n.max(0) as u64),
                Value::Nil => m.gone = true,
                v => return Err(Bad::Unexpected("MEMORY USAGE", v)),
            }
        }
        if what.idle {
            match next("OBJECT IDLETIME") {
                Ok(Value::Int(n)) => m.idle_s = Some(n.max(0) as u64),
                Ok(Value::Nil) => m.gone = true,
                // Not tracked under an LFU policy: unknown, not a failure.
                Err(Bad::Server(_)) => {}
                Ok(v) => return Err(Bad::Unexpected("OBJECT IDLETIME", v)),
                Err(e) => return Err(e),
            }
        }
        out.push(m);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(s: &str) -> Value {
        Value::SimpleString(s.to_string())
    }

    /// An error reply as the server sends it.
    fn server_error(code: &str, detail: &str) -> Value {
        let wire = format!("-{code} {detail}\r\n");
        match redis::parse_redis_value(wire.as_bytes()) {
            Ok(v @ Value::ServerError(_)) => v,
            other => panic!("not an error reply: {other:?}"),
        }
    }

    #[test]
    fn every_fact_of_every_key_in_pipeline_order() {
        let all = What::TYPE | What::TTL | What::MEMORY | What::IDLE;
        let replies = vec![
            status("hash"),
            Value::Int(-1),
            Value::Int(120),
            Value::Int(7),
            Value::BulkString(b"ReJSON-RL".to_vec()),
            Value::Int(1500),
            Value::Int(64),
            Value::Int(0),
        ];
        let m = decode(all, 2, replies).expect("decodes");
        assert_eq!(
            m[0],
            Meta {
                kind: Some(KeyType::Hash),
                ttl: Some(Ttl::Persistent),
                memory: Some(120),
                idle_s: Some(7),
                gone: false,
            }
        );
        assert_eq!(m[1].kind, Some(KeyType::Json));
        assert_eq!(m[1].ttl, Some(Ttl::ExpiresIn(1500)));
        assert_eq!((m[1].memory, m[1].idle_s), (Some(64), Some(0)));
    }

    #[test]
    fn only_what_was_asked_and_gone_keys_say_so() {
        let m = decode(
            What::TTL,
            3,
            vec![Value::Int(5), Value::Int(-2), Value::Int(-1)],
        )
        .expect("decodes");
        assert_eq!(m[0].ttl, Some(Ttl::ExpiresIn(5)));
        assert_eq!(m[0].kind, None, "TYPE was not asked");
        assert!(m[1].gone && !m[0].gone && !m[2].gone);
        let m = decode(
            What::TYPE | What::MEMORY,
            1,
            vec![status("none"), Value::Nil],
        )
        .expect("decodes");
        assert_eq!((m[0].kind, m[0].memory, m[0].gone), (None, None, true));
        assert_eq!(decode(What::TYPE, 0, vec![]), Ok(vec![]));
    }

    #[test]
    fn a_refused_read_is_an_error_but_untracked_idle_time_is_unknown() {
        let lfu = server_error(
            "ERR",
            "An LFU maxmemory policy is selected, idle time not tracked.",
        );
        let m = decode(What::IDLE | What::TTL, 1, vec![Value::Int(-1), lfu]).expect("decodes");
        assert_eq!((m[0].ttl, m[0].idle_s), (Some(Ttl::Persistent), None));
        let noperm = server_error("NOPERM", "this user has no permissions to run 'memory'");
        match decode(What::MEMORY, 1, vec![noperm]) {
            Err(Bad::Server(e)) => assert_eq!(e.code(), "NOPERM"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn short_or_misshapen_replies_are_errors_not_guesses() {
        assert!(matches!(
            decode(What::TYPE | What::TTL, 1, vec![status("string")]),
            Err(Bad::Unexpected("PTTL", _))
        ));
        assert!(matches!(
            decode(What::TTL, 1, vec![status("OK")]),
            Err(Bad::Unexpected("PTTL", _))
        ));
        assert!(matches!(
            decode(What::TYPE, 1, vec![Value::Int(1)]),
            Err(Bad::Unexpected("TYPE", _))
        ));
    }
}
