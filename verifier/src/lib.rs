//! Saffron's verifier of Cranelift ISLE rules.
//!
//! Pipeline: load -> expand -> instantiate -> encode -> solve -> replay -> report.
pub mod cranelift_dir;
pub mod effects;
pub mod expand;
pub mod front;
pub mod ir;
pub mod load;
pub mod span;
pub mod encode;
pub mod replay;
pub mod solve;
pub mod report;
pub mod pipeline;
pub mod cache;
pub mod certify;
pub mod recheck;
pub mod shard;
pub mod merge;
pub mod paths;
