//! Deleting keys: UNLINK (or DEL) grouped by hash slot, so a cluster never sees
//! a cross-slot command, with the server's own count of what it removed.
//!
//! A key the ACL user may not touch answers NOPERM: it is counted as denied,
//! never as deleted, and the other keys of its command are retried one by one.

use redis::{FromRedisValue, Value};

use super::conn::{is_unreachable, server_failure, slot_of, Idempotent, Redis, Routed};
use crate::error::RedisFailure;

/// Keys refused with NOPERM: a count and a few examples.
#[derive(Debug, Default)]
pub struct Denied {
    pub count: u64,
    pub sample: Vec<Vec<u8>>,
}

impl Denied {
    /// The NOPERM failure (exit 3) when keys were refused: their count and
    /// examples. `what` names them, `undone` says what could not be done.
    pub fn failure(&self, node: &str, what: &str, undone: &str) -> Option<anyhow::Error> {
        (self.count > 0).then(|| {
            let examples: Vec<String> = self
                .sample
                .iter()
                .map(|k| crate::keys::escape_bytes(k))
                .collect();
            RedisFailure::NoPerm {
                node: node.to_string(),
                msg: format!(
                    "{} {what} could not be {undone} (e.g. {})",
                    self.count,
                    examples.join(", ")
                ),
            }
            .into()
        })
    }

    /// Record a refused key (a count, and the first few as examples).
    pub fn add(&mut self, key: &[u8]) {
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
#[derive(Debug, Default, Clone)]
pub struct Unlinked {
    /// Removed keys: the server's counts, plus (after a lost reply) the keys
    /// already gone when the command was re-sent.
    pub deleted: u64,
    pub denied: u64,
    /// How many of `deleted` are such keys: removed, most likely by the command
    /// whose reply was lost, but not confirmed by a reply (an expiry or another
    /// client may have removed them just before). Zero when every reply arrived.
    pub unconfirmed: u64,
    /// Indices (into `keys`) of keys whose primary is down: not deleted.
    pub unreached: Vec<usize>,
    /// Indices (into `keys`) of keys refused with NOPERM (`denied` of them).
    pub refused: Vec<usize>,
}

/// Delete `keys`; the server's count of removed keys, and which were refused
/// with NOPERM. A command re-sent
/// after its connection dropped answers only for the keys still there, so the
/// keys it no longer found are counted too, as `unconfirmed`.
///
/// `scanned`: the keys were just found by SCAN, so those gone at a re-send
/// were most likely deleted by the lost command and count in `deleted` too.
/// Otherwise (tag members, which may have been dangling for long) they count
/// only as `unconfirmed`, and `deleted` stays what replies confirmed.
pub async fn unlink_keys(
    redis: &Redis,
    keys: &[Vec<u8>],
    use_del: bool,
    scanned: bool,
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
    let sent = redis.batch(cmds, Idempotent::Yes).await?;
    let resent: std::collections::HashSet<usize> = sent.resent.iter().map(|(i, _)| *i).collect();
    let mut deleted = 0;
    let mut unconfirmed = 0;
    let mut refused = Vec::new();
    let mut retry_single: Vec<usize> = Vec::new();
    let mut unreached: Vec<usize> = Vec::new();
    for (g, (idxs, reply)) in members.iter().zip(sent.replies).enumerate() {
        match reply {
            Value::ServerError(e) if e.code() == "NOPERM" => retry_single.extend(idxs),
            ref v if is_unreachable(v) => unreached.extend(idxs),
            Value::ServerError(e) => return Err(server_failure(redis.display_url(), &e).into()),
            v => {
                let n = u64::from_redis_value(v).unwrap_or(0);
                deleted += n;
                if resent.contains(&g) {
                    // The first send's reply was lost: it may have run. The keys
                    // already gone at the re-send are most likely its work.
                    let gone = (idxs.len() as u64).saturating_sub(n);
                    if scanned {
                        deleted += gone;
                    }
                    unconfirmed += gone;
                }
            }
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
        let sent = redis.batch(singles, Idempotent::Yes).await?;
        let resent: std::collections::HashSet<usize> =
            sent.resent.iter().map(|(i, _)| *i).collect();
        for (j, (&i, reply)) in retry_single.iter().zip(sent.replies).enumerate() {
            match reply {
                Value::ServerError(e) if e.code() == "NOPERM" => refused.push(i),
                Value::ServerError(e) => return Err(server_failure(redis.display_url(), &e).into()),
                v => {
                    let n = u64::from_redis_value(v).unwrap_or(0);
                    if n == 0 && resent.contains(&j) {
                        deleted += u64::from(scanned);
                        unconfirmed += 1;
                    } else {
                        deleted += n;
                    }
                }
            }
        }
    }
    Ok(Unlinked {
        deleted,
        denied: refused.len() as u64,
        unconfirmed,
        unreached,
        refused,
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
