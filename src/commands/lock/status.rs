//! `lock status NAME` and `lock list [PATTERN]`.

use super::{backend, Ctx};
use crate::cli::NodesArgs;
use crate::core::lock_list::held_locks;
use crate::core::redlock::{holder, NodeState};
use crate::output::Outcome;
use crate::report::lock::{ListReport, ListedLock, NodeReport, StatusReport};

pub async fn status(ctx: &Ctx, key: &[u8], nodes: &NodesArgs) -> anyhow::Result<Outcome> {
    let b = backend(ctx, nodes).await?;
    let states = b.status(key).await?;
    Ok(Outcome::report(report(key, &states, b.is_quorum())))
}

/// What every node holds, and the holder a quorum (or the one server) agrees on.
pub fn report(key: &[u8], states: &[NodeState], is_quorum: bool) -> StatusReport {
    let h = holder(states, is_quorum);
    let nodes: Vec<NodeReport> = states
        .iter()
        .map(|(node, s)| match s {
            Some(s) => NodeReport::Reached {
                node: node.clone(),
                held: s.token.is_some(),
                token: s.token.clone(),
                ttl_ms: s.ttl_ms,
                fencing_token: s.fence,
            },
            None => NodeReport::Unreachable {
                node: node.clone(),
                reachable: false,
            },
        })
        .collect();
    StatusReport {
        name: key.to_vec(),
        held: h.is_some(),
        token: h.map(|h| h.0.to_vec()),
        ttl_ms: h.and_then(|h| h.1),
        fencing_token: h
            .and_then(|h| h.2)
            .or_else(|| states.iter().find_map(|(_, s)| s.as_ref()?.fence)),
        not_a_lock: states
            .iter()
            .find_map(|(_, s)| s.as_ref()?.foreign_type.clone()),
        server: (!is_quorum).then(|| nodes.first().cloned()).flatten(),
        nodes: is_quorum.then_some(nodes),
    }
}

pub async fn list(ctx: &Ctx, pattern: Option<&[u8]>) -> anyhow::Result<Outcome> {
    let redis = ctx.connect().await?;
    let found = held_locks(&redis, &ctx.ns, pattern).await?;
    if found.skipped > 0 {
        ctx.printer.notice(&format!(
            "{} matching string keys hold no lock token: skipped",
            found.skipped
        ));
    }
    let locks = found
        .locks
        .into_iter()
        .map(|l| ListedLock {
            name: l.name,
            token: l.token,
            ttl_ms: l.ttl_ms,
        })
        .collect();
    Ok(Outcome::report(ListReport { locks }))
}
