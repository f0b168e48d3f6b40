//! The shared core every subcommand stands on: connection and routing
//! ([`conn`]), key streams ([`scan`]), batching with rate caps ([`pipeline`]),
//! locks ([`lock`]) and rate limiters ([`limiter`]).
//! Commands never open their own connections.

pub mod bulk;
pub mod checkpoint;
pub mod conn;
pub mod delete;
pub mod info;
pub mod interrupt;
pub mod invalidate;
pub mod keytype;
pub mod limiter;
pub mod load;
pub mod lock;
pub mod lock_list;
// The one per-key read the bulk commands move their TYPE/PTTL pipelines to.
#[allow(dead_code)]
pub mod meta;
pub mod pace;
pub mod pipeline;
pub mod probe;
pub mod read;
pub mod redlock;
pub mod remember;
pub mod scan;
pub mod stats;
pub mod tags;
pub mod ttl;
pub mod unlink;
