//! Saffron's WebAssembly semantics checked against the CLIF that wasmtime's
//! translator emits, read through the CLIF specs Cranelift ships.
//!
//! `sym`: the numerics' domain over spec terms; `capture`: the real CLIF;
//! `clif_isle`: that CLIF as an ISLE right-hand side; `catalog`: the Wasm ops;
//! `unit`: the `wasm` verification unit.
pub mod capture;
pub mod catalog;
pub mod clif_cfg;
pub mod clif_isle;
pub mod generated;
pub mod memory;
pub mod module;
pub mod replay;
pub mod sym;
pub mod unit;
