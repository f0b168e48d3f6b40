//! Tag sets: where they live (`tag:NAME`, or a template such as Laravel's
//! `prefix:tag:{tag}:entries`) and how a key joins one while keeping the tag's
//! TTL at least as long as its longest-lived member.

use redis::Value;

use super::conn::{server_failure, Idempotent, Redis, Routed};
use crate::keys::Namespace;

/// Where tag sets live, as the config layer built it from the flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagLayout {
    /// The tag key is PREFIX + tag name (`tag:NAME` by default).
    Prefix(String),
    /// A template with `{tag}` for the name (`app:tag:{tag}:entries`).
    Template(String),
}

impl TagLayout {
    /// A template layout; refused without `{tag}`: every tag would name the
    /// same key, and invalidating one would delete the keys of all.
    pub fn template(t: &str) -> Result<Self, String> {
        if t.contains("{tag}") {
            Ok(TagLayout::Template(t.to_string()))
        } else {
            Err(format!(
                "--tag-key '{t}' has no {{tag}}: every tag would be the same key (e.g. 'app:tag:{{tag}}:entries')"
            ))
        }
    }

    /// The tag key for a tag name, namespace applied.
    pub fn key(&self, ns: &Namespace, name: &str) -> Vec<u8> {
        let raw = match self {
            TagLayout::Template(t) => t.replace("{tag}", name),
            TagLayout::Prefix(p) => format!("{p}{name}"),
        };
        ns.key(raw.as_bytes())
    }
}

/// Adds ARGV[1] to the set KEYS[1]; ARGV[2] is the member's TTL in ms (-1: none).
/// A new set takes the member's TTL; an existing one only ever grows its TTL,
/// and becomes persistent for a persistent member. Atomic, and it touches only
/// the tag key, so it is cluster-safe whatever slot the member is in.
const TAG_ADD: &str = r"
local added = redis.call('SADD', KEYS[1], ARGV[1])
local ttl = tonumber(ARGV[2])
if ttl < 0 then
  redis.call('PERSIST', KEYS[1])
  return added
end
local cur = redis.call('PTTL', KEYS[1])
if cur == -1 and redis.call('SCARD', KEYS[1]) == 1 then
  redis.call('PEXPIRE', KEYS[1], ttl)
elseif cur >= 0 and cur < ttl then
  redis.call('PEXPIRE', KEYS[1], ttl)
end
return added
";

/// Put `member` into every tag set, in one pipelined round trip.
pub async fn add_to_tags(
    redis: &Redis,
    tag_keys: &[Vec<u8>],
    member: &[u8],
    ttl_ms: i64,
) -> anyhow::Result<()> {
    let cmds: Vec<Routed> = tag_keys
        .iter()
        .map(|k| {
            let mut c = redis::cmd("EVAL");
            c.arg(TAG_ADD).arg(1).arg(k).arg(member).arg(ttl_ms);
            Routed::new(k, c)
        })
        .collect();
    for reply in redis.batch(cmds, Idempotent::Yes).await?.replies {
        if let Value::ServerError(e) = reply {
            return Err(server_failure(redis.display_url(), &e).into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_keys() {
        let plain = TagLayout::Prefix("tag:".into());
        assert_eq!(
            plain.key(&Namespace::new(None), "users"),
            b"tag:users".to_vec()
        );
        assert_eq!(
            plain.key(&Namespace::new(Some("t1")), "users"),
            b"t1:tag:users".to_vec()
        );
        let laravel = TagLayout::template("app:tag:{tag}:entries").expect("has {tag}");
        assert_eq!(
            laravel.key(&Namespace::new(None), "users"),
            b"app:tag:users:entries".to_vec()
        );
        for t in ["", "app:tag:entries", "{TAG}", "{tag"] {
            assert!(TagLayout::template(t).is_err(), "{t}");
        }
    }
}
