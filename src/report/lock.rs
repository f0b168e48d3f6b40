//! `lock`: what an acquisition, a release / extension / break, a status read
//! and a listing found. Names and tokens are shown escaped, as everywhere.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

/// `#[serde(with = "escaped_opt")]`: an optional name or token.
mod escaped_opt {
    use serde::Serializer;

    pub fn serialize<S: Serializer>(bytes: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match bytes {
            Some(b) => s.serialize_str(&crate::keys::escape_bytes(b)),
            None => s.serialize_none(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct AcquireReport {
    #[serde(with = "crate::keys::escaped")]
    pub name: Vec<u8>,
    pub acquired: bool,
    pub token: String,
    pub fencing_token: i64,
    pub ttl_ms: u64,
    pub validity_ms: i64,
    pub locked_nodes: usize,
}

/// What was done to a held lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Released,
    Extended,
    Broken,
}

impl Action {
    /// The JSON field that says whether it was done.
    pub fn field(self) -> &'static str {
        match self {
            Action::Released => "released",
            Action::Extended => "extended",
            Action::Broken => "broken",
        }
    }
}

/// JSON: `{"name", "<released|extended|broken>": bool, "signalled"?}`.
#[derive(Debug, Clone)]
pub struct DoneReport {
    pub name: Vec<u8>,
    pub action: Action,
    pub done: bool,
    /// The list whose waiters were woken (python-redis-lock's signal).
    pub signalled: Option<Vec<u8>>,
}

impl Serialize for DoneReport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let esc = crate::keys::escape_bytes;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("name", &esc(&self.name))?;
        m.serialize_entry(self.action.field(), &self.done)?;
        if let Some(list) = &self.signalled {
            m.serialize_entry("signalled", &esc(list))?;
        }
        m.end()
    }
}

/// One server's view of the lock.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum NodeReport {
    Reached {
        node: String,
        held: bool,
        #[serde(with = "escaped_opt")]
        token: Option<Vec<u8>>,
        ttl_ms: Option<i64>,
        fencing_token: Option<i64>,
    },
    Unreachable {
        node: String,
        reachable: bool,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct StatusReport {
    #[serde(with = "crate::keys::escaped")]
    pub name: Vec<u8>,
    pub held: bool,
    /// The holder's token (the majority's with Redlock).
    #[serde(with = "escaped_opt")]
    pub token: Option<Vec<u8>>,
    pub ttl_ms: Option<i64>,
    pub fencing_token: Option<i64>,
    /// The key exists with this type: it is no lock.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_a_lock: Option<String>,
    /// Every server: in JSON only with Redlock (`--node`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nodes: Option<Vec<NodeReport>>,
    /// The one server, when not Redlock (shown on a terminal).
    #[serde(skip)]
    pub server: Option<NodeReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ListedLock {
    #[serde(with = "crate::keys::escaped")]
    pub name: Vec<u8>,
    #[serde(with = "crate::keys::escaped")]
    pub token: Vec<u8>,
    pub ttl_ms: Option<i64>,
}

/// JSON: an array of `{"name", "token", "ttl_ms"}`.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct ListReport {
    pub locks: Vec<ListedLock>,
}
