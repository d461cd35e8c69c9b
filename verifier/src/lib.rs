//! Saffron's verifier of Cranelift ISLE rules.
//!
//! Pipeline: load -> expand -> instantiate -> encode -> solve -> replay -> report.
pub mod cli;
pub mod ir;
pub mod span;
