//! Abstract syntax (spec §2): types and the module representation the rest of the crate works on.
pub mod module;
pub mod types;
