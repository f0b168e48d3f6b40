//! `remember`: the value served and how it was obtained.

use serde::Serialize;

#[derive(Debug, Clone, Default, Serialize)]
pub struct RememberReport {
    #[serde(with = "crate::keys::escaped")]
    pub key: Vec<u8>,
    pub hit: bool,
    pub computed: bool,
    pub early: bool,
    pub waited: bool,
    pub compute_ms: Option<u64>,
    pub ttl_ms: Option<i64>,
    #[serde(with = "crate::report::get::text")]
    pub value: Vec<u8>,
}
