//! Saffron's executable reference semantics of WebAssembly.
