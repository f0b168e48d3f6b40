//! What each command found, as data: `#[derive(Serialize)]` structs whose
//! field names are SPEC.md's JSON names. Commands build them from the core's
//! typed facts; `output/` shows them. No display strings live here.
pub mod delete;
pub mod get;
pub mod lock;
pub mod ratelimit;
pub mod remember;
pub mod set;
pub mod stats;
pub mod tag;
pub mod ttl;
pub mod warm;
