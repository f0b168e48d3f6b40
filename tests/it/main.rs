//! One integration test crate: black-box tests of the cachectl binary against
//! real redis-server processes started by the tests themselves.

mod basics;
mod cluster;
mod common;
mod conn_config_promises;
mod conn_errors;
mod connection;
mod delete_view_promises;
mod faults;
mod fixtures;
mod generated;
mod get_view_promises;
mod help;
mod hostile;
mod input_promises;
mod load;
mod lock;
mod lock_view_promises;
mod output_promises;
mod ratelimit;
mod readme_promises;
mod remember;
mod replica_promises;
mod rig_selftest;
mod scan_delete;
mod security;
mod sentinel;
mod stats;
mod stats_view_promises;
mod tags;
mod topology_promises;
mod tour_promises;
mod type_promises;
mod ux_promises;
mod warm;
