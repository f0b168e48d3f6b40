//! Deleting keys: UNLINK (or DEL) grouped by hash slot, so a cluster never sees
//! a cross-slot command, with the server's own count of what it removed.
//!
//! A key the ACL user may not touch answers NOPERM: it is counted as denied,
//! never as deleted, and the other keys of its command are retried one by one.

use std::sync::{Arc, Mutex};

use redis::{FromRedisValue, Value};

use super::conn::{server_failure, slot_of, Idempotent, Redis, Routed};
use crate::error::RedisFailure;

/// Keys refused with NOPERM: a count and a few examples.
#[derive(Debug, Default)]
pub struct Denied {
    pub count: u64,
    pub sample: Vec<Vec<u8>>,
}

impl Denied {
    /// The NOPERM failure (exit 3) when keys were refused: their count and examples.
    pub fn failure(&self, node: &str, what: &str) -> Option<anyhow::Error> {
        (self.count > 0).then(|| {
            let examples: Vec<String> = self
                .sample
                .iter()
                .map(|k| crate::keys::escape_bytes(k))
                .collect();
            RedisFailure::NoPerm {
                node: node.to_string(),
                msg: format!(
                    "{} {what} could not be deleted (e.g. {})",
                    self.count,
                    examples.join(", ")
                ),
            }
            .into()
        })
    }

    fn add(&mut self, key: &[u8]) {
        self.count += 1;
        if self.sample.len() < 5 {
            self.sample.push(key.to_vec());
        }
    }
}

fn delete_cmd(use_del: bool) -> redis::Cmd {
    redis::cmd(if use_del { "DEL" } else { "UNLINK" })
}

/// Group keys by slot into one multi-key command per slot.
fn grouped(keys: &[Vec<u8>], use_del: bool) -> Vec<(Routed, Vec<usize>)> {
    let mut by_slot: Vec<(u16, Vec<usize>)> = Vec::new();
    let mut index: std::collections::HashMap<u16, usize> = std::collections::HashMap::new();
    for (i, k) in keys.iter().enumerate() {
        let slot = slot_of(k);
        let at = *index.entry(slot).or_insert_with(|| {
            by_slot.push((slot, Vec::new()));
            by_slot.len() - 1
        });
        by_slot[at].1.push(i);
    }
    by_slot
        .into_iter()
        .map(|(slot, idxs)| {
            let mut cmd = delete_cmd(use_del);
            for &i in &idxs {
                cmd.arg(&keys[i]);
            }
            (Routed { slot, cmd }, idxs)
        })
        .collect()
}

/// What one call removed and was refused.
#[derive(Debug, Default, Clone, Copy)]
pub struct Unlinked {
    pub deleted: u64,
    pub denied: u64,
}

/// Delete `keys`; the server's count of removed keys, and how many were refused
/// with NOPERM (also recorded, with examples, in `denied`).
pub async fn unlink_keys(
    redis: &Redis,
    keys: &[Vec<u8>],
    use_del: bool,
    denied: &Arc<Mutex<Denied>>,
) -> anyhow::Result<Unlinked> {
    // Standalone: one command for the whole chunk (every key is "slot 0's node").
    let groups = if redis.is_cluster() {
        grouped(keys, use_del)
    } else {
        let mut cmd = delete_cmd(use_del);
        for k in keys {
            cmd.arg(k);
        }
        vec![(Routed { slot: 0, cmd }, (0..keys.len()).collect())]
    };
    let (cmds, members): (Vec<Routed>, Vec<Vec<usize>>) = groups.into_iter().unzip();
    let replies = redis.batch_owned(cmds, Idempotent::Yes).await?;
    let mut deleted = 0;
    let mut refused = 0;
    let mut retry_single: Vec<usize> = Vec::new();
    for (idxs, reply) in members.iter().zip(replies) {
        match reply {
            Value::ServerError(e) if e.code() == "NOPERM" => retry_single.extend(idxs),
            Value::ServerError(e) => return Err(server_failure(redis.display_url(), &e).into()),
            v => deleted += u64::from_redis_value(v).unwrap_or(0),
        }
    }
    if !retry_single.is_empty() {
        let singles: Vec<Routed> = retry_single
            .iter()
            .map(|&i| {
                let mut c = delete_cmd(use_del);
                c.arg(&keys[i]);
                Routed::new(&keys[i], c)
            })
            .collect();
        let replies = redis.batch_owned(singles, Idempotent::Yes).await?;
        for (&i, reply) in retry_single.iter().zip(replies) {
            match reply {
                Value::ServerError(e) if e.code() == "NOPERM" => {
                    refused += 1;
                    if let Ok(mut d) = denied.lock() {
                        d.add(&keys[i]);
                    }
                }
                Value::ServerError(e) => return Err(server_failure(redis.display_url(), &e).into()),
                v => deleted += u64::from_redis_value(v).unwrap_or(0),
            }
        }
    }
    Ok(Unlinked {
        deleted,
        denied: refused,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_never_cross_slots() {
        let keys: Vec<Vec<u8>> = (0..200).map(|i| format!("k{i}").into_bytes()).collect();
        let groups = grouped(&keys, false);
        let mut seen = 0;
        for (r, idxs) in &groups {
            for &i in idxs {
                assert_eq!(slot_of(&keys[i]), r.slot);
            }
            seen += idxs.len();
        }
        assert_eq!(seen, keys.len());
        let tagged: Vec<Vec<u8>> = (0..50)
            .map(|i| format!("{{user}}:{i}").into_bytes())
            .collect();
        assert_eq!(grouped(&tagged, true).len(), 1);
    }
}
