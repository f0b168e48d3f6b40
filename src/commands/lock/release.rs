//! `lock release`, `lock extend` and `lock break`: compare-and-act on a held
//! lock, and python-redis-lock's waiters woken once it is freed.

use std::time::Duration;

use super::{backend, status, Ctx};
use crate::cli::{NodesArgs, SignalArgs};
use crate::core::lock;
use crate::core::redlock::Backend;
use crate::error::{negative, usage};
use crate::keys::{arg_bytes, escape_bytes};
use crate::output::Outcome;
use crate::report::lock::{Action, DoneReport};

pub async fn release(
    ctx: &Ctx,
    key: &[u8],
    token: &str,
    signal: &SignalArgs,
    nodes: &NodesArgs,
) -> anyhow::Result<Outcome> {
    let b = backend(ctx, nodes).await?;
    let list = signal_target(ctx, &b, key, &[token.as_bytes().to_vec()], signal).await?;
    let done = b
        .release(key, token.as_bytes(), Duration::from_secs(1))
        .await?;
    let signalled = wake(&b, done, list, signal).await?;
    let failure = (!done).then(|| {
        negative(format!(
            "{} is not held by that token: nothing released",
            escape_bytes(key)
        ))
    });
    let report = DoneReport {
        name: key.to_vec(),
        action: Action::Released,
        done,
        signalled,
    };
    Ok(Outcome::failed(report, failure))
}

pub async fn extend(
    ctx: &Ctx,
    key: &[u8],
    token: &str,
    ttl: Duration,
    nodes: &NodesArgs,
) -> anyhow::Result<Outcome> {
    let b = backend(ctx, nodes).await?;
    let done = b
        .extend(key, token, ttl, lock::default_fence_ttl(ttl))
        .await?;
    let failure = (!done).then(|| {
        negative(format!(
            "{} is not held by that token: not extended",
            escape_bytes(key)
        ))
    });
    let report = DoneReport {
        name: key.to_vec(),
        action: Action::Extended,
        done,
        signalled: None,
    };
    Ok(Outcome::failed(report, failure))
}

pub async fn break_lock(
    ctx: &Ctx,
    key: &[u8],
    dry_run: bool,
    signal: &SignalArgs,
    nodes: &NodesArgs,
) -> anyhow::Result<Outcome> {
    let b = backend(ctx, nodes).await?;
    let states = b.status(key).await?;
    // Every token a node holds (Redlock nodes may disagree: a stale minority
    // token is as much in the way as the majority's).
    let mut tokens: Vec<Vec<u8>> = Vec::new();
    for t in states.iter().filter_map(|(_, s)| s.as_ref()?.token.clone()) {
        if !tokens.contains(&t) {
            tokens.push(t);
        }
    }
    let shown = escape_bytes(key);
    if tokens.is_empty() {
        return Err(negative(format!("{shown} is not held: nothing to break")));
    }
    if dry_run {
        return Ok(Outcome::report(status::report(key, &states, b.is_quorum())));
    }
    let list = signal_target(ctx, &b, key, &tokens, signal).await?;
    let held_by: Vec<String> = tokens.iter().map(|t| escape_bytes(t)).collect();
    ctx.printer
        .confirm(format!(
            "force-release lock {shown} held by token {}?",
            held_by.join(", ")
        ))
        .await?;
    // Compare-and-delete with the tokens that were shown: if the lock changed
    // hands while we asked, the new holder keeps it.
    for t in &tokens {
        b.release(key, t, Duration::from_secs(1)).await?;
    }
    let after = b.status(key).await?;
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
            "{shown} is still held by a token that was shown (a node did not answer?): not broken"
        )))
    } else if changed {
        Some(negative(format!(
            "{shown} changed hands since it was shown: the new holder keeps it"
        )))
    } else {
        None
    };
    let signalled = wake(&b, done, list, signal).await?;
    let report = DoneReport {
        name: key.to_vec(),
        action: Action::Broken,
        done,
        signalled,
    };
    Ok(Outcome::failed(report, failure))
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
) -> anyhow::Result<Option<Vec<u8>>> {
    let (Backend::Single(r), true, Some(list)) = (b, freed, list) else {
        return Ok(None);
    };
    lock::signal(r, &list, s.signal_expire).await.map_err(|e| {
        e.context(format!(
            "the lock was freed, but signalling {} failed",
            escape_bytes(&list)
        ))
    })?;
    Ok(Some(list))
}
