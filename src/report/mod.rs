//! What commands found, as data: one module per command, `Serialize` structs
//! whose field names are SPEC.md's JSON names. Views of them live in `output`.

pub mod warm;
