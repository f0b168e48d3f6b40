//! `lock run NAME --ttl D [--wait D] -- CMD...`: hold the lock while CMD runs,
//! extending it; stop CMD before the lock's validity ends if it is lost.

use std::ffi::OsString;
use std::time::Duration;

use super::{backend, fence_ttl, held_elsewhere, Ctx};
use crate::child::{code_of, spawn, Ended, Keeping};
use crate::cli::{FenceArgs, NodesArgs};
use crate::core::lock::new_token;
use crate::core::redlock::{drift, Backend};
use crate::error::{negative, usage, CliError};
use crate::keys::escape_bytes;
use crate::output::Outcome;

pub struct RunOpts<'a> {
    pub ttl: Duration,
    pub wait: Duration,
    pub kill_grace: Option<Duration>,
    pub cmd: &'a [OsString],
}

pub async fn run(
    ctx: &Ctx,
    key: &[u8],
    o: &RunOpts<'_>,
    fence: &FenceArgs,
    nodes: &NodesArgs,
) -> anyhow::Result<Outcome> {
    let ttl = o.ttl;
    // What one extension buys: the TTL, less Redlock's drift allowance.
    let validity = if nodes.nodes.is_empty() {
        ttl
    } else {
        ttl.saturating_sub(drift(ttl))
    };
    let plan = Keeping::new(validity, o.kill_grace).map_err(usage)?;
    let fence_ttl = fence_ttl(fence, ttl)?;
    let b = backend(ctx, nodes).await?;
    let token = new_token();
    // Listening from before the acquisition: Ctrl-C while waiting for the lock
    // is exit 130, and a lock taken just then is given back.
    let signals = crate::child::listen();
    let acquired = tokio::select! {
        a = b.acquire(key, &token, ttl, fence_ttl, o.wait) => a?,
        _ = signals.interrupt.wait() => {
            let _ = b.release(key, token.as_bytes(), ttl).await;
            return Err(CliError::Interrupted.into());
        }
    };
    let Some(a) = acquired else {
        return Err(held_elsewhere(&b, key).await);
    };
    if signals.interrupt.is_set() {
        let _ = b.release(key, token.as_bytes(), ttl).await;
        return Err(CliError::Interrupted.into());
    }
    let envs = [
        ("CACHECTL_LOCK_TOKEN", token.clone()),
        ("CACHECTL_FENCING_TOKEN", a.fence.to_string()),
    ];
    let mut child = match spawn(o.cmd, false, &envs) {
        Ok(c) => c,
        Err(e) => {
            let _ = b.release(key, token.as_bytes(), ttl).await;
            return Err(e);
        }
    };
    let ended = child
        .supervise(plan, a.valid_until, &signals, || {
            b.extend(key, &token, ttl, fence_ttl)
        })
        .await;
    let ended = match ended {
        Ok(e) => e,
        Err(e) => {
            let _ = b.release(key, token.as_bytes(), ttl).await;
            return Err(anyhow::Error::new(e).context(format!("waiting for {}", child.name)));
        }
    };
    let failure: Option<anyhow::Error> = match ended {
        Ended::Exited(status) => {
            release_after(ctx, &b, key, &token, ttl).await;
            (!status.success()).then(|| {
                CliError::Child {
                    cmd: child.name.clone(),
                    code: code_of(status),
                }
                .into()
            })
        }
        Ended::Interrupted => {
            release_after(ctx, &b, key, &token, ttl).await;
            Some(CliError::Interrupted.into())
        }
        Ended::LockLost => {
            // Compare-and-delete: frees what is left of ours, never another holder's.
            let _ = b.release(key, token.as_bytes(), ttl).await;
            Some(negative(format!(
                "lock {} was lost while {} ran (it expired, was taken over, or could not be extended in time); {} was stopped",
                escape_bytes(key),
                child.name,
                child.name
            )))
        }
    };
    Ok(Outcome {
        report: None,
        failure,
    })
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
