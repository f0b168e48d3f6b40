//! `set`: whether the value was written.

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct SetReport {
    #[serde(with = "crate::keys::escaped")]
    pub key: Vec<u8>,
    pub set: bool,
    pub bytes: usize,
    pub ttl_ms: Option<u64>,
}
