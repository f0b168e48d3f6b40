//! `lock acquire NAME --ttl D [--wait D]`: prints the token.

use std::io;
use std::time::Duration;

use super::{backend, fence_ttl, held_elsewhere, Ctx};
use crate::cli::{FenceArgs, NodesArgs};
use crate::core::interrupt::Interrupt;
use crate::core::lock::new_token;
use crate::core::redlock::Backend;
use crate::error::{negative, CliError};
use crate::keys::escape_bytes;
use crate::output::Outcome;
use crate::report::lock::AcquireReport;

pub async fn acquire(
    ctx: &Ctx,
    key: &[u8],
    ttl: Duration,
    wait: Duration,
    fence: &FenceArgs,
    nodes: &NodesArgs,
) -> anyhow::Result<Outcome> {
    let fence_ttl = fence_ttl(fence, ttl)?;
    let b = backend(ctx, nodes).await?;
    let token = new_token();
    // Ctrl-C while waiting: exit 130, and a lock taken at that moment (its
    // token never printed) is given back.
    let interrupt = Interrupt::listen();
    let acquired = tokio::select! {
        a = b.acquire(key, &token, ttl, fence_ttl, wait) => a?,
        _ = interrupt.wait() => {
            let _ = b.release(key, token.as_bytes(), ttl).await;
            return Err(CliError::Interrupted.into());
        }
    };
    let Some(a) = acquired else {
        return Err(held_elsewhere(&b, key).await);
    };
    ctx.printer.notice(&format!("fencing token {}", a.fence));
    let report = AcquireReport {
        name: key.to_vec(),
        acquired: true,
        token,
        fencing_token: a.fence,
        ttl_ms: ttl.as_millis() as u64,
        validity_ms: a.validity_ms,
        locked_nodes: a.locked_nodes,
    };
    // Printed here, not by the caller: a token that could not be delivered
    // leaves a lock nobody can release, so it is undone.
    match ctx.printer.print(&report) {
        Ok(()) => Ok(Outcome::silent()),
        Err(e) => Err(undeliverable(&b, key, &report.token, ttl, &e).await),
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
