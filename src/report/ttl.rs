//! `ttl KEY…` and `ttl --pattern P`.

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use crate::core::ttl::{KeyTtl, TtlState};
use crate::keys::escape_bytes;
use crate::keyspace::TtlBuckets;
use crate::parse::human_ms;

/// `ttl KEY…`: one row per key, in the order given.
#[derive(Debug)]
pub struct KeysReport {
    pub rows: Vec<KeyTtl>,
}

/// The human form in JSON (`"ttl": "1h 2m 3s"`, `persistent`, `missing`).
pub fn human(state: TtlState) -> String {
    match state {
        TtlState::Denied => "denied".into(),
        TtlState::Unreachable => "unreachable".into(),
        TtlState::Missing => "missing".into(),
        TtlState::Persistent => "persistent".into(),
        TtlState::Expires(ms) => human_ms(ms),
    }
}

pub fn ttl_ms(state: TtlState) -> Option<i64> {
    match state {
        TtlState::Expires(ms) => Some(ms),
        _ => None,
    }
}

struct Row<'a>(&'a KeyTtl);

impl Serialize for Row<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let state = self.0.state;
        let denied = state == TtlState::Denied;
        let unreachable = state == TtlState::Unreachable;
        let exists = (!denied && !unreachable).then_some(state != TtlState::Missing);
        let mut m = s.serialize_map(Some(6))?;
        m.serialize_entry("key", &escape_bytes(&self.0.key))?;
        m.serialize_entry("ttl_ms", &ttl_ms(state))?;
        m.serialize_entry("exists", &exists)?;
        m.serialize_entry("ttl", &human(state))?;
        m.serialize_entry("denied", &denied)?;
        m.serialize_entry("unreachable", &unreachable)?;
        m.end()
    }
}

impl Serialize for KeysReport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.rows.len()))?;
        for r in &self.rows {
            seq.serialize_element(&Row(r))?;
        }
        seq.end()
    }
}

/// The TTL distribution, as SPEC.md names its buckets.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Distribution {
    pub no_ttl: u64,
    pub lt_1m: u64,
    pub lt_1h: u64,
    pub lt_1d: u64,
    pub ge_1d: u64,
}

impl From<TtlBuckets> for Distribution {
    fn from(b: TtlBuckets) -> Self {
        Distribution {
            no_ttl: b.no_ttl,
            lt_1m: b.lt_1m,
            lt_1h: b.lt_1h,
            lt_1d: b.lt_1d,
            ge_1d: b.ge_1d,
        }
    }
}

impl Distribution {
    pub fn total(&self) -> u64 {
        self.no_ttl + self.lt_1m + self.lt_1h + self.lt_1d + self.ge_1d
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Rescan {
    pub node: String,
    pub reason: String,
}

/// `ttl --pattern P`: the distribution, and with a change what it did.
#[derive(Debug, Clone, Serialize)]
pub struct PatternReport {
    pub pattern: String,
    pub matched: u64,
    pub denied: u64,
    pub no_ttl: u64,
    /// Before the change (the only one without a change).
    pub distribution: Distribution,
    /// After the change; in a dry run, what it would be.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<Distribution>,
    pub dry_run: bool,
    pub elapsed_ms: u64,
    pub rescanned: Vec<Rescan>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unconfirmed: Option<u64>,
    /// Dry run with a change: some keys it would touch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sample: Option<Vec<String>>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub interrupted: bool,
}
