//! `scan-delete` and `flush-prefix`: what a bulk delete (or its dry run) found
//! and did.

use std::path::PathBuf;

use serde::Serialize;

#[derive(Debug, Clone, Default, Serialize)]
pub struct DeleteReport {
    /// The pattern as Redis saw it (namespace applied), escaped.
    pub pattern: String,
    /// Keys handed to UNLINK (a dry run: keys found). Keys the scan found but
    /// that were still waiting when a run stopped are not in it.
    pub matched: u64,
    pub deleted: u64,
    pub denied: u64,
    /// Of `deleted`: keys counted after a lost reply, not confirmed by one.
    pub unconfirmed: u64,
    pub dry_run: bool,
    pub elapsed_ms: u64,
    pub passes: u32,
    pub interrupted: bool,
    pub limit_reached: bool,
    pub resumed: bool,
    /// Nodes scanned again from cursor 0, and why.
    pub rescanned: Vec<Rescan>,
    pub nodes: Vec<NodeCount>,
    /// Dry run: some matching keys (namespace removed), escaped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sample: Option<Vec<String>>,
    /// The `--checkpoint` file, for the hint after a stop (not in the JSON).
    #[serde(skip)]
    pub checkpoint: Option<PathBuf>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Rescan {
    pub node: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct NodeCount {
    pub node: String,
    pub matched: u64,
    pub deleted: u64,
}

/// What a run is about to do, shown before it asks.
#[derive(Debug, Clone)]
pub struct DeletePlan {
    /// `UNLINK` or `DEL`.
    pub action: &'static str,
    pub pattern: String,
    pub target: Target,
    /// Estimated matches and keys in all.
    pub matches: u64,
    pub total: u64,
    /// Every node was counted in full.
    pub exact: bool,
    pub limit: Option<u64>,
    /// A resumed checkpoint: what it already covered.
    pub resume: Option<Resumed>,
}

/// Where the keys go from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// One server (its URL, without the password).
    Server(String),
    /// A cluster of this many primaries.
    Cluster { primaries: usize },
}

impl Target {
    /// What `redis` is, as a confirmation names it.
    pub fn of(redis: &crate::core::conn::Redis) -> Self {
        if redis.is_cluster() {
            Target::Cluster {
                primaries: redis.primaries().len(),
            }
        } else {
            Target::Server(redis.display_url().to_string())
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Resumed {
    /// Share of the scan the checkpoint already covered (0 to 1).
    pub covered: f64,
    /// Keys deleted by the runs before.
    pub deleted: u64,
}
