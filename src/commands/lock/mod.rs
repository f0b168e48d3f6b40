//! `lock acquire | release | extend | status | list | break | run`.
//!
//! One server (or cluster) by default; with `--node URL` repeated, Redlock over
//! independent servers (see `core::redlock`). One file per action.

mod acquire;
mod release;
mod run;
mod status;

use std::time::Duration;

use super::Ctx;
use crate::cli::{FenceArgs, LockAction, NodesArgs};
use crate::core::lock;
use crate::core::redlock::Backend;
use crate::error::{negative, usage};
use crate::keys::{arg_bytes, escape_bytes};
use crate::output::{fmt, Outcome};

pub async fn run(action: &LockAction, ctx: &Ctx) -> anyhow::Result<Outcome> {
    match action {
        LockAction::Acquire {
            name,
            ttl,
            wait,
            fence,
            nodes,
        } => acquire::acquire(ctx, &key(ctx, name), *ttl, *wait, fence, nodes).await,
        LockAction::Release {
            name,
            token,
            signal,
            nodes,
        } => release::release(ctx, &key(ctx, name), token, signal, nodes).await,
        LockAction::Extend {
            name,
            token,
            ttl,
            nodes,
        } => release::extend(ctx, &key(ctx, name), token, *ttl, nodes).await,
        LockAction::Status { name, nodes } => status::status(ctx, &key(ctx, name), nodes).await,
        LockAction::List { pattern } => {
            status::list(ctx, pattern.as_ref().map(|p| arg_bytes(p)).as_deref()).await
        }
        LockAction::Break {
            name,
            dry_run,
            signal,
            nodes,
        } => release::break_lock(ctx, &key(ctx, name), *dry_run, signal, nodes).await,
        LockAction::Run {
            name,
            ttl,
            wait,
            kill_grace,
            fence,
            nodes,
            cmd,
        } => {
            let opts = run::RunOpts {
                ttl: *ttl,
                wait: *wait,
                kill_grace: *kill_grace,
                cmd,
            };
            run::run(ctx, &key(ctx, name), &opts, fence, nodes).await
        }
    }
}

fn key(ctx: &Ctx, name: &std::ffi::OsStr) -> Vec<u8> {
    ctx.ns.key(&arg_bytes(name))
}

/// The fencing counter's TTL; one shorter than the lock's could expire while
/// the lock is held, and the next holder's token would go back to 1.
fn fence_ttl(f: &FenceArgs, ttl: Duration) -> anyhow::Result<Duration> {
    match f.fence_ttl {
        None => Ok(lock::default_fence_ttl(ttl)),
        Some(d) if !d.is_zero() && d < ttl => Err(usage(format!(
            "--fence-ttl {} is shorter than --ttl {}: the counter could expire while the lock is held (0 = persistent)",
            fmt::duration(d),
            fmt::duration(ttl)
        ))),
        Some(d) => Ok(d),
    }
}

/// The server, or the Redlock quorum of `--node` servers.
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
    let specs = nodes
        .nodes
        .iter()
        .map(|url| ctx.spec_for(url))
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(Backend::quorum_of(specs).await)
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
                    s.ttl_ms.map(fmt::ms_int).unwrap_or_else(|| "no TTL".into())
                ))
            })
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    negative(format!("lock {} not acquired{holder}", escape_bytes(key)))
}
