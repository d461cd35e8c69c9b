//! Validation (spec §3) is wasmparser's validator with exactly the WebAssembly 3.0 feature set;
//! there is deliberately no second validator here. Decoding drives it section by section
//! (see `binary`), and function bodies are validated operator by operator while they are
//! translated, which also yields the exact operand-stack heights the translation needs.

use wasmparser::{Validator, WasmFeatures};

/// A validator for WebAssembly 3.0. `WasmFeatures::all()` would also switch on post-3.0
/// proposals (stack switching, custom descriptors, ...) that make some 3.0-invalid modules
/// valid (e.g. tags with results), so the suite's `assert_invalid`s need the exact 3.0 set.
pub fn validator() -> Validator {
    Validator::new_with_features(features())
}

/// The feature set this semantics implements.
pub fn features() -> WasmFeatures {
    WasmFeatures::WASM3
}
