//! Saffron's WebAssembly semantics checked against the CLIF that wasmtime's
//! translator emits, read through the CLIF specs Cranelift ships.
//!
//! `sym`: the numerics' domain over spec terms; `capture`: the real CLIF;
//! `clif_cfg` and `clif_isle`: that CLIF (acyclic control flow included) as
//! an ISLE right-hand side; `memory`: what a heap access must do;
//! `generated`: the program both checks write and verify; `catalog` and
//! `unit`: the `wasm` verification unit (one op at a time); `module`:
//! `verify --module` (a user's loop-free functions); `replay`: a
//! counterexample run on both engines.
pub mod capture;
pub mod catalog;
pub mod clif_cfg;
pub mod clif_isle;
pub mod generated;
pub mod memory;
pub mod module;
pub mod replay;
pub mod sym;
pub mod sym_val;
pub mod unit;
