//! Where locks live: one server (or cluster), or a Redlock quorum of
//! independent servers: a quorum of N/2+1 within the validity time
//! (TTL − elapsed − drift), every node unlocked when acquisition fails, and
//! per-node timeouts far below the TTL.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::future::join_all;

use super::conn::{ConnSpec, Redis};
use super::lock::{self, LockState};
use crate::error::RedisFailure;

pub enum Backend {
    Single(Arc<Redis>),
    Quorum(Vec<Member>),
}

pub struct Member {
    pub label: String,
    redis: Option<Arc<Redis>>,
}

/// A lock taken.
#[derive(Debug, Clone, Copy)]
pub struct Acquired {
    pub fence: i64,
    pub validity_ms: i64,
    pub locked_nodes: usize,
    /// When the lock stops being ours unless it is extended.
    pub valid_until: tokio::time::Instant,
}

/// What one node holds; `None` when it did not answer.
pub type NodeState = (String, Option<LockState>);

pub fn quorum(n: usize) -> usize {
    n / 2 + 1
}

/// Redlock's allowance for clock drift between the servers.
pub fn drift(ttl: Duration) -> Duration {
    ttl / 100 + Duration::from_millis(2)
}

/// The token a majority of nodes hold (the one node when not Redlock), with
/// its TTL and fencing token.
pub fn holder(states: &[NodeState], is_quorum: bool) -> Option<(&[u8], Option<i64>, Option<i64>)> {
    let need = if is_quorum { quorum(states.len()) } else { 1 };
    states.iter().find_map(|(_, s)| {
        let s = s.as_ref()?;
        let token = s.token.as_deref()?;
        let votes = states
            .iter()
            .filter(|(_, o)| o.as_ref().and_then(|o| o.token.as_deref()) == Some(token))
            .count();
        (votes >= need).then_some((token, s.ttl_ms, s.fence))
    })
}

/// Too few Redlock nodes answered to decide anything: exit 3, as when the
/// one server of a plain lock cannot be reached. (`None` is a node that did
/// not answer.)
fn need_answers<T>(replies: &[Option<T>]) -> anyhow::Result<()> {
    let answered = replies.iter().filter(|r| r.is_some()).count();
    let need = quorum(replies.len());
    if answered >= need {
        return Ok(());
    }
    Err(RedisFailure::Unreachable {
        url: format!("{} Redlock nodes", replies.len()),
        reason: format!("only {answered} answered, and {need} are needed to decide"),
    }
    .into())
}

impl Backend {
    /// Redlock over these servers. An unreachable node is one vote short,
    /// not a failure of the whole lock.
    pub async fn quorum_of(specs: Vec<ConnSpec>) -> Backend {
        let members = join_all(specs.into_iter().map(|spec| async move {
            let label = spec.display_url.clone();
            let redis = Redis::connect(spec).await.ok();
            Member { label, redis }
        }))
        .await;
        Backend::Quorum(members)
    }

    pub fn is_quorum(&self) -> bool {
        matches!(self, Backend::Quorum(_))
    }

    fn per_node_timeout(&self, ttl: Duration) -> Duration {
        (ttl / 10).clamp(Duration::from_millis(5), Duration::from_secs(2))
    }

    async fn on_all<T, F, Fut>(&self, limit: Duration, f: F) -> Vec<Option<T>>
    where
        F: Fn(Arc<Redis>) -> Fut,
        Fut: std::future::Future<Output = anyhow::Result<T>>,
    {
        let Backend::Quorum(members) = self else {
            return Vec::new();
        };
        join_all(members.iter().map(|m| {
            let fut = m.redis.clone().map(&f);
            async move {
                match fut {
                    Some(fut) => tokio::time::timeout(limit, fut)
                        .await
                        .ok()
                        .and_then(Result::ok),
                    None => None,
                }
            }
        }))
        .await
    }

    pub async fn try_acquire(
        &self,
        name: &[u8],
        token: &str,
        ttl: Duration,
        fence_ttl: Duration,
    ) -> anyhow::Result<Option<Acquired>> {
        match self {
            Backend::Single(r) => {
                let sent = tokio::time::Instant::now();
                Ok(lock::try_acquire(r, name, token, ttl, fence_ttl)
                    .await?
                    .map(|fence| Acquired {
                        fence,
                        validity_ms: ttl.as_millis() as i64,
                        locked_nodes: 1,
                        valid_until: sent + ttl,
                    }))
            }
            Backend::Quorum(members) => {
                let started = tokio::time::Instant::now();
                let limit = self.per_node_timeout(ttl);
                let votes = self
                    .on_all(limit, |r| async move {
                        lock::try_acquire(&r, name, token, ttl, fence_ttl).await
                    })
                    .await;
                if let Err(e) = need_answers(&votes) {
                    let _ = self.release(name, token.as_bytes(), ttl).await;
                    return Err(e);
                }
                let fences: Vec<i64> = votes.iter().filter_map(|v| v.flatten()).collect();
                let validity = ttl.as_millis() as i64
                    - started.elapsed().as_millis() as i64
                    - drift(ttl).as_millis() as i64;
                if fences.len() >= quorum(members.len()) && validity > 0 {
                    let fence = fences.iter().copied().max().unwrap_or(0);
                    self.on_all(limit, |r| async move {
                        lock::raise_fence(&r, name, fence, fence_ttl).await
                    })
                    .await;
                    return Ok(Some(Acquired {
                        fence,
                        validity_ms: validity,
                        locked_nodes: fences.len(),
                        valid_until: started + ttl.saturating_sub(drift(ttl)),
                    }));
                }
                // Failed: unlock every node, including those whose reply was lost.
                let _ = self.release(name, token.as_bytes(), ttl).await;
                Ok(None)
            }
        }
    }

    /// Acquire, retrying for up to `wait`; `None` when it stayed held.
    pub async fn acquire(
        &self,
        name: &[u8],
        token: &str,
        ttl: Duration,
        fence_ttl: Duration,
        wait: Duration,
    ) -> anyhow::Result<Option<Acquired>> {
        if let Backend::Single(r) = self {
            let fence = lock::acquire(r, name, token, ttl, fence_ttl, wait).await?;
            return Ok(fence.map(|(fence, sent)| Acquired {
                fence,
                validity_ms: ttl.as_millis() as i64,
                locked_nodes: 1,
                valid_until: sent + ttl,
            }));
        }
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(a) = self.try_acquire(name, token, ttl, fence_ttl).await? {
                return Ok(Some(a));
            }
            let now = tokio::time::Instant::now();
            if now >= deadline {
                return Ok(None);
            }
            let retry = Duration::from_millis(20 + rand::random::<u64>() % 80);
            tokio::time::sleep(retry.min(deadline - now)).await;
        }
    }

    /// Release; true when a quorum (or the single server) released our token.
    /// A single server's error is an error; Redlock counts an unreachable node
    /// as a node that did not release.
    pub async fn release(&self, name: &[u8], token: &[u8], ttl: Duration) -> anyhow::Result<bool> {
        match self {
            Backend::Single(r) => lock::release(r, name, token).await,
            Backend::Quorum(members) => {
                let limit = self.per_node_timeout(ttl).max(Duration::from_millis(500));
                let done = self
                    .on_all(
                        limit,
                        |r| async move { lock::release(&r, name, token).await },
                    )
                    .await;
                need_answers(&done)?;
                Ok(done.iter().filter(|d| **d == Some(true)).count() >= quorum(members.len()))
            }
        }
    }

    pub async fn extend(
        &self,
        name: &[u8],
        token: &str,
        ttl: Duration,
        fence_ttl: Duration,
    ) -> anyhow::Result<bool> {
        match self {
            Backend::Single(r) => lock::extend_fenced(r, name, token, ttl, fence_ttl).await,
            Backend::Quorum(members) => {
                let started = Instant::now();
                let limit = self.per_node_timeout(ttl);
                let done = self
                    .on_all(limit, |r| async move {
                        lock::extend_fenced(&r, name, token, ttl, fence_ttl).await
                    })
                    .await;
                need_answers(&done)?;
                let ok = done.iter().filter(|d| **d == Some(true)).count();
                Ok(ok >= quorum(members.len()) && started.elapsed() + drift(ttl) < ttl)
            }
        }
    }

    /// What every node holds for `name`.
    pub async fn status(&self, name: &[u8]) -> anyhow::Result<Vec<NodeState>> {
        match self {
            Backend::Single(r) => Ok(vec![(
                r.display_url().to_string(),
                Some(lock::status(r, name).await?),
            )]),
            Backend::Quorum(members) => {
                let states = self
                    .on_all(Duration::from_secs(2), |r| async move {
                        lock::status(&r, name).await
                    })
                    .await;
                need_answers(&states)?;
                Ok(members
                    .iter()
                    .map(|m| m.label.clone())
                    .zip(states)
                    .collect())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quorum_and_drift() {
        assert_eq!(quorum(3), 2);
        assert_eq!(quorum(5), 3);
        assert_eq!(drift(Duration::from_secs(10)), Duration::from_millis(102));
    }

    fn held(token: &str) -> Option<LockState> {
        Some(LockState {
            token: Some(token.as_bytes().to_vec()),
            ttl_ms: Some(1000),
            fence: Some(7),
            foreign_type: None,
        })
    }

    #[test]
    fn the_holder_is_the_majoritys_token() {
        let states: Vec<NodeState> = vec![
            ("a".into(), held("stale")),
            ("b".into(), held("t1")),
            ("c".into(), held("t1")),
        ];
        assert_eq!(holder(&states, true).map(|h| h.0), Some(&b"t1"[..]));
        let split: Vec<NodeState> = vec![
            ("a".into(), held("t1")),
            ("b".into(), None),
            ("c".into(), held("t2")),
        ];
        assert_eq!(holder(&split, true), None);
        assert_eq!(
            holder(&states[..1], false).map(|h| h.0),
            Some(&b"stale"[..])
        );
    }
}
