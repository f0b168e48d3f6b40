//! The key vocabulary every command shares: what type a key is ([`KeyType`], as
//! `--type` takes it and as TYPE answers) and how long it lives ([`Ttl`], as
//! PTTL answers).

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

/// A key's type. The core types, Redis 8's vector sets, the module types most
/// often met in caches (their TYPE names are fixed by the modules), and what
/// else TYPE may answer: another module's type, or a name we do not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyType {
    String,
    List,
    Set,
    Zset,
    Hash,
    Stream,
    /// Vector sets (Redis 8)
    VectorSet,
    /// RedisJSON documents (TYPE ReJSON-RL)
    Json,
    /// RedisTimeSeries series (TYPE TSDB-TYPE)
    Timeseries,
    /// RedisBloom Bloom filters (TYPE MBbloom--)
    Bloom,
    /// Another module's type (module type names are 9 characters).
    Module,
    /// A TYPE answer we do not know.
    Unknown,
}

impl KeyType {
    /// The types a key filter (`--type`, SCAN TYPE) can name: a closed set, so
    /// a typo is a usage error rather than a scan that finds nothing.
    pub const FILTERS: [KeyType; 10] = [
        KeyType::String,
        KeyType::List,
        KeyType::Set,
        KeyType::Zset,
        KeyType::Hash,
        KeyType::Stream,
        KeyType::VectorSet,
        KeyType::Json,
        KeyType::Timeseries,
        KeyType::Bloom,
    ];

    /// Our name for it: lowercase, what `--type` takes and JSON shows.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyType::String => "string",
            KeyType::List => "list",
            KeyType::Set => "set",
            KeyType::Zset => "zset",
            KeyType::Hash => "hash",
            KeyType::Stream => "stream",
            KeyType::VectorSet => "vectorset",
            KeyType::Json => "json",
            KeyType::Timeseries => "timeseries",
            KeyType::Bloom => "bloom",
            KeyType::Module => "module",
            KeyType::Unknown => "unknown",
        }
    }

    /// The name Redis uses in TYPE replies and SCAN TYPE. `Module` and
    /// `Unknown` stand for many names, so they give our name (which matches no
    /// key); they are never filters.
    pub fn redis_name(self) -> &'static str {
        match self {
            KeyType::Json => "ReJSON-RL",
            KeyType::Timeseries => "TSDB-TYPE",
            KeyType::Bloom => "MBbloom--",
            other => other.as_str(),
        }
    }

    /// A TYPE reply; `None` when the key does not exist (`none`).
    pub fn from_reply(name: &str) -> Option<KeyType> {
        if name == "none" {
            return None;
        }
        let known = KeyType::FILTERS
            .into_iter()
            .find(|t| t.redis_name() == name);
        Some(known.unwrap_or(if name.len() == 9 {
            KeyType::Module
        } else {
            KeyType::Unknown
        }))
    }

    /// What a filter's name means, for help texts.
    pub fn describe(self) -> Option<&'static str> {
        match self {
            KeyType::VectorSet => Some("vector sets (Redis 8)"),
            KeyType::Json => Some("RedisJSON documents (TYPE ReJSON-RL)"),
            KeyType::Timeseries => Some("RedisTimeSeries series (TYPE TSDB-TYPE)"),
            KeyType::Bloom => Some("RedisBloom Bloom filters (TYPE MBbloom--)"),
            _ => None,
        }
    }
}

impl fmt::Display for KeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not one of ours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownType(pub String);

impl fmt::Display for UnknownType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = KeyType::FILTERS.iter().map(|t| t.as_str()).collect();
        write!(
            f,
            "unknown key type '{}' (one of: {})",
            self.0,
            names.join(", ")
        )
    }
}

impl std::error::Error for UnknownType {}

impl FromStr for KeyType {
    type Err = UnknownType;

    /// Our lowercase names ([`KeyType::as_str`]), exactly.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        KeyType::FILTERS
            .into_iter()
            .chain([KeyType::Module, KeyType::Unknown])
            .find(|t| t.as_str() == s)
            .ok_or_else(|| UnknownType(s.to_string()))
    }
}

impl Serialize for KeyType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// How long a key lives, as PTTL answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ttl {
    /// No expiry (PTTL -1).
    Persistent,
    /// Expires in this many milliseconds.
    ExpiresIn(u64),
    /// The key does not exist (PTTL -2).
    Missing,
}

// Used as callers move to `meta`.
#[cfg_attr(not(test), allow(dead_code))]
impl Ttl {
    pub fn from_pttl(pttl: i64) -> Ttl {
        match pttl {
            -1 => Ttl::Persistent,
            n if n >= 0 => Ttl::ExpiresIn(n as u64),
            _ => Ttl::Missing,
        }
    }

    /// Back to PTTL's numbers (-1 none, -2 gone), for code that still uses them.
    pub fn pttl(self) -> i64 {
        match self {
            Ttl::Persistent => -1,
            Ttl::ExpiresIn(ms) => ms.min(i64::MAX as u64) as i64,
            Ttl::Missing => -2,
        }
    }

    /// Milliseconds left, when the key expires.
    pub fn ms(self) -> Option<u64> {
        match self {
            Ttl::ExpiresIn(ms) => Some(ms),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_typos_list_the_valid_ones() {
        for t in KeyType::FILTERS
            .into_iter()
            .chain([KeyType::Module, KeyType::Unknown])
        {
            assert_eq!(t.as_str().parse::<KeyType>(), Ok(t));
            assert_eq!(t.as_str(), t.as_str().to_lowercase());
        }
        let e = "strnig".parse::<KeyType>().expect_err("a typo");
        let msg = e.to_string();
        assert!(
            msg.contains("'strnig'") && msg.contains("zset") && msg.contains("bloom"),
            "{msg}"
        );
        // TYPE names are not our names: `--type ReJSON-RL` is not `--type json`.
        assert!("ReJSON-RL".parse::<KeyType>().is_err());
        assert!("HASH".parse::<KeyType>().is_err());
    }

    #[test]
    fn type_replies_decode_including_modules_and_strangers() {
        assert_eq!(KeyType::from_reply("none"), None);
        assert_eq!(KeyType::from_reply("zset"), Some(KeyType::Zset));
        assert_eq!(KeyType::from_reply("vectorset"), Some(KeyType::VectorSet));
        assert_eq!(KeyType::from_reply("ReJSON-RL"), Some(KeyType::Json));
        assert_eq!(KeyType::from_reply("TSDB-TYPE"), Some(KeyType::Timeseries));
        assert_eq!(KeyType::from_reply("MBbloom--"), Some(KeyType::Bloom));
        // Cuckoo filters: a module type without a name of ours.
        assert_eq!(KeyType::from_reply("MBbloomCF"), Some(KeyType::Module));
        assert_eq!(KeyType::from_reply("json"), Some(KeyType::Unknown));
        for t in KeyType::FILTERS {
            assert_eq!(KeyType::from_reply(t.redis_name()), Some(t), "{t}");
        }
    }

    #[test]
    fn serializes_as_the_lowercase_name() {
        let v = serde_json::to_string(&[KeyType::Zset, KeyType::Json, KeyType::Module])
            .expect("serialize");
        assert_eq!(v, r#"["zset","json","module"]"#);
    }

    #[test]
    fn ttl_reads_pttl_replies() {
        assert_eq!(Ttl::from_pttl(-1), Ttl::Persistent);
        assert_eq!(Ttl::from_pttl(-2), Ttl::Missing);
        assert_eq!(Ttl::from_pttl(0), Ttl::ExpiresIn(0));
        assert_eq!(Ttl::from_pttl(1500).ms(), Some(1500));
        assert_eq!(Ttl::Persistent.ms(), None);
        for p in [-2, -1, 0, 7, i64::MAX] {
            assert_eq!(Ttl::from_pttl(p).pttl(), p);
        }
    }
}
