//! `tag-invalidate`: per tag, its members and what was done with them.

use serde::Serialize;

#[derive(Debug, Clone, Default, Serialize)]
pub struct TagReport {
    /// Tag names, as given.
    pub tags: Vec<String>,
    /// Keys deleted (0 in a dry run or a prune).
    pub deleted: u64,
    pub dry_run: bool,
    /// Members of every tag before the run.
    pub members: u64,
    pub denied: u64,
    /// Keys gone when an UNLINK whose reply was lost went again: the lost one
    /// may have removed them, or they were gone before. Not in `deleted`.
    pub unconfirmed: u64,
    pub by_tag: Vec<TagRow>,
    /// `--prune`: members dropped because their keys were gone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pruned: Option<u64>,
    /// Dry run: some keys that would be deleted, escaped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sample: Option<Vec<String>>,
    /// `--publish`: subscribers that received the announcement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<i64>,
    /// Stopped by Ctrl-C (the exit code says it too).
    #[serde(skip)]
    pub interrupted: bool,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct TagRow {
    pub tag: String,
    /// The tag key (namespace and layout applied), escaped.
    pub key: String,
    pub members: u64,
    /// Keys deleted, members pruned, or keys that would be deleted.
    pub done: u64,
}
