//! The shared core every subcommand stands on: connection and routing
//! ([`conn`]), key streams ([`scan`]), and batching with rate caps ([`pipeline`]).
//! Commands never open their own connections.

pub mod bulk;
pub mod checkpoint;
pub mod conn;
pub mod info;
pub mod interrupt;
pub mod lock;
pub mod pipeline;
pub mod scan;
pub mod tags;
pub mod unlink;
