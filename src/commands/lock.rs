//! `lock acquire | release | extend | status | list | break | run`.
//!
//! One server (or cluster) by default; with `--node URL` repeated, Redlock over
//! independent servers: a quorum of N/2+1 within the validity time
//! (TTL − elapsed − drift), every node unlocked when acquisition fails, and
//! per-node timeouts far below the TTL.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::future::join_all;
use redis::FromRedisValue;
use serde_json::json;

use super::Ctx;
use crate::child::{code_of, spawn, Ended, Keeping};
use crate::cli::{FenceArgs, LockAction, NodesArgs, SignalArgs};
use crate::core::conn::{Idempotent, Redis, Routed};
use crate::core::interrupt::Interrupt;
use crate::core::lock::{self, new_token, LockState};
use crate::core::scan::{scan_all, ScanOpts};
use crate::error::{negative, usage, CliError};
use crate::keys::{arg_bytes, escape_bytes};
use crate::keyspace::companion_group;
use crate::output::{table, Outcome, Render};
use crate::parse::human_ms;

/// Where locks live: one server, or a Redlock quorum of independent servers.
enum Backend {
    Single(Arc<Redis>),
    Quorum(Vec<Member>),
}

struct Member {
    label: String,
    redis: Option<Arc<Redis>>,
}

struct Acquired {
    fence: i64,
    validity_ms: i64,
    locked_nodes: usize,
    /// When the lock stops being ours unless it is extended.
    valid_until: tokio::time::Instant,
}

/// The fencing counter's TTL; one shorter than the lock's could expire while
/// the lock is held, and the next holder's token would go back to 1.
fn fence_ttl(f: &FenceArgs, ttl: Duration) -> anyhow::Result<Duration> {
    match f.fence_ttl {
        None => Ok(lock::default_fence_ttl(ttl)),
        Some(d) if !d.is_zero() && d < ttl => Err(usage(format!(
            "--fence-ttl {} is shorter than --ttl {}: the counter could expire while the lock is held (0 = persistent)",
            human_ms(d.as_millis() as i64),
            human_ms(ttl.as_millis() as i64)
        ))),
        Some(d) => Ok(d),
    }
}

fn quorum(n: usize) -> usize {
    n / 2 + 1
}

/// Redlock's allowance for clock drift between the servers.
fn drift(ttl: Duration) -> Duration {
    ttl / 100 + Duration::from_millis(2)
}

async fn backend(ctx: &Ctx, nodes: &NodesArgs) -> anyhow::Result<Backend> {
    if nodes.nodes.is_empty() {
        return Ok(Backend::Single(ctx.connect().await?));
    }
    let n = nodes.nodes.len();
    if n < 3 || n.is_multiple_of(2) {
        return Err(usage(format!(
            "--node needs an odd number of servers, at least 3 (got {n})"
        )));
    }
    let connects = nodes.nodes.iter().map(|url| async move {
        let spec = ctx.spec_for(url)?;
        let label = spec.display_url.clone();
        // An unreachable node is one vote short, not a failure of the whole lock.
        let redis = Redis::connect(spec).await.ok();
        anyhow::Ok(Member { label, redis })
    });
    let members = join_all(connects)
        .await
        .into_iter()
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(Backend::Quorum(members))
}

impl Backend {
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

    async fn try_acquire(
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

    async fn acquire(
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
    async fn release(&self, name: &[u8], token: &[u8], ttl: Duration) -> anyhow::Result<bool> {
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
                Ok(done.iter().filter(|d| **d == Some(true)).count() >= quorum(members.len()))
            }
        }
    }

    async fn extend(
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
                let ok = done.iter().filter(|d| **d == Some(true)).count();
                Ok(ok >= quorum(members.len()) && started.elapsed() + drift(ttl) < ttl)
            }
        }
    }

    async fn status(&self, name: &[u8]) -> anyhow::Result<Vec<(String, Option<LockState>)>> {
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
                Ok(members
                    .iter()
                    .map(|m| m.label.clone())
                    .zip(states)
                    .collect())
            }
        }
    }
}

pub async fn run(action: &LockAction, ctx: &Ctx) -> anyhow::Result<Outcome> {
    match action {
        LockAction::Acquire {
            name,
            ttl,
            wait,
            fence,
            nodes,
        } => {
            let key = ctx.ns.key(&arg_bytes(name));
            let fence_ttl = fence_ttl(fence, *ttl)?;
            let b = backend(ctx, nodes).await?;
            let token = new_token();
            // Ctrl-C while waiting: exit 130, and a lock taken at that moment
            // (its token never printed) is given back.
            let interrupt = Interrupt::listen();
            let acquired = tokio::select! {
                a = b.acquire(&key, &token, *ttl, fence_ttl, *wait) => a?,
                _ = interrupt.wait() => {
                    let _ = b.release(&key, token.as_bytes(), *ttl).await;
                    return Err(CliError::Interrupted.into());
                }
            };
            match acquired {
                Some(a) => {
                    ctx.printer.notice(&format!("fencing token {}", a.fence));
                    let report = Acquire {
                        name: escape_bytes(&key),
                        token,
                        acquired: a,
                        ttl: *ttl,
                    };
                    // Printed here, not by the caller: a token that could not be
                    // delivered leaves a lock nobody can release, so it is undone.
                    match ctx.printer.print_render(&report) {
                        Ok(()) => Ok(Outcome {
                            report: None,
                            failure: None,
                        }),
                        Err(e) => Err(undeliverable(&b, &key, &report.token, *ttl, &e).await),
                    }
                }
                None => Err(held_elsewhere(&b, &key).await),
            }
        }
        LockAction::Release {
            name,
            token,
            signal,
            nodes,
        } => {
            let key = ctx.ns.key(&arg_bytes(name));
            let b = backend(ctx, nodes).await?;
            let list = signal_target(ctx, &b, &key, &[token.as_bytes().to_vec()], signal).await?;
            let done = b
                .release(&key, token.as_bytes(), Duration::from_secs(1))
                .await?;
            let signalled = wake(&b, done, list, signal).await?;
            let failure = (!done).then(|| {
                negative(format!(
                    "{} is not held by that token: nothing released",
                    escape_bytes(&key)
                ))
            });
            Ok(Outcome::with_failure(
                Done {
                    name: escape_bytes(&key),
                    verb: "released",
                    done,
                    signalled,
                },
                failure,
            ))
        }
        LockAction::Extend {
            name,
            token,
            ttl,
            nodes,
        } => {
            let key = ctx.ns.key(&arg_bytes(name));
            let b = backend(ctx, nodes).await?;
            let done = b
                .extend(&key, token, *ttl, lock::default_fence_ttl(*ttl))
                .await?;
            let failure = (!done).then(|| {
                negative(format!(
                    "{} is not held by that token: not extended",
                    escape_bytes(&key)
                ))
            });
            Ok(Outcome::with_failure(
                Done {
                    name: escape_bytes(&key),
                    verb: "extended",
                    done,
                    signalled: None,
                },
                failure,
            ))
        }
        LockAction::Status { name, nodes } => {
            let key = ctx.ns.key(&arg_bytes(name));
            let b = backend(ctx, nodes).await?;
            let states = b.status(&key).await?;
            Ok(Outcome::with_failure(
                Status {
                    name: escape_bytes(&key),
                    states,
                    quorum: !nodes.nodes.is_empty(),
                },
                None,
            ))
        }
        LockAction::List { pattern } => {
            list(ctx, pattern.as_ref().map(|p| arg_bytes(p)).as_deref()).await
        }
        LockAction::Break {
            name,
            dry_run,
            signal,
            nodes,
        } => {
            let key = ctx.ns.key(&arg_bytes(name));
            let b = backend(ctx, nodes).await?;
            let states = b.status(&key).await?;
            // Every token a node holds (Redlock nodes may disagree: a stale
            // minority token is as much in the way as the majority's).
            let mut tokens: Vec<Vec<u8>> = Vec::new();
            for t in states.iter().filter_map(|(_, s)| s.as_ref()?.token.clone()) {
                if !tokens.contains(&t) {
                    tokens.push(t);
                }
            }
            if tokens.is_empty() {
                return Err(negative(format!(
                    "{} is not held: nothing to break",
                    escape_bytes(&key)
                )));
            }
            if *dry_run {
                return Ok(Outcome::with_failure(
                    Status {
                        name: escape_bytes(&key),
                        states,
                        quorum: !nodes.nodes.is_empty(),
                    },
                    None,
                ));
            }
            let list = signal_target(ctx, &b, &key, &tokens, signal).await?;
            let shown: Vec<String> = tokens.iter().map(|t| escape_bytes(t)).collect();
            ctx.printer
                .confirm(format!(
                    "force-release lock {} held by token {}?",
                    escape_bytes(&key),
                    shown.join(", ")
                ))
                .await?;
            // Compare-and-delete with the tokens that were shown: if the lock
            // changed hands while we asked, the new holder keeps it.
            for t in &tokens {
                b.release(&key, t, Duration::from_secs(1)).await?;
            }
            let after = b.status(&key).await?;
            let held_by = |shown: bool| {
                after
                    .iter()
                    .filter_map(|(_, s)| s.as_ref()?.token.as_ref())
                    .any(|t| tokens.contains(t) == shown)
            };
            let (left, changed) = (held_by(true), held_by(false));
            let done = !left && !changed;
            let failure = if left {
                Some(negative(format!(
                    "{} is still held by a token that was shown (a node did not answer?): not broken",
                    escape_bytes(&key)
                )))
            } else if changed {
                Some(negative(format!(
                    "{} changed hands since it was shown: the new holder keeps it",
                    escape_bytes(&key)
                )))
            } else {
                None
            };
            let signalled = wake(&b, done, list, signal).await?;
            Ok(Outcome::with_failure(
                Done {
                    name: escape_bytes(&key),
                    verb: "broken",
                    done,
                    signalled,
                },
                failure,
            ))
        }
        LockAction::Run {
            name,
            ttl,
            wait,
            kill_grace,
            fence,
            nodes,
            cmd,
        } => {
            let key = ctx.ns.key(&arg_bytes(name));
            // What one extension buys: the TTL, less Redlock's drift allowance.
            let validity = if nodes.nodes.is_empty() {
                *ttl
            } else {
                ttl.saturating_sub(drift(*ttl))
            };
            let plan = Keeping::new(validity, *kill_grace).map_err(usage)?;
            let fence_ttl = fence_ttl(fence, *ttl)?;
            let b = backend(ctx, nodes).await?;
            let token = new_token();
            // Listening from before the acquisition: Ctrl-C while waiting for the
            // lock is exit 130, and a lock taken just then is given back.
            let signals = crate::child::listen();
            let acquired = tokio::select! {
                a = b.acquire(&key, &token, *ttl, fence_ttl, *wait) => a?,
                _ = signals.interrupt.wait() => {
                    let _ = b.release(&key, token.as_bytes(), *ttl).await;
                    return Err(CliError::Interrupted.into());
                }
            };
            let Some(a) = acquired else {
                return Err(held_elsewhere(&b, &key).await);
            };
            if signals.interrupt.is_set() {
                let _ = b.release(&key, token.as_bytes(), *ttl).await;
                return Err(CliError::Interrupted.into());
            }
            let envs = [
                ("CACHECTL_LOCK_TOKEN", token.clone()),
                ("CACHECTL_FENCING_TOKEN", a.fence.to_string()),
            ];
            let mut child = match spawn(cmd, false, &envs) {
                Ok(c) => c,
                Err(e) => {
                    let _ = b.release(&key, token.as_bytes(), *ttl).await;
                    return Err(e);
                }
            };
            let ended = child
                .supervise(plan, a.valid_until, &signals, || {
                    b.extend(&key, &token, *ttl, fence_ttl)
                })
                .await;
            let shown = escape_bytes(&key);
            let ended = match ended {
                Ok(e) => e,
                Err(e) => {
                    let _ = b.release(&key, token.as_bytes(), *ttl).await;
                    return Err(
                        anyhow::Error::new(e).context(format!("waiting for {}", child.name))
                    );
                }
            };
            let failure: Option<anyhow::Error> = match ended {
                Ended::Exited(status) => {
                    release_after(ctx, &b, &key, &token, *ttl).await;
                    (!status.success()).then(|| {
                        CliError::Child {
                            cmd: child.name.clone(),
                            code: code_of(status),
                        }
                        .into()
                    })
                }
                Ended::Interrupted => {
                    release_after(ctx, &b, &key, &token, *ttl).await;
                    Some(CliError::Interrupted.into())
                }
                Ended::LockLost => {
                    // Compare-and-delete: frees what is left of ours, never another holder's.
                    let _ = b.release(&key, token.as_bytes(), *ttl).await;
                    Some(negative(format!(
                        "lock {shown} was lost while {} ran (it expired, was taken over, or could not be extended in time); {} was stopped",
                        child.name, child.name
                    )))
                }
            };
            Ok(Outcome {
                report: None,
                failure,
            })
        }
    }
}

/// The list whose waiters are woken once `key` is freed: `--signal-list`, or
/// python-redis-lock's `lock-signal:NAME` when the lock is one of its locks.
async fn signal_target(
    ctx: &Ctx,
    b: &Backend,
    key: &[u8],
    tokens: &[Vec<u8>],
    s: &SignalArgs,
) -> anyhow::Result<Option<Vec<u8>>> {
    match (b, &s.signal_list) {
        (Backend::Quorum(_), Some(_)) => Err(usage(
            "--signal-list is for a lock on one server, not with --node",
        )),
        (Backend::Quorum(_), None) => Ok(None),
        (Backend::Single(_), Some(list)) => Ok(Some(ctx.ns.key(&arg_bytes(list)))),
        (Backend::Single(r), None) => match lock::signal_list_of(ctx.ns.strip(key)) {
            Some(list) => lock::detect_signal_list(r, ctx.ns.key(&list), tokens).await,
            None => Ok(None),
        },
    }
}

/// Signal the waiters once the lock was freed; the list's name when done.
async fn wake(
    b: &Backend,
    freed: bool,
    list: Option<Vec<u8>>,
    s: &SignalArgs,
) -> anyhow::Result<Option<String>> {
    let (Backend::Single(r), true, Some(list)) = (b, freed, list) else {
        return Ok(None);
    };
    lock::signal(r, &list, s.signal_expire).await.map_err(|e| {
        e.context(format!(
            "the lock was freed, but signalling {} failed",
            escape_bytes(&list)
        ))
    })?;
    Ok(Some(escape_bytes(&list)))
}

/// Release after CMD ended; a failure is reported but leaves CMD's status as
/// the exit code (the lock expires with its TTL anyway).
async fn release_after(ctx: &Ctx, b: &Backend, key: &[u8], token: &str, ttl: Duration) {
    match b.release(key, token.as_bytes(), ttl).await {
        Ok(true) => {}
        Ok(false) => ctx.printer.notice(&format!(
            "lock {} was no longer ours at release",
            escape_bytes(key)
        )),
        Err(e) => ctx.printer.notice(&format!(
            "releasing lock {} failed ({e:#}); it expires by its TTL",
            escape_bytes(key)
        )),
    }
}

/// The token of an acquired lock could not be written: release the lock, and
/// say so (exit 1: the caller holds no lock), or say that it stays held.
async fn undeliverable(
    b: &Backend,
    key: &[u8],
    token: &str,
    ttl: Duration,
    e: &io::Error,
) -> anyhow::Error {
    let shown = escape_bytes(key);
    match b.release(key, token.as_bytes(), ttl).await {
        Ok(true) => negative(format!(
            "lock {shown} was acquired but its token could not be written ({e}): released it"
        )),
        Ok(false) => negative(format!(
            "lock {shown} was acquired but its token could not be written ({e}); it is no longer held"
        )),
        Err(r) => r.context(format!(
            "lock {shown} was acquired but its token could not be written ({e}); releasing it failed, so token {token} holds it until its TTL ends"
        )),
    }
}

/// The "not acquired" error, naming the current holder when it can be read.
async fn held_elsewhere(b: &Backend, key: &[u8]) -> anyhow::Error {
    let holder = match b.status(key).await {
        Ok(states) => states
            .iter()
            .find_map(|(_, s)| {
                let s = s.as_ref()?;
                let token = s.token.as_ref()?;
                Some(format!(
                    " (held by token {}, {} left)",
                    escape_bytes(token),
                    s.ttl_ms.map(human_ms).unwrap_or_else(|| "no TTL".into())
                ))
            })
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    negative(format!("lock {} not acquired{holder}", escape_bytes(key)))
}

/// Does a string value look like a lock token (random ids, UUIDs, base64,
/// `host:pid:n`)? Plain cache values (text, JSON, HTML, small numbers) do not.
fn looks_like_token(v: &[u8]) -> bool {
    (8..=128).contains(&v.len())
        && v.iter()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:+/=".contains(b))
        && (v.len() >= 16 || v.iter().any(u8::is_ascii_digit))
}

/// Keys from one SCAN (string keys only), without cachectl's counters.
async fn scan_names(redis: &Arc<Redis>, pattern: Vec<u8>) -> anyhow::Result<Vec<Vec<u8>>> {
    let opts = ScanOpts {
        pattern,
        count: 1000,
        key_type: Some("string".into()),
    };
    let mut rx = scan_all(redis, &opts, &|_| Some(0), 4);
    let mut out = Vec::new();
    while let Some(batch) = rx.recv().await {
        out.extend(batch?.keys);
    }
    Ok(out)
}

/// Held locks. Without a pattern: every lock cachectl took (found by its
/// fencing counter) and `*lock*` keys holding a token. With one: the matching
/// string keys whose value looks like a lock token; the rest are counted.
async fn list(ctx: &Ctx, pattern: Option<&[u8]>) -> anyhow::Result<Outcome> {
    let redis = ctx.connect().await?;
    // name -> whether it is known to be a lock (cachectl's own).
    let mut names: BTreeMap<Vec<u8>, bool> = BTreeMap::new();
    let candidates = match pattern {
        Some(p) => scan_names(&redis, ctx.ns.pattern(p)).await?,
        None => {
            let ns = ctx.ns.key(b"");
            for f in scan_names(&redis, b"*:cachectl:fence".to_vec()).await? {
                for name in lock::locks_of_fence(&f) {
                    if name.starts_with(&ns) {
                        names.insert(name, true);
                    }
                }
            }
            scan_names(&redis, ctx.ns.pattern(b"*lock*")).await?
        }
    };
    for k in candidates {
        if !matches!(
            companion_group(&k),
            Some(b"(cachectl:fence)" | b"(cachectl:meta)")
        ) {
            names.entry(k).or_insert(false);
        }
    }
    let names: Vec<(Vec<u8>, bool)> = names.into_iter().collect();
    let mut rows = BTreeMap::new();
    let mut skipped = 0u64;
    for chunk in names.chunks(500) {
        let mut cmds = Vec::with_capacity(chunk.len() * 2);
        for (k, _) in chunk {
            let mut g = redis::cmd("GET");
            g.arg(k);
            let mut p = redis::cmd("PTTL");
            p.arg(k);
            cmds.push(Routed::new(k, g));
            cmds.push(Routed::new(k, p));
        }
        let replies = redis.batch(cmds, Idempotent::Yes).await?.replies;
        for ((k, own), pair) in chunk.iter().zip(replies.chunks(2)) {
            // Gone since the scan, or not a string: not held.
            let Ok(Some(token)) = Option::<Vec<u8>>::from_redis_value(pair[0].clone()) else {
                continue;
            };
            if !own && !looks_like_token(&token) {
                skipped += 1;
                continue;
            }
            let ttl = i64::from_redis_value(pair[1].clone())
                .ok()
                .filter(|t| *t >= 0);
            rows.insert(k.clone(), (token, ttl));
        }
    }
    if skipped > 0 {
        ctx.printer.notice(&format!(
            "{skipped} matching string keys hold no lock token: skipped"
        ));
    }
    Ok(Outcome::with_failure(List { rows }, None))
}

struct Acquire {
    name: String,
    token: String,
    acquired: Acquired,
    ttl: Duration,
}

impl Render for Acquire {
    fn json(&self) -> serde_json::Value {
        json!({
            "name": self.name,
            "acquired": true,
            "token": self.token,
            "fencing_token": self.acquired.fence,
            "ttl_ms": self.ttl.as_millis() as u64,
            "validity_ms": self.acquired.validity_ms,
            "locked_nodes": self.acquired.locked_nodes,
        })
    }
    fn tables(&self) -> Vec<comfy_table::Table> {
        let mut t = table(&["name", "token", "fencing token", "validity"]);
        t.add_row(vec![
            self.name.clone(),
            self.token.clone(),
            self.acquired.fence.to_string(),
            human_ms(self.acquired.validity_ms),
        ]);
        vec![t]
    }
    fn plain(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "{}", self.token)
    }
}

struct Done {
    name: String,
    verb: &'static str,
    done: bool,
    /// The list whose waiters were woken (python-redis-lock's signal).
    signalled: Option<String>,
}

impl Render for Done {
    fn json(&self) -> serde_json::Value {
        let mut v = json!({"name": self.name, self.verb: self.done});
        if let Some(list) = &self.signalled {
            v["signalled"] = json!(list);
        }
        v
    }
    fn tables(&self) -> Vec<comfy_table::Table> {
        let mut t = table(&["name", self.verb]);
        t.add_row(vec![self.name.clone(), self.done.to_string()]);
        vec![t]
    }
    fn plain(&self, out: &mut dyn Write) -> io::Result<()> {
        if self.done {
            writeln!(out, "{}", self.verb)?;
        }
        Ok(())
    }
}

struct Status {
    name: String,
    states: Vec<(String, Option<LockState>)>,
    quorum: bool,
}

impl Status {
    /// The token a majority of nodes hold (the one node when not Redlock).
    fn holder(&self) -> Option<(&[u8], Option<i64>, Option<i64>)> {
        let need = if self.quorum {
            quorum(self.states.len())
        } else {
            1
        };
        self.states.iter().find_map(|(_, s)| {
            let s = s.as_ref()?;
            let token = s.token.as_deref()?;
            let votes = self
                .states
                .iter()
                .filter(|(_, o)| o.as_ref().and_then(|o| o.token.as_deref()) == Some(token))
                .count();
            (votes >= need).then_some((token, s.ttl_ms, s.fence))
        })
    }
}

fn node_json(node: &str, s: &Option<LockState>) -> serde_json::Value {
    match s {
        Some(s) => json!({
            "node": node,
            "held": s.token.is_some(),
            "token": s.token.as_deref().map(escape_bytes),
            "ttl_ms": s.ttl_ms,
            "fencing_token": s.fence,
        }),
        None => json!({"node": node, "reachable": false}),
    }
}

impl Render for Status {
    fn json(&self) -> serde_json::Value {
        let holder = self.holder();
        let mut v = json!({
            "name": self.name,
            "held": holder.is_some(),
            "token": holder.map(|h| escape_bytes(h.0)),
            "ttl_ms": holder.and_then(|h| h.1),
            "fencing_token": holder.and_then(|h| h.2).or_else(|| self.states.iter().find_map(|(_, s)| s.as_ref()?.fence)),
        });
        if let Some(kind) = self
            .states
            .iter()
            .find_map(|(_, s)| s.as_ref()?.foreign_type.clone())
        {
            v["not_a_lock"] = json!(kind);
        }
        if self.quorum {
            v["nodes"] = self.states.iter().map(|(n, s)| node_json(n, s)).collect();
        }
        v
    }
    fn tables(&self) -> Vec<comfy_table::Table> {
        let mut t = table(&["node", "held", "token", "ttl", "fencing token"]);
        for (node, s) in &self.states {
            match s {
                Some(s) => t.add_row(vec![
                    node.clone(),
                    s.token.is_some().to_string(),
                    s.token.as_deref().map(escape_bytes).unwrap_or_default(),
                    s.ttl_ms.map(human_ms).unwrap_or_else(|| "-".into()),
                    s.fence.map(|f| f.to_string()).unwrap_or_default(),
                ]),
                None => t.add_row(vec![node.clone(), "unreachable".into()]),
            };
        }
        vec![t]
    }
    fn plain(&self, out: &mut dyn Write) -> io::Result<()> {
        match self.holder() {
            Some((token, ttl, _)) => {
                writeln!(out, "held\t{}\t{}", escape_bytes(token), ttl.unwrap_or(-1))
            }
            None => writeln!(out, "free"),
        }
    }
}

struct List {
    rows: BTreeMap<Vec<u8>, (Vec<u8>, Option<i64>)>,
}

impl Render for List {
    fn json(&self) -> serde_json::Value {
        self.rows
            .iter()
            .map(|(k, (t, ttl))| json!({"name": escape_bytes(k), "token": escape_bytes(t), "ttl_ms": ttl}))
            .collect()
    }
    fn tables(&self) -> Vec<comfy_table::Table> {
        let mut t = table(&["name", "token", "ttl"]);
        for (k, (tok, ttl)) in &self.rows {
            t.add_row(vec![
                escape_bytes(k),
                escape_bytes(tok),
                ttl.map(human_ms)
                    .unwrap_or_else(|| "no TTL (stuck?)".into()),
            ]);
        }
        vec![t]
    }
    fn plain(&self, out: &mut dyn Write) -> io::Result<()> {
        for (k, (tok, ttl)) in &self.rows {
            writeln!(
                out,
                "{}\t{}\t{}",
                escape_bytes(k),
                escape_bytes(tok),
                ttl.unwrap_or(-1)
            )?;
        }
        Ok(())
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

    #[test]
    fn lock_tokens_and_cache_values() {
        for t in [
            &b"0f3a9c1e5b7d4a2f8e6c0b1d3f5a7c9e"[..],
            b"8d1f0c2e-5b7a-4a63-9d0e-1f2a3b4c5d6e",
            b"app-token-123",
            b"k3J9sd0aQ+xzP1mB/aaaaaa=",
        ] {
            assert!(looks_like_token(t), "{}", String::from_utf8_lossy(t));
        }
        for v in [
            &b"v"[..],
            b"1",
            b"hello world",
            b"{\"user\": 1}",
            b"<html></html>",
            b"cached",
        ] {
            assert!(!looks_like_token(v), "{}", String::from_utf8_lossy(v));
        }
    }
}
