//! Saffron's executable reference semantics of WebAssembly 3.0.
//!
//! The crate mirrors the structure of the specification: [`syntax`] (abstract syntax),
//! [`binary`] (decoding, via wasmparser), [`valid`] (validation, wasmparser's validator with
//! the WebAssembly 3.0 feature set), [`exec`] (store, instantiation, evaluation), `numerics`
//! (the pure numeric instructions, generic over a value domain) and `script` (the `.wast` runner).
//!
//! Embedding: [`Module::from_binary`] / [`Module::from_text`] decode, validate and translate a
//! module once; [`Store::instantiate`] links it; [`Store::invoke`] runs a function.

pub mod binary;
pub mod exec;
pub mod numerics;
pub mod script;
pub mod spectest;
pub mod syntax;
pub mod valid;

pub use binary::{DecodeError, DecodeErrorKind, Module};
pub use exec::store::{Config, Store};
pub use exec::trap::{InstantiationError, Trap, TrapKind};
pub use exec::value::{
    Extern, FuncAddr, GlobalAddr, InstanceAddr, MemAddr, Ref, RefKind, TableAddr, TagAddr, Value,
};
pub use syntax::types::{ExportInfo, ExternKind, FuncTypeInfo, HeapTop, HeapType, RefType, ValType};
